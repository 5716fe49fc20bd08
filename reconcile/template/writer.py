"""The input template a finance bureau sends to its departments (`reconcile template`).

Everything that names a sheet, a column, a row or a 基本情况 field comes from
:mod:`reconcile.template.definition`; this module only decides the presentation:

- a 填报说明 sheet first: purpose, how to fill, one section per sheet with one
  line per column (label, 必填/选填, what it means), amount units, accepted number
  forms, which columns the bureau recomputes and how 说明 explains a 提示;
- every table sheet: a merged title row, a hint line, a "单位：万元" line where
  amounts appear, a styled header row, frozen panes below it, column widths and
  input number formats (amounts ``#,##0.00``, percentages and scores ``0.00``,
  科目编码 as text ``@``), dropdowns for every column or field with ``choices``.

The "单位：" line is a formula mirroring 基本情况.金额单位 (with its cached value
"单位：万元"), because the reader takes a unit written above a table before the
one in 基本情况: a fixed "单位：万元" would silently override a department that
chose 元. No sheet is protected; there are no example rows.
"""

from __future__ import annotations

import datetime as _dt
import math
import unicodedata
from pathlib import Path

from xlsxwriter.utility import xl_rowcol_to_cell

from reconcile.output.atomic import atomic_path
from reconcile.template.definition import (
    BASIC_FIELDS,
    INSTRUCTIONS_SHEET,
    SHEETS,
    TOTAL_LABELS,
    Column,
    ColumnKind,
    Field,
    SheetDef,
)
from reconcile.text import normalize_label

WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}
TITLE = "部门整体支出绩效自评填报模板"

# Layout of every table sheet (0-based rows).
TITLE_ROW, HINT_ROW, UNIT_ROW, HEADER_ROW = 0, 1, 2, 3
FIRST_DATA_ROW = HEADER_ROW + 1
DATA_ROW_HEIGHT = 20.0

# Blank, formatted input rows below the pre-filled ones.
SPARE_ROWS: dict[str, int] = {
    "basic": 0,
    "income": 5,
    "expenditure": 60,
    "carryover": 30,
    "budget": 3,
    "indicators": 200,
    "projects": 30,
}

# 基本情况: a third, read-only column repeating each field's help.
BASIC_HELP_LABEL = "填写说明"
BASIC_HELP_WIDTH = 44
# 基本情况 text fields that hold one short line; other text fields get tall rows.
SHORT_TEXT_FIELDS = frozenset({"unit_name", "supervisor"})

NUM_FORMATS: dict[ColumnKind, str | None] = {
    "amount": "#,##0.00",
    "percent": "0.00",
    "score": "0.00",
    "count": "0",
    "code": "@",
    "text": None,
}

KIND_HELP: dict[ColumnKind, str] = {
    "amount": "金额，单位见“基本情况”的金额单位（默认万元），保留两位小数",
    "percent": "百分数，填 10.93 表示 10.93%，保留两位小数",
    "score": "分数，保留两位小数",
    "count": "整数",
    "code": "编码，按文字填写（保留开头的 0）",
    "text": "按文字填写",
}

# Extra 填报说明 lines for a sheet, about the way this template lays it out.
SHEET_NOTES: dict[str, str] = {
    "expenditure": "“科目编码”列已设为文本格式，编码按原样填写（如 2040201），不会丢失开头或末尾的数字。",
    "indicators": "一级指标、二级指标、指标性质可从下拉列表选择。本表不设合计行；如需列出合计，请在最后一个指标的"
                  "下一行第一列写“合计”，该行按合计处理，不作为指标。",
}

HEADER_FILL = "#DDEBF7"
NOTE_COLOR = "#595959"
TOTAL_FILL = "#F2F2F2"


def write_template(path: Path) -> None:
    """Write the template workbook to ``path`` (atomically)."""
    import xlsxwriter

    path = Path(path)
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), WORKBOOK_OPTIONS)
        # A fixed creation date keeps regenerating byte-stable when nothing changed.
        wb.set_properties({"title": TITLE, "author": "reconcile", "created": _dt.datetime(2024, 1, 1)})
        styles = _Styles(wb)
        _write_instructions(wb, styles)
        for sheet_def in SHEETS:
            if sheet_def.key == "basic":
                _write_basic(wb, styles, sheet_def)
            else:
                _write_table(wb, styles, sheet_def)
        wb.close()


# ---------------------------------------------------------------- helpers


