"""Shared arithmetic for rules: tolerances (SPEC §3), rate comparison, message numbers.

All arithmetic is Decimal with half-up rounding; nothing here touches float.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from enum import Enum

from reconcile.config import Config
from reconcile.numbers import HUNDRED, TEN_THOUSAND, format_amount, round_half_up


def tolerance_terms(config: Config, unit: str) -> tuple[Decimal, Decimal]:
    """The two terms of the amount tolerance in 万元 (the model unit): the base gap
    (0.01 in the sheet's unit) and the allowance per rounded addend (0.005)."""
    scale = TEN_THOUSAND if unit == "元" else Decimal(1)
    return config.amount_tolerance / scale, config.per_addend_tolerance / scale


def amount_tolerance(config: Config, unit: str, addends: int = 0) -> Decimal:
    """Largest gap (in 万元, the model unit) at which two amounts still match:
    0.01 in the sheet's unit plus 0.005 per rounded addend."""
    base, per_addend = tolerance_terms(config, unit)
    return base + per_addend * addends


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
    if places != 2 and stated == round_half_up(computed, places):
        return RateCheck.OK
    quantum = Decimal(1).scaleb(-max(places, 0))
    if stated == computed.quantize(quantum, rounding=ROUND_DOWN):
        return RateCheck.TRUNCATED
    return RateCheck.WRONG


def rate_half_unit(stated_decimals: int | None) -> Decimal:
    """Half a unit in the last place that :func:`compare_rate` judges (0.005 for two
    decimals or fewer): a stated rate closer than this to the computed one is OK."""
    places = max(stated_decimals if stated_decimals is not None else 2, 2)
    return Decimal(5).scaleb(-places - 1)


def change_rate(cur: Decimal, prev: Decimal) -> Decimal | None:
    """增减率 in percent points, unrounded; None when 上年数 is 0 (undefined)."""
    if prev == 0:
        return None
    return (cur - prev) / prev * HUNDRED


def direction(delta: Decimal) -> str:
    return "增加" if delta > 0 else ("减少" if delta < 0 else "持平")


@dataclass(frozen=True)
class SumCheck:
    """A stated total against the signed sum of its parts, blanks set apart (SPEC §3).

    matches: the gap is within tolerance (blank parts then count as 0).
    blank_explains: some parts are blank and the value they would need
        (:attr:`implied`) is not negative: a warning naming the blank cells, not an error.
    """

    total: Decimal
    filled: Decimal                 # signed Σ of the filled parts
    n_filled: int
    blanks: tuple[int, ...]         # positions of the blank parts
    blank_sign: int                 # sign of the (first) blank part
    tolerance: Decimal

    @property
    def gap(self) -> Decimal:
        return self.total - self.filled

    @property
    def matches(self) -> bool:
        return abs(self.gap) <= self.tolerance

    @property
    def implied(self) -> Decimal:
        """What the blank parts together would have to be for the total to hold."""
        return self.gap * self.blank_sign

    @property
    def blank_explains(self) -> bool:
        return bool(self.blanks) and not self.matches and self.implied >= -self.tolerance


def check_sum(total: Decimal, parts: Sequence[Decimal | None], config: Config, unit: str,
              signs: Sequence[int] | None = None, exact: bool = False) -> SumCheck:
    """Compare ``total`` with Σ sign·part. Amount tolerance unless ``exact`` (head counts)."""
    signs = signs or [1] * len(parts)
    filled = [(v, s) for v, s in zip(parts, signs) if v is not None]
    blanks = tuple(i for i, v in enumerate(parts) if v is None)
    tol = Decimal(0) if exact else amount_tolerance(config, unit, len(filled))
    return SumCheck(
        total=total,
        filled=sum((v * s for v, s in filled), Decimal(0)),
        n_filled=len(filled),
        blanks=blanks,
        blank_sign=signs[blanks[0]] if blanks else 1,
        tolerance=tol,
    )


def plain(value: Decimal | None) -> str:
    """A stated number as written, without rounding (603.16, -10.325, 10)."""
    if value is None:
        return "（空）"
    d = value.normalize()
    if d == d.to_integral():
        d = d.quantize(Decimal(1))
    text = format(d, "f")
    return "0" if text in ("-0", "0") else text


@dataclass(frozen=True)
class Shown:
    """Formats model amounts (万元) back into the sheet's own unit for messages."""

    unit: str = "万元"

    def amount(self, value: Decimal | None) -> str:
        if value is None:
            return "（空）"
        return format_amount(value * TEN_THOUSAND if self.unit == "元" else value)

    def stated(self, num) -> str:
        """A stated cell (a :class:`~reconcile.model.Num`) as written in the sheet."""
        return plain(num.stated if num is not None else None)

    def raw(self, value: Decimal | None) -> Decimal | None:
        """The model value in the sheet's unit (for expected/actual in findings)."""
        if value is None:
            return None
        return round_half_up(value * TEN_THOUSAND if self.unit == "元" else value, 2)
