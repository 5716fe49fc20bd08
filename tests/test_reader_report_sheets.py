"""The reader ignores the report sheets an annotated workbook (X_核对.xlsx) carries."""

from reconcile.pipeline import check_path
from tests.builders import write_workbook


def test_report_sheets_are_not_taken_for_template_tables(tmp_path):
    # 问题清单 quoting 重点项目 labels, and no 重点项目 sheet: without the rule the
    # reader would find the 重点项目 table in 问题清单 by its header.
    path = write_workbook(tmp_path / "a_核对.xlsx", {
        "核对摘要": [["单位名称", "测试局"]],
        "问题清单": [["项目名称", "预算数", "执行数", "执行率(%)", "主要内容", "完成情况"], ["某项目", 1, 2, 3]],
        "自评报告": [["资金来源", "全年预算数", "全年执行数"]],
        "基本情况": [["项目", "内容"], ["单位名称", "测试局"], ["年度", 2023]],
        "收入": [["收入项目", "本年数", "上年数", "增减额", "增减率(%)"], ["收入合计", 1, 1, 0, 0]],
        "支出": [["科目编码", "科目名称", "本年数", "上年数", "增减额", "增减率(%)"]],
        "绩效指标": [["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]],
    })
    _, model, findings = check_path(path)
    assert "projects" not in model.tables and "budget" not in model.tables
    assert not model.projects and not model.budget
    assert not [f for f in findings if f.rule == "TPL006"]
