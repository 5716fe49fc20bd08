"""Preflight: look at a file before any spreadsheet library touches it.

Some files crash readers outright (a single cell at XFD1048576 makes calamine
allocate 512 GB and abort the whole process, uncatchably; a zip bomb inflates to
gigabytes; a DTD expands entities). So every file is first identified by its
magic bytes and, for .xlsx, every zip entry is inflated under a size cap and
the worksheet XML is tokenised with plain regular expressions: sizes, the
largest cell address that holds anything, formulas without cached values,
number formats (to tell a percentage cell), merged ranges, hidden rows and
column widths. Only a file that passes is handed to the reader. Problems are
raised as :class:`Unreadable` with a Chinese reason for the user.

The scan is deliberately more suspicious than the reader: it looks at every
entry that contains worksheet data, whatever the workbook's relationships say
(calamine resolves sheet paths case-insensitively), accepts any quoting and
namespace prefix calamine accepts, and refuses a cell address it cannot parse
rather than skip it.
"""

from __future__ import annotations

import functools
import re
import stat
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import compress
from pathlib import Path, PurePosixPath

from defusedxml import ElementTree as SafeET

from reconcile.cells import a1, col_index

MAX_UNCOMPRESSED = 100 * 1024 * 1024   # bytes inflated in total
MAX_RATIO = 200                        # inflated / compressed, for any sizeable entry
MAX_ENTRIES = 5_000                    # zip entries
MAX_ROWS = 20_000
MAX_COLS = 256
MAX_CELLS = 6_000_000                  # Σ over sheets of the rectangle the reader materialises
MAX_MERGED_CELLS = 1_000_000           # Σ cells covered by merged ranges
MAX_XLS_BYTES = 30 * 1024 * 1024       # a legacy .xls (BIFF) file on disk

REASON_ENCRYPTED = "文件已加密（设置了打开密码），请去除密码后重新保存为 .xlsx 提交"
REASON_DAMAGED = "文件已损坏（压缩包不完整，可能未下载或复制完整），请重新保存后提交"


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
    max_row: int = 0                           # 1-based, cells holding something
    max_col: int = 0                           # 1-based
    # (row0, col0) → number format code of the cell's style, for styles with one other than General
    number_formats: dict[tuple[int, int], str] = field(default_factory=dict)
    formulas_without_value: set[tuple[int, int]] = field(default_factory=set)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)    # error cells: "#DIV/0!" (calamine gives "")
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

