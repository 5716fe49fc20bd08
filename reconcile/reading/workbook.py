"""Build the typed :class:`~reconcile.model.WorkbookModel` from a raw workbook.

Knows the template (which sheet holds which table, which column holds what kind of
value) and nothing of the rules: anything odd it sees (a missing sheet or column,
text where a number belongs, a formula without a cached value, hidden sheets) is
recorded as a :class:`~reconcile.model.ReadProblem` for the template rules.
"""

from __future__ import annotations

import datetime as _dt
import functools
import operator
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from reconcile.cells import a1, col_letter
from reconcile.model import (
    BasicInfo,
    BudgetRow,
    CarryoverRow,
    ExpenditureRow,
    IncomeRow,
    IndicatorRow,
    Num,
    NumBuilder,
    ProjectRow,
    ReadProblem,
    Table,
    Text,
    TextBuilder,
    WorkbookModel,
    new_num,
    new_text,
)
from reconcile.numbers import (
    TEN_THOUSAND,
    float_parts,
    format_amount,
    number_parts,
    parse_percent,
    percent_parts,
)
from reconcile.reading.raw import RawSheet, RawWorkbook, is_percent_format, read_raw
from reconcile.reading.tables import Located, data_rows, locate
from reconcile.template.definition import (
    BASIC_FIELDS,
    INSTRUCTIONS_SHEET,
    REPORT_SHEETS,
    SHEETS,
    TOTAL_LABELS,
    SheetDef,
    find_field,
    sheet_for_name,
)
from reconcile.text import clean_text, normalize_label, split_qizhong, strip_enumeration


def read_workbook(path: Path) -> tuple[RawWorkbook, WorkbookModel]:
    """Read a returned workbook. Raises :class:`~reconcile.reading.preflight.Unreadable`."""
    raw = read_raw(path)
    return raw, build_model(raw)


# ---------------------------------------------------------------- cell helpers


