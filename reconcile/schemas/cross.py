"""Frames across sheets and across files: 收入合计 vs 支出合计 vs 预算执行 (XS001–XS002)
and 上年数 vs last year's 本年数 of the same unit (YOY001)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

import pandera.pandas as pa

from reconcile.batch import YearFacts
from reconcile.config import Config
from reconcile.model import BudgetRow, ExpenditureRow, IncomeRow, WorkbookModel
from reconcile.rules.arith import amount_tolerance
from reconcile.schemas.engine import Columns, SheetFrame, check_rows, exceeds, filled, flag, frame_schema, tolerances
from reconcile.text import normalize_label

# ---------------------------------------------------------------- cross-sheet


@dataclass(frozen=True)
class Totals:
    income: IncomeRow | None
    expenditure: ExpenditureRow | None
    budget: BudgetRow | None


def _cell(row: Any, attr: str):
    return getattr(row, attr) if row is not None else None


TOTAL_COLUMNS = Columns(numbers={
    "inc_cur": lambda t: _cell(t.income, "cur"), "inc_prev": lambda t: _cell(t.income, "prev"),
    "exp_cur": lambda t: _cell(t.expenditure, "cur"), "exp_prev": lambda t: _cell(t.expenditure, "prev"),
    "bud_exec": lambda t: _cell(t.budget, "executed"),
})


def totals(model: WorkbookModel) -> Totals:
    return Totals(model.income_total, model.expenditure_total, next((r for r in model.budget if r.is_total), None))


def coarser_unit(model: WorkbookModel, *sheet_keys: str) -> str:
    """The unit whose tolerance applies when sheets are compared: 万元 if any is in 万元."""
    units = {model.tables[k].unit for k in sheet_keys if k in model.tables}
    return "万元" if "万元" in units or not units else "元"


@lru_cache(maxsize=8)
def _totals_schema(base: float) -> pa.DataFrameSchema:
    def differ(a, b):
        return lambda d: filled(d[a]) & filled(d[b]) & exceeds(d[a], d[b], base)

    return frame_schema("跨表", TOTAL_COLUMNS, [
        flag("XS001:cur", differ("inc_cur", "exp_cur")),
        flag("XS001:prev", differ("inc_prev", "exp_prev")),
        flag("XS002", differ("bud_exec", "exp_cur")),
    ])


def validate_totals(model: WorkbookModel, config: Config, unit: str) -> tuple[SheetFrame, list[tuple[str, int]]]:
    base, _ = tolerances(config, unit)
    return check_rows([(0, totals(model))], TOTAL_COLUMNS, _totals_schema(base))


# ---------------------------------------------------------------- cross-year


@dataclass(frozen=True)
class YearRow:
    sheet_key: str                          # "income" / "expenditure"
    row: IncomeRow | ExpenditureRow
    last: Decimal | None                    # last year's 本年数 of the same row
    tolerance: Decimal                      # in 万元


YEAR_COLUMNS = Columns(numbers={
    "prev": lambda y: y.row.prev, "last": lambda y: y.last, "tol": lambda y: y.tolerance,
})


def year_rows(model: WorkbookModel, last: YearFacts, config: Config) -> list[YearRow]:
    """收入 rows by name and 支出 rows by code (支出合计 as ""), each with last year's 本年数."""
    rows: list[YearRow] = []
    if "income" in model.tables:
        tol = amount_tolerance(config, coarser_unit(model, "income"))
        rows += [YearRow("income", r, last.income_cur.get(normalize_label(r.name)), tol) for r in model.income if r.name]
    if "expenditure" in model.tables:
        tol = amount_tolerance(config, coarser_unit(model, "expenditure"))
        rows += [YearRow("expenditure", r, last.expenditure_cur.get("" if r.is_total else r.code_str), tol)
                 for r in model.expenditure if r.is_total or r.code_str]
    return rows


@lru_cache(maxsize=1)
def _year_schema() -> pa.DataFrameSchema:
    return frame_schema("上年数", YEAR_COLUMNS, [
        flag("YOY001", lambda d: filled(d["last"]) & (~filled(d["prev"]) | exceeds(d["prev"], d["last"], d["tol"]))),
    ])


def validate_years(model: WorkbookModel, last: YearFacts, config: Config) -> tuple[SheetFrame, list[tuple[str, int]]]:
    return check_rows(enumerate(year_rows(model, last, config)), YEAR_COLUMNS, _year_schema())
