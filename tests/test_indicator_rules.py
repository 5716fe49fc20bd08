"""IND001–IND011 and XS003 on crafted workbooks: each fires on a wrong row (code, sheet,
cell, expected) and is silent on the right one."""

from __future__ import annotations

import copy
from dataclasses import replace
from decimal import Decimal

import pytest

from reconcile.config import DEFAULT
from reconcile.findings import Severity
from reconcile.pipeline import check_path
from tests.builders import write_workbook

D = Decimal
HEADER = ["一级指标", "二级指标", "三级指标", "指标性质", "年度指标值", "度量单位", "实际完成值", "分值", "得分",
          "偏差原因分析及改进措施"]
# Excel rows 2..7; columns A 一级 … J 偏差原因. Σ 分值 90 (+ 预算执行 10), Σ 得分 88 (+ 10) = 98.
BASE = [
    ["产出指标", "数量指标", "移动警务通", "≥", "99", "台", "99", 20, 20, None],
    [None, "质量指标", "设备完好率", "≥", "≥95%", "%", "98%", 10, 10, None],
    [None, "时效指标", "按期完成率", "≥", "100%", "%", "100%", 5, 5, None],
    [None, "成本指标", "通讯费用", "≤", "≤90万元", "万元", "85", 15, 15, None],
    ["效益指标", "社会效益指标", "社会治安", "定性", "定性优良中低差", None, "达成年度指标", 30, 28, None],
    ["满意度指标", "服务对象满意度指标", "群众满意度", "≥", "≥90%", "%", "95%", 10, 10, None],
]
CODES = ("IND", "XS003")


def run(tmp_path, rows=None, *, self_score=98, budget=(10, 10), total=None, config=DEFAULT, header=HEADER):
    rows = copy.deepcopy(BASE) if rows is None else rows
    basic = [["项目", "内容"], ["单位名称", "测试局"], ["年度", 2023]]
    if self_score is not None:
        basic.append(["自评得分", self_score])
    sheets = {
        "基本情况": basic,
        "收入": [["收入项目", "本年数", "上年数", "增减额", "增减率(%)"]],
        "支出": [["科目编码", "科目名称", "本年数", "上年数", "增减额", "增减率(%)"]],
        "绩效指标": [header, *rows] + ([["合计", None, None, None, None, None, None, *total]] if total else []),
    }
    if budget is not None:
        sheets["预算执行"] = [["资金来源", "年初预算数", "全年预算数", "全年执行数", "执行率(%)", "分值", "得分"],
                          ["年度资金总额", 100, 100, 100, 100, *budget]]
    path = write_workbook(tmp_path / "t.xlsx", sheets)
    _, _, findings = check_path(path, config)
    return [f for f in findings if f.rule.startswith(CODES)]


def only(findings, code):
    return [f for f in findings if f.rule == code]


def key(f):
    return (f.rule, f.severity.value, f.sheet, f.cell, f.expected, f.actual)


def rows_with(**changes):
    """BASE with cells changed: rows_with(r2={"G": "95"}) sets G2."""
    rows = copy.deepcopy(BASE)
    for ref, cols in changes.items():
        r = int(ref[1:]) - 2
        for col, value in cols.items():
            rows[r][ord(col) - ord("A")] = value
    return rows


def test_right_table_gives_no_indicator_finding(tmp_path):
    assert run(tmp_path) == []


# ---------------------------------------------------------------- IND001


def test_ind001_level2_under_wrong_level1(tmp_path):
    found = only(run(tmp_path, rows_with(r3={"B": "社会效益指标"})), "IND001")
    assert [key(f) for f in found] == [("IND001", "error", "绩效指标", "B3", None, "社会效益指标")]
    assert "不属于一级指标“产出指标”" in found[0].message and "数量指标、质量指标、时效指标、成本指标" in found[0].message


