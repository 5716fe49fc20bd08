"""The corpus of broken and hostile workbooks (issue 8), generated so it can be rebuilt.

Each :class:`Case` names one file, how to build it and what a user must see for it:
``unreadable`` with a Chinese reason, ``skipped`` with a note, or ``read`` (findings,
with the template-rule findings it must carry). ``build_corpus(folder)`` writes
every file; ``scripts/build_corpus.py`` does the same from the command line.

Sizes are kept small where the point allows it: the zip bomb inflates a few
tens of MB of zeros (refused by its ratio before anything inflates it), the huge
shared-strings part *declares* its size in the zip directory (refused before it
is read), the million-row sheet is real (about 5 MB on disk).
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.builders import write_workbook

UNIT = "测试县农业农村局"
YEAR = 2023


# ---------------------------------------------------------------- a correct workbook


def good_sheets() -> dict[str, list[list[Any]]]:
    """A complete, arithmetically consistent return (SPEC §2), in the usual layout:
    a merged title row, a "单位：万元" line, the header on row 3."""
    return {
        "填报说明": [["填报说明"], ["请按模板填写，金额单位为万元。"]],
        "基本情况": [
            ["部门整体支出绩效自评基本情况"],
            ["项目", "内容"],
            ["单位名称*", UNIT],
            ["年度*", YEAR],
            ["金额单位", "万元"],
            ["主管部门", UNIT],
            ["编制总数", 20], ["行政编制", 15], ["工勤编制", 2], ["事业编制", 3],
            ["在职人数", 18], ["在职行政", 14], ["在职工勤", 1], ["在职事业", 3],
            ["自评得分", 99.68],
            ["主要职能", "负责全县农业农村工作。"],
        ],
        "收入": [
            ["2023年度收入情况表"],
            [f"编制单位：{UNIT}", None, None, None, None, "单位：万元"],
            ["收入项目", "本年数", "上年数", "增减额", "增减率(%)", "说明"],
            ["收入合计", 1500, 1200, 300, 25],
            ["一般公共预算财政拨款", 1400, 1150, 250, 21.74],
            ["上年结转", 100, 50, 50, 100, "上年结转资金增加"],
        ],
        "支出": [
            ["2023年度支出情况表"],
            [None, None, None, None, None, None, None, None, "单位：万元"],
            ["科目编码", "科目名称", "本年数", "上年数", "增减额", "增减率(%)", "基本支出", "项目支出", "说明"],
            [None, "支出合计", 1500, 1200, 300, 25, 800, 700],
            [213, "农林水支出", 1500, 1200, 300, 25, 800, 700],
            [21301, "农业农村", 1500, 1200, 300, 25, 800, 700],
            [2130101, "行政运行", 800, 700, 100, 14.29, 800, 0],
            [2130102, "一般行政管理事务", 700, 500, 200, 40, 0, 700, "新增高标准农田建设项目"],
        ],
        "结转结余": [
            ["科目编码", "科目名称", "年初结转结余", "本年收入", "本年支出", "年末结转结余", "说明"],
            [213, "农林水支出", 50, 1500, 1500, 50],
        ],
        "预算执行": [
            ["资金来源", "年初预算数", "全年预算数", "全年执行数", "执行率(%)", "分值", "得分", "说明"],
            ["年度资金总额", 1400, 1550, 1500, 96.77, 10, 9.68],
            ["其中：财政拨款", 1350, 1450, 1400, 96.55],
            ["上年结转", 50, 100, 100, 100],
        ],
        "绩效指标": [
            ["一级指标", "二级指标", "三级指标", "指标性质", "年度指标值", "度量单位", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
            ["产出指标", "数量指标", "培训农民人次", "≥", "500", "人次", "520", 20, 20],
            [None, "质量指标", "培训合格率", "≥", "95", "%", "96", 20, 20],
            [None, "时效指标", "按期完成率", "=", "100", "%", "100", 10, 10],
            ["效益指标", "社会效益指标", "带动农户增收", "≥", "300", "户", "320", 20, 20],
            [None, "可持续影响指标", "长效机制", "定性", "健全", None, "健全", 10, 10],
            ["满意度指标", "服务对象满意度指标", "农户满意度", "≥", "90", "%", "95", 10, 10],
        ],
        "重点项目": [
            ["项目名称", "预算数", "执行数", "执行率(%)", "主要内容", "完成情况"],
            ["高标准农田建设", 700, 700, 100, "建设高标准农田 1 万亩", "已完成"],
        ],
    }


GOOD_MERGES = {"收入": ["A1:F1"], "支出": ["A1:I1"], "基本情况": ["A1:B1"]}


def write_good(path: Path, sheets: dict[str, list[list[Any]]] | None = None, **kwargs: Any) -> Path:
    merges = kwargs.pop("merges", GOOD_MERGES)
    return write_workbook(path, sheets or good_sheets(), merges=merges, **kwargs)


# ---------------------------------------------------------------- raw zip helpers

_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
       '</Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
         '</Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
       '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="{target}"/>'
            '</Relationships>')


def sheet_xml(body: bytes | str, prolog: str = "") -> bytes:
    if isinstance(body, str):
        body = body.encode()
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + prolog.encode()
            + b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            + body + b"</sheetData></worksheet>")


def write_raw_xlsx(path: Path, sheet: bytes, *, name: str = "Sheet1", target: str = "worksheets/sheet1.xml",
                   entry: str = "xl/worksheets/sheet1.xml", extra: dict[str, bytes] | None = None,
                   workbook: str | None = None, level: int = 6) -> Path:
    """A minimal one-sheet .xlsx written entry by entry (for XML a writer would never produce)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", workbook or _WB.format(name=name))
        zf.writestr("xl/_rels/workbook.xml.rels", _WB_RELS.format(target=target))
        zf.writestr(entry, sheet)
        for extra_name, data in (extra or {}).items():
            zf.writestr(extra_name, data)
    return path


