"""X_自评报告.docx: the narrative as a Word document.

Layout follows the usual 公文 conventions: title in 小标宋 二号, 一级 headings in 黑体,
二级 in 楷体, body in 仿宋 三号 with a two-character first-line indent, tables in 宋体
五号 with a repeated header row. Chinese fonts are set on the East Asian slot
(``w:eastAsia``), which is what Word and WPS use for CJK text; machines without the font
substitute their own CJK face. Written atomically: a failed write leaves no file.

Speed: the package around the text (styles, fonts, page setup, theme, ...) is the same for
every report, so it is built once per process with python-docx (:func:`_skeleton`) and
kept as compressed zip entries; each report then renders only ``word/document.xml`` and
``docProps/core.xml`` as strings and copies the rest. The markup is what python-docx
writes for the same calls (tests/test_docx_tables_fast.py compares it with the former
python-docx writer), except that table cells name a paragraph style and a character
style (:data:`CELL_STYLES`) instead of repeating the same direct formatting in every cell.
"""

from __future__ import annotations

import re
import struct
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from operator import add
from pathlib import Path

from docx.shared import Cm, Emu, Pt

from reconcile.narrative.document import Narrative, Paragraph
from reconcile.output.atomic import write_bytes_atomic

TITLE_FONT = "方正小标宋简体"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
BODY_FONT = "仿宋_GB2312"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"

BODY_SIZE = Pt(16)       # 三号
TITLE_SIZE = Pt(22)      # 二号
TABLE_SIZE = Pt(10.5)    # 五号
CAPTION_SIZE = Pt(12)    # 小四

TEXT_WIDTH = Cm(15.6)        # A4 less the margins
DIGIT_WIDTH = Pt(6.3)        # a digit of 五号 text, in the widest common fallback font
CELL_PADDING = Cm(0.5)       # left and right cell margins, with a little room
MIN_TEXT_COLUMN = Cm(1.2)

# Table cells: (style id, style name shown in Word) of the paragraph style by alignment,
# and of the character style by row (header bold, others not).
CELL_STYLES = {
    "center": ("TableCellCenter", "表格文字居中"),
    "left": ("TableCellLeft", "表格文字左对齐"),
    "right": ("TableCellRight", "表格文字右对齐"),
}
CELL_CHAR_STYLES = {
    True: ("TableHeaderChar", "表格表头字符"),
    False: ("TableCellChar", "表格文字字符"),
}

DEFLATE_LEVEL = 1            # fastest; python-docx (zipfile) used 6: a file some 30 % larger

_NUMERIC = re.compile(r"^-?[\d,]+(\.\d+)?%?$")
_NUMERIC_COLUMN = re.compile(r"(?:-?[\d,]+(?:\.\d+)?%?)?(?:\0(?:-?[\d,]+(?:\.\d+)?%?)?)*")   # joined by NUL
# Characters XML 1.0 does not allow: left out (python-docx refused them, and the report
# was not written at all)
_ILLEGAL = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_ILLEGAL_XML = re.compile(f"[{_ILLEGAL}]")
_RUN_BREAKS = re.compile(r"([\t\r\n])")
# Anything that needs more than <w:t>text</w:t>: markup characters, breaks, illegal characters
_SPECIAL = re.compile(f"[&<>\t\n\r{_ILLEGAL}]")
_WIDE = re.compile("[\u2e80-\U0010ffff]")
# Characters other than ASCII and the wide ones of three bytes in UTF-8 (U+2E80–U+FFFF
# less the surrogates): narrow non-ASCII, surrogates, beyond the BMP
_NOT_ASCII_OR_BMP_WIDE = re.compile("[\u0080-\u2e7f\ud800-\udfff\U00010000-\U0010ffff]")
_CORE_LIMIT = 255            # python-docx refuses longer core properties


def write_docx(narrative: Narrative, model, dest: Path) -> None:
    """Write ``narrative`` to ``dest`` (.docx), atomically."""
    skeleton = _skeleton()
    document = skeleton.document_xml(narrative)
    author = (model.unit_name if model is not None else None) or ""
    core = skeleton.core_xml(narrative.title, author)
    write_bytes_atomic(Path(dest), skeleton.package({"docProps/core.xml": core, "word/document.xml": document}))


# ---------------------------------------------------------------- text


def _clean(text: str) -> str:
    return _ILLEGAL_XML.sub("", text)


