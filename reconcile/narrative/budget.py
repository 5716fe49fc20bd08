"""三、（二）1: budget execution — 全年预算数, 全年执行数, the recomputed 执行率, 得分."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from reconcile.model import BudgetRow
from reconcile.narrative.context import Context
from reconcile.narrative.figures import Stated, amount, count, value
from reconcile.numbers import HUNDRED, format_amount, format_rate, round_half_up
from reconcile.rules.arith import RateCheck, compare_rate

SCORE_TOLERANCE = Decimal("0.01")


@dataclass(frozen=True)
class Execution:
    name: str
    full: str | None
    executed: str | None
    rate: str | None              # recomputed, two decimals; None when 全年预算数 is blank or 0
    rate_value: Decimal | None
    stated_rate: Stated | None    # the department's 执行率 when it is wrong
    score: str | None             # stated 得分
    weight: str | None
    stated_score: str | None      # the department's 得分 when it is wrong (score then holds the recomputed one)
    note: str | None              # 说明
    pending: bool


def execution_rate(row: BudgetRow) -> Decimal | None:
    full, executed = value(row.full), value(row.executed)
    if full is None or executed is None or full == 0:
        return None
    return executed / full * HUNDRED


def execution(ctx: Context, row: BudgetRow) -> Execution:
    rate = execution_rate(row)
    stated_rate = None
    if rate is not None and (sr := value(row.rate)) is not None:
        if compare_rate(sr, rate, row.rate.decimals) == RateCheck.WRONG:
            stated_rate = Stated("", format_amount(sr))
    score, weight = value(row.score), value(row.weight)
    stated_score = None
    if rate is not None and score is not None and weight is not None:
        expected = round_half_up(min(rate, HUNDRED) * weight / HUNDRED, 2)
        if abs(score - expected) > SCORE_TOLERANCE:
            stated_score, score = count(score), expected
    pending = ctx.doubts.row(ctx.sheet("budget"), row.row, recomputed=(row.rate, row.score))
    return Execution(row.label, amount(value(row.full)), amount(value(row.executed)),
                     format_rate(rate) if rate is not None else None, rate, stated_rate,
                     count(score), count(weight), stated_score,
                     row.note.value if row.note is not None else None, pending)


def executions(ctx: Context) -> tuple[Execution | None, list[Execution]]:
    """The 年度资金总额 row (or the first row) and its 其中 rows with figures."""
    rows = [r for r in ctx.model.budget if r.label]
    if not rows:
        return None, []
    total_row = next((r for r in rows if r.is_total), rows[0])
    subs = [execution(ctx, r) for r in rows if r is not total_row and (value(r.full) or value(r.executed))]
    return execution(ctx, total_row), subs
