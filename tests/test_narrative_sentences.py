"""The narrative's sentences on crafted workbooks: comparisons, corrections, 【待核实】,
missing figures, units, scores and grades, indicator completion, section 四."""

from __future__ import annotations

import re
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.findings import Finding, Severity
from reconcile.narrative import build_narrative
from reconcile.narrative.expenditure import top_rows
from reconcile.narrative.render import OVERRIDE_ENV, environment
from reconcile.pipeline import check_path
from tests.seed_sheets import BASIC, BUDGET, EXPENDITURE, INDICATORS, seed_workbook
from tests.test_narrative_fidelity import paragraph_after

INC_HEAD = ["收入项目", "本年数", "上年数", "增减额", "增减率(%)", "说明"]
EXP_HEAD = ["科目编码", "科目名称", "本年数", "上年数", "增减额", "增减率(%)", "说明"]


# The seed's 支出 with the 208 row stated correctly: no rule finding of its own.
CLEAN_EXPENDITURE = [r if r[0] != "208" else ["208", "社会保障和就业支出", 603.16, 496.52, 106.64, 21.48, None]
                     for r in EXPENDITURE]


def narrate(tmp_path, findings=(), **sheets):
    _, model, found = check_path(seed_workbook(tmp_path / "w.xlsx", **sheets))
    return build_narrative(model, [*found, *findings])


def income_text(n):
    return paragraph_after(n, "收入情况")


def expenditure_text(n):
    return paragraph_after(n, "支出情况")


def error(rule, sheet, cell, message="错误", severity=Severity.ERROR):
    return Finding(rule, severity, sheet, cell, "", message)


# ---------------------------------------------------------------- comparisons


def test_zero_last_year_is_new_item_without_rate(tmp_path):
    n = narrate(tmp_path, 收入=[INC_HEAD, ["收入合计", 150, 100, 50, 50],
                              ["一般公共预算财政拨款", 100, 100, 0, 0],
                              ["事业收入", 50, 0, 50, None]])
    text = income_text(n)
    assert "相比2022年一般公共预算100万元持平" in text
    assert "事业收入上年无此项，本年50万元" in text
    assert "事业收入0万元" not in text and "%；事业收入" not in text


def test_blank_last_year_new_only_when_the_total_says_so(tmp_path):
    # 上年合计 100 = 一般公共 100: the blank 事业收入 can only be 0 → 上年无此项
    n = narrate(tmp_path, 收入=[INC_HEAD, ["收入合计", 150, 100, 50, 50],
                              ["一般公共预算财政拨款", 100, 100, 0, 0], ["事业收入", 50, None, None, None]])
    assert "事业收入上年无此项" in income_text(n)
    # 上年合计 130: the blank part stands for 30 that was not stated → no comparison, no 30
    n = narrate(tmp_path, 收入=[INC_HEAD, ["收入合计", 150, 130, 20, 15.38],
                              ["一般公共预算财政拨款", 100, 100, 0, 0], ["事业收入", 50, None, None, None]])
    text = income_text(n)
    assert "事业收入上年数未填列，不作比较" in text and not re.search(r"(?<![\d.])30(?![\d.])", text)


def test_only_the_wrong_figure_is_noted(tmp_path):
    rows = [EXP_HEAD, [None, "支出合计", 120, 100, 20, 20], ["201", "一般公共服务支出", 120, 100, 2, 20]]
    text = expenditure_text(narrate(tmp_path, 支出=rows))
    assert "增加20万元，增加20.00%（原表填报增减额为增加2万元，已按本年数、上年数重新计算更正）" in text
    rows[2][4:6] = [20, 2]
    text = expenditure_text(narrate(tmp_path, 支出=rows))
    assert "增加20.00%（原表填报增减率为增加2%，已按本年数、上年数重新计算更正）" in text
    rows[2][4:6] = [20, 20]
    assert "原表填报" not in expenditure_text(narrate(tmp_path, 支出=rows))


def test_rate_in_the_departments_precision_or_truncated_is_not_corrected(tmp_path):
    # 21.477…%: 21.5 (one decimal, rounded) is right; 21.47 is a truncation (an info rule's matter)
    for stated in (21.48, 21.5, 21.47):
        rows = [EXP_HEAD, [None, "支出合计", 603.16, 496.52, 106.64, stated],
                ["208", "社会保障和就业支出", 603.16, 496.52, 106.64, stated]]
        text = expenditure_text(narrate(tmp_path, 支出=rows))
        assert "增加21.48%" in text and "原表填报" not in text, stated