def _escape(text: str) -> str:
    """Text content as lxml writes it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _t(text: str) -> str:
    if len(text.strip()) < len(text):
        return f'<w:t xml:space="preserve">{_escape(text)}</w:t>'
    return f"<w:t>{_escape(text)}</w:t>"


def _run_content(text: str) -> str:
    """A run's content as python-docx writes ``run.text = text``: a tab becomes
    ``<w:tab/>``, a line break or carriage return ``<w:br/>``."""
    if not _SPECIAL.search(text):
        if text[:1].isspace() or text[-1:].isspace():
            return f'<w:t xml:space="preserve">{text}</w:t>'
        return f"<w:t>{text}</w:t>" if text else ""
    text = _clean(text)
    out = []
    for piece in _RUN_BREAKS.split(text):
        if piece == "\t":
            out.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            out.append("<w:br/>")
        elif piece:
            out.append(_t(piece))
    return "".join(out)


def _twips(length) -> int:
    return Emu(length).twips


def _half_points(size) -> int:
    return round(size.pt * 2)


def _rpr(font: str, size, bold: bool | None = None) -> str:
    """Run properties as :func:`_set_font` leaves them."""
    b = "" if bold is None else ("<w:b/>" if bold else '<w:b w:val="0"/>')
    return (f'<w:rPr><w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{font}"/>{b}'
            f'<w:sz w:val="{_half_points(size)}"/><w:lang w:eastAsia="zh-CN"/></w:rPr>')


# ---------------------------------------------------------------- document.xml


def _title_xml(text: str) -> str:
    return (f'<w:p><w:pPr><w:spacing w:after="{_twips(Pt(16))}" w:line="{_twips(Pt(36))}" w:lineRule="exact"/>'
            f'<w:ind w:firstLine="0"/><w:jc w:val="center"/></w:pPr>'
            f'<w:r>{_rpr(TITLE_FONT, TITLE_SIZE)}{_run_content(text)}</w:r></w:p>')


def _styled_xml(text: str, ppr: str) -> str:
    """A paragraph of a style: python-docx adds no run for empty text."""
    return f"<w:p>{ppr}<w:r>{_run_content(text)}</w:r></w:p>" if text else f"<w:p>{ppr}</w:p>"


_PPR = {
    "heading1": '<w:pPr><w:pStyle w:val="Heading1"/></w:pPr>',
    "heading2": '<w:pPr><w:pStyle w:val="Heading2"/></w:pPr>',
    "heading3": '<w:pPr><w:pStyle w:val="Heading2"/></w:pPr>',
}
_BODY_PPR = "<w:pPr/>"


def _table_xml(para: Paragraph, out: list[str]) -> None:
    if para.text:
        out.append('<w:p><w:pPr><w:keepNext/><w:ind w:firstLine="0"/><w:jc w:val="center"/></w:pPr>'
                   f'<w:r>{_rpr(HEADING1_FONT, CAPTION_SIZE)}{_run_content(para.text)}</w:r></w:p>')
    layout = table_layout(para.rows)
    if layout is None:
        return
    grid, numeric, widths = layout
    widths = [_twips(w) for w in widths]
    out.append('<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/>'
               '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/><w:tblLook w:firstColumn="1" w:firstRow="1" '
               'w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>')
    out.extend(f'<w:gridCol w:w="{w}"/>' for w in widths)
    out.append("</w:tblGrid>")

    def cell_open(j: int, align: str, header: bool) -> str:
        return (f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{widths[j]}"/></w:tcPr><w:p><w:pPr>'
                f'<w:pStyle w:val="{CELL_STYLES[align][0]}"/></w:pPr><w:r><w:rPr>'
                f'<w:rStyle w:val="{CELL_CHAR_STYLES[header][0]}"/></w:rPr>')

    close = "</w:r></w:p></w:tc>"
    for i, texts in enumerate(grid):
        if i == 0:
            out.append('<w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>')
            opens = [cell_open(j, "center", True) for j in range(len(texts))]
        else:
            if i == 1:
                opens = [cell_open(j, "right" if is_num else "left", False) for j, is_num in enumerate(numeric)]
            out.append("<w:tr>")
        if _SPECIAL.search("".join(texts)):
            out.extend(f"{o}{_run_content(t)}{close}" for o, t in zip(opens, texts))
        else:   # the usual row: no markup characters, breaks or illegal characters
            out.extend((f"{o}<w:t>{t}</w:t>{close}" if t.strip() == t else f"{o}{_run_content(t)}{close}") if t
                       else o + close for o, t in zip(opens, texts))
        out.append("</w:tr>")
    out.append("</w:tbl><w:p/>")


def _body_xml(narrative: Narrative) -> str:
    out = [_title_xml(narrative.title)]
    for para in narrative.paragraphs:
        kind = para.kind
        if kind == "title":
            out.append(_title_xml(para.text))
        elif kind == "table":
            _table_xml(para, out)
        else:
            out.append(_styled_xml(para.text, _PPR.get(kind, _BODY_PPR)))
    return "".join(out)


def table_layout(rows: list[list]) -> tuple[list[list[str]], list[bool], list[int]] | None:
    """A table's cell texts (every row as wide as the widest), which columns hold numbers
    (every filled cell below the header is a number: right-aligned, never wrapped) and
    the column widths in EMU; None for a table without rows (empty rows are dropped)."""
    rows = [r for r in rows if r]
    if not rows:
        return None
    width = max(len(r) for r in rows)
    grid = [[("" if v is None else str(v)) for v in r] + [""] * (width - len(r)) for r in rows]
    columns = list(zip(*grid[1:])) or [()] * width
    numeric, widest = zip(*map(_column_facts, columns))
    header = [_shown(str(v or "")) for v in rows[0]] + [0] * (width - len(rows[0]))
    return grid, list(numeric), _column_widths(widest, header, numeric)


def _shown(text: str) -> int:
    """Width in digits: a CJK character counts as two."""
    if text.isascii():
        return len(text)
    return 2 * len(text) - len(_WIDE.sub("", text))


def _column_facts(column: tuple[str, ...]) -> tuple[bool, int]:
    """Whether every filled cell is a number, and the widest cell (:func:`_shown`).
    A column's cells are joined by NUL and looked at in one pass, not cell by cell."""
    joined = "\0".join(column)
    if "\n" in joined or joined.count("\0") != max(len(column) - 1, 0):
        # a line break ($ matches before a final one) or a NUL in a cell: cell by cell
        return (all(map(_NUMERIC.match, filter(None, column))), max(map(_shown, column), default=0))
    numeric = _NUMERIC_COLUMN.fullmatch(joined) is not None
    if not joined.isascii():
        if _NOT_ASCII_OR_BMP_WIDE.search(joined) is None:
            # ASCII (1 byte in UTF-8) and wide characters of three bytes only: a cell's
            # width is (characters + bytes) / 2, no character looked at in Python
            return numeric, max(map(add, map(len, column), map(len, joined.encode("utf-8").split(b"\0")))) // 2
        joined = _WIDE.sub("..", joined)
    return numeric, max(map(len, joined.split("\0")))


