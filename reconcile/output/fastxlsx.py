"""A faster xlsxwriter for our workbooks: the same bytes, less Python per cell.

xlsxwriter spends most of a small workbook's time on per-cell Python: the argument
checks of ``write_number`` / ``write_string``, a named tuple per cell, then at
``close()`` several XML-writer calls per cell and per shared string. Here

* a writer that knows its cells renders them itself as ``<c>`` elements
  (:func:`number_cell`, :func:`string_cell`, :func:`blank_cell`, or the same
  f-strings inline in a hot loop) and stores a whole row with
  :meth:`FastWorksheet.put_cells`: one dimension check a row, no tuple per cell;
* :meth:`FastWorksheet._write_rows` writes ``<sheetData>`` a row at a time, cells
  stored by xlsxwriter's own ``write_*`` included;
* the shared-strings part is written a run of strings at a time, with one check for
  the strings that need escaping (those are escaped one by one, as xlsxwriter does);
* :meth:`FastWorksheet.set_height` and :meth:`FastWorksheet.set_width` set a plain
  row height or column width without set_row's or set_column's argument handling;
* the zip is built in memory and written in one go (:class:`_MemoryZip`, the bytes
  zipfile writes), its entries deflated at level 1 (:data:`ZIP_LEVEL`), the parts that
  recur from workbook to workbook (theme, styles, relationships) deflated once;
* numbers' texts are remembered (:data:`NUMBER_TEXTS`), and a format is a copy of
  one built once per process (:meth:`FastWorkbook.add_format`).

A cell's format is written as a *style token* (see :class:`StyleTokens`) that is
replaced by ``s="<xf index>"`` when the sheet is written, asking each format for
its xf index in the order xlsxwriter would (the first time the sheet XML meets it),
so the numbering, and every byte of every part, is what xlsxwriter itself would
write (tests/test_output_equivalence.py and tests/test_fastxlsx.py compare them).
Cell kinds we do not render (formulas, booleans, dates, …) go through xlsxwriter's
own methods. If the xlsxwriter internals this relies on are missing (another version),
:data:`FAST` is False: stored cells are then written with the stock ``write_*``.

Safety: xlsxwriter keeps rich strings in the shared-string table as their XML
(``<r>…</r>``) and writes any shared string that starts with ``<r>`` and ends with
``</r>`` unescaped, so a department's text of that shape would be written raw: an
unreadable or altered workbook. Our worksheets refuse ``write_rich_string`` and our
shared strings are always escaped (:class:`SafeSharedStrings`); a workbook is not
saved at all (:data:`SAFE` False) if the xlsxwriter internals that needs are missing.
"""

from __future__ import annotations

import re
import struct
import threading
import zipfile
import zlib

import xlsxwriter
import xlsxwriter.workbook as _xwb
import xlsxwriter.worksheet as _xw
from xlsxwriter.format import Format
from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings
from xlsxwriter.utility import xl_col_to_name

try:
    from xlsxwriter.utility import _preserve_whitespace
except ImportError:     # another xlsxwriter: no safe shared strings (SAFE), no save
    _preserve_whitespace = None
from xlsxwriter.worksheet import Worksheet


def _internal(*names):
    return next((getattr(_xw, n) for n in names if hasattr(_xw, n)), None)


# xlsxwriter's cell and row records (renamed over its versions).
_Blank = _internal("CellBlankTuple", "cell_blank_tuple")
_Boolean = _internal("CellBooleanTuple", "cell_boolean_tuple")
_Datetime = _internal("CellDatetimeTuple", "cell_datetime_tuple")
_Number = _internal("CellNumberTuple", "cell_number_tuple")
_String = _internal("CellStringTuple", "cell_string_tuple")
_RowInfo = _internal("RowInfo")
_ColumnInfo = _internal("ColumnInfo")

FAST = (all(x is not None for x in (_Blank, _Boolean, _Datetime, _Number, _String))
        and _RowInfo is not None and _ColumnInfo is not None
        and all(hasattr(Worksheet, m) for m in ("_write_rows", "_calculate_spans", "_write_row",
                                               "_write_empty_row", "_write_cell", "_check_dimensions",
                                               "_escape_attributes"))
        and hasattr(SharedStrings, "_write_si"))

