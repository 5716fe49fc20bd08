"""Preflight: look at a file before any spreadsheet library touches it.

Some files crash readers outright (a single cell at XFD1048576 makes calamine
allocate 512 GB and abort the whole process; a zip bomb inflates to gigabytes).
So every file is first identified by its magic bytes and, for .xlsx, its zip
directory and sheet XML are scanned with plain regular expressions: sizes, the
largest cell address, formulas without cached values, number formats (to tell a
percentage cell), merged ranges, hidden rows and column widths. Only a file that
passes is handed to the reader. Problems are raised as :class:`Unreadable` with a
Chinese reason for the user.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from defusedxml import ElementTree as SafeET

from reconcile.cells import col_index

MAX_UNCOMPRESSED = 100 * 1024 * 1024   # bytes inflated in total
MAX_RATIO = 200                        # inflated / compressed, for any sizeable entry
MAX_ROWS = 20_000
MAX_COLS = 256


class Unreadable(Exception):
    """A file that cannot be checked. ``reason`` is the Chinese text users see."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class SheetScan:
    name: str
    path: str                                  # zip entry
    hidden: bool = False
    max_row: int = 0                           # 1-based
    max_col: int = 0                           # 1-based
    styles: dict[tuple[int, int], int] = field(default_factory=dict)   # (row0, col0) → xf index
    formulas_without_value: set[tuple[int, int]] = field(default_factory=set)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # row0, col0, row1, col1 inclusive
    hidden_rows: set[int] = field(default_factory=set)                   # row0
    col_widths: dict[int, float] = field(default_factory=dict)           # col0 → width


@dataclass
class Preflight:
    kind: str                                   # "xlsx" or "xls"
    sheets: list[SheetScan] = field(default_factory=list)
    number_formats: list[str] = field(default_factory=list)   # xf index → format code

    def sheet(self, name: str) -> SheetScan | None:
        return next((s for s in self.sheets if s.name == name), None)


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

BUILTIN_FORMATS = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%",
    11: "0.00E+00", 12: "# ?/?", 13: "# ??/??", 14: "yyyy-mm-dd", 15: "d-mmm-yy", 16: "d-mmm",
    17: "mmm-yy", 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss",
    22: "yyyy-mm-dd h:mm", 37: "#,##0 ;(#,##0)", 38: "#,##0 ;[Red](#,##0)",
    39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;[Red](#,##0.00)", 45: "mm:ss", 46: "[h]:mm:ss",
    47: "mmss.0", 48: "##0.0E+0", 49: "@",
}

_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(/>|>(.*?)</(?:\w+:)?row>)", re.S)
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/>|>(.*?)</(?:\w+:)?c>)", re.S)
_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_COL = re.compile(rb"<(?:\w+:)?col\b([^>]*?)/?>")
_CELL_REF = re.compile(rb"([A-Z]{1,4})(\d{1,8})")
_HAS_F = re.compile(rb"<(?:\w+:)?f\b")
_HAS_V = re.compile(rb"<(?:\w+:)?v\b[^>]*>[^<]")
_HAS_IS = re.compile(rb"<(?:\w+:)?is\b")