def _column_widths(widest: Sequence[int], header: Sequence[int], numeric: Sequence[bool]) -> list[int]:
    """Column widths from the widest cell of each column below the header (and the
    header's): number columns get exactly what their widest value needs (they must not
    wrap); text columns share the rest by their widest content and wrap."""
    need = [max(w, 4) * DIGIT_WIDTH + CELL_PADDING for w in widest]
    want = [max(min(max(h, w), 30), 4) for h, w in zip(header, widest)]
    fixed = sum(n for n, is_num in zip(need, numeric) if is_num)
    text_total = sum(w for w, is_num in zip(want, numeric) if not is_num)
    left = max(TEXT_WIDTH - fixed, 0)
    return [int(need[j]) if numeric[j] or not text_total else int(max(left * want[j] / text_total, MIN_TEXT_COLUMN))
            for j in range(len(widest))]


# ---------------------------------------------------------------- the skeleton (python-docx, once)


def _set_font(style_or_run, name: str, size=None, bold: bool | None = None) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    font = style_or_run.font
    font.name = LATIN_FONT
    if size is not None:
        font.size = size
    if bold is not None:
        font.bold = bold
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _page_setup(doc) -> None:
    for section in doc.sections:
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)


def _styles(doc) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import RGBColor

    normal = doc.styles["Normal"]
    _set_font(normal, BODY_FONT, BODY_SIZE)
    fmt = normal.paragraph_format
    fmt.first_line_indent = Pt(32)          # two characters of 三号
    fmt.line_spacing = Pt(28)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for name, font in (("Heading 1", HEADING1_FONT), ("Heading 2", HEADING2_FONT)):
        style = doc.styles[name]
        _set_font(style, font, BODY_SIZE, bold=False)
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        pf = style.paragraph_format
        pf.first_line_indent = Pt(32)
        pf.line_spacing = Pt(28)
        pf.space_before = pf.space_after = Pt(0)
        pf.keep_with_next = True