def test_classes_listed_in_sheet_order_and_kuan_without_class_reported(tmp_path):
    rows = [EXP_HEAD, [None, "支出合计", 30, 30, 0, 0],
            ["221", "住房保障支出", 10, 10, 0, 0], ["20101", "人大事务", 20, 20, 0, 0],
            ["2210201", "住房公积金", 10, 10, 0, 0]]
    text = expenditure_text(narrate(tmp_path, 支出=rows))
    assert text.startswith("2023年支出30万元，其中住房保障支出10万元；人大事务20万元；")
    assert "住房公积金" not in text


def test_amounts_in_yuan_written_in_wanyuan(tmp_path):
    basic = [r if r[0] != "金额单位" else ["金额单位", "元"] for r in BASIC]
    n = narrate(tmp_path, 基本情况=basic,
                收入=[INC_HEAD, ["收入合计", 62026900, 69637000, -7610100, -10.93],
                      ["一般公共预算财政拨款", 62026900, 69637000, -7610100, -10.93]])
    assert income_text(n).startswith("2023年收入预算6202.69万元，其中一般公共预算财政拨款6202.69万元；相比2022年收入6963.7万元减少761.01万元")


# ---------------------------------------------------------------- 【待核实】


def test_error_on_a_base_figure_marks_the_sentence(tmp_path):
    # EXP001 on 支出合计 本年数 (C2) → the total is in doubt; EXP005 on the 208 增减额 (E4) is corrected instead
    findings = [error("EXP001", "支出", "C2"), error("EXP005", "支出", "E4"), error("EXP006", "支出", "F4"),
                error("EXP002", "支出", "C3", severity=Severity.WARNING)]
    n = narrate(tmp_path, findings)
    text = expenditure_text(n)
    assert text.startswith("2023年支出6202.69万元【待核实】，其中公共安全支出4711.87万元；")
    assert "减少21.34%【待核实】；" in text
    assert text.count("【待核实】") == 2
    para = next(p for p in n.paragraphs if p.text == text)
    assert para.pending
    table = next(p for p in n.paragraphs if p.kind == "table" and "支出" in p.text)
    assert table.rows[1][-1] == "待核实" and table.rows[3][-1] == "增减额、增减率已重新计算"


def test_error_on_a_source_marks_its_clause(tmp_path):
    n = narrate(tmp_path, [error("INC001", "收入", "C3")])   # 一般公共预算 上年数 row 3
    text = income_text(n)
    assert "一般公共预算财政拨款5716.49万元【待核实】" in text
    assert "减少15.49%【待核实】" in text
    assert "收入预算6202.69万元，" in text


def test_staffing_and_score_marked_when_their_fields_fail(tmp_path):
    rows = {r[0]: i + 1 for i, r in enumerate(BASIC)}
    findings = [error("STF001", "基本情况", f"B{rows['编制总数']}"), error("XS003", "基本情况", f"B{rows['自评得分']}")]
    text = narrate(tmp_path, findings).text
    assert "离休0名。【待核实】" in text
    assert "绩效评价得分：95分，评价等级为“优”。【待核实】" in text


# ---------------------------------------------------------------- missing parts


def test_missing_sheets_are_said_not_guessed(tmp_path):
    path = tmp_path / "min.xlsx"
    from tests.builders import write_workbook

    write_workbook(path, {"基本情况": [["项目", "内容"], ["单位名称", "测试局"], ["年度", 2024]],
                          "支出": [EXP_HEAD, [None, "支出合计", 10, None, None, None], ["201", "一般公共服务支出", 10, None, None, None]],
                          "绩效指标": [INDICATORS[0]]})
    _, model, findings = check_path(path)
    n = build_narrative(model, findings)
    text = n.text
    assert "本年度未填报收入表。" in text
    assert "2024年支出10万元，其中一般公共服务支出10万元；支出上年数未填列，不作比较；一般公共服务支出上年数未填列，不作比较。" in text
    assert "本年度未填报结转结余情况。" in text
    assert "未填报绩效指标完成情况。" in text
    assert "1.整体情况。未填报预算执行情况。" in text
    assert "2.重点项目（100万元以上）：未填报重点项目表。" in text
    assert "自评得分未填列，无法确定评价等级。" in text
    assert "机构组成情况未填报。" in text and "主要职能未填报。" in text


