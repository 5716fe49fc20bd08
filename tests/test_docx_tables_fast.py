"""The .docx writer renders document.xml as a string around a skeleton built once per
process; the result must be what the former python-docx writer (tests/docx_reference.py,
every paragraph and cell formatted through python-docx) gives:

- every part but word/document.xml and word/styles.xml byte for byte (core.xml too);
- styles.xml: the former one plus the table cells' paragraph and character styles;
- document.xml: byte for byte once each cell's style reference is replaced by the
  formatting its style holds (which is the direct formatting the former writer gave it).
"""

from __future__ import annotations

import re
import zipfile

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

import reconcile.narrative.docx as docx_writer
from benchmarks.synth import generate
from reconcile.narrative import build_narrative
from reconcile.narrative.document import Narrative, Paragraph
from reconcile.pipeline import check_path
from tests.docx_reference import reference_layout, write_docx_reference
from tests.test_narrative_fidelity import SEED_EXAMPLE

_CELL_STYLE_IDS = [i for i, _ in [*docx_writer.CELL_STYLES.values(), *docx_writer.CELL_CHAR_STYLES.values()]]
_STYLE = re.compile(r'<w:style w:type="(paragraph|character)" w:customStyle="1" w:styleId="(%s)">.*?</w:style>'
                    % "|".join(_CELL_STYLE_IDS))


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        return {n: z.read(n) for n in z.namelist()}


def _expanded(new: dict[str, bytes], reference: dict[str, bytes]) -> str:
    """new's document.xml with each cell style reference replaced by the style's formatting;
    checks on the way that styles.xml is the reference's plus exactly those styles."""
    styles = new["word/styles.xml"].decode("utf-8")
    added = list(_STYLE.finditer(styles))
    ids = {m.group(2) for m in added}
    assert ids == set(_CELL_STYLE_IDS) and len(added) == len(ids)
    start, end = added[0].start(), added[-1].end()
    assert styles[:start] + styles[end:] == reference["word/styles.xml"].decode("utf-8")
    assert "".join(m.group(0) for m in added) == styles[start:end]
    document = new["word/document.xml"].decode("utf-8")
    for m in added:
        kind, style_id = m.groups()
        if kind == "paragraph":
            ppr = re.search(r"<w:pPr>.*?</w:pPr>", m.group(0)).group(0)
            document = document.replace(f'<w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>', ppr)
        else:
            rpr = re.search(r"<w:rPr>.*?</w:rPr>", m.group(0)).group(0)
            document = document.replace(f'<w:rPr><w:rStyle w:val="{style_id}"/></w:rPr>', rpr)
    return document


def _read_back(path) -> list[tuple]:
    """Paragraph texts and styles, table cell texts and alignment, as python-docx sees them."""
    doc = Document(str(path))
    body = [(p.style.name, p.text) for p in doc.paragraphs]
    tables = []
    for table in doc.tables:
        rows = []
        for row in table.rows:
            cells = []
            for cell in row.cells:
                p = cell.paragraphs[0]
                align = p.alignment if p.alignment is not None else p.style.paragraph_format.alignment
                run = p.runs[0] if p.runs else None
                bold = None
                if run is not None:
                    bold = run.bold if run.bold is not None else run.style.font.bold
                cells.append((cell.text, align, bold, cell.width))
            rows.append(cells)
        tables.append(([c.width for c in table.columns], rows))
    return [body, tables]


def _compare(tmp_path, narrative, model) -> dict[str, bytes]:
    docx_writer.write_docx(narrative, model, tmp_path / "fast.docx")
    write_docx_reference(narrative, model, tmp_path / "reference.docx")
    new, reference = _parts(tmp_path / "fast.docx"), _parts(tmp_path / "reference.docx")
    assert sorted(new) == sorted(reference)
    for name in reference:
        if name not in ("word/document.xml", "word/styles.xml"):
            assert new[name] == reference[name], name
    assert _expanded(new, reference) == reference["word/document.xml"].decode("utf-8")
    assert _read_back(tmp_path / "fast.docx") == _read_back(tmp_path / "reference.docx")
    return new


