"""The figures a narrative sentence states, recomputed from the cells.

Every delta and rate in the text is recomputed here from 本年数 and 上年数; the
department's stated 增减额 / 增减率 are only compared, and when they are wrong the
sentence keeps the recomputed figure and notes what was stated (:class:`Stated`).
A sentence that rests on a cell with an open error-level finding (a total that does
not add up, a base figure in doubt) is marked pending (【待核实】), see :class:`Doubts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from reconcile.cells import split_ref
from reconcile.config import Config
from reconcile.findings import Finding, Severity
from reconcile.model import Num
from reconcile.numbers import format_amount, format_rate
from reconcile.rules.arith import RateCheck, amount_tolerance, amounts_match, change_rate, compare_rate, direction


def value(num: Num | None) -> Decimal | None:
    return num.value if num is not None else None


def amount(v: Decimal | None) -> str | None:
    """An amount (万元) as the seed writes it: 486.2, 6202.69, 10."""
    return None if v is None else format_amount(v)


def table_amount(v: Decimal | None) -> str:
    """An amount in a table cell: always two decimals."""
    return format_rate(v)      # the same: two decimals, half up; "" for None


def count(v: Decimal | None) -> str | None:
    """A count or a score as written (157, 95, 9.5)."""
    return None if v is None else format_amount(v)


@dataclass(frozen=True)
class Stated:
    """A stated figure the text corrects: direction word and magnitude."""

    direction: str
    value: str


class Change(NamedTuple):
    """One comparison clause: ``name`` this year against last year. (A named tuple, not a
    frozen dataclass: the tables make one per row, and a frozen dataclass takes four
    times as long to build.)

    basis:
      "compare" – both years given: direction, delta, rate (rate None when 上年数 is 0)
      "new"     – 上年数 is 0, or blank where the total shows nothing is missing: 上年无此项
      "no_prev" – 上年数 blank and not known to be 0: no comparison at all
      "no_cur"  – 本年数 blank: no comparison
      "none"    – neither year given (the clause is left out)
    """

    name: str
    cur: str | None
    prev: str | None
    basis: str
    direction: str = ""
    delta: str = ""
    rate: str | None = None
    stated_delta: Stated | None = None
    stated_rate: Stated | None = None
    pending: bool = False

    @property
    def corrected(self) -> bool:
        return self.stated_delta is not None or self.stated_rate is not None


class Weighed(NamedTuple):
    """The numbers of a comparison (:func:`weigh`), before any text: ``cur``/``prev``
    as compared (``prev`` 0 when implied), ``delta`` and ``rate`` recomputed (None
    where the basis has none), the stated 增减额 / 增减率 when they are wrong."""

    name: str
    basis: str
    cur: Decimal | None
    prev: Decimal | None
    delta: Decimal | None = None
    rate: Decimal | None = None
    stated_delta: Decimal | None = None
    stated_rate: Decimal | None = None
    pending: bool = False

    @property
    def corrected(self) -> bool:
        return self.stated_delta is not None or self.stated_rate is not None


def compare(name: str, cur: Num | None, prev: Num | None, *, delta: Num | None = None,
            rate: Num | None = None, unit: str = "万元", config: Config, pending: bool = False,
            implied_prev: Decimal | None = None) -> Change:
    """The clause comparing ``cur`` with ``prev``, recomputed; stated delta/rate checked
    (:func:`weigh`, then :func:`clause`)."""
    return clause(weigh(name, cur, prev, delta=delta, rate=rate, unit=unit, config=config, pending=pending,
                        implied_prev=implied_prev))


def weigh(name: str, cur: Num | None, prev: Num | None, *, delta: Num | None = None,
          rate: Num | None = None, unit: str = "万元", config: Config, pending: bool = False,
          implied_prev: Decimal | None = None) -> Weighed:
    """The numbers of the comparison of ``cur`` with ``prev`` (text by :func:`clause`,
    only where it is used).

    implied_prev: when 上年数 is blank, what the total implies for it (total − Σ filled
    siblings), or None when nothing is implied. Only used to decide between "上年无此项"
    (implied 0) and "no comparison"; the implied value itself is never stated.
    """
    c = cur.value if cur is not None else None
    p = prev.value if prev is not None else None
    if c is None:
        return Weighed(name, "none" if p is None else "no_cur", None, p, pending=pending)
    if p is None:
        zero = implied_prev is not None and abs(implied_prev) <= amount_tolerance(config, unit)
        if not zero:
            return Weighed(name, "no_prev", c, None, pending=pending)
        p = Decimal(0)
    d = c - p
    if p == 0:
        return Weighed(name, "new", c, p, d, pending=pending)
    r = change_rate(c, p)
    assert r is not None
    stated_delta = stated_rate = None
    sd = delta.value if delta is not None else None
    if sd is not None and sd != d and not amounts_match(sd, d, config, unit):   # equal: within any tolerance
        stated_delta = sd
    sr = rate.value if rate is not None else None
    if sr is not None and compare_rate(sr, r, rate.decimals) == RateCheck.WRONG:
        stated_rate = sr
    return Weighed(name, "compare", c, p, d, r, stated_delta, stated_rate, pending)


def clause(w: Weighed) -> Change:
    """The comparison's figures as the text states them."""
    basis, c, p, pending = w.basis, w.cur, w.prev, w.pending
    if basis == "none":
        return Change(w.name, None, None, "none", pending=pending)
    if basis == "no_cur":
        return Change(w.name, None, amount(p), "no_cur", pending=pending)
    if basis == "no_prev":
        return Change(w.name, amount(c), None, "no_prev", pending=pending)
    d = w.delta
    if basis == "new":
        return Change(w.name, amount(c), amount(p), "new", direction(d), amount(abs(d)), pending=pending)
    sd, sr = w.stated_delta, w.stated_rate
    return Change(w.name, format_amount(c), format_amount(p), "compare", direction(d), format_amount(abs(d)),
                  format_rate(abs(w.rate)),
                  Stated(direction(sd), format_amount(abs(sd))) if sd is not None else None,
                  Stated(direction(sr), format_amount(abs(sr))) if sr is not None else None, pending)


def implied_blank(total: Num | None, siblings: Iterable[Num | None]) -> Decimal | None:
    """What a blank part must be for the parts to add up to ``total`` (None when the
    total itself is blank)."""
    t = value(total)
    if t is None:
        return None
    return t - sum((n.value for n in siblings if n is not None and n.value is not None), Decimal(0))


class Doubts:
    """Which rows carry an open error-level finding.

    A row is in doubt when an error-level finding points at one of its cells, except
    cells the text does not use (the stated 增减额 / 增减率 / 执行率 / 得分, which the
    narrative recomputes and corrects instead of repeating).
    """

    def __init__(self, findings: Sequence[Finding]):
        self._cells: dict[tuple[str, int], set[str]] = {}
        self.errors: list[Finding] = []
        for f in findings:
            if f.severity != Severity.ERROR:
                continue
            self.errors.append(f)
            if not f.sheet or not f.cell:
                continue
            row, _ = split_ref(f.cell)
            if row:
                self._cells.setdefault((f.sheet, row), set()).add(f.cell.replace("$", "").upper())

    def row(self, sheet: str | None, row: int, *, recomputed: Iterable[Num | None] = ()) -> bool:
        cells = self._cells.get((sheet or "", row))
        if not cells:
            return False
        skip = {n.ref.upper() for n in recomputed if n is not None and n.ref}
        return bool(cells - skip)
