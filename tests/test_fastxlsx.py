"""reconcile.output.fastxlsx writes the bytes xlsxwriter itself writes: the same random
sheets (numbers, strings that need escaping, blanks, booleans, dates, formulas, row
heights and formats, hidden rows, column formats, comments, merges) written through
stock xlsxwriter and through FastWorkbook, cell by cell with write_* or as rendered rows
with put_cells, with the fast writer and with its fallback. The one intended difference:
text shaped "<r>…</r>", which stock xlsxwriter writes unescaped (a bug), is escaped."""

from __future__ import annotations

import datetime as dt
import random
import zipfile

import pytest
import xlsxwriter

from reconcile.output import fastxlsx
from reconcile.output.fastxlsx import COLUMN_NAMES, FastWorkbook, FastWorksheet, blank_cell, number_cell, string_cell
from reconcile.output.xlsx import WORKBOOK_OPTIONS

STRINGS = ["", "a", " lead", "trail ", "　全角缩进", "x\ny", "a&b<c>", "<r>rich?</r>", "_x0041_", "ctl\x01",
           "\ufffe", "中文", "=1+1", "http://x.example", "long " * 50, "tab\t", "quote\"'", "<r>a & b</r>",
           "<r>ctl\x02</r>"]
# What stock xlsxwriter writes raw for text shaped "<r>…</r>" → the escaped text we write.
RICH_SHAPED = {
    b"<si><r>rich?</r></si>": b"<si><t>&lt;r&gt;rich?&lt;/r&gt;</t></si>",
    b"<si><r>a & b</r></si>": b"<si><t>&lt;r&gt;a &amp; b&lt;/r&gt;</t></si>",
    b"<si><r>ctl_x0002_</r></si>": b"<si><t>&lt;r&gt;ctl_x0002_&lt;/r&gt;</t></si>",
}


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n != "docProps/core.xml"}


def _build(wb, seed: int, rendered: bool) -> None:
    rng = random.Random(seed)
    fmts = [None] + [wb.add_format(p) for p in (
        {"num_format": "0.00%"}, {"bold": True}, {"bg_color": "#FFC7CE", "border": 1}, {"text_wrap": True},
        {"num_format": "#,##0.00", "bold": True}, {"bold": True})]   # the last two share an xf
    bold = wb.add_format({"italic": True})
    for s in range(3):
        ws = wb.add_worksheet(f"S{s}")
        if rng.random() < 0.5:
            ws.set_column(1, 1, 20, fmts[rng.randrange(1, len(fmts))])
        widths = [rng.choice([0, 0.0, 0.5, 0.99, 1.0, 8.43, 12, 30.7, 254.5]) for _ in range(3)]
        for c, width in zip((3, 5, 6), widths):
            if rendered:
                ws.set_width(c, width)
            else:
                ws.set_column(c, c, width)
        if rendered:
            ws.set_width(4, 12)
            ws.set_width(16384, 3)       # beyond the sheet: refused as set_column refuses it
        else:
            ws.set_column(4, 4, 12)
        for r in rng.sample(range(60), 12):
            height, fmt, hidden = rng.choice([None, 30, 45.5, 0, 31.5]), rng.choice([None, None, bold]), rng.random() < 0.3
            if rendered and height is not None and fmt is None and not hidden:
                ws.set_height(r, height)
            else:
                ws.set_row(r, height, fmt, {"hidden": hidden})
        for r in range(rng.randrange(20, 60)):
            cells = {}
            for c in sorted(rng.sample(range(12), rng.randrange(0, 8))):
                kind, fmt = rng.random(), rng.choice(fmts)
                if kind < 0.35:
                    value = rng.choice([0.0, -1.5, 1e20, 1 / 3, 123456789.123, 7.0])
                    if rendered:
                        cells[c] = number_cell(f"{COLUMN_NAMES[c]}{r + 1}", ws.tokens[fmt], value)
                    else:
                        ws.write_number(r, c, value, fmt)
                elif kind < 0.7:
                    text = rng.choice(STRINGS) or "e"
                    if rendered:
                        cells[c] = string_cell(f"{COLUMN_NAMES[c]}{r + 1}", ws.tokens[fmt], ws.string_index(text))
                    else:
                        ws.write_string(r, c, text, fmt)
                elif kind < 0.8 and fmt is not None:
                    if rendered:
                        cells[c] = blank_cell(f"{COLUMN_NAMES[c]}{r + 1}", ws.tokens[fmt])
                    else:
                        ws.write_blank(r, c, None, fmt)
            if rendered:
                ws.put_cells(r, cells)
            # cells every variant writes through xlsxwriter itself
            if rng.random() < 0.2:
                ws.write_boolean(r, 12, rng.random() < 0.5, rng.choice(fmts))
            if rng.random() < 0.1:
                ws.write_datetime(r, 13, dt.datetime(2024, 3, 1, 9, 30), wb.add_format({"num_format": "yyyy-mm-dd"}))
            if rng.random() < 0.05:
                ws.write_formula(r, 14, "=A1+1", rng.choice(fmts), 2)
            if rng.random() < 0.05:     # where a rich string was: FastWorksheet refuses them
                ws.write_string(r, 15, "ab", rng.choice(fmts[1:]))
            if rng.random() < 0.05:
                ws.write_comment(r, rng.randrange(0, 20), "注" + str(r))
            if rng.random() < 0.05:
                ws.write_string(r, 2, "later write wins", rng.choice(fmts))
        ws.merge_range(70, 0, 71, 2, "合并", fmts[2])
        ws.write_comment(80, 3, "a comment on an empty row")


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("rendered", [False, True])
@pytest.mark.parametrize("fast", [True, False])
def test_same_bytes_as_xlsxwriter(tmp_path, monkeypatch, seed, rendered, fast):
    stock = xlsxwriter.Workbook(str(tmp_path / "stock.xlsx"), WORKBOOK_OPTIONS)
    _build(stock, seed, rendered=False)
    stock.close()
    monkeypatch.setattr(fastxlsx, "FAST", fast)
    ours = FastWorkbook(str(tmp_path / "fast.xlsx"), WORKBOOK_OPTIONS)
    _build(ours, seed, rendered=rendered)
    ours.close()
    assert xlsxwriter.workbook.ZipInfo is zipfile.ZipInfo   # the swap for the deflate level is undone
    a, b = _parts(tmp_path / "fast.xlsx"), _parts(tmp_path / "stock.xlsx")
    assert list(a) == list(b)
    sst = b["xl/sharedStrings.xml"]
    for raw, escaped in RICH_SHAPED.items():
        if raw in sst:
            sst = sst.replace(raw, escaped)
            assert escaped in a["xl/sharedStrings.xml"]
    b["xl/sharedStrings.xml"] = sst
    for name in a:
        assert a[name] == b[name], name