def _declare_size(path: Path, entry: str, size: int) -> None:
    """Rewrite the uncompressed size of ``entry`` in both zip headers (a part that
    claims to inflate to ``size`` bytes, without writing them)."""
    data = bytearray(path.read_bytes())
    name = entry.encode()
    # (signature, offset of the name length, offset of the name, offset of the size)
    for signature, len_at, name_at, size_at in ((b"PK\x03\x04", 26, 30, 22),    # local file header
                                                (b"PK\x01\x02", 28, 46, 24)):   # central directory
        pos = data.find(signature)
        while pos != -1:
            name_len = struct.unpack_from("<H", data, pos + len_at)[0]
            if data[pos + name_at:pos + name_at + name_len] == name:
                struct.pack_into("<I", data, pos + size_at, size)
            pos = data.find(signature, pos + 4)
    path.write_bytes(bytes(data))


def _inject(path: Path, entry: str, transform: Callable[[bytes], bytes]) -> Path:
    """Rewrite one entry of an existing .xlsx (e.g. to add what no writer writes)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, transform(data) if info.filename == entry else data)
    path.write_bytes(buf.getvalue())
    return path


def _sheet_entry(path: Path, sheet_name: str) -> str:
    """The zip entry of a sheet written by xlsxwriter (sheets are numbered in order)."""
    import openpyxl

    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    return f"xl/worksheets/sheet{names.index(sheet_name) + 1}.xml"


# ---------------------------------------------------------------- the cases


@dataclass
class Case:
    name: str                              # file name in the corpus
    build: Callable[[Path], Any]           # writes the file at the given path
    status: str                            # "unreadable" | "skipped" | "read"
    reason: str = ""                       # substring of the Chinese reason (unreadable / skipped)
    rules: dict[str, list[tuple[str | None, str | None]]] = field(default_factory=dict)
    # read: rule → [(sheet, cell), …] it must report (exactly, for TPL rules listed)
    note: str = ""


def _empty_workbook(path: Path) -> None:
    write_workbook(path, {"Sheet1": []})


def _zero_bytes(path: Path) -> None:
    path.write_bytes(b"")


def _truncated(path: Path) -> None:
    write_good(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(8).randbytes(4096))


def _docx(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CT.replace("spreadsheetml.sheet.main", "wordprocessingml.document.main"))
        zf.writestr("_rels/.rels", _RELS.replace("xl/workbook.xml", "word/document.xml"))
        zf.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                    'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>自评报告</w:t></w:r></w:p></w:body></w:document>')


def _encrypted(path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = path.with_name(path.name + ".plain")
    write_good(plain)
    try:
        with plain.open("rb") as src, path.open("wb") as dst:
            OOXMLFile(src).encrypt("secret", dst)
    finally:
        plain.unlink()


def _legacy_xls(path: Path) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for name, rows in good_sheets().items():
        ws = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    ws.write(r, c, value)
    book.save(str(path))


def _lock_file(path: Path) -> None:
    owner = "张三"
    data = bytes([len(owner)]) + owner.encode("utf-16-le")
    path.write_bytes(data.ljust(165, b"\x00"))


def _renamed_sheets(path: Path) -> None:
    sheets = good_sheets()
    renamed = {"说明": sheets["填报说明"], "表一": sheets["基本情况"], "表二": sheets["收入"],
               "表三": sheets["支出"], "表四": sheets["绩效指标"]}
    write_workbook(path, renamed)


def _other_workbook(path: Path) -> None:
    write_workbook(path, {
        "Sheet1": [["姓名", "岗位", "应发工资"], ["张三", "科员", 5200], ["李四", "科员", 5100]],
        "Sheet2": [["备忘"]],
    })


def _older_layout(path: Path) -> None:
    sheets = good_sheets()
    # an older template: no 增减额 / 增减率 columns in 收入, no 得分 in 绩效指标
    sheets["收入"] = [row[:3] for row in sheets["收入"]]
    sheets["收入"][1] = [f"编制单位：{UNIT}", None, "单位：万元"]
    sheets["绩效指标"] = [row[:8] for row in sheets["绩效指标"]]
    write_good(path, sheets, merges={"收入": ["A1:C1"], "支出": ["A1:I1"], "基本情况": ["A1:B1"]})


def _formulas_without_values(path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in good_sheets().items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb["收入"]["B4"] = "=SUM(B5:B6)"
    wb["收入"]["C4"] = "=SUM(C5:C6)"
    wb["支出"]["C4"] = "=C5"
    wb.save(path)


def _text_in_numbers(path: Path) -> None:
    sheets = good_sheets()
    sheets["收入"][4][1] = "约1400"            # B5
    sheets["支出"][6][3] = "七百"              # D7
    sheets["绩效指标"][2][8] = "满分"          # I3
    write_good(path, sheets)


def _million_rows(path: Path) -> None:
    body = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i) for i in range(1, 1_000_001))
    write_raw_xlsx(path, sheet_xml(body), name="收入", level=1)


def _huge_shared_strings(path: Path) -> None:
    """A shared-strings part that says it inflates to 150 MB (ordinary ratio, so it
    is refused for its size, not as a bomb); only its first 3 MB are real."""
    rng = random.Random(1)
    items = b"".join(b"<si><t>%s</t></si>" % rng.randbytes(24).hex().encode() for _ in range(48_000))
    sst = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + items + b"</sst>")
    write_raw_xlsx(path, sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
                   extra={"xl/sharedStrings.xml": sst})
    _declare_size(path, "xl/sharedStrings.xml", 150 * 1024 * 1024)


def _far_cell(path: Path) -> None:
    """A valid, ordinary-looking template with one cell at XFD1048576: calamine
    would try to allocate 512 GB and abort the process."""
    write_good(path)
    entry = _sheet_entry(path, "收入")
    _inject(path, entry, lambda xml: xml.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'))


def _far_cell_lowercase(path: Path) -> None:
    """The same with the address in lower case (calamine accepts it)."""
    write_good(path)
    entry = _sheet_entry(path, "收入")
    _inject(path, entry, lambda xml: xml.replace(
        b"</sheetData>", b"<row r='1048576'><c r = 'xfd1048576'><v>1</v></c></row></sheetData>"))


def _duplicated_headers(path: Path) -> None:
    sheets = good_sheets()
    header = sheets["支出"][2]
    rows = sheets["支出"]
    sheets["支出"] = rows[:3] + [list(header)] + rows[3:6] + [list(header)] + rows[6:]
    write_good(path, sheets)


def _header_in_merged_block(path: Path) -> None:
    sheets = good_sheets()
    # 收入 header over two rows: 收入项目 / 说明 merged vertically, the numbers under "金额"
    sheets["收入"] = [
        ["2023年度收入情况表"],
        ["收入项目", "金额", None, None, None, "说明"],
        [None, "本年数", "上年数", "增减额", "增减率(%)", None],
        *sheets["收入"][3:],
    ]
    write_good(path, sheets, merges={"收入": ["A1:F1", "A2:A3", "B2:E2", "F2:F3"], "支出": ["A1:I1"]})


def _hidden(path: Path) -> None:
    import openpyxl

    write_good(path)
    wb = openpyxl.load_workbook(path)
    wb["重点项目"].sheet_state = "hidden"
    wb["支出"].row_dimensions[7].hidden = True
    wb.save(path)


def _zip_bomb(path: Path) -> None:
    write_raw_xlsx(path, sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'),
                   extra={"xl/media/image1.png": bytes(64 * 1024 * 1024)}, level=9)


def _billion_laughs(path: Path) -> None:
    prolog = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
              '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
              '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>')
    write_raw_xlsx(path, sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>&lol4;</t></is></c></row>', prolog))


def _xxe(path: Path) -> None:
    workbook = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                '<sheets><sheet name="&x;" sheetId="1" r:id="rId1"/></sheets></workbook>')
    write_raw_xlsx(path, sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'), workbook=workbook)


def _html_export(path: Path) -> None:
    path.write_bytes("<html><body><table><tr><td>收入合计</td><td>1500</td></tr></table></body></html>".encode())


def _csv(path: Path) -> None:
    path.write_bytes("收入项目,本年数\n收入合计,1500\n".encode("gb18030"))


def _odd_name(path: Path) -> None:
    write_good(path)


CASES: tuple[Case, ...] = (
    Case("空工作簿.xlsx", _empty_workbook, "read", rules={"TPL001": [(None, None)]},
         note="a workbook with one blank sheet: not this template"),
    Case("零字节.xlsx", _zero_bytes, "unreadable", "文件为空（0 字节）"),
    Case("截断.xlsx", _truncated, "unreadable", "文件已损坏"),
    Case("随机字节.xlsx", _random_bytes, "unreadable", "内容无法识别"),
    Case("Word文档.xlsx", _docx, "unreadable", "Word 文档"),
    Case("加密.xlsx", _encrypted, "unreadable", "文件已加密"),
    Case("旧版格式.xls", _legacy_xls, "read", rules={}, note="BIFF8 .xls: calamine reads it"),
    Case("~$锁定文件.xlsx", _lock_file, "skipped", "临时锁定文件"),
    Case("全部改名.xlsx", _renamed_sheets, "read",
         rules={"TPL006": [("表一", None), ("表二", None), ("表三", None), ("表四", None)]},
         note="template sheets under other names: found by their headers, said so"),
    Case("其他表格.xlsx", _other_workbook, "read", rules={"TPL001": [(None, None)]},
         note="not this template: TPL001 listing the sheets found"),
    Case("旧版模板.xlsx", _older_layout, "read",
         rules={"TPL002": [("收入", None), ("收入", None), ("绩效指标", None)]}),
    Case("公式无缓存值.xlsx", _formulas_without_values, "read",
         rules={"TPL005": [("支出", "C4"), ("收入", "B4"), ("收入", "C4")]}),
    Case("文字数字.xlsx", _text_in_numbers, "read",
         rules={"TPL003": [("支出", "D7"), ("收入", "B5"), ("绩效指标", "I3")]}),
    Case("百万行.xlsx", _million_rows, "unreadable", "超出模板范围"),
    Case("超大共享字符串.xlsx", _huge_shared_strings, "unreadable", "文件过大"),
    Case("XFD1048576.xlsx", _far_cell, "unreadable", "XFD1048576"),
    Case("XFD1048576小写.xlsx", _far_cell_lowercase, "unreadable", "XFD1048576"),
    Case("重复表头.xlsx", _duplicated_headers, "read", rules={}),
    Case("表头在合并单元格中.xlsx", _header_in_merged_block, "read", rules={}),
    Case("隐藏表和行.xlsx", _hidden, "read", rules={"TPL006": [("支出", None), ("重点项目", None)]}),
    Case("压缩炸弹.xlsx", _zip_bomb, "unreadable", "疑似压缩炸弹"),
    Case("实体膨胀.xlsx", _billion_laughs, "unreadable", "不安全的 XML"),
    Case("外部实体.xlsx", _xxe, "unreadable", "不安全的 XML"),
    Case("网页导出.xls", _html_export, "unreadable", "网页或 XML 导出文件"),
    Case("文本.xlsx", _csv, "unreadable", "纯文本"),
    Case("名称 带空格 中文 😀.xlsx", _odd_name, "read", rules={}),
)


def build_corpus(folder: Path, cases: tuple[Case, ...] = CASES) -> dict[str, Case]:
    """Write every corpus file into ``folder``; return them by file name."""
    folder.mkdir(parents=True, exist_ok=True)
    for case in cases:
        case.build(folder / case.name)
    return {case.name: case for case in cases}

