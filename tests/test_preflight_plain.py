"""The bulk scan of plainly written sheet data (preflight._scan_plain_data) gives
exactly what the tag-by-tag scan gives: the same number formats, limits, formulas
without values, error texts, hidden rows and the same refusal (with the same reason)
of a cell too far away; anything not plainly written goes tag by tag.

Both give what the scan gave before it looked number formats up itself (the scan
frozen at 1cf9264 under tests/reference_reader, its style indexes looked up as the
reader looked them up), except for a negative style index: it has no format now
(a Python index from the end of the list before).
"""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import pytest

import reconcile.reading.preflight as pf
from reconcile.reading.preflight import SheetScan, Unreadable, _scan_sheet
from tests.corpus.generate import build_corpus, sheet_xml, write_good
from tests.reference_reader import preflight_1cf9264 as ref_pf

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


# xf index → number format code: styles 0 and 3 have none (General), 7 and above do not exist
FORMATS = ("General", "0.00%", "#,##0.00", "General", "0.0", "yyyy-mm-dd", "@")


def _outcome(xml: bytes, fast: bool, formats=FORMATS):
    scan = SheetScan("表", "xl/worksheets/sheet1.xml")
    try:
        _scan_sheet(xml, scan, fast=fast, formats=formats)
    except Unreadable as exc:
        return ("refused", exc.reason)
    return dataclasses.asdict(scan)


def _former_outcome(xml: bytes, formats=FORMATS):
    """The scan frozen at 1cf9264, its style indexes looked up as raw.read_scanned looked
    them up then (a negative index aside: no format)."""
    scan = ref_pf.SheetScan("表", "xl/worksheets/sheet1.xml")
    try:
        ref_pf._scan_sheet(xml, scan, fast=False)
    except ref_pf.Unreadable as exc:
        return ("refused", exc.reason)
    out = dataclasses.asdict(scan)
    styles = out.pop("styles")
    out["number_formats"] = {pos: formats[xf] for pos, xf in styles.items()
                             if 0 <= xf < len(formats) and formats[xf] != "General"}
    return out


def _same(xml: bytes) -> None:
    fast, slow = _outcome(xml, True), _outcome(xml, False)
    assert fast == slow
    former = _former_outcome(xml)
    if isinstance(slow, dict):
        slow = {**slow, "number_formats": slow["number_formats"]}
        former = {k: former[k] for k in slow}
    assert slow == former


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
    # errors without any formula in the sheet
    '<row r="3"><c r="A3" t="e"><v>#DIV/0!</v></c><c r="B3" s="1" t="e"><v>#N/A</v></c><c r="C3"><v>1</v></c></row>',
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
    # repeated addresses: the last style wins, style 0 does not overwrite, a style without a format clears
    '<row r="1"><c r="A1" s="5"><v>1</v></c><c r="A1" s="0"><v>2</v></c><c r="B1" s="5"/><c r="B1" s="6"/></row>',
    '<row r="1"><c r="A1" s="1"><v>1</v></c><c r="A1" s="3"><v>2</v></c><c r="B1" s="2"/><c r="B1" s="9"/>'
    '<c r="C1" s="4"/><c r="C1" s="00"/><c r="D1" s="2"/><c r="D1"/></row>',
    # every style: with a format, General, missing, zero written twice
    '<row r="2"><c r="A2" s="1"><v>0.5</v></c><c r="B2" s="2"><v>1</v></c><c r="C2" s="3"><v>1</v></c>'
    '<c r="D2" s="4"/><c r="E2" s="5"><v>45000</v></c><c r="F2" s="6" t="s"><v>0</v></c><c r="G2" s="7"><v>1</v></c>'
    '<c r="H2" s="999999"><v>1</v></c><c r="I2" s="00"><v>1</v></c><c r="J2" s="01"><v>1</v></c></row>',
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
    # what the check of the gaps between cells must not take for row tags
    '<row r="1"><c r="A1"><v>1</v></c><\x00</row>',                                # its own separator
    '<row r="1" x="<c r="A1"><v>1</v></c>"><c r="B1"><v>1</v></c></row>',          # a cell inside a row tag
    '<row r="1"><c r="A1"><v>1</v></c>\x00<c r="XFD1"><v>1</v></c></row>',
    # style indexes no writer writes
    '<row r="1"><c r="A1" s="-1"><v>1</v></c><c r="B1" s="-99"><v>1</v></c><c r="C1" s=" 2 "><v>1</v></c></row>',
    '<row r="1"><c r="A1" s="abc"><v>1</v></c><c r="B1" s="1.5"><v>1</v></c><c r="C1" s="+1"><v>1</v></c>'
    '<c r="D1" s=""><v>1</v></c><c r="E1" s=" 0 "><v>1</v></c><c r="F1" s="1_0"/></row>',
    '<row r="1"><c r="A1" s="1"><v>1</v></c><c r="A1" s="x"><v>1</v></c><c r="B1" s="2"/><c r="B1" s="-3"/></row>',
]


@pytest.mark.parametrize("body", PLAIN)
def test_plain_sheet_data_is_scanned_in_bulk_with_the_same_result(body, monkeypatch):
    xml = sheet_xml(body)
    assert _bulk_used(xml, monkeypatch)
    _same(xml)