def test_put_cells_outside_the_sheet_is_refused(tmp_path):
    wb = FastWorkbook(str(tmp_path / "x.xlsx"), WORKBOOK_OPTIONS)
    ws = wb.add_worksheet()
    with pytest.raises(IndexError):
        ws.put_cells(0, {20000: blank_cell("XXX1", ws.tokens[wb.add_format({"bold": True})])})
    wb.fileclosed = True


def test_edge_space_test_matches_xlsxwriter():
    from xlsxwriter.utility import _preserve_whitespace

    for cp in [*range(0x3000), *range(0xFE00, 0x10000), 0x1680, 0x205F, 0x3000]:
        ch = chr(cp)
        for text in (ch, ch + "a", "a" + ch, "a" + ch + "\n", "a\n" + ch, ch + "\nb"):
            assert bool(_preserve_whitespace(text)) == (text[:1].isspace() or text[-1:].isspace()), hex(cp)


def test_collector_paused_only_while_writing(tmp_path):
    import gc

    from reconcile.output.xlsx import open_workbook

    assert gc.isenabled()
    with open_workbook(tmp_path / "a.xlsx") as wb:
        assert not gc.isenabled()
        wb.add_worksheet().write_string(0, 0, "x")
    assert gc.isenabled()
    with pytest.raises(RuntimeError), open_workbook(tmp_path / "b.xlsx"):
        raise RuntimeError("interrupted")
    assert gc.isenabled() and not (tmp_path / "b.xlsx").exists()
    gc.disable()
    try:
        with open_workbook(tmp_path / "c.xlsx") as wb:
            wb.add_worksheet()
        assert not gc.isenabled()     # left as the caller had it
    finally:
        gc.enable()


def test_rich_strings_refused(tmp_path):
    wb = FastWorkbook(str(tmp_path / "x.xlsx"), WORKBOOK_OPTIONS)
    ws = wb.add_worksheet()
    bold = wb.add_format({"bold": True})
    with pytest.raises(TypeError):
        ws.write_rich_string(0, 0, "a", bold, "b")
    with pytest.raises(TypeError):
        ws.write_rich_string("A1", "a", bold, "b")
    assert not ws.table
    wb.fileclosed = True


@pytest.mark.parametrize("fast", [True, False])
def test_no_save_without_safe_shared_strings(tmp_path, monkeypatch, fast):
    """An xlsxwriter without the internals SafeSharedStrings needs: nothing is saved
    (stock xlsxwriter would write text shaped "<r>…</r>" raw)."""
    from reconcile.output.xlsx import open_workbook

    monkeypatch.setattr(fastxlsx, "FAST", fast)
    monkeypatch.setattr(fastxlsx, "SAFE", False)
    with pytest.raises(RuntimeError), open_workbook(tmp_path / "a.xlsx") as wb:
        wb.add_worksheet().write_string(0, 0, "<r>x</r>")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("seed", range(4))
