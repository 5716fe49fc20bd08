"""汇总.xlsx: one row per input, every finding with its unit and file, unreadable and skipped files."""

from __future__ import annotations

import openpyxl

from reconcile.findings import Severity
from reconcile.pipeline import run_batch
from tests.output_fixtures import write_department

HEADER = ["文件", "单位名称", "年度", "状态", "错误数", "提示数", "已说明", "收入合计", "支出合计", "自评得分", "评级"]


def test_summary_workbook(tmp_path):
    src = tmp_path / "in"
    (src / "乡镇").mkdir(parents=True)
    write_department(src / "公安局.xlsx", unit="公安局")
    write_department(src / "乡镇" / "民政局.xlsx", note="上级专项增加", unit="民政局")
    (src / "坏文件.xlsx").write_bytes(b"not a workbook at all")
    (src / "~$公安局.xlsx").write_bytes(b"lock")
    (src / "说明.txt").write_text("readme", encoding="utf-8")
    code = "INC004"
    batch = run_batch([src], tmp_path / "out")
    wb = openpyxl.load_workbook(tmp_path / "out" / "汇总.xlsx")
    assert wb.sheetnames == ["汇总", "全部问题", "无法读取"]

    ws = wb["汇总"]
    rows = [[c.value for c in r][:11] for r in ws.iter_rows()]
    assert rows[0] == HEADER
    by_file = {r[0]: r for r in rows[1:]}
    assert set(by_file) == {"乡镇/民政局.xlsx", "公安局.xlsx", "坏文件.xlsx"}
    police, civil, bad = by_file["公安局.xlsx"], by_file["乡镇/民政局.xlsx"], by_file["坏文件.xlsx"]
    result = {r.file: r for r in batch.files}
    for name, row in (("公安局.xlsx", police), ("乡镇/民政局.xlsx", civil)):
        r = result[name]
        assert row[4:6] == [r.count(Severity.ERROR), r.count(Severity.WARNING)]
    assert police[1:4] == ["公安局", 2023, "有错误"] and police[6] == 0
    assert civil[6] == 1    # its warning carries a 说明
    assert police[7:11] == [6202.69, 603.16, 92.5, "优"]
    assert bad[3] == "无法读取" and bad[4] is None
    assert ws["H2"].number_format == "#,##0.00" and ws["J2"].number_format == "0.00"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:K4"

    issues = wb["全部问题"]
    issue_rows = [[c.value for c in r] for r in issues.iter_rows()]
    assert issue_rows[0][:4] == ["文件", "单位名称", "严重程度", "规则"]
    total = sum(len(r.findings) for r in batch.files)
    assert len(issue_rows) == 1 + total and issues.auto_filter.ref == f"A1:L{1 + total}"
    warnings = [r for r in issue_rows[1:] if r[3] == code]
    assert sorted((r[0], r[1], r[10], r[11]) for r in warnings) == [
        ("乡镇/民政局.xlsx", "民政局", "是", "上级专项增加"), ("公安局.xlsx", "公安局", "否", None)]

    unreadable = [[c.value for c in r] for r in wb["无法读取"].iter_rows()]
    assert unreadable[0] == ["文件", "情况", "原因"]
    assert unreadable[1] == ["坏文件.xlsx", "无法读取", result["坏文件.xlsx"].error]
    assert "不是 Excel 工作簿" in unreadable[1][2]
    skipped = {r[0]: r[1:] for r in unreadable[2:]}
    assert set(skipped) == {"~$公安局.xlsx", "说明.txt"} and {v[0] for v in skipped.values()} == {"已跳过"}


def test_summary_when_nothing_found(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    run_batch([src], tmp_path / "out")
    wb = openpyxl.load_workbook(tmp_path / "out" / "汇总.xlsx")
    assert wb["汇总"].max_row == 1
    assert wb["全部问题"]["A2"].value == "全部文件均未发现问题"
    assert wb["无法读取"]["A2"].value == "全部文件均已读取"
