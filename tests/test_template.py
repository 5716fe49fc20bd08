"""The template a bureau sends out (`reconcile template`): the committed file is the
generator's output, the reader reads it blank and filled, the CLI writes it."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from reconcile.cli import main
from reconcile.pipeline import check_path
from reconcile.reading.workbook import read_workbook
from reconcile.template.definition import BASIC_FIELDS, INCOME_SOURCES, INSTRUCTIONS_SHEET, SHEETS
from reconcile.template.writer import write_template

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "templates" / "input_template.xlsx"
REGENERATE = "reconcile template -o templates/input_template.xlsx"


# ---------------------------------------------------------------- snapshot of a workbook


def _color(c) -> str | None:
    return c.rgb if c is not None and c.type == "rgb" else None


def snapshot(path: Path) -> dict:
    """Everything a department sees, as plain data: values (formulas as text), styles
    that matter for input, merges, validations, panes, widths and heights."""
    wb = openpyxl.load_workbook(path)
    out: dict = {"sheets": wb.sheetnames}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for cell in row:
                cells[cell.coordinate] = (
                    cell.value,
                    cell.number_format,
                    bool(cell.font.b),
                    _color(cell.fill.fgColor) if cell.fill.fill_type else None,
                    bool(cell.alignment.wrap_text),
                    cell.alignment.horizontal,
                    cell.border.left.style,
                )
        out[ws.title] = {
            "cells": cells,
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": sorted(
                (str(dv.sqref), dv.type, dv.formula1, dv.errorStyle) for dv in ws.data_validations.dataValidation
            ),
            "freeze": ws.freeze_panes,
            "widths": {k: d.width for k, d in ws.column_dimensions.items() if d.width},
            "heights": {k: d.height for k, d in ws.row_dimensions.items() if d.height},
        }
    return out


def _differences(old: dict, new: dict, limit: int = 12) -> list[str]:
    diffs = []
    if old["sheets"] != new["sheets"]:
        diffs.append(f"sheets: committed {old['sheets']} != generated {new['sheets']}")
    for name in new["sheets"]:
        a, b = old.get(name, {}), new[name]
        for part in ("merged", "validations", "freeze", "widths", "heights"):
            if a.get(part) != b[part]:
                diffs.append(f"{name} {part}: committed {a.get(part)!r} != generated {b[part]!r}")
        ca, cb = a.get("cells", {}), b["cells"]
        for ref in sorted(set(ca) | set(cb)):
            if ca.get(ref) != cb.get(ref):
                diffs.append(f"{name}!{ref}: committed {ca.get(ref)!r} != generated {cb.get(ref)!r}")
    return diffs[:limit]


def test_committed_template_is_the_generators_output(tmp_path):
    assert COMMITTED.exists(), f"templates/input_template.xlsx is missing; run: {REGENERATE}"
    fresh = tmp_path / "fresh.xlsx"
    write_template(fresh)
    diffs = _differences(snapshot(COMMITTED), snapshot(fresh))
    assert not diffs, (
        "templates/input_template.xlsx is out of date with reconcile/template (definition.py or writer.py "
        f"changed). Regenerate it with:\n    {REGENERATE}\nFirst differences:\n  " + "\n  ".join(diffs)
    )


def test_snapshot_sees_a_changed_cell(tmp_path):
    """The drift check is not vacuous: one edited label makes it fail."""
    copy = tmp_path / "edited.xlsx"
    wb = openpyxl.load_workbook(COMMITTED)
    wb["收入"]["A6"] = "一般公共预算拨款"
    wb.save(copy)
    diffs = _differences(snapshot(COMMITTED), snapshot(copy))
    assert diffs == ["收入!A6: committed ('一般公共预算财政拨款', 'General', False, None, True, 'left', 'thin')"
                     " != generated ('一般公共预算拨款', 'General', False, None, True, 'left', 'thin')"]


# ---------------------------------------------------------------- layout


def _find(ws, value) -> tuple[int, int]:
    """(row, column), 1-based, of the first cell holding ``value``."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == value:
                return cell.row, cell.column
    raise AssertionError(f"{value!r} not in {ws.title}")


def _width(ws, column: int) -> float:
    """Column width; openpyxl groups equal adjacent columns into one dimension."""
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.min <= column <= dim.max:
            return dim.width
    return 0.0