class _Styles:
    def __init__(self, wb):
        base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter"}
        border = {**base, "border": 1}
        self.title = wb.add_format({**base, "bold": True, "font_size": 16, "align": "center"})
        self.hint = wb.add_format({**base, "font_color": NOTE_COLOR, "italic": True, "text_wrap": True})
        self.unit = wb.add_format({**base, "align": "right"})
        self.header = wb.add_format({**border, "bold": True, "bg_color": HEADER_FILL, "text_wrap": True,
                                     "align": "center"})
        self.heading = wb.add_format({**base, "bold": True, "font_size": 12, "bg_color": HEADER_FILL})
        self.para = wb.add_format({**base, "text_wrap": True, "valign": "top"})
        self.cell_note = wb.add_format({**border, "text_wrap": True, "font_color": NOTE_COLOR})
        self.item_label = wb.add_format({**border, "text_wrap": True, "bold": True})
        self.item_text = wb.add_format({**border, "text_wrap": True, "valign": "top"})
        self.item_req = wb.add_format({**border, "align": "center"})
        self._wb = wb
        self._border = border
        self._cache: dict[tuple, object] = {}

    def data(self, kind: ColumnKind, *, bold: bool = False, indent: int = 0):
        key = (kind, bold, indent)
        if key not in self._cache:
            props = dict(self._border)
            fmt = NUM_FORMATS[kind]
            if fmt is not None:
                props["num_format"] = fmt
            if kind in ("text", "code"):
                props["text_wrap"] = True
            if bold:
                props["bold"] = True
                props["bg_color"] = TOTAL_FILL
            if indent:
                props["indent"] = indent
            self._cache[key] = self._wb.add_format(props)
        return self._cache[key]


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _row_height(text: str, width_chars: float, line_height: float = 15.0) -> float:
    """A row height (points) showing ``text`` wrapped in a cell ``width_chars`` wide."""
    usable = max(width_chars * 0.95, 1.0)
    lines = sum(max(1, math.ceil(_display_width(part) / usable)) for part in text.split("\n"))
    return max(line_height * lines + 4, 20.0)


def _column_help(col: Column) -> str:
    text = col.help or KIND_HELP[col.kind]
    if col.choices:
        text += "；可从下拉列表选择：" + "、".join(col.choices)
    return text


def _field_help(f: Field) -> str:
    text = f.help or KIND_HELP[f.kind]
    if f.choices:
        text += "；从下拉列表选择：" + "、".join(f.choices)
    return text


def _required_text(required: bool) -> str:
    return "必填" if required else "选填"


def _has_amounts(sheet_def: SheetDef) -> bool:
    return any(c.kind == "amount" for c in sheet_def.columns)


def _field_row(key: str) -> int:
    """0-based row of a 基本情况 field in the template."""
    return FIRST_DATA_ROW + next(i for i, f in enumerate(BASIC_FIELDS) if f.key == key)


def _unit_formula() -> tuple[str, str]:
    """The "单位：" line: follows 基本情况.金额单位 exactly as the reader reads it."""
    basic = next(s for s in SHEETS if s.key == "basic")
    content_col = next(i for i, c in enumerate(basic.columns) if c.key == "content")
    ref = xl_rowcol_to_cell(_field_row("amount_unit"), content_col, row_abs=True, col_abs=True)
    cell = f"'{basic.name}'!{ref}"
    formula = f'=IF(OR(TRIM({cell})="元",TRIM({cell})="人民币元"),"单位：元","单位：万元")'
    return formula, "单位：万元"


def _sheet_heading(ws, styles: _Styles, sheet_def: SheetDef, n_cols: int, widths: list[float]) -> None:
    ws.merge_range(TITLE_ROW, 0, TITLE_ROW, n_cols - 1, f"{sheet_def.name}表", styles.title)
    ws.set_row(TITLE_ROW, 28)
    hint = "填写提示：" + sheet_def.help
    if not sheet_def.required:
        hint += "没有数据可留空，请勿删除本表。"
    ws.merge_range(HINT_ROW, 0, HINT_ROW, n_cols - 1, hint, styles.hint)
    ws.set_row(HINT_ROW, _row_height(hint, sum(widths)))
    if _has_amounts(sheet_def):
        formula, cached = _unit_formula()
        ws.merge_range(UNIT_ROW, 0, UNIT_ROW, n_cols - 1, "", styles.unit)
        ws.write_formula(UNIT_ROW, 0, formula, styles.unit, cached)


def _page_setup(ws) -> None:
    ws.set_paper(9)            # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)      # one page wide
    ws.repeat_rows(HEADER_ROW)
    ws.freeze_panes(FIRST_DATA_ROW, 0)


# ---------------------------------------------------------------- sheets


