"""The indicator-value parser, the unit-price reader and the scoring formulas."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.indicators.names import level_key, similar_items
from reconcile.indicators.scoring import qualitative_band, quantitative_score
from reconcile.indicators.unitcost import parse_unit_cost
from reconcile.indicators.values import chinese_number, parse_nature, parse_unit, parse_value

D = Decimal


@pytest.mark.parametrize("text, op, numbers, unit", [
    ("≥95%", ">=", ["95"], "%"),
    ("＞＝９５％", ">=", ["95"], "%"),
    ("99 台", None, ["99"], "台"),
    ("总计 25.248 万元", None, ["252480"], "元"),
    ("≤90万元", "<=", ["900000"], "元"),
    ("每季度4次", None, ["4"], "次"),
    ("分别 72 人、25 人", None, ["72", "25"], "人"),
    ("前端在线率 95%以上", ">=", ["95"], "%"),
    ("不超过 3 天", "<=", ["3"], "天"),
    ("30日内", "<=", ["30"], "天"),
    ("4.76 万人", None, ["47600"], "人"),
    ("三万份", None, ["30000"], "份"),
    ("1,234.5 元", None, ["1234.5"], "元"),
])
def test_parse_quantitative(text, op, numbers, unit):
    v = parse_value(text)
    assert v.op == op
    assert [q.value for q in v.quantities] == [D(n) for n in numbers]
    assert {q.unit for q in v.quantities} == {unit}
    assert not v.qualitative


def test_parse_period_qualitative_and_column_unit():
    assert parse_value("每季度4次").period == "季度"
    assert parse_value("每月开展一次禁毒宣传").period == "月"
    q = parse_value("定性优良中低差")
    assert q.qualitative and not q.has_number and q.grade is None
    assert parse_value("优").grade == "优" and parse_value("良好").grade == "良"
    assert parse_value("部分达成年度指标").achievement == "部分达成"
    assert parse_value("未达成").achievement == "未达成"
    assert parse_value("达成年度指标").achievement == "达成"
    v = parse_value("25.248", "万元")
    assert v.single.value == D("252480") and v.single.unit == "元" and v.single.unit_label == "万元"
    assert parse_value("99 台", "个").single.unit == "台"  # the text's own unit wins
    assert parse_value("2023年12月底前").is_date
    assert parse_value(95).single.value == 95 and parse_value(0.5).single.value == D("0.5")
    assert parse_value(None).empty


def test_nature_unit_and_numerals():
    assert [parse_nature(x) for x in ("≥", "＞", "正向", "反向", "≤", "=", "定性", "", None, "x")] == \
        [">=", ">=", ">=", "<=", "<=", "=", "qual", None, None, None]
    assert parse_unit("万元") == ("元", D(10000)) and parse_unit("台") == ("台", D(1)) and parse_unit(" ") is None
    assert parse_unit("元/人") == ("元/人", D(1))
    assert [chinese_number(x) for x in ("三万", "十二", "一百零五", "两", "一二", "")] == [30000, 12, 105, 2, None, None]


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="0123456789.,%≥≤<>=万元人次每月季度年（）() 分别、定性优良中达成未-一二三十百千"),
                 st.integers(), st.floats(allow_nan=True), st.none()),
       st.one_of(st.none(), st.text(max_size=5)))
def test_parse_value_never_raises(raw, unit):
    v = parse_value(raw, unit)
    assert isinstance(v.raw, str)
    for q in v.quantities:
        assert q.value.is_finite()


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="0123456789.每人套月季年元万（）()共计合计总/ 均")))
def test_unit_cost_and_names_never_raise(raw):
    parse_unit_cost(raw)
    level_key(raw)
    level_key(raw, 2)
    similar_items(raw, raw + "费")
    parse_nature(raw)
    parse_unit(raw)


def test_unit_cost_reads_price_per_period_total():
    uc = parse_unit_cost("每人每月 375 元（337500 元）")
    assert (uc.price, uc.per, uc.period, uc.factor, uc.total) == (375, "人", "月", 12, 337500)
    uc = parse_unit_cost("年体检预计 375 元每人（283500 元）")
    assert (uc.price, uc.per, uc.factor, uc.total) == (375, "人", 1, 283500)
    uc = parse_unit_cost("专职人员 7 人，每人每年 4.5 万元包干（31.5万元）")
    assert (uc.price, uc.per, uc.total, [q.value for q in uc.own_quantities]) == (45000, "人", 315000, [7])
    assert parse_unit_cost("每人每月375元，10个月（3750元）").factor == 10
    # no stated total, no unit, two prices: nothing to check
    for text in ("打击查处强戒每人需 2500 元左右", "支付租赁费 56.76 万元", "服务费每年 323.4060 万元",
                 "每人 300 元或 400 元（1000 元）", "375 元（337500 元）", None, ""):
        assert parse_unit_cost(text) is None


@pytest.mark.parametrize("op, target, actual, weight, expected", [
    (">=", "99", "95", "10", "9.60"),
    (">=", "99", "120", "10", "10"),
    (">=", "0", "5", "10", "10"),
    (">=", "95", "-3", "10", "0"),
    ("=", "0", "0", "5", "5"),
    ("=", "0", "1", "5", "0"),
    ("=", "100", "80", "5", "4.00"),
    ("<=", "90", "80", "10", "10"),
    ("<=", "90", "135", "10", "5.00"),
    ("<=", "90", "180", "10", "0"),
    ("<=", "90", "200", "10", "0"),
    ("<=", "0", "1", "10", "0"),
    (">", "10", "5", "10", "5.00"),
])
def test_quantitative_score(op, target, actual, weight, expected):
    assert quantitative_score(op, D(target), D(actual), D(weight)) == D(expected)


def test_reverse_ratio_and_half_up():
    assert quantitative_score("<=", D(90), D(135), D(10), "ratio") == D("6.67")
    assert quantitative_score(">=", D(8), D(1), D("0.1")) == D("0.01")  # 0.0125 → 0.01
    assert quantitative_score(">=", D(200), D(1), D(1)) == D("0.01")    # 0.005 → 0.01 (half-up)


def test_qualitative_bands():
    band = qualitative_band(parse_value("部分达成"), D(10))
    assert (band.name, band.low, band.high) == ("部分达成", D(6), D(8))
    assert qualitative_band(parse_value("达成"), D(10)).low == D(8)
    assert qualitative_band(parse_value("未完成"), D(10)).high == D(6)
    assert qualitative_band(parse_value("良"), D(10)).name == "达成"
    assert qualitative_band(parse_value("良"), D(10), grade_bands={"良": "部分达成"}).name == "部分达成"
    assert qualitative_band(parse_value("差"), D(10), edges=(D(80), D(50))).high == D(5)
    assert qualitative_band(parse_value("见附件"), D(10)) is None


def test_level_names():
    assert {level_key(x) for x in ("产出指标(50分)", "一、产出", "产出指标（50）", "产出", " 产出指标 ")} == {"产出"}
    assert level_key("满意度指标 10分") == "满意度"
    assert level_key("生态(环境)效益指标", 2) == "生态效益"
    assert level_key("社会公众满意度", 2) == "服务对象满意度"
    assert similar_items("医疗及体检", "人犯医疗及体检费") and similar_items("人犯供养", "人犯供养费")
    assert not similar_items("人犯供养", "人犯异地羁押交通保障经费") and not similar_items("费", "经费")
