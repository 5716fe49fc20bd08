"""The reader on the layouts departments really send (SPEC §2, issue 2): every
variation is generated here with tests/builders.py, and the test asserts the exact
values and the cells they came from."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reconcile.pipeline import check_path
from tests.builders import write_workbook
from tests.corpus.generate import UNIT, good_sheets, write_good

D = Decimal

BASIC = [["项目", "内容"], ["单位名称", UNIT], ["年度", 2023]]
EXPENDITURE = [["科目编码", "科目名称", "本年数", "上年数", "增减额", "增减率(%)"],
               [None, "支出合计", 1500, 1200, 300, 25]]
INDICATORS = [["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
              ["产出指标", "数量指标", "培训人次", "500", "520", 90, 90]]


def _read(tmp_path, sheets, name="t.xlsx", **kwargs):
    base = {"基本情况": BASIC, "收入": [["收入项目", "本年数", "上年数", "增减额", "增减率(%)"]],
            "支出": EXPENDITURE, "绩效指标": INDICATORS}
    base.update(sheets)
    path = write_workbook(tmp_path / name, base, **kwargs)
    return check_path(path)


def _income(model):
    return [(r.row, r.label.value, r.cur.ref, r.cur.value, r.prev.value, r.delta.value if r.delta else None,
             r.rate.value if r.rate else None) for r in model.income]


def _tpl(findings):
    return sorted((f.rule, f.sheet or "", f.cell or "") for f in findings if f.rule.startswith("TPL"))


# ---------------------------------------------------------------- the good layout


def test_good_workbook_reads_exactly_and_no_template_finding(tmp_path):
    _, model, findings = check_path(write_good(tmp_path / "good.xlsx"))
    assert (model.unit_name, model.year, model.amount_unit) == (UNIT, 2023, "万元")
    assert _income(model) == [
        (4, "收入合计", "B4", D(1500), D(1200), D(300), D(25)),
        (5, "一般公共预算财政拨款", "B5", D(1400), D(1150), D(250), D("21.74")),
        (6, "上年结转", "B6", D(100), D(50), D(50), D(100)),
    ]
    assert model.income[2].note.value == "上年结转资金增加" and model.income[2].note.ref == "F6"
    assert [(r.code_str, r.level, r.cur.ref, r.cur.value, r.basic.value, r.project.value) for r in model.expenditure] == [
        ("", None, "C4", D(1500), D(800), D(700)), ("213", "类", "C5", D(1500), D(800), D(700)),
        ("21301", "款", "C6", D(1500), D(800), D(700)), ("2130101", "项", "C7", D(800), D(800), D(0)),
        ("2130102", "项", "C8", D(700), D(0), D(700))]
    assert model.expenditure[0].is_total
    assert [(r.label, r.full.ref, r.full.value, r.rate.value, r.is_total, r.is_sub) for r in model.budget] == [
        ("年度资金总额", "C2", D(1550), D("96.77"), True, False), ("财政拨款", "C3", D(1450), D("96.55"), False, True),
        ("上年结转", "C4", D(100), D(100), False, True)]
    assert model.budget[0].score.value == D("9.68") and model.budget[0].score.ref == "G2"
    assert [(r.level1.value, r.level2.value, r.label, r.weight.value, r.score.ref) for r in model.indicators] == [
        ("产出指标", "数量指标", "培训农民人次", 20, "I2"), ("产出指标", "质量指标", "培训合格率", 20, "I3"),
        ("产出指标", "时效指标", "按期完成率", 10, "I4"), ("效益指标", "社会效益指标", "带动农户增收", 20, "I5"),
        ("效益指标", "可持续影响指标", "长效机制", 10, "I6"), ("满意度指标", "服务对象满意度指标", "农户满意度", 10, "I7")]
    assert model.indicators[1].level1.origin == "A2"
    assert [(r.label, r.closing.ref, r.closing.value) for r in model.carryover] == [("213 农林水支出", "F2", D(50))]
    assert [(r.label, r.rate.value) for r in model.projects] == [("高标准农田建设", D(100))]
    assert model.basic.number("self_score") == D("99.68")
    assert _tpl(findings) == []


# ---------------------------------------------------------------- where the table sits


def test_title_rows_unit_line_blank_rows_and_merged_title(tmp_path):
    income = [
        ["2023年度部门收入情况表"],
        [],
        ["编制单位：测试县农业农村局", None, None, "单位：万元"],
        [],
        [None, "收入项目", "本年数", "上年数", "增减额", "增减率(%)", "说明"],
        [],
        [None, "收入合计", 1500, 1200, 300, 25],
        [],
        [None, "一般公共预算财政拨款", 1500, 1200, 300, 25],
    ]
    _, model, findings = _read(tmp_path, {"收入": income}, merges={"收入": ["A1:G1"]})
    assert model.tables["income"].header_rows == (5,)
    assert model.tables["income"].unit == "万元"
    assert _income(model) == [(7, "收入合计", "C7", D(1500), D(1200), D(300), D(25)),
                              (9, "一般公共预算财政拨款", "C9", D(1500), D(1200), D(300), D(25))]
    assert _tpl(findings) == []


def test_yuan_line_converts_that_sheet_to_wanyuan(tmp_path):
    income = [["单位：元"], ["收入项目", "本年数", "上年数", "增减额", "增减率(%)"],
              ["收入合计", 15000000, "12,000,000.00", 3000000, 25]]
    _, model, _ = _read(tmp_path, {"收入": income})
    total = model.income_total
    assert model.tables["income"].unit == "元" and model.tables["expenditure"].unit == "万元"
    assert (total.cur.value, total.cur.stated, total.prev.value, total.delta.value) == (D(1500), D(15000000), D(1200), D(300))
    assert total.rate.value == D(25)                      # a rate is not an amount


def test_unit_in_the_header_label(tmp_path):
    income = [["收入项目", "本年数（元）", "上年数（元）", "增减额（元）", "增减率（%）"], ["收入合计", 10000, 20000, -10000, -50]]
    _, model, findings = _read(tmp_path, {"收入": income})
    assert model.tables["income"].unit == "元"
    assert (model.income_total.cur.value, model.income_total.rate.value) == (D(1), D(-50))
    assert _tpl(findings) == []


def test_extra_and_reordered_columns(tmp_path):
    income = [["序号", "说明", "增减率(%)", "上年数", "收入项目", "备注2", "本年数", "增减额"],
              [1, "口径调整", 25, 1200, "收入合计", "x", 1500, 300]]
    _, model, findings = _read(tmp_path, {"收入": income})
    cols = model.tables["income"].columns
    assert cols == {"note": 1, "rate": 2, "prev": 3, "label": 4, "cur": 6, "delta": 7}
    assert _income(model) == [(2, "收入合计", "G2", D(1500), D(1200), D(300), D(25))]
    assert model.income[0].note.value == "口径调整"
    assert _tpl(findings) == []


@pytest.mark.parametrize("labels", [
    ["收入项目", "本年数", "上年数", "增减额", "增减率（%）"],            # full-width brackets
    ["收 入 项 目", "本年数 ", "　上年数", "增减额", "增减率 (%)"],        # spaces, ideographic space
    ["收入项目", "本年\n数", "上年\r\n数", "增减\n额", "增减率\n(%)"],      # line breaks
    ["收入项目", "本年数", "上年数", "增减额", "增减率[％]"],             # other brackets, full-width %
    ["收入项目：", "本年数（万元）", "上年数(万元)", "增减额（万元）", "增减率(%)"],  # colon, unit in the label
])
def test_label_variants(tmp_path, labels):
    income = [labels, ["收入合计", 1500, 1200, 300, 25]]
    _, model, findings = _read(tmp_path, {"收入": income})
    assert model.tables["income"].missing == ("note",)
    assert _income(model) == [(2, "收入合计", "B2", D(1500), D(1200), D(300), D(25))]
    assert _tpl(findings) == []


def test_two_row_header_score_over_weight_and_score(tmp_path):
    indicators = [
        ["一级指标", "二级指标", "三级指标", "指标性质", "年度\n指标值", "度量单位", "实际完成值", "评分", None, "偏差原因分析及改进措施"],
        [None, None, None, None, None, None, None, "分值", "得分", None],
        ["产出指标", "数量指标", "培训人次", "≥", "500", "人次", "520", 90, 88, "个别乡镇延期"],
    ]
    _, model, findings = _read(tmp_path, {"绩效指标": indicators}, merges={"绩效指标": ["H1:I1"]})
    table = model.tables["indicators"]
    assert table.header_rows == (1, 2) and table.missing == ()
    (row,) = model.indicators
    assert (row.row, row.target.value, row.weight.ref, row.weight.value, row.score.ref, row.score.value) == (
        3, "500", "H3", D(90), "I3", D(88))
    assert row.deviation.value == "个别乡镇延期"
    assert _tpl(findings) == []


def test_header_labels_merged_down_over_two_rows(tmp_path):
    indicators = [
        ["一级指标", "二级指标", "三级指标", "指标值", None, "评分", None],
        [None, None, None, "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "培训人次", "500", "520", 90, 90],
    ]
    _, model, findings = _read(tmp_path, {"绩效指标": indicators},
                               merges={"绩效指标": ["A1:A2", "B1:B2", "C1:C2", "D1:E1", "F1:G1"]})
    assert model.tables["indicators"].header_rows == (1, 2)
    (row,) = model.indicators
    assert (row.level3.value, row.level3.ref, row.target.value, row.actual.value, row.score.ref) == (
        "培训人次", "C3", "500", "520", "G3")
    assert _tpl(findings) == []


# ---------------------------------------------------------------- indicator groups


def test_level_names_as_merged_cells(tmp_path):
    indicators = [
        INDICATORS[0],
        ["产出指标", "数量指标", "培训人次", "500", "520", 20, 20],
        [None, None, "培训场次", "10", "10", 20, 20],
        [None, "质量指标", "合格率", "95%", "96%", 20, 20],
        ["效益指标", "社会效益指标", "增收户数", "300", "320", 30, 30],
    ]
    _, model, findings = _read(tmp_path, {"绩效指标": indicators}, merges={"绩效指标": ["A2:A4", "B2:B3"]})
    got = [(r.row, r.level1.value, r.level1.origin, r.level2.value, r.level2.origin, r.label) for r in model.indicators]
    assert got == [
        (2, "产出指标", None, "数量指标", None, "培训人次"),
        (3, "产出指标", "A2", "数量指标", "B2", "培训场次"),
        (4, "产出指标", "A2", "质量指标", None, "合格率"),
        (5, "效益指标", None, "社会效益指标", None, "增收户数"),
    ]
    assert _tpl(findings) == []


def test_level_names_only_on_the_first_row_of_their_group(tmp_path):
    indicators = [
        INDICATORS[0],
        ["产出指标", "数量指标", "培训人次", "500", "520", 20, 20],
        [None, None, "培训场次", "10", "10", 20, 20],
        [None, "时效指标", "按期完成率", "100%", "100%", 20, 20],
        ["满意度指标", "服务对象满意度指标", "满意度", "90%", "95%", 30, 30],
        [None, None, "投诉处理率", "100%", "100%", 0, 0],
    ]
    _, model, _ = _read(tmp_path, {"绩效指标": indicators})
    got = [(r.level1.value, r.level1.origin, r.level2.value, r.level2.origin) for r in model.indicators]
    assert got == [("产出指标", None, "数量指标", None), ("产出指标", "A2", "数量指标", "B2"),
                   ("产出指标", "A2", "时效指标", None), ("满意度指标", None, "服务对象满意度指标", None),
                   ("满意度指标", "A5", "服务对象满意度指标", "B5")]


@pytest.mark.parametrize("label", ["合计", "总分", "合　计", "合计得分"])
def test_total_row_under_the_indicator_table(tmp_path, label):
    indicators = [*INDICATORS, [label, None, None, None, None, 90, 88], [], ["注：得分按评分标准计算。"]]
    _, model, _ = _read(tmp_path, {"绩效指标": indicators})
    assert [r.label for r in model.indicators] == ["培训人次"]
    total = model.tables["indicators"].total
    assert (total["weight"].ref, total["weight"].value, total["score"].ref, total["score"].value) == ("F3", 90, "G3", 88)


def test_repeated_header_rows_and_footer_notes(tmp_path):
    header = ["收入项目", "本年数", "上年数", "增减额", "增减率(%)"]
    income = [header, ["收入合计", 1500, 1200, 300, 25], header,
              ["一般公共预算财政拨款", 1500, 1200, 300, 25], [],
              ["注：本表金额单位为万元。"], ["填表人：张三", None, "联系电话：123"], ["单位负责人：李四"]]
    _, model, findings = _read(tmp_path, {"收入": income})
    assert [(r.row, r.label.value) for r in model.income] == [(2, "收入合计"), (4, "一般公共预算财政拨款")]
    assert _tpl(findings) == []


# ---------------------------------------------------------------- numbers as text


@pytest.mark.parametrize("raw,value", [
    ("1,500.00", D("1500.00")), ("1，500", D(1500)), ("１５００．５", D("1500.5")), (" 1500 ", D(1500)),
    ("（12.5）", D("-12.5")), ("(12.5)", D("-12.5")), ("-12.5", D("-12.5")), ("12.5万元", D("12.5")),
    ("￥1,500", D(1500)), (1500.0, D(1500)), (1500, D(1500)), ("1.5e3", D("1.5e3")),
])
def test_amounts_in_every_written_form(tmp_path, raw, value):
    income = [["收入项目", "本年数", "上年数", "增减额", "增减率(%)"], ["收入合计", raw, 1000, None, None]]
    _, model, findings = _read(tmp_path, {"收入": income})
    cur = model.income_total.cur
    assert (cur.ref, cur.value, cur.raw) == ("B2", value, raw)
    assert _tpl(findings) == []


@pytest.mark.parametrize("raw", ["—", "-", "——", "－", "", "  ", "/", "无"])
def test_empty_markers_are_blank_not_errors(tmp_path, raw):
    income = [["收入项目", "本年数", "上年数", "增减额", "增减率(%)"], ["收入合计", 1500, raw, None, raw]]
    _, model, findings = _read(tmp_path, {"收入": income})
    total = model.income_total
    assert total.prev.blank and total.rate.blank and total.prev.ref == "C2"
    assert _tpl(findings) == []


def test_scores_with_units(tmp_path):
    indicators = [INDICATORS[0], ["产出指标", "数量指标", "培训人次", "500", "520", "90分", "８８．５分"]]
    _, model, findings = _read(tmp_path, {"绩效指标": indicators})
    (row,) = model.indicators
    assert (row.weight.value, row.score.value) == (D(90), D("88.5"))
    assert _tpl(findings) == []


@pytest.mark.parametrize("raw,percent_format,value", [
    (10.93, False, D("10.93")), ("10.93", False, D("10.93")), ("10.93%", False, D("10.93")),
    ("10.93 %", False, D("10.93")), ("１０．９３％", False, D("10.93")), (0.1093, True, D("10.93")),
    (-0.1549, True, D("-15.49")), (1, True, D(100)), ("（10.93）", False, D("-10.93")),
])
def test_percentages_in_every_form(tmp_path, raw, percent_format, value):
    income = [["收入项目", "本年数", "上年数", "增减额", "增减率(%)"], ["收入合计", 1500, 1200, 300, raw]]
    _, model, findings = _read(tmp_path, {"收入": income}, percent_cells={"收入": ["E2"] if percent_format else []})
    rate = model.income_total.rate
    assert (rate.ref, rate.value) == ("E2", value)
    assert _tpl(findings) == []


def test_year_and_codes_written_as_text_or_numbers(tmp_path):
    basic = [["项目", "内容"], ["单位名称：", f" {UNIT} "], ["年度", "2023年"], ["金额单位", "万元"]]
    expenditure = [EXPENDITURE[0], EXPENDITURE[1], ["213", "农林水支出", 1500, 1200, 300, 25],
                   [21301.0, "农业农村", 1500, 1200, 300, 25], [None, "2130101 行政运行", 1500, 1200, 300, 25]]
    _, model, findings = _read(tmp_path, {"基本情况": basic, "支出": expenditure})
    assert (model.unit_name, model.year) == (UNIT, 2023)
    assert [(r.code_str, r.name.value, r.level) for r in model.expenditure] == [
        ("", "支出合计", None), ("213", "农林水支出", "类"), ("21301", "农业农村", "款"), ("2130101", "行政运行", "项")]
    assert _tpl(findings) == []


# ---------------------------------------------------------------- TPL001–TPL006


def _findings(tmp_path, sheets=None, **kwargs):
    _, _, findings = check_path(write_good(tmp_path / "x.xlsx", sheets, **kwargs))
    return findings


def test_tpl_rules_silent_on_a_correct_workbook(tmp_path):
    assert _tpl(_findings(tmp_path)) == []


def test_tpl001_required_sheet_missing(tmp_path):
    sheets = good_sheets()
    del sheets["绩效指标"]
    (f,) = [f for f in _findings(tmp_path, sheets) if f.rule == "TPL001"]
    assert (f.severity.value, f.sheet, f.cell, f.row_label, f.expected) == ("error", None, None, "绩效指标", "绩效指标")
    assert "缺少必需的工作表“绩效指标”（工作簿中的工作表：填报说明、基本情况、收入、支出、结转结余、预算执行、重点项目）" in f.message


def test_tpl001_sheet_without_its_table(tmp_path):
    sheets = good_sheets()
    sheets["收入"] = [["这里什么表也没有"], ["只是一些文字"]]
    (f,) = [f for f in _findings(tmp_path, sheets) if f.rule == "TPL001"]
    assert (f.sheet, f.cell) == ("收入", None)
    assert "找不到“收入”表的表头" in f.message


def test_tpl002_required_column_missing(tmp_path):
    sheets = good_sheets()
    sheets["支出"] = [[v for i, v in enumerate(row) if i != 4] for row in sheets["支出"]]   # drop 增减额
    got = [(f.rule, f.sheet, f.cell, f.expected) for f in _findings(tmp_path, sheets, merges={}) if f.rule == "TPL002"]
    assert got == [("TPL002", "支出", None, "增减额")]


def test_tpl002_optional_column_missing_is_silent(tmp_path):
    sheets = good_sheets()
    sheets["支出"] = [row[:6] for row in sheets["支出"]]                        # no 基本支出/项目支出/说明
    assert _tpl(_findings(tmp_path, sheets, merges={})) == []


def test_tpl003_text_where_a_number_belongs(tmp_path):
    sheets = good_sheets()
    sheets["收入"][3][2] = "一千二百"                                           # C4
    sheets["预算执行"][1][4] = "96.77%%"                                        # E2
    got = [(f.rule, f.severity.value, f.sheet, f.cell, f.row_label, f.actual) for f in _findings(tmp_path, sheets)
           if f.rule == "TPL003"]
    assert got == [("TPL003", "error", "收入", "C4", "收入合计", "一千二百"),
                   ("TPL003", "error", "预算执行", "E2", "年度资金总额", "96.77%%")]


def test_tpl004_required_field_empty(tmp_path):
    sheets = good_sheets()
    sheets["基本情况"][2][1] = None                                              # 单位名称 B3
    del sheets["基本情况"][3]                                                   # no 年度 row at all
    got = [(f.rule, f.sheet, f.cell, f.row_label) for f in _findings(tmp_path, sheets) if f.rule == "TPL004"]
    assert got == [("TPL004", "基本情况", None, "年度"), ("TPL004", "基本情况", "B3", "单位名称")]


def test_tpl005_formula_without_cached_value(tmp_path):
    # xlsxwriter writes a cached value (0 here); openpyxl writes none
    import openpyxl

    path = write_good(tmp_path / "f.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["收入"]["D4"] = "=B4-C4"
    wb.save(path)
    _, model, findings = check_path(path)
    got = [(f.rule, f.severity.value, f.sheet, f.cell, f.row_label) for f in findings if f.rule == "TPL005"]
    assert got == [("TPL005", "warning", "收入", "D4", "收入合计")]
    assert model.income_total.delta.formula_without_value and model.income_total.delta.blank


def test_tpl005_silent_when_the_formula_has_its_value(tmp_path):
    path = write_good(tmp_path / "f.xlsx", formulas={"收入": {"D4": "=B4-C4"}})
    _, model, findings = check_path(path)
    assert model.income_total.delta.value == 0                                 # the cached value, as Excel saved it
    assert _tpl(findings) == []


def test_tpl006_hidden_sheet_and_rows(tmp_path):
    import openpyxl

    path = write_good(tmp_path / "h.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["结转结余"].sheet_state = "hidden"
    wb["收入"].row_dimensions[5].hidden = True
    wb["收入"].row_dimensions[6].hidden = True
    wb.save(path)
    _, model, findings = check_path(path)
    got = [(f.rule, f.severity.value, f.sheet, f.cell, f.message) for f in findings if f.rule == "TPL006"]
    assert got == [("TPL006", "info", "收入", None, "工作表“收入”有隐藏的行（第 5、6 行）；这些行照常读取和核对"),
                   ("TPL006", "info", "结转结余", None, "工作表“结转结余”是隐藏的；其内容照常读取和核对")]
    assert [r.label.value for r in model.income] == ["收入合计", "一般公共预算财政拨款", "上年结转"]


# ---------------------------------------------------------------- cells Excel shows differently from their value


def test_error_cells_are_reported_not_read_as_blank(tmp_path):
    """calamine reads #DIV/0! and #REF! as empty strings: a broken 合计 must not pass for a blank."""
    import xlsxwriter

    path = tmp_path / "e.xlsx"
    sheets = good_sheets()
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is not None:
                    ws.write(r, c, v)
    wb.get_worksheet_by_name("收入").write_formula("B4", "=SUM(B5:B9)/0", None, "#DIV/0!")
    wb.get_worksheet_by_name("支出").write_formula("D5", "=#REF!", None, "#REF!")
    wb.close()
    _, model, findings = check_path(path)
    assert model.income_total.cur.raw == "#DIV/0!" and model.income_total.cur.value is None
    got = [(f.rule, f.sheet, f.cell, f.actual) for f in findings if f.rule == "TPL003"]
    assert got == [("TPL003", "支出", "D5", "#REF!"), ("TPL003", "收入", "B4", "#DIV/0!")]


