"""The typed model of one returned workbook.

Every value remembers where it came from (sheet and A1 cell) so that a rule can
point at it and the annotated workbook can mark it. Amounts are held in 万元
(converted once when a sheet is in 元); the number as the department wrote it
stays in ``stated``. Readers build these objects; rules only read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from reconcile.numbers import TEN_THOUSAND


@dataclass(frozen=True, slots=True)
class Where:
    sheet: str
    ref: str          # A1 address, e.g. "D9"


@dataclass(frozen=True, slots=True)
class Num:
    """A numeric cell.

    value: the number in model units (万元 for amounts, percent points for rates,
        plain numbers for scores and counts); None when blank or not a number.
    stated: the number as written, in the sheet's own unit (元 when the sheet is in 元).
    decimals: decimal places the department used (percentages: for tolerance).
    raw: the cell content as read.
    problem: Chinese reason when the cell holds text that is not a number (TPL003).
    formula_without_value: a formula whose cached value is missing (TPL005).
    """

    sheet: str
    ref: str
    raw: Any
    value: Decimal | None
    stated: Decimal | None = None
    decimals: int | None = None
    problem: str | None = None
    formula_without_value: bool = False

    @property
    def where(self) -> Where:
        return Where(self.sheet, self.ref)

    @property
    def blank(self) -> bool:
        return self.value is None and self.problem is None

    @property
    def present(self) -> bool:
        return self.value is not None


@dataclass(frozen=True, slots=True)
class Text:
    """A text cell (labels, names, 说明). ``value`` is stripped, None when empty.
    ``origin`` is set when the value was taken from another cell (a merged range
    or the first row of an indicator group)."""

    sheet: str
    ref: str
    raw: Any
    value: str | None
    origin: str | None = None

    @property
    def where(self) -> Where:
        return Where(self.sheet, self.ref)

    @property
    def blank(self) -> bool:
        return not self.value

    def __str__(self) -> str:
        return self.value or ""


def _builder(cls: type) -> type:
    """A class with the slots of ``cls`` (a frozen dataclass), not frozen: an object is
    built as one, with plain attribute stores, then made a ``cls`` by assigning its
    ``__class__`` (allowed: the same slots, the same layout). The reader builds
    thousands per workbook, and a frozen dataclass's ``__init__`` goes through
    ``object.__setattr__`` for each field."""
    return type(f"_{cls.__name__}Builder", (), {"__slots__": cls.__slots__})


NumBuilder = _builder(Num)
TextBuilder = _builder(Text)


def new_num(sheet: str, ref: str, raw: Any, value: Decimal | None, stated: Decimal | None,
            decimals: int | None, problem: str | None, formula_without_value: bool) -> Num:
    """``Num(sheet, ref, …)`` with every field given: the same object, built as a
    :data:`NumBuilder` (see :func:`_builder`)."""
    num = NumBuilder()
    num.sheet = sheet
    num.ref = ref
    num.raw = raw
    num.value = value
    num.stated = stated
    num.decimals = decimals
    num.problem = problem
    num.formula_without_value = formula_without_value
    num.__class__ = Num
    return num


def new_text(sheet: str, ref: str, raw: Any, value: str | None, origin: str | None) -> Text:
    """``Text(sheet, ref, raw, value, origin)``, built as :func:`new_num` builds a Num."""
    text = TextBuilder()
    text.sheet = sheet
    text.ref = ref
    text.raw = raw
    text.value = value
    text.origin = origin
    text.__class__ = Text
    return text


@dataclass(slots=True)
class IncomeRow:
    row: int                      # Excel row number (1-based)
    label: Text
    cur: Num | None
    prev: Num | None
    delta: Num | None
    rate: Num | None
    note: Text | None
    is_total: bool = False
    is_sub: bool = False          # written as "其中：…"

    @property
    def name(self) -> str:
        return self.label.value or ""


@dataclass(slots=True)
class ExpenditureRow:
    row: int
    code: Text
    name: Text
    cur: Num | None
    prev: Num | None
    delta: Num | None
    rate: Num | None
    basic: Num | None
    project: Num | None
    note: Text | None
    is_total: bool = False
    is_sub: bool = False

    @property
    def code_str(self) -> str:
        return self.code.value or ""

    @property
    def level(self) -> str | None:
        """'类', '款', '项' from the code length; None for the total or an odd code."""
        return {3: "类", 5: "款", 7: "项"}.get(len(self.code_str)) if self.code_str.isdigit() else None

    @property
    def label(self) -> str:
        return " ".join(x for x in (self.code_str, self.name.value or "") if x)


@dataclass(slots=True)
class CarryoverRow:
    row: int
    code: Text
    name: Text
    opening: Num | None
    income: Num | None
    expense: Num | None
    closing: Num | None
    note: Text | None
    is_total: bool = False

    @property
    def label(self) -> str:
        return " ".join(x for x in (self.code.value or "", self.name.value or "") if x)


@dataclass(slots=True)
class BudgetRow:
    row: int
    source: Text
    initial: Num | None
    full: Num | None
    executed: Num | None
    rate: Num | None
    weight: Num | None
    score: Num | None
    note: Text | None
    is_total: bool = False
    is_sub: bool = False

    @property
    def label(self) -> str:
        return self.source.value or ""


@dataclass(slots=True)
class IndicatorRow:
    row: int
    level1: Text
    level2: Text
    level3: Text
    nature: Text | None
    target: Text
    unit: Text | None
    actual: Text
    weight: Num | None
    score: Num | None
    deviation: Text | None

    @property
    def label(self) -> str:
        return self.level3.value or ""


@dataclass(slots=True)
class ProjectRow:
    row: int
    name: Text
    budget: Num | None
    executed: Num | None
    rate: Num | None
    content: Text | None
    status: Text | None

    @property
    def label(self) -> str:
        return self.name.value or ""


@dataclass(slots=True)
class Table:
    """Where a table sits in its sheet and which columns were found.

    columns: column key → 0-based column index in the sheet.
    missing: keys of template columns not found (required ones become TPL002).
    header_rows: Excel row numbers of the header (one or two rows).
    unit: "万元" or "元" for this table's amounts.
    total_row: row of the 合计/总分 line under an indicator table, if any.
    """

    sheet: str
    columns: dict[str, int]
    missing: tuple[str, ...]
    header_rows: tuple[int, ...]
    unit: str = "万元"
    total: dict[str, Num] = field(default_factory=dict)

    def has(self, key: str) -> bool:
        return key in self.columns


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """Something the reader saw that a template rule turns into a finding.

    kind: "sheet_missing" | "not_template" | "column_missing" | "not_number" |
          "field_empty" | "formula_no_value" | "hidden_sheet" | "hidden_rows" | "note"
    """

    kind: str
    sheet: str | None = None
    ref: str | None = None
    detail: str = ""
    label: str = ""
    data: tuple = ()


@dataclass(slots=True)
class BasicInfo:
    fields: dict[str, Text | Num] = field(default_factory=dict)

    def text(self, key: str) -> str | None:
        cell = self.fields.get(key)
        if cell is None:
            return None
        if isinstance(cell, Num):
            return None if cell.value is None else str(cell.value)
        return cell.value

    def num(self, key: str) -> Num | None:
        cell = self.fields.get(key)
        return cell if isinstance(cell, Num) else None

    def number(self, key: str) -> Decimal | None:
        cell = self.num(key)
        return cell.value if cell is not None else None


@dataclass(slots=True)
class WorkbookModel:
    path: str
    sheet_names: list[str]
    basic: BasicInfo
    amount_unit: str = "万元"
    income: list[IncomeRow] = field(default_factory=list)
    expenditure: list[ExpenditureRow] = field(default_factory=list)
    carryover: list[CarryoverRow] = field(default_factory=list)
    budget: list[BudgetRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    projects: list[ProjectRow] = field(default_factory=list)
    tables: dict[str, Table] = field(default_factory=dict)      # sheet key → table
    problems: list[ReadProblem] = field(default_factory=list)

    @property
    def unit_name(self) -> str | None:
        return self.basic.text("unit_name")

    @property
    def year(self) -> int | None:
        value = self.basic.number("year")
        if value is None or value != value.to_integral():
            return None
        return int(value)

    def has_sheet(self, key: str) -> bool:
        return key in self.tables

    def scale(self, sheet_key: str) -> Decimal:
        """Factor from model 万元 back to the sheet's stated unit (1 or 10000)."""
        table = self.tables.get(sheet_key)
        return TEN_THOUSAND if table is not None and table.unit == "元" else Decimal(1)

    @property
    def income_total(self) -> IncomeRow | None:
        return next((r for r in self.income if r.is_total), None)

    @property
    def expenditure_total(self) -> ExpenditureRow | None:
        return next((r for r in self.expenditure if r.is_total), None)
