"""Property tests (hypothesis): the number parser, the label normaliser and the
reader never raise, whatever a department types.

The default run is short. For a long session set FUZZ_EXAMPLES, e.g.
``FUZZ_EXAMPLES=3000 pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import os
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconcile.numbers import format_amount, parse_number, parse_percent, round_half_up
from reconcile.pipeline import InputFile, process_file
from reconcile.template.definition import SHEETS
from reconcile.text import normalize_label
from tests.builders import write_workbook
from tests.corpus.generate import good_sheets

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0"))


def budget(default: int) -> settings:
    return settings(max_examples=EXAMPLES or default, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


FULLWIDTH = str.maketrans("0123456789.,-%()", "０１２３４５６７８９．，－％（）")

# Amounts as departments write them: up to 2 decimals, below a trillion.
amounts = st.decimals(min_value=Decimal("-999999999999.99"), max_value=Decimal("999999999999.99"),
                      places=2, allow_nan=False, allow_infinity=False)
# Text that looks like what lands in cells: digits, separators, signs, units, CJK, formulas.
cellish = st.text(alphabet=st.sampled_from(list("0123456789.,-+%()（）０１２３４５６７８９．，－＋％eE ¥￥万元分—–/=@\t\n\u3000约七百"
                                                "abc\u00a0")), max_size=20)


# ---------------------------------------------------------------- the number parser


@budget(300)
@given(st.one_of(st.text(), cellish, st.floats(), st.integers(), st.booleans(), st.none(),
                 st.decimals(allow_nan=True, allow_infinity=True)))
def test_parse_number_never_raises(raw):
    parsed = parse_number(raw)
    assert parsed.value is None or parsed.value.is_finite()
    assert not (parsed.value is not None and parsed.problem is not None)
    if parsed.value is not None:
        # anything parsed can be rounded and shown without an exception
        format_amount(parsed.value)
        round_half_up(parsed.value, parsed.decimals or 0)
    percent = parse_percent(raw, percent_formatted=True)
    assert percent.value is None or percent.value.is_finite()


@budget(200)
@given(amounts)
def test_amount_round_trips_through_every_written_form(value):
    shown = format_amount(value)
    assert parse_number(shown).value == value
    separated = f"{value:,.2f}"
    assert parse_number(separated).value == value
    assert parse_number(separated.translate(FULLWIDTH)).value == value
    assert parse_number(f" {separated}万元 ").value == value
    if value > 0:
        assert parse_number(f"（{separated}）").value == -value
        assert parse_number(f"({shown})").value == -value


@budget(200)
@given(st.decimals(min_value=Decimal("-9999.99"), max_value=Decimal("9999.99"), places=2))
def test_percent_round_trips(value):
    assert parse_percent(f"{value}%").value == value
    assert parse_percent(f"{value} %").value == value
    assert parse_percent(float(value)).value == value
    assert parse_percent(float(value / 100), percent_formatted=True).value == value


@budget(200)
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_float_cells_parse_to_their_shortest_repr(value):
    # what the user typed is the float's shortest repr; float noise below 1e-9 is 0
    expected = Decimal(0) if abs(value) < 1e-9 else Decimal(repr(value))
    assert parse_number(value).value == expected


# ---------------------------------------------------------------- the label normaliser

LABELS = sorted({normalize_label(label) for sd in SHEETS for col in sd.columns
                 for label in (col.label, *col.aliases)})
TEMPLATE_LABELS = sorted({label for sd in SHEETS for col in sd.columns for label in (col.label, *col.aliases)})


@budget(300)
@given(st.one_of(st.text(), st.integers(), st.floats(), st.none(), st.booleans()))
def test_normalize_label_never_raises_and_is_idempotent(value):
    once = normalize_label(value)
    assert isinstance(once, str)
    assert normalize_label(once) == once
    assert not any(ch.isspace() for ch in once)


@budget(300)
@given(st.sampled_from(TEMPLATE_LABELS), st.data())
def test_label_variants_normalise_to_the_label(label, data):
    variant = label
    if data.draw(st.booleans()):
        variant = variant.replace("(", "（").replace(")", "）")
    if data.draw(st.booleans()):
        variant = variant.translate(str.maketrans("%()", "％（）"))
    # whitespace of any kind (line breaks, ideographic and no-break spaces) anywhere
    spaces = data.draw(st.lists(st.tuples(st.integers(0, len(variant)), st.sampled_from([" ", "\n", "\u3000", "\t", "\u00a0", "\r\n"])),
                                max_size=4))
    for pos, space in sorted(spaces, reverse=True):
        variant = variant[:pos] + space + variant[pos:]
    assert normalize_label(variant) == normalize_label(label)


# ---------------------------------------------------------------- the reader

cell_values = st.one_of(
    st.none(),
    st.text(max_size=30).filter(lambda s: s.strip() != ""),
    cellish,
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-10**15, max_value=10**15),
    st.booleans(),
    st.sampled_from(["=1+1", "=HYPERLINK(\"http://x\",\"点此\")", "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3",
                     "—", "-", "（12.5）", "1,234.56", "１２３", "5分", "12.5万元", "10.93%", "合计", "总分", "其中：",
                     "收入合计", "支出合计", "年度资金总额", "产出指标", "单位：元", "本年数", "注：", "#DIV/0!"]),
)


SHEET_NAMES = list(good_sheets())
mutations = st.lists(st.tuples(st.sampled_from(SHEET_NAMES), st.integers(0, 12), st.integers(0, 10), cell_values,
                               st.booleans()), max_size=40)


def _apply(sheets, changes):
    """Put each random value in a cell of the data area (row counted from the header);
    the flag gives the cell a percent format."""
    out = {name: [list(r) for r in rows] for name, rows in sheets.items()}
    percent: dict[str, list[str]] = {}
    for name, offset, col, value, pct in changes:
        rows = out[name]
        header = next((i for i, r in enumerate(rows) if sum(isinstance(v, str) for v in r) >= 2), 0)
        r = header + 1 + offset
        while len(rows) <= r:
            rows.append([])
        rows[r] += [None] * (col + 1 - len(rows[r]))
        rows[r][col] = value
        if pct:
            percent.setdefault(name, []).append(f"{chr(65 + col)}{r + 1}")
    return out, percent


@budget(25)
@given(mutations)
def test_reader_on_random_cell_contents_never_raises(changes):
    sheets, percent = _apply(good_sheets(), changes)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_workbook(Path(tmp) / "fuzz.xlsx", sheets, percent_cells=percent)
        result = process_file(InputFile(path, "fuzz.xlsx", "fuzz"), Path(tmp) / "out", write=False)
    # a valid workbook is never unreadable: its problems are findings
    assert result.status in ("ok", "findings"), (result.error, result.debug)
    assert result.debug is None, result.debug
    internal = [f.message for f in result.findings if "内部错误" in f.message]
    assert not internal, internal
    for f in result.findings:
        assert f.message and f.rule


# ---------------------------------------------------------------- the indicator-value parser


@budget(200)
@given(st.sampled_from([("≥", ">="), ("≤", "<="), (">=", ">="), ("＜＝", "<="), ("=", "=")]),
       st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2),
       st.sampled_from([("万元", "元", 10000), ("元", "元", 1), ("人次", "人次", 1), ("%", "%", 1), ("台", "台", 1),
                        ("万人", "人", 10000)]),
       st.booleans())
def test_indicator_value_round_trips(op, number, unit, fullwidth):
    """A target written as operator + number + unit reads back as exactly that."""
    from reconcile.indicators.values import parse_value

    written, base, scale = unit
    text = f"{op[0]}{format_amount(number)}{written}"
    if fullwidth:
        text = text.translate(FULLWIDTH)
    value = parse_value(text)
    assert value.op == op[1]
    assert value.single is not None, value
    assert (value.single.value, value.single.unit) == (number * scale, base)
