"""X_核对.xlsx: the annotated copy handed back to the department (SPEC §4).

Sheets, in order: 核对摘要 (verdict and counts), 问题清单 (one row per finding, its
cell address a link to the cell), 自评报告 (the narrative, one paragraph a row),
then every input sheet rebuilt from the raw grid: values (numbers as numbers with
their number formats, text as text), column widths, merged ranges, hidden rows;
each flagged cell filled by severity and carrying one comment with its messages.

The rebuilt sheets keep the input's sheet names and cell addresses, so the file is
itself a valid input: the reader ignores the three report sheets, and a department
can correct the file, write its 说明 and send it back.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from reconcile.cells import split_ref
from reconcile.findings import Finding, Severity, verdict
from reconcile.output.fastxlsx import CELL_HEADS, NUMBER_TEXTS
from reconcile.output.xlsx import (
    FILL,
    FINDING_COLUMNS,
    FONT,
    LEGEND,
    LINE_HEIGHT,
    MAX_LINKS,
    MAX_ROW_HEIGHT,
    Styles,
    clip,
    fill_kind,
    finish_table,
    print_setup,
    internal_link,
    is_cell_ref,
    number_value,
    open_workbook,
    safe_sheet_name,
    sorted_findings,
    text_width,
    wrapped_lines,
    write_any,
    write_finding_cells,
    write_header,
)
from reconcile.template.definition import REPORT_SHEETS

SUMMARY_SHEET, ISSUES_SHEET, REPORT_SHEET = REPORT_SHEETS

# Rules whose expected/actual are amounts (in the sheet's unit): the candidates for
# "the largest money discrepancies" on 核对摘要.
MONEY_RULES = frozenset({
    "INC001", "INC002", "EXP001", "EXP002", "EXP003", "EXP005", "EXP008",
    "XS001", "XS002", "CAR001", "BUD004", "YOY001",
})
_KIND_RANK = {"error": 0, "warning": 1, "explained": 2, "info": 3}
_DATE_FORMATS = {_dt.datetime: "yyyy-mm-dd hh:mm:ss", _dt.date: "yyyy-mm-dd", _dt.time: "hh:mm:ss"}
DEFAULT_WIDTH = 8.43          # Excel's default column width
_SHORT = 16383                # a text this long is within Excel's limit whatever it holds (clip)
EMPTY_NARRATIVE = "（自评报告正文尚未生成：本版本的工具暂未根据报表生成自评报告。）"


def write_annotated(raw, model, findings, narrative, dest, source: str = "") -> None:
    """Write the annotated workbook to ``dest`` atomically. Never writes over the input."""
    dest = Path(dest)
    if dest.exists() and Path(raw.path).exists() and dest.resolve() == Path(raw.path).resolve():
        raise ValueError(f"refusing to overwrite the input workbook {raw.path}")
    findings = list(findings)
    # A returned X_核对.xlsx carries our report sheets: rebuild them, don't copy them.
    names = {s.name for s in raw.sheets}
    ours = SUMMARY_SHEET in names and ISSUES_SHEET in names
    sheets = [s for s in raw.sheets if not (ours and s.name in REPORT_SHEETS)]
    taken = {n.lower() for n in REPORT_SHEETS}
    out_name = {s.name: safe_sheet_name(s.name, taken) for s in sheets}
    ordered = sorted_findings(findings, [s.name for s in sheets])

    with open_workbook(dest) as wb:
        styles = Styles(wb)
        summary_ws = wb.add_worksheet(SUMMARY_SHEET)
        issues_ws = wb.add_worksheet(ISSUES_SHEET)
        report_ws = wb.add_worksheet(REPORT_SHEET)
        by_cell: dict[str, dict[tuple[int, int], list[Finding]]] = defaultdict(lambda: defaultdict(list))
        for f in ordered:
            if f.sheet in out_name and f.cell:
                row, col = split_ref(f.cell)
                if row > 0:
                    by_cell[f.sheet][(row - 1, col)].append(f)
        cell_formats = _CellFormats(wb)
        for sheet in sheets:
            ws = wb.add_worksheet(out_name[sheet.name])
            _reproduce(ws, sheet, by_cell.get(sheet.name, {}), cell_formats)
        _write_issues(issues_ws, styles, ordered, out_name)
        _write_summary(summary_ws, styles, model, ordered, out_name, source)
        _write_narrative(report_ws, styles, narrative)
        summary_ws.activate()


# ------------------------------------------------------------ input sheets


class _CellFormats:
    """Formats of reproduced cells, one per (number format, mark, wrap, merged)."""

    def __init__(self, wb):
        self.wb = wb
        self.cache: dict[tuple, Any] = {}

    def get(self, num_format: str | None, kind: str | None, wrap: bool = False, merged: bool = False):
        key = (num_format, kind, wrap, merged)
        fmt = self.cache.get(key, False)
        if fmt is False:
            props: dict[str, Any] = {}
            if num_format:
                props["num_format"] = num_format
            if kind:
                props.update(bg_color=FILL[kind], font_color=FONT[kind], border=1, border_color="#808080")
            if wrap:
                props["text_wrap"] = True
            if merged:
                props.update(align="center", valign="vcenter", text_wrap=True)
            fmt = self.wb.add_format(props) if props else None
            self.cache[key] = fmt
        return fmt


def _reproduce(ws, sheet, marks_at: dict[tuple[int, int], list[Finding]], formats: _CellFormats) -> None:
    origin = sheet.merged_origin()
    marks: dict[tuple[int, int], list[Finding]] = defaultdict(list)
    for pos, fs in marks_at.items():
        # A finding on a covered cell of a merged range is shown on the range.
        marks[origin.get(pos, pos)].extend(fs)
    kinds = {pos: min((fill_kind(f) for f in fs), key=_KIND_RANK.__getitem__) for pos, fs in marks.items()}
    number_formats = sheet.number_formats
    merged_tl = set()
    covered: set[tuple[int, int]] = set()
    for r0, c0, r1, c1 in sheet.merged:
        if (r0, c0) == (r1, c1) or any((r, c) in covered for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)):
            continue  # a single cell, or overlapping an earlier range (Excel would repair it)
        covered.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1))
        merged_tl.add((r0, c0))
        value = sheet.value(r0, c0)
        fmt = formats.get(number_formats.get((r0, c0)), kinds.get((r0, c0)), merged=True)
        ws.merge_range(r0, c0, r1, c1, "", fmt)
        _write_cell(ws, r0, c0, value, fmt)

    widths = {c: max(w - 0.71, 0) if w > 0 else w for c, w in sheet.col_widths.items()}
    if not widths:
        widths = _fitted_widths(sheet, merged_tl)
    for c, width in widths.items():
        ws.set_width(c, width)

    tall: dict[int, int] = {}   # row → lines its tallest wrapped text takes
    # Cells are rendered here as the <c> elements xlsxwriter would write (see
    # reconcile.output.fastxlsx: number_cell, string_cell, blank_cell), a row at a time.
    nf_get, kind_get, fmt_get, width_get = number_formats.get, kinds.get, formats.get, widths.get
    tokens, heads, string_index = ws.tokens, CELL_HEADS, ws.string_index
    plain: dict[str | None, str] = {}   # number format → token of an unmarked, unwrapped cell
    covered_rows = {r for r, _ in covered}
    isfinite, number_texts = math.isfinite, NUMBER_TEXTS
    rendered: dict[int, dict[int, str]] = {}
    for r, row in enumerate(sheet.rows[: ws.xls_rowmax]):   # xlsxwriter drops cells beyond Excel's limits
        cells = rendered[r] = {}
        check_covered = r in covered_rows
        r1 = str(r + 1)
        for c, value in enumerate(row[: ws.xls_colmax] if len(row) > ws.xls_colmax else row):
            pos = (r, c)
            if check_covered and pos in covered:
                continue
            nf = nf_get(pos)
            kind = kind_get(pos) if kinds else None
            cls = value.__class__
            if cls is float or cls is int:
                if isfinite(value):
                    if kind is None:
                        token = plain.get(nf)
                        if token is None:
                            token = plain[nf] = tokens[fmt_get(nf, None)] if nf else ""
                    else:
                        token = tokens[fmt_get(nf, kind)]
                    cells[c] = f'{heads[c]}{r1}"{token}><v>{number_texts[value]}</v></c>'
                    continue
            elif cls is str:
                if value:
                    width = width_get(c, DEFAULT_WIDTH)
                    lines = _wrapped(value, width, row, c) if ("\n" in value or len(value) * 2 > width) else 0
                    if lines:
                        tall[r] = max(tall.get(r, 1), lines)
                        token = tokens[fmt_get(nf, kind, True)]
                    elif kind is None:
                        token = plain.get(nf)
                        if token is None:
                            token = plain[nf] = tokens[fmt_get(nf, None)] if nf else ""
                    else:
                        token = tokens[fmt_get(nf, kind)]
                    index = string_index(value if len(value) <= _SHORT else clip(value))
                    cells[c] = f'{heads[c]}{r1}"{token} t="s"><v>{index}</v></c>'
                    continue
                value = None
            if value is None:
                if kind is not None or nf is not None:
                    fmt = fmt_get(nf, kind)
                    if fmt is not None:
                        cells[c] = f'{heads[c]}{r1}"{tokens[fmt]}/>'
            else:   # booleans, dates, times, NaN, …: xlsxwriter's own writers
                if nf is None and isinstance(value, (_dt.date, _dt.time)):
                    nf = _DATE_FORMATS.get(type(value), "yyyy-mm-dd")
                _write_cell(ws, r, c, value, fmt_get(nf, kind) if (nf or kind) else None)
    ws.put_rows(rendered)

    for (r, c), fs in marks.items():
        if sheet.value(r, c) is None and (r, c) not in merged_tl:
            ws.write_blank(r, c, None, formats.get(number_formats.get((r, c)), kinds[(r, c)]))
        ws.write_comment(r, c, *_comment(fs))

    for r in sorted(set(tall) | sheet.hidden_rows):
        height = min(tall[r] * LINE_HEIGHT, MAX_ROW_HEIGHT) if tall.get(r, 1) > 1 else None
        ws.set_row(r, height, None, {"hidden": r in sheet.hidden_rows})
    if sheet.hidden:
        ws.hide()
    print_setup(ws)


def _write_cell(ws, r: int, c: int, value: Any, fmt) -> None:
    if isinstance(value, str):
        ws.write_string(r, c, clip(value), fmt)   # the common case, and never a formula
    elif isinstance(value, _dt.timedelta):
        ws.write_string(r, c, str(value), fmt)
    else:
        write_any(ws, r, c, value, fmt)


def _comment(fs: Sequence[Finding]) -> tuple[str, dict]:
    parts = []
    for f in fs:
        tag = f.severity.chinese + ("·已说明" if f.explained else "")
        text = f"【{tag}】{f.rule} {f.message}"
        if f.explanation:
            text += f"\n说明：{f.explanation}"
        parts.append(text)
    text = clip("\n\n".join(parts))
    # Box size: about 24 CJK characters a line at 10 pt in a 340-px-wide box.
    lines = sum(max(1, int(text_width(p) // 44) + 1) for p in text.split("\n"))
    return text, {"author": "财政局核对", "width": 340, "height": min(17 * lines + 20, 600), "font_size": 10}


def _wrapped(value: str, width: float, row: list, c: int) -> int:
    """Lines a text takes when shown wrapped, or 0 to show it as is. The raw grid
    does not say which cells the department wrapped, so wrap a text with line breaks,
    and a text too wide for its column when the column is a wide text column or the
    next cell is filled (it would be cut off there anyway)."""
    if width < 2:
        return 0
    if "\n" not in value:
        if len(value) * 2 <= width:
            return 0
        if width < 40 and not (c + 1 < len(row) and row[c + 1] not in ("", None)):
            return 0
        if text_width(value) <= width:
            return 0
    return wrapped_lines(value, width)


def _fitted_widths(sheet, merged_tl: set[tuple[int, int]]) -> dict[int, float]:
    """Column widths fitted to the text, for an input that set none."""
    widths: dict[int, float] = {}
    for r, row in enumerate(sheet.rows[:500]):
        for c, value in enumerate(row):
            if value in (None, "") or (r, c) in merged_tl:
                continue
            widths[c] = max(widths.get(c, 0), text_width(value))
    return {c: min(max(w + 1, 8), 50) for c, w in widths.items()}


# ------------------------------------------------------------ 问题清单


def _write_issues(ws, styles: Styles, findings: Sequence[Finding], out_name: dict[str, str]) -> None:
    columns = (("序号", 6), *FINDING_COLUMNS)
    write_header(ws, styles, 0, columns)
    links = 0
    for i, f in enumerate(findings, 1):
        ws.write_number(i, 0, i, styles.top)
        target = out_name.get(f.sheet) if links < MAX_LINKS else None
        links += write_finding_cells(ws, styles, i, 1, f, target)
    if not findings:
        ws.write_string(1, 0, "本文件未发现问题", styles.top)
    finish_table(ws, 0, len(findings), len(columns))
    print_setup(ws, landscape=True, repeat_header=True)


# ------------------------------------------------------------ 核对摘要


def _write_summary(ws, styles: Styles, model, findings: Sequence[Finding], out_name: dict[str, str],
                   source: str) -> None:
    from reconcile.rules.catalogue import RULES

    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 34)
    ws.set_column(2, 7, 13)
    ws.write_string(0, 0, "核对摘要", styles.title)
    counts = Counter(f.severity for f in findings)
    explained = sum(f.explained for f in findings)
    result = verdict(findings)
    result_kind = {"有错误": "error", "有提示": "warning", "通过": "explained"}[result]
    rows: list[tuple[str, Any, Any]] = [
        ("单位名称", model.unit_name or "（未填写）", None),
        ("年度", model.year if model.year is not None else "（未填写）", styles.left_integer),
        ("源文件", source or Path(str(model.path)).name, None),
        ("核对时间", _dt.datetime.now().strftime("%Y-%m-%d %H:%M"), None),
        ("核对结论", result, styles.severity[result_kind]),
        ("错误", counts[Severity.ERROR], styles.integer),
        ("提示", counts[Severity.WARNING], styles.integer),
        ("其中已说明", explained, styles.integer),
        ("信息", counts[Severity.INFO], styles.integer),
    ]
    r = 2
    for label, value, fmt in rows:
        ws.write_string(r, 0, label, styles.bold)
        write_any(ws, r, 1, value, fmt)
        r += 1

    r += 1
    ws.write_string(r, 0, "按规则统计", styles.subtitle)
    r += 1
    write_header(ws, styles, r, (("规则", 16), ("名称", 34), ("严重程度", 13), ("数量", 13), ("其中已说明", 13)))
    per_rule: dict[tuple[str, Severity], list[Finding]] = defaultdict(list)
    for f in findings:
        per_rule[(f.rule, f.severity)].append(f)
    r += 1
    if not per_rule:
        ws.write_string(r, 0, "未发现问题", styles.top)
        r += 1
    for (code, severity), fs in sorted(per_rule.items(), key=lambda kv: (kv[0][1].rank, kv[0][0])):
        rule = RULES.get(code)
        ws.write_string(r, 0, code)
        ws.write_string(r, 1, rule.title if rule is not None else "")
        ws.write_string(r, 2, severity.chinese, styles.severity[severity.value])
        ws.write_number(r, 3, len(fs))
        ws.write_number(r, 4, sum(f.explained for f in fs))
        r += 1

    r += 1
    ws.write_string(r, 0, "金额差异最大的三处", styles.subtitle)
    r += 1
    columns = (("工作表", 16), ("行", 34), ("单元格", 13), ("应为", 13), ("填报值", 13), ("差额", 13),
               ("金额单位", 13), ("规则", 13))
    write_header(ws, styles, r, columns)
    r += 1
    largest = largest_discrepancies(findings, model)
    if not largest:
        ws.write_string(r, 0, "无金额差异", styles.top)
        r += 1
    for f, gap, unit in largest:
        write_any(ws, r, 0, f.sheet)
        write_any(ws, r, 1, f.row_label)
        target = out_name.get(f.sheet)
        if target is not None and is_cell_ref(f.cell):
            ws.write_url(r, 2, internal_link(target, f.cell), styles.link, string=f.cell)
        else:
            write_any(ws, r, 2, f.cell)
        write_any(ws, r, 3, f.expected, styles.amount)
        write_any(ws, r, 4, f.actual, styles.amount)
        ws.write_number(r, 5, float(gap), styles.amount)
        ws.write_string(r, 6, unit)
        ws.write_string(r, 7, f.rule)
        r += 1

    r += 1
    ws.write_string(r, 0, "颜色说明", styles.subtitle)
    r += 1
    for kind, text in LEGEND:
        ws.write_string(r, 0, {"error": "错误", "warning": "提示", "explained": "已说明", "info": "信息"}[kind],
                        styles.severity[kind])
        ws.write_string(r, 1, text)
        r += 1

    r += 1
    ws.write_string(r, 0, "使用说明", styles.subtitle)
    for line in (
        "“问题清单”逐条列出问题；点击“单元格”列的地址可跳到原表中对应的单元格。",
        "原表中有问题的单元格已按上面的颜色标出，并加了批注（鼠标停在单元格上即可看到问题说明）。",
        "本文件可以直接改正后重新提交：改正数据，或在该行“说明”列写明原因，财政局将重新核对。",
    ):
        r += 1
        ws.write_string(r, 0, line)
    print_setup(ws)


def largest_discrepancies(findings: Sequence[Finding], model, n: int = 3) -> list[tuple[Finding, Decimal, str]]:
    """The ``n`` money findings with the largest |应为 − 填报值| (compared in 万元)."""
    units = {t.sheet: t.unit for t in getattr(model, "tables", {}).values()}
    scored = []
    for f in findings:
        if f.rule not in MONEY_RULES or f.severity == Severity.INFO:
            continue
        exp, act = number_value(f.expected), number_value(f.actual)
        if exp is None or act is None:
            continue
        gap = abs(Decimal(repr(exp)) - Decimal(repr(act)))
        if gap == 0:
            continue
        unit = units.get(f.sheet, getattr(model, "amount_unit", "万元"))
        in_wan = gap / 10000 if unit == "元" else gap
        scored.append((in_wan, f, gap, unit))
    scored.sort(key=lambda t: t[0], reverse=True)
    return [(f, gap, unit) for _, f, gap, unit in scored[:n]]


# ------------------------------------------------------------ 自评报告

NARRATIVE_WIDTH = 68   # fits A4 portrait without scaling (LibreOffice does not scale a one-column sheet)
_PARAGRAPH_STYLE = {"title": "title", "heading1": "subtitle", "heading2": "bold"}


def _write_narrative(ws, styles: Styles, narrative) -> None:
    ws.set_column(0, 0, NARRATIVE_WIDTH)
    tokens, string_index, rows = ws.tokens, ws.string_index, {}

    def put(r: int, c: int, text: str, fmt) -> None:     # a write_string, stored with the others at the end
        rows[r] = {0: f'<c r="A{r + 1}"{tokens[fmt]} t="s"><v>{string_index(text)}</v></c>'}

    r = 0
    title = getattr(narrative, "title", "") if narrative is not None else ""
    paragraphs = list(getattr(narrative, "paragraphs", None) or [])
    if title and not (paragraphs and paragraphs[0].kind == "title"):
        put(r, 0, clip(title), styles.title)
        r += 1
    if not paragraphs:
        put(r, 0, EMPTY_NARRATIVE, styles.wrap)
    for p in paragraphs:
        if p.kind == "table":
            if p.text:
                put(r, 0, clip(p.text), styles.bold)
                r += 1
            for row in p.rows:
                text = "　｜　".join(map(str, row))
                put(r, 0, clip(text), styles.wrap)
                lines = wrapped_lines(text, NARRATIVE_WIDTH)    # fit_row, for one cell
                if lines > 1:
                    ws.set_height(r, min(lines * LINE_HEIGHT, MAX_ROW_HEIGHT))
                r += 1
            continue
        style = getattr(styles, _PARAGRAPH_STYLE.get(p.kind, "wrap"))
        if getattr(p, "pending", False) and p.kind not in _PARAGRAPH_STYLE:
            style = styles.pending   # a paragraph carrying 【待核实】
        put(r, 0, clip(p.text), style)
        if p.kind not in _PARAGRAPH_STYLE:
            lines = wrapped_lines(p.text, NARRATIVE_WIDTH)    # fit_row, for one cell
            if lines > 1:
                ws.set_height(r, min(lines * LINE_HEIGHT, MAX_ROW_HEIGHT))
        r += 1
    ws.put_rows(rows)
    print_setup(ws)