# What SafeSharedStrings and SafePackager rely on. Without it no workbook is saved:
# stock xlsxwriter would write text shaped "<r>…</r>" unescaped.
SAFE = (_preserve_whitespace is not None and hasattr(xlsxwriter.Workbook, "_get_packager")
        and all(hasattr(Packager, m) for m in ("_write_shared_strings_file", "_filename"))
        and all(hasattr(SharedStrings, m) for m in ("_write_sst_strings", "_escape_control_characters",
                                                   "_xml_si_element", "_set_xml_writer", "_assemble_xml_file")))

# A shared string xlsxwriter writes unchanged inside <si><t>…</t></si>: nothing to
# escape, no control character or _xHHHH_ lookalike (and so not "<r>…</r>" either).
_NEEDS_CARE = re.compile(r'[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_')
# A rendered cell (number_cell, string_cell, blank_cell), for the fallback. Style tokens
# are "\x01<n>\x02": control characters never occur in the XML of the cells we render
# (their text is in the shared strings).
_RENDERED = re.compile('<c r="[A-Z]+[0-9]+"(\x01[0-9]+\x02)?( t="s")?(?:><v>([^<]*)</v></c>|/>)')


class ColumnNames(dict):
    """Column number → letters ("A", …, "XFD"), computed once."""

    def __missing__(self, col: int) -> str:
        name = self[col] = xl_col_to_name(col)
        return name


COLUMN_NAMES = ColumnNames()


class CellHeads(dict):
    """Column number → the start of its cells' ``<c>`` element, ``'<c r="A'``."""

    def __missing__(self, col: int) -> str:
        head = self[col] = '<c r="' + COLUMN_NAMES[col]
        return head


CELL_HEADS = CellHeads()


class NumberTexts(dict):
    """Finite number → the text xlsxwriter writes for it in ``<v>`` (``f"{float(n):.16G}"``),
    remembered: formatting a float costs ten look-ups, and amounts recur within and
    across workbooks. Zero is not remembered (0.0 and -0.0 are one key, "0" and "-0")."""

    LIMIT = 1 << 13

    def __missing__(self, number) -> str:
        text = f"{float(number):.16G}"
        if number:
            if len(self) >= self.LIMIT:
                self.clear()
            self[number] = text
        return text


NUMBER_TEXTS = NumberTexts()
_ROW_HEIGHTS: dict[int, object] = {}    # pixels → RowInfo of a row with that height only


class StyleTokens(dict):
    """Format → its style token ('' for no format), one table per workbook."""

    def __init__(self) -> None:
        super().__init__()
        self.formats: dict[str, object] = {}

    def __missing__(self, fmt) -> str:
        if fmt is None:
            token = ""
        else:
            token = f"\x01{len(self.formats)}\x02"
            self.formats[token] = fmt
        self[fmt] = token
        return token

    def resolve(self, text: str) -> str:
        """``text`` with every token replaced by its ' s="<xf index>"', the xf
        indexes asked for in the order the tokens first occur."""
        parts = text.split("\x01")
        if len(parts) == 1:
            return text
        formats = self.formats
        met: dict[str, str] = {}      # token's number → ' s="<xf index>"'
        out = [parts[0]]
        for part in parts[1:]:
            number, _, rest = part.partition("\x02")
            attribute = met.get(number)
            if attribute is None:
                index = formats["\x01" + number + "\x02"]._get_xf_index()
                attribute = met[number] = f' s="{index}"'
            out += (attribute, rest)
        return "".join(out)


# The <c> elements xlsxwriter writes for a number, a shared string and a formatted
# blank; ``ref`` is the cell's A1 reference, ``token`` the format's style token.
def number_cell(ref: str, token: str, number: float) -> str:
    return f'<c r="{ref}"{token}><v>{number:.16G}</v></c>'


def string_cell(ref: str, token: str, index: int) -> str:
    return f'<c r="{ref}"{token} t="s"><v>{index}</v></c>'


