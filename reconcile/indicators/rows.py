"""One indicator row read for the rules: parsed values, the operator that applies and
whether target and actual can be compared.

The operator comes from 指标性质; when that is blank, from the target text ("≥95%",
"95%以上"); a bare number target is taken as ≥ (the common case) and the rules say so.
Target and actual are compared only when each holds exactly one number and their
units agree (a unit written in the text, else the row's 度量单位): a unit mismatch is
reported by IND010, never compared silently.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal

from reconcile.indicators.names import is_cost, item_key, level_key
from reconcile.indicators.scoring import OP_SYMBOL, scoring_op
from reconcile.indicators.values import MAX_MAGNITUDE, IndicatorValue, Quantity, parse_nature, parse_value
from reconcile.findings import Finding
from reconcile.model import IndicatorRow, Num, Text, Where, WorkbookModel
from reconcile.rules.catalogue import Rule
from reconcile.template.definition import SHEET_BY_KEY
from reconcile.numbers import format_amount

QUAL = "qual"

# How the operator was decided (for messages).
FROM_NATURE, FROM_TARGET, ASSUMED, INFERRED_QUAL = "nature", "target", "assumed", "inferred_qual"


class _once:
    """A property computed on first use and kept in the instance (functools'
    cached_property without its lock, which costs more than these properties do)."""

    def __init__(self, func):
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value


@dataclass(frozen=True)
class RowReading:
    """One row's reading. Its fields never change (the parsed values are immutable), so
    what is derived from them is computed once (cached properties)."""

    row: IndicatorRow
    target: IndicatorValue
    actual: IndicatorValue
    nature: str | None          # 指标性质 as parsed (">=", "<=", "=", "qual") or None
    op: str | None              # operator that applies: ">=", "<=", "=", "qual" or None
    op_source: str | None

    @property
    def name(self) -> str:
        return self.row.level3.value or ""

    @_once
    def key(self) -> str:
        return item_key(self.row.level3.value)

    @_once
    def cost(self) -> bool:
        return is_cost(self.row.level1.value, self.row.level2.value)

    @property
    def quantitative(self) -> bool:
        return self.op in (">=", "<=", "=")

    @_once
    def target_q(self) -> Quantity | None:
        q = self.target.single
        return None if q is None or self.target.is_date else q

    @_once
    def actual_q(self) -> Quantity | None:
        q = self.actual.single
        return None if q is None or self.actual.is_date else q

    @_once
    def unit_mismatch(self) -> bool:
        t, a = self.target_q, self.actual_q
        if t is None or a is None:
            return False
        if t.unit and a.unit and t.unit != a.unit:
            return True
        return bool(t.per and a.per and t.per != a.per)

    @_once
    def comparable(self) -> bool:
        return self.quantitative and self.target_q is not None and self.actual_q is not None and not self.unit_mismatch

    @property
    def op_note(self) -> str:
        """How the operator was decided, for messages ("" when 指标性质 says it)."""
        if self.op_source == ASSUMED:
            return "指标性质未填，年度指标值为数字，按“≥”计"
        if self.op_source == FROM_TARGET:
            return f"指标性质未填，按年度指标值中的“{OP_SYMBOL.get(self.op or '', self.op)}”计"
        if self.op_source == INFERRED_QUAL:
            return "指标性质未填，年度指标值为文字，按定性指标计"
        return ""

    @property
    def op_symbol(self) -> str:
        return "定性" if self.op == QUAL else OP_SYMBOL.get(self.op or "", "")


# The readings of the check in progress (:func:`readings_shared`): row id → reading.
_shared: ContextVar[dict[int, RowReading] | None] = ContextVar("reconcile_indicator_readings", default=None)


@contextmanager
def readings_shared():
    """Within this block each indicator row is read once, whichever rules read it
    (``run_checks`` holds one around a workbook's checks; rules do not change rows)."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def read_row(row: IndicatorRow) -> RowReading:
    shared = _shared.get()
    if shared is None:
        return _read_row(row)
    reading = shared.get(id(row))
    if reading is None or reading.row is not row:     # the reading keeps its row alive: ids are not reused
        reading = shared[id(row)] = _read_row(row)
    return reading


def _read_row(row: IndicatorRow) -> RowReading:
    unit = row.unit.value if row.unit is not None else None
    target = parse_value(row.target.value, unit)
    actual = parse_value(row.actual.value, unit)
    nature = parse_nature(row.nature.value) if row.nature is not None else None
    nature = scoring_op(nature)
    if nature is not None:
        op, source = nature, FROM_NATURE
    elif target.op is not None and target.has_number:
        op, source = scoring_op(target.op), FROM_TARGET
    elif target.single is not None and not target.is_date:
        op, source = ">=", ASSUMED
    elif not target.empty and not target.has_number:
        op, source = QUAL, INFERRED_QUAL
    else:
        op, source = None, None
    return RowReading(row, target, actual, nature, op, source)


def show(value: Decimal | None) -> str:
    """A number for a message: up to two decimals, no trailing zeros."""
    if value is None:
        return "（空）"
    try:
        return format_amount(value)
    except ArithmeticError:  # beyond Decimal precision: show it as it is
        return format(value, "f")


def sane(*values: Decimal | None) -> bool:
    """All values present and of a magnitude arithmetic can round (a cell holding 1e30 is not a score)."""
    return all(v is not None and abs(v) < MAX_MAGNITUDE for v in values)


def show_quantity(q: Quantity) -> str:
    return f"{show(q.value)} {q.unit_label}".strip() if q.unit else show(q.value)


def where(cell: Text | Num | None) -> Where | None:
    """The cell to point at: the origin of a value filled from a merged/group cell,
    None for a column the sheet does not have."""
    if cell is None or not cell.ref:
        return None
    origin = getattr(cell, "origin", None)
    return Where(cell.sheet, origin or cell.ref)


def first_where(*cells: Text | Num | None) -> Where | None:
    return next((w for w in map(where, cells) if w is not None), None)


def cannot_check(model: WorkbookModel, rule: Rule, *columns: str) -> Finding | None:
    """The info finding of ``rule`` when the 绩效指标 table or one of ``columns`` is
    absent (SPEC §3: a rule that cannot run says why); None when it can run."""
    table = model.tables.get("indicators")
    if table is None:
        return rule.cannot_run("没有绩效指标表")
    for key in columns:
        if not table.has(key):
            label = SHEET_BY_KEY["indicators"].column(key).label
            return rule.cannot_run(f"绩效指标表没有“{label}”列", sheet=table.sheet)
    return None


def is_group_row(row: IndicatorRow) -> bool:
    """A 一级/二级 heading row carrying its group's 分值/得分 ("产出指标 | | | 50"), not an indicator."""
    return row.level3.blank and row.target.blank and row.actual.blank


def indicator_rows(model: WorkbookModel) -> list[IndicatorRow]:
    """The rows that are indicators (group heading rows left out)."""
    return [r for r in model.indicators if not is_group_row(r)]


def group_members(model: WorkbookModel, group: IndicatorRow) -> list[IndicatorRow]:
    """The indicators a heading row stands for: same 一级, and same 二级 when the
    heading names its own 二级."""
    l1 = level_key(group.level1.value)
    own_l2 = not group.level2.blank and group.level2.origin is None
    l2 = level_key(group.level2.value, 2) if own_l2 else None
    return [r for r in indicator_rows(model) if level_key(r.level1.value) == l1
            and (l2 is None or level_key(r.level2.value, 2) == l2)]
