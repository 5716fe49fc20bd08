"""Reading a table a column at a time gives exactly what reading it a cell at a time
gave: the same model (every Num and Text, in the same rows) and the same problems in
the same order. The oracle is the reader before the change, frozen under
tests/reference_reader (build_model, locate and data_rows at commit 1cf9264).

Inputs: generated batch workbooks, the corpus of broken files, the examples, the seed,
the output-test department (dates, booleans, merges, percent formats) and perturbed
copies of the good workbook (text and odd values in number columns, percent formats,
merges over data, formulas without values, repeated headers, footers, 元 lines) with
several problems on one row, so the order of the problems is put to the test.
"""

from __future__ import annotations

import copy
import dataclasses
import random
from decimal import Decimal
from pathlib import Path

import pytest
from xlsxwriter.utility import xl_rowcol_to_cell

from benchmarks.synth import generate
from reconcile.model import BasicInfo, WorkbookModel
from reconcile.numbers import parse_percent, percent_parts
from reconcile.reading import tables
from reconcile.reading.preflight import Unreadable
from reconcile.reading.raw import read_raw
from reconcile.reading.workbook import SheetReader, build_model
from reconcile.template.definition import SHEETS
from tests.builders import write_workbook
from tests.corpus.generate import GOOD_MERGES, build_corpus, good_sheets
from tests.output_fixtures import HOSTILE_NOTES, write_department
from tests.reference_reader import tables_1cf9264 as ref_tables
from tests.reference_reader import workbook_1cf9264 as ref_workbook
from tests.seed_sheets import seed_workbook

ROOT = Path(__file__).resolve().parent.parent

ODD_NUMBERS = ["1,234.5", "（12.5）", "—", "abc", "12.5万元", "10.93%", " 5 ", "5分", "-", " ", "1e3", "１２３",
               "nan", 0.0, -0.0, 1e-12, -3e-10, 1e16, 12.345678, 1.5e-7, True, 7, "12.5%", "(3)", "￥12", 0.105,
               99.99, 1e20, 0.3, 1234567.891, "约100", "一百", "1.2.3", "x"]
ODD_TEXTS = ["合计", "总计", "其中：财政拨款", "  ", "\u3000名字\u3000", "注：本表", "填表人：张三", "收入项目", "本年数",
             "上年数", 3.0, 201.0, "204 公共安全支出", "一、合计", "（一）小计", "2023年", "备注：x", 20101.0, 0.25]


def _perturbed(folder: Path, n: int, seed: int) -> list[Path]:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        sheets = good_sheets()
        merges = {k: list(v) for k, v in GOOD_MERGES.items()} if i % 2 else {}
        percent: dict[str, list[str]] = {}
        formulas: dict[str, dict[str, str]] = {}
        taken: dict[str, set[tuple[int, int]]] = {}
        for _ in range(rng.randint(2, 14)):
            name = rng.choice(list(sheets))
            rows = sheets[name]
            if not rows:
                continue
            r = rng.randrange(len(rows))
            row = rows[r]
            c = rng.randrange(len(row) + 1)
            row.extend([None] * (c + 1 - len(row)))
            op = rng.random()
            if op < 0.3:                     # several odd values on one row
                for cc in rng.sample(range(len(row)), min(len(row), rng.randint(1, 4))):
                    row[cc] = rng.choice(ODD_NUMBERS)
                if rng.random() < 0.5:       # and on the rows below, in other columns
                    for rr in range(r + 1, min(r + 3, len(rows))):
                        below = rows[rr]
                        if below:
                            below[rng.randrange(len(below))] = rng.choice(("x", "abc", True, "约100"))
            elif op < 0.45:
                row[c] = rng.choice(ODD_TEXTS)
            elif op < 0.52:
                rows.insert(r, [None] * rng.randint(0, 3))
            elif op < 0.58:
                rows.insert(r, copy.copy(rows[min(2, len(rows) - 1)]))
            elif op < 0.68:
                for cc in range(len(row)):
                    percent.setdefault(name, []).append(xl_rowcol_to_cell(r, cc))
                    if type(row[cc]) in (int, float):
                        row[cc] = row[cc] / 100
            elif op < 0.75:
                r1, c1 = min(r + rng.randint(0, 2), len(rows) - 1), c + rng.randint(0, 1)
                cells = {(a, b) for a in range(r, r1 + 1) for b in range(c, c1 + 1)}
                if (r1, c1) != (r, c) and not cells & taken.setdefault(name, set()):
                    taken[name] |= cells
                    merges.setdefault(name, []).append(f"{xl_rowcol_to_cell(r, c)}:{xl_rowcol_to_cell(r1, c1)}")
            elif op < 0.8:
                rows.insert(0, [rng.choice(["单位：元", "金额单位：万元", "单位：元（人民币）"])])
            elif op < 0.88:
                for cc in rng.sample(range(len(row)), min(len(row), rng.randint(1, 3))):
                    formulas.setdefault(name, {})[xl_rowcol_to_cell(r, cc)] = "=1+1"
            elif op < 0.94:
                rows.append([rng.choice(["注：1.xx", "填表人：x", "合计", "其中：y", "小计"]), 1.0, "x", 2.0])
            else:
                del rows[r]
        for name in list(merges):         # a formula or percent cell inside a merge is not written
            merges[name] = [m for m in merges[name] if not any(
                ref in m.split(":")[0] for ref in (*formulas.get(name, {}), *percent.get(name, [])))]
        paths.append(write_workbook(folder / f"p{i:03d}.xlsx", sheets, merges=merges,
                                    percent_cells=percent, formulas=formulas))
    return paths


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> list[Path]:
    tmp = tmp_path_factory.mktemp("columns")
    paths = [p for p, _ in generate(tmp / "batch", 12, seed=3)]
    build_corpus(tmp / "corpus")
    paths += sorted((tmp / "corpus").iterdir())
    paths += sorted((ROOT / "examples").glob("*.xlsx"))
    paths.append(seed_workbook(tmp / "seed.xlsx"))
    paths += [write_department(tmp / f"dept{i}.xlsx", note) for i, note in enumerate(HOSTILE_NOTES[:3])]
    paths += _perturbed(tmp / "perturbed", 80, seed=5)
    return paths


