"""STF001–STF002 (基本情况 staffing), XS001–XS002 (across sheets) and YOY001 (across
the workbooks of one batch)."""

from __future__ import annotations

from reconcile.batch import facts_of
from reconcile.reading.workbook import read_workbook
from tests.money_workbooks import money_findings, of, run, set_cell, sheets, where, write


def test_stf001_totals_against_parts(tmp_path):
    found = of(run(tmp_path, 基本情况={"B5": 11}), "STF001")
    assert where(found) == [("STF001", "error", "基本情况", "B5", 10)]
    assert found[0].message == "基本情况 第5行 编制总数：人数填报为 11，按 行政编制 8 + 工勤编制 2 + 事业编制 0 应为 10，相差 1"
    found = of(run(tmp_path, 基本情况={"B11": 3}), "STF001")
    assert where(found) == [("STF001", "error", "基本情况", "B9", 10)]


def test_stf001_blank_part(tmp_path):
    # 事业编制 blank is consistent with 0; 在职行政 blank must be 7
    assert of(run(tmp_path, 基本情况={"B8": None}), "STF001") == []
    found = of(run(tmp_path, 基本情况={"B10": None}), "STF001")
    assert where(found) == [("STF001", "warning", "基本情况", "B10", 7)]
    assert "该格应为 7" in found[0].message


def test_stf002_more_staff_than_posts(tmp_path):
    found = of(run(tmp_path, 基本情况={"B11": 3, "B9": 10}), "STF002")
    assert where(found) == [("STF002", "warning", "基本情况", "B11", 2)]
    assert found[0].actual == 3
    assert found[0].message == "基本情况 第11行 在职工勤：在职工勤 3 人，多于工勤编制 2 人（多 1 人）；请核实人数，或在报告中说明超编原因"
    assert of(run(tmp_path), "STF002") == []


def test_staffing_not_filled_is_reported(tmp_path):
    data = sheets()
    data["基本情况"] = data["基本情况"][:4]
    found = money_findings(write(tmp_path, data))
    assert [(f.rule, f.severity.value) for f in found] == [("STF001", "info"), ("STF002", "info")]


def test_xs001_income_and_expenditure_totals(tmp_path):
    # 2022: 收入 900 against 支出 910
    changed = {"C2": 900, "D2": 100, "E2": 11.11, "C3": 740, "D3": 60, "E3": 8.11}
    found = of(run(tmp_path, 收入=changed), "XS001")
    assert where(found) == [("XS001", "warning", "收入", "C2", 910)]
    assert found[0].actual == 900 and not found[0].explained
    assert found[0].message == ("收入 第2行 收入合计：上年数 900 与 支出 第2行 支出合计 上年数 910 不一致，相差 10；"
                                "如属口径不同，请在“说明”列写明")
    found = of(run(tmp_path, 收入=changed, 支出={"I2": "支出含上年结转资金"}), "XS001")
    assert [(f.explained, f.explanation) for f in found] == [(True, "支出含上年结转资金")]


def test_xs002_execution_against_expenditure(tmp_path):
    found = of(run(tmp_path, 预算执行={"D2": 990}), "XS002")
    assert where(found) == [("XS002", "warning", "预算执行", "D2", 1000)]
    assert found[0].message == ("预算执行 第2行 年度资金总额：全年执行数 990 与 支出 第2行 支出合计 本年数 1000 不一致，"
                                "相差 10；请核实，或在“说明”列写明原因")


# ---------------------------------------------------------------- YOY001


def _last_year(tmp_path, **changes):
    """The same unit's 2022 workbook: its 本年数 are the 2023 workbook's 上年数."""
    data = sheets(基本情况={"B3": 2022},
                  收入={"B2": 910, "B3": 750, "B4": 90, "B5": 160},
                  支出={"C2": 910, "C3": 750, "C4": 750, "C5": 560, "C6": 190, "C7": 45, "C8": 120, "C9": 120,
                       "C10": 120, "C11": 40})
    for sheet, cells in changes.items():
        for ref, value in cells.items():
            set_cell(data[sheet], ref, value)
    path = write(tmp_path, data, name="测试局_2022.xlsx")
    _, model = read_workbook(path)
    facts = facts_of(model, path.name)
    return {facts.key: facts}


def test_yoy001_previous_year_matches(tmp_path):
    batch = _last_year(tmp_path)
    assert of(money_findings(write(tmp_path), batch=batch), "YOY001") == []


def test_yoy001_previous_year_differs(tmp_path):
    batch = _last_year(tmp_path, 支出={"C8": 125, "C2": 915, "C3": 755}, 收入={"B5": 165, "B2": 915})
    found = of(money_findings(write(tmp_path), batch=batch), "YOY001")
    assert where(found) == [("YOY001", "error", "支出", "D2", 915), ("YOY001", "error", "支出", "D3", 755),
                            ("YOY001", "error", "支出", "D8", 125),
                            ("YOY001", "error", "收入", "C2", 915), ("YOY001", "error", "收入", "C5", 165)]
    d8 = found[2]
    assert d8.actual == 120
    assert d8.message == ("支出 第8行 208 社会保障和就业支出：上年数填报为 120，与同一单位 2022 年报表（测试局_2022.xlsx）"
                          "的本年数 125 不一致，相差 5")


def test_yoy001_blank_previous_year_value_is_a_warning(tmp_path):
    batch = _last_year(tmp_path)
    data = sheets(支出={"D11": None, "E11": None, "F11": None})
    found = of(money_findings(write(tmp_path, data), batch=batch), "YOY001")
    assert where(found) == [("YOY001", "warning", "支出", "D11", 40)]
    assert "上年数未填，同一单位 2022 年报表（测试局_2022.xlsx）的本年数为 40" in found[0].message


def test_yoy001_other_unit_or_year_is_not_compared(tmp_path):
    batch = _last_year(tmp_path, 支出={"C8": 125}, 基本情况={"B2": "另一个局"})
    assert of(money_findings(write(tmp_path), batch=batch), "YOY001") == []


def test_missing_total_rows_are_reported_not_skipped(tmp_path):
    data = sheets()
    data["收入"] = [r for r in data["收入"] if r[0] != "收入合计"]
    data["预算执行"] = [r for r in data["预算执行"] if r[0] != "年度资金总额"]
    found = [f for f in money_findings(write(tmp_path, data)) if f.severity.value == "info"]
    assert sorted((f.rule, f.message.split("：", 1)[1]) for f in found) == [
        ("BUD004", "“预算执行”表中没有“年度资金总额”行"),
        ("INC001", "“收入”表中没有“收入合计”行"),
        ("XS001", "“收入”表没有“收入合计”行"),
        ("XS002", "“预算执行”表没有“年度资金总额”行"),
    ]