def test_ind001_unknown_level1_reported_once_on_its_cell(tmp_path):
    found = only(run(tmp_path, rows_with(r2={"A": "投入指标"})), "IND001")
    assert [key(f) for f in found] == [("IND001", "error", "绩效指标", "A2", None, "投入指标")]


def test_ind001_blank_level2(tmp_path):
    found = only(run(tmp_path, rows_with(r7={"B": None})), "IND001")
    assert [(f.cell, f.row_label) for f in found] == [("B7", "群众满意度")]
    assert "二级指标未填写" in found[0].message


def test_ind001_accepts_labels_with_weights_and_the_2021_hierarchy(tmp_path):
    rows = rows_with(r2={"A": "产出指标（50分）", "B": "数量"}, r5={"A": "成本指标", "B": "经济成本指标"},
                     r6={"A": "效益（30分）", "B": "社会效益"}, r7={"A": "满意度指标", "B": "社会公众满意度"})
    assert only(run(tmp_path, rows), "IND001") == []


# ---------------------------------------------------------------- IND002


def test_ind002_missing_benefit_is_error_missing_satisfaction_is_warning(tmp_path):
    found = only(run(tmp_path, BASE[:4]), "IND002")
    assert [(f.severity, f.sheet, f.cell, f.expected) for f in found] == [
        (Severity.ERROR, "绩效指标", None, "效益指标"), (Severity.WARNING, "绩效指标", None, "满意度指标")]
    assert "表中已有的一级指标：产出指标" in found[0].message


# ---------------------------------------------------------------- IND003 / IND011


def test_ind003_weights_do_not_add_up_to_100(tmp_path):
    found = only(run(tmp_path, rows_with(r2={"H": 18, "I": 18}), self_score=96), "IND003")
    assert [key(f) for f in found] == [("IND003", "error", "绩效指标", "H2", 100, 98)]
    assert "各三级指标分值合计 88 分 + 预算执行分值 10 分 = 98 分" in found[0].message


def test_ind003_budget_weight_from_profile_when_sheet_absent(tmp_path):
    found = only(run(tmp_path, budget=None), "IND003")
    assert found == []
    found = only(run(tmp_path, rows_with(r2={"H": 25, "I": 25}), budget=None), "IND003")
    assert [(f.cell, f.actual) for f in found] == [("H2", 105)]
    assert "预算执行表未填分值，按评分方案计" in found[0].message


def test_ind003_all_weights_blank_is_one_info(tmp_path):
    rows = copy.deepcopy(BASE)
    for r in rows:
        r[7] = r[8] = None
    found = run(tmp_path, rows, self_score=None)
    ind = [f for f in found if f.rule.startswith("IND")]
    assert [key(f) for f in ind] == [("IND003", "info", "绩效指标", "H1", None, None)]
    assert ind[0].message.startswith("绩效指标 H1：各三级指标均未填写分值；未填分值，无法核对得分")


def test_ind003_national_split_warning_and_sichuan_profile(tmp_path):
    rows = rows_with(r2={"H": 25, "I": 25}, r6={"H": 25, "I": 23})
    found = only(run(tmp_path, rows), "IND003")
    assert [key(f) for f in found] == [("IND003", "warning", "绩效指标", "H2", 50, 55),
                                       ("IND003", "warning", "绩效指标", "H6", 30, 25)]
    assert only(run(tmp_path, rows, config=replace(DEFAULT, profile="sichuan")), "IND003") == []


def test_ind011_total_row(tmp_path):
    found = only(run(tmp_path, total=[100, 88]), "IND011")
    assert [key(f) for f in found] == [("IND011", "error", "绩效指标", "H8", 90, 100)]
    assert only(run(tmp_path, total=[90, 88]), "IND011") == []


# ---------------------------------------------------------------- IND004 / IND005


def test_ind004_score_above_weight_or_negative(tmp_path):
    found = run(tmp_path, rows_with(r2={"I": 22}, r3={"I": -1}), self_score=99)
    assert [key(f) for f in only(found, "IND004")] == [("IND004", "error", "绩效指标", "I2", 20, 22),
                                                     ("IND004", "error", "绩效指标", "I3", 0, -1)]
    assert only(found, "IND005") == []


