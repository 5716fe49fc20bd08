"""二、（三）结转结余: each 科目's opening, income, expense and closing balance."""

from __future__ import annotations

from dataclasses import dataclass

from reconcile.model import CarryoverRow
from reconcile.narrative.context import Context
from reconcile.narrative.document import Paragraph, body, heading
from reconcile.narrative.figures import amount, value
from reconcile.narrative.render import say

T = "carryover.j2"


@dataclass(frozen=True)
class Balance:
    label: str
    opening: str | None
    income: str | None
    expense: str | None
    closing: str | None
    pending: bool


def _balance(ctx: Context, row: CarryoverRow, label: str) -> Balance | None:
    nums = (row.opening, row.income, row.expense, row.closing)
    if all(value(n) is None for n in nums):
        return None
    pending = ctx.doubts.row(ctx.sheet("carryover"), row.row)
    return Balance(label, *(amount(value(n)) for n in nums), pending)


def section(ctx: Context) -> list[Paragraph]:
    out = [heading(say(T, "heading"))]
    if "carryover" not in ctx.model.tables:
        return [*out, body(say(T, "missing"))]
    total = None
    rows = []
    for r in ctx.model.carryover:
        if r.is_total:
            total = total or _balance(ctx, r, "")
        elif (b := _balance(ctx, r, r.label)) is not None:
            rows.append(b)
    if total is None and not rows:
        return [*out, body(say(T, "empty"))]
    pending = any(b.pending for b in ([total] if total else []) + rows)
    return [*out, body(say(T, "paragraph", year=ctx.year, total=total, rows=rows), pending)]
