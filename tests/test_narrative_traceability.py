"""Every number in the generated narrative comes from a cell of the workbook or from
arithmetic on cells (SPEC §5). The workbook is read here independently (openpyxl), so
the check does not trust the reader or the narrative's own bookkeeping."""

from __future__ import annotations

import itertools
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest

from reconcile.findings import Finding, Severity
from reconcile.narrative import build_narrative
from reconcile.pipeline import check_path
from tests.seed_sheets import seed_workbook
from tests.test_narrative_fidelity import SEED_EXAMPLE

NUMBER = re.compile(r"\d+(?:\.\d+)?")
# Not figures: cell addresses and row numbers in quoted findings, list enumeration.
NOT_FIGURES = re.compile(r"[A-Z]{1,3}\d+|第\d+行|（\d+）|\(\d+\)|项目\d+|^\d+[.、](?!\d)|表\d+")
THRESHOLDS = {Decimal(100)}    # "100万元以上项目" (the heading of the seed's project list)
TEN_THOUSAND = Decimal(10000)


def q2(d: Decimal) -> Decimal:
    return d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def cell_numbers(value) -> list[Decimal]:
    if value is None or isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [Decimal(repr(value)) if isinstance(value, float) else Decimal(value)]
    text = unicodedata.normalize("NFKC", str(value)).replace(",", "")
    return [Decimal(m) for m in NUMBER.findall(text)]


def traceable_values(path: Path) -> tuple[set[Decimal], int]:
    """Cell values, and arithmetic on them within a row, each rounded to 2 dp; plus the
    largest row count (counts of rows are arithmetic on cells too)."""
    wb = openpyxl.load_workbook(path, data_only=True)
    values: set[Decimal] = set()
    max_rows = 0
    for ws in wb.worksheets:
        if ws.title == "填报说明":
            continue
        max_rows = max(max_rows, ws.max_row)
        columns: dict[int, Decimal] = {}
        for row in ws.iter_rows():
            nums = []
            for cell in row:
                found = cell_numbers(cell.value)
                if cell.number_format.endswith("%") and isinstance(cell.value, (int, float)):
                    found = [n * 100 for n in found]
                nums += found
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    columns[cell.column] = columns.get(cell.column, Decimal(0)) + found[0]
            derived = set(nums)
            for a, b in itertools.permutations(nums, 2):
                derived |= {a - b, a + b}
                if b:
                    derived |= {(a - b) / b * 100, a / b * 100}
            for a, b, c in itertools.permutations(nums, 3):
                if b:
                    derived.add(min(a / b * 100, Decimal(100)) * c / 100)
            values |= derived
        values |= set(columns.values())
    values |= {v / TEN_THOUSAND for v in list(values)}
    year = next((v for v in values if 1990 < v < 2100 and v == v.to_integral()), None)
    if year is not None:
        values |= {v - 1 for v in values if 1990 < v < 2100 and v == v.to_integral()}
    return {q2(abs(v)) for v in values}, max_rows


def narrative_numbers(narrative) -> list[tuple[Decimal, str]]:
    texts = [narrative.title]
    for p in narrative.paragraphs:
        texts.append(p.text)
        texts += [cell for row in p.rows for cell in row]
    out = []
    for text in texts:
        clean = NOT_FIGURES.sub(" ", unicodedata.normalize("NFKC", text).replace(",", ""))
        out += [(Decimal(m), text) for m in NUMBER.findall(clean)]
    return out


def untraceable(path: Path, narrative) -> list[tuple[Decimal, str]]:
    values, max_rows = traceable_values(path)
    missing = []
    for n, text in narrative_numbers(narrative):
        if q2(n) in values or n in THRESHOLDS:
            continue
        if n == n.to_integral() and n <= max_rows:
            continue   # a count of rows (三级指标 set / met / not met)
        missing.append((n, text[:60]))
    return missing


@pytest.mark.parametrize("example", sorted(SEED_EXAMPLE.parent.glob("*.xlsx")), ids=lambda p: p.stem)
def test_every_number_of_the_examples_is_traceable(example):
    _, model, findings = check_path(example)
    narrative = build_narrative(model, findings)
    assert len(narrative_numbers(narrative)) > 100
    assert untraceable(example, narrative) == []


def test_traceable_with_findings_quoted(tmp_path):
    """Section 四 quotes the error messages; their numbers are cells or arithmetic too."""
    path = seed_workbook(tmp_path / "seed.xlsx")
    _, model, findings = check_path(path)
    findings = [*findings, Finding("EXP005", Severity.ERROR, "支出", "E4", "208 社会保障和就业支出",
                                   "支出 第4行 208 社会保障和就业支出：增减额填报为 -10.32，按 本年数 603.16 − 上年数 496.52 应为 106.64（增加）",
                                   106.64, -10.32)]
    narrative = build_narrative(model, findings)
    assert "应为 106.64" in narrative.text
    assert untraceable(path, narrative) == []


def test_an_invented_number_is_caught(tmp_path):
    """The check itself can fail: a figure that is in no cell is reported."""
    path = seed_workbook(tmp_path / "seed.xlsx")
    _, model, findings = check_path(path)
    narrative = build_narrative(model, findings)
    narrative.paragraphs[-1].text += "住房保障支出上年254.5万元。"
    assert [n for n, _ in untraceable(path, narrative)] == [Decimal("254.5")]
