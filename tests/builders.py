"""Test helpers: write small workbooks cell by cell, the way departments' files look.

Stock xlsxwriter writes a shared string shaped "<r>…</r>" unescaped (it takes it for a
rich string's XML); :class:`_TextWorkbook` writes every string as text, so a test can
give a department's cell any text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings
from xlsxwriter.utility import _preserve_whitespace


class _TextSharedStrings(SharedStrings):
    def _write_si(self, string) -> None:      # xlsxwriter's, without the rich-string branch
        string = self._escape_control_characters(string)
        self._xml_si_element(string, [("xml:space", "preserve")] if _preserve_whitespace(string) else [])


class _TextPackager(Packager):
    def _write_shared_strings_file(self) -> None:
        if self.workbook.str_table.count:
            sst = _TextSharedStrings()
            sst.string_table = self.workbook.str_table
            sst._set_xml_writer(self._filename("xl/sharedStrings.xml"))
            sst._assemble_xml_file()


class _TextWorkbook(xlsxwriter.Workbook):
    def _get_packager(self):
        return _TextPackager()


def write_workbook(path: Path, sheets: dict[str, list[list[Any]]], *,
                   merges: dict[str, list[str]] | None = None,
                   percent_cells: dict[str, list[str]] | None = None,
                   formulas: dict[str, dict[str, str]] | None = None) -> Path:
    """Write ``sheets`` ({name: rows}) to ``path``. ``None`` leaves a cell empty.

    merges: {sheet: ["A1:F1", ...]} (the value of the first cell is kept);
    percent_cells: {sheet: ["E4", ...]} cells given the 0.00% number format;
    formulas: {sheet: {"B4": "=SUM(B5:B6)"}} written with a cached value of 0.
    """
    wb = _TextWorkbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False})
    pct = wb.add_format({"num_format": "0.00%"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        pct_cells = set((percent_cells or {}).get(name, []))
        merged_firsts = {}
        for rng in (merges or {}).get(name, []):
            first = rng.split(":")[0]
            merged_firsts[first] = rng
        from xlsxwriter.utility import xl_rowcol_to_cell

        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                ref = xl_rowcol_to_cell(r, c)
                if ref in merged_firsts:
                    continue
                fmt = pct if ref in pct_cells else None
                if isinstance(value, str):
                    ws.write_string(r, c, value, fmt)
                else:
                    ws.write(r, c, value, fmt)
        for first, rng in merged_firsts.items():
            from xlsxwriter.utility import xl_cell_to_rowcol

            r, c = xl_cell_to_rowcol(first)
            value = rows[r][c] if r < len(rows) and c < len(rows[r]) else None
            ws.merge_range(rng, value if value is not None else "")
        for ref, formula in (formulas or {}).get(name, {}).items():
            ws.write_formula(ref, formula, None, 0)
    wb.close()
    return path
