"""Facts one workbook contributes to checks across the batch (e.g. YOY001).

Small on purpose: the pipeline keeps these for every file of a run, and nothing
else per file, so a batch of thousands of workbooks stays in constant memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from reconcile.model import WorkbookModel
from reconcile.text import normalize_label


@dataclass(frozen=True)
class YearFacts:
    file: str
    unit: str                                   # 单位名称 as written
    year: int
    income_cur: dict[str, Decimal] = field(default_factory=dict)       # normalised 收入项目 → 本年数
    expenditure_cur: dict[str, Decimal] = field(default_factory=dict)  # 科目编码 ("" for 支出合计) → 本年数

    @property
    def key(self) -> tuple[str, int]:
        return unit_key(self.unit), self.year


def unit_key(unit: str) -> str:
    return normalize_label(unit)


def facts_of(model: WorkbookModel, file: str) -> YearFacts | None:
    unit, year = model.unit_name, model.year
    if not unit or year is None:
        return None
    income = {normalize_label(r.name): r.cur.value for r in model.income
              if r.cur is not None and r.cur.value is not None and r.name}
    expenditure = {(r.code_str if not r.is_total else ""): r.cur.value for r in model.expenditure
                   if r.cur is not None and r.cur.value is not None and (r.code_str or r.is_total)}
    return YearFacts(file, unit, year, income, expenditure)
