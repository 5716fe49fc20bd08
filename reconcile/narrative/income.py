"""二、（一）收入: the 收入合计, each source, and each compared with last year."""

from __future__ import annotations

from reconcile.narrative import money
from reconcile.narrative.context import Context
from reconcile.narrative.document import Paragraph
from reconcile.narrative.figures import Change
from reconcile.narrative.render import say

T = "income.j2"
KEY = "income"


def income_changes(ctx: Context) -> tuple[Change | None, list[Change]]:
    """The 收入合计 clause and one per source (其中 rows and rows empty in both years left out)."""
    sources = [r for r in ctx.model.income if not r.is_total and not r.is_sub and r.name and money.has_figures(r)]
    return money.changes(ctx, KEY, ctx.model.income_total, "收入", sources, lambda r: r.name)


def section(ctx: Context) -> list[Paragraph]:
    total, parts = income_changes(ctx)
    return money.section(ctx, T, KEY, total, parts, income_table(ctx))


def income_table(ctx: Context) -> list[list[str]]:
    rows = []
    cells = money.change_cells_for(ctx, KEY)
    for r in money.table_rows(ctx.model.income):
        if r.name:
            label = say(T, "sub_label", name=r.name) if r.is_sub else r.name
            rows.append([label, *cells(r)])
    return rows
