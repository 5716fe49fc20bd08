"""Department text is never a formula or a link; output names come from input names;
inputs are never written; an interrupted write leaves no file behind."""

from __future__ import annotations

import hashlib
import re

import openpyxl
import pytest

from reconcile.pipeline import check_path, discover, run_batch
from tests.output_fixtures import HOSTILE_NOTES, sheet_xml, write_department


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("note", HOSTILE_NOTES)
def test_hostile_note_stays_literal_text(tmp_path, note):
    src = tmp_path / "in"
    src.mkdir()
    write_department(src / "a.xlsx", note=note, unit=note)
    out = tmp_path / "out"
    code = "INC004"
    batch = run_batch([src], out)
    warning = next(f for f in batch.files[0].findings if f.rule == code)
    assert warning.explanation == note and warning.explained
    for path in (out / "a_核对.xlsx", out / "汇总.xlsx"):
        xml = sheet_xml(path)
        for name, text in xml.items():
            assert not re.search(r"<f[ >]", text), (path.name, name)
            # the only links are our internal jumps from 问题清单 to a cell
            for link in re.findall(r"<hyperlink [^>]*>", text):
                assert 'location="' in link and "r:id" not in link, link
    wb = openpyxl.load_workbook(out / "a_核对.xlsx")
    income = wb["收入"]
    assert income["F6"].value == note and income["F6"].data_type == "s"
    row = next(r for r in wb["问题清单"].iter_rows(min_row=2) if r[2].value == code)
    assert row[10].value == note and row[10].data_type == "s"
    assert note in income["E6"].comment.text
    summary = openpyxl.load_workbook(out / "汇总.xlsx")
    assert summary["汇总"]["B2"].value == note and summary["汇总"]["B2"].data_type == "s"
    assert any(c.value == note and c.data_type == "s" for r in summary["全部问题"].iter_rows() for c in r)


