"""三、（二）2: the projects of 100 万元 or more, from 重点项目."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from reconcile.model import ProjectRow
from reconcile.narrative.basic import text_paragraphs
from reconcile.narrative.context import Context
from reconcile.narrative.figures import Stated, amount, value
from reconcile.numbers import HUNDRED, format_amount, format_rate
from reconcile.rules.arith import RateCheck, compare_rate

THRESHOLD = Decimal(100)   # 万元


@dataclass(frozen=True)
class Project:
    name: str
    budget: str | None
    executed: str | None
    rate: str | None
    stated_rate: Stated | None
    content: list[str]
    status: list[str]
    pending: bool


def is_major(row: ProjectRow) -> bool:
    """The sheet is for projects of 100 万元 or more: a listed project counts unless its
    预算数 (or, without one, its 执行数) shows it is smaller."""
    size = value(row.budget) if value(row.budget) is not None else value(row.executed)
    return size is None or size >= THRESHOLD


def project(ctx: Context, row: ProjectRow) -> Project:
    budget, executed = value(row.budget), value(row.executed)
    rate = executed / budget * HUNDRED if budget and executed is not None else None
    stated_rate = None
    if rate is not None and (sr := value(row.rate)) is not None:
        if compare_rate(sr, rate, row.rate.decimals) == RateCheck.WRONG:
            stated_rate = Stated("", format_amount(sr))
    return Project(row.label, amount(budget), amount(executed), format_rate(rate) if rate is not None else None,
                   stated_rate, text_paragraphs(row.content.value if row.content else None),
                   text_paragraphs(row.status.value if row.status else None),
                   ctx.doubts.row(ctx.sheet("projects"), row.row, recomputed=(row.rate,)))


def major_projects(ctx: Context) -> list[Project]:
    return [project(ctx, r) for r in ctx.model.projects if is_major(r)]