def _cell_styles(doc) -> None:
    """The table cells' formatting: a paragraph style per alignment (single line spacing,
    no indent; the paragraph mark keeps Normal's font, as before) and a character style
    for the header row and one for the others (宋体 五号)."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    alignments = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
                  "right": WD_ALIGN_PARAGRAPH.RIGHT}
    for key, (style_id, name) in CELL_STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = style_id
        style.base_style = doc.styles["Normal"]
        pf = style.paragraph_format
        pf.first_line_indent = Pt(0)
        pf.line_spacing = 1.0
        pf.alignment = alignments[key]
    for bold, (style_id, name) in CELL_CHAR_STYLES.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        style.style_id = style_id
        _set_font(style, TABLE_FONT, TABLE_SIZE, bold=bold)


_SLOT = "reconcile-slot-{}"


@dataclass
class _Skeleton:
    head: str                 # document.xml up to and including <w:body>
    tail: str                 # the section properties and the closing tags
    core: tuple[str, str, str]  # core.xml around the title and the author
    entries: bytes            # the other parts, as zip entries
    directory: bytes          # their central directory records
    count: int                # how many
    stamp: tuple[int, int]    # DOS time and date of every entry

    def document_xml(self, narrative: Narrative) -> bytes:
        # the body encoded alone and joined as bytes: the same bytes, without first
        # copying the whole (wide-character) text once more around the head and tail
        return b"".join((self.head.encode("utf-8"), _body_xml(narrative).encode("utf-8"), self.tail.encode("utf-8")))

    def core_xml(self, title: str, author: str) -> bytes:
        a, b, c = self.core
        return (a + _escape(_clean(title)[:_CORE_LIMIT]) + b + _escape(_clean(author)[:_CORE_LIMIT]) + c).encode("utf-8")

    def package(self, parts: dict[str, bytes]) -> bytes:
        """The .docx: the skeleton's entries, then ``parts``, deflated."""
        out = [self.entries]
        directory = [self.directory]
        offset = len(self.entries)
        for name, data in parts.items():
            local, central = _zip_entry(name, data, offset, self.stamp)
            out.append(local)
            directory.append(central)
            offset += len(local)
        central = b"".join(directory)
        count = self.count + len(parts)
        out.append(central)
        out.append(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(central), offset, 0))
        return b"".join(out)


def _zip_entry(name: str, data: bytes, offset: int, stamp: tuple[int, int]) -> tuple[bytes, bytes]:
    """A deflated zip entry (local header and data) and its central directory record,
    as zipfile writes them."""
    packer = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)
    compressed = packer.compress(data) + packer.flush()
    raw = name.encode("ascii")
    crc = zlib.crc32(data)
    dos_time, dos_date = stamp
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, dos_time, dos_date, crc, len(compressed), len(data),
                        len(raw), 0) + raw + compressed
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 0x0314, 20, 0, 8, dos_time, dos_date, crc, len(compressed),
                          len(data), len(raw), 0, 0, 0, 0, 0o600 << 16, offset) + raw
    return local, central


@lru_cache(maxsize=1)
def _skeleton() -> _Skeleton:
    import zipfile

    from docx import Document

    doc = Document()
    _page_setup(doc)
    _styles(doc)
    _cell_styles(doc)
    props = doc.core_properties
    props.title = _SLOT.format("title")
    props.author = _SLOT.format("author")
    props.comments = "由 reconcile 根据报表生成"
    props.language = "zh-CN"
    buffer = BytesIO()
    doc.save(buffer)

    now = time.localtime()
    stamp = (now.tm_hour << 11 | now.tm_min << 5 | now.tm_sec // 2,
             (now.tm_year - 1980) << 9 | now.tm_mon << 5 | now.tm_mday)
    entries, directory = [], []
    offset = 0
    with zipfile.ZipFile(buffer) as package:
        for info in package.infolist():
            data = package.read(info)
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                start = text.index("<w:body>") + len("<w:body>")
                end = text.index("<w:sectPr")
                assert text[start:end] == "", "the empty document has content"
                head, tail = text[:start], text[end:]
            elif info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                a, rest = text.split(_SLOT.format("title"))
                b, c = rest.split(_SLOT.format("author"))
                core = (a, b, c)
            else:
                local, central = _zip_entry(info.filename, data, offset, stamp)
                entries.append(local)
                directory.append(central)
                offset += len(local)
    return _Skeleton(head, tail, core, b"".join(entries), b"".join(directory), len(entries), stamp)