def _write_basic(wb, styles: _Styles, sheet_def: SheetDef) -> None:
    ws = wb.add_worksheet(sheet_def.name)
    labels = [c.label for c in sheet_def.columns] + [BASIC_HELP_LABEL]
    widths = [float(c.width) for c in sheet_def.columns] + [float(BASIC_HELP_WIDTH)]
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    _sheet_heading(ws, styles, sheet_def, len(labels), widths)
    ws.write_row(HEADER_ROW, 0, labels, styles.header)
    ws.set_row(HEADER_ROW, 24)
    item_c = next(i for i, c in enumerate(sheet_def.columns) if c.key == "item")
    content_c = next(i for i, c in enumerate(sheet_def.columns) if c.key == "content")
    help_c = len(sheet_def.columns)
    for i, f in enumerate(BASIC_FIELDS):
        r = FIRST_DATA_ROW + i
        ws.write_string(r, item_c, f.label + ("*" if f.required else ""), styles.data("text", bold=f.required))
        content_fmt = styles.data(f.kind)
        if f.choices:
            ws.write_string(r, content_c, f.choices[0], content_fmt)
            ws.data_validation(r, content_c, r, content_c, {
                "validate": "list", "source": list(f.choices), "error_type": "stop",
                "error_title": f.label, "error_message": "请从下拉列表选择：" + "、".join(f.choices),
            })
        else:
            ws.write_blank(r, content_c, None, content_fmt)
        help_text = _field_help(f)
        ws.write_string(r, help_c, help_text, styles.cell_note)
        tall = f.kind == "text" and not f.choices and f.key not in SHORT_TEXT_FIELDS
        height = max(_row_height(help_text, widths[help_c]), 60.0 if tall else 20.0)
        ws.set_row(r, height)
    _page_setup(ws)


def _write_table(wb, styles: _Styles, sheet_def: SheetDef) -> None:
    ws = wb.add_worksheet(sheet_def.name)
    cols = sheet_def.columns
    widths = [float(c.width) for c in cols]
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    _sheet_heading(ws, styles, sheet_def, len(cols), widths)
    ws.write_row(HEADER_ROW, 0, [c.label for c in cols], styles.header)
    ws.set_row(HEADER_ROW, max(_row_height(c.label, c.width) for c in cols))

    label_c = next((i for i, c in enumerate(cols) if c.kind == "text"), 0)
    n_rows = len(sheet_def.rows) + SPARE_ROWS.get(sheet_def.key, 20)
    for i in range(n_rows):
        r = FIRST_DATA_ROW + i
        label = sheet_def.rows[i] if i < len(sheet_def.rows) else None
        total = label is not None and normalize_label(label) in TOTAL_LABELS
        for c, col in enumerate(cols):
            fmt = styles.data(col.kind, bold=total, indent=1 if (c == label_c and label and not total) else 0)
            if c == label_c and label is not None:
                ws.write_string(r, c, label, fmt)
            else:
                ws.write_blank(r, c, None, fmt)
        ws.set_row(r, DATA_ROW_HEIGHT)
    last = FIRST_DATA_ROW + n_rows - 1
    for c, col in enumerate(cols):
        if col.choices:
            ws.data_validation(FIRST_DATA_ROW, c, last, c, {
                "validate": "list", "source": list(col.choices), "error_type": "warning",
                "error_title": col.label,
                "error_message": "建议从下拉列表选择：" + "、".join(col.choices) + "。确需填写其他内容请点“是”。",
            })
    _page_setup(ws)


# ---------------------------------------------------------------- 填报说明


