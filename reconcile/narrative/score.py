"""The self-evaluation score: 基本情况.自评得分 as stated, its grade, and whether it is in doubt."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from reconcile.narrative.context import Context
from reconcile.narrative.figures import count, value
from reconcile.reference.grades import grade_for


@dataclass(frozen=True)
class Score:
    score: str | None        # stated 自评得分
    grade: str | None
    summed: str | None       # 预算执行得分 + Σ 指标得分, only when 自评得分 is blank
    pending: bool


def self_score(ctx: Context) -> Score:
    stated = ctx.model.basic.number("self_score")
    pending = ctx.field_in_doubt("self_score")
    if stated is not None:
        return Score(count(stated), grade_for(stated), None, pending)
    parts = [value(r.score) for r in ctx.model.indicators]
    total_budget = next((r for r in ctx.model.budget if r.is_total), None)
    parts.append(value(total_budget.score) if total_budget is not None else None)
    filled = [p for p in parts if p is not None]
    if not filled:
        return Score(None, None, None, pending)
    summed = sum(filled, Decimal(0))
    return Score(None, grade_for(summed), count(summed), pending)