def test_ind005_higher_score_is_warning_explained_by_deviation(tmp_path):
    found = only(run(tmp_path, rows_with(r2={"G": "95"})), "IND005")
    assert [key(f) for f in found] == [("IND005", "warning", "绩效指标", "I2", 19.19, 20)]
    assert "得分 = 95 ÷ 99 × 20 = 19.19" in found[0].message and not found[0].explained
    found = only(run(tmp_path, rows_with(r2={"G": "95", "J": "受采购进度影响"})), "IND005")
    assert found[0].explained and found[0].explanation == "受采购进度影响"


def test_ind005_lower_score_is_info_silent_with_deviation(tmp_path):
    found = only(run(tmp_path, rows_with(r2={"I": 18}), self_score=96), "IND005")
    assert [key(f) for f in found] == [("IND005", "info", "绩效指标", "I2", 20, 18)]
    assert only(run(tmp_path, rows_with(r2={"I": 18, "J": "扣减 2 分：部分设备验收延迟"}), self_score=96), "IND005") == []


def test_ind005_blank_nature_bare_number_taken_as_ge(tmp_path):
    found = only(run(tmp_path, rows_with(r2={"D": None, "G": "95"})), "IND005")
    assert [(f.cell, f.expected) for f in found] == [("I2", 19.19)]
    assert "指标性质未填，年度指标值为数字，按“≥”计" in found[0].message


def test_ind005_reverse_and_qualitative(tmp_path):
    found = only(run(tmp_path, rows_with(r5={"G": "135"}, r6={"G": "部分达成", "J": None})), "IND005")
    assert [key(f) for f in found] == [("IND005", "warning", "绩效指标", "I5", 7.5, 15),
                                       ("IND005", "warning", "绩效指标", "I6", 24, 28)]
    assert "18～24 分" in found[1].message
    ratio = replace(DEFAULT, reverse_formula="ratio")
    found = only(run(tmp_path, rows_with(r5={"G": "135"}), config=ratio), "IND005")
    assert [f.expected for f in found] == [10]


def test_ind005_rounded_score_accepted(tmp_path):
    # 95 ÷ 99 × 20 = 19.19; a department writing 19.2 (one decimal) is not flagged
    assert only(run(tmp_path, rows_with(r2={"G": "95", "I": 19.2}), self_score=D("97.2")), "IND005") == []


# ---------------------------------------------------------------- IND006 / IND010


def test_ind006_target_not_met_without_deviation(tmp_path):
    found = only(run(tmp_path, rows_with(r3={"G": "90%", "I": D("9.47")}), self_score=D("97.47")), "IND006")
    assert [key(f) for f in found] == [("IND006", "warning", "绩效指标", "G3", "≥95%", "90%")]
    assert only(run(tmp_path, rows_with(r3={"G": "90%", "I": D("9.47"), "J": "设备老化"}),
                    self_score=D("97.47")), "IND006") == []


def test_ind006_overachieved_and_blank_nature_note(tmp_path):
    found = only(run(tmp_path, rows_with(r2={"D": None, "G": "130"})), "IND006")
    assert [(f.cell, f.expected, f.actual) for f in found] == [("G2", "99", "130")]
    assert "30% 及以上" in found[0].message and "按“≥”计" in found[0].message
    lenient = replace(DEFAULT, overachievement_ratio=D("1.5"))
    assert only(run(tmp_path, rows_with(r2={"G": "130"}), config=lenient), "IND006") == []


def test_ind006_reverse_and_qualitative(tmp_path):
    found = only(run(tmp_path, rows_with(r5={"G": "95", "I": D("14.17")}, r6={"G": "未达成", "I": 15}),
                     self_score=D("84.17")), "IND006")
    assert [f.cell for f in found] == ["G5", "G6"]
    assert "超过了年度指标值" in found[0].message and "“未达成”档" in found[1].message


