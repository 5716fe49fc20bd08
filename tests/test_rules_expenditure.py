"""EXP001–EXP008 on crafted 支出 sheets: hierarchy sums by code prefix, codes and names
against the function classification, stated changes, 基本支出 + 项目支出."""

from __future__ import annotations

from tests.money_workbooks import money_findings, of, run, sheets, where, write


def test_exp001_total_differs_from_classes(tmp_path):
    found = of(run(tmp_path, 支出={"C2": 990}), "EXP001")
    assert where(found) == [("EXP001", "error", "支出", "C2", 1000)]
    assert found[0].message == ("支出 第2行 支出合计：本年数填报为 990，按 204 公共安全支出 800 + 208 社会保障和就业支出 150 + "
                                "221 住房保障支出 50 应为 1000，相差 10")


def test_exp001_blank_class_is_a_warning_naming_the_cell(tmp_path):
    # the seed's 221 住房保障支出 has no 2022 value: a warning with the implied value, never an error
    found = run(tmp_path, 支出={"D11": None, "E11": None, "F11": None})
    assert where(found) == [("EXP001", "warning", "支出", "D11", 40)]
    assert found[0].message == (
        "支出 第11行 221 住房保障支出 上年数（D11）未填；按 支出 第2行 支出合计 上年数 910 与已填各项 "
        "204 公共安全支出 750 + 208 社会保障和就业支出 120 推算，该格应为 40；请补填，或在“说明”列写明原因")


def test_exp001_tolerance_edge(tmp_path):
    # three rounded classes: 0.01 + 3 × 0.005 = 0.025
    assert of(run(tmp_path, 支出={"C2": 1000.02}), "EXP001") == []
    assert where(of(run(tmp_path, 支出={"C2": 1000.03}), "EXP001")) == [("EXP001", "error", "支出", "C2", 1000)]


def test_exp002_class_differs_from_its_kuan(tmp_path):
    found = of(run(tmp_path, 支出={"C3": 810}), "EXP002")
    assert where(found) == [("EXP002", "error", "支出", "C3", 800)]
    assert "按 20402 公安 800 应为 800，相差 10" in found[0].message


def test_exp002_class_without_kuan_is_not_checked(tmp_path):
    # 221 has no 款 listed: its amount alone is fine; a lone 款 under another class is checked
    data = sheets()
    data["支出"].append(["22102", "住房改革支出", 45, 40, 5, 12.5])
    found = money_findings(write(tmp_path, data))
    assert where(of(found, "EXP002")) == [("EXP002", "error", "支出", "C11", 45)]


def test_exp003_kuan_differs_from_its_items_and_qizhong_rows_are_not_added(tmp_path):
    found = of(run(tmp_path, 支出={"D4": 760}), "EXP003")
    assert where(found) == [("EXP003", "error", "支出", "D4", 750)]
    # the 其中 row (45 上年) is not among the parts
    assert "按 2040201 行政运行 560 + 2040220 执法办案 190 应为 750，相差 10" in found[0].message


def test_item_without_its_kuan_counts_toward_the_class(tmp_path):
    data = sheets()
    del data["支出"][3]                      # drop 20402: its items now sit directly under 204
    found = money_findings(write(tmp_path, data))
    assert of(found, "EXP002") == [] and of(found, "EXP003") == []
    data["支出"][3][2] = 610                 # 2040201 (now row 4) 本年数 610
    found = of(money_findings(write(tmp_path, data, name="b.xlsx")), "EXP002")
    assert where(found) == [("EXP002", "error", "支出", "C3", 810)]


def test_exp004_name_does_not_match_code(tmp_path):
    found = of(run(tmp_path, 支出={"B5": "执法办案"}), "EXP004")
    assert where(found) == [("EXP004", "warning", "支出", "B5", "行政运行")]
    assert found[0].actual == "执法办案"
    assert found[0].message == ("支出 第5行 2040201 执法办案：科目编码 2040201 在2023年支出功能分类科目表中的名称是“行政运行”，"
                                "填报为“执法办案”；请核实编码与名称是否对应")


def test_exp004_former_names_brackets_and_level_marks_match(tmp_path):
    found = run(tmp_path, 支出={"A11": "210", "B11": "医疗卫生与计划生育支出（类）",
                               "B9": "行政事业单位离退休", "B10": "机关事业单位基本养老保险缴费支出 "})
    assert of(found, "EXP004") == []


def test_exp004_unknown_code_and_bad_format(tmp_path):
    found = of(run(tmp_path, 支出={"A11": "299", "A8": "20８"}), "EXP004")
    assert where(found) == [("EXP004", "warning", "支出", "A11", None)]   # full-width 8 normalises to 208
    assert found[0].actual == "299" and "不在2023年支出功能分类科目表中" in found[0].message
    found = of(run(tmp_path, 支出={"A11": "22l"}), "EXP004")
    assert where(found) == [("EXP004", "warning", "支出", "A11", None)]
    assert "不是 3 位（类）、5 位（款）或 7 位（项）数字" in found[0].message