# ---------------------------------------------------------------- 三、四


def test_indicator_completion_counts_and_unmet_reasons(tmp_path):
    n = narrate(tmp_path)
    text = n.text
    assert "本年度共设置三级绩效指标8个，已完成6个，未完成2个。未完成的指标及偏差原因如下：" in text
    assert "（1）社戒社康报到执行率：年度指标值90%，实际完成值88%。偏差原因：部分人员外出务工，已协调异地报到。" in text
    assert "（2）群众满意度：年度指标值90%，实际完成值85%。偏差原因：未填写偏差原因分析。" in text
    table = next(p for p in n.paragraphs if p.kind == "table" and "绩效指标" in p.text)
    assert table.rows[0] == ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "完成情况"]
    assert table.rows[1] == ["产出指标", "数量指标", "移动警务通", "99台", "99台", "10", "10", "已完成"]
    assert [r[-1] for r in table.rows[1:]].count("未完成") == 2


def test_indicator_outcomes_by_nature(tmp_path):
    head = INDICATORS[0]
    rows = [head,
            ["产出指标", "成本指标", "人均成本", "≤", "100", "元", "120", 10, 8, "物价上涨"],   # ≤ exceeded → unmet
            [None, "数量指标", "培训人次", None, "≥50", "人次", "60", 10, 10, None],          # no 性质: ≥ from text
            ["效益指标", "社会效益指标", "群众认可", "定性", "好", None, "较好", 20, 14, "宣传不足"],  # 70% of 分值 → unmet
            [None, "社会效益指标", "社会影响", "定性", "好", None, "好", 20, 17, None],          # 85% → met
            [None, "可持续影响指标", "长效机制", "定性", "健全", None, "健全", None, None, None]]  # no score → unknown
    text = narrate(tmp_path, 绩效指标=rows).text
    assert "本年度共设置三级绩效指标5个，已完成2个，未完成2个，另有1个无法从表中判断是否完成。" in text
    assert "（1）人均成本：年度指标值100元，实际完成值120元。偏差原因：物价上涨。" in text
    assert "（2）群众认可：年度指标值好，实际完成值较好。偏差原因：宣传不足。" in text


def test_budget_execution_recomputed_and_corrected(tmp_path):
    budget = [BUDGET[0], ["年度资金总额", 1000, 1000, 876.5, 86, 10, 9, "项目跨年实施"],
              ["财政拨款", 1000, 1000, 876.5, 87.65, None, None, None]]
    text = narrate(tmp_path, 预算执行=budget).text
    assert ("2023年度预算执行情况：年度资金总额全年预算数1000万元，全年执行数876.5万元，执行率87.65%"
            "（原表填报86%，已按执行数÷预算数重新计算更正），预算执行得分8.77分（分值10分）"
            "（原表填报9分，已按执行率×分值重新计算更正）。其中：财政拨款全年预算数1000万元，"
            "全年执行数876.5万元，执行率87.65%。说明：项目跨年实施") in text
    assert "（2）自评质量。预算执行率87.65%，整体绩效自评得分为95分。" in text


def test_major_projects_only(tmp_path):
    projects = [["项目名称", "预算数", "执行数", "执行率(%)", "主要内容", "完成情况"],
                ["大项目", 323.41, 200, 61.84, "第一行\n第二行", "按月支付"], ["小项目", 29.52, 29.52, 100, None, None],
                ["未填金额项目", None, None, None, None, None]]
    n = narrate(tmp_path, 重点项目=projects)
    bodies = [p.text for p in n.paragraphs if p.kind == "body"]
    i = bodies.index("2.重点项目（100万元以上）：")
    assert bodies[i + 1:i + 6] == ["项目1：大项目。预算数323.41万元，执行数200万元，执行率61.84%。",
                                   "主要内容：第一行", "第二行", "完成情况：按月支付",
                                   "项目2：未填金额项目。预算数未填列，执行数未填列。"]
    assert "小项目" not in n.text