def blank_cell(ref: str, token: str) -> str:
    return f'<c r="{ref}"{token}/>'


class FastWorksheet(Worksheet):
    """A worksheet that also takes rows of rendered cells (:meth:`put_cells`) and
    writes ``<sheetData>`` faster."""

    def __init__(self) -> None:
        super().__init__()
        self.rendered: dict[int, dict[int, str]] = {}   # row → {col: '<c …>'}, columns ascending
        self.tokens = StyleTokens()    # replaced by the workbook's own table in add_worksheet

    def string_index(self, text: str) -> int:
        """The shared-string index of ``text`` (within Excel's 32767 characters),
        counted as a ``write_string`` of it would be."""
        return self.str_table._get_shared_string_index(text)

    def _initialize(self, init_data) -> None:
        super()._initialize(init_data)
        if hasattr(self.str_table, "_get_shared_string_index"):
            self.string_index = self.str_table._get_shared_string_index   # the same, one call less

    def _escape_attributes(self, attribute):
        """xlsxwriter's, without its TypeError for every number (a raised exception
        an attribute): anything but a str is returned as it is, as there."""
        if FAST and attribute.__class__ is not str:
            return attribute
        return super()._escape_attributes(attribute)

    def write_rich_string(self, *args, **kwargs):
        raise TypeError("rich strings are not written: the shared strings are always escaped as text")

    _write_rich_string = write_rich_string

    def set_width(self, col: int, width: float) -> None:
        """``set_column(col, col, width)``: a column's width, no format or options."""
        if not FAST or not 0 <= col < self.xls_colmax:
            self.set_column(col, col, width)
            return
        if width == 0.0:
            pixels = 0
        elif width < 1.0:
            pixels = int(width * (self.max_digit_width + self.cell_padding) + 0.5)
        else:
            pixels = int(width * self.max_digit_width + 0.5) + self.cell_padding
        self.col_info[col] = _ColumnInfo(width=pixels)
        self.col_size_changed = True

    def set_height(self, row: int, height: float) -> None:
        """``set_row(row, height)``: a row's height, no format or options."""
        pixels = int(height * 4.0 / 3.0 + 0.5)
        if not FAST or pixels == 0:
            self.set_row(row, height)
        elif not self._check_dimensions(row, self.dim_colmin if self.dim_colmin is not None else 0):
            info = _ROW_HEIGHTS.get(pixels)     # read only: shared between rows
            if info is None:
                info = _ROW_HEIGHTS[pixels] = _RowInfo(pixels, None, False, 0, False)
            self.row_info[row] = info
            self.row_sizes[row] = [pixels, False]

    def put_cells(self, row: int, cells: dict[int, str]) -> None:
        """Store ``cells`` ({col: rendered <c> element}, columns ascending) in ``row``,
        as the matching ``write_*`` calls would. Cells must lie within the sheet
        (``xls_rowmax`` × ``xls_colmax``): xlsxwriter would drop the others."""
        if cells:
            self.put_rows({row: cells})

    def put_rows(self, rows: dict[int, dict[int, str]]) -> None:
        """:meth:`put_cells` for several rows: {row: {col: rendered <c>}}."""
        rows = {r: cells for r, cells in rows.items() if cells}
        if not rows:
            return
        if self.constant_memory:
            raise ValueError("put_rows needs random access: not with constant_memory")
        firsts = [next(iter(cells)) for cells in rows.values()]
        lasts = [next(reversed(cells)) for cells in rows.values()]
        if self._check_dimensions(min(rows), min(firsts)) or self._check_dimensions(max(rows), max(lasts)):
            raise IndexError("a cell outside the worksheet")
        if not FAST:
            for row, cells in rows.items():
                self._put_stock(row, cells)
            return
        table, rendered = self.table, self.rendered
        for row, cells in rows.items():
            stored = table.get(row)
            if stored:                       # a later write replaces an earlier one
                for col in cells:
                    stored.pop(col, None)
            earlier = rendered.get(row)
            if earlier is None:
                rendered[row] = cells
            else:
                merged = {**earlier, **cells}
                rendered[row] = merged if list(merged) == sorted(merged) else dict(sorted(merged.items()))

    def _put_stock(self, row: int, cells: dict[int, str]) -> None:
        """Without the fast writer (another xlsxwriter): the rendered cells as the
        ``write_*`` calls they stand for."""
        formats, sst = self.tokens.formats, self.str_table
        strings = None
        for col, xml in cells.items():
            m = _RENDERED.fullmatch(xml)
            token, shared, value = m.group(1), m.group(2), m.group(3)
            fmt = formats[token] if token else None
            if value is None:
                self._write_blank(row, col, None, fmt)
            elif shared:
                if strings is None:
                    strings = {i: text for text, i in sst.string_table.items()}
                sst.count -= 1          # string_index counted it already
                self._write_string(row, col, strings[int(value)], fmt)
            else:
                self._write_number(row, col, float(value), fmt)

    def _calculate_spans(self) -> None:
        if not FAST:
            return super()._calculate_spans()
        rowmin, rowmax, colmin, colmax = self.dim_rowmin, self.dim_rowmax, self.dim_colmin, self.dim_colmax
        blocks: dict[int, list[int]] = {}
        for source in (self.table, self.comments, self.rendered):
            for row_num, cols in source.items():
                if not cols or row_num < rowmin or row_num > rowmax:
                    continue
                if source is self.rendered:
                    lo, hi = next(iter(cols)), next(reversed(cols))
                else:
                    lo, hi = min(cols), max(cols)
                if lo < colmin or hi > colmax:
                    inside = [c for c in cols if colmin <= c <= colmax]
                    if not inside:
                        continue
                    lo, hi = min(inside), max(inside)
                block = blocks.get(row_num >> 4)
                if block is None:
                    blocks[row_num >> 4] = [lo, hi]
                else:
                    if lo < block[0]:
                        block[0] = lo
                    if hi > block[1]:
                        block[1] = hi
        self.row_spans = {i: f"{lo + 1}:{hi + 1}" for i, (lo, hi) in sorted(blocks.items())}

    def _write_rows(self) -> None:
        if not FAST:
            return super()._write_rows()
        self._calculate_spans()
        table, rendered, row_info, comments = self.table, self.rendered, self.row_info, self.comments
        col_info, spans, names, tokens = self.col_info, self.row_spans, COLUMN_NAMES, self.tokens
        colmin, colmax = self.dim_colmin, self.dim_colmax
        write = self.fh.write
        row_tag = self._row_tag if self.excel_version != 2010 else None
        plain_tags = row_tag is not None and self.default_row_height == self.original_row_height
        out: list[str] = []      # written XML still holding style tokens
        col_formats = {c: info.column_format for c, info in col_info.items() if info.column_format is not None}

        def flush() -> None:     # before xlsxwriter itself asks a format for its index
            if out:
                write(tokens.resolve("".join(out)))
                out.clear()

        for row_num in range(self.dim_rowmin, self.dim_rowmax + 1):
            cells = table.get(row_num)
            done = rendered.get(row_num)
            info = row_info.get(row_num)
            span = spans.get(row_num >> 4)
            if not cells and not done:
                if info is not None or row_num in comments:
                    tag = row_tag(row_num, span, info, "/>") if row_tag else None
                    if tag is None:
                        flush()
                        self._write_empty_row(row_num, span, info)
                    else:
                        out.append(tag)
                continue
            if info is None and plain_tags:   # what _row_tag gives for such a row
                tag = f'<row r="{row_num + 1}" spans="{span}">' if span else f'<row r="{row_num + 1}">'
            else:
                tag = row_tag(row_num, span, info, ">") if row_tag else None
            if tag is None:
                flush()
                self._write_row(row_num, span, info)
            else:
                out.append(tag)
            row_format = info.row_format if info is not None else None
            if done and (row_format or col_formats):
                done = self._with_default_formats(done, row_format, col_formats)
            if not cells:
                out.append("".join(done.values()))
                out.append("</row>")
                continue
            r = str(row_num + 1)
            for col_num in sorted({*cells, *done}) if done else sorted(cells):
                if col_num < colmin or col_num > colmax:
                    continue
                cell = cells.get(col_num)
                if cell is None:
                    out.append(done[col_num])
                    continue
                cls = cell.__class__
                if cls is _Blank:
                    fmt = cell[0]
                else:
                    fmt = cell[1]
                if fmt is None:
                    if row_format:
                        fmt = row_format
                    elif col_num in col_info:
                        fmt = col_info[col_num].column_format
                if cls is _Number or cls is _Datetime:
                    out.append(f'<c r="{names[col_num]}{r}"{tokens[fmt]}><v>{cell[0]:.16G}</v></c>')
                elif cls is _String:
                    out.append(f'<c r="{names[col_num]}{r}"{tokens[fmt]} t="s"><v>{cell[0]}</v></c>')
                elif cls is _Blank:
                    out.append(f'<c r="{names[col_num]}{r}"{tokens[fmt]}/>')
                elif cls is _Boolean:
                    out.append(f'<c r="{names[col_num]}{r}"{tokens[fmt]} t="b"><v>{cell[0]}</v></c>')
                else:   # formulas, errors: xlsxwriter's own writer
                    flush()
                    self._write_cell(row_num, col_num, cell)
            out.append("</row>")
        flush()

    def _with_default_formats(self, cells: dict[int, str], row_format, col_formats) -> dict[int, str]:
        """Rendered cells without a format take the row's, else the column's, format,
        as xlsxwriter's _write_cell gives them."""
        out = {}
        for col, xml in cells.items():
            fmt = row_format or col_formats.get(col)
            if fmt is not None and "\x01" not in xml:
                end = xml.index('"', 6) + 1          # after <c r="A1"
                xml = xml[:end] + self.tokens[fmt] + xml[end:]
            out[col] = xml
        return out

    def _row_tag(self, row_num: int, span: str | None, info, end: str) -> str | None:
        """The <row> start (``end`` ">") or empty ("/>") tag xlsxwriter's _write_row
        writes, for rows without a row format, outline level or collapse (else None)."""
        if info is None:
            height, hidden = self.default_row_height, False
        elif info.row_format is None and not info.level and not info.collapsed:
            height = info.height if info.height is not None else self.default_row_height
            hidden = info.hidden
        else:
            return None
        tag = f'<row r="{row_num + 1}"'
        if span:
            tag += f' spans="{span}"'
        custom = height != self.original_row_height or height != self.default_row_height
        if custom:
            tag += f' ht="{height * 0.75:.16g}"'
        if hidden:
            tag += ' hidden="1"'
        if custom:
            tag += ' customHeight="1"'
        return tag + end