def test_exp004_row_without_code(tmp_path):
    found = of(run(tmp_path, 支出={"A11": None}), "EXP004")
    assert where(found) == [("EXP004", "warning", "支出", "B11", None)]
    assert "未填科目编码" in found[0].message


def test_exp004_retired_item_depends_on_the_year(tmp_path):
    data = sheets()
    data["支出"].append(["2040204", "治安管理", None, None])
    found = of(money_findings(write(tmp_path, data)), "EXP004")
    assert where(found) == [("EXP004", "warning", "支出", "A12", None)]
    assert "2018 年及以前使用的科目" in found[0].message
    data["基本情况"][2][1] = 2018
    found = of(money_findings(write(tmp_path, data, name="2018.xlsx")), "EXP004")
    # in 2018 治安管理 is current, and 2040220 执法办案 did not exist yet
    assert where(found) == [("EXP004", "warning", "支出", "A6", None)]
    assert "自 2019 年起设立，2018年科目表尚无此科目" in found[0].message


def test_exp004_conventional_items_and_other_items(tmp_path):
    data = sheets()
    # 2010101 行政运行 under a listed 款 by convention; 2040299 is listed; 2080599-like “其他…支出”
    data["支出"] += [["2010101", "行政运行", None, None], ["2120199", "其他城乡社区管理事务支出", None, None],
                     ["2070199", "其他文化和旅游支出", None, None], ["2060199", "其他科学技术管理事务支出", None, None]]
    assert of(money_findings(write(tmp_path, data)), "EXP004") == []


def test_exp005_wrong_delta_as_in_the_seed(tmp_path):
    found = of(run(tmp_path, 支出={"E8": -10.32}), "EXP005")
    assert where(found) == [("EXP005", "error", "支出", "E8", 30)]
    assert found[0].actual == -10.32
    assert found[0].message == "支出 第8行 208 社会保障和就业支出：增减额填报为 -10.32，按 本年数 150 − 上年数 120 应为 30（增加）"


def test_exp006_wrong_rate(tmp_path):
    found = of(run(tmp_path, 支出={"F8": -2.08}), "EXP006")
    assert where(found) == [("EXP006", "error", "支出", "F8", 25)]
    assert found[0].message == ("支出 第8行 208 社会保障和就业支出：增减率填报为 -2.08%，按 (本年数 150 − 上年数 120) ÷ "
                                "上年数 120 × 100 应为 25.00%（增加，四舍五入保留两位小数）")


def test_exp006_truncated_and_zero_base_are_info(tmp_path):
    found = of(run(tmp_path, 支出={"F3": 6.66}), "EXP006")
    assert where(found) == [("EXP006", "info", "支出", "F3", 6.67)]
    data = sheets()
    data["支出"].append(["2040299", "其他公安支出", 30, 0, 30, 100])
    found = of(money_findings(write(tmp_path, data, name="zero.xlsx")), "EXP006")
    assert where(found) == [("EXP006", "info", "支出", "F12", None)]
    assert "上年数为 0，增减率无法计算" in found[0].message


def test_exp007_large_change_explained_or_not(tmp_path):
    changed = {"D11": 30, "E11": 20, "F11": 66.67, "D2": 900, "E2": 100, "F2": 11.11}
    found = of(run(tmp_path, 支出=changed), "EXP007")
    assert [(f.cell, f.actual, f.explained) for f in found] == [("F11", 66.67, False)]
    assert found[0].message == ("支出 第11行 221 住房保障支出：本年数 50 比上年数 30 增加 66.67%，增减幅度达到 30% 及以上，"
                                "请在“说明”列写明原因")
    found = of(run(tmp_path, 支出={**changed, "I11": "新增公租房补贴"}), "EXP007")
    assert [(f.cell, f.explained, f.explanation) for f in found] == [("F11", True, "新增公租房补贴")]


def test_exp007_uses_the_recomputed_rate_not_the_stated_one(tmp_path):
    # stated -40 % is wrong (EXP006); the real change is 25 %, under the threshold
    found = run(tmp_path, 支出={"F8": -40})
    assert [f.rule for f in found] == ["EXP006"]


def test_exp008_basic_plus_project(tmp_path):
    found = of(run(tmp_path, 支出={"G5": 500}), "EXP008")
    assert where(found) == [("EXP008", "error", "支出", "C5", 500)]
    assert found[0].actual == 600
    assert found[0].message == "支出 第5行 2040201 行政运行：本年数填报为 600，按 基本支出 500 + 项目支出 0 应为 500，相差 100"
    # only one of the two filled: not checked
    assert of(run(tmp_path, 支出={"G5": 500, "H5": None}), "EXP008") == []
