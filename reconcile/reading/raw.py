"""The raw grid of a workbook: cell values, merged ranges, number formats, widths.

Values come from python-calamine (fast, and reads .xls too); everything calamine
does not report (number formats, formulas without cached values, hidden rows,
widths) comes from the preflight scan of the sheet XML. The annotated-workbook
writer reproduces input sheets from this, and the sheet readers build the model
from it. Row and column indexes here are 0-based.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reconcile.reading.preflight import Preflight, Unreadable, preflight


_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


@functools.lru_cache(maxsize=1024)
def is_percent_format(code: str) -> bool:
    """A number format that shows the value × 100 with "%": 0.00% yes; 0.00"%" or
    0.00\\% (a literal percent sign after the plain number) no."""
    return "%" in _LITERALS.sub("", code)


@dataclass
class RawSheet:
    name: str
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    number_formats: dict[tuple[int, int], str] = field(default_factory=dict)
    formulas_without_value: set[tuple[int, int]] = field(default_factory=set)
    hidden: bool = False
    hidden_rows: set[int] = field(default_factory=set)
    col_widths: dict[int, float] = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def value(self, r: int, c: int) -> Any:
        if 0 <= r < len(self.rows):
            row = self.rows[r]
            if 0 <= c < len(row):
                v = row[c]
                return None if v == "" else v
        return None

    def is_percent(self, r: int, c: int) -> bool:
        return is_percent_format(self.number_formats.get((r, c), ""))

    def merged_origin(self) -> dict[tuple[int, int], tuple[int, int]]:
        """Every covered cell of a merged range → its top-left cell."""
        out = {}
        for r0, c0, r1, c1 in self.merged:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        out[(r, c)] = (r0, c0)
        return out


@dataclass
class RawWorkbook:
    path: Path
    kind: str
    sheets: list[RawSheet]

    def sheet(self, name: str) -> RawSheet | None:
        return next((s for s in self.sheets if s.name == name), None)


class ReadFailed(Unreadable):
    """A file that passed the preflight but that the reader could not read."""


# Never swallowed: the user pressed Ctrl+C, or the process is exiting.
_FATAL = (KeyboardInterrupt, SystemExit, GeneratorExit)


def read_raw(path: Path, only: Callable[[str], bool] | None = None) -> RawWorkbook:
    """Preflight (always the whole file) then read every sheet, or only the sheets
    whose name ``only`` accepts. Raises :class:`Unreadable`."""
    scan = preflight(path)
    return read_scanned(path, scan, only)


def read_scanned(path: Path, scan: Preflight, only: Callable[[str], bool] | None = None) -> RawWorkbook:
    import python_calamine

    try:
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
    except _FATAL:
        raise
    except BaseException as exc:  # calamine raises its own classes; a Rust panic is a BaseException
        text = str(exc)
        if "password" in text.lower() or "Password" in type(exc).__name__:
            raise ReadFailed("文件已加密（设置了打开密码），请去除密码后重新保存为 .xlsx 提交") from exc
        raise ReadFailed(f"无法读取工作簿（{type(exc).__name__}），请在 Excel/WPS 中打开后另存为 .xlsx") from exc
    sheets: list[RawSheet] = []
    try:
        metadata = {m.name: m for m in wb.sheets_metadata}
        for name in wb.sheet_names:
            meta = metadata.get(name)
            if meta is not None and "Work" not in str(meta.typ):
                continue  # chart sheets and macro sheets hold no table
            if only is not None and not only(name):
                continue
            info = scan.sheet(name)
            if scan.kind == "xlsx" and info is None:
                continue
            calamine_sheet = wb.get_sheet_by_name(name)
            rows = calamine_sheet.to_python(skip_empty_area=False)
            sheet = RawSheet(name=name, rows=rows)
            if info is not None:
                sheet.merged = info.merged
                sheet.number_formats = info.number_formats
                sheet.formulas_without_value = info.formulas_without_value
                _show_errors(rows, info.errors)
                sheet.hidden = info.hidden
                sheet.hidden_rows = info.hidden_rows
                sheet.col_widths = info.col_widths
            else:
                sheet.merged = [(a[0], a[1], b[0], b[1]) for a, b in (calamine_sheet.merged_cell_ranges or [])]
                sheet.hidden = meta is not None and "Visible" not in str(meta.visible)
            sheets.append(sheet)
    except (Unreadable, *_FATAL):
        raise
    except BaseException as exc:  # noqa: BLE001 - pyo3's PanicException derives from BaseException
        raise ReadFailed(f"读取工作表时出错（{type(exc).__name__}: {str(exc)[:200]}），请在 Excel/WPS 中打开后另存为 .xlsx") from exc
    finally:
        try:
            wb.close()
        except BaseException as exc:  # noqa: BLE001 - closing is best effort
            if isinstance(exc, _FATAL):
                raise
    return RawWorkbook(path=path, kind=scan.kind, sheets=sheets)


def _show_errors(rows: list[list[Any]], errors: dict[tuple[int, int], str]) -> None:
    """Error cells (#DIV/0!, #REF!) read as "" from calamine; put back the text
    Excel shows, so a broken 合计 is reported as such and not taken for a blank."""
    for (r, c), text in errors.items():
        if r < len(rows) and c < len(rows[r]) and rows[r][c] == "":
            rows[r][c] = text