def _instruction_blocks() -> list[tuple[str, tuple[str, ...]]]:
    """The 填报说明 content as (kind, cells): title / heading / para / thead / item."""
    required = "、".join(s.name for s in SHEETS if s.required)
    optional = "、".join(s.name for s in SHEETS if not s.required)
    basic = next(s for s in SHEETS if s.key == "basic")
    unit_field = next(f for f in BASIC_FIELDS if f.key == "amount_unit")
    recomputed = "、".join(dict.fromkeys(
        c.label for s in SHEETS for c in s.columns if c.key in ("delta", "rate", "score")))
    notes = "、".join(dict.fromkeys(
        c.label for s in SHEETS for c in s.columns if c.key in ("note", "deviation")))
    blocks: list[tuple[str, tuple[str, ...]]] = [
        ("title", (TITLE,)),
        ("heading", ("一、用途",)),
        ("para", ("本模板用于部门（单位）填报年度收支、预算执行和绩效指标情况。财政局用核对工具逐表、逐行、逐格复核"
                  "表内和表间的勾稽关系，标出需要改正或说明的单元格，并据此生成部门整体支出绩效自评报告和全县汇总表。",)),
        ("heading", ("二、填写方法",)),
        ("para", (f"1. 必须填写的工作表：{required}；选填的工作表：{optional}（没有数据可留空，但不要删除）。",)),
        ("para", (f"2. 先填“{basic.name}”：带 * 的项目必须填写；“{unit_field.label}”从下拉列表选择"
                  f"“{'”或“'.join(unit_field.choices)}”，全部工作表的金额都按这一单位填写。",)),
        ("para", ("3. 请勿修改工作表名称和表头文字，请勿删除表头行。已列出的行名称（如“收入合计”）请勿修改；"
                  "没有的项目留空即可；行数不够时可插入行。可以增加自用的列，核对时不受影响。",)),
        ("para", ("4. 合计行填在各表已列出的位置（如“收入合计”“支出合计”“年度资金总额”），其余行逐项填列，"
                  "不要在表中插入小计行。各表不含示例行，所有已列出的内容都是正式填报内容。",)),
        ("para", ("5. 可以直接输入或粘贴数值。如使用公式，请在 Excel 或 WPS 中计算并保存后提交；"
                  "不要引用其他文件中的单元格。",)),
        ("heading", ("三、金额单位",)),
        ("para", (f"金额单位在“{basic.name}”的“{unit_field.label}”中统一选择，默认“万元”；"
                  "各表标题下方的“单位：”一行会随之显示，请勿改写。同一工作簿内不要混用万元和元。"
                  "金额保留两位小数。",)),
        ("heading", ("四、可以识别的数字写法",)),
        ("para", ("金额、分值、得分等可以写成：1234.56、1,234.56（带千分位）、全角数字、"
                  "（12.5）或 -12.5（负数）、12.5万元、5分（带单位）；“—”“-”或空白表示没有数据。"
                  "增减率(%)、执行率(%) 按百分数填写：10.93、10.93%，或在百分比格式的单元格中输入 10.93%，"
                  "都表示 10.93%。",)),
        ("heading", ("五、财政局复核的数据",)),
        ("para", (f"{recomputed}由财政局根据所填数据重新计算，并与所填数逐格比对；超出尾差的不一致会标为“错误”。"
                  "请如实填写所报数字，不要留空。",)),
        ("heading", ("六、说明列的作用",)),
        ("para", (f"核对结果分为“错误”（数据不平衡或不合逻辑，必须改正）和“提示”（数据可能合理，但需要写明原因，"
                  f"如增减率绝对值达到 30%、执行率低于 90%、绩效指标未完成）。在该行的“{notes}”列写明原因后，"
                  "该“提示”将标为“已说明”；“错误”不会因填写说明而消除，必须改正数据。",)),
        ("heading", ("七、各工作表及各列说明",)),
    ]
    for s in SHEETS:
        status = "必须填写" if s.required else "选填"
        blocks.append(("heading", (f"{s.name}（{status}）",)))
        blocks.append(("para", (s.help,)))
        if s.key == "basic":
            blocks.append(("para", ("每个项目一行，在“内容”列填写；项目名称请勿修改。",)))
            blocks.append(("thead", ("项目", "必填/选填", "填写要求")))
            for f in BASIC_FIELDS:
                blocks.append(("item", (f.label, _required_text(f.required), _field_help(f))))
            continue
        if s.key in SHEET_NOTES:
            blocks.append(("para", (SHEET_NOTES[s.key],)))
        if s.rows:
            blocks.append(("para", ("已列出的行：" + "、".join(s.rows) + "（请勿修改行名称）。",)))
        blocks.append(("thead", ("列名", "必填/选填", "填写要求")))
        for col in s.columns:
            blocks.append(("item", (col.label, _required_text(col.required), _column_help(col))))
    return blocks


INSTRUCTION_WIDTHS = (24.0, 10.0, 90.0)


def _write_instructions(wb, styles: _Styles) -> None:
    ws = wb.add_worksheet(INSTRUCTIONS_SHEET)
    for c, width in enumerate(INSTRUCTION_WIDTHS):
        ws.set_column(c, c, width)
    last_c = len(INSTRUCTION_WIDTHS) - 1
    total_width = sum(INSTRUCTION_WIDTHS)
    for r, (kind, cells) in enumerate(_instruction_blocks()):
        if kind == "title":
            ws.merge_range(r, 0, r, last_c, cells[0], styles.title)
            ws.set_row(r, 30)
        elif kind == "heading":
            ws.merge_range(r, 0, r, last_c, cells[0], styles.heading)
            ws.set_row(r, 22)
        elif kind == "para":
            ws.merge_range(r, 0, r, last_c, cells[0], styles.para)
            ws.set_row(r, _row_height(cells[0], total_width))
        elif kind == "thead":
            ws.write_row(r, 0, cells, styles.header)
        else:  # item
            ws.write_string(r, 0, cells[0], styles.item_label)
            ws.write_string(r, 1, cells[1], styles.item_req)
            ws.write_string(r, 2, cells[2], styles.item_text)
            ws.set_row(r, _row_height(cells[2], INSTRUCTION_WIDTHS[2]))
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.activate()
