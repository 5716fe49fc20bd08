"""Unit price × quantity = total, as written inside cost-indicator texts.

"每人每月 375 元（337500 元）" holds a unit price (375 元), what it is per (人), a period
(每月 → 12 a year) and a stated total (337500 元); the quantity (45 人) is in the same
text, in the 三级 name ("生活污水检测 16 次") or in a sibling row. :func:`parse_unit_cost`
reads the text part and returns None for anything it cannot read with certainty: the
rule built on it must never raise a false alarm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from reconcile.indicators.values import NUMBER_PATTERN, UNIT_INFO, PERIODS_PER_YEAR, Quantity, to_decimal, normalize_text, parse_value

_MONEY = rf"(?P<num>{NUMBER_PATTERN})\s*(?P<unit>万元|元)"
_TOTAL_BRACKET = re.compile(rf"\(\s*(?:共计|合计|总计|总额|共|计|约|合计约|共约)?\s*[:：]?\s*{_MONEY}\s*\)")
_TOTAL_WORD = re.compile(rf"(?:共计|合计|总计|总额|总共|共)\s*[:：]?\s*(?:约)?\s*{_MONEY}")
_MONEY_RE = re.compile(_MONEY)
_PER_UNITS = ("人次", "场次", "车次", "人", "套", "次", "个", "台", "张", "件", "户", "辆", "座", "条", "项", "份", "名",
              "只", "批", "场", "所", "块", "本", "点位")
_PER_ALT = "|".join(_PER_UNITS)
_PER = re.compile(rf"每\s*(?P<a>{_PER_ALT})|(?P<b>人)均|(?:万元|元)\s*/\s*(?P<c>{_PER_ALT})")
_PERIOD = re.compile(r"每\s*(半年|季度|季|月|年|周|天|日)|(?:万元|元)\s*/\s*(季度|月|年|周|天|日)|(月)均")
_PERIOD_NAME = {"半年": "半年", "季度": "季度", "季": "季度", "月": "月", "年": "年", "周": "周", "天": "天", "日": "天"}
_MONTHS = re.compile(r"(\d+)\s*个月")


@dataclass(frozen=True)
class UnitCost:
    price: Decimal          # 元
    price_text: str
    per: str                # base unit the price is per ("人")
    period: str | None      # "月" → 12 a year
    months: Decimal | None  # an explicit "10 个月"
    total: Decimal          # 元
    total_text: str
    own_quantities: tuple[Quantity, ...]  # counts of ``per`` written in the same text

    @property
    def factor(self) -> Decimal:
        """How many periods the total covers (1 when there is no period)."""
        if self.period == "月" and self.months is not None:
            return self.months
        return PERIODS_PER_YEAR.get(self.period or "年", Decimal(1))


def _yuan(m: re.Match) -> Decimal | None:
    value = to_decimal(m.group("num"))
    if value is None:
        return None
    return value * 10000 if m.group("unit") == "万元" else value


def parse_unit_cost(raw: object) -> UnitCost | None:
    """The unit-price statement of a text, or None when there is none or it is ambiguous."""
    try:
        return _parse(raw)
    except Exception:  # noqa: BLE001 - best effort on hand-typed text: unreadable means "no claim"
        return None


def _parse(raw: object) -> UnitCost | None:
    text = normalize_text(raw)
    if not text or "元" not in text:
        return None
    totals = list(_TOTAL_BRACKET.finditer(text)) or list(_TOTAL_WORD.finditer(text))
    if len(totals) != 1:
        return None
    total_m = totals[0]
    total = _yuan(total_m)
    rest = text[: total_m.start()] + " " + text[total_m.end():]
    prices = list(_MONEY_RE.finditer(rest))
    if len(prices) != 1 or total is None:
        return None
    price = _yuan(prices[0])
    if price is None or price <= 0:
        return None
    pers = {UNIT_INFO.get(u, (u,))[0] for m in _PER.finditer(rest) for u in (m.group("a"), m.group("b"), m.group("c")) if u}
    if len(pers) != 1:
        return None
    per = pers.pop()
    periods = {_PERIOD_NAME[g] for m in _PERIOD.finditer(rest) for g in m.groups() if g}
    if len(periods) > 1:
        return None
    period = periods.pop() if periods else None
    months_m = _MONTHS.findall(rest)
    months = Decimal(months_m[0]) if len(months_m) == 1 else None
    without_price = rest[: prices[0].start()] + " " + rest[prices[0].end():]
    own = tuple(q for q in parse_value(without_price).quantities if q.unit == per and q.value > 0)
    return UnitCost(price, prices[0].group(0), per, period, months, total, total_m.group(0).strip("() "), own)
