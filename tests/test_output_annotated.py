"""X_核对.xlsx: sheets, 问题清单, marked cells with comments, reproduced input sheets,
and the round trip (the annotated file is itself a valid input)."""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pytest

from reconcile.pipeline import check_path, run_batch
from reconcile.reading.raw import read_raw
from tests.output_fixtures import write_department

ISSUE_HEADER = ["序号", "严重程度", "规则", "工作表", "单元格", "行", "问题说明", "应为", "填报值", "已说明", "说明内容"]
INPUT_SHEETS = ["基本情况", "收入", "支出", "绩效指标", "附表"]


@pytest.fixture
def rule():
    return "INC004"   # |增减率| ≥ 30 % without 说明: the warning a 说明 explains


def _run(tmp_path, note=None):
    src = tmp_path / "in"
    src.mkdir()
    write_department(src / "公安局.xlsx", note=note)
    out = tmp_path / "out"
    batch = run_batch([src], out)
    return src / "公安局.xlsx", out / "公安局_核对.xlsx", batch


def _fill(cell) -> str:
    return (cell.fill.fgColor.rgb or "")[-6:].upper()


def test_sheets_issue_list_and_marks(tmp_path, rule):
    _, annotated, batch = _run(tmp_path)
    findings = batch.files[0].findings
    assert {(f.rule, f.severity.value, f.sheet, f.cell) for f in findings if f.rule in ("TPL003", rule)} == {
        ("TPL003", "error", "支出", "D3"), (rule, "warning", "收入", "E6")}
    wb = openpyxl.load_workbook(annotated)
    assert wb.sheetnames == ["核对摘要", "问题清单", "自评报告", *INPUT_SHEETS]

    issues = wb["问题清单"]
    rows = [[c.value for c in row] for row in issues.iter_rows()]
    assert rows[0] == ISSUE_HEADER
    assert len(rows) == 1 + len(findings)
    assert issues.freeze_panes == "A2"
    assert issues.auto_filter.ref == f"A1:K{1 + len(findings)}"
    # sorted by sheet in workbook order (收入 before 支出), then row
    listed = [(r[3], r[4]) for r in rows[1:] if r[2] in ("TPL003", rule)]
    assert listed == [("收入", "E6"), ("支出", "D3")]
    warning_row = next(r for r in issues.iter_rows(min_row=2) if r[2].value == rule)
    assert [c.value for c in warning_row][1:] == [
        "提示", rule, "收入", "E6", "政府性基金预算财政拨款",
        "收入 第6行 政府性基金预算财政拨款：本年数 486.2 比上年数 199.16 增加 144.13%，增减幅度达到 30% 及以上，请在“说明”列写明原因",
        None, 144.13, "否", None]
    assert warning_row[4].hyperlink.location == "'收入'!E6"
    error_row = next(r for r in issues.iter_rows(min_row=2) if r[2].value == "TPL003")
    assert error_row[4].hyperlink.location == "'支出'!D3" and error_row[8].value == "约496"

    income, spending = wb["收入"], wb["支出"]
    assert _fill(income["E6"]) == "FFEB9C" and _fill(spending["D3"]) == "FFC7CE"
    assert "【提示】INC004" in income["E6"].comment.text and "144.13%" in income["E6"].comment.text
    assert "“约496”不是数字" in spending["D3"].comment.text
    unflagged = [c.coordinate for ws in (income, spending) for row in ws.iter_rows() for c in row
                 if c.comment is not None]
    # comments exactly on the cells that have findings (XS001 from the money rules adds B4/C4)
    assert sorted(unflagged) == sorted({f.cell for f in findings if f.sheet in ("收入", "支出") and f.cell})
    assert {"D3", "E6"} <= set(unflagged)

    summary = {r[0].value: r[1].value for r in wb["核对摘要"].iter_rows(max_row=12) if r[0].value}
    assert summary["单位名称"] == "测试局" and summary["年度"] == 2023 and summary["源文件"] == "公安局.xlsx"
    assert summary["核对结论"] == "有错误"
    assert summary["错误"] == sum(f.severity.value == "error" for f in findings)
    assert summary["提示"] == sum(f.severity.value == "warning" for f in findings)


