# Frozen copy of reconcile/output/summary.py at commit 67209b0 (before the writer was
# optimised for issue 7): the oracle tests/test_output_equivalence.py compares the
# optimised writer against. Do not edit, except to follow a deliberate change of the output.
"""汇总.xlsx: one row per input file, every finding, unreadable files (SPEC §4).

Sheets: 汇总 (文件, 单位名称, 年度, 状态, 错误数, 提示数, 已说明, 收入合计, 支出合计,
自评得分, 评级), 全部问题 (every finding of every unit with 单位名称 and 文件), 无法读取
(files that could not be read, and files passed over, with the reason).
"""

from __future__ import annotations

from pathlib import Path

from reconcile.findings import Severity, verdict
from tests.reference_writer.xlsx_67209b0 import (
    FINDING_COLUMNS,
    Styles,
    finish_table,
    fit_row,
    print_setup,
    write_any,
    write_finding_cells,
    write_header,
)

SUMMARY_COLUMNS = (
    ("文件", 30), ("单位名称", 28), ("年度", 8), ("状态", 10), ("错误数", 8), ("提示数", 8), ("已说明", 8),
    ("收入合计", 14), ("支出合计", 14), ("自评得分", 10), ("评级", 8),
)
AMOUNT_NOTE = "金额单位：万元（以元填报的报表已换算为万元）"


def status_text(result) -> str:
    if result.status == "unreadable":
        return "无法读取"
    return verdict(result.findings)


def write_summary(batch, dest) -> None:
    from tests.reference_writer.xlsx_67209b0 import open_workbook

    with open_workbook(Path(dest)) as wb:
        styles = Styles(wb)
        _write_overview(wb.add_worksheet("汇总"), styles, batch)
        _write_all_findings(wb.add_worksheet("全部问题"), styles, batch)
        _write_unreadable(wb.add_worksheet("无法读取"), styles, batch)


def _write_overview(ws, styles: Styles, batch) -> None:
    write_header(ws, styles, 0, SUMMARY_COLUMNS)
    ws.write_string(0, len(SUMMARY_COLUMNS) + 1, AMOUNT_NOTE)
    status_kind = {"有错误": "error", "无法读取": "error", "有提示": "warning", "通过": "explained"}
    for r, result in enumerate(batch.files, 1):
        figures = result.figures or {}
        status = status_text(result)
        ws.write_string(r, 0, result.file, styles.top)
        write_any(ws, r, 1, result.unit, styles.top)
        write_any(ws, r, 2, result.year, styles.integer)
        ws.write_string(r, 3, status, styles.severity[status_kind[status]])
        if result.status != "unreadable":
            ws.write_number(r, 4, result.count(Severity.ERROR), styles.integer)
            ws.write_number(r, 5, result.count(Severity.WARNING), styles.integer)
            ws.write_number(r, 6, sum(f.explained for f in result.findings), styles.integer)
        write_any(ws, r, 7, figures.get("income_total"), styles.amount)
        write_any(ws, r, 8, figures.get("expenditure_total"), styles.amount)
        write_any(ws, r, 9, figures.get("self_score"), styles.score)
        write_any(ws, r, 10, figures.get("grade"), styles.top)
    finish_table(ws, 0, len(batch.files), len(SUMMARY_COLUMNS))
    print_setup(ws, landscape=True, repeat_header=True)


def _write_all_findings(ws, styles: Styles, batch) -> None:
    columns = (("文件", 26), ("单位名称", 22), *FINDING_COLUMNS)
    write_header(ws, styles, 0, columns)
    r = 0
    for result in batch.files:
        for f in result.findings:
            r += 1
            ws.write_string(r, 0, result.file, styles.top)
            write_any(ws, r, 1, result.unit, styles.top)
            write_finding_cells(ws, styles, r, 2, f, None)
    if r == 0:
        ws.write_string(1, 0, "全部文件均未发现问题", styles.top)
    finish_table(ws, 0, r, len(columns))
    print_setup(ws, landscape=True, repeat_header=True)


def _write_unreadable(ws, styles: Styles, batch) -> None:
    columns = (("文件", 40), ("情况", 10), ("原因", 80))
    write_header(ws, styles, 0, columns)
    rows = [(r.file, "无法读取", r.error or "") for r in batch.files if r.status == "unreadable"]
    rows += [(s.display, "已跳过", s.reason) for s in batch.skipped]
    for i, (name, kind, reason) in enumerate(rows, 1):
        ws.write_string(i, 0, name, styles.top)
        ws.write_string(i, 1, kind, styles.top)
        ws.write_string(i, 2, reason, styles.wrap)
        fit_row(ws, i, ((reason, columns[2][1]),))
    if not rows:
        ws.write_string(1, 0, "全部文件均已读取", styles.top)
    finish_table(ws, 0, len(rows), len(columns))
    print_setup(ws, landscape=True)
