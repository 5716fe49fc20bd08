"""BUD001–BUD004 (预算执行) and CAR001 (结转结余) on crafted sheets."""

from __future__ import annotations

from tests.money_workbooks import money_findings, of, run, sheets, where, write


def test_bud001_wrong_execution_rate(tmp_path):
    found = of(run(tmp_path, 预算执行={"E2": 95.3}), "BUD001")
    assert where(found) == [("BUD001", "error", "预算执行", "E2", 95.24)]
    assert found[0].message == ("预算执行 第2行 年度资金总额：执行率填报为 95.3%，按 全年执行数 1000 ÷ 全年预算数 1050 × 100 "
                                "应为 95.24%（四舍五入保留两位小数）")


def test_bud001_truncated_rate_and_zero_budget_are_info(tmp_path):
    found = of(run(tmp_path, 预算执行={"E2": 95.23}), "BUD001")        # 95.238… cut
    assert where(found) == [("BUD001", "info", "预算执行", "E2", 95.24)]
    found = of(run(tmp_path, 预算执行={"E5": 100}), "BUD001")          # 其他资金 0 / 0
    assert where(found) == [("BUD001", "info", "预算执行", "E5", None)]
    assert "全年预算数为 0，执行率无法计算" in found[0].message


def test_bud002_score(tmp_path):
    found = of(run(tmp_path, 预算执行={"G2": 9.6}), "BUD002")
    assert where(found) == [("BUD002", "error", "预算执行", "G2", 9.52)]
    assert found[0].message == ("预算执行 第2行 年度资金总额：得分填报为 9.6，按 min(执行率 95.24%, 100%) × 分值 10 "
                                "应为 9.52（四舍五入保留两位小数）")


def test_bud002_rate_over_100_percent_is_capped(tmp_path):
    # 1100 / 1050 = 104.76 % → full marks
    changed = {"D2": 1100, "E2": 104.76, "G2": 10}
    assert of(run(tmp_path, 预算执行=changed), "BUD002") == []
    found = of(run(tmp_path, 预算执行={**changed, "G2": 10.48}), "BUD002")
    assert where(found) == [("BUD002", "error", "预算执行", "G2", 10)]


def test_bud002_score_from_the_stated_rounded_rate_is_accepted(tmp_path):
    # 952.451 / 1000 = 95.2451 %: × 10 = 9.52451 → 9.52, but from the stated 95.25 % it is 9.525 → 9.53
    changed = {"C2": 1000, "D2": 952.451, "E2": 95.25, "G2": 9.53}
    assert of(run(tmp_path, 预算执行=changed), "BUD002") == []


def test_bud003_low_execution_needs_a_note(tmp_path):
    changed = {"D2": 900, "E2": 85.71, "G2": 8.57, "D3": 860}
    found = of(run(tmp_path, 预算执行=changed), "BUD003")
    assert [(f.cell, f.severity.value, f.actual, f.explained) for f in found] == [("E2", "warning", 85.71, False)]
    assert found[0].message == ("预算执行 第2行 年度资金总额：执行率 85.71%（全年执行数 900 ÷ 全年预算数 1050 × 100）"
                                "低于 90%，请在“说明”列写明原因")
    found = of(run(tmp_path, 预算执行={**changed, "H2": "智能化项目按合同分期支付"}), "BUD003")
    assert [(f.explained, f.explanation) for f in found] == [(True, "智能化项目按合同分期支付")]
    # 其中 rows are not held to the threshold (上年结转 runs at 80 % in the base workbook)
    assert of(run(tmp_path), "BUD003") == []


def test_bud004_total_differs_from_its_parts(tmp_path):
    found = of(run(tmp_path, 预算执行={"B2": 960}), "BUD004")
    assert where(found) == [("BUD004", "error", "预算执行", "B2", 950)]
    assert "按 财政拨款 900 + 上年结转 50 + 其他资金 0 应为 950，相差 10" in found[0].message


def test_bud004_blank_part(tmp_path):
    # a blank consistent with 0 is not a finding; a blank that must hold 50 is a warning
    assert of(run(tmp_path, 预算执行={"B5": None}), "BUD004") == []
    found = of(run(tmp_path, 预算执行={"B4": None}), "BUD004")
    assert where(found) == [("BUD004", "warning", "预算执行", "B4", 50)]


def test_budget_sheet_absent_is_reported(tmp_path):
    data = sheets()
    del data["预算执行"]
    found = money_findings(write(tmp_path, data))
    infos = [(f.rule, f.severity.value) for f in found if f.rule.startswith("BUD") or f.rule == "XS002"]
    assert infos == [("BUD001", "info"), ("BUD002", "info"), ("BUD003", "info"), ("BUD004", "info"), ("XS002", "info")]
    assert all("没有“预算执行”表" in f.message for f in found)


def test_car001_closing_balance(tmp_path):
    found = of(run(tmp_path, 结转结余={"F2": 6}), "CAR001")
    assert where(found) == [("CAR001", "error", "结转结余", "F2", 5)]
    assert found[0].message == ("结转结余 第2行 2040201 行政运行：年末结转结余填报为 6，按 年初结转结余 5 + 本年收入 600 − "
                                "本年支出 600 应为 5，相差 1")


def test_car001_total_row_is_checked_too(tmp_path):
    found = of(run(tmp_path, 结转结余={"D3": 610}), "CAR001")
    assert where(found) == [("CAR001", "error", "结转结余", "F3", 15)]


def test_car001_blank_parts(tmp_path):
    found = of(run(tmp_path, 结转结余={"D2": None}), "CAR001")
    assert where(found) == [("CAR001", "warning", "结转结余", "D2", 600)]
    assert found[0].message.startswith("结转结余 第2行 2040201 行政运行 本年收入（D2）未填；")
    found = of(run(tmp_path, 结转结余={"C2": None, "D2": None, "E2": None}), "CAR001")
    assert where(found) == [("CAR001", "warning", "结转结余", "C2", None)]
    assert found[0].message == ("结转结余 第2行 2040201 行政运行：年末结转结余为 5，但组成它的 年初结转结余（C2）、本年收入（D2）、"
                                "本年支出（E2）均未填，无法核对；请补填，或在“说明”列写明原因")


def test_car001_yuan_table(tmp_path):
    data = sheets()
    data["结转结余"] = [["单位：元"], *data["结转结余"]]
    for row in data["结转结余"][2:]:
        row[2:6] = [50000, 6000000, 5942664.52, 107335.48]
    assert of(money_findings(write(tmp_path, data)), "CAR001") == []
    data["结转结余"][2][5] = 107335.5        # 0.02 元 off (tolerance 0.01 + 3 × 0.005 = 0.025 元)
    assert of(money_findings(write(tmp_path, data, name="b.xlsx")), "CAR001") == []
    data["结转结余"][2][5] = 107335.52
    found = of(money_findings(write(tmp_path, data, name="c.xlsx")), "CAR001")
    assert where(found) == [("CAR001", "error", "结转结余", "F3", 107335.48)]
    assert "应为 107335.48，相差 0.04" in found[0].message
