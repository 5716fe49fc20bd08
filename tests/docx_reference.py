"""The former X_自评报告.docx writer, kept as the test oracle: every paragraph and every
table cell formatted through python-docx. reconcile.narrative.docx renders the same
markup as strings (tests/test_docx_tables_fast.py compares the two)."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

import reconcile.narrative.docx as d
from reconcile.narrative.document import Narrative, Paragraph


def write_docx_reference(narrative: Narrative, model, dest: Path) -> None:
    doc = Document()
    d._page_setup(doc)
    d._styles(doc)
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
    doc.save(str(dest))


def _title(doc, text: str) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Pt(0)
    p.paragraph_format.space_after = Pt(16)
    p.paragraph_format.line_spacing = Pt(36)
    d._set_font(p.add_run(text), d.TITLE_FONT, d.TITLE_SIZE)


def _table(doc, para: Paragraph) -> None:
    if para.text:
        cap = doc.add_paragraph()
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cap.paragraph_format.first_line_indent = Pt(0)
        cap.paragraph_format.keep_with_next = True
        d._set_font(cap.add_run(para.text), d.HEADING1_FONT, d.CAPTION_SIZE)
    rows = [r for r in para.rows if r]
    if not rows:
        return
    grid, numeric, widths = reference_layout(rows)
    table = doc.add_table(rows=len(grid), cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, w in zip(table.columns, widths):
        column.width = w
    for i, texts in enumerate(grid):
        row = table.rows[i]
        if i == 0:
            header = OxmlElement("w:tblHeader")
            header.set(qn("w:val"), "true")
            row._tr.get_or_add_trPr().append(header)
        for j, (cell, text) in enumerate(zip(row.cells, texts)):
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
            d._set_font(p.add_run(text), d.TABLE_FONT, d.TABLE_SIZE, bold=i == 0)
    doc.add_paragraph("")


def reference_layout(rows: list[list]) -> tuple[list[list[str]], list[bool], list[int]]:
    """The former cell texts, number columns and column widths, cell by cell."""
    width = max(len(r) for r in rows)

    def cells(j: int) -> list[str]:
        return [str(r[j]) if j < len(r) and r[j] is not None else "" for r in rows[1:]]

    def shown(text) -> int:
        return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in str(text or ""))

    numeric = [all(not c or d._NUMERIC.match(c) for c in cells(j)) for j in range(width)]
    columns = [cells(j) for j in range(width)]
    need = [max([shown(c) for c in columns[j]] + [4]) * d.DIGIT_WIDTH + d.CELL_PADDING for j in range(width)]
    want = [max(min(max(shown(rows[0][j]) if j < len(rows[0]) else 0, *map(shown, columns[j])), 30), 4)
            for j in range(width)]
    fixed = sum(n for n, is_num in zip(need, numeric) if is_num)
    text_total = sum(w for w, is_num in zip(want, numeric) if not is_num)
    left = max(d.TEXT_WIDTH - fixed, 0)
    widths = [int(need[j]) if numeric[j] or not text_total else int(max(left * want[j] / text_total, d.MIN_TEXT_COLUMN))
              for j in range(width)]
    grid = [[str(r[j]) if j < len(r) and r[j] is not None else "" for j in range(width)] for r in rows]
    return grid, numeric, widths