@pytest.mark.parametrize("body", NOT_PLAIN)
def test_other_sheet_data_is_scanned_tag_by_tag(body, monkeypatch):
    xml = sheet_xml(body)
    assert not _bulk_used(xml, monkeypatch)
    _same(xml)


def test_number_formats_of_odd_style_indexes():
    scan = _outcome(sheet_xml(NOT_PLAIN[-3]), False)
    assert scan["number_formats"] == {(0, 2): "#,##0.00"}           # -1, -99: none (not the last styles)
    scan = _outcome(sheet_xml(NOT_PLAIN[-1]), False)
    assert scan["number_formats"] == {(0, 0): "0.00%"}              # "x" leaves A1 as it was; -3 clears B1
    scan = _outcome(sheet_xml(PLAIN[-2]), True)
    assert scan["number_formats"] == {(1, 0): "0.00%", (1, 1): "#,##0.00", (1, 3): "0.0", (1, 4): "yyyy-mm-dd",
                                      (1, 5): "@", (1, 9): "0.00%"}
    assert _outcome(sheet_xml(PLAIN[-2]), True, formats=())["number_formats"] == {}


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
    # two plain sheet data parts: the second (scanned in bulk) clears and sets formats of the first
    sheet_xml('<row r="1"><c r="A1" s="1"><v>1</v></c><c r="B1" s="2"/></row>').replace(
        b"</worksheet>", b'<sheetData><row r="1"><c r="A1" s="3"><v>2</v></c><c r="C1" s="4"/></row></sheetData></worksheet>'),
    # namespace prefixes
    sheet_xml("").replace(b"<sheetData></sheetData>",
                          b'<x:sheetData><x:row r="1"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row></x:sheetData>'),
    sheet_xml("").replace(b"<sheetData></sheetData>", b"<sheetData/>"),
])
def test_whole_sheets_same_result(xml):
    _same(xml)


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
            _same(xml)
            seen += 1
    assert seen > 50


def test_mutated_sheet_data_same_result():
    """Random small edits of plain sheet data (a fixed seed): whichever way each is
    scanned, the outcome is the tag scan's."""
    import random

    rng = random.Random(7)
    pieces = ['<', '>', '/', '"', "'", ' ', 'c', 'r', 'v', 'f', 'is', 'e', '1', 'XFD', '1048576', 't="e"',
              ' s="7"', ' s="1"', ' s="2"', ' s="-1"', '<v>', '</v>', '<f>', '</c>', '<c r="B2">', '<c r="A1" s="4">',
              '<row r="9">', '</row>', 'hidden="1" ']
    bodies = [b for b in PLAIN if b]
    for _ in range(600):
        body = rng.choice(bodies)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(body) + 1)
            cut = rng.choice((0, 0, 1, 3))
            body = body[:at] + rng.choice(pieces) * rng.choice((0, 1)) + body[at + cut:]
        _same(sheet_xml(body))


def test_a_negative_style_index_is_read_without_a_format(tmp_path):
    """s="-1" gave the last style's format and s="-99" a ReadFailed (IndexError): both
    are read now, without a number format, as an index beyond the styles is."""
    from tests.corpus.generate import write_raw_xlsx

    from reconcile.reading.workbook import read_workbook

    styles = ('<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/'
              'spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>'
              '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="10"/><xf numFmtId="164"/></cellXfs></styleSheet>')
    for style, fmt in (("1", "0.00%"), ("2", "0.0%"), ("-1", None), ("-99", None), ("3", None), ("x", None)):
        path = write_raw_xlsx(tmp_path / f"s{style}.xlsx",
                              sheet_xml(f'<row r="1"><c r="A1" s="{style}"><v>0.5</v></c><c r="B1" s="1"><v>2</v></c></row>'),
                              extra={"xl/styles.xml": styles.encode()})
        raw, _ = read_workbook(path)
        assert raw.sheets[0].rows == [[0.5, 2.0]]
        assert raw.sheets[0].number_formats == ({(0, 0): fmt} if fmt else {}) | {(0, 1): "0.00%"}, style


def test_plain_means_the_whole_data_pattern_matches(monkeypatch):
    """The bulk scan takes sheet data exactly when _PLAIN_DATA (row tags, plain cells and
    white space, one after another) matches all of it, on the bodies above and on random
    edits of them (gaps holding the separator the check joins them with included)."""
    import random

    rng = random.Random(17)
    pieces = ['<', '>', '/', '"', ' ', 'c', 'r', 'v', '\x00', '<\x00', '<c r="A1"/>', '<c/>', '</row>', '<row r="2">',
              ' s="1"', '<v>1</v>', '</c>', '<row r="3" x="', '">', '\t']
    bodies = [b for b in PLAIN + NOT_PLAIN if b]
    for i in range(800):
        body = rng.choice(bodies)
        if i >= len(bodies):
            for _ in range(rng.randint(1, 3)):
                at = rng.randrange(len(body) + 1)
                body = body[:at] + rng.choice(pieces) + body[at + rng.choice((0, 0, 1, 4)):]
        else:
            body = bodies[i]
        xml = sheet_xml(body)
        start, end = xml.index(b"<sheetData>") + 11, xml.index(b"</sheetData>")
        expected = pf._PLAIN_DATA.fullmatch(xml, start, end) is not None
        assert _bulk_used(xml, monkeypatch) == expected, body
        _same(xml)
