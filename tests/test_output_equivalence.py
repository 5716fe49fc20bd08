"""The optimised writers (X_核对.xlsx, 汇总.xlsx) write the same workbooks as the writers
before the optimisation (tests/reference_writer, frozen at commit 67209b0): every part
of the zip is compared byte for byte, so sheets, values, number formats, fills, fonts,
comments, column widths, row heights, merged cells and freeze panes are all the same.
Only the moment of writing (核对时间, docProps/core.xml) is masked.

Inputs: the seed example, generated batch workbooks, the output-test department
(hostile 说明, dates, booleans, merges, percent formats) and hand-built raw grids with
the awkward values (long and multi-line text, control characters, NaN, times, far
columns, overlapping merges, hidden rows and sheets, findings on merged and empty cells).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from reconcile.findings import Finding, Severity
from reconcile.narrative import build_narrative
from reconcile.narrative.document import Narrative, Paragraph
from reconcile.output import annotated, summary
from reconcile.output.xlsx import text_width, wrapped_lines
from reconcile.pipeline import run_batch
from reconcile.reading.raw import RawSheet, RawWorkbook
from reconcile.reading.workbook import read_workbook
from reconcile.rules.runner import run_checks
from tests.output_fixtures import HOSTILE_NOTES, write_department
from tests.reference_writer import annotated_67209b0 as ref_annotated
from tests.reference_writer import summary_67209b0 as ref_summary
from tests.reference_writer import xlsx_67209b0 as ref_xlsx

ROOT = Path(__file__).resolve().parent.parent
_STAMP = re.compile(rb"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}Z)?")


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def assert_same_workbook(new: Path, old: Path) -> None:
    a, b = _parts(new), _parts(old)
    assert list(a) == list(b)
    for name in a:
        x, y = a[name], b[name]
        if name in ("docProps/core.xml", "xl/sharedStrings.xml"):
            x, y = _STAMP.sub(b"T", x), _STAMP.sub(b"T", y)
        if x != y:
            i = next((i for i, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))
            raise AssertionError(f"{name} differs at byte {i}:\n new …{x[max(i - 200, 0):i + 200]!r}\n"
                                 f" old …{y[max(i - 200, 0):i + 200]!r}")


def _both(tmp_path: Path, raw, model, findings, narrative, source="x.xlsx") -> None:
    new, old = tmp_path / "new_核对.xlsx", tmp_path / "old_核对.xlsx"
    annotated.write_annotated(raw, model, findings, narrative, new, source=source)
    ref_annotated.write_annotated(raw, model, findings, narrative, old, source=source)
    assert_same_workbook(new, old)


def _check_file(tmp_path: Path, path: Path) -> None:
    raw, model = read_workbook(path)
    findings = run_checks(model)
    _both(tmp_path, raw, model, findings, build_narrative(model, findings), source=path.name)


@pytest.mark.parametrize("name", ["峨边彝族自治县公安局_2023.xlsx", "示例县文化广播电视和旅游局_2023.xlsx"])
def test_examples_written_as_before(tmp_path, name):
    _check_file(tmp_path, ROOT / "examples" / name)


def test_generated_batch_written_as_before(tmp_path):
    from benchmarks.synth import generate

    files = generate(tmp_path / "in", 6, seed=7)
    for i, (path, _) in enumerate(files):
        out = tmp_path / str(i)
        out.mkdir()
        _check_file(out, path)


@pytest.mark.parametrize("note", [None, "上级专项增加", *HOSTILE_NOTES[:3]])
def test_department_written_as_before(tmp_path, note):
    path = write_department(tmp_path / "公安局.xlsx", note=note, unit=note or "测试局")
    _check_file(tmp_path, path)


def _finding(sheet, cell, severity=Severity.WARNING, rule="INC004", message="说明", **kw) -> Finding:
    return Finding(rule, severity, sheet, cell, kw.pop("row_label", "行"), message, **kw)


def _awkward_workbook() -> tuple[RawWorkbook, list[Finding]]:
    long_cjk = "预算执行情况说明，" * 40
    rows = [
        ["标题：部门收支总表", "", "", "", "", ""],
        ["项目", "本年数", "上年数", "说明", "日期", "其他"],
        ["一般公共预算", 1234.5, -0.1, long_cjk, dt.date(2024, 3, 1), True],
        ["  前后空格  ", 1e20, 3, "第一行\n第二行\n" + "x" * 300, dt.datetime(2024, 3, 1, 9, 30), False],
        ["控制\x01字符_x0041_", math.nan, math.inf, "=HYPERLINK(\"http://x\")", dt.time(9, 30), dt.timedelta(hours=2)],
        ["<&>\"'", Decimal("1.005"), 0.0, "http://example.com/a", "", None],
        ["中" * 33000, 7, None, "a" * 60, "b" * 20, "c" * 20],
        ["", "", "", "", "", "末行"],
    ]
    wide = [["左"] + [""] * 40 + ["远列 " + "宽" * 30]]
    merged_sheet = RawSheet(
        name="合并[表]", rows=[["甲", "", "乙", ""], ["", "", 1.0, 2.0], [3.0, "", "", ""]],
        merged=[(0, 0, 1, 1), (0, 1, 0, 2), (0, 2, 0, 3), (2, 2, 2, 2)],
        number_formats={(1, 2): "0.00%", (2, 0): "#,##0.00", (2, 3): "0.0"},
        hidden_rows={2}, col_widths={0: 20.0, 1: 0.0, 2: 12.5})
    sheets = [
        RawSheet(name="收入", rows=rows, merged=[(0, 0, 0, 5)],
                 number_formats={(2, 1): "#,##0.00", (3, 1): "0.00E+00", (5, 4): "yyyy-mm-dd", (7, 3): "@"},
                 hidden_rows={5, 6}, col_widths={}),
        RawSheet(name="Sheet'宽", rows=wide, col_widths={0: 8.0, 41: 60.0}),
        merged_sheet,
        RawSheet(name="隐藏", rows=[["a", 1.0]], hidden=True, col_widths={0: 1.5}),
        RawSheet(name="空表", rows=[]),
        RawSheet(name="核对摘要", rows=[["不是我们的"]]),
    ]
    raw = RawWorkbook(path=Path("/nonexistent/awkward.xlsx"), kind="xlsx", sheets=sheets)
    findings = [
        _finding("收入", "B3", Severity.ERROR, "INC001", "合计不等", expected=1234.0, actual=1234.5),
        _finding("收入", "B3", Severity.WARNING, "INC004", "增幅大", explained=True, explanation="上级追加\n两行"),
        _finding("收入", "D3", Severity.INFO, "BUD004", long_cjk, expected="约 12", actual=None),
        _finding("收入", "F8", Severity.WARNING, "EXP001", "空格", expected=Decimal("10.50"), actual=12),
        _finding("收入", "C1", Severity.ERROR, "EXP002", "合并区域内", expected=5, actual=7),
        _finding("收入", "Z99", Severity.WARNING, "EXP003", "表外单元格"),
        _finding("收入", None, Severity.INFO, "TPL001", "整表提示"),
        _finding(None, None, Severity.ERROR, "TPL000", "文件级错误"),
        _finding("合并[表]", "B2", Severity.WARNING, "CAR001", "被合并覆盖", expected=1, actual=2),
        _finding("合并[表]", "D1", Severity.INFO, "YOY001", "重叠合并", row_label=None),
        _finding("Sheet'宽", "AP1", Severity.ERROR, "XS001", "远列", expected=-3.25, actual=1e6),
        _finding("不存在的表", "A1", Severity.ERROR, "XS002", "无此表"),
        _finding("隐藏", "A1", Severity.WARNING, "BUD001", "隐藏表", explained=True, explanation="=1+1"),
    ]
    return raw, findings


def test_awkward_grids_written_as_before(tmp_path):
    raw, findings = _awkward_workbook()
    model = SimpleNamespace(unit_name=None, year=None, path=raw.path, tables={}, amount_unit="元")
    narrative = Narrative("2023年度部门整体支出绩效自评报告", [
        Paragraph("heading1", "一、基本情况"),
        Paragraph("body", "正文" * 200 + "\n换行后\n\n空行"),
        Paragraph("body", "待核实的段落【待核实】", pending=True),
        Paragraph("heading2", "（一）表"),
        Paragraph("table", "表1 收支", rows=[["项目", "金额"], ["收入", "1,234.50"], ["长" * 100, "x"]]),
        Paragraph("table", "", rows=[]),
        Paragraph("body", ""),
        Paragraph("body", "ascii only " * 30),
    ])
    _both(tmp_path, raw, model, findings, narrative, source="awkward.xlsx")
    # no narrative at all, no findings
    _both(tmp_path, raw, model, [], None, source="")
    _both(tmp_path, raw, model, findings, Narrative("只有标题"), source="a.xlsx")


def test_summary_written_as_before(tmp_path):
    from benchmarks.synth import generate

    src = tmp_path / "in"
    generate(src, 4, seed=3)
    write_department(src / "公安局.xlsx", note=HOSTILE_NOTES[0], unit="公安局")
    (src / "坏文件.xlsx").write_bytes(b"not a workbook at all")
    (src / "~$公安局.xlsx").write_bytes(b"lock")
    batch = run_batch([src], tmp_path / "out")
    summary.write_summary(batch, tmp_path / "new.xlsx")
    ref_summary.write_summary(batch, tmp_path / "old.xlsx")
    assert_same_workbook(tmp_path / "new.xlsx", tmp_path / "old.xlsx")


TEXTS = [
    None, "", "a", "abc\ndef", "中文", "中文\n" + "x" * 80, "全角（括号）：；" * 9, "한국어 テキスト",
    "emoji 😀 and 𠀀", "\u3000　行政运行", "tab\tand\rcr", "ａｂｃ１２３", "½ ¼ ± × ÷", 1234.5, 12, -0.005,
    "预算" * 33 + "a" * 55, "中" * 3 + "a" * 55, "x" * 33 + "中" * 17,
]


@pytest.mark.parametrize("width", [2.0, 8.43, 9, 14, 24, 30, 60, 68, 66.5])
def test_width_helpers_as_before(width):
    for text in TEXTS:
        assert text_width(text) == ref_xlsx.text_width(text)
        assert wrapped_lines(text, width) == ref_xlsx.wrapped_lines(text, width), (text, width)


def test_width_helpers_as_before_on_random_text():
    import random

    rng = random.Random(7)
    alphabet = "ab1 .,%-" + "中文预算（）：，。　" + "×±½é한ア😀𠀀" + "\n"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 160)))
        # widths at which whole multiples of 1.1 and 2 meet a line boundary, and common ones
        for width in (8.43, 14, 24, 30, 60, 68, 13.5, 23.5, 1.5 + rng.randrange(1, 60) * 1.1):
            assert wrapped_lines(text, width) == ref_xlsx.wrapped_lines(text, width), (text, width)
        assert text_width(text) == ref_xlsx.text_width(text)
    for wide in range(0, 40):      # lines sitting exactly on a boundary: 2·wide + 1.1·narrow = k·usable
        for narrow in range(0, 120):
            text = "中" * wide + "a" * narrow
            for width in (68, 60, 14, 24, 30):
                assert wrapped_lines(text, width) == ref_xlsx.wrapped_lines(text, width), (wide, narrow, width)


def test_wide_blocks_are_wide():
    import unicodedata

    from reconcile.output.xlsx import WIDE_BLOCKS

    for first, last in WIDE_BLOCKS:
        assert all(unicodedata.east_asian_width(chr(c)) in ("W", "F") for c in range(first, last + 1)), hex(first)


def test_seed_example_written_as_before_without_the_fast_path(tmp_path, monkeypatch):
    """With an xlsxwriter whose internals the fast path does not know, the rendered
    cells go through xlsxwriter's own write_* calls: still the same workbook."""
    from reconcile.output import fastxlsx

    monkeypatch.setattr(fastxlsx, "FAST", False)
    _check_file(tmp_path, ROOT / "examples" / "峨边彝族自治县公安局_2023.xlsx")
    raw, findings = _awkward_workbook()
    model = SimpleNamespace(unit_name="单位", year=2023, path=raw.path, tables={}, amount_unit="万元")
    _both(tmp_path, raw, model, findings, Narrative("标题", [Paragraph("body", "正文" * 80)]))