def test_layout_sheets_headers_formats_and_panes():
    wb = openpyxl.load_workbook(COMMITTED)
    assert wb.sheetnames == [INSTRUCTIONS_SHEET, *(s.name for s in SHEETS)]
    for s in SHEETS:
        ws = wb[s.name]
        header_r, first_c = _find(ws, s.columns[0].label)
        labels = [ws.cell(header_r, first_c + i).value for i in range(len(s.columns))]
        assert labels == [c.label for c in s.columns]
        head = ws.cell(header_r, first_c)
        assert head.font.b and head.fill.fill_type == "solid" and head.alignment.wrap_text
        assert head.alignment.horizontal == "center" and head.border.bottom.style == "thin"
        assert ws.freeze_panes == f"A{header_r + 1}"
        assert any(str(m).startswith("A1:") for m in ws.merged_cells.ranges), "merged title row"
        assert ws["A1"].value == f"{s.name}表"
        data_r = header_r + 1
        for i, col in enumerate(s.columns):
            assert _width(ws, first_c + i) >= col.width, (s.name, col.label)
            expected = {"amount": "#,##0.00", "percent": "0.00", "score": "0.00", "code": "@"}.get(col.kind)
            if expected and s.key != "basic":
                assert ws.cell(data_r, first_c + i).number_format == expected, (s.name, col.label)
        has_amounts = any(c.kind == "amount" for c in s.columns)
        unit_line = ws.cell(header_r - 1, 1).value
        assert (unit_line is not None) == has_amounts, s.name
    # 科目编码 is text in every input row, so "2040201" keeps its digits.
    ws = wb["支出"]
    header_r, code_c = _find(ws, "科目编码")
    formats = {ws.cell(r, code_c).number_format for r in range(header_r + 1, ws.max_row + 1)}
    assert formats == {"@"}
    assert ws.max_row - header_r >= 50
    # 收入 and 支出 carry their pre-filled rows, no example rows.
    ws = wb["收入"]
    header_r, label_c = _find(ws, "收入项目")
    filled = [ws.cell(r, label_c).value for r in range(header_r + 1, ws.max_row + 1)]
    assert [v for v in filled if v] == ["收入合计", *INCOME_SOURCES]
    numbers = [c.value for row in ws.iter_rows(min_row=header_r + 1, min_col=2) for c in row if c.value is not None]
    assert numbers == []


def test_basic_sheet_fields_and_unit_dropdown():
    ws = openpyxl.load_workbook(COMMITTED)["基本情况"]
    header_r, item_c = _find(ws, "项目")
    assert ws.cell(header_r, item_c + 1).value == "内容"
    labels = [ws.cell(header_r + 1 + i, item_c).value for i in range(len(BASIC_FIELDS))]
    assert labels == [f.label + ("*" if f.required else "") for f in BASIC_FIELDS]
    assert labels[:3] == ["单位名称*", "年度*", "金额单位"]
    unit_r, _ = _find(ws, "金额单位")
    unit_cell = ws.cell(unit_r, item_c + 1)
    assert unit_cell.value == "万元"
    dvs = [(str(dv.sqref), dv.type, dv.formula1, dv.errorStyle) for dv in ws.data_validations.dataValidation]
    assert dvs == [(unit_cell.coordinate, "list", '"万元,元"', None)]  # None = "stop"


def test_indicator_dropdowns_cover_200_rows():
    ws = openpyxl.load_workbook(COMMITTED)["绩效指标"]
    indicators = next(s for s in SHEETS if s.key == "indicators")
    header_r, _ = _find(ws, "一级指标")
    got = {str(dv.sqref): (dv.type, dv.formula1) for dv in ws.data_validations.dataValidation}
    expected = {}
    for i, col in enumerate(indicators.columns):
        if col.choices:
            letter = openpyxl.utils.get_column_letter(i + 1)
            expected[f"{letter}{header_r + 1}:{letter}{header_r + 200}"] = ("list", '"' + ",".join(col.choices) + '"')
    assert [c.label for c in indicators.columns if c.choices] == ["一级指标", "二级指标", "指标性质"]
    assert got == expected
    assert got["D5:D204"] == ("list", '"≥,≤,=,定性"')
    # no 合计 row and no example rows: everything below the header is blank
    assert all(c.value is None for row in ws.iter_rows(min_row=header_r + 1) for c in row)


def test_unit_line_follows_the_unit_field():
    """The "单位：" line is a formula over 基本情况's 金额单位 cell, cached as 单位：万元."""
    wb = openpyxl.load_workbook(COMMITTED)
    unit_r, _ = _find(wb["基本情况"], "金额单位")
    formula = wb["收入"]["A3"].value
    assert formula.startswith("=IF(") and f"'基本情况'!$B${unit_r}" in formula
    assert '"单位：元"' in formula and '"单位：万元"' in formula
    cached = openpyxl.load_workbook(COMMITTED, data_only=True)
    assert cached["收入"]["A3"].value == "单位：万元"


