"""二、（二）支出: the 支出合计, each 类 (function class), each compared with last year."""

from __future__ import annotations

from reconcile.model import ExpenditureRow
from reconcile.narrative import money
from reconcile.narrative.context import Context
from reconcile.narrative.document import Paragraph
from reconcile.narrative.figures import Change

T = "expenditure.j2"
KEY = "expenditure"


def top_rows(rows: list[ExpenditureRow]) -> list[ExpenditureRow]:
    """The highest-level coded rows: every 类, and any 款/项 whose parent is not listed."""
    coded = [(r, code) for r in rows if not r.is_total and not r.is_sub and (code := r.code_str).isdigit()]
    codes = {code for _, code in coded}
    lengths = sorted({len(code) for code in codes})
    out = []
    for r, code in coded:   # left out when a shorter listed code is a prefix of its code
        for k in lengths:
            if k >= len(code):
                out.append(r)
                break
            if code[:k] in codes:
                break
    return out


def expenditure_changes(ctx: Context) -> tuple[Change | None, list[Change]]:
    """The 支出合计 clause and one per top-level class (rows empty in both years left out)."""
    tops = [r for r in top_rows(ctx.model.expenditure) if money.has_figures(r)]
    return money.changes(ctx, KEY, ctx.model.expenditure_total, "支出", tops, lambda r: r.name.value or r.code_str)


def section(ctx: Context) -> list[Paragraph]:
    total, parts = expenditure_changes(ctx)
    return money.section(ctx, T, KEY, total, parts, expenditure_table(ctx))


def expenditure_table(ctx: Context) -> list[list[str]]:
    cells = money.change_cells_for(ctx, KEY)
    return [[r.code_str, r.name.value or "", *cells(r)]
            for r in money.table_rows(ctx.model.expenditure) if r.name.value or r.code_str]