def test_memory_zip_same_bytes_as_zipfile(tmp_path, monkeypatch, seed):
    """The zip built in memory (parts remembered by content included) is, byte for
    byte, the one zipfile writes; the workbook's parts are xlsxwriter's."""
    monkeypatch.setattr(fastxlsx, "_DEFLATED_LIMIT", 3)     # the remembered parts also cleared
    files = {}
    for memory in (False, True, True):
        monkeypatch.setattr(FastWorkbook, "memory_zip", memory)
        path = tmp_path / f"{memory}_{len(files)}.xlsx"
        wb = FastWorkbook(str(path), WORKBOOK_OPTIONS)
        _build(wb, seed, rendered=True)
        wb.set_properties({"created": dt.datetime(2024, 1, 1)})
        wb.close()
        files[path] = path.read_bytes()
    first, *others = files.values()
    assert all(data == first for data in others)
    with zipfile.ZipFile(next(iter(files))) as zf:
        assert zf.testzip() is None
    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile


def test_number_texts_as_xlsxwriter_writes_them():
    import math

    from reconcile.output.fastxlsx import NUMBER_TEXTS

    rng = random.Random(3)
    values = [0.0, -0.0, 0, 1, -1, 7, 2 ** 53 + 1, 10 ** 17, 1e16, 1e15, 0.1, 1 / 3, -2.5e-7, 123456789.123,
              9.999999999999998, 1e20, 5e-324, 1.7976931348623157e308]
    values += [rng.uniform(-1e6, 1e6) for _ in range(500)] + [round(rng.uniform(-1e4, 1e4), 2) for _ in range(500)]
    values += [rng.randrange(-10 ** 12, 10 ** 12) for _ in range(200)]
    for _ in range(2):            # remembered the second time
        for v in values:
            assert NUMBER_TEXTS[v] == f"{float(v):.16G}", v
    assert NUMBER_TEXTS[-0.0] == "-0" and NUMBER_TEXTS[0.0] == "0" and NUMBER_TEXTS[0] == "0"
    assert math.copysign(1, -0.0) < 0 and 0.0 not in NUMBER_TEXTS


def test_written_workbook_leaves_no_cycles(tmp_path):
    """open_workbook empties the written workbook: freed at once, nothing left for the
    cyclic collector (xlsxwriter's objects hold cycles)."""
    import gc

    from reconcile.output.xlsx import open_workbook

    gc.collect()
    with open_workbook(tmp_path / "a.xlsx") as wb:
        _build(wb, 1, rendered=True)
    assert gc.collect() == 0
    assert sorted(zipfile.ZipFile(tmp_path / "a.xlsx").namelist())[0] == "[Content_Types].xml"


def test_formats_copied_as_built(tmp_path):
    """FastWorkbook.add_format: the same Format state as xlsxwriter builds, each
    format its own object bound to its workbook's index tables."""
    props = [None, {}, {"bold": True}, {"num_format": "#,##0.00", "bg_color": "#FFC7CE", "border": 1,
                                        "border_color": "#808080", "font_color": "#9C0006"},
             {"text_wrap": True, "valign": "top", "align": "center"}, {"font_size": 16, "underline": 1}]
    stock = xlsxwriter.Workbook(str(tmp_path / "a.xlsx"), WORKBOOK_OPTIONS)
    for _ in range(2):
        ours = FastWorkbook(str(tmp_path / "b.xlsx"), WORKBOOK_OPTIONS)
        made = [ours.add_format(p) for p in props]
        for p, fmt in zip(props, made):
            want = vars(stock.add_format(p))
            got = vars(fmt)
            assert got.keys() == want.keys()
            for k in got:
                if k.endswith("format_indices"):
                    assert got[k] is getattr(ours, k)
                else:
                    assert got[k] == want[k] or repr(got[k]) == repr(want[k]), (p, k)   # Color: no __eq__
        assert ours.formats[-len(props):] == made and len({id(f) for f in made}) == len(made)
        ours.fileclosed = True
    stock.fileclosed = True


def test_attributes_escaped_as_xlsxwriter_does(tmp_path):
    from xlsxwriter.worksheet import Worksheet

    ours, stock = FastWorksheet(), Worksheet()
    for value in ["", "a", 'q"&<>\n', "中文", 0, 1, -3, 0.75, 1e20, True, None, b"x", 2.5, *STRINGS]:
        assert ours._escape_attributes(value) == stock._escape_attributes(value), value