def test_instructions_describe_every_sheet_and_column():
    ws = openpyxl.load_workbook(COMMITTED)[INSTRUCTIONS_SHEET]
    rows = [tuple(c.value for c in row[:3]) for row in ws.iter_rows()]
    text = "\n".join(str(v) for row in rows for v in row if v)
    for phrase in ("用途", "金额单位", "1,234.56", "（12.5）", "10.93%", "已说明", "增减额", "增减率(%)",
                   "执行率(%)", "得分", "重新计算"):
        assert phrase in text, phrase
    for s in SHEETS:
        status = "必须填写" if s.required else "选填"
        start = rows.index((f"{s.name}（{status}）", None, None))
        end = next((i for i in range(start + 1, len(rows)) if rows[i][1] is None and rows[i][0]
                    and re.search(r"（(必须填写|选填)）$", rows[i][0])), len(rows))
        items = [r for r in rows[start + 1:end] if r[1] in ("必填", "选填")]
        if s.key == "basic":
            assert items == [(f.label, "必填" if f.required else "选填", items[i][2]) for i, f in enumerate(BASIC_FIELDS)]
        else:
            assert [(r[0], r[1]) for r in items] == [(c.label, "必填" if c.required else "选填") for c in s.columns]
        assert all(r[2] for r in items), f"{s.name}: every line says what the column means"


# ---------------------------------------------------------------- the reader on the template


def test_blank_template_reads_with_only_the_empty_required_fields():
    raw, model = read_workbook(COMMITTED)
    assert set(model.tables) == {s.key for s in SHEETS if s.key != "basic"}
    for key in ("income", "expenditure", "indicators"):
        assert model.tables[key].missing == () or all(
            not next(s for s in SHEETS if s.key == key).column(k).required for k in model.tables[key].missing)
    assert model.amount_unit == "万元" and model.basic.text("amount_unit") == "万元"
    assert all(t.unit == "万元" for t in model.tables.values())
    assert [r.label.value for r in model.income] == ["收入合计", *INCOME_SOURCES]
    assert model.income_total.row == 5 and all(r.cur.blank for r in model.income)
    assert [r.name.value for r in model.expenditure] == ["支出合计"] and model.expenditure_total is not None
    assert [r.source.value for r in model.budget] == ["年度资金总额", "财政拨款", "上年结转", "其他资金"]
    assert model.indicators == [] and model.projects == [] and model.carryover == []
    assert not any(s.formulas_without_value for s in raw.sheets)

    _, _, findings = check_path(COMMITTED)
    tpl = sorted((f.rule, f.sheet, f.cell, f.row_label) for f in findings if f.rule.startswith("TPL"))
    # the 内容 cell of the 单位名称 and 年度 rows, located independently of the writer
    ws = openpyxl.load_workbook(COMMITTED)["基本情况"]
    _, content_c = _find(ws, "内容")
    name_r, _ = _find(ws, "单位名称*")
    year_r, _ = _find(ws, "年度*")
    col = openpyxl.utils.get_column_letter(content_c)
    assert tpl == [("TPL004", "基本情况", f"{col}{name_r}", "单位名称"), ("TPL004", "基本情况", f"{col}{year_r}", "年度")]
    assert (f"{col}{name_r}", f"{col}{year_r}") == ("B5", "B6")


def _fill(path: Path, dest: Path, unit: str = "万元") -> Path:
    wb = openpyxl.load_workbook(path)
    basic = wb["基本情况"]
    basic["B5"] = "测试县教育局"
    basic["B6"] = 2023
    basic["B7"] = unit
    basic["B22"] = 92.5                      # 自评得分
    inc = wb["收入"]
    inc["B5"], inc["C5"], inc["D5"], inc["E5"] = 1200.5, 1000, 200.5, 20.05
    inc["B6"], inc["C6"] = 1000.25, 900
    inc["F6"] = "人员增加"
    exp = wb["支出"]
    exp["C5"], exp["D5"] = 1200.5, 1000
    exp["A6"], exp["B6"], exp["C6"] = "204", "公共安全支出", 1200.5
    exp["A7"], exp["B7"], exp["C7"] = "2040201", "行政运行", 800
    bud = wb["预算执行"]
    bud["C5"], bud["D5"], bud["E5"], bud["F5"], bud["G5"] = 1300, 1200.5, 92.35, 10, 9.24
    ind = wb["绩效指标"]
    ind["A5"], ind["B5"], ind["C5"], ind["D5"], ind["E5"], ind["G5"], ind["H5"], ind["I5"] = (
        "产出指标", "数量指标", "培训人次", "≥", "500", "520", 20, 20)
    ind.merge_cells("A5:A6")
    ind["B6"], ind["C6"], ind["D6"], ind["E6"], ind["G6"], ind["H6"], ind["I6"] = (
        "质量指标", "合格率", "≥", "95%", "97%", 20, 19.5)
    wb.save(dest)
    return dest


