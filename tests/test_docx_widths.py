"""Text widths in the .docx tables (reconcile/narrative/docx.py) against the
straightforward count, character by character: a character from U+2E80 on (CJK and
the rest of the wide characters) counts two digits, any other one."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

import reconcile.narrative.docx as docx_writer

_NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?%?$")


def width(text: str) -> int:
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def column_facts(column: tuple[str, ...]) -> tuple[bool, int]:
    return all(_NUMBER.match(c) for c in column if c), max((width(c) for c in column), default=0)


# ASCII, CJK and full-width punctuation (wide, three bytes in UTF-8), curly quotes and
# dashes (narrow, three bytes), "·" and "é" (narrow, two bytes), astral characters (wide,
# four bytes), a lone surrogate, the column joiner and line breaks
_ALPHABET = "0123456789,.-% aZ年度指标（）：，、％" + "“”—·é" + "𠀀𝟘" + "\ud800" + "\0\n\t"
_TEXT = st.one_of(st.text(alphabet=_ALPHABET, max_size=12), st.text(alphabet="0123456789年度（），", max_size=12),
                  st.from_regex(r"-?[\d,]{1,6}(\.\d{1,2})?%?", fullmatch=True), st.text(max_size=6))


@settings(max_examples=1500, deadline=None)
@given(st.lists(_TEXT, max_size=12).map(tuple))
def test_column_facts_as_counted_cell_by_cell(column):
    assert docx_writer._column_facts(column) == column_facts(column)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=20) | st.text(max_size=10))
def test_shown_as_counted_character_by_character(text):
    assert docx_writer._shown(text) == width(text)


def test_the_quick_path_is_taken_and_right_for_cjk_columns():
    column = ("行政运行", "一般公共服务支出（合计）", "abc", "", "年度，指标、完成")
    assert docx_writer._NOT_ASCII_OR_BMP_WIDE.search("\0".join(column)) is None
    assert docx_writer._column_facts(column) == (False, 24) == column_facts(column)
    assert docx_writer._column_facts(("“引号”", "𠀀")) == (False, 6) == column_facts(("“引号”", "𠀀"))
