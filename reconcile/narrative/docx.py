"""X_自评报告.docx: the narrative as a Word document (python-docx).

Layout follows the usual 公文 conventions: title in 小标宋 二号, 一级 headings in 黑体,
二级 in 楷体, body in 仿宋 三号 with a two-character first-line indent, tables in 宋体
五号 with a repeated header row. Chinese fonts are set on the East Asian slot
(``w:eastAsia``), which is what Word and WPS use for CJK text; machines without the font
substitute their own CJK face. Written atomically: a failed write leaves no file.
"""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from reconcile.narrative.document import Narrative, Paragraph
from reconcile.output.atomic import atomic_path

TITLE_FONT = "方正小标宋简体"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
BODY_FONT = "仿宋_GB2312"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"

BODY_SIZE = Pt(16)       # 三号
TITLE_SIZE = Pt(22)      # 二号
TABLE_SIZE = Pt(10.5)    # 五号
CAPTION_SIZE = Pt(12)    # 小四

TEXT_WIDTH = Cm(15.6)        # A4 less the margins
DIGIT_WIDTH = Pt(6.3)        # a digit of 五号 text, in the widest common fallback font
CELL_PADDING = Cm(0.5)       # left and right cell margins, with a little room
MIN_TEXT_COLUMN = Cm(1.2)

_NUMERIC = re.compile(r"^-?[\d,]+(\.\d+)?%?$")


def write_docx(narrative: Narrative, model, dest: Path) -> None:
    """Write ``narrative`` to ``dest`` (.docx), atomically."""
    doc = Document()
    _page_setup(doc)
    _styles(doc)
    props = doc.core_properties
    props.title = narrative.title
    props.author = (model.unit_name if model is not None else None) or ""
    props.comments = "由 reconcile 根据报表生成"
    props.language = "zh-CN"

    _title(doc, narrative.title)
    for para in narrative.paragraphs:
        if para.kind == "title":
            _title(doc, para.text)
        elif para.kind == "heading1":
            doc.add_paragraph(para.text, style="Heading 1")
        elif para.kind in ("heading2", "heading3"):
            doc.add_paragraph(para.text, style="Heading 2")
        elif para.kind == "table":
            _table(doc, para)
        else:
            doc.add_paragraph(para.text, style="Normal")
    with atomic_path(Path(dest)) as tmp:
        doc.save(str(tmp))


# ---------------------------------------------------------------- styles


def _set_font(style_or_run, name: str, size=None, bold: bool | None = None) -> None:
    font = style_or_run.font
    font.name = LATIN_FONT
    if size is not None:
        font.size = size
    if bold is not None:
        font.bold = bold
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _page_setup(doc) -> None:
    for section in doc.sections:
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    _set_font(normal, BODY_FONT, BODY_SIZE)
    fmt = normal.paragraph_format
    fmt.first_line_indent = Pt(32)          # two characters of 三号
    fmt.line_spacing = Pt(28)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for name, font in (("Heading 1", HEADING1_FONT), ("Heading 2", HEADING2_FONT)):
        style = doc.styles[name]
        _set_font(style, font, BODY_SIZE, bold=False)
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        pf = style.paragraph_format
        pf.first_line_indent = Pt(32)
        pf.line_spacing = Pt(28)
        pf.space_before = pf.space_after = Pt(0)
        pf.keep_with_next = True


def _title(doc, text: str) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Pt(0)
    p.paragraph_format.space_after = Pt(16)
    p.paragraph_format.line_spacing = Pt(36)
    _set_font(p.add_run(text), TITLE_FONT, TITLE_SIZE)


# ---------------------------------------------------------------- tables


def _table(doc, para: Paragraph) -> None:
    if para.text:
        cap = doc.add_paragraph()
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cap.paragraph_format.first_line_indent = Pt(0)
        cap.paragraph_format.keep_with_next = True
        _set_font(cap.add_run(para.text), HEADING1_FONT, CAPTION_SIZE)
    rows = [r for r in para.rows if r]
    if not rows:
        return
    width = max(len(r) for r in rows)
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    numeric = [_numeric_column(rows, j) for j in range(width)]
    widths = _column_widths(rows, width, numeric)
    for column, w in zip(table.columns, widths):
        column.width = w        # the grid: what LibreOffice and WPS lay out by
    for i, values in enumerate(rows):
        row = table.rows[i]
        if i == 0:
            _repeat_header(row)
        cells = row.cells     # python-docx rebuilds this list on every access
        for j in range(width):
            text = str(values[j]) if j < len(values) and values[j] is not None else ""
            cell = cells[j]
            cell.width = widths[j]
            p = cell.paragraphs[0]
            p.paragraph_format.first_line_indent = Pt(0)
            p.paragraph_format.line_spacing = 1.0
            if i == 0:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif numeric[j]:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            else:
                p.alignment = WD_ALIGN_PARAGRAPH.LEFT
            _set_font(p.add_run(text), TABLE_FONT, TABLE_SIZE, bold=i == 0)
    doc.add_paragraph("")


def _cells(rows: list[list[str]], j: int) -> list[str]:
    """Column ``j`` below the header row, as text."""
    return [str(r[j]) if j < len(r) and r[j] is not None else "" for r in rows[1:]]


def _numeric_column(rows: list[list[str]], j: int) -> bool:
    """Every filled cell below the header is a number: right-aligned, never wrapped."""
    return all(not c or _NUMERIC.match(c) for c in _cells(rows, j))


def _column_widths(rows: list[list[str]], width: int, numeric: list[bool]) -> list[int]:
    """Column widths: number columns get exactly what their widest value needs (they must
    not wrap); text columns share the rest by their widest content (a CJK character
    counts as two digits) and wrap."""
    def shown(text) -> int:
        return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in str(text or ""))

    cells = [_cells(rows, j) for j in range(width)]
    need = [max([shown(c) for c in cells[j]] + [4]) * DIGIT_WIDTH + CELL_PADDING for j in range(width)]
    want = [max(min(max(shown(rows[0][j]) if j < len(rows[0]) else 0, *map(shown, cells[j])), 30), 4)
            for j in range(width)]
    fixed = sum(n for n, is_num in zip(need, numeric) if is_num)
    text_total = sum(w for w, is_num in zip(want, numeric) if not is_num)
    left = max(TEXT_WIDTH - fixed, 0)
    return [int(need[j]) if numeric[j] or not text_total else int(max(left * want[j] / text_total, MIN_TEXT_COLUMN))
            for j in range(width)]


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