# One start or end tag of the elements the scan cares about, with any namespace
# prefix and attributes in either kind of quotes (a ">" inside quotes included).
# End tags other than </sheetData> carry nothing the scan needs (a cell ends where
# the next cell or row starts), so they are not matched at all.
_TAG = re.compile(
    rb"<(/(?=(?:[A-Za-z_][\w.-]*:)?sheetData)|)(?:[A-Za-z_][\w.-]*:)?(row|c|v|f|is|sheetData|mergeCell|col)(?=[\s/>])"
    rb"((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>"
)
_ATTR = re.compile(rb"(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_A1 = re.compile(rb"\s*([A-Za-z]{1,7})0*(\d{1,12})\s*")
_CELL_FAST = re.compile(rb'\s+r="([A-Z]{1,3})([1-9]\d{0,6})"(?:\s+s="(\d{1,6})")?(?:\s+t="([a-zA-Z]{1,9})")?\s*/?')
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")


def preflight(path: Path) -> Preflight:
    """Identify and scan a file; raise :class:`Unreadable` with a Chinese reason."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):        # a pipe or device would block or never end
            raise Unreadable("不是普通文件，无法读取")
        size = st.st_size
        with path.open("rb") as fh:
            head = fh.read(512)
    except OSError as exc:
        raise Unreadable(f"无法打开文件：{exc.strerror or exc}") from exc
    if size == 0:
        raise Unreadable("文件为空（0 字节），请重新保存后提交")
    if head.startswith(OLE_MAGIC):
        if _is_encrypted_ole(path):
            raise Unreadable(REASON_ENCRYPTED)
        # A binary .xls cannot be scanned cheaply; its size at least is bounded.
        if size > MAX_XLS_BYTES:
            raise Unreadable(f"文件过大：{size // (1024 * 1024)} MB，超过 {MAX_XLS_BYTES // (1024 * 1024)} MB 的上限；"
                             "请删除多余的行、列或图片，另存为 .xlsx 后重新提交")
        return Preflight(kind="xls")
    if not head.startswith(ZIP_MAGIC):
        raise Unreadable(_not_a_workbook(head))
    try:
        with zipfile.ZipFile(path) as zf:
            return _scan_xlsx(zf)
    except Unreadable:
        raise
    except zipfile.BadZipFile as exc:
        raise Unreadable(REASON_DAMAGED) from exc
    except Exception as exc:  # noqa: BLE001 - any parse failure is a damaged file, never a crash
        if type(exc).__module__.startswith("defusedxml"):
            raise Unreadable("工作簿包含不安全的 XML 内容（实体定义），已拒绝读取") from exc
        raise Unreadable(f"工作簿结构已损坏，无法读取（{type(exc).__name__}），请在 Excel/WPS 中打开后另存为 .xlsx") from exc


def _not_a_workbook(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<htm", b"<!do", b"<?xm", b"<tab", b"<hea", b"<body", b"<meta")):
        return "文件不是 Excel 工作簿（是网页或 XML 导出文件），请在 Excel/WPS 中打开并另存为 .xlsx"
    if head.startswith(b"PK\x05\x06"):
        return "文件是空的压缩包，不是 Excel 工作簿，请重新保存为 .xlsx 提交"
    if head.startswith(b"%PDF"):
        return "文件是 PDF，不是 Excel 工作簿，请提交 .xlsx 文件"
    if head.startswith(b"{\\rtf"):
        return "文件是 RTF 文档，不是 Excel 工作簿，请提交 .xlsx 文件"
    if _looks_like_text(head):
        return "文件是纯文本（如 CSV），不是 Excel 工作簿，请在 Excel/WPS 中打开并另存为 .xlsx"
    return "文件不是 Excel 工作簿（内容无法识别），请确认文件并重新保存为 .xlsx"


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        return all(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return False


def _is_encrypted_ole(path: Path) -> bool:
    # An encrypted .xlsx is an OLE2 container holding "EncryptionInfo" and
    # "EncryptedPackage" streams; directory names are UTF-16LE.
    with path.open("rb") as fh:
        data = fh.read(1024 * 1024)
    return "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data


def _scan_xlsx(zf: zipfile.ZipFile) -> Preflight:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise Unreadable(f"文件异常：压缩包内有 {len(infos)} 个部件，远超正常工作簿，已拒绝读取")
    by_name = {_norm_entry(i.filename): i for i in infos}
    if "xl/workbook.xml" not in by_name:
        if "word/document.xml" in by_name:
            raise Unreadable("文件是 Word 文档（扩展名被改成了 .xlsx），请提交 Excel 工作簿")
        if "ppt/presentation.xml" in by_name:
            raise Unreadable("文件是 PowerPoint 演示文稿（扩展名被改成了 .xlsx），请提交 Excel 工作簿")
        if "xl/workbook.bin" in by_name:
            raise Unreadable("文件是 Excel 二进制工作簿（.xlsb），请在 Excel/WPS 中另存为 .xlsx 后提交")
        raise Unreadable("文件是压缩包，但不是 Excel 工作簿，请提交 .xlsx 文件")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise Unreadable(REASON_ENCRYPTED)
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size / max(info.compress_size, 1) > MAX_RATIO:
            raise Unreadable(f"文件异常：{info.filename} 解压后膨胀 {info.file_size // max(info.compress_size, 1)} 倍"
                             "（疑似压缩炸弹），已拒绝读取")
    if total > MAX_UNCOMPRESSED:
        raise Unreadable(f"文件过大：解压后约 {total // (1024 * 1024)} MB，超过 {MAX_UNCOMPRESSED // (1024 * 1024)} MB 的上限；"
                         "请删除多余的行、列或图片后重新提交")

    # Inflate every entry. zipfile stops at the declared size and checks the CRC,
    # so an entry that lies about its size fails here instead of inside a reader.
    contents: dict[str, bytes] = {}
    for info in infos:
        data = zf.read(info)
        # A DTD (the only place entities are declared) may only stand before the root element.
        first = _FIRST_ELEMENT.search(data)
        if _DTD.search(data, 0, first.start() if first else len(data)):
            raise Unreadable("工作簿包含不安全的 XML 内容（DTD/实体定义），已拒绝读取")
        if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
            if b"sheetData" in data.replace(b"\x00", b"") or _norm_entry(info.filename).startswith("xl/worksheets/"):
                raise Unreadable("工作簿使用了不常见的文本编码（UTF-16），请在 Excel/WPS 中打开后另存为 .xlsx")
        contents[_norm_entry(info.filename)] = data

    sheets = _workbook_sheets(contents["xl/workbook.xml"])
    rels = _relationships(contents.get("xl/_rels/workbook.xml.rels"))
    result = Preflight(kind="xlsx", number_formats=_number_formats(contents.get("xl/styles.xml")))
    scanned: dict[str, SheetScan] = {}
    for name, rid, hidden in sheets:
        target = rels.get(rid or "")
        if target is None:
            continue
        entry = _resolve(target)
        scan = SheetScan(name=name, path=entry, hidden=hidden)
        if entry in contents and entry not in scanned:
            _scan_sheet(contents[entry], scan, formats=result.number_formats)
            scanned[entry] = scan
        result.sheets.append(scan)
    # Anything else holding worksheet data is checked against the limits too:
    # a reader may find a sheet the relationships do not point at.
    for entry, data in contents.items():
        if entry not in scanned and b"sheetData" in data:
            stray = SheetScan(name=entry, path=entry)
            _scan_sheet(data, stray, formats=result.number_formats)
            scanned[entry] = stray
    cells = sum(s.max_row * s.max_col for s in scanned.values())
    if cells > MAX_CELLS:
        raise Unreadable(f"工作簿各表的使用范围合计约 {cells} 个单元格，超出上限（{MAX_CELLS}）；请删除多余的行列或工作表后重新提交")
    merged = sum((r1 - r0 + 1) * (c1 - c0 + 1) for s in scanned.values() for r0, c0, r1, c1 in s.merged)
    if merged > MAX_MERGED_CELLS:
        raise Unreadable("工作簿的合并单元格范围过大，请取消大范围的合并后重新提交")
    return result


def _norm_entry(name: str) -> str:
    return name.replace("\\", "/").lstrip("/").lower()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _small_parts_cached(parse):
    """``parse`` (bytes → tuple) remembered for small parts: the workbook, its
    relationships and styles are the same in every file made from one template."""
    cached = functools.lru_cache(maxsize=64)(parse)

    def parsed(data: bytes) -> tuple:
        return cached(data) if len(data) <= 65536 else parse(data)

    return parsed


@_small_parts_cached
def _workbook_sheets(data: bytes) -> tuple[tuple[str, str | None, bool], ...]:
    """(name, relationship id, hidden) of every <sheet> of workbook.xml."""
    workbook = SafeET.fromstring(data)
    return tuple(
        (el.attrib.get("name", ""), next((v for k, v in el.attrib.items() if _local(k) == "id"), None),
         el.attrib.get("state", "visible") != "visible")
        for el in workbook.iter() if _local(el.tag) == "sheet")


@_small_parts_cached
def _relationship_items(data: bytes) -> tuple[tuple[str, str], ...]:
    root = SafeET.fromstring(data)
    return tuple((el.attrib.get("Id", ""), el.attrib.get("Target", "")) for el in root.iter()
                 if _local(el.tag) == "Relationship")


def _relationships(data: bytes | None) -> dict[str, str]:
    if data is None:
        return {}
    return dict(_relationship_items(data))


def _resolve(target: str) -> str:
    target = target.replace("\\", "/")
    if target.startswith("/"):
        return _norm_entry(target)
    parts: list[str] = []
    for part in PurePosixPath("xl", target).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return _norm_entry("/".join(parts))


def _number_formats(data: bytes | None) -> list[str]:
    if data is None:
        return []
    return list(_number_format_codes(data))


@_small_parts_cached
def _number_format_codes(data: bytes) -> tuple[str, ...]:
    root = SafeET.fromstring(data)
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
    return tuple(formats)


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    out: dict[bytes, bytes] = {}
    for m in _ATTR.finditer(raw):
        out.setdefault(m.group(1), m.group(2) if m.group(2) is not None else m.group(3))
    return out


@functools.lru_cache(maxsize=4096)
def _col(letters: bytes) -> int:
    return col_index(letters.decode())


def _ref(value: bytes, sheet: str) -> tuple[int, int]:
    """"B7" → (7, 1): 1-based row, 0-based column; an address the reader might read
    differently from us is refused, not skipped."""
    m = _A1.fullmatch(value)
    if not m:
        raise Unreadable(f"工作表“{sheet}”中有无法识别的单元格地址（{value[:20].decode('latin-1')}），"
                         "文件可能已损坏；请在 Excel/WPS 中打开后另存为 .xlsx")
    return int(m.group(2)), col_index(m.group(1).decode().upper())


def _too_far(sheet: str, row: int, col: int) -> Unreadable:
    return Unreadable(
        f"工作表“{sheet}”有内容延伸到 {a1(row - 1, col - 1)} 单元格（第 {row} 行、第 {col} 列），超出模板范围"
        f"（最多 {MAX_ROWS} 行、{MAX_COLS} 列）；请删除多余的行列后重新提交")


def _scan_sheet(xml: bytes, scan: SheetScan, fast: bool = True, formats: Sequence[str] = ()) -> None:
    """Tokenise a worksheet: every start tag of a row or cell is seen, whether or
    not its end tag is where it should be (a lenient reader would still read it).
    ``formats`` are the number format codes of the workbook's cell styles (xf index →
    code): a cell's style index is looked up there.

    The rows and cells of a sheet as Excel, WPS, openpyxl and xlsxwriter write it are
    scanned in bulk (:func:`_scan_plain_data`, with exactly the result of the tag-by-tag
    scan); anything else in the sheet data is scanned tag by tag."""
    styles = _style_formats(tuple(formats))
    state = _CellState(scan, styles)
    row_no = 0                      # current row, 1-based
    col = -1                        # current column, 0-based
    in_data = False
    resume: int | None = 0
    while resume is not None:
        tags, resume = _TAG.finditer(xml, resume), None
        for m in tags:
            closing, name, raw = m.group(1), m.group(2), m.group(3)
            self_closing = raw.endswith(b"/")
            if name == b"sheetData":
                state.close()
                in_data = not closing and not self_closing
                if in_data and fast:
                    # Rows and cells as writers write them: scanned in bulk, then the
                    # tag scan resumes at </sheetData> (it would find nothing before it).
                    resume = _scan_plain_data(xml, m.end(), scan, state, styles)
                    if resume is not None:
                        break
            elif name == b"mergeCell":
                if not closing:
                    _merge(raw, scan)
            elif name == b"col":
                if not closing:
                    _col_width(raw, scan)
            elif not in_data:
                continue
            elif name == b"row":
                state.close()
                if closing:
                    continue
                attrs = _attrs(raw)
                r = attrs.get(b"r")
                if r is not None:
                    try:
                        row_no = int(r.strip())
                    except ValueError:
                        raise Unreadable(f"工作表“{scan.name}”的行号无法识别，文件可能已损坏；"
                                         "请在 Excel/WPS 中打开后另存为 .xlsx") from None
                else:
                    row_no += 1
                col = -1
                if attrs.get(b"hidden", b"").strip() in (b"1", b"true") and 0 < row_no <= MAX_ROWS:
                    scan.hidden_rows.add(row_no - 1)
            elif name == b"c":
                state.close()
                if closing:
                    continue
                plain = _CELL_FAST.fullmatch(raw)
                if plain is not None:          # <c r="B7" s="3" t="s"> as Excel, WPS and xlsxwriter write it
                    row_no, col = int(plain.group(2)), _col(plain.group(1))
                    style, kind = plain.group(3), plain.group(4)
                else:
                    attrs = _attrs(raw)
                    ref = attrs.get(b"r")
                    if ref is not None:
                        row_no, col = _ref(ref, scan.name)
                    else:
                        col += 1
                    style, kind = attrs.get(b"s"), attrs.get(b"t", b"").strip()
                state.open(max(row_no, 1), col, style, self_closing)
                state.error = kind == b"e"
            elif state.row and not closing:
                if name == b"f":
                    state.formula = True
                elif name == b"is" or (name == b"v" and not self_closing):
                    state.value = True
                    if name == b"v" and xml[m.end():m.end() + 1] == b"<":
                        state.empty_v = True
                    elif name == b"v" and state.error:
                        end = xml.find(b"<", m.end(), m.end() + 64)
                        state.error_text = xml[m.end():end if end != -1 else m.end() + 64].decode("utf-8", "replace").strip()
    state.close()
    scan.max_row, scan.max_col = state.max_row, state.max_col


# Sheet data as Excel, WPS, openpyxl and xlsxwriter write it: rows, and cells with
# r, s and t attributes in that order holding an optional formula then a value or an
# inline string, with no markup inside text. In such data every "<" starts one of
# these tokens or an element inside a cell, so the tag scan would see exactly the tags
# these patterns name.
_PLAIN_ATTR = rb'(?: [A-Za-z_][\w.:-]*="[^"<>]*")'
_PLAIN_CELL = (rb'<c r="([A-Z]{1,3})([1-9]\d{0,6})"(?: s="(\d{1,6})")?(?: t="([a-zA-Z]{1,9})")?'
               rb'(?:/>|>((?:<f' + _PLAIN_ATTR + rb'*(?:/>|>[^<]*</f>))?'
               rb'(?:<v>[^<]*</v>|<v/>|<is><t(?: xml:space="preserve")?>[^<]*</t></is>)?)</c>)')
_PLAIN_ROW = rb'<row( r="\d{1,9}"' + _PLAIN_ATTR + rb'*/?)>'
_PLAIN_DATA = re.compile(rb"(?:" + _PLAIN_CELL + rb"|" + _PLAIN_ROW + rb"|</row>|\s+)*+")
_PLAIN_CELLS = re.compile(_PLAIN_CELL)
_PLAIN_ROWS = re.compile(_PLAIN_ROW)
# What lies between the cells of plain sheet data (joined by _GAP, which no gap holds
# and no token of them can swallow): row tags and white space only.
_GAP = b"<\x00"
_PLAIN_GAPS = re.compile(rb"(?:" + _PLAIN_ROW + rb"|</row>|\s+|" + _GAP + rb")*+")


class _Columns(dict):
    """Column letters → 0-based index, computed once per distinct letters."""

    def __missing__(self, letters: bytes) -> int:
        self[letters] = col = col_index(letters.decode())
        return col


_COLUMNS = _Columns()


def _scan_plain_data(xml: bytes, start: int, scan: SheetScan, state: _CellState, styles: _StyleFormats) -> int | None:
    """Scan the sheet data opened at ``start`` in bulk when it is written the plain way
    (see ``_PLAIN_CELL``) and is the sheet's last; return where </sheetData> starts, or
    None (nothing recorded) for the tag-by-tag scan. The result is exactly the tag
    scan's: the same number formats, limits (the first cell too far raises), formulas,
    errors and hidden rows."""
    end = xml.find(b"</sheetData>", start)
    if end == -1 or xml.find(b"sheetData", end + 12) != -1:
        return None
    # The cells, and what lies between them: [gap, letters, row, s, t, content, gap, …]
    # (an attribute or content a cell does not have is None). The data is plain exactly
    # when every gap is row tags and white space: then the cells are the tokens the
    # whole-data pattern (_PLAIN_DATA) would see, one after another.
    parts = _PLAIN_CELLS.split(xml[start:end])
    gaps = _GAP.join(parts[0::6])
    if gaps.count(b"\x00") != len(parts) // 6 or _PLAIN_GAPS.fullmatch(gaps) is None:
        return None                   # not plain: tag by tag
    if len(parts) > 1:
        letters, rows, style_texts, kinds, contents = (parts[i::6] for i in range(1, 6))
        rows = list(map(int, rows))
        cols = list(map(_COLUMNS.__getitem__, letters))
        if max(rows) <= MAX_ROWS and max(cols) < MAX_COLS:
            formulas = xml.find(b"<f", start, end) != -1
            _record_cells(rows, cols, style_texts, kinds, contents, formulas, scan, state, styles)
        else:                         # some cell lies beyond the limits: cell by cell
            _record_cells_checked(rows, cols, style_texts, kinds, contents, scan, state, styles)
    if xml.find(b"hidden", start, end) != -1:
        for raw in _PLAIN_ROWS.findall(xml, start, end):
            attrs = _attrs(raw)
            if attrs.get(b"hidden", b"").strip() in (b"1", b"true"):
                row = int(attrs[b"r"])
                if 0 < row <= MAX_ROWS:
                    scan.hidden_rows.add(row - 1)
    return end


def _record_cells(rows, cols, style_texts, kinds, contents, formulas: bool, scan: SheetScan, state: _CellState,
                  styles: _StyleFormats) -> None:
    """What the tag scan records of plain cells (1-based rows, 0-based columns), all
    within the limits: number formats, the used range, formulas without values (only
    looked for when ``formulas``: the data holds a formula), errors."""
    positions = list(zip([r - 1 for r in rows], cols))
    formats = list(map(styles.__getitem__, style_texts))     # a format, or None or "" (no entry)
    if not scan.number_formats and len(set(positions)) == len(positions):
        scan.number_formats.update(compress(zip(positions, formats), formats))
    else:                             # a cell written twice (or in two sheet data): the later decides
        for pos, style, fmt in zip(positions, style_texts, formats):
            _set_format(scan.number_formats, pos, style, fmt)
    if contents.count(b"<v/>"):
        held = [bool(content) and content != b"<v/>" for content in contents]
    else:
        held = contents               # an empty content is a cell that holds nothing
    if not any(held):
        return
    state.max_row = max(state.max_row, max(compress(rows, held)))
    state.max_col = max(state.max_col, max(compress(cols, held)) + 1)
    if formulas or b"e" in kinds:
        for row, col, kind, content in compress(zip(rows, cols, kinds, contents), held):
            if content[:2] == b"<f" or kind == b"e":
                _formula_or_error(row, col, kind, content, scan)


def _set_format(formats: dict[tuple[int, int], str], pos: tuple[int, int], style: bytes, fmt: str | None) -> None:
    """Record a cell's number format (``fmt`` of its ``style`` text): a cell without a
    style (or style 0) records nothing, one whose style has no format clears the entry."""
    if fmt:
        formats[pos] = fmt
    elif fmt is None:
        formats.pop(pos, None)


def _record_cells_checked(rows, cols, style_texts, kinds, contents, scan: SheetScan, state: _CellState,
                          styles: _StyleFormats) -> None:
    """:func:`_record_cells` one cell after another, in document order: the first cell
    holding something beyond the limits is refused (as the tag scan refuses it)."""
    for row, col, style, kind, content in zip(rows, cols, style_texts, kinds, contents):
        if row <= MAX_ROWS and col < MAX_COLS:
            _set_format(scan.number_formats, (row - 1, col), style, styles[style])
        if not content or content == b"<v/>":
            continue                  # an empty formatted cell holds nothing
        if row > MAX_ROWS or col + 1 > MAX_COLS:
            raise _too_far(scan.name, row, col + 1)
        state.max_row, state.max_col = max(state.max_row, row), max(state.max_col, col + 1)
        if content[:2] == b"<f" or kind == b"e":
            _formula_or_error(row, col, kind, content, scan)


def _formula_or_error(row: int, col: int, kind: bytes, content: bytes, scan: SheetScan) -> None:
    """A plain cell holding a formula (recorded when it has no cached value, or an
    empty one) or an error value (its text)."""
    if content[:2] == b"<f":
        if (b"<v>" not in content and b"<is>" not in content) or b"<v></v>" in content:
            scan.formulas_without_value.add((row - 1, col))
    if kind == b"e":
        at = content.find(b"<v>")
        if at != -1:
            text = content[at + 3:content.find(b"<", at + 3)][:64].decode("utf-8", "replace").strip()
            if text:
                scan.errors[(row - 1, col)] = text


class _StyleFormats(dict):
    """Style index text of a cell (its s attribute) → the number format code of that
    style; None for a style without one (General, or an index the workbook does not
    have: a negative or too large one); "" for no style at all (no attribute (None),
    "0", or text that is not a number), which records nothing."""

    def __init__(self, formats: tuple[str, ...]):
        super().__init__()
        self.formats = formats

    def __missing__(self, text: bytes | None) -> str | None:
        fmt: str | None = ""
        if text is not None and text.strip() not in (b"", b"0"):
            try:
                xf = int(text)
            except ValueError:
                pass
            else:
                fmt = self.formats[xf] if 0 <= xf < len(self.formats) else None
                if fmt == "General":
                    fmt = None
        if len(self) < 4096:
            self[text] = fmt
        return fmt


@functools.lru_cache(maxsize=64)
def _style_formats(formats: tuple[str, ...]) -> _StyleFormats:
    """One table per distinct styles part (the same for every file from one template)."""
    return _StyleFormats(formats)


class _CellState:
    """The cell being scanned: its position, whether it holds a value or a formula."""

    def __init__(self, scan: SheetScan, styles: _StyleFormats):
        self.scan = scan
        self.styles = styles
        self.row = 0                 # 1-based; 0 when no cell is open
        self.col = 0
        self.value = self.formula = self.empty_v = self.error = False
        self.error_text = ""
        self.max_row = self.max_col = 0

    def open(self, row: int, col: int, style: bytes | None, self_closing: bool) -> None:
        if style and row <= MAX_ROWS and col < MAX_COLS:
            _set_format(self.scan.number_formats, (row - 1, col), style, self.styles[style])
        if not self_closing:          # an empty formatted cell holds nothing: readers skip it
            self.row, self.col = row, col
            self.value = self.formula = self.empty_v = False
            self.error_text = ""

    def close(self) -> None:
        if not self.row:
            return
        row, col = self.row, self.col
        self.row = 0
        if not (self.value or self.formula):
            return
        # Even an empty <v></v> counts: calamine materialises an empty string there.
        if row > MAX_ROWS or col + 1 > MAX_COLS:
            raise _too_far(self.scan.name, row, col + 1)
        self.max_row, self.max_col = max(self.max_row, row), max(self.max_col, col + 1)
        if self.formula and (not self.value or self.empty_v):
            self.scan.formulas_without_value.add((row - 1, col))
        if self.error and self.error_text:
            self.scan.errors[(row - 1, col)] = self.error_text


def _merge(raw: bytes, scan: SheetScan) -> None:
    ref = _attrs(raw).get(b"ref")
    if not ref:
        return
    first, _, last = ref.partition(b":")
    r0, c0 = _ref(first, scan.name)
    r1, c1 = _ref(last, scan.name) if last else (r0, c0)
    r0, r1 = sorted((r0, r1))
    c0, c1 = sorted((c0, c1))
    if r1 > MAX_ROWS or c1 + 1 > MAX_COLS:
        raise Unreadable(f"工作表“{scan.name}”的合并单元格超出模板范围，请删除多余的行列后重新提交")
    scan.merged.append((r0 - 1, c0, r1 - 1, c1))


def _col_width(raw: bytes, scan: SheetScan) -> None:
    attrs = _attrs(raw)
    try:
        lo, hi = int(attrs.get(b"min", b"0")), int(attrs.get(b"max", b"0"))
        width = float(attrs.get(b"width", b"0"))
    except ValueError:
        return
    if width > 0:
        for c in range(max(lo, 1) - 1, min(hi, MAX_COLS)):
            scan.col_widths[c] = width
