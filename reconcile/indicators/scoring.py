"""Scoring an indicator row by the rules (domain.md §4.6–4.7) and the scoring profiles.

Quantitative (verified provincial-system formulas):
- ≥ (正向): full when 完成 ≥ 目标, else 完成 / 目标 × 分值;
- = : target 0 → full when 完成 ≤ 0, else 0; target > 0 → as ≥;
- ≤ (反向): full when 完成 ≤ 目标; linear down to 0 at twice the target
  ((1 − (完成 − 目标)/目标) × 分值), or, with ``reverse="ratio"`` (2017 江西 forms),
  目标 / 完成 × 分值;
- negative 完成 values are clamped to 0; a score never exceeds 分值; Decimal, half-up, 2 dp.
Qualitative (定性): a band of 分值 by the 完成 wording — 达成 [80%, 100%],
部分达成 [60%, 80%], 未达成 [0, 60%] — with configurable edges; grade words
(优/良/中/低/差) map to a band through a configurable table.

A profile says how the 100 points are split: the national default (预算执行 10;
产出 50, 效益 30, 满意度 10) or the Sichuan form (预算执行 10; indicators 90 split freely).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from reconcile.indicators.values import ACHIEVED, NOT_ACHIEVED, PARTLY, IndicatorValue
from reconcile.numbers import HUNDRED, round_half_up

ZERO = Decimal(0)


@dataclass(frozen=True)
class Profile:
    key: str
    title: str                       # Chinese, for messages and `reconcile rules`
    budget_weight: Decimal           # 预算执行 分值 assumed when the sheet gives none
    total: Decimal = Decimal(100)    # 预算执行 + Σ 指标分值
    # fixed 分值 per 一级 (keys as in indicators.names: 产出/效益/满意度); None = free split
    level1_weights: tuple[tuple[str, Decimal], ...] | None = None


PROFILES: dict[str, Profile] = {
    "national": Profile(
        "national", "全国通用评分方案：预算执行 10 分，产出 50 分、效益 30 分、满意度 10 分", Decimal(10),
        level1_weights=(("产出", Decimal(50)), ("效益", Decimal(30)), ("满意度", Decimal(10))),
    ),
    "sichuan": Profile("sichuan", "四川评分方案：预算执行 10 分，绩效指标 90 分由各一级指标自由分配", Decimal(10)),
}
PROFILE_ALIASES: dict[str, str] = {
    "national": "national", "全国": "national", "全国通用": "national", "mof_2020": "national", "default": "national",
    "sichuan": "sichuan", "四川": "sichuan", "sichuan_2023": "sichuan",
}

DEFAULT_QUALITATIVE_EDGES = (Decimal(80), Decimal(60))   # % of 分值: 达成 ≥ 80, 部分达成 ≥ 60
DEFAULT_GRADE_BANDS: dict[str, str] = {"优": ACHIEVED, "良": ACHIEVED, "中": PARTLY, "低": NOT_ACHIEVED, "差": NOT_ACHIEVED}
REVERSE_FORMULAS = ("linear", "ratio")


def profile_for(name: str) -> Profile | None:
    key = PROFILE_ALIASES.get(name.strip().lower()) or PROFILE_ALIASES.get(name.strip())
    return PROFILES.get(key) if key else None


OP_SYMBOL = {">=": "≥", "<=": "≤", "=": "=", ">": "≥", "<": "≤"}


def scoring_op(op: str | None) -> str | None:
    """">" scores as "≥" and "<" as "≤" (the provincial system's computesign 1/2 and 4/5)."""
    return {">": ">=", "<": "<="}.get(op or "", op)


def quantitative_score(op: str, target: Decimal, actual: Decimal, weight: Decimal, reverse: str = "linear") -> Decimal:
    """The score the rules give a ≥ / ≤ / = indicator, capped at ``weight``."""
    op = scoring_op(op) or ">="
    actual = max(actual, ZERO)
    if op == "=" and target == 0:
        score = weight if actual <= 0 else ZERO
    elif op in (">=", "="):
        score = weight if target <= 0 or actual >= target else actual / target * weight
    else:  # "<="
        if actual <= target:
            score = weight
        elif target <= 0:
            score = ZERO
        elif reverse == "ratio":
            score = target / actual * weight
        elif actual >= 2 * target:
            score = ZERO
        else:
            score = (1 - (actual - target) / target) * weight
    return min(round_half_up(max(score, ZERO), 2), weight)


@dataclass(frozen=True)
class Band:
    name: str           # 达成 / 部分达成 / 未达成
    low: Decimal        # points
    high: Decimal       # points


def qualitative_band(value: IndicatorValue, weight: Decimal, edges: tuple[Decimal, Decimal] = DEFAULT_QUALITATIVE_EDGES,
                     grade_bands: dict[str, str] | None = None) -> Band | None:
    """The score range for a 定性 完成 wording, or None when the wording says nothing
    the bands know (then the score cannot be checked)."""
    name = value.achievement
    if value.grade is not None:
        name = (grade_bands if grade_bands is not None else DEFAULT_GRADE_BANDS).get(value.grade)
    if name is None:
        return None
    high_floor, mid_floor = edges
    pct = {ACHIEVED: (high_floor, HUNDRED), PARTLY: (mid_floor, high_floor), NOT_ACHIEVED: (ZERO, mid_floor)}[name]
    return Band(name, round_half_up(pct[0] * weight / HUNDRED, 2), round_half_up(pct[1] * weight / HUNDRED, 2))
