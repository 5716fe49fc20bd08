"""INC001–INC004 on crafted 收入 sheets: each rule fires on a wrong value (code, sheet,
cell, expected) and stays silent on the right one; tolerance edges, 元 sheets,
truncated and zero-base rates, explained warnings."""

from __future__ import annotations

from tests.money_workbooks import money_findings, of, run, sheets, where, write


def test_consistent_workbook_gives_no_money_finding(tmp_path):
    # also proves the 其中 row (专项资金 100) is not added into 收入合计
    assert run(tmp_path) == []


def test_inc001_total_differs_from_sources(tmp_path):
    found = of(run(tmp_path, 收入={"B2": 1010}), "INC001")
    assert where(found) == [("INC001", "error", "收入", "B2", 1000)]
    assert found[0].actual == 1010
    assert found[0].message == ("收入 第2行 收入合计：本年数填报为 1010，按 一般公共预算财政拨款 800 + "
                                "政府性基金预算财政拨款 200 应为 1000，相差 10")


def test_inc001_tolerance_grows_with_addends(tmp_path):
    # two rounded sources: 0.01 + 2 × 0.005 = 0.02
    assert of(run(tmp_path, 收入={"B2": 1000.02}), "INC001") == []
    assert where(of(run(tmp_path, 收入={"B2": 1000.03}), "INC001")) == [("INC001", "error", "收入", "B2", 1000)]


def test_inc001_blank_source_is_a_warning_with_the_implied_value(tmp_path):
    found = of(run(tmp_path, 收入={"C5": None}), "INC001")
    assert where(found) == [("INC001", "warning", "收入", "C5", 160)]
    assert found[0].actual is None and not found[0].explained
    assert found[0].message.startswith("收入 第5行 政府性基金预算财政拨款 上年数（C5）未填；按 收入 第2行 收入合计 上年数 910")
    assert "该格应为 160" in found[0].message


def test_inc001_blank_source_explained_by_its_note(tmp_path):
    found = of(run(tmp_path, 收入={"C5": None, "F5": "上年无基金收入数据"}), "INC001")
    assert [(f.severity.value, f.explained, f.explanation) for f in found] == [("warning", True, "上年无基金收入数据")]


def test_inc001_blank_part_that_cannot_explain_the_gap_is_an_error(tmp_path):
    # filled parts already exceed the total: the blank cannot make it add up
    found = of(run(tmp_path, 收入={"C5": None, "C3": 950}), "INC001")
    assert where(found) == [("INC001", "error", "收入", "C2", 950)]
    assert "（未填的 政府性基金预算财政拨款 按 0 计）" in found[0].message


def test_inc001_error_is_never_explained(tmp_path):
    found = of(run(tmp_path, 收入={"B2": 1010, "F2": "含上年结转"}), "INC001")
    assert [(f.severity.value, f.explained, f.explanation) for f in found] == [("error", False, "含上年结转")]


def test_inc002_wrong_delta(tmp_path):
    found = of(run(tmp_path, 收入={"D3": -50}), "INC002")
    assert where(found) == [("INC002", "error", "收入", "D3", 50)]
    assert found[0].actual == -50
    assert found[0].message == "收入 第3行 一般公共预算财政拨款：增减额填报为 -50，按 本年数 800 − 上年数 750 应为 50（增加）"


def test_inc002_tolerance_edge(tmp_path):
    assert of(run(tmp_path, 收入={"D3": 50.01}), "INC002") == []
    assert where(of(run(tmp_path, 收入={"D3": 50.02}), "INC002")) == [("INC002", "error", "收入", "D3", 50)]


def test_inc003_wrong_rate(tmp_path):
    found = of(run(tmp_path, 收入={"E3": 7.67}), "INC003")
    assert where(found) == [("INC003", "error", "收入", "E3", 6.67)]
    assert found[0].message == ("收入 第3行 一般公共预算财政拨款：增减率填报为 7.67%，按 (本年数 800 − 上年数 750) ÷ "
                                "上年数 750 × 100 应为 6.67%（增加，四舍五入保留两位小数）")


def test_inc003_rate_with_the_departments_precision_or_as_percent_text(tmp_path):
    assert of(run(tmp_path, 收入={"E3": 6.7}), "INC003") == []          # one decimal, rounded
    assert of(run(tmp_path, 收入={"E3": "6.67%"}), "INC003") == []