def test_same_document_as_python_docx_on_the_seed(tmp_path):
    _, model, findings = check_path(SEED_EXAMPLE)
    new = _compare(tmp_path, build_narrative(model, findings), model)
    # the column widths of the seed's tables, as the former writer laid them out (twips)
    grids = [re.findall(r'<w:gridCol w:w="(\d+)"/>', t) for t in
             re.findall(r"<w:tblGrid>.*?</w:tblGrid>", new["word/document.xml"].decode("utf-8"))]
    assert grids == [["3395", "1165", "1165", "1291", "1039", "787"],
                     ["787", "1455", "1165", "1165", "1291", "1039", "1940"],
                     ["680", "848", "1817", "1817", "1817", "787", "787", "680"]]


def test_same_document_as_python_docx_on_generated_reports(tmp_path):
    for path, _ in generate(tmp_path / "in", 4, seed=5):
        _, model, findings = check_path(path)
        narrative = build_narrative(model, findings)
        assert any(p.kind == "table" and len(p.rows) > 10 for p in narrative.paragraphs)
        _compare(tmp_path, narrative, model)


def test_same_document_on_odd_cells_and_paragraphs(tmp_path):
    rows = [["科目", "金额", "说明"],
            ["a&b <c>", "1,234.50", " 前后空格 "],
            ["制表\t符", "-12.5%", "换\n行\r\n"],
            ["短行"],
            [],
            ["=HYPERLINK(\"x\")", None, ""],
            ["\u3000全角空格", "0", "𠀀扩展区"]]
    paragraphs = [Paragraph(kind="table", text="表1 <&>", rows=rows),
                  Paragraph(kind="body", text="正文 a&b"), Paragraph(kind="body", text=""),
                  Paragraph(kind="heading1", text=""), Paragraph(kind="heading3", text="\t三级"),
                  Paragraph(kind="title", text="第二个标题"), Paragraph(kind="title", text=""),
                  Paragraph(kind="table", text="", rows=[[], []]), Paragraph(kind="table", text="只有表名"),
                  Paragraph(kind="other", text=" 行首空格")]
    new = _compare(tmp_path, Narrative(title="测试 & <标题>", paragraphs=paragraphs), None)
    assert b"<w:tab/>" in new["word/document.xml"] and b'xml:space="preserve"> \xe5' in new["word/document.xml"]


@pytest.mark.parametrize("author", ["", "某某局 & <附属>", "单位\r\n名称"])
def test_same_core_properties(tmp_path, author):
    class Model:
        unit_name = author

    _compare(tmp_path, Narrative(title=f"{author}2023年度部门整体支出绩效自评报告", paragraphs=[]), Model())


def test_characters_xml_does_not_allow_are_left_out(tmp_path):
    """python-docx refused them (no report at all); they are dropped, the rest is kept."""
    bad = "问题\x0b竖制表\x01控制\x1f符\ufffe"
    narrative = Narrative(title="标题\x02", paragraphs=[
        Paragraph(kind="body", text=bad), Paragraph(kind="table", text="表\x00", rows=[["列\x08"], [bad]])])

    class Model:
        unit_name = "单位\x07"

    docx_writer.write_docx(narrative, Model(), tmp_path / "bad.docx")
    doc = Document(str(tmp_path / "bad.docx"))
    assert [p.text for p in doc.paragraphs][:3] == ["标题", "问题竖制表控制符", "表"]
    assert [c.text for c in doc.tables[0].columns[0].cells] == ["列", "问题竖制表控制符"]
    assert doc.core_properties.title == "标题" and doc.core_properties.author == "单位"


def test_a_table_with_only_its_header_row(tmp_path):
    """The former writer failed on it (max() of one number); the header sets the widths."""
    narrative = Narrative(title="t", paragraphs=[Paragraph(kind="table", text="收入表", rows=[["收入项目", "本年数"]])])
    docx_writer.write_docx(narrative, None, tmp_path / "header.docx")
    table = Document(str(tmp_path / "header.docx")).tables[0]
    assert [c.text for c in table.rows[0].cells] == ["收入项目", "本年数"] and len(table.rows) == 1


_CELL = st.one_of(st.none(), st.text(alphabet="0123456789,.-% 年a\n\0\t中𠀀—", max_size=8),
                  st.from_regex(r"-?[\d,]{1,6}(\.\d{1,2})?%?", fullmatch=True))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(_CELL, max_size=5), min_size=2, max_size=6))
def test_table_layout_is_the_former_cell_by_cell_one(rows):
    kept = [r for r in rows if r]
    if len(kept) < 2:
        return                           # the former code failed on a header-only table
    assert docx_writer.table_layout(rows) == reference_layout(kept)
