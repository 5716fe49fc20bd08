"""The .docx table writer formats each kind of cell once and copies it (speed); the
document must be byte-for-byte what formatting every cell through python-docx gives."""

from __future__ import annotations

import zipfile

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

import reconcile.narrative.docx as docx_writer
from benchmarks.synth import generate
from reconcile.narrative import build_narrative
from reconcile.narrative.document import Narrative, Paragraph
from reconcile.pipeline import check_path


def reference_table(doc, para: Paragraph) -> None:
    """Every cell formatted through python-docx (the former implementation)."""
    d = docx_writer
    if para.text:
        cap = doc.add_paragraph()
        cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cap.paragraph_format.first_line_indent = Pt(0)
        cap.paragraph_format.keep_with_next = True
        d._set_font(cap.add_run(para.text), d.HEADING1_FONT, d.CAPTION_SIZE)
    rows = [r for r in para.rows if r]
    if not rows:
        return
    width = max(len(r) for r in rows)
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    from docx.enum.table import WD_TABLE_ALIGNMENT

    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    numeric = [d._numeric_column(rows, j) for j in range(width)]
    widths = d._column_widths(rows, width, numeric)
    for column, w in zip(table.columns, widths):
        column.width = w
    for i, values in enumerate(rows):
        row = table.rows[i]
        if i == 0:
            d._repeat_header(row)
        cells = row.cells
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
            d._set_font(p.add_run(text), d.TABLE_FONT, d.TABLE_SIZE, bold=i == 0)
    doc.add_paragraph("")


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}   # core: timestamps


def _both(tmp_path, narrative, model, monkeypatch) -> tuple[dict, dict]:
    docx_writer.write_docx(narrative, model, tmp_path / "fast.docx")
    with monkeypatch.context() as m:
        m.setattr(docx_writer, "_table", reference_table)
        docx_writer.write_docx(narrative, model, tmp_path / "reference.docx")
    return _parts(tmp_path / "fast.docx"), _parts(tmp_path / "reference.docx")


def test_tables_identical_on_generated_reports(tmp_path, monkeypatch):
    for path, _ in generate(tmp_path / "in", 4, seed=5):
        _, model, findings = check_path(path)
        narrative = build_narrative(model, findings)
        assert any(p.kind == "table" and len(p.rows) > 10 for p in narrative.paragraphs)
        fast, reference = _both(tmp_path, narrative, model, monkeypatch)
        assert fast == reference, path.name


def test_tables_identical_on_odd_cells(tmp_path, monkeypatch):
    rows = [["科目", "金额", "说明"],
            ["a&b <c>", "1,234.50", " 前后空格 "],
            ["制表\t符", "-12.5%", "换\n行"],
            ["短行"],
            ["=HYPERLINK(\"x\")", None, ""]]
    narrative = Narrative(title="测试", paragraphs=[Paragraph(kind="table", text="表1", rows=rows),
                                                    Paragraph(kind="body", text="正文")])
    fast, reference = _both(tmp_path, narrative, None, monkeypatch)
    assert fast == reference
    assert b"<w:tab/>" in fast["word/document.xml"] and b'xml:space="preserve"> \xe5' in fast["word/document.xml"]