def test_only_internal_links_in_annotated_output(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    write_department(src / "a.xlsx", note='=HYPERLINK("http://x","点我")')
    run_batch([src], tmp_path / "out")
    with __import__("zipfile").ZipFile(tmp_path / "out" / "a_核对.xlsx") as zf:
        rels = "".join(zf.read(n).decode() for n in zf.namelist() if n.endswith(".rels"))
    assert "External" not in rels and "http://x" not in rels


def test_output_names_come_from_file_names_only(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    write_department(src / "财政:局?.xlsx", unit="../../evil")
    out = tmp_path / "out"
    before = _digest(src)
    run_batch([src], out)
    names = {p.name for p in out.iterdir()}
    assert names == {"财政_局__核对.xlsx", "汇总.xlsx", "findings.json"} | ({"财政_局__自评报告.docx"} & names)
    assert not (tmp_path / "evil").exists() and {p.name for p in tmp_path.iterdir()} == {"in", "out"}
    assert _digest(src) == before   # the input is untouched


def test_never_writes_over_an_input(tmp_path):
    folder = tmp_path / "结果"
    folder.mkdir()
    write_department(folder / "a.xlsx")
    write_department(folder / "a_核对.xlsx", unit="另一个局")   # an input named like a.xlsx's output
    before = _digest(folder)
    files, skipped = discover([folder / "a.xlsx", folder / "a_核对.xlsx"], folder)
    assert [f.display for f in files] == ["a.xlsx"]
    assert [s.display for s in skipped] == ["a_核对.xlsx"] and "覆盖" in skipped[0].reason
    batch = run_batch([folder / "a.xlsx", folder / "a_核对.xlsx"], folder)
    assert [r.file for r in batch.files] == ["a.xlsx"]
    assert _digest(folder)["a.xlsx"] == before["a.xlsx"]
    wb = openpyxl.load_workbook(folder / "a_核对.xlsx")
    assert wb.sheetnames[0] == "核对摘要"    # a.xlsx's output, and the skipped input was listed:
    assert openpyxl.load_workbook(folder / "汇总.xlsx")["无法读取"]["A2"].value == "a_核对.xlsx"


def test_writer_refuses_to_write_its_own_input(tmp_path):
    from reconcile.output.annotated import write_annotated

    src = write_department(tmp_path / "a.xlsx")
    raw, model, findings = check_path(src)
    before = src.read_bytes()
    with pytest.raises(ValueError):
        write_annotated(raw, model, findings, None, src)
    assert src.read_bytes() == before


@pytest.mark.parametrize("stage", ["_write_narrative", "_reproduce"])
def test_interrupted_write_leaves_no_file(tmp_path, monkeypatch, stage):
    import reconcile.output.annotated as annotated

    src = write_department(tmp_path / "in.xlsx")
    raw, model, findings = check_path(src)
    out = tmp_path / "out"
    out.mkdir()
    dest = out / "in_核对.xlsx"

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(annotated, stage, boom)
    with pytest.raises(KeyboardInterrupt):
        annotated.write_annotated(raw, model, findings, None, dest)
    assert list(out.iterdir()) == []
    # an earlier complete output is left as it was
    dest.write_bytes(b"earlier output")
    with pytest.raises(KeyboardInterrupt):
        annotated.write_annotated(raw, model, findings, None, dest)
    assert [p.name for p in out.iterdir()] == ["in_核对.xlsx"] and dest.read_bytes() == b"earlier output"


def test_interrupted_summary_leaves_no_file(tmp_path, monkeypatch):
    import reconcile.output.summary as summary

    src = tmp_path / "in"
    src.mkdir()
    write_department(src / "a.xlsx")
    batch = run_batch([src], tmp_path / "out")
    monkeypatch.setattr(summary, "_write_unreadable", lambda *a: (_ for _ in ()).throw(OSError("disk full")))
    dest = tmp_path / "out2" / "汇总.xlsx"
    with pytest.raises(OSError):
        summary.write_summary(batch, dest)
    assert list(dest.parent.iterdir()) == []


def test_no_formula_elements_anywhere(tmp_path):
    """A whole run on a workbook full of formula-like text: no <f> in any output sheet."""
    src = tmp_path / "in"
    src.mkdir()
    write_department(src / "a.xlsx", note="=1+1")
    out = tmp_path / "out"
    run_batch([src], out)
    for path in out.glob("*.xlsx"):
        for text in sheet_xml(path).values():
            assert not re.search(r"<f[ >]", text)


# Text shaped like a rich string's XML, which stock xlsxwriter writes into sharedStrings.xml
# unescaped (it keeps rich strings there as "<r>…</r>"): a corrupt or altered workbook.
RICH_SHAPED = (
    "<r><t>x</t></r>",
    "<r>a & b</r>",
    "<r>1 < 2 > 0</r>",
    "<r>\"引号\" '单引号'</r>",
    "<r>=1+1</r>",
    "<r></r>",
    "<r>第一行\n第二行</r>",
    "<r> 前后空格 </r>",
)
# Only for grids built in memory: a workbook holds a control character as an _xHHHH_
# escape, and an "_x0041_" in its text stands for "A".
RICH_SHAPED_MEMORY = ("<r>\x01控制\x1f</r>", "<r>\x08</r>", "<r>_x0041_</r>")


def _parts_well_formed(path) -> None:
    import xml.etree.ElementTree as ET
    import zipfile

    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.endswith((".xml", ".rels", ".vml")):
                ET.fromstring(zf.read(name))      # raises on a raw "<r>a & b</r>"


def _calamine(path) -> dict[str, list[list]]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names}


def _department_with(path, text: str):
    """The output-test department with ``text`` as its unit name, as the 说明 of the
    INC004 warning and in a sheet of its own, the text written with openpyxl (the
    test builder's xlsxwriter needs a fix for such text: tests/builders.py)."""
    write_department(path)
    wb = openpyxl.load_workbook(path)
    wb["基本情况"]["B2"] = text
    wb["收入"]["F6"] = text
    ws = wb.create_sheet("其他")
    ws["A1"], ws["B2"] = text, text + text
    wb.save(path)
    return path


@pytest.mark.parametrize("fast", [True, False])
def test_rich_shaped_department_text_stays_text(tmp_path, monkeypatch, fast):
    from reconcile.output import fastxlsx

    monkeypatch.setattr(fastxlsx, "FAST", fast)
    src = tmp_path / "in"
    src.mkdir()
    for i, text in enumerate(RICH_SHAPED):
        _department_with(src / f"d{i}.xlsx", text)
    out = tmp_path / "out"
    batch = run_batch([src], out)
    for i, text in enumerate(RICH_SHAPED):
        result = next(r for r in batch.files if r.file == f"d{i}.xlsx")
        path = out / f"d{i}_核对.xlsx"
        _parts_well_formed(path)
        wb = openpyxl.load_workbook(path)
        assert wb["收入"]["F6"].value == text and wb["收入"]["F6"].data_type == "s"
        assert wb["其他"]["A1"].value == text and wb["其他"]["B2"].value == text + text
        assert text in wb["收入"]["E6"].comment.text
        issue = next(r for r in wb["问题清单"].iter_rows(min_row=2) if r[2].value == "INC004")
        assert issue[10].value == text
        assert wb["核对摘要"]["B3"].value == result.unit
        grids = _calamine(path)
        assert grids["收入"][5][5] == text and grids["其他"][0][0] == text
    _parts_well_formed(out / "汇总.xlsx")
    summary = openpyxl.load_workbook(out / "汇总.xlsx")
    units = {r[1].value for r in summary["汇总"].iter_rows(min_row=2)}
    assert units == {r.unit for r in batch.files}
    notes = {r[11].value for r in summary["全部问题"].iter_rows(min_row=2) if r[3].value == "INC004"}
    assert notes == set(RICH_SHAPED)


@pytest.mark.parametrize("fast", [True, False])
def test_rich_shaped_text_in_every_annotated_sheet(tmp_path, monkeypatch, fast):
    """Built in memory, with control characters too: the reproduced sheet, 问题清单
    (sheet, row label, message, figures, 说明), 核对摘要 (unit, source), 自评报告
    (title, paragraphs, table rows) and the comments."""
    from pathlib import Path
    from types import SimpleNamespace

    from reconcile.findings import Finding, Severity
    from reconcile.narrative.document import Narrative, Paragraph
    from reconcile.output import fastxlsx
    from reconcile.output.annotated import write_annotated
    from reconcile.reading.raw import RawSheet, RawWorkbook

    monkeypatch.setattr(fastxlsx, "FAST", fast)
    texts = RICH_SHAPED + RICH_SHAPED_MEMORY
    rows = [["项目", "说明", "金额"]] + [[t, "=" + t, 1.5] for t in texts]
    sheet = RawSheet(name="<r>表", rows=rows)
    raw = RawWorkbook(path=Path("/nonexistent/a.xlsx"), kind="xlsx", sheets=[sheet])
    findings = [Finding("INC004", Severity.WARNING, "<r>表", f"A{i + 2}", t, t, expected=t, actual=t,
                        explained=True, explanation=t) for i, t in enumerate(texts)]
    narrative = Narrative(texts[0], [Paragraph("body", t) for t in texts]
                          + [Paragraph("table", texts[1], rows=[[t] for t in texts])])
    model = SimpleNamespace(unit_name=texts[2], year=2023, path=raw.path, tables={}, amount_unit="万元")
    dest = tmp_path / "a_核对.xlsx"
    write_annotated(raw, model, findings, narrative, dest, source=texts[3])
    _parts_well_formed(dest)
    grids = _calamine(dest)
    assert grids["<r>表"] == [["项目", "说明", "金额"]] + [[t, "=" + t, 1.5] for t in texts]
    issues = grids["问题清单"][1:]
    assert [r[3] for r in issues] == ["<r>表"] * len(texts)
    for col in (5, 6, 7, 8, 10):
        assert [r[col] for r in issues] == list(texts), col
    assert grids["核对摘要"][2][1] == texts[2] and grids["核对摘要"][4][1] == texts[3]
    report = [r[0] for r in grids["自评报告"]]
    assert report[0] == texts[0] and report[1:1 + len(texts)] == list(texts)
    assert report[1 + len(texts)] == texts[1] and report[2 + len(texts):] == list(texts)
    wb = openpyxl.load_workbook(dest)
    for i, t in enumerate(RICH_SHAPED):      # openpyxl leaves _xHHHH_ escapes as they are
        assert t in wb["<r>表"][f"A{i + 2}"].comment.text
