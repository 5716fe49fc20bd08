"""The shipped examples: the reader gets every value from the right cell, the
consistent department adds up everywhere, and the build script reproduces them."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from reconcile.findings import Severity
from reconcile.numbers import round_half_up
from reconcile.pipeline import check_path
from reconcile.reading.raw import read_raw
from reconcile.reading.workbook import read_workbook
from scripts import build_examples

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SEED = EXAMPLES / build_examples.SEED_FILE
CLEAN = EXAMPLES / build_examples.CLEAN_FILE
D = Decimal


@pytest.fixture(scope="module")
def seed():
    return read_workbook(SEED)


@pytest.fixture(scope="module")
def clean():
    return read_workbook(CLEAN)


def _cells(nums):
    return [(n.ref, n.value) if n is not None and n.present else (n.ref if n is not None else None, None) for n in nums]


# ---------------------------------------------------------------- the seed department


def test_seed_basic_fields(seed):
    _, m = seed
    assert (m.unit_name, m.year, m.amount_unit) == ("峨边彝族自治县公安局", 2023, "万元")
    b = m.basic
    assert b.fields["unit_name"].ref == "B4" and b.fields["year"].ref == "B5"
    counts = {k: b.number(k) for k in ("budget_units", "admin_units", "public_units", "staff_quota", "quota_admin",
                                       "quota_worker", "quota_public", "staff_active", "active_admin", "active_worker",
                                       "active_public", "retired_early", "self_score")}
    assert counts == {"budget_units": 1, "admin_units": 1, "public_units": 0, "staff_quota": 157, "quota_admin": 152,
                      "quota_worker": 5, "quota_public": 0, "staff_active": 145, "active_admin": 141, "active_worker": 4,
                      "active_public": 0, "retired_early": 0, "self_score": 95}
    retired = b.fields["retired"]
    assert retired.ref == "B20" and retired.blank          # not stated in the seed
    assert b.fields["supervisor"].value is None
    assert b.fields["self_score"].ref == "B21"
    assert b.text("functions").startswith("县公安局是自治县人民政府主管全县公安保卫工作")
    assert "(十七) 法律法规规定的其他职责。" in b.text("functions")
    tasks = b.text("tasks")
    assert tasks.startswith("2023 年是全面贯彻落实党的二十大精神开局之年") and "**" not in tasks
    assert "严格党内政治监督" in tasks and "“文化育警、文化强警”战略" in tasks   # page breaks joined
    assert b.text("overall_goal").endswith("部署、领导、落实全县的公安保卫工作。")
    assert b.text("problems") == "内部控制制度建设的完整性需进一步完善。"
    assert b.text("suggestions") == "严格按照制度规定，建立完善好内部控制制度。"


def test_seed_income_as_stated(seed):
    _, m = seed
    got = [(r.row, r.name, r.is_total, *_cells([r.cur, r.prev, r.delta, r.rate])) for r in m.income]
    assert got == [
        (4, "收入合计", True, ("B4", D("6202.69")), ("C4", D("6963.7")), ("D4", D("-761.01")), ("E4", D("-10.93"))),
        (5, "一般公共预算财政拨款", False, ("B5", D("5716.49")), ("C5", D("6764.54")), ("D5", D("-1048.05")), ("E5", D("-15.49"))),
        (6, "政府性基金预算财政拨款", False, ("B6", D("486.2")), ("C6", D("199.16")), ("D6", D("287.04")), ("E6", D("144.13"))),
    ]
    assert m.tables["income"].unit == "万元" and m.tables["income"].header_rows == (3,)


def test_seed_expenditure_keeps_the_wrong_208_row_and_blank_221(seed):
    _, m = seed
    rows = {r.code_str: r for r in m.expenditure}
    total = m.expenditure_total
    assert total.row == 4 and total.code_str == "" and total.cur.value == D("6202.69") and total.prev.value == D("7885.44")
    assert [(c, rows[c].name.value, rows[c].cur.value) for c in ("204", "208", "210", "212", "213", "221")] == [
        ("204", "公共安全支出", D("4711.87")), ("208", "社会保障和就业支出", D("603.16")), ("210", "卫生健康支出", D("133.02")),
        ("212", "城乡社区支出", D("486.2")), ("213", "农林水支出", D("10")), ("221", "住房保障支出", D("258.44")),
    ]
    assert sum(rows[c].cur.value for c in ("204", "208", "210", "212", "213", "221")) == total.cur.value
    r208 = rows["208"]
    assert (r208.delta.ref, r208.delta.value, r208.rate.ref, r208.rate.value) == ("E6", D("-10.32"), "F6", D("-2.08"))
    assert r208.cur.value - r208.prev.value == D("106.64")           # what it should have said
    assert round_half_up((r208.cur.value - r208.prev.value) / r208.prev.value * 100) == D("21.48")
    r221 = rows["221"]
    assert r221.row == 10 and r221.prev.ref == "D10"
    assert r221.prev.blank and r221.delta.blank and r221.rate.blank  # 2022 not stated: never 254.5
    assert all(r.basic.blank and r.project.blank for r in m.expenditure)


def test_seed_carryover_in_yuan(seed):
    _, m = seed
    assert m.tables["carryover"].unit == "元"
    (row,) = m.carryover
    assert (row.code.value, row.name.value, row.closing.ref) == ("2040201", "行政运行", "F4")
    assert row.closing.stated == D("107335.48")
    assert row.closing.value == D("107335.48") / 10000
    assert round_half_up(row.closing.value, 4) == D("10.7335")
    assert row.opening.blank and row.income.blank and row.expense.blank


def test_seed_budget_execution(seed):
    _, m = seed
    total, *subs = m.budget
    assert total.is_total and total.full.value == total.executed.value == D("6202.69")
    assert (total.rate.ref, total.rate.value, total.weight.value, total.score.ref, total.score.value) == ("E4", 100, 10, "G4", 10)
    assert [(r.label, r.is_sub, r.executed.value, r.weight.blank, r.score.blank) for r in subs] == [
        ("财政拨款", True, D("6202.69"), True, True), ("上年结转", True, 0, True, True), ("其他资金", True, 0, True, True)]
    assert subs[1].rate.raw == "/" and subs[1].rate.blank


def _groups(model):
    return Counter((r.level1.value, r.level2.value) for r in model.indicators)


def test_seed_indicator_table_as_written(seed):
    _, m = seed
    ind = m.indicators
    assert len(ind) == 107
    assert _groups(m) == {("产出指标", "数量指标"): 56, ("产出指标", "质量指标"): 10, ("产出指标", "时效指标"): 1,
                          ("产出指标", "成本指标"): 38, ("效益指标", "社会效益指标"): 1, ("效益指标", "可持续影响指标"): 1}
    assert not any(r.level1.value == "满意度指标" for r in ind)
    # 一级/二级 are merged cells: the first row holds the value, the others point at it.
    first, second = ind[0], ind[1]
    assert (first.row, first.level1.ref, first.level1.origin, first.level2.origin) == (4, "A4", None, None)
    assert (second.level1.value, second.level1.origin, second.level2.origin) == ("产出指标", "A4", "B4")
    quality = [r for r in ind if r.level2.value == "质量指标"]
    assert (quality[0].row, quality[0].level2.origin, quality[1].level2.origin, quality[1].level1.origin) == (60, None, "B60", "A4")
    last = ind[-1]
    assert (last.row, last.level1.origin, last.level2.value, last.level3.value, last.target.value) == (
        110, "A109", "可持续影响指标", "长期巩固社会治安安全可控", "≥80%")
    assert all(r.nature.blank and r.unit.blank for r in ind)   # the seed states neither

    def targets(level2, name):
        return [r.target.value for r in ind if r.level2.value == level2 and r.level3.value == name]

    assert targets("数量指标", "移动警务通") == ["99 台", "99 台"]
    assert targets("数量指标", "人犯供养费") == ["45 人", "45 人"]
    assert targets("数量指标", "生活污水检测") == ["每月提取城市生活污水送检"]
    assert targets("质量指标", "生活污水检测") == ["购买专用污水提取设备一台，每季度污水检测送检和检测 4 次，全年 16 次。"]
    assert len(targets("数量指标", "缉毒执法") + targets("质量指标", "缉毒执法")) == 2
    assert len(targets("数量指标", "专项工作") + targets("质量指标", "专项工作")) == 2
    assert len(targets("数量指标", "禁毒装备") + targets("质量指标", "禁毒装备")) == 2
    assert targets("成本指标", "人犯供养") == ["每人每月 375 元（337500 元）"]
    assert targets("成本指标", "医疗及体检") == ["年体检预计 375 元每人（283500 元）"]
    assert targets("成本指标", "人犯衣被费") == ["每套 75 元（30000 元）"]
    assert targets("成本指标", "服务费每年 323.4060 万元") == ["支付 200 万元"]
    assert targets("社会效益指标", "维护政治、政权、社会安全") == ["定性优良中低差"]
    cost = next(r for r in ind if r.level3.value == "人犯供养")
    assert (cost.target.ref, cost.actual.ref, cost.weight.ref, cost.score.ref) == (f"E{cost.row}", f"G{cost.row}", f"H{cost.row}", f"I{cost.row}")


_FIRST_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def test_seed_scores_follow_the_scoring_rules(seed):
    """The illustrative 分值/得分 add up to the seed's 95 and each 得分 is what the
    rules give: full when met; actual/target × 分值 (2 dp, half-up) when short."""
    _, m = seed
    ind = m.indicators
    weights = sum(r.weight.value for r in ind)
    scores = sum(r.score.value for r in ind)
    budget = m.budget[0]
    assert weights + budget.weight.value == 100
    assert (weights, scores) == (90, 85)
    assert budget.score.value + scores == m.basic.number("self_score") == 95
    total = m.tables["indicators"].total
    assert (total["weight"].ref, total["weight"].value, total["score"].ref, total["score"].value) == ("H111", 90, "I111", 85)
    short = []
    for r in ind:
        if r.actual.value == r.target.value or (r.target.value, r.actual.value) == ("定性优良中低差", "优"):
            assert r.score.value == r.weight.value and r.deviation.blank, r.level3.value
            continue
        target = D(_FIRST_NUMBER.search(r.target.value).group())
        actual = D(_FIRST_NUMBER.search(r.actual.value).group())
        assert actual < target
        assert r.score.value == round_half_up(actual / target * r.weight.value), r.level3.value
        assert not r.deviation.blank
        short.append(r.level3.value)
    assert len(short) == 20


def test_seed_project_and_instructions(seed):
    raw, m = seed
    (project,) = m.projects
    assert project.name.value == "智能化社会治安防控体系建设" and project.budget.blank and project.executed.blank
    assert "新建治安卡口 6 个，改建治安卡口 3 个" in project.content.value
    notes = "\n".join(str(v) for row in raw.sheet("填报说明").rows for v in row if v)
    for text in ("G4:G110", "H4:H110", "I4:I110", "J4:J110", "B4:G7", "D10", "E6", "示意数据"):
        assert text in notes, text


def test_seed_has_no_template_problems(seed):
    _, m = seed
    assert m.problems == []
    assert m.sheet_names == ["填报说明", "基本情况", "收入", "支出", "结转结余", "预算执行", "绩效指标", "重点项目"]


# ---------------------------------------------------------------- the consistent department


def test_clean_values_and_cells(clean):
    raw, m = clean
    assert (m.unit_name, m.year) == ("示例县文化广播电视和旅游局", 2023)
    rows = {r.code_str: r for r in m.expenditure}
    r = rows["2070199"]
    assert (r.row, r.level, r.cur.ref, r.cur.value, r.prev.value, r.delta.value, r.rate.ref, r.rate.value) == (
        11, "项", "C11", 320, 120, 200, "F11", D("166.67"))
    assert r.note.ref == "I11" and "全域旅游" in r.note.value
    assert [(c, rows[c].level) for c in ("207", "20701", "2070101", "208", "20805", "2080505", "210", "21011",
                                         "2101101", "221", "22102", "2210201")] == [
        ("207", "类"), ("20701", "款"), ("2070101", "项"), ("208", "类"), ("20805", "款"), ("2080505", "项"),
        ("210", "类"), ("21011", "款"), ("2101101", "项"), ("221", "类"), ("22102", "款"), ("2210201", "项")]
    total = m.expenditure_total
    assert (total.cur.ref, total.cur.value, total.prev.value, total.basic.value, total.project.value) == (
        "C4", D("1525.32"), D("1240.49"), D("843.82"), D("681.5"))
    budget = m.budget[0]
    assert (budget.rate.ref, budget.rate.raw, budget.rate.value, budget.score.value) == ("E4", 0.9518, D("95.18"), D("9.52"))
    assert m.basic.number("self_score") == D("99.52")
    assert m.tables["indicators"].header_rows == (3, 4)
    # 一级/二级 only on the first row of each group (no merged cells in those columns).
    ind = m.indicators
    assert len(ind) == 14
    data_rows = range(ind[0].row - 1, ind[-1].row)          # 0-based
    assert not [m for m in raw.sheet("绩效指标").merged if m[0] in data_rows or m[2] in data_rows]
    assert (ind[0].row, ind[0].level1.origin, ind[1].level1.origin, ind[1].level2.origin, ind[1].level1.raw) == (5, None, "A5", "B5", None)
    assert {r.level1.value for r in ind} == {"产出指标", "效益指标", "满意度指标"}
    assert [p.name.value for p in m.projects] == ["文化惠民演出活动", "全域旅游宣传推广及节庆活动"]
    assert m.problems == []


def test_clean_adds_up(clean):
    _, m = clean
    hundred = D(100)

    def rate(cur, prev):
        return round_half_up((cur - prev) / prev * hundred)

    for r in [*m.income, *m.expenditure]:
        assert r.delta.value == r.cur.value - r.prev.value, r.row
        assert r.rate.value == rate(r.cur.value, r.prev.value), r.row
        if abs(r.rate.value) >= 30:
            assert r.note is not None and not r.note.blank, r.row
    income_total = m.income_total
    assert income_total.cur.value == sum(r.cur.value for r in m.income if not r.is_total) == m.expenditure_total.cur.value
    assert income_total.prev.value == sum(r.prev.value for r in m.income if not r.is_total) == m.expenditure_total.prev.value
    by_code = {r.code_str: r for r in m.expenditure if r.code_str}
    for r in m.expenditure:
        assert r.basic.value + r.project.value == r.cur.value, r.row
        children = [c for code, c in by_code.items() if len(code) == len(r.code_str) + 2 and code.startswith(r.code_str)] \
            if r.code_str else [c for code, c in by_code.items() if len(code) == 3]
        if children:
            for key in ("cur", "prev", "basic", "project"):
                assert getattr(r, key).value == sum(getattr(c, key).value for c in children), (r.row, key)
    for r in m.carryover:
        assert r.closing.value == r.opening.value + r.income.value - r.expense.value
        if not r.is_total:
            assert r.expense.value == by_code[r.code.value].cur.value
    total, *subs = m.budget
    for key in ("initial", "full", "executed"):
        assert getattr(total, key).value == sum(getattr(s, key).value for s in subs)
    assert total.executed.value == m.expenditure_total.cur.value
    for r in m.budget:
        assert r.rate.value == round_half_up(r.executed.value / r.full.value * hundred) and r.rate.value >= 90
    assert total.score.value == round_half_up(min(total.executed.value / total.full.value, D(1)) * total.weight.value)
    weights = sum(r.weight.value for r in m.indicators)
    scores = sum(r.score.value for r in m.indicators)
    assert weights == 90 and weights + total.weight.value == 100
    assert m.basic.number("self_score") == total.score.value + scores
    b = m.basic
    assert b.number("staff_quota") == b.number("quota_admin") + b.number("quota_worker") + b.number("quota_public")
    assert b.number("staff_active") == b.number("active_admin") + b.number("active_worker") + b.number("active_public")
    assert b.number("budget_units") == b.number("admin_units") + b.number("public_units")
    for p in m.projects:
        assert p.budget.value >= 100 and p.rate.value == round_half_up(p.executed.value / p.budget.value * hundred)


def test_clean_indicators_met(clean):
    _, m = clean
    for r in m.indicators:
        assert r.score.value == r.weight.value and r.deviation.blank, r.row
        if r.nature.value == "定性":
            assert r.actual.value == "达成年度指标"
            continue
        assert r.unit is not None and not r.unit.blank
        target, actual = D(r.target.value), D(r.actual.value)
        if r.nature.value == "≤":
            assert actual <= target
        else:
            assert target <= actual < target * D("1.3")


def test_clean_example_has_no_error_and_no_unexplained_warning():
    _, _, findings = check_path(CLEAN)
    bad = [f for f in findings if f.severity == Severity.ERROR or (f.severity == Severity.WARNING and not f.explained)]
    assert bad == []


def test_seed_example_raises_no_template_finding():
    _, _, findings = check_path(SEED)
    assert [f for f in findings if f.rule.startswith("TPL")] == []


# ---------------------------------------------------------------- regeneration


def _contents(path: Path):
    raw = read_raw(path)
    return [(s.name, [[v for v in row] for row in s.rows], sorted(s.merged), s.number_formats) for s in raw.sheets]


def test_build_script_reproduces_committed_examples(tmp_path):
    built = build_examples.build_all(tmp_path)
    assert sorted(p.name for p in built) == sorted(p.name for p in EXAMPLES.glob("*.xlsx"))
    for path in built:
        assert _contents(path) == _contents(EXAMPLES / path.name), path.name