def test_inc003_rate_in_a_percent_formatted_cell(tmp_path):
    path = write(tmp_path, sheets(收入={"E3": 0.0667}), percent_cells={"收入": ["E3"]})
    assert of(money_findings(path), "INC003") == []


def test_inc003_truncated_rate_is_info(tmp_path):
    found = of(run(tmp_path, 收入={"E3": 6.66}), "INC003")       # 6.6667 cut, not rounded
    assert where(found) == [("INC003", "info", "收入", "E3", 6.67)]
    assert "= 6.6667%" in found[0].message and "截尾" in found[0].message


def test_inc003_rate_on_zero_base_is_info(tmp_path):
    found = of(run(tmp_path, 收入={"C5": 0, "D5": 200, "E5": 100}), "INC003")
    assert where(found) == [("INC003", "info", "收入", "E5", None)]
    assert found[0].actual == 100 and "上年数为 0，增减率无法计算" in found[0].message


def test_inc004_large_change_needs_a_note(tmp_path):
    changed = {"C2": 900, "D2": 100, "E2": 11.11, "C5": 150, "D5": 50, "E5": 33.33}
    found = of(run(tmp_path, 收入=changed), "INC004")
    assert where(found) == [("INC004", "warning", "收入", "E5", None)]
    assert found[0].actual == 33.33 and not found[0].explained
    assert found[0].message == ("收入 第5行 政府性基金预算财政拨款：本年数 200 比上年数 150 增加 33.33%，"
                                "增减幅度达到 30% 及以上，请在“说明”列写明原因")


def test_inc004_explained_by_note(tmp_path):
    changed = {"C2": 900, "D2": 100, "E2": 11.11, "C5": 150, "D5": 50, "E5": 33.33, "F5": "新增天网项目资金"}
    found = of(run(tmp_path, 收入=changed), "INC004")
    assert [(f.rule, f.severity.value, f.explained, f.explanation) for f in found] == [
        ("INC004", "warning", True, "新增天网项目资金")]
    assert found[0].message.endswith("“说明”列已说明：新增天网项目资金")


def test_inc004_threshold_uses_the_rounded_rate(tmp_path):
    # 129.99 / 100 → 29.99 % stays under 30 %; 130 / 100 → 30.00 % reaches it
    base = {"B2": 929.99, "C2": 850, "D2": 79.99, "E2": 9.41, "C5": 100}
    assert of(run(tmp_path, 收入={**base, "B5": 129.99, "D5": 29.99, "E5": 29.99}), "INC004") == []
    found = of(run(tmp_path, 收入={**base, "B2": 930, "D2": 80, "B5": 130, "D5": 30, "E5": 30}), "INC004")
    assert where(found) == [("INC004", "warning", "收入", "E5", None)]


def test_yuan_sheet_tolerance_and_amounts_in_yuan(tmp_path):
    data = sheets(基本情况={"B4": "元"}, 收入={"B2": 10000000, "C2": 9100000, "D2": 900000,
                                          "B3": 8000000, "C3": 7500000, "D3": 500000,
                                          "B4": 1000000, "C4": 900000, "D4": 100000,
                                          "B5": 2000000.01, "C5": 1600000, "D5": 400000.01})
    # 0.01 元 gap with two addends (tolerance 0.02 元): consistent
    assert of(money_findings(write(tmp_path, data)), "INC001") == []
    data["收入"][4][1] = 2000000.03
    data["收入"][4][3] = 400000.03
    found = of(money_findings(write(tmp_path, data, name="yuan2.xlsx")), "INC001")
    assert where(found) == [("INC001", "error", "收入", "B2", 10000000.03)]
    assert "应为 10000000.03，相差 0.03" in found[0].message


def test_missing_rate_column_is_reported_not_skipped(tmp_path):
    data = sheets()
    for row in data["收入"]:
        del row[4:]
    found = money_findings(write(tmp_path, data))
    inc003 = of(found, "INC003")
    assert [(f.severity.value, f.sheet) for f in inc003] == [("info", "收入")]
    assert "缺少“增减率(%)”列" in inc003[0].message
