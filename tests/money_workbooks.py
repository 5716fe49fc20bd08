"""A small, fully consistent workbook for the money rules, and helpers to break one
cell of it. Every sheet starts with its header on row 1, so Excel row n is list
index n − 1 (收入!B2 is the 收入合计 本年数).

收入: 收入合计 1000 / 910, 一般公共预算财政拨款 800 / 750 (其中 专项资金 100 / 90),
政府性基金预算财政拨款 200 / 160. 支出: 支出合计 1000 / 910 = 204 (20402 = 2040201 +
2040220, with a 其中 row) + 208 (20805 = 2080505) + 221 (no 款 listed).
"""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path
from typing import Any

from reconcile.cells import split_ref
from reconcile.config import DEFAULT, Config
from reconcile.findings import Finding
from reconcile.pipeline import check_path
from reconcile.rules.catalogue import all_rules
from tests.builders import write_workbook

MONEY_PREFIXES = ("INC", "EXP", "BUD", "CAR", "STF", "YOY")
MONEY_CROSS = ("XS001", "XS002")          # XS003 belongs to the indicator rules


def is_money(code: str) -> bool:
    return code.startswith(MONEY_PREFIXES) or code in MONEY_CROSS

BASE: dict[str, list[list[Any]]] = {
    "基本情况": [
        ["项目", "内容"], ["单位名称", "测试局"], ["年度", 2023], ["金额单位", "万元"],
        ["编制总数", 10], ["行政编制", 8], ["工勤编制", 2], ["事业编制", 0],
        ["在职人数", 9], ["在职行政", 7], ["在职工勤", 2], ["在职事业", 0],
    ],
    "收入": [
        ["收入项目", "本年数", "上年数", "增减额", "增减率(%)", "说明"],
        ["收入合计", 1000, 910, 90, 9.89],
        ["一般公共预算财政拨款", 800, 750, 50, 6.67],
        ["其中：专项资金", 100, 90, 10, 11.11],
        ["政府性基金预算财政拨款", 200, 160, 40, 25],
    ],
    "支出": [
        ["科目编码", "科目名称", "本年数", "上年数", "增减额", "增减率(%)", "基本支出", "项目支出", "说明"],
        [None, "支出合计", 1000, 910, 90, 9.89],
        ["204", "公共安全支出", 800, 750, 50, 6.67],
        ["20402", "公安", 800, 750, 50, 6.67],
        ["2040201", "行政运行", 600, 560, 40, 7.14, 600, 0],
        ["2040220", "执法办案", 200, 190, 10, 5.26, 0, 200],
        [None, "其中：办案经费", 50, 45, 5, 11.11],
        ["208", "社会保障和就业支出", 150, 120, 30, 25],
        ["20805", "行政事业单位养老支出", 150, 120, 30, 25],
        ["2080505", "机关事业单位基本养老保险缴费支出", 150, 120, 30, 25],
        ["221", "住房保障支出", 50, 40, 10, 25],
    ],
    "结转结余": [
        ["科目编码", "科目名称", "年初结转结余", "本年收入", "本年支出", "年末结转结余", "说明"],
        ["2040201", "行政运行", 5, 600, 600, 5],
        [None, "合计", 5, 600, 600, 5],
    ],
    "预算执行": [
        ["资金来源", "年初预算数", "全年预算数", "全年执行数", "执行率(%)", "分值", "得分", "说明"],
        ["年度资金总额", 950, 1050, 1000, 95.24, 10, 9.52],
        ["财政拨款", 900, 1000, 960, 96],
        ["上年结转", 50, 50, 40, 80],
        ["其他资金", 0, 0, 0],
    ],
    "绩效指标": [["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]],
}


def sheets(**changes: Any) -> dict[str, list[list[Any]]]:
    """A copy of BASE with cells changed: ``sheets(收入={"B2": 1010})``."""
    data = copy.deepcopy(BASE)
    for sheet, cells in changes.items():
        for ref, value in cells.items():
            set_cell(data[sheet], ref, value)
    return data


def set_cell(rows: list[list[Any]], ref: str, value: Any) -> None:
    r, c = split_ref(ref)
    while len(rows) < r:
        rows.append([])
    row = rows[r - 1]
    while len(row) <= c:
        row.append(None)
    row[c] = value


def write(tmp_path: Path, data: dict[str, list[list[Any]]] | None = None, name: str = "money.xlsx", **kw: Any) -> Path:
    return write_workbook(tmp_path / name, data if data is not None else sheets(), **kw)


def money_config() -> Config:
    """The default configuration with every rule but the money rules disabled."""
    others = {r.code for r in all_rules() if not is_money(r.code)}
    return replace(DEFAULT, disabled=frozenset(others))


def money_findings(path: Path, batch: dict | None = None) -> list[Finding]:
    """The findings of the money rules on ``path`` (template and indicator rules left out)."""
    _, _, findings = check_path(path, money_config(), batch=batch)
    return findings


def run(tmp_path: Path, **changes: Any) -> list[Finding]:
    return money_findings(write(tmp_path, sheets(**changes)))


def of(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.rule == code]


def where(findings: list[Finding]) -> list[tuple]:
    """(rule, severity, sheet, cell, expected) of each finding: what tests compare."""
    return [(f.rule, f.severity.value, f.sheet, f.cell, f.expected) for f in findings]