def test_input_sheets_reproduced(tmp_path, rule):
    src, annotated, _ = _run(tmp_path)
    before, after = read_raw(src), read_raw(annotated)
    for name in INPUT_SHEETS:
        a, b = before.sheet(name), after.sheet(name)
        assert b.rows == a.rows, name
        assert sorted(b.merged) == sorted(a.merged), name
        assert {k: v for k, v in b.number_formats.items() if k in a.number_formats} == a.number_formats
    wb = openpyxl.load_workbook(annotated)
    income = wb["收入"]
    assert income["B4"].value == 6202.69 and income["E4"].number_format == "0.00%"
    assert income["A1"].value == "收入情况表" and "A1:F1" in {str(r) for r in income.merged_cells.ranges}
    assert wb["支出"]["G3"].value == "按“约”填写\n第二行" and wb["支出"]["G3"].alignment.wrap_text
    extra = wb["附表"]
    assert extra["B1"].value == dt.datetime(2024, 3, 1) and extra["B1"].is_date
    assert extra["B2"].value == dt.datetime(2024, 3, 1, 9, 30)
    assert extra["B3"].value is True and extra["B4"].value == 3
    # widths: kept where the input set them, fitted to the Chinese text where it did not
    assert after.sheet("收入").col_widths[0] == pytest.approx(before.sheet("收入").col_widths[0], abs=0.01)
    assert wb["支出"].column_dimensions["B"].width >= 19


def test_round_trip_same_numbers_and_findings(tmp_path, rule):
    src, annotated, batch = _run(tmp_path)
    _, model_in, findings_in = check_path(src)
    _, model_out, findings_out = check_path(annotated)
    assert [f.to_json() for f in findings_out] == [f.to_json() for f in findings_in]
    assert [f.to_json() for f in findings_in] == [f.to_json() for f in batch.files[0].findings]
    values = lambda m: [(r.label.value, r.cur.value, r.prev.value, r.delta.value, r.rate.value) for r in m.income]  # noqa: E731
    assert values(model_out) == values(model_in)
    assert (model_out.unit_name, model_out.year) == (model_in.unit_name, model_in.year)

    # The department writes a 说明 in the returned file and sends it back.
    returned = tmp_path / "returned" / "公安局_核对.xlsx"
    returned.parent.mkdir()
    shutil.copy(annotated, returned)
    wb = openpyxl.load_workbook(returned)
    wb["收入"]["F6"] = "中央专项资金增加"
    wb.save(returned)
    batch2 = run_batch([returned.parent], tmp_path / "out2")
    warning = next(f for f in batch2.files[0].findings if f.rule == rule)
    assert warning.explained and warning.explanation == "中央专项资金增加"
    wb2 = openpyxl.load_workbook(tmp_path / "out2" / "公安局_核对_核对.xlsx")
    # our report sheets are rebuilt, not copied a second time
    assert wb2.sheetnames == ["核对摘要", "问题清单", "自评报告", *INPUT_SHEETS]
    row = next(r for r in wb2["问题清单"].iter_rows(min_row=2) if r[2].value == rule)
    assert (row[9].value, row[10].value) == ("是", "中央专项资金增加")
    assert _fill(wb2["收入"]["E6"]) == "D8E4BC"
    assert "【提示·已说明】" in wb2["收入"]["E6"].comment.text
    assert "说明：中央专项资金增加" in wb2["收入"]["E6"].comment.text


def test_several_findings_on_one_cell_one_comment_and_sheet_level_only_listed(tmp_path):
    from reconcile.findings import Finding, Severity
    from reconcile.narrative import Narrative, Paragraph
    from reconcile.output.annotated import write_annotated

    src = write_department(tmp_path / "a.xlsx")
    raw, model, _ = check_path(src)
    findings = [
        Finding("INC001", Severity.ERROR, "收入", "B4", "收入合计", "收入合计不等于各项之和", 6300.0, 6202.69),
        Finding("XS001", Severity.WARNING, "收入", "B4", "收入合计", "收入合计与支出合计不一致", None, None),
        Finding("TPL002", Severity.ERROR, "支出", None, "", "工作表“支出”缺少必需的列“上年数”"),
        Finding("TPL001", Severity.ERROR, None, None, "结转结余", "缺少工作表"),
        Finding("IND001", Severity.WARNING, "绩效指标", "A4", "公安四级网", "一级指标名称不在指标体系中"),
        Finding("IND002", Severity.ERROR, "绩效指标", "C3:C4", "", "一个区域，不是单元格地址"),
    ]
    pending = Paragraph("body", "收入合计 6202.69 万元【待核实】")
    pending.pending = True    # the narrative marks paragraphs that carry 【待核实】
    narrative = Narrative("测试局2023年度部门整体支出绩效自评报告", [
        Paragraph("heading1", "一、部门基本情况"), Paragraph("body", "=1+1 正文"), pending,
        Paragraph("table", "表1 收入情况", [["项目", "本年数"], ["收入合计", "6202.69"]])])
    dest = tmp_path / "a_核对.xlsx"
    write_annotated(raw, model, findings, narrative, dest, source="a.xlsx")
    wb = openpyxl.load_workbook(dest)
    b4 = wb["收入"]["B4"]
    assert _fill(b4) == "FFC7CE"   # the worse severity wins
    assert b4.comment.text.count("【") == 2 and "各项之和" in b4.comment.text and "支出合计不一致" in b4.comment.text
    # a finding on a covered cell of a merged range marks the range (A3:A4 → A3)
    assert wb["绩效指标"]["A3"].comment is not None and _fill(wb["绩效指标"]["A3"]) == "FFEB9C"
    issues = [[c.value for c in r] for r in wb["问题清单"].iter_rows(min_row=2)]
    assert [(r[3], r[4]) for r in issues] == [(None, None), ("收入", "B4"), ("收入", "B4"), ("支出", None),
                                              ("绩效指标", "C3:C4"), ("绩效指标", "A4")]
    assert wb["问题清单"]["E6"].hyperlink is None and wb["问题清单"]["E7"].hyperlink.location == "'绩效指标'!A4"
    report = wb["自评报告"]
    assert [r.value for r in report["A"]] == [
        "测试局2023年度部门整体支出绩效自评报告", "一、部门基本情况", "=1+1 正文", "收入合计 6202.69 万元【待核实】",
        "表1 收入情况", "项目　｜　本年数", "收入合计　｜　6202.69"]
    assert report["A3"].data_type == "s" and _fill(report["A4"]) == "FFEB9C" and _fill(report["A3"]) != "FFEB9C"
    summary = [[c.value for c in r] for r in wb["核对摘要"].iter_rows()]
    top = next(i for i, r in enumerate(summary) if r[0] == "金额差异最大的三处")
    assert summary[top + 2][:8] == ["收入", "收入合计", "B4", 6300, 6202.69, pytest.approx(97.31), "万元", "INC001"]
    assert set(summary[top + 3]) == {None}   # XS001 has no amounts: one row only


