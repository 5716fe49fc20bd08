"""Shared inputs for the output tests: a department's workbook with an error, a
warning that a 说明 can explain, merged cells, percent formats, dates and booleans."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from tests.builders import write_workbook

# 说明 texts that must come out as literal text, never as formulas or links.
HOSTILE_NOTES = (
    '=HYPERLINK("http://x","点我")',
    "=cmd|' /C calc'!A0",
    "=1+1",
    "@SUM(A1)",
    "+cmd|x",
    "-2+3",
)


def department_sheets(note: str | None = None, unit: str = "测试局") -> dict[str, list[list]]:
    """收入 row 6 (政府性基金) changes by +144.13 %: an INC004 warning that ``note`` explains.
    支出 D3 holds "约496" where a number belongs: an error (TPL003)."""
    return {
        "基本情况": [["项目", "内容"], ["单位名称", unit], ["年度", 2023], ["金额单位", "万元"], ["自评得分", 92.5]],
        "收入": [
            ["收入情况表"], ["单位：万元"],
            ["收入项目", "本年数", "上年数", "增减额", "增减率（%）", "说明"],
            ["收入合计", 6202.69, 6963.7, -761.01, -0.1093],
            ["一般公共预算财政拨款", 5716.49, 6764.54, -1048.05, -0.1549],
            ["政府性基金预算财政拨款", 486.2, 199.16, 287.04, 1.4413, note],
        ],
        "支出": [
            ["科目编码", "科目名称", "本年数", "上年数", "增减额", "增减率(%)", "说明"],
            [None, "支出合计", 603.16, 496.52, 106.64, 21.48],
            [208, "社会保障和就业支出", 603.16, "约496", 106.64, 21.48, "按“约”填写\n第二行"],
        ],
        "绩效指标": [
            ["一级指标", "二级指标", "三级指标", "指标性质", "年度\n指标值", "度量单位", "实际完成值", "评分", None],
            [None, None, None, None, None, None, None, "分值", "得分"],
            ["产出指标", "数量指标", "移动警务通", "≥", "99", "台", "99", 10, 10],
            [None, None, "公安四级网", "≥", "12", "条", "12", 10, 10],
            ["合计", None, None, None, None, None, None, 90, 90],
        ],
        "附表": [
            ["填报日期", dt.date(2024, 3, 1)],
            ["审核时间", dt.datetime(2024, 3, 1, 9, 30)],
            ["是否公开", True],
            ["份数", 3],
        ],
    }


def write_department(path: Path, note: str | None = None, unit: str = "测试局") -> Path:
    write_workbook(
        path, department_sheets(note, unit),
        merges={"收入": ["A1:F1"], "绩效指标": ["H1:I1", "A3:A4", "B3:B4"]},
        percent_cells={"收入": ["E4", "E5", "E6"]},
    )
    # Date formats, which the builder does not write, as Excel would save them.
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb["附表"]["B1"].number_format = "yyyy-mm-dd"
    wb["附表"]["B2"].number_format = "yyyy-mm-dd hh:mm"
    wb["收入"].column_dimensions["A"].width = 26
    wb.save(path)
    return path


def sheet_xml(path: Path) -> dict[str, str]:
    """Every worksheet's XML and sharedStrings, by zip entry name."""
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n).decode("utf-8") for n in zf.namelist()
                if n.startswith("xl/worksheets/sheet") or n == "xl/sharedStrings.xml"}
