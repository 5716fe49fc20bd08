"""The bulk scan of plainly written sheet data (preflight._scan_plain_data) gives
exactly what the tag-by-tag scan gives: the same styles, limits, formulas without
values, error texts, hidden rows and the same refusal (with the same reason) of a
cell too far away; anything not plainly written goes tag by tag."""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import pytest

import reconcile.reading.preflight as pf
from reconcile.reading.preflight import SheetScan, Unreadable, _scan_sheet
from tests.corpus.generate import build_corpus, sheet_xml, write_good

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _outcome(xml: bytes, fast: bool):
    scan = SheetScan("表", "xl/worksheets/sheet1.xml")
    try:
        _scan_sheet(xml, scan, fast=fast)
    except Unreadable as exc:
        return ("refused", exc.reason)
    return dataclasses.asdict(scan)


def _bulk_used(xml: bytes, monkeypatch) -> bool:
    used = []
    real = pf._scan_plain_data

    def spy(*args):
        try:
            end = real(*args)
        except Unreadable:
            used.append(True)             # refused by the bulk scan itself
            raise
        used.append(end is not None)
        return end

    monkeypatch.setattr(pf, "_scan_plain_data", spy)
    _outcome(xml, True)
    monkeypatch.undo()
    return any(used)


PLAIN = [
    # as xlsxwriter / Excel write it
    '<row r="1" spans="1:3"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1" s="2"/><c r="C1" s="0"><v>1.5</v></c></row>',
    '<row r="2" spans="1:3" ht="20" customHeight="1" x14ac:dyDescent="0.25"><c r="A2" s="00"><v>2</v></c></row>',
    # formulas: cached, uncached, empty cached, shared, string result
    '<row r="1"><c r="A1"><f>1+1</f></c><c r="B1"><f>1+1</f><v>2</v></c><c r="C1"><f>1+1</f><v></v></c>'
    '<c r="D1" t="str"><f>A1</f><v>x</v></c><c r="E1"><f t="shared" si="0"/></c>'
    '<c r="F1"><f t="shared" ref="F1:F3" si="1">A1&gt;"a"</f><v>0</v></c><c r="G1"><f/><v/></c></row>',
    # errors, long error text, whitespace error text, empty
    '<row r="3"><c r="A3" t="e"><v>#DIV/0!</v></c><c r="B3" t="e"><f>1/0</f><v>#REF!</v></c>'
    '<c r="C3" t="e"><v>' + "#" * 80 + '</v></c><c r="D3" t="e"><v>  </v></c><c r="E3" t="e"><v></v></c></row>',
    # inline strings, booleans, empty values
    '<row r="4"><c r="A4" t="inlineStr"><is><t>文字</t></is></c><c r="B4" t="inlineStr"><is><t xml:space="preserve"> a </t></is></c>'
    '<c r="C4" t="b"><v>1</v></c><c r="D4"><v/></c><c r="E4" s="3"></c></row>',
    # hidden rows (also far hidden rows, which are not kept), self-closing rows
    '<row r="5" hidden="1"><c r="A5"><v>1</v></c></row><row r="6" hidden="true"/><row r="7" hidden="0"/>'
    '<row r="8" x:hidden="1" spans="1:1"/><row r="25000" hidden="1"/>',
    # far styled empty cells: styles kept within the limits only, no refusal
    '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576" s="1"/><c r="IV20000" s="2"/>'
    '<c r="IW1" s="3"/></row>',
    # the last cell within the limits, and whitespace between tokens
    '<row r="20000">\n  <c r="IV20000" s="4"><v>1</v></c>\n</row>\n',
    # refused: far cells holding something, the first in the document is named
    '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c><c r="ZZ1"><v>1</v></c></row>',
    '<row r="20001"><c r="A20001"><f>1</f></c></row>',
    '<row r="5"><c r="IW5" t="str"><v></v></c></row>',
    '<row r="5"><c r="XFD5" t="inlineStr"><is><t></t></is></c></row>',
    # repeated addresses: the last style wins, style 0 does not overwrite
    '<row r="1"><c r="A1" s="5"><v>1</v></c><c r="A1" s="0"><v>2</v></c><c r="B1" s="5"/><c r="B1" s="6"/></row>',
    '',
]

