"""Number parsing and rounding: Decimal everywhere, half-up as Chinese documents round.

Cells arrive as floats (calamine), ints, or text typed by hand: "1,234.56", full-width
digits, "（12.5）" for a negative, "—" for empty, "5分", "12.5万元", "10.93%".
:func:`parse_number` turns any of these into a :class:`ParsedNumber` or says why not.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
TEN_THOUSAND = Decimal(10000)

# Text that means "nothing here".
EMPTY_MARKERS = frozenset({"", "-", "—", "——", "–", "－", "/", "／", "无", "n/a", "na", "none", "null", "nan", "\\"})

# Units allowed after a number; the unit says nothing about the value's scale here
# (the caller knows whether the column is 万元 or 元).
_UNIT_SUFFIX = re.compile(r"(万元|元|分|%|％|个|人|次|台|套|项|座|条|张|名|户|天|月|年)$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$", re.IGNORECASE)


# Bounds on what counts as a number at all: a cell beyond them is a typo or a
# hostile file, and arithmetic on it (quantize at 28 digits) would fail.
MAX_MAGNITUDE = Decimal("1e15")
MAX_DIGITS = 20
MAX_TEXT_DECIMALS = 15
FLOAT_NOISE = 1e-9      # |x| below this in a float cell is 0 (e.g. =B4-B5-B6 → 1.4e-14)


@dataclass(frozen=True, slots=True)
class ParsedNumber:
    """Result of parsing one cell.

    value: the number (None when the cell is empty or not a number).
    decimals: how many decimal places the department wrote (None if unknown).
    percent_sign: the text carried a "%".
    unit: a unit suffix found in the text ("万元", "分", …), else None.
    problem: a Chinese reason when the cell holds text that is not a number.
    """

    value: Decimal | None
    decimals: int | None = None
    percent_sign: bool = False
    unit: str | None = None
    problem: str | None = None

    @property
    def empty(self) -> bool:
        return self.value is None and self.problem is None


EMPTY = ParsedNumber(None)


def decimal_places(d: Decimal) -> int:
    exp = d.normalize().as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


def _from_float(f: float) -> Decimal:
    # repr gives the shortest string that round-trips: what the user typed.
    if f.is_integer() and abs(f) < 1e15:
        return Decimal(int(f))
    return Decimal(repr(f))


_ZERO = Decimal(0)


def number_parts(raw: object) -> tuple[Decimal | None, int | None, str | None]:
    """(value, decimals, problem) of :func:`parse_number`, without building the
    ParsedNumber: the reader parses every amount cell, and most are plain floats."""
    if type(raw) is float and -1e15 < raw < 1e15:        # neither NaN, nor infinite, nor too large
        if -FLOAT_NOISE < raw < FLOAT_NOISE:
            return _ZERO, 0, None
        if raw.is_integer():
            return Decimal(int(raw)), 0, None
        # repr is the shortest text that round-trips (below 1e15 as the float is), with
        # no trailing zero after the point: its decimals are the Decimal's
        text = repr(raw)
        if "e" in text:
            d = Decimal(text)
            return d, decimal_places(d), None
        return Decimal(text), len(text) - text.index(".") - 1, None
    if raw is None:
        return None, None, None
    parsed = parse_number(raw)
    return parsed.value, parsed.decimals, parsed.problem


class _FloatParts(dict):
    """Float cell → (value, decimals) of :func:`number_parts`, computed once per distinct
    float (amounts repeat: totals, a year's figures in next year's return) and shared
    (Decimals are immutable). Only floats within ±1e15 (not NaN) are asked for; the
    table is emptied when it grows large (:attr:`LIMIT` entries)."""

    LIMIT = 1 << 14

    def __missing__(self, raw: float) -> tuple[Decimal, int]:
        if len(self) >= self.LIMIT:
            self.clear()
        value, decimals, _ = number_parts(raw)
        self[raw] = parts = (value, decimals)
        return parts


# float_parts[x] for a float -1e15 < x < 1e15: number_parts(x)[:2] (its problem is None)
float_parts = _FloatParts()


def parse_number(raw: object) -> ParsedNumber:
    """Parse a cell value into a Decimal. Never raises."""
    if raw is None:
        return EMPTY
    if isinstance(raw, bool):
        return ParsedNumber(None, problem=f"“{raw}”不是数字")
    if isinstance(raw, int):
        if abs(raw) >= MAX_MAGNITUDE:
            return ParsedNumber(None, problem=f"“{raw}”数值过大，不是有效数字")
        return ParsedNumber(Decimal(raw), 0)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return ParsedNumber(None, problem="不是有效数字")
        if abs(raw) < FLOAT_NOISE:
            return ParsedNumber(Decimal(0), 0)
        d = _from_float(raw)
        if abs(d) >= MAX_MAGNITUDE:
            return ParsedNumber(None, problem=f"“{raw:g}”数值过大，不是有效数字")
        return ParsedNumber(d, decimal_places(d))
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            return ParsedNumber(None, problem="不是有效数字")
        return _bounded(raw, str(raw)) or ParsedNumber(raw, decimal_places(raw))
    if not isinstance(raw, str):
        return ParsedNumber(None, problem=f"“{raw}”不是数字")
    return _parse_text(raw)


def _parse_text(raw: str) -> ParsedNumber:
    text = unicodedata.normalize("NFKC", raw)
    text = re.sub(r"\s+", "", text)
    if text.lower() in EMPTY_MARKERS:
        return EMPTY
    negative = False
    if len(text) >= 2 and text[0] == "(" and text[-1] == ")":
        negative, text = True, text[1:-1]
    percent = False
    unit = None
    m = _UNIT_SUFFIX.search(text)
    if m and m.start() > 0:
        unit = m.group(1)
        percent = unit == "%"
        text = text[: m.start()]
        if text and text[-1] == ")" and text.startswith("("):
            negative, text = True, text[1:-1]
    text = text.replace(",", "")
    if text.startswith("¥") or text.startswith("￥"):
        text = text[1:]
    if not _NUMBER.match(text):
        return ParsedNumber(None, problem=f"“{raw.strip()}”不是数字")
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex already guards this
        return ParsedNumber(None, problem=f"“{raw.strip()}”不是数字")
    if not value.is_finite():
        return ParsedNumber(None, problem=f"“{raw.strip()}”不是数字")
    if negative:
        value = -value
    return _bounded(value, raw.strip()) or ParsedNumber(value, decimal_places(value), percent, unit)


def _bounded(value: Decimal, shown: str) -> ParsedNumber | None:
    """A problem when ``value`` is too large or has too many digits to be a typed number."""
    if abs(value) >= MAX_MAGNITUDE:
        return ParsedNumber(None, problem=f"“{shown[:40]}”数值过大，不是有效数字")
    if len(value.as_tuple().digits) > MAX_DIGITS or decimal_places(value) > MAX_TEXT_DECIMALS:
        return ParsedNumber(None, problem=f"“{shown[:40]}”位数过多，不是有效数字")
    return None


def parse_percent(raw: object, percent_formatted: bool = False) -> ParsedNumber:
    """Parse a stated percentage into percent points: 10.93, "10.93%", and 0.1093 in a
    cell formatted as a percentage all give 10.93."""
    parsed = parse_number(raw)
    if parsed.value is None:
        return parsed
    if percent_formatted and not isinstance(raw, str):
        value = (parsed.value * HUNDRED).normalize()
        if value == value.to_integral():
            value = value.quantize(Decimal(1))
        return ParsedNumber(value, decimal_places(value), True, "%")
    return parsed


_ONE = Decimal(1)


def percent_parts(raw: object) -> tuple[Decimal | None, int | None, str | None]:
    """(value, decimals, problem) of ``parse_percent(raw, True)`` (a cell formatted as
    a percentage), without building ParsedNumbers."""
    value, decimals, problem = number_parts(raw)
    if value is None or isinstance(raw, str):
        return value, decimals, problem
    value = (value * HUNDRED).normalize()
    if value == value.to_integral():
        value = value.quantize(_ONE)
    return value, decimal_places(value), None


_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(-2, 11)}
_CENT = _QUANTA[2]


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    quantum = _QUANTA.get(places)
    if quantum is None:
        quantum = Decimal(1).scaleb(-places)
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def format_amount(value: Decimal | None) -> str:
    """An amount the way the seed report writes it: two decimals at most, no trailing
    zeros (486.2, 6202.69, 10)."""
    if value is None:
        return ""
    text = str(value.quantize(_CENT, ROUND_HALF_UP))   # exponent -2: str() is format "f", always 2 decimals
    text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_rate(value: Decimal | None) -> str:
    """A percentage with exactly two decimals (10.93)."""
    if value is None:
        return ""
    return str(value.quantize(_CENT, ROUND_HALF_UP))
