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