def _raws(paths):
    for path in paths:
        try:
            yield path, read_raw(path)
        except Unreadable:
            continue


def test_the_model_is_the_one_read_a_cell_at_a_time(workbooks):
    problems_in_a_row = 0
    for path, raw in _raws(workbooks):
        model, reference = build_model(raw), ref_workbook.build_model(raw)
        assert repr(model) == repr(reference), path.name
        rows = [(p.sheet, p.ref[1:] if p.ref else "") for p in model.problems]
        problems_in_a_row += len(rows) - len(set(rows))
    assert problems_in_a_row > 20            # the order within a row was put to the test


def test_columns_are_the_cells_read_one_by_one(workbooks):
    """texts/nums of every column of every sheet (all kinds, every row, beyond the
    sheet's rows and columns too) against text/num of each cell in turn."""
    seen = 0
    for path, raw in _raws(workbooks):
        for sheet in raw.sheets:
            for unit in ("万元", "元"):
                by_cell = WorkbookModel(path=str(path), sheet_names=[], basic=BasicInfo())
                by_column = WorkbookModel(path=str(path), sheet_names=[], basic=BasicInfo())
                cell_reader = SheetReader(sheet, by_cell, unit)
                column_reader = SheetReader(sheet, by_column, unit)
                rows = list(range(sheet.n_rows + 2))
                labels = [f"行{r}" for r in rows]
                columns = list(range(sheet.n_cols + 1))
                kinds = ("amount", "percent", "score")
                numbers = [column_reader.nums(c, rows, kind, labels) for kind in kinds for c in columns]
                texts = [column_reader.texts(c, rows) for c in columns]
                column_reader.flush()
                for r, label in zip(rows, labels):
                    for i, (kind, c) in enumerate((kind, c) for kind in kinds for c in columns):
                        assert repr(numbers[i][r]) == repr(cell_reader.num(r, c, kind, label)), (path.name, r, c)
                    for c in columns:
                        assert repr(texts[c][r]) == repr(cell_reader.text(r, c)), (path.name, r, c)
                assert by_column.problems == by_cell.problems, path.name
                assert column_reader.nums(None, rows, "amount", labels) == [None] * len(rows)
                assert column_reader.texts(None, rows) == [None] * len(rows)
                seen += 1
    assert seen > 300


def _fields(located):
    return None if located is None else dataclasses.astuple(located)


def test_header_search_and_data_rows_as_before(workbooks):
    """locate and data_rows of every sheet against every template table."""
    found = 0
    for path, raw in _raws(workbooks):
        for sheet in raw.sheets:
            for sheet_def in SHEETS:
                located = tables.locate(sheet, sheet_def)
                assert _fields(located) == _fields(ref_tables.locate(sheet, sheet_def)), (path.name, sheet.name)
                if located is not None:
                    assert tables.data_rows(sheet, located) == ref_tables.data_rows(sheet, located)
                    found += 1
    assert found > 100


