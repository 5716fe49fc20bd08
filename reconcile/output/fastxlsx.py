"""A faster xlsxwriter for our workbooks: the same bytes, less Python per cell.

xlsxwriter spends most of a small workbook's time on per-cell Python: the argument
checks of ``write_number`` / ``write_string``, then at ``close()`` one XML-writer call
per cell and per shared string. Here

* :meth:`FastWorksheet.put_row` stores a row of prepared cells at once (one
  dimension check a row, no per-cell argument parsing);
* :meth:`FastWorksheet._write_rows` and ``_calculate_spans`` write ``<sheetData>``
  a row at a time;
* the shared-strings part is written a string at a time with one check for the
  strings that need escaping (everything else goes through xlsxwriter's own code).

Everything produces exactly the bytes xlsxwriter itself would (tests compare the
two); cell types we do not handle fast go through xlsxwriter's own methods. If the
xlsxwriter internals this relies on are missing (another version), :data:`FAST` is
False and the stock classes are used.
"""

from __future__ import annotations

import re
from typing import Any

import xlsxwriter
from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

try:
    from xlsxwriter.worksheet import (
        CellBlankTuple as Blank,
        CellDatetimeTuple as _Datetime,
        CellNumberTuple as Number,
        CellStringTuple as String,
    )

    FAST = all(hasattr(Worksheet, m) for m in ("_write_rows", "_calculate_spans", "_write_row",
                                              "_write_empty_row", "_write_cell", "_check_dimensions")) \
        and hasattr(SharedStrings, "_write_si") and hasattr(xlsxwriter.Workbook, "_get_packager") \
        and hasattr(Packager, "_write_shared_strings_file")
except ImportError:  # pragma: no cover - an xlsxwriter without these internals
    FAST = False

# A shared string xlsxwriter writes unchanged inside <si><t>…</t></si>: nothing to
# escape, no control character or _xHHHH_ lookalike (and so not "<r>…</r>" either).
_NEEDS_CARE = re.compile(r'[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_')
# xlsxwriter's test for xml:space="preserve" (utility._preserve_whitespace), in one search.
_EDGE_SPACE = re.compile(r"^\s|\s$")
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


class FastWorksheet(Worksheet):
    """A worksheet with :meth:`put_row` and a faster ``<sheetData>`` writer."""

    def string_index(self, text: str) -> int:
        """The shared-string index of ``text`` (which must be within Excel's 32767)."""
        return self.str_table._get_shared_string_index(text)

    def put_row(self, row: int, cells: dict[int, Any]) -> None:
        """Store ``cells`` ({col: Number/String/Blank tuple}, in column order) in
        ``row`` as the matching ``write_*`` calls would; strings hold their
        :meth:`string_index`. Cells must lie within the sheet (``xls_rowmax`` ×
        ``xls_colmax``): xlsxwriter would drop the others, so callers skip them."""
        if not cells:
            return
        if self.constant_memory:
            raise ValueError("put_row needs random access: not with constant_memory")
        if self._check_dimensions(row, next(iter(cells))) or self._check_dimensions(row, next(reversed(cells))):
            raise IndexError(f"row {row} holds a cell outside the worksheet")
        self.table[row].update(cells)

    def _calculate_spans(self) -> None:
        if not FAST:
            return super()._calculate_spans()
        rowmin, rowmax, colmin, colmax = self.dim_rowmin, self.dim_rowmax, self.dim_colmin, self.dim_colmax
        blocks: dict[int, list[int]] = {}
        for source in (self.table, self.comments):
            for row_num, cols in source.items():
                if not cols or row_num < rowmin or row_num > rowmax:
                    continue
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
        table, row_info, comments, col_info = self.table, self.row_info, self.comments, self.col_info
        spans = self.row_spans
        colmin, colmax = self.dim_colmin, self.dim_colmax
        write = self.fh.write
        names = _ColumnNames()
        style = _StyleAttributes()
        # A row without row_info is written <row r=".." spans=".."> unless heights or
        # the Excel 2010 attribute say otherwise: then xlsxwriter's own _write_row.
        plain_rows = self.excel_version != 2010 and self.default_row_height == self.original_row_height

        for row_num in range(self.dim_rowmin, self.dim_rowmax + 1):
            cells = table.get(row_num)
            info = row_info.get(row_num)
            if not cells:
                if info is not None or row_num in comments:
                    self._write_empty_row(row_num, spans.get(row_num >> 4), info)
                continue
            r = str(row_num + 1)
            if info is None and plain_rows:
                span = spans.get(row_num >> 4)
                out = [f'<row r="{r}" spans="{span}">' if span else f'<row r="{r}">']
                row_format = None
            else:
                self._write_row(row_num, spans.get(row_num >> 4), info)
                out = []
                row_format = info.row_format if info is not None else None
            for col_num in sorted(cells):
                if col_num < colmin or col_num > colmax:
                    continue
                cell = cells[col_num]
                cls = cell.__class__
                if cls is Number or cls is _Datetime:
                    fmt = cell[1]
                    body = f"><v>{cell[0]:.16G}</v></c>"
                elif cls is String:
                    fmt = cell[1]
                    body = f' t="s"><v>{cell[0]}</v></c>'
                elif cls is Blank:
                    fmt = cell[0]
                    body = "/>"
                else:   # formulas, booleans, rich strings, …: xlsxwriter's own writer
                    if out:
                        write("".join(out))
                        out = []
                    self._write_cell(row_num, col_num, cell)
                    continue
                if fmt is None:
                    if row_format:
                        fmt = row_format
                    elif col_num in col_info:
                        fmt = col_info[col_num].column_format
                out.append(f'<c r="{names[col_num]}{r}"{style[fmt]}{body}')
            out.append("</row>")
            write("".join(out))


class _ColumnNames(dict):
    """Column number → letters, computed once."""

    def __missing__(self, col: int) -> str:
        name = self[col] = xl_col_to_name(col)
        return name


class _StyleAttributes(dict):
    """Format → its ' s="n"' attribute ('' for none). The xf index is asked for when
    a format is first met, in sheet order, as xlsxwriter does."""

    def __missing__(self, fmt) -> str:
        attr = self[fmt] = f' s="{fmt._get_xf_index()}"' if fmt is not None else ""
        return attr


class FastSharedStrings(SharedStrings):
    def _write_sst_strings(self) -> None:
        write = self.fh.write
        needs_care, edge_space = _NEEDS_CARE.search, _EDGE_SPACE.search
        out = []
        for string in self.string_table.string_array:
            if needs_care(string):
                if out:
                    write("".join(out))
                    out = []
                self._write_si(string)
            elif edge_space(string):
                out.append(f'<si><t xml:space="preserve">{string}</t></si>')
            else:
                out.append(f"<si><t>{string}</t></si>")
        if out:
            write("".join(out))


class FastPackager(Packager):
    def _write_shared_strings_file(self) -> None:
        if not self.workbook.str_table.count:
            return
        sst = FastSharedStrings()
        sst.string_table = self.workbook.str_table
        sst._set_xml_writer(self._filename("xl/sharedStrings.xml"))
        sst._assemble_xml_file()


class FastWorkbook(xlsxwriter.Workbook):
    """An xlsxwriter Workbook whose worksheets are :class:`FastWorksheet`."""

    worksheet_class = FastWorksheet

    def _get_packager(self):
        return FastPackager() if FAST else super()._get_packager()