def preflight(path: Path, only: Callable[[str], bool] | None = None) -> Preflight:
    """Identify and scan a file; raise :class:`Unreadable` with a Chinese reason.

    ``only``: when given, only the sheets whose name it accepts are scanned and
    listed (the zip-level checks still cover the whole file); readers then read only
    those sheets."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise Unreadable(f"无法打开文件：{exc.strerror or exc}") from exc
    if size == 0:
        raise Unreadable("文件为空（0 字节），请重新保存后提交")
    if head.startswith(OLE_MAGIC):
        if _is_encrypted_ole(path):
            raise Unreadable("文件已加密（设置了打开密码），请去除密码后重新保存为 .xlsx 提交")
        return Preflight(kind="xls")
    if not head.startswith(ZIP_MAGIC):
        lowered = head.lower()
        if lowered.startswith((b"<htm", b"<!do", b"<?xm", b"<tab")):
            raise Unreadable("文件不是 Excel 工作簿（是网页或 XML 导出文件），请在 Excel/WPS 中打开并另存为 .xlsx")
        raise Unreadable("文件不是 Excel 工作簿（内容无法识别），请确认文件并重新保存为 .xlsx")
    try:
        with zipfile.ZipFile(path) as zf:
            return _scan_xlsx(zf, only)
    except zipfile.BadZipFile as exc:
        raise Unreadable("文件已损坏（压缩包不完整，可能未下载或复制完整），请重新保存后提交") from exc
    except (KeyError, SafeET.ParseError, ValueError) as exc:
        raise Unreadable(f"工作簿结构已损坏，无法读取（{type(exc).__name__}），请在 Excel/WPS 中打开后另存为 .xlsx") from exc
    except Exception as exc:  # defusedxml raises its own DTD/entity errors
        if type(exc).__module__.startswith("defusedxml"):
            raise Unreadable("工作簿包含不安全的 XML 内容（实体定义），已拒绝读取") from exc
        raise


def _is_encrypted_ole(path: Path) -> bool:
    # An encrypted .xlsx is an OLE2 container holding "EncryptionInfo" and
    # "EncryptedPackage" streams; directory names are UTF-16LE.
    with path.open("rb") as fh:
        data = fh.read(1024 * 1024)
    return "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data


def _scan_xlsx(zf: zipfile.ZipFile, only: Callable[[str], bool] | None = None) -> Preflight:
    infos = zf.infolist()
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise Unreadable("文件是 Word 文档（扩展名被改成了 .xlsx），请提交 Excel 工作簿")
        if "ppt/presentation.xml" in names:
            raise Unreadable("文件是 PowerPoint 演示文稿（扩展名被改成了 .xlsx），请提交 Excel 工作簿")
        raise Unreadable("文件是压缩包，但不是 Excel 工作簿，请提交 .xlsx 文件")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            raise Unreadable(f"文件异常：{info.filename} 解压后膨胀 {info.file_size // max(info.compress_size, 1)} 倍（疑似压缩炸弹），已拒绝读取")
    if total > MAX_UNCOMPRESSED:
        raise Unreadable(f"文件过大：解压后约 {total // (1024 * 1024)} MB，超过 {MAX_UNCOMPRESSED // (1024 * 1024)} MB 的上限；请删除多余的行、列或图片后重新提交")

    workbook = SafeET.fromstring(zf.read("xl/workbook.xml"))
    rels = _relationships(zf, "xl/_rels/workbook.xml.rels")
    result = Preflight(kind="xlsx", number_formats=_number_formats(zf))
    for el in workbook.iter():
        if _local(el.tag) != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
        target = rels.get(rid or "")
        if target is None:
            continue
        entry = _resolve(target)
        if only is not None and not only(el.attrib.get("name", "")):
            continue
        scan = SheetScan(name=el.attrib.get("name", ""), path=entry,
                         hidden=el.attrib.get("state", "visible") != "visible")
        if entry in names:
            _scan_sheet(zf.read(entry), scan)
        result.sheets.append(scan)
    return result


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _relationships(zf: zipfile.ZipFile, entry: str) -> dict[str, str]:
    try:
        root = SafeET.fromstring(zf.read(entry))
    except KeyError:
        return {}
    return {el.attrib.get("Id", ""): el.attrib.get("Target", "") for el in root.iter() if _local(el.tag) == "Relationship"}


def _resolve(target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for part in PurePosixPath("xl", target).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def _number_formats(zf: zipfile.ZipFile) -> list[str]:
    try:
        root = SafeET.fromstring(zf.read("xl/styles.xml"))
    except KeyError:
        return []
    custom: dict[int, str] = {}
    formats: list[str] = []
    for el in root.iter():
        tag = _local(el.tag)
        if tag == "numFmt":
            try:
                custom[int(el.attrib.get("numFmtId", "-1"))] = el.attrib.get("formatCode", "General")
            except ValueError:
                continue
        elif tag == "cellXfs":
            for xf in el:
                try:
                    fmt_id = int(xf.attrib.get("numFmtId", "0"))
                except ValueError:
                    fmt_id = 0
                formats.append(custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id, "General"))
    return formats


def _scan_sheet(xml: bytes, scan: SheetScan) -> None:
    max_row = max_col = 0
    next_row = 0
    for row_match in _ROW.finditer(xml):
        attrs = dict(_ATTR.findall(row_match.group(1)))
        row_no = int(attrs.get(b"r", next_row + 1))
        next_row = row_no
        if attrs.get(b"hidden") in (b"1", b"true"):
            scan.hidden_rows.add(row_no - 1)
        body = row_match.group(3) or b""
        col = -1
        for cell in _CELL.finditer(body):
            cattrs = dict(_ATTR.findall(cell.group(1)))
            ref = cattrs.get(b"r")
            if ref:
                m = _CELL_REF.fullmatch(ref)
                if not m:
                    continue
                col = col_index(m.group(1).decode())
                row = int(m.group(2))
            else:
                col += 1
                row = row_no
            if row > MAX_ROWS or col + 1 > MAX_COLS:
                raise Unreadable(
                    f"工作表“{scan.name}”有内容或格式延伸到第 {row} 行、第 {col + 1} 列，"
                    f"超出模板范围（最多 {MAX_ROWS} 行、{MAX_COLS} 列）；请删除多余的行列后重新提交")
            max_row, max_col = max(max_row, row), max(max_col, col + 1)
            style = cattrs.get(b"s")
            if style and style != b"0":
                scan.styles[(row - 1, col)] = int(style)
            inner = cell.group(3)
            if inner and _HAS_F.search(inner) and not _HAS_V.search(inner) and not _HAS_IS.search(inner):
                scan.formulas_without_value.add((row - 1, col))
    for m in _MERGE.finditer(xml):
        c0, r0 = col_index(m.group(1).decode()), int(m.group(2)) - 1
        c1 = col_index(m.group(3).decode()) if m.group(3) else c0
        r1 = int(m.group(4)) - 1 if m.group(4) else r0
        if r1 + 1 > MAX_ROWS or c1 + 1 > MAX_COLS:
            raise Unreadable(f"工作表“{scan.name}”的合并单元格超出模板范围，请删除多余的行列后重新提交")
        scan.merged.append((r0, c0, r1, c1))
    for m in _COL.finditer(xml):
        attrs = dict(_ATTR.findall(m.group(1)))
        try:
            lo, hi = int(attrs.get(b"min", b"0")), int(attrs.get(b"max", b"0"))
            width = float(attrs.get(b"width", b"0"))
        except ValueError:
            continue
        if width > 0:
            for c in range(max(lo, 1) - 1, min(hi, MAX_COLS)):
                scan.col_widths[c] = width
    scan.max_row, scan.max_col = max_row, max_col
