"""Shared arithmetic for rules: tolerances (SPEC §3), rate comparison, message numbers.

All arithmetic is Decimal with half-up rounding; nothing here touches float.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from enum import Enum

from reconcile.config import Config
from reconcile.numbers import HUNDRED, TEN_THOUSAND, format_amount, round_half_up


def amount_tolerance(config: Config, unit: str, addends: int = 0) -> Decimal:
    """Largest gap (in 万元, the model unit) at which two amounts still match:
    0.01 in the sheet's unit plus 0.005 per rounded addend."""
    tol = config.amount_tolerance + config.per_addend_tolerance * addends
    return tol / TEN_THOUSAND if unit == "元" else tol


def amounts_match(stated: Decimal, expected: Decimal, config: Config, unit: str, addends: int = 0) -> bool:
    return abs(stated - expected) <= amount_tolerance(config, unit, addends)


class RateCheck(Enum):
    OK = "ok"
    TRUNCATED = "truncated"   # 95.45 for 95.4572: cut, not rounded (info)
    WRONG = "wrong"


def compare_rate(stated: Decimal, computed: Decimal, stated_decimals: int | None) -> RateCheck:
    """A stated percentage against the recomputed one (SPEC §3): it matches when it
    equals the value rounded half-up to 2 dp, or to the precision the department used
    (31.4 for 31.39). Truncation in the last digit is reported separately."""
    if stated == round_half_up(computed, 2):
        return RateCheck.OK
    places = stated_decimals if stated_decimals is not None else 2
    if places < 2 and stated == round_half_up(computed, places):
        return RateCheck.OK
    quantum = Decimal(1).scaleb(-max(places, 0))
    if stated == computed.quantize(quantum, rounding=ROUND_DOWN):
        return RateCheck.TRUNCATED
    return RateCheck.WRONG


def change_rate(cur: Decimal, prev: Decimal) -> Decimal | None:
    """增减率 in percent points, unrounded; None when 上年数 is 0 (undefined)."""
    if prev == 0:
        return None
    return (cur - prev) / prev * HUNDRED


def direction(delta: Decimal) -> str:
    return "增加" if delta > 0 else ("减少" if delta < 0 else "持平")


@dataclass(frozen=True)
class Shown:
    """Formats model amounts (万元) back into the sheet's own unit for messages."""

    unit: str = "万元"

    def amount(self, value: Decimal | None) -> str:
        if value is None:
            return "（空）"
        return format_amount(value * TEN_THOUSAND if self.unit == "元" else value)

    def raw(self, value: Decimal | None) -> Decimal | None:
        """The model value in the sheet's unit (for expected/actual in findings)."""
        if value is None:
            return None
        return round_half_up(value * TEN_THOUSAND if self.unit == "元" else value, 2)
