"""The amount unit above a table: "单位：万元" counts, "编制单位：元谋县…" does not."""

from decimal import Decimal

import pytest

from reconcile.reading.workbook import read_workbook
from tests.builders import write_workbook


def _book(tmp_path, line_cells):
    return write_workbook(tmp_path / "unit.xlsx", {
        "基本情况": [["项目", "内容"], ["单位名称", "元谋县文化和旅游局"], ["年度", 2023]],
        "收入": [["收入情况表"], line_cells,
                 ["收入项目", "本年数", "上年数", "增减额", "增减率(%)", "说明"],
                 ["收入合计", 100, 90, 10, 11.11]],
        "支出": [["科目编码", "科目名称", "本年数", "上年数", "增减额", "增减率(%)"]],
        "绩效指标": [["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]],
    })


@pytest.mark.parametrize("line, unit, value", [
    (["编制单位：元谋县文化和旅游局", None, None, None, None, "单位：万元"], "万元", Decimal(100)),
    (["编制单位：元谋县文化和旅游局   单位：万元"], "万元", Decimal(100)),
    (["填报单位：元阳县财政局", None, None, None, None, "金额单位：元"], "元", Decimal("0.01")),
    (["编制单位：元谋县文化和旅游局"], "万元", Decimal(100)),          # no unit line: 基本情况 default
])
def test_unit_line_not_confused_with_a_unit_name(tmp_path, line, unit, value):
    _, model = read_workbook(_book(tmp_path, line))
    assert model.tables["income"].unit == unit
    assert model.income_total.cur.value == value
