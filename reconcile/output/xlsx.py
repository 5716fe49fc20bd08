"""What the two workbook writers (X_核对.xlsx, 汇总.xlsx) share.

Safety first: every workbook is opened with ``strings_to_formulas`` and
``strings_to_urls`` off, and every cell is written with an explicit
``write_string`` / ``write_number`` / …, so text that came from a department
("=HYPERLINK(…)", "=cmd|' /C calc'!A0") is always stored as text, never as a
formula or a link. Workbooks are written to a temporary file and renamed
(:func:`reconcile.output.atomic.atomic_path`).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import gc
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from functools import reduce
from operator import add
from pathlib import Path
from typing import Any

from reconcile.findings import Finding, Severity
from reconcile.output.atomic import atomic_path

WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
                    "in_memory": True}   # no temporary file per XML part: ~2x faster

MAX_STRING = 32767          # Excel's limit for a cell's text
MAX_COMMENT = 32767
MAX_LINKS = 65530           # hyperlinks per worksheet (Excel's limit)
SHEET_NAME_MAX = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")

# Fills: error red, warning yellow, explained warning grey-green, info light blue.
FILL = {
    "error": "#FFC7CE",
    "warning": "#FFEB9C",
    "explained": "#D8E4BC",
    "info": "#DDEBF7",
}
FONT = {"error": "#9C0006", "warning": "#7F6000", "explained": "#375623", "info": "#1F4E79"}
LEGEND = (
    ("error", "红色：错误（基本平衡、逻辑关系不成立，必须改正）"),
    ("warning", "黄色：提示（需要核实；如属实，请在该行“说明”列写明原因）"),
    ("explained", "灰绿色：提示，已在“说明”列说明原因"),
    ("info", "浅蓝色：信息（无需修改，供参考）"),
)
AMOUNT_FORMAT = "#,##0.00"


@contextlib.contextmanager
def open_workbook(dest: Path) -> Iterator[Any]:
    """An xlsxwriter workbook written atomically to ``dest``. Once written, the
    workbook and its worksheets are emptied (unusable)."""
    from reconcile.output.fastxlsx import FastWorkbook

    with atomic_path(dest) as tmp, _gc_paused():
        wb = FastWorkbook(str(tmp), WORKBOOK_OPTIONS)
        try:
            yield wb
        except BaseException:
            wb.fileclosed = True    # nothing to save; the temporary file is removed
            _dismantle(wb)
            raise
        wb.close()
        _dismantle(wb)


def _dismantle(wb) -> None:
    """Empty the workbook and its worksheets. xlsxwriter's objects hold reference
    cycles (a worksheet's bound methods, …), so a written workbook would otherwise
    wait for the cyclic collector, and the collection that follows the pause would
    first walk it all; emptied, it is freed as soon as it is dropped."""
    for ws in wb.worksheets_objs:
        ws.__dict__.clear()
    wb.__dict__.clear()
    wb.fileclosed = True        # no second save when it is garbage-collected


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a workbook is built: building one makes
    tens of thousands of short-lived objects (freed by reference counting), and the
    collections they trigger walk the whole heap, pandas included: ~5 % of the write."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def fill_kind(finding: Finding) -> str:
    if finding.severity == Severity.WARNING and finding.explained:
        return "explained"
    return finding.severity.value


def severity_text(finding: Finding) -> str:
    return finding.severity.chinese


def safe_sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unused sheet name derived from ``name``: at most 31 characters, none
    of []:*?/\\, no leading or trailing apostrophe, unique ignoring case."""
    base = _BAD_SHEET_CHARS.sub("_", unicodedata.normalize("NFC", str(name))).strip().strip("'").strip()
    if not base or base.lower() == "history":
        base = f"表_{base}" if base else "表"
    base = base[:SHEET_NAME_MAX]
    candidate, n = base, 2
    while candidate.lower() in taken:
        suffix = f"({n})"
        candidate, n = base[: SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def is_cell_ref(cell: str | None) -> bool:
    from reconcile.cells import split_ref

    return bool(cell) and split_ref(cell)[0] > 0


def internal_link(sheet: str, cell: str) -> str:
    return "internal:'" + sheet.replace("'", "''") + "'!" + cell


class _CharWidths(dict):
    """Display width of one character, looked up once per distinct character."""

    def __missing__(self, ch: str) -> float:
        width = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1.1
        self[ch] = width
        return width


_CHAR_WIDTH = _CharWidths()


def _summed_width(line: str) -> float:
    """The characters' widths added one by one, left to right (the same float, bit
    for bit, as a plain loop)."""
    return reduce(add, map(_CHAR_WIDTH.__getitem__, line), 0.0)


def _line_width(line: str) -> float:
    """Width of one line: an ASCII line 1.1 a character, any other line summed."""
    return len(line) * 1.1 if line.isascii() else _summed_width(line)


def text_width(value: Any) -> float:
    """Display width in Excel character units: CJK and full-width characters count 2."""
    if value is None:
        return 0
    if isinstance(value, float):
        text = f"{value:,.2f}"
    else:
        text = str(value)
    if text.isascii():
        return (len(text) if "\n" not in text else max(map(len, text.split("\n")))) * 1.1
    return _summed_width(text) if "\n" not in text else max(map(_summed_width, text.split("\n")))


LINE_HEIGHT = 15.75         # points per line of 11-pt text (CJK glyphs included)
MAX_ROW_HEIGHT = 409        # Excel's limit


class _DropWide(dict):
    """A ``str.translate`` table deleting the characters that count 2 (W and F)."""

    def __missing__(self, code: int) -> int | None:
        kept = None if _CHAR_WIDTH[chr(code)] == 2 else code
        self[code] = kept
        return kept


_DROP_WIDE = _DropWide()
# Blocks whose every character is East Asian Wide or Fullwidth (CJK punctuation,
# ideographs and extension A, fullwidth forms; checked by the tests): a line of these
# and ASCII needs no per-character lookup.
WIDE_BLOCKS = ((0x3000, 0x303E), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xFF01, 0xFF60), (0xFFE0, 0xFFE6))
_NOT_ASCII_OR_WIDE = re.compile("[^\x00-\x7f" + "".join(f"{chr(a)}-{chr(b)}" for a, b in WIDE_BLOCKS) + "]")
_NEAR = 1e-9    # relative distance to a line boundary below which lines are counted the slow way


def _line_count(line: str, usable: float) -> int:
    """``max(1, ceil(_line_width(line) / usable))`` without a Python step per character:
    from the count of wide characters, falling back to the character-by-character sum
    only when the width lies within rounding distance of a line boundary."""
    n = len(line)
    if n * 2 <= usable:          # even all-wide text fits on one line
        return 1
    if line.isascii():
        return max(1, math.ceil(n * 1.1 / usable))
    if _NOT_ASCII_OR_WIDE.search(line) is None:
        wide = n - len(line.encode("ascii", "ignore"))    # every other character is wide
    else:
        wide = n - len(line.translate(_DROP_WIDE))
    q = (20 * wide + 11 * (n - wide)) / 10 / usable      # the exact width, over usable
    lines = math.ceil(q)
    if lines - q > _NEAR * q and q - (lines - 1) > _NEAR * q:
        return max(1, lines)
    return max(1, math.ceil(_summed_width(line) / usable))


def wrapped_lines(value: Any, width: float) -> int:
    """Lines ``value`` takes in a wrapped cell ``width`` characters wide."""
    if value is None or value == "":
        return 1
    usable = max(width - 1.5, 1.0)
    text = value if isinstance(value, str) else str(value)
    if "\n" not in text:
        return _line_count(text, usable)
    return sum(_line_count(line, usable) for line in text.split("\n"))


def fit_row(ws, r: int, cells: Iterable[tuple[Any, float]]) -> None:
    """Set row ``r`` tall enough for its wrapped cells (neither Excel nor LibreOffice
    grows rows for wrapped text when opening a file)."""
    lines = 1
    for value, width in cells:
        n = wrapped_lines(value, width)
        if n > lines:
            lines = n
    if lines > 1:
        ws.set_row(r, min(lines * LINE_HEIGHT, MAX_ROW_HEIGHT))


def clip(text: str, limit: int = MAX_STRING) -> str:
    """Text within Excel's limit (counted in UTF-16 units, as Excel does)."""
    if len(text) <= limit // 2 or len(text.encode("utf-16-le")) // 2 <= limit:
        return text
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit - 1:
            return text[:i] + "…"
    return text


def number_value(value: Any) -> float | None:
    """A finite number to write as a number, else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        value = float(value)
    if isinstance(value, (int, float)):
        f = float(value)
        return f if math.isfinite(f) else None
    return None


def write_any(ws, r: int, c: int, value: Any, fmt=None, date_fmt=None) -> None:
    """Write one value with an explicit writer: numbers as numbers, dates as dates,
    booleans as booleans, anything else as a literal string (never a formula)."""
    if value is None or value == "":
        if fmt is not None:
            ws.write_blank(r, c, None, fmt)
        return
    if isinstance(value, bool):
        ws.write_boolean(r, c, value, fmt)
        return
    num = number_value(value)
    if num is not None:
        ws.write_number(r, c, num, fmt)
        return
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        ws.write_datetime(r, c, value, fmt if fmt is not None else date_fmt)
        return
    ws.write_string(r, c, clip(str(value)), fmt)


# ------------------------------------------------------------ finding tables

FINDING_COLUMNS: tuple[tuple[str, float], ...] = (
    ("严重程度", 9), ("规则", 9), ("工作表", 12), ("单元格", 8), ("行", 24),
    ("问题说明", 60), ("应为", 14), ("填报值", 14), ("已说明", 8), ("说明内容", 30),
)


class Styles:
    """The formats both writers use, created once per workbook."""

    def __init__(self, wb):
        self.wb = wb
        self.header = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True,
                                     "valign": "vcenter", "align": "center"})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.pending = wb.add_format({"text_wrap": True, "valign": "top", "bg_color": FILL["warning"]})
        self.top = wb.add_format({"valign": "top"})
        self.amount = wb.add_format({"num_format": AMOUNT_FORMAT, "valign": "top"})
        self.score = wb.add_format({"num_format": "0.00", "valign": "top"})
        self.integer = wb.add_format({"num_format": "0", "valign": "top"})
        self.left_integer = wb.add_format({"num_format": "0", "align": "left"})
        self.link = wb.add_format({"font_color": "#0563C1", "underline": 1, "valign": "top"})
        self.bold = wb.add_format({"bold": True})
        self.title = wb.add_format({"bold": True, "font_size": 16})
        self.subtitle = wb.add_format({"bold": True, "font_size": 12})
        self.severity = {kind: wb.add_format({"bg_color": FILL[kind], "font_color": FONT[kind], "valign": "top",
                                              "border": 1, "text_wrap": True})
                         for kind in FILL}


def write_header(ws, styles: Styles, row: int, columns: Sequence[tuple[str, float]], col0: int = 0) -> None:
    for i, (label, width) in enumerate(columns):
        ws.write_string(row, col0 + i, label, styles.header)
        ws.set_column(col0 + i, col0 + i, width)


def print_setup(ws, landscape: bool = False, repeat_header: bool = False) -> None:
    """A4, one page wide; optionally landscape with the header row on every page."""
    if landscape:
        ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    if repeat_header:
        ws.repeat_rows(0)


def finish_table(ws, header_row: int, n_rows: int, n_cols: int) -> None:
    """Frozen header and an autofilter over the table."""
    ws.freeze_panes(header_row + 1, 0)
    ws.autofilter(header_row, 0, header_row + max(n_rows, 1), n_cols - 1)


def write_finding_cells(ws, styles: Styles, r: int, c0: int, f: Finding, link_sheet: str | None) -> bool:
    """One finding across FINDING_COLUMNS starting at column ``c0``. ``link_sheet`` is the
    output sheet holding the cell (None: no link). Returns whether a link was written."""
    ws.write_string(r, c0, severity_text(f), styles.severity[fill_kind(f)])
    ws.write_string(r, c0 + 1, f.rule, styles.top)
    write_any(ws, r, c0 + 2, f.sheet, styles.top)
    linked = False
    if f.cell:
        if link_sheet is not None and is_cell_ref(f.cell):
            ws.write_url(r, c0 + 3, internal_link(link_sheet, f.cell), styles.link, string=f.cell,
                         tip=f"跳转到 {f.sheet} {f.cell}")
            linked = True
        else:
            ws.write_string(r, c0 + 3, f.cell, styles.top)
    write_any(ws, r, c0 + 4, f.row_label, styles.wrap)
    ws.write_string(r, c0 + 5, clip(f.message), styles.wrap)
    write_any(ws, r, c0 + 6, f.expected, styles.wrap)
    write_any(ws, r, c0 + 7, f.actual, styles.wrap)
    ws.write_string(r, c0 + 8, "是" if f.explained else ("否" if f.severity == Severity.WARNING else ""), styles.top)
    write_any(ws, r, c0 + 9, f.explanation, styles.wrap)
    widths = [w for _, w in FINDING_COLUMNS]
    fit_row(ws, r, ((f.row_label, widths[4]), (f.message, widths[5]), (f.expected, widths[6]),
                    (f.actual, widths[7]), (f.explanation, widths[9])))
    return linked


def sorted_findings(findings: Iterable[Finding], sheet_order: Sequence[str]) -> list[Finding]:
    """File-level findings first, then by sheet in workbook order, row, column, severity."""
    from reconcile.cells import split_ref

    order = {name: i for i, name in enumerate(sheet_order)}

    def key(f: Finding) -> tuple:
        row, col = split_ref(f.cell) if f.cell else (0, 0)
        sheet_rank = -1 if f.sheet is None else order.get(f.sheet, len(order))
        return (sheet_rank, f.sheet or "", row, col, f.severity.rank, f.rule)

    return sorted(findings, key=key)
