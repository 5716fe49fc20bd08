"""The reader on a small hand-made workbook: values, cells, units, two-row headers."""

from decimal import Decimal

from reconcile.pipeline import check_path
from tests.builders import write_workbook


def _workbook(tmp_path):
    return write_workbook(tmp_path / "smoke.xlsx", {
        "基本情况": [["项目", "内容"], ["单位名称", "测试局"], ["年度", "2023年"], ["金额单位", "万元"]],
        "收入": [
            ["收入情况表"], ["单位：万元"],
            ["收入项目", "本年数", "上年数", "增减额", "增减率（%）", "说明"],
            ["收入合计", 6202.69, 6963.7, -761.01, -0.1093],
            ["一般公共预算财政拨款", 5716.49, 6764.54, -1048.05, "-15.49%"],
            ["政府性基金预算财政拨款", "486.20", 199.16, 287.04, "约144"],
        ],
        "支出": [["科目编码", "科目名称", "本年数", "上年数", "增减额", "增减率(%)"],
                 [None, "支出合计", 603.16, 496.52, 106.64, 21.48],
                 [208, "社会保障和就业支出", 603.16, 496.52, 106.64, 21.48]],
        "绩效指标": [
            ["一级指标", "二级指标", "三级指标", "指标性质", "年度\n指标值", "度量单位", "实际完成值", "评分", None],
            [None, None, None, None, None, None, None, "分值", "得分"],
            ["产出指标", "数量指标", "移动警务通", "≥", "99", "台", "99", 10, 10],
            [None, None, "公安四级网", "≥", "12", "条", "12", 10, 10],
            ["合计", None, None, None, None, None, None, 90, 90],
        ],
    }, merges={"收入": ["A1:F1"], "绩效指标": ["H1:I1"]}, percent_cells={"收入": ["E4"]})


def test_reader_finds_tables_and_cells(tmp_path):
    _, model, findings = check_path(_workbook(tmp_path))
    assert (model.unit_name, model.year) == ("测试局", 2023)
    total = model.income_total
    assert total.row == 4 and total.cur.ref == "B4" and total.cur.value == Decimal("6202.69")
    assert total.rate.value == Decimal("-10.93") and total.rate.ref == "E4"
    fund = model.income[2]
    assert fund.cur.value == Decimal("486.20") and fund.rate.problem
    assert model.expenditure[1].code_str == "208" and model.expenditure[1].level == "类"
    ind = model.indicators
    assert [r.level3.value for r in ind] == ["移动警务通", "公安四级网"]
    assert ind[1].level1.value == "产出指标" and ind[1].level1.origin == "A3"
    assert ind[1].weight.ref == "H4"
    assert model.tables["indicators"].total["weight"].value == 90
    tpl003 = [f for f in findings if f.rule == "TPL003"]
    assert [(f.sheet, f.cell, f.actual) for f in tpl003] == [("收入", "E6", "约144")]


def test_yuan_sheet_converted_to_wanyuan(tmp_path):
    path = write_workbook(tmp_path / "yuan.xlsx", {
        "基本情况": [["项目", "内容"], ["单位名称", "测试局"], ["年度", 2023], ["金额单位", "元"]],
        "收入": [["收入项目", "本年数", "上年数", "增减额", "增减率(%)"], ["收入合计", 107335.48, 100000, 7335.48, 7.34]],
        "支出": [["科目编码", "科目名称", "本年数", "上年数", "增减额", "增减率(%)"]],
        "绩效指标": [["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]],
    })
    _, model, _ = check_path(path)
    assert model.amount_unit == "元"
    assert model.income_total.cur.value == Decimal("10.733548")
    assert model.income_total.cur.stated == Decimal("107335.48")