class SafeSharedStrings(SharedStrings):
    """The shared-strings part with every string escaped as text: xlsxwriter's own
    ``_write_si`` without its branch that writes "<r>…</r>" (a rich string's XML) raw.
    With :data:`FAST`, the strings are also written a run at a time."""

    def _write_si(self, string) -> None:
        string = self._escape_control_characters(string)
        self._xml_si_element(string, [("xml:space", "preserve")] if _preserve_whitespace(string) else [])

    def _write_sst_strings(self) -> None:
        strings = self.string_table.string_array
        if not FAST:
            for string in strings:
                self._write_si(string)
            return
        write = self.fh.write
        # One search of them all first: "\n" ends no escape sequence and starts none.
        needs_care = _NEEDS_CARE.search if _NEEDS_CARE.search("\n".join(strings)) else None
        out = []
        for string in strings:
            if needs_care is not None and needs_care(string):
                if out:
                    write("".join(out))
                    out = []
                self._write_si(string)
            elif string[:1].isspace() or string[-1:].isspace():
                # xlsxwriter's test for xml:space="preserve" is ^\s|\s$: as "\n" is a space,
                # that is "the first or the last character is a space" (tests/test_fastxlsx.py)
                out.append(f'<si><t xml:space="preserve">{string}</t></si>')
            else:
                out.append(f"<si><t>{string}</t></si>")
        if out:
            write("".join(out))