def test_ind010_unit_mismatch_reported_not_compared(tmp_path):
    found = run(tmp_path, rows_with(r2={"G": "100%"}))
    assert [key(f) for f in found] == [("IND010", "warning", "绩效指标", "G2", "台", "%")]
    # 万元 and 元 are the same unit
    assert run(tmp_path, rows_with(r5={"E": "≤900000元", "F": None, "G": "85万元"})) == []


# ---------------------------------------------------------------- IND007


def test_ind007_duplicate_with_different_values_one_finding(tmp_path):
    rows = BASE + [
        [None, None, "移动警务通", "≥", "99", "台", "99", 0, 0, None],       # same value: fine
        [None, None, "污水检测", "≥", "12 次", None, "12 次", 0, 0, None],
        [None, None, "污水检测", "≥", "16 次", None, "16 次", 0, 0, None],
        [None, None, "污 水 检 测", "≥", "108 次", None, "108 次", 0, 0, None],
    ]
    found = only(run(tmp_path, rows), "IND007")
    assert [(f.rule, f.cell) for f in found] == [("IND007", "C9")]
    assert "列出 3 次" in found[0].message and "E9“12 次”、E10“16 次”、E11“108 次”" in found[0].message


def test_ind007_cost_row_with_same_name_is_not_a_duplicate(tmp_path):
    rows = BASE + [["产出指标", "成本指标", "移动警务通", "≤", "总计 25.248 万元", None, "25.248 万元", 0, 0, None]]
    assert only(run(tmp_path, rows), "IND007") == []


def test_ind007_count_named_inside_another_indicator(tmp_path):
    rows = BASE + [
        ["产出指标", "数量指标", "破获毒品刑事案件", None, "10", None, "10", 0, 0, None],
        [None, "质量指标", "缉毒执法", None, "拟查处吸毒人员 100 人，破获毒品刑事案件 20 起。", None, "完成", 0, 0, None],
    ]
    found = only(run(tmp_path, rows), "IND007")
    assert [(f.cell, f.actual) for f in found] == [("E8", "10；20")]
    assert "E9（缉毒执法）中写作“破获毒品刑事案件 20 起”" in found[0].message
    rows[-1][4] = "拟查处吸毒人员 100 人，破获毒品刑事案件 10 起。"
    assert only(run(tmp_path, rows), "IND007") == []


# ---------------------------------------------------------------- IND008


def test_ind008_quantitative_without_number(tmp_path):
    found = only(run(tmp_path, rows_with(r3={"E": "逐步提高", "G": "提高"})), "IND008")
    assert [key(f) for f in found] == [("IND008", "warning", "绩效指标", "E3", "数值", "逐步提高")]
    assert only(run(tmp_path, rows_with(r3={"D": "定性", "E": "逐步提高", "G": "达成"})), "IND008") == []


# ---------------------------------------------------------------- IND009


def test_ind009_price_times_sibling_quantity(tmp_path):
    rows = BASE + [
        ["产出指标", "数量指标", "人犯供养费", None, "45 人", None, "45 人", 0, 0, None],
        [None, "成本指标", "人犯供养", None, "每人每月 375 元（337500 元）", None, "337500 元", 0, 0, None],
        [None, "成本指标", "人犯衣被费", None, "每套 75 元（15000 元）", None, "15000 元", 0, 0, None],
        [None, "数量指标", "人犯衣被费", None, "200 套", None, "200 套", 0, 0, None],
        [None, "成本指标", "核酸检测", None, "人均 260 元（30000 元）", None, "30000 元", 0, 0, None],
        [None, "成本指标", "专职人员工资", None, "专职人员 7 人，每人每年 4.5 万元（31.5 万元）", None, "31.5 万元", 0, 0, None],
    ]
    found = only(run(tmp_path, rows), "IND009")
    assert [key(f) for f in found] == [("IND009", "warning", "绩效指标", "E9", 202500, 337500)]
    assert "375 元 × 45 人（取自 E8“人犯供养费”） × 12 个月 = 202500 元" in found[0].message