def cell_text(value: Any, percent: bool = False) -> str | None:
    """A cell as text: numbers without a spurious ".0", percent cells as "95%"."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value != value or abs(value) >= 1e13:
            return f"{value:.15g}"          # no Decimal arithmetic on absurd magnitudes
        if percent:
            return format_amount(Decimal(repr(value)) * 100) + "%"
        d = Decimal(repr(value))
        return format(d.normalize(), "f") if d != d.to_integral() else str(int(d))
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return value.isoformat()
    return clean_text(value)


_ROW_AND_CALL = operator.itemgetter(0, 1)


class _FloatTexts(dict):
    """A float cell not formatted as a percentage → :func:`cell_text` of it, computed
    once per distinct float (科目编码 read as 201.0 repeat in every file); NaN is not
    kept, and the table is emptied when it grows large."""

    def __missing__(self, raw: float) -> str | None:
        text = cell_text(raw)
        if raw == raw:
            if len(self) >= 16384:
                self.clear()
            self[raw] = text
        return text


_FLOAT_TEXTS = _FloatTexts()


class SheetReader:
    """Reads cells of one raw sheet into Num/Text, recording problems: a cell at a time
    (:meth:`num`, :meth:`text`) or a column of a table at a time (:meth:`nums`, :meth:`texts`)."""

    def __init__(self, sheet: RawSheet, model: WorkbookModel, unit: str = "万元"):
        self.sheet = sheet
        self.model = model
        self.unit = unit
        self.merged = sheet.merged_origin()
        self._name = sheet.name
        self._rows = sheet.rows
        self._formats = sheet.number_formats
        self._no_value = sheet.formulas_without_value
        self._in_yuan = unit == "元"
        self._pending: list[tuple[int, int, ReadProblem]] = []     # (row, call, problem), see flush
        self._calls = 0

    def _value(self, r: int, c: int) -> Any:
        v = self.sheet.value(r, c)
        if v is None and (r, c) in self.merged:
            # covered cell of a merged range: the value is in the top-left cell
            r0, c0 = self.merged[(r, c)]
            return self.sheet.value(r0, c0)
        return v

    def _raw(self, r: int, c: int) -> Any:
        """``sheet.value(r, c)``."""
        rows = self._rows
        if 0 <= r < len(rows):
            row = rows[r]
            if 0 <= c < len(row):
                v = row[c]
                return None if v == "" else v
        return None

    def _percent(self, r: int, c: int) -> bool:
        """``sheet.is_percent(r, c)``."""
        code = self._formats.get((r, c))
        return code is not None and is_percent_format(code)

    def text(self, r: int, c: int | None) -> Text | None:
        if c is None:
            return None
        raw = self._raw(r, c)
        origin = None
        if raw is None and (r, c) in self.merged:
            r0, c0 = self.merged[(r, c)]
            raw = self.sheet.value(r0, c0)
            origin = a1(r0, c0) if raw is not None else None
        if type(raw) is str:              # cell_text → clean_text, inline
            value = raw.strip().strip("\u3000").strip() or None
        else:                             # the percent format matters only to a number
            value = cell_text(raw, isinstance(raw, float) and self._percent(r, c))
        return new_text(self._name, a1(r, c), raw, value, origin)

    def num(self, r: int, c: int | None, kind: str, label: str = "") -> Num | None:
        if c is None:
            return None
        raw = None                    # self.sheet.value(r, c), inline: called for every number cell
        rows = self._rows
        if 0 <= r < len(rows):
            row = rows[r]
            if 0 <= c < len(row):
                raw = row[c]
                if raw == "":
                    raw = None
        ref = a1(r, c)
        no_value = (r, c) in self._no_value
        if kind == "percent" and self._percent(r, c):
            parsed = parse_percent(raw, True)
            value, decimals, problem = parsed.value, parsed.decimals, parsed.problem
        else:
            # parse_percent of a cell not formatted as a percentage is parse_number
            value, decimals, problem = number_parts(raw)
        if problem is not None:
            self.model.problems.append(ReadProblem("not_number", self._name, ref, problem, label))
        if no_value and value is None:
            self.model.problems.append(ReadProblem("formula_no_value", self._name, ref, "", label))
        stated = value
        if value is not None and self._in_yuan and kind == "amount":
            value = value / TEN_THOUSAND
        return new_num(self._name, ref, raw, value, stated, decimals, problem, no_value)

    def texts(self, c: int | None, rows: list[int]) -> list[Text | None]:
        """``[self.text(r, c) for r in rows]``: a column of a table read at once."""
        if c is None:
            return [None] * len(rows)
        name, grid, merged, formats = self._name, self._rows, self.merged, self._formats
        letter = col_letter(c)
        n_rows = len(grid)
        builder = TextBuilder
        out = []
        append = out.append
        for r in rows:
            raw = None                    # self._raw(r, c)
            if 0 <= r < n_rows:
                row = grid[r]
                if 0 <= c < len(row):
                    raw = row[c]
                    if raw == "":
                        raw = None
            origin = None
            if raw is None and merged and (r, c) in merged:
                r0, c0 = merged[(r, c)]
                raw = self.sheet.value(r0, c0)
                origin = a1(r0, c0) if raw is not None else None
            if type(raw) is str:          # cell_text → clean_text, inline
                value = raw.strip().strip("\u3000").strip() or None
            elif raw is None:
                value = None
            else:                         # the percent format matters only to a number
                code = formats.get((r, c)) if isinstance(raw, float) else None
                if type(raw) is float and (code is None or not is_percent_format(code)):
                    value = _FLOAT_TEXTS[raw]                   # cell_text(raw)
                else:
                    value = cell_text(raw, code is not None and is_percent_format(code))
            text = builder()              # new_text(name, a1(r, c), raw, value, origin)
            text.sheet = name
            text.ref = f"{letter}{r + 1}"
            text.raw = raw
            text.value = value
            text.origin = origin
            text.__class__ = Text
            append(text)
        return out

    def nums(self, c: int | None, rows: list[int], kind: str, labels: list[str]) -> list[Num | None]:
        """``[self.num(r, c, kind, label) for r, label in zip(rows, labels)]``: a column of
        a table read at once. The problems found wait in :meth:`flush`'s queue, which gives
        them in the order a table read a row at a time (a call of :meth:`num` per cell,
        in the order of the calls of this method) gives them."""
        if c is None:
            return [None] * len(rows)
        self._calls += 1
        call = self._calls
        name, grid, formats, no_values = self._name, self._rows, self._formats, self._no_value
        pending = self._pending
        letter = col_letter(c)
        n_rows = len(grid)
        percent = kind == "percent" and bool(formats)
        in_yuan = self._in_yuan and kind == "amount"
        builder = NumBuilder
        out = []
        append = out.append
        for r, label in zip(rows, labels):
            raw = None                    # self._raw(r, c)
            if 0 <= r < n_rows:
                row = grid[r]
                if 0 <= c < len(row):
                    raw = row[c]
            ref = f"{letter}{r + 1}"      # a1(r, c)
            no_value = False
            if no_values:
                no_value = (r, c) in no_values
            problem = None
            if percent and (code := formats.get((r, c))) is not None and is_percent_format(code):
                if raw == "":
                    raw = None
                value, decimals, problem = percent_parts(raw)
            elif type(raw) is float and -1e15 < raw < 1e15:       # number_parts(raw)
                value, decimals = float_parts[raw]
            else:
                if raw == "":
                    raw = None
                value, decimals, problem = number_parts(raw)
            if problem is not None:
                pending.append((r, call, ReadProblem("not_number", name, ref, problem, label)))
            if no_value and value is None:
                pending.append((r, call, ReadProblem("formula_no_value", name, ref, "", label)))
            num = builder()               # new_num(name, ref, raw, value, stated, …)
            num.sheet = name
            num.ref = ref
            num.raw = raw
            num.value = value / TEN_THOUSAND if in_yuan and value is not None else value
            num.stated = value
            num.decimals = decimals
            num.problem = problem
            num.formula_without_value = no_value
            num.__class__ = Num
            append(num)
        return out

    def flush(self) -> None:
        """Add the problems :meth:`nums` found to the model, by row, then in the order
        of the calls (a cell's own problems in the order found)."""
        pending = self._pending
        if pending:
            pending.sort(key=_ROW_AND_CALL)
            self.model.problems.extend(p for _, _, p in pending)
            pending.clear()


def _col(located: Located, key: str) -> int | None:
    return located.columns.get(key)


def _is_total(label: str | None) -> bool:
    if not label:
        return False
    if len(label) <= 64:
        return _is_total_label(label)
    return strip_enumeration(normalize_label(label)) in TOTAL_LABELS


@functools.lru_cache(maxsize=4096)
def _is_total_label(label: str) -> bool:
    return strip_enumeration(normalize_label(label)) in TOTAL_LABELS


def _code(text: Text | None, sheet: str) -> Text:
    """科目编码 as a clean digit string: 204.0 → "204", " 20402 " → "20402".
    An empty Text when the sheet has no 科目编码 column (TPL002 says so)."""
    if text is None:
        return new_text(sheet, "", None, None, None)
    value = text.value
    if value is not None:
        value = normalize_label(value).replace(".0", "") if value.endswith(".0") else normalize_label(value)
    return new_text(text.sheet, text.ref, text.raw, value or None, text.origin)


# ---------------------------------------------------------------- the model


def build_model(raw: RawWorkbook) -> WorkbookModel:
    model = WorkbookModel(path=str(raw.path), sheet_names=[s.name for s in raw.sheets], basic=BasicInfo())
    assigned: dict[str, RawSheet] = {}
    for sheet in raw.sheets:
        sheet_def = sheet_for_name(sheet.name)
        if sheet_def is not None and sheet_def.key not in assigned:
            assigned[sheet_def.key] = sheet
    # A template sheet under another name: look for its header in the sheets left over.
    skip = {normalize_label(x) for x in (INSTRUCTIONS_SHEET, *REPORT_SHEETS)}
    leftovers = [s for s in raw.sheets if s not in assigned.values() and normalize_label(s.name) not in skip]
    for sheet_def in SHEETS:
        if sheet_def.key in assigned or sheet_def.key == "basic":
            continue
        for sheet in leftovers:
            found = locate(sheet, sheet_def)
            if found is not None and not found.missing:
                assigned[sheet_def.key] = sheet
                leftovers.remove(sheet)
                model.problems.append(ReadProblem("sheet_renamed", sheet.name, None, sheet_def.name))
                break

    if "basic" not in assigned:
        for sheet in leftovers:
            if _looks_like_basic(sheet):
                assigned["basic"] = sheet
                leftovers.remove(sheet)
                model.problems.append(ReadProblem("sheet_renamed", sheet.name, None, "基本情况"))
                break

    if not assigned:
        model.problems.append(ReadProblem("not_template", None, None, "、".join(model.sheet_names)))
        return model

    for sheet in raw.sheets:
        if sheet.hidden:
            model.problems.append(ReadProblem("hidden_sheet", sheet.name))
        elif sheet.hidden_rows and sheet in assigned.values():
            rows = sorted(r + 1 for r in sheet.hidden_rows)
            model.problems.append(ReadProblem("hidden_rows", sheet.name, None, "、".join(map(str, rows[:20])) + ("…" if len(rows) > 20 else "")))

    basic_sheet = assigned.get("basic")
    if basic_sheet is not None:
        _read_basic(basic_sheet, model)
    model.amount_unit = _amount_unit(model)

    readers = {
        "income": _read_income,
        "expenditure": _read_expenditure,
        "carryover": _read_carryover,
        "budget": _read_budget,
        "indicators": _read_indicators,
        "projects": _read_projects,
    }
    for sheet_def in SHEETS:
        sheet = assigned.get(sheet_def.key)
        if sheet_def.key == "basic":
            if sheet is None:
                model.problems.append(ReadProblem("sheet_missing", sheet_def.name))
            continue
        if sheet is None:
            if sheet_def.required:
                model.problems.append(ReadProblem("sheet_missing", sheet_def.name))
            continue
        located = locate(sheet, sheet_def)
        if located is None:
            model.problems.append(ReadProblem("header_missing", sheet.name, None, sheet_def.name,
                                              data=tuple(c.label for c in sheet_def.columns if c.required)))
            continue
        unit = located.unit or model.amount_unit
        model.tables[sheet_def.key] = Table(
            sheet=sheet.name,
            columns=located.columns,
            missing=located.missing,
            header_rows=tuple(r + 1 for r in located.header_rows),
            unit=unit,
        )
        for key in located.missing:
            col = sheet_def.column(key)
            if col.required:
                model.problems.append(ReadProblem("column_missing", sheet.name, None, col.label, sheet_def.name))
        reader = SheetReader(sheet, model, unit)
        readers[sheet_def.key](reader, located, sheet_def, model)
        reader.flush()
    return model


def _looks_like_basic(sheet: RawSheet) -> bool:
    """A 基本情况 sheet under another name: its rows name 单位名称 or 年度 and at
    least two more of the template's fields."""
    found = set()
    for r in range(min(sheet.n_rows, 80)):
        for c in range(min(len(sheet.rows[r]), 4)):
            field = find_field(sheet.value(r, c))
            if field is not None:
                found.add(field.key)
    return bool(found & {"unit_name", "year"}) and len(found) >= 3


def _amount_unit(model: WorkbookModel) -> str:
    value = normalize_label(model.basic.text("amount_unit") or "")
    return "元" if value in ("元", "人民币元") else "万元"


def _read_basic(sheet: RawSheet, model: WorkbookModel) -> None:
    reader = SheetReader(sheet, model)
    sheet_def = next(s for s in SHEETS if s.key == "basic")
    located = locate(sheet, sheet_def)
    if located is not None:
        item_c, content_c = located.columns.get("item"), located.columns.get("content")
        start = located.first_data_row
    else:
        item_c = content_c = None
        start = 0
    for r in range(start, sheet.n_rows):
        cols = [item_c] if item_c is not None else range(len(sheet.rows[r]))
        for c in cols:
            field = find_field(sheet.value(r, c))
            if field is None or field.key in model.basic.fields:
                continue
            vc = content_c if content_c is not None and c == item_c else _next_filled(sheet, r, c)
            if vc is None:
                vc = c + 1
            if field.key == "year":
                model.basic.fields[field.key] = _year(reader, r, vc)
            elif field.kind in ("count", "score", "amount"):
                model.basic.fields[field.key] = reader.num(r, vc, field.kind, field.label)
            else:
                model.basic.fields[field.key] = reader.text(r, vc)
            break
    for f in BASIC_FIELDS:
        cell = model.basic.fields.get(f.key)
        if f.required and (cell is None or (cell.value is None if isinstance(cell, (Num, Text)) else True)):
            ref = cell.ref if cell is not None else None
            model.problems.append(ReadProblem("field_empty", sheet.name, ref, f.label))


_YEAR = re.compile(r"^((?:19|20)\d{2})(?:年度?)?$")


def _year(reader: SheetReader, r: int, c: int) -> Num | None:
    """年度 as departments write it: 2023, "2023", "2023年", "2023年度"."""
    raw = reader.sheet.value(r, c)
    if isinstance(raw, str):
        m = _YEAR.match(normalize_label(raw))
        if m:
            year = Decimal(m.group(1))
            return Num(reader.sheet.name, a1(r, c), raw, year, year, 0)
    return reader.num(r, c, "count", "年度")


def _next_filled(sheet: RawSheet, r: int, c: int) -> int | None:
    for cc in range(c + 1, len(sheet.rows[r])):
        if sheet.value(r, cc) is not None:
            return cc
    return None


def _read_income(rd: SheetReader, loc: Located, sd: SheetDef, model: WorkbookModel) -> None:
    c_label, c_cur, c_prev, c_delta, c_rate, c_note = (
        loc.columns.get(k) for k in ("label", "cur", "prev", "delta", "rate", "note"))
    rows, labels, names, subs = [], [], [], []
    all_rows = data_rows(rd.sheet, loc)
    for r, label in zip(all_rows, rd.texts(c_label, all_rows)):
        if label is None:
            continue
        is_sub, name = split_qizhong(label.value or "")
        rows.append(r)
        labels.append(new_text(label.sheet, label.ref, label.raw, name or None, label.origin))
        names.append(name)
        subs.append(is_sub)
    nums, texts = rd.nums, rd.texts
    columns = zip(rows, labels, names, subs, nums(c_cur, rows, "amount", names), nums(c_prev, rows, "amount", names),
                  nums(c_delta, rows, "amount", names), nums(c_rate, rows, "percent", names), texts(c_note, rows))
    model.income.extend(
        IncomeRow(row=r + 1, label=label, cur=cur, prev=prev, delta=delta, rate=rate, note=note,
                  is_total=_is_total(name), is_sub=is_sub)
        for r, label, name, is_sub, cur, prev, delta, rate, note in columns)


def _read_expenditure(rd: SheetReader, loc: Located, sd: SheetDef, model: WorkbookModel) -> None:
    sheet_name = rd.sheet.name
    c_code, c_name, c_cur, c_prev, c_delta, c_rate, c_basic, c_project, c_note = (
        loc.columns.get(k) for k in ("code", "name", "cur", "prev", "delta", "rate", "basic", "project", "note"))
    rows = data_rows(rd.sheet, loc)
    codes, names, labels, totals, subs = [], [], [], [], []
    for code, name in zip(rd.texts(c_code, rows), rd.texts(c_name, rows)):
        code = _code(code, sheet_name)
        if name is None:
            name = new_text(sheet_name, "", None, None, None)
        is_sub, clean = split_qizhong(name.value or "")
        name = new_text(name.sheet, name.ref, name.raw, clean or None, name.origin)
        if code.value is None and name.value:
            # "204 公共安全支出" written in the name column
            head, _, rest = name.value.partition(" ")
            if head.isdigit() and len(head) in (3, 5, 7) and rest.strip():
                code = new_text(code.sheet, code.ref, code.raw, head, name.ref)
                name = new_text(name.sheet, name.ref, name.raw, rest.strip(), name.origin)
        label = name.value or ""
        codes.append(code)
        names.append(name)
        labels.append(label)
        totals.append(code.value is None and _is_total(label))
        subs.append(is_sub)
    nums = rd.nums
    columns = zip(rows, codes, names, nums(c_cur, rows, "amount", labels), nums(c_prev, rows, "amount", labels),
                  nums(c_delta, rows, "amount", labels), nums(c_rate, rows, "percent", labels),
                  nums(c_basic, rows, "amount", labels), nums(c_project, rows, "amount", labels),
                  rd.texts(c_note, rows), totals, subs)
    model.expenditure.extend(
        ExpenditureRow(row=r + 1, code=code, name=name, cur=cur, prev=prev, delta=delta, rate=rate,
                       basic=basic, project=project, note=note, is_total=is_total, is_sub=is_sub)
        for r, code, name, cur, prev, delta, rate, basic, project, note, is_total, is_sub in columns)


def _read_carryover(rd: SheetReader, loc: Located, sd: SheetDef, model: WorkbookModel) -> None:
    sheet_name = rd.sheet.name
    c_code, c_name, c_opening, c_income, c_expense, c_closing, c_note = (
        loc.columns.get(k) for k in ("code", "name", "opening", "income", "expense", "closing", "note"))
    rows = data_rows(rd.sheet, loc)
    codes = [_code(code, sheet_name) for code in rd.texts(c_code, rows)]
    names = [name or new_text(sheet_name, "", None, None, None) for name in rd.texts(c_name, rows)]
    labels = [name.value or "" for name in names]
    nums = rd.nums
    columns = zip(rows, codes, names, labels, nums(c_opening, rows, "amount", labels),
                  nums(c_income, rows, "amount", labels), nums(c_expense, rows, "amount", labels),
                  nums(c_closing, rows, "amount", labels), rd.texts(c_note, rows))
    model.carryover.extend(
        CarryoverRow(row=r + 1, code=code, name=name, opening=opening, income=income, expense=expense,
                     closing=closing, note=note, is_total=code.value is None and _is_total(label))
        for r, code, name, label, opening, income, expense, closing, note in columns)


def _read_budget(rd: SheetReader, loc: Located, sd: SheetDef, model: WorkbookModel) -> None:
    c_source, c_initial, c_full, c_executed, c_rate, c_weight, c_score, c_note = (
        loc.columns.get(k) for k in ("source", "initial", "full", "executed", "rate", "weight", "score", "note"))
    rows, sources, names, subs = [], [], [], []
    all_rows = data_rows(rd.sheet, loc)
    for r, source in zip(all_rows, rd.texts(c_source, all_rows)):
        if source is None:
            continue
        is_sub, name = split_qizhong(source.value or "")
        rows.append(r)
        sources.append(new_text(source.sheet, source.ref, source.raw, name or None, source.origin))
        names.append(name)
        subs.append(is_sub)
    nums = rd.nums
    columns = zip(rows, sources, names, subs, nums(c_initial, rows, "amount", names),
                  nums(c_full, rows, "amount", names), nums(c_executed, rows, "amount", names),
                  nums(c_rate, rows, "percent", names), nums(c_weight, rows, "score", names),
                  nums(c_score, rows, "score", names), rd.texts(c_note, rows))
    seen_total = False
    for r, source, name, is_sub, initial, full, executed, rate, weight, score, note in columns:
        is_total = _is_total(name)
        model.budget.append(BudgetRow(
            row=r + 1, source=source, initial=initial, full=full, executed=executed, rate=rate,
            weight=weight, score=score, note=note,
            is_total=is_total, is_sub=is_sub or (seen_total and not is_total),
        ))
        seen_total = seen_total or is_total


def _read_indicators(rd: SheetReader, loc: Located, sd: SheetDef, model: WorkbookModel) -> None:
    sheet_name = rd.sheet.name
    c_level1, c_level2, c_level3, c_target, c_actual, c_weight, c_score, c_nature, c_unit, c_deviation = (
        loc.columns.get(k) for k in ("level1", "level2", "level3", "target", "actual", "weight", "score", "nature", "unit", "deviation"))
    table = model.tables["indicators"]
    rows = data_rows(rd.sheet, loc)
    texts = rd.texts
    levels = list(zip(texts(c_level1, rows), texts(c_level2, rows), texts(c_level3, rows)))
    totals, labels = [], []
    for l1, l2, l3 in levels:
        first_text = next((t.value for t in (l1, l2, l3) if t is not None and t.value), None)
        is_total = _is_total(first_text)
        totals.append(is_total)
        # a total row's numbers are named by its first text, the others' by 三级指标
        labels.append((first_text or "") if is_total else ((l3.value if l3 is not None else None) or ""))
    weights = rd.nums(c_weight, rows, "score", labels)
    scores = rd.nums(c_score, rows, "score", labels)
    columns = zip(rows, levels, totals, labels, weights, scores, texts(c_target, rows), texts(c_actual, rows),
                  texts(c_nature, rows), texts(c_unit, rows), texts(c_deviation, rows))
    last1: Text | None = None
    last2: Text | None = None
    empty = new_text(sheet_name, "", None, None, None)
    for r, (l1, l2, l3), is_total, label, weight, score, target, actual, nature, unit, deviation in columns:
        if is_total:
            table.total = {k: n for k, n in (("weight", weight), ("score", score)) if n is not None}
            continue
        if l1 is not None and l1.value:
            if last1 is None or l1.value != last1.value:
                last2 = None
            last1 = l1
        elif l1 is not None and last1 is not None:
            l1 = new_text(l1.sheet, l1.ref, l1.raw, last1.value, last1.origin or last1.ref)
        if l2 is not None and l2.value:
            last2 = l2
        elif l2 is not None and last2 is not None:
            l2 = new_text(l2.sheet, l2.ref, l2.raw, last2.value, last2.origin or last2.ref)
        target = target or empty
        actual = actual or empty
        if not label and target.blank and actual.blank and (weight is None or weight.blank) and (score is None or score.blank):
            continue  # a group heading row ("产出指标") with nothing to check
        model.indicators.append(IndicatorRow(
            row=r + 1, level1=l1 or empty, level2=l2 or empty, level3=l3 or empty,
            nature=nature, target=target, unit=unit, actual=actual,
            weight=weight, score=score, deviation=deviation,
        ))


def _read_projects(rd: SheetReader, loc: Located, sd: SheetDef, model: WorkbookModel) -> None:
    c_name, c_budget, c_executed, c_rate, c_content, c_status = (
        loc.columns.get(k) for k in ("name", "budget", "executed", "rate", "content", "status"))
    all_rows = data_rows(rd.sheet, loc)
    rows, names = [], []
    for r, name in zip(all_rows, rd.texts(c_name, all_rows)):
        if name is None or name.blank or _is_total(name.value):
            continue
        rows.append(r)
        names.append(name)
    labels = [name.value or "" for name in names]
    nums, texts = rd.nums, rd.texts
    columns = zip(rows, names, nums(c_budget, rows, "amount", labels), nums(c_executed, rows, "amount", labels),
                  nums(c_rate, rows, "percent", labels), texts(c_content, rows), texts(c_status, rows))
    model.projects.extend(
        ProjectRow(row=r + 1, name=name, budget=budget, executed=executed, rate=rate, content=content, status=status)
        for r, name, budget, executed, rate, content, status in columns)