class SafePackager(Packager):
    """xlsxwriter's packager writing the shared strings with :class:`SafeSharedStrings`."""

    def _write_shared_strings_file(self) -> None:
        if not self.workbook.str_table.count:
            return
        sst = SafeSharedStrings()
        sst.string_table = self.workbook.str_table
        sst._set_xml_writer(self._filename("xl/sharedStrings.xml"))
        sst._assemble_xml_file()


ZIP_LEVEL = 1     # deflate level of the parts: about 2.5x faster than zlib's default 6, files ~15 % larger


class _FastZipInfo(zipfile.ZipInfo):
    """A zip entry compressed at :data:`ZIP_LEVEL` (xlsxwriter leaves zlib's default)."""

    __slots__ = ()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._compresslevel = ZIP_LEVEL


# Compressed parts remembered by content: the theme, the relationships, the styles,
# [Content_Types].xml, … recur from workbook to workbook (the sheets, strings and the
# time-stamped core.xml do not, and are not remembered).
_DEFLATED: dict[bytes, tuple[int, bytes]] = {}
_DEFLATED_LIMIT = 256
_UNIQUE_PARTS = ("xl/worksheets/sheet", "xl/sharedStrings.xml", "docProps/core.xml", "xl/comments",
                 "xl/drawings/vmlDrawing")