def test_ind009_quantity_in_the_item_name_and_ambiguous_siblings(tmp_path):
    rows = BASE + [
        ["产出指标", "成本指标", "生活污水检测 16 次", None, "每次 1500 元（30000 元）", None, None, 0, 0, None],
        [None, "数量指标", "押解", None, "300 场次", None, None, 0, 0, None],
        [None, "数量指标", "押解", None, "250 场次", None, None, 0, 0, None],
        [None, "成本指标", "押解", None, "每场次 730 元（219000 元）", None, None, 0, 0, None],
    ]
    found = only(run(tmp_path, rows), "IND009")
    assert [(f.cell, f.expected, f.actual) for f in found] == [("E8", 24000, 30000)]


# ---------------------------------------------------------------- XS003


def test_xs003_self_score(tmp_path):
    found = only(run(tmp_path, self_score=95), "XS003")
    assert [key(f) for f in found] == [("XS003", "error", "基本情况", "B4", 98, 95)]
    assert "预算执行得分 10 分 + 绩效指标得分合计 88 分" in found[0].message and "（评级优）" in found[0].message
    found = only(run(tmp_path, self_score=91, rows=rows_with(r6={"I": 12})), "XS003")
    assert [(f.expected, f.actual) for f in found] == [(82, 91)]
    assert "评级良，而非优" in found[0].message


def test_xs003_cannot_run_says_why(tmp_path):
    found = only(run(tmp_path, self_score=None), "XS003")
    assert [(f.severity, f.cell) for f in found] == [(Severity.INFO, None)]
    assert "未填写自评得分" in found[0].message


@pytest.mark.parametrize("drop", ["分值", "得分"])
def test_missing_score_columns_are_info_not_errors(tmp_path, drop):
    i = HEADER.index(drop)
    header = HEADER[:i] + HEADER[i + 1:]
    rows = [r[:i] + r[i + 1:] for r in BASE]
    found = run(tmp_path, rows, header=header)
    assert {f.severity for f in found} == {Severity.INFO}
    assert all("未能核对" in f.message for f in found)


def test_ind007_same_value_written_differently_is_not_a_duplicate(tmp_path):
    rows = BASE + [[None, None, "移动警务通", "≥", "99台", None, "99", 0, 0, None],
                   [None, None, "移动警务通", "≥", " 99 ", "台", "99", 0, 0, None]]
    assert only(run(tmp_path, rows), "IND007") == []


def test_missing_level_column_is_one_note_not_an_error_per_row(tmp_path):
    header = HEADER[1:]
    rows = [r[1:] for r in BASE]
    found = run(tmp_path, rows, header=header)
    assert [(f.rule, f.severity) for f in found if f.rule in ("IND001", "IND002")] == [
        ("IND001", Severity.INFO), ("IND002", Severity.INFO)]


def test_group_heading_rows_with_weights_are_subtotals(tmp_path):
    def heading(l1, l2, weight, score):
        return [l1, l2, None, None, None, None, None, weight, score, None]

    rows = [heading("产出指标", None, 50, 50), *[[None, *r[1:]] for r in BASE[:4]],
            heading("效益指标", None, 30, 28), [None, *BASE[4][1:]],
            heading("满意度指标", None, 10, 10), [None, *BASE[5][1:]]]
    assert run(tmp_path, rows) == []
    rows[0][7] = 45
    rows[5][1], rows[5][7] = "社会效益指标", 25   # a heading naming its 二级: the group is that 二级
    found = run(tmp_path, rows)
    assert [key(f) for f in found] == [("IND011", "error", "绩效指标", "H2", 50, 45),
                                       ("IND011", "error", "绩效指标", "H7", 30, 25)]
    assert found[0].message == "绩效指标 H2：“产出指标”行的分值填报为 45 分，其下各三级指标分值之和为 50 分"
    assert "“社会效益指标”行" in found[1].message