def test_grades_and_summed_score(tmp_path):
    for score, grade in ((90, "优"), (89.5, "良"), (80, "良"), (79.99, "中"), (60, "中"), (59, "差")):
        basic = [r if r[0] != "自评得分" else ["自评得分", score] for r in BASIC]
        assert f"评价等级为“{grade}”" in narrate(tmp_path, 基本情况=basic).text, score
    basic = [r for r in BASIC if r[0] != "自评得分"]
    text = narrate(tmp_path, 基本情况=basic).text
    # 预算执行得分 10 + Σ 指标得分 85 = 95
    assert "自评得分未填列，按预算执行得分与各指标得分合计为95分，评价等级为“优”。" in text


def test_section_four_lists_errors_not_warnings(tmp_path):
    findings = [error("EXP005", "支出", "E4", "支出 第4行 208 社会保障和就业支出：增减额填报为 -10.32，应为 106.64（增加）"),
                error("IND006", "绩效指标", "J9", "群众满意度未达目标且未说明偏差原因", Severity.WARNING)]
    n = narrate(tmp_path, findings, 支出=CLEAN_EXPENDITURE)
    bodies = [p.text for p in n.paragraphs if p.kind == "body"]
    i = bodies.index("经核对，报表中存在以下须更正的错误：")
    assert bodies[i + 1] == "（1）支出 第4行 208 社会保障和就业支出：增减额填报为 -10.32，应为 106.64（增加）。"
    assert "群众满意度未达目标且未说明偏差原因" not in n.text
    assert bodies[-1] == "对上述核对发现的错误逐项核实更正，更正后重新报送。"
    assert "经核对" not in narrate(tmp_path, 支出=CLEAN_EXPENDITURE).text


def test_many_errors_are_capped(tmp_path):
    findings = [error("TPL003", "收入", f"B{i}", f"第{i}处错误") for i in range(59, 29, -1)]
    n = narrate(tmp_path, findings, 支出=CLEAN_EXPENDITURE)
    assert "（20）第49处错误。" in n.text and "第50处错误" not in n.text
    assert "其余错误详见核对结果“问题清单”。" in n.text


# ---------------------------------------------------------------- templates


def test_wording_can_be_changed_without_python(tmp_path, monkeypatch):
    override = tmp_path / "wording"
    override.mkdir()
    common = environment().loader.get_source(environment(), "common.j2")[0]
    (override / "common.j2").write_text(common.replace("【待核实】", "【请核实】"), encoding="utf-8")
    monkeypatch.setenv(OVERRIDE_ENV, str(override))
    n = narrate(tmp_path, [error("EXP001", "支出", "C2")])
    assert "6202.69万元【请核实】" in n.text and "【待核实】" not in n.text


def test_department_text_is_kept_verbatim(tmp_path):
    basic = [r if r[0] != "存在问题" else ["存在问题", "=HYPERLINK(\"http://x\")\n第二条问题"] for r in BASIC]
    bodies = [p.text for p in narrate(tmp_path, 基本情况=basic).paragraphs if p.kind == "body"]
    assert "=HYPERLINK(\"http://x\")" in bodies and "第二条问题" in bodies


def test_a_broken_template_costs_one_section_only(tmp_path, monkeypatch):
    override = tmp_path / "wording"
    override.mkdir()
    (override / "carryover.j2").write_text("{% macro heading() %}{{ no_such_name }}{% endmacro %}", encoding="utf-8")
    monkeypatch.setenv(OVERRIDE_ENV, str(override))
    n = narrate(tmp_path)
    failed = [p for p in n.paragraphs if p.text.startswith("【本节未能自动生成")]
    assert len(failed) == 1 and "no_such_name" in failed[0].text
    assert "（二）部门财政资金支出情况。" in n.text and "四、评价结论及建议" in n.text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "2", "20", "204", "2040", "20402", "2040201", "205", "20501", "2050101",
                                           "21", "x1", "208", "20801"]), st.booleans(), st.booleans()), max_size=25))
def test_top_rows_are_the_rows_no_other_listed_code_is_a_prefix_of(rows):
    """top_rows looks only at the code lengths present; the same rows as comparing every pair."""
    rows = [SimpleNamespace(code_str=code, is_total=total, is_sub=sub) for code, total, sub in rows]
    coded = [r for r in rows if not r.is_total and not r.is_sub and r.code_str.isdigit()]
    codes = {r.code_str for r in coded}
    expected = [r for r in coded if not any(r.code_str != c and r.code_str.startswith(c) for c in codes)]
    assert top_rows(rows) == expected