def _deflate(name: str, data: bytes) -> tuple[int, bytes]:
    """(CRC-32, raw deflate stream at ZIP_LEVEL) of ``data``: what zipfile writes."""
    if name.startswith(_UNIQUE_PARTS):
        compressor = zlib.compressobj(ZIP_LEVEL, zlib.DEFLATED, -15)
        return zlib.crc32(data), compressor.compress(data) + compressor.flush()
    done = _DEFLATED.get(data)
    if done is None:
        compressor = zlib.compressobj(ZIP_LEVEL, zlib.DEFLATED, -15)
        done = zlib.crc32(data), compressor.compress(data) + compressor.flush()
        if len(_DEFLATED) >= _DEFLATED_LIMIT:
            _DEFLATED.clear()
        _DEFLATED[data] = done
    return done


class _MemoryZip:
    """The part of ``zipfile.ZipFile`` xlsxwriter's _store_workbook uses (``writestr``
    of a ZipInfo, ``close``), built in memory and written to the file in one go: the
    bytes zipfile writes for entries deflated at :data:`ZIP_LEVEL` (tests/test_fastxlsx.py),
    without its file-like write handle, seeks and header rewrite per entry."""

    def __init__(self, file, mode: str = "w", compression: int = zipfile.ZIP_DEFLATED,
                 allowZip64: bool = True) -> None:
        if mode != "w" or compression != zipfile.ZIP_DEFLATED:
            raise ValueError("only a new, deflated zip")
        self.file, self.compression = file, compression
        self.chunks: list[bytes] = []
        self.entries: list[zipfile.ZipInfo] = []
        self.offset = 0

    def writestr(self, zinfo: zipfile.ZipInfo, data) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        if zinfo.compress_type != zipfile.ZIP_DEFLATED or zinfo.extra or len(data) * 1.05 > zipfile.ZIP64_LIMIT:
            raise ValueError(f"not an entry _MemoryZip writes: {zinfo.filename}")
        zinfo.filename.encode("ascii")           # no UTF-8 flag: xlsxwriter's part names are ASCII
        crc, deflated = _deflate(zinfo.filename, data)
        zinfo.file_size, zinfo.compress_size, zinfo.CRC = len(data), len(deflated), crc
        zinfo.flag_bits = 0
        if not zinfo.external_attr:
            zinfo.external_attr = 0o600 << 16
        zinfo.header_offset = self.offset
        header = zinfo.FileHeader(False)
        self.chunks += (header, deflated)
        self.offset += len(header) + len(deflated)
        self.entries.append(zinfo)

    def close(self) -> None:
        central: list[bytes] = []
        for z in self.entries:
            dt = z.date_time
            dosdate = (dt[0] - 1980) << 9 | dt[1] << 5 | dt[2]
            dostime = dt[3] << 11 | dt[4] << 5 | (dt[5] // 2)
            name = z.filename.encode("ascii")
            central += (struct.pack(
                zipfile.structCentralDir, zipfile.stringCentralDir, z.create_version, z.create_system,
                z.extract_version, z.reserved, z.flag_bits, z.compress_type, dostime, dosdate, z.CRC,
                z.compress_size, z.file_size, len(name), 0, len(z.comment), 0, z.internal_attr,
                z.external_attr, z.header_offset), name, z.comment)
        size = sum(map(len, central))
        if len(self.entries) > zipfile.ZIP_FILECOUNT_LIMIT or self.offset + size > zipfile.ZIP64_LIMIT:
            raise zipfile.LargeZipFile("a workbook too large for _MemoryZip")
        end = struct.pack(zipfile.structEndArchive, zipfile.stringEndArchive, 0, 0,
                          len(self.entries), len(self.entries), size, self.offset, 0)
        data = b"".join((*self.chunks, *central, end))
        if hasattr(self.file, "write"):
            self.file.write(data)
        else:
            with open(self.file, "wb") as fh:
                fh.write(data)


_zip_lock = threading.Lock()
_FORMAT_TEMPLATES: dict[tuple, Format] = {}    # (default properties, None, properties) → unused Format


class FastWorkbook(xlsxwriter.Workbook):
    """An xlsxwriter Workbook whose worksheets are :class:`FastWorksheet`."""

    worksheet_class = FastWorksheet

    def __init__(self, filename=None, options=None) -> None:
        super().__init__(filename, options)
        self.style_tokens = StyleTokens()

    def add_format(self, properties=None):
        """xlsxwriter's add_format, the Format copied from one built once per
        process for the same properties (building one calls a setter a property)."""
        if not FAST:
            return super().add_format(properties)
        try:
            key = (*self.default_format_properties.items(), None, *(properties or {}).items())
            template = _FORMAT_TEMPLATES.get(key)
        except TypeError:           # a property value that cannot be a key
            return super().add_format(properties)
        if template is None:
            merged = self.default_format_properties.copy()
            merged.update(properties or {})
            template = Format(merged)
            if len(_FORMAT_TEMPLATES) >= 512:
                _FORMAT_TEMPLATES.clear()
            _FORMAT_TEMPLATES[key] = template
        fmt = Format.__new__(Format)
        fmt.__dict__.update(template.__dict__)
        fmt.xf_format_indices, fmt.dxf_format_indices = self.xf_format_indices, self.dxf_format_indices
        self.formats.append(fmt)
        return fmt

    def add_worksheet(self, name=None, worksheet_class=None):
        ws = super().add_worksheet(name, worksheet_class)
        if isinstance(ws, FastWorksheet):
            ws.tokens = self.style_tokens
        return ws

    def _get_packager(self):
        if not SAFE:
            raise RuntimeError("xlsxwriter version not supported: its shared strings cannot be written safely")
        return SafePackager()

    memory_zip = True    # False: zipfile writes the zip (tests compare the two)

    def _store_workbook(self) -> None:
        """xlsxwriter's own, with its zip entries made as :class:`_FastZipInfo` and the
        zip built by :class:`_MemoryZip` (it names both classes in its module; the swap is
        undone at once, under a lock)."""
        if not SAFE:      # before xlsxwriter creates the file
            raise RuntimeError("xlsxwriter version not supported: its shared strings cannot be written safely")
        if not (FAST and self.in_memory and getattr(_xwb, "ZipInfo", None) is zipfile.ZipInfo
                and getattr(_xwb, "ZipFile", None) is zipfile.ZipFile):
            return super()._store_workbook()
        with _zip_lock:
            _xwb.ZipInfo = _FastZipInfo
            if self.memory_zip:
                _xwb.ZipFile = _MemoryZip
            try:
                super()._store_workbook()
            finally:
                _xwb.ZipInfo = zipfile.ZipInfo
                _xwb.ZipFile = zipfile.ZipFile