def test_empty_narrative_placeholder_and_clean_verdict(tmp_path):
    from reconcile.narrative import Narrative
    from reconcile.output.annotated import EMPTY_NARRATIVE, write_annotated

    src = write_department(tmp_path / "a.xlsx")
    raw, model, _ = check_path(src)
    dest = tmp_path / "a_核对.xlsx"
    write_annotated(raw, model, [], Narrative("标题"), dest)
    wb = openpyxl.load_workbook(dest)
    assert [c.value for c in wb["自评报告"]["A"]] == ["标题", EMPTY_NARRATIVE]
    summary = {r[0].value: r[1].value for r in wb["核对摘要"].iter_rows() if r[0].value}
    assert summary["核对结论"] == "通过"
    assert wb["问题清单"]["A2"].value == "本文件未发现问题"


def test_colliding_and_invalid_sheet_names(tmp_path):
    from reconcile.output.annotated import write_annotated
    from reconcile.output.xlsx import internal_link, safe_sheet_name
    from tests.builders import write_workbook

    taken = {"核对摘要", "问题清单", "自评报告"}
    assert safe_sheet_name("问题清单", set(taken)) == "问题清单(2)"
    assert safe_sheet_name("a[b]:c*d?e/f\\g", set()) == "a_b__c_d_e_f_g"
    assert len(safe_sheet_name("长" * 40, set())) == 31
    assert safe_sheet_name("'引号'", set()) == "引号"
    assert safe_sheet_name("History", set()) == "表_History"
    assert internal_link("O'Brien 表", "B4") == "internal:'O''Brien 表'!B4"

    src = write_workbook(tmp_path / "b.xlsx", {"问题清单": [["部门自己的表", 1]], "基本情况": [["单位名称", "局"]]})
    raw, model, findings = check_path(src)
    dest = tmp_path / "b_核对.xlsx"
    write_annotated(raw, model, findings, None, dest)
    wb = openpyxl.load_workbook(dest)
    assert wb.sheetnames == ["核对摘要", "问题清单", "自评报告", "问题清单(2)", "基本情况"]
    assert wb["问题清单(2)"]["A1"].value == "部门自己的表"


EXAMPLES = sorted((__import__("pathlib").Path(__file__).parent.parent / "examples").glob("*.xlsx"))


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_round_trip(tmp_path, example):
    """The example workbooks: the annotated copy reads back to the same model and findings."""
    batch = run_batch([example], tmp_path)
    annotated = tmp_path / f"{example.stem}_核对.xlsx"
    _, model_in, findings_in = check_path(example)
    _, model_out, findings_out = check_path(annotated)
    assert [f.to_json() for f in findings_out] == [f.to_json() for f in findings_in]
    assert [f.to_json() for f in batch.files[0].findings] == [f.to_json() for f in findings_in]
    for key in ("income", "expenditure", "carryover", "budget", "indicators", "projects"):
        assert repr(getattr(model_out, key)) == repr(getattr(model_in, key)), key
    assert model_out.basic == model_in.basic
    wb = openpyxl.load_workbook(annotated)
    raw = read_raw(example)
    assert wb.sheetnames == ["核对摘要", "问题清单", "自评报告", *(s.name for s in raw.sheets)]
    marked = sorted((ws.title, c.coordinate) for ws in wb.worksheets[3:] for row in ws.iter_rows() for c in row
                    if c.comment is not None)
    assert marked == sorted({(f.sheet, f.cell) for f in findings_in if f.cell})