def test_filled_copy_reads_exact_values_at_exact_cells(tmp_path):
    path = _fill(COMMITTED, tmp_path / "filled.xlsx")
    _, model, findings = check_path(path)
    assert (model.unit_name, model.year) == ("测试县教育局", 2023)
    assert model.basic.num("self_score").value == Decimal("92.5") and model.basic.num("self_score").ref == "B22"
    total = model.income_total
    assert (total.cur.ref, total.cur.value, total.prev.value, total.delta.value, total.rate.value) == (
        "B5", Decimal("1200.5"), Decimal("1000"), Decimal("200.5"), Decimal("20.05"))
    fund = model.income[1]
    assert (fund.label.value, fund.cur.ref, fund.cur.value, fund.note.value, fund.note.ref) == (
        "一般公共预算财政拨款", "B6", Decimal("1000.25"), "人员增加", "F6")
    exp = model.expenditure
    assert [(r.code_str, r.level, r.cur.ref, r.cur.value) for r in exp] == [
        ("", None, "C5", Decimal("1200.5")), ("204", "类", "C6", Decimal("1200.5")), ("2040201", "项", "C7", Decimal("800"))]
    assert exp[0].is_total
    bud = model.budget[0]
    assert (bud.full.ref, bud.executed.value, bud.rate.value, bud.weight.value, bud.score.value) == (
        "C5", Decimal("1200.5"), Decimal("92.35"), Decimal("10"), Decimal("9.24"))
    ind = model.indicators
    assert [(r.row, r.level1.value, r.level2.value, r.level3.value, r.target.value, r.actual.value) for r in ind] == [
        (5, "产出指标", "数量指标", "培训人次", "500", "520"), (6, "产出指标", "质量指标", "合格率", "95%", "97%")]
    assert ind[1].level1.origin == "A5" and ind[1].score.ref == "I6" and ind[1].score.value == Decimal("19.5")
    # openpyxl drops the "单位：" line's cached value: no TPL005, the unit comes from 基本情况
    assert model.tables["income"].unit == "万元"
    assert not [f for f in findings if f.rule in ("TPL001", "TPL002", "TPL003", "TPL004", "TPL005")]


def test_filled_copy_in_yuan_is_converted(tmp_path):
    path = _fill(COMMITTED, tmp_path / "yuan.xlsx", unit="元")
    _, model, _ = check_path(path)
    assert model.amount_unit == "元" and model.tables["income"].unit == "元"
    assert model.income_total.cur.stated == Decimal("1200.5")
    assert model.income_total.cur.value == Decimal("0.12005")


def test_code_typed_as_number_in_text_cell_keeps_digits(tmp_path):
    """Excel stores what is typed into an "@" cell as text; the reader keeps "2040201"."""
    wb = openpyxl.load_workbook(COMMITTED)
    ws = wb["支出"]
    ws["A6"], ws["B6"] = "2040201", "行政运行"
    assert ws["A6"].number_format == "@"
    dest = tmp_path / "code.xlsx"
    wb.save(dest)
    _, model = read_workbook(dest)
    assert model.expenditure[1].code_str == "2040201" and model.expenditure[1].code.ref == "A6"


# ---------------------------------------------------------------- the command


def test_template_command_writes_a_readable_workbook(tmp_path):
    import python_calamine

    out = tmp_path / "sub" / "模板.xlsx"
    result = CliRunner().invoke(main, ["template", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "已生成模板" in result.output
    assert openpyxl.load_workbook(out).sheetnames == [INSTRUCTIONS_SHEET, *(s.name for s in SHEETS)]
    cal = python_calamine.CalamineWorkbook.from_path(str(out))
    assert cal.sheet_names == [INSTRUCTIONS_SHEET, *(s.name for s in SHEETS)]
    rows = cal.get_sheet_by_name("收入").to_python(skip_empty_area=False)
    assert rows[2][0] == "单位：万元" and rows[3][:2] == ["收入项目", "本年数"]
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".~tmp_")]


def test_regeneration_is_byte_stable(tmp_path):
    """A fixed creation date: regenerating an unchanged definition gives the same bytes,
    so the committed file only changes in git when the template really changed."""
    a, b = tmp_path / "a" / "t.xlsx", tmp_path / "b" / "t.xlsx"
    write_template(a)
    write_template(b)
    assert a.read_bytes() == b.read_bytes()
