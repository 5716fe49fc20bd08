from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.numbers import format_amount, format_rate, parse_number, parse_percent, round_half_up
from reconcile.text import normalize_label


@pytest.mark.parametrize("raw, value", [
    (6202.69, "6202.69"), (2023.0, "2023"), (5, "5"), ("1,234.56", "1234.56"), ("１２３．５", "123.5"),
    ("（12.5）", "-12.5"), ("(12.5)", "-12.5"), ("-761.01", "-761.01"), ("5分", "5"), ("12.5万元", "12.5"),
    (" 486.20 ", "486.20"), ("10.93%", "10.93"), ("10.93 %", "10.93"), ("￥1,000", "1000"),
])
def test_parse_number_forms(raw, value):
    assert parse_number(raw).value == Decimal(value)


@pytest.mark.parametrize("raw", [None, "", "—", "-", "——", "  ", "－"])
def test_empty_markers(raw):
    parsed = parse_number(raw)
    assert parsed.value is None and parsed.problem is None


@pytest.mark.parametrize("raw", ["约六千万", "abc", "1.2.3", True])
def test_not_a_number_has_problem(raw):
    parsed = parse_number(raw)
    assert parsed.value is None and parsed.problem


def test_percent_forms_all_mean_the_same():
    assert parse_percent(10.93).value == Decimal("10.93")
    assert parse_percent("10.93%").value == Decimal("10.93")
    assert parse_percent("10.93 %").value == Decimal("10.93")
    assert parse_percent(0.1093, percent_formatted=True).value == Decimal("10.93")
    assert parse_percent(31.4).decimals == 1


def test_half_up_not_bankers():
    assert round_half_up(Decimal("0.125")) == Decimal("0.13")
    assert round_half_up(Decimal("144.125")) == Decimal("144.13")
    assert round_half_up(Decimal("-0.125")) == Decimal("-0.13")


def test_amount_formatting_like_the_seed():
    assert format_amount(Decimal("486.20")) == "486.2"
    assert format_amount(Decimal("10.00")) == "10"
    assert format_amount(Decimal("6202.69")) == "6202.69"
    assert format_rate(Decimal("10.928")) == "10.93"



def _format_amount_by_normalize(value: Decimal) -> str:
    """The former format_amount (normalize, then back to an integer exponent)."""
    d = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    if d == d.to_integral():
        d = d.quantize(Decimal(1))
    text = format(d, "f")
    return "0" if text in ("-0", "0") else text


@settings(max_examples=3000, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=Decimal("-1e14"), max_value=Decimal("1e14"),
                   places=None))
def test_amount_formatting_unchanged_by_the_fast_path(value):
    assert format_amount(value) == _format_amount_by_normalize(value)
    assert format_rate(value) == format(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f")
    for places in (0, 1, 2, 4, 12):
        expected = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        assert round_half_up(value, places).as_tuple() == expected.as_tuple()


@pytest.mark.parametrize("raw", ["NaN", "0", "-0", "-0.001", "0.005", "-0.005", "-0.004", "100", "1E+5", "-1E+3", "1E-9",
                                 "0E-5", "-0E+3", "1.000", "99999999999999.995", "12.3450"])
def test_amount_formatting_edge_values(raw):
    assert format_amount(Decimal(raw)) == _format_amount_by_normalize(Decimal(raw))
    assert format_rate(Decimal(raw)) == format(Decimal(raw).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f")


def test_label_normalisation():
    assert normalize_label("增减率（%）") == normalize_label("增减率(%)")
    assert normalize_label("年度\n指标值") == "年度指标值"
    assert normalize_label("　本年数 ") == "本年数"
    assert normalize_label("单位名称：") == "单位名称"