def test_data_rows_with_numbers_and_blank_labels_in_the_header(tmp_path):
    """A header holding a number or a blank text: numbers then match it as before."""
    path = write_workbook(tmp_path / "n.xlsx", {"收入": [
        ["收入项目", "本年数", "上年数", "增减额", 2023, "  "],
        ["收入合计", 1, 2, 3, 2023, " "],
        ["收入项目", "本年数", 5, 6, 2023, "  "],
        [2023, 2023.0, " ", "  ", 2023, None],
        ["收入合计", 2023, None, None, 2023, None],
        ["收入合计", 2023, "x", None, None, True],
        ["注：x", None, None, None, None, None],
        [None, None, None, None, None, " "],
        [True, False, None, None, None, None],
    ]})
    raw = read_raw(path)
    sheet, sheet_def = raw.sheet("收入"), next(d for d in SHEETS if d.key == "income")
    located = tables.locate(sheet, sheet_def)
    assert _fields(located) == _fields(ref_tables.locate(sheet, sheet_def))
    located = dataclasses.replace(located, columns={**located.columns, "x": 4, "y": 5, "z": 9})
    assert tables.data_rows(sheet, located) == ref_tables.data_rows(sheet, located)
    for labels in (located.header_labels | {"2023", "true", ""}, frozenset({"本年数", "上年数"}), frozenset()):
        other = dataclasses.replace(located, header_labels=labels)
        assert tables.data_rows(sheet, other) == ref_tables.data_rows(sheet, other)


def test_percent_parts_is_parse_percent():
    rng = random.Random(3)
    values = [None, True, False, 0, 7, -3, 10**16, 0.0, -0.0, 1e-10, 0.1093, 0.5, 1.0, 12.5, 1e14, 1e15, 1e16,
              float("nan"), float("inf"), Decimal("0.105"), Decimal("NaN"), "10.93%", "10.93", "abc", "—", "",
              "（12.5）", "5分"]
    values += [round(rng.uniform(-2, 2), rng.randint(0, 8)) for _ in range(3000)]
    values += [rng.uniform(-1e16, 1e16) * 10 ** rng.randint(-20, 0) for _ in range(3000)]
    for raw in values:
        parsed = parse_percent(raw, True)
        assert repr(percent_parts(raw)) == repr((parsed.value, parsed.decimals, parsed.problem)), raw


def test_float_parts_is_number_parts(monkeypatch):
    from reconcile import numbers

    rng = random.Random(8)
    values = [0.0, -0.0, 1e-9, -1e-9, 9.99e-10, 5e-324, 0.1, 1.0, -1.0, 54718.92, 1e15 - 0.125, -1e15 + 0.125,
              123456789.123456789, 1.5e-7, 1e14 + 0.5, 0.30000000000000004]
    values += [round(rng.uniform(-1e6, 1e6), rng.randint(0, 6)) for _ in range(5000)]
    values += [rng.uniform(-1e15, 1e15) * 10 ** rng.randint(-25, 0) for _ in range(5000)]
    table = numbers._FloatParts()
    monkeypatch.setattr(numbers, "float_parts", table)
    for _ in range(2):                       # computed, then remembered
        for raw in values:
            value, decimals, problem = numbers.number_parts(raw)
            assert problem is None and repr(table[raw]) == repr((value, decimals)), raw
    assert len(table) <= 65536
    for i in range(70000):                   # emptied when it grows large, still right
        raw = i + 0.5
        assert table[raw] == numbers.number_parts(raw)[:2]
    assert len(table) < 65536


def test_float_texts_are_cell_text():
    from reconcile.reading import workbook

    rng = random.Random(9)
    values = [0.0, -0.0, 0.0, 201.0, 20101.0, -5.0, 1e13, -1e13, 9999999999999.0, 1e13 - 0.5, 1e22, 0.1, 1.5e-7,
              float("nan"), float("inf"), float("-inf"), 2.5, 100.0, 123456.789]
    values += [float(rng.randint(-10**14, 10**14)) for _ in range(2000)]
    values += [rng.uniform(-1e16, 1e16) * 10 ** rng.randint(-20, 0) for _ in range(2000)]
    table = workbook._FloatTexts()
    for _ in range(2):
        for raw in values:
            assert table[raw] == workbook.cell_text(raw), raw
    assert all(key == key for key in table)                # NaN is not kept