@pytest.mark.parametrize("fmt,value", [("0.00%", D("10.93")), ('0.00"%"', D("0.1093")), ("0.00\\%", D("0.1093"))])
def test_only_a_real_percent_format_scales_by_100(tmp_path, fmt, value):
    import xlsxwriter

    path = tmp_path / "p.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    for name, rows in {"基本情况": BASIC, "收入": [["收入项目", "本年数", "上年数", "增减额", "增减率(%)"]],
                       "支出": EXPENDITURE, "绩效指标": INDICATORS}.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is not None:
                    ws.write(r, c, v)
    ws = wb.get_worksheet_by_name("收入")
    ws.write_row(1, 0, ["收入合计", 1500, 1200, 300])
    ws.write_number(1, 4, 0.1093, wb.add_format({"num_format": fmt}))
    wb.close()
    _, model, _ = check_path(path)
    assert model.income_total.rate.value == value


@pytest.mark.parametrize("raw", [2023, "2023", "2023年", "2023年度", " ２０２３年度 "])
def test_year_as_written(tmp_path, raw):
    basic = [["项目", "内容"], ["单位名称", UNIT], ["年度", raw]]
    _, model, findings = _read(tmp_path, {"基本情况": basic})
    assert model.year == 2023 and model.basic.fields["year"].ref == "B3"
    assert _tpl(findings) == []


def test_year_that_is_not_a_year(tmp_path):
    basic = [["项目", "内容"], ["单位名称", UNIT], ["年度", "去年"]]
    _, model, findings = _read(tmp_path, {"基本情况": basic})
    assert model.year is None
    assert _tpl(findings) == [("TPL003", "基本情况", "B3"), ("TPL004", "基本情况", "B3")]