NOT_PLAIN = [
    '<row r="1"><c r="A1"><v>1</v><c r="XFD1048576"><v>2</v></c></row>',          # missing </c>
    "<row r='1'><c r='A1'><v>1</v></c></row>",                                      # single quotes
    '<row r="1"><c r="A1" t="s" s="1"><v>1</v></c></row>',                          # attribute order
    '<row r="1"><c r="A1" cm="1"><f>1</f><v>1</v></c></row>',                       # other attributes
    '<row r="1"><c r="a1"><v>1</v></c></row>',                                      # lower case
    '<row r="1"><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>',    # no addresses
    '<row r="1"><c r="A1"><v>1</v><f>1</f></c></row>',                              # value before formula
    '<row r="1"><c r="A1" t="inlineStr"><is><r><t>a</t></r></is></c></row>',         # rich inline string
    '<row r="1"><!-- <c r="XFD1048576"><v>1</v></c> --><c r="A1"><v>1</v></c></row>',  # a comment
    '<row r="1"><c r="A1"><v>1</v></c>text</row>',                                  # stray text
]


@pytest.mark.parametrize("body", PLAIN)
def test_plain_sheet_data_is_scanned_in_bulk_with_the_same_result(body, monkeypatch):
    xml = sheet_xml(body)
    assert _bulk_used(xml, monkeypatch)
    assert _outcome(xml, True) == _outcome(xml, False)


@pytest.mark.parametrize("body", NOT_PLAIN)
def test_other_sheet_data_is_scanned_tag_by_tag(body, monkeypatch):
    xml = sheet_xml(body)
    assert not _bulk_used(xml, monkeypatch)
    assert _outcome(xml, True) == _outcome(xml, False)


@pytest.mark.parametrize("xml", [
    # merged ranges and widths around the data, in document order with a far cell
    sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>').replace(
        b"</sheetData>", b'</sheetData><mergeCells count="2"><mergeCell ref="A1:B2"/><mergeCell ref="A1:A30000"/></mergeCells>'),
    sheet_xml('<row r="30000"><c r="A30000"><v>1</v></c></row>').replace(
        b"</sheetData>", b'</sheetData><mergeCells><mergeCell ref="A1:A30000"/></mergeCells>'),
    sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>').replace(
        b"<sheetData>", b'<cols><col min="1" max="3" width="12.5"/></cols><sheetData>'),
    # a second sheet data part: tag by tag (cells without addresses continue the first)
    sheet_xml('<row r="1"><c r="B1"><v>1</v></c></row>').replace(
        b"</worksheet>", b'<sheetData><c><v>2</v></c></sheetData></worksheet>'),
    # namespace prefixes
    sheet_xml("").replace(b"<sheetData></sheetData>",
                          b'<x:sheetData><x:row r="1"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row></x:sheetData>'),
    sheet_xml("").replace(b"<sheetData></sheetData>", b"<sheetData/>"),
])
def test_whole_sheets_same_result(xml):
    assert _outcome(xml, True) == _outcome(xml, False)


def _sheet_parts(folder: Path):
    for path in sorted(folder.rglob("*.xlsx")):
        try:
            with zipfile.ZipFile(path) as zf:
                for info in zf.infolist():
                    if info.filename.lower().startswith("xl/worksheets/") and info.file_size < 20_000_000:
                        yield path.name, info.filename, zf.read(info)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):
            continue


def test_every_corpus_and_example_sheet_same_result(tmp_path):
    build_corpus(tmp_path / "corpus")
    write_good(tmp_path / "good.xlsx")
    seen = 0
    for folder in (tmp_path, EXAMPLES):
        for name, entry, xml in _sheet_parts(folder):
            assert _outcome(xml, True) == _outcome(xml, False), (name, entry)
            seen += 1
    assert seen > 50


def test_mutated_sheet_data_same_result():
    """Random small edits of plain sheet data (a fixed seed): whichever way each is
    scanned, the outcome is the tag scan's."""
    import random

    rng = random.Random(7)
    pieces = ['<', '>', '/', '"', "'", ' ', 'c', 'r', 'v', 'f', 'is', 'e', '1', 'XFD', '1048576', 't="e"',
              ' s="7"', '<v>', '</v>', '<f>', '</c>', '<c r="B2">', '<row r="9">', '</row>', 'hidden="1" ']
    bodies = [b for b in PLAIN if b]
    for _ in range(600):
        body = rng.choice(bodies)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(body) + 1)
            cut = rng.choice((0, 0, 1, 3))
            body = body[:at] + rng.choice(pieces) * rng.choice((0, 1)) + body[at + cut:]
        xml = sheet_xml(body)
        assert _outcome(xml, True) == _outcome(xml, False), body
