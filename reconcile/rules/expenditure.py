"""Expenditure rules (EXP): 支出合计 / 类 / 款 / 项 sums by code prefix, codes and names
against the function classification, stated 增减额 / 增减率, large changes, and
基本支出 + 项目支出 = 本年数.

The checks run as one pandera validation of the 支出 sheet
(:mod:`reconcile.schemas.expenditure`); each failing row is confirmed in Decimal here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from reconcile.findings import Finding, Severity
from reconcile.model import ExpenditureRow, WorkbookModel
from reconcile.rules import _common as common
from reconcile.rules.catalogue import Rule, check

FAMILY = "支出"
SHEET_KEY = "expenditure"
COLUMN_LABELS = {"cur": "本年数", "prev": "上年数"}

_SUM_DOC_TAIL = "容差：0.01（按表内金额单位）加每个相加项 0.005 的四舍五入误差。某项未填而合计已填时，列为提示，指出未填的单元格和按合计推算的数值（推算值不会当作填报数使用）。"

EXP001 = Rule(
    code="EXP001", severity=Severity.ERROR, family=FAMILY,
    title="支出合计与各类支出之和不符",
    template=common.SUM_TEMPLATE,
    variants=common.SUM_VARIANTS,
    doc=f"""核对什么：“支出合计”行的本年数、上年数是否等于各“类”（3 位编码）之和；未列出所属类的款、项按最上一级计入。
为什么：合计与各类不符，说明有科目漏列、重复或合计算错。
{_SUM_DOC_TAIL}
示例：支出合计上年数 7885.44，各类上年数已填之和 7630.94，221 住房保障支出 上年数未填 → 提示：该格按合计推算应为 254.5；各类齐全且合计相符 → 正确。""",
)
EXP002 = Rule(
    code="EXP002", severity=Severity.ERROR, family=FAMILY,
    title="类与所属款之和不符",
    template=common.SUM_TEMPLATE,
    variants=common.SUM_VARIANTS,
    doc=f"""核对什么：列出了所属“款”（5 位编码，前 3 位为类编码）的“类”，其本年数、上年数是否等于所属各款之和；没有列出任何款的类不核对。
为什么：类是款的汇总，不符说明款漏列或类的金额填错。“其中”行不计入。
{_SUM_DOC_TAIL}
示例：204 公共安全支出 4711.87，其下 20402 公安 4700 → 错误，应为 4700；20402 公安 4711.87 → 正确。""",
)
EXP003 = Rule(
    code="EXP003", severity=Severity.ERROR, family=FAMILY,
    title="款与所属项之和不符",
    template=common.SUM_TEMPLATE,
    variants=common.SUM_VARIANTS,
    doc=f"""核对什么：列出了所属“项”（7 位编码，前 5 位为款编码）的“款”，其本年数、上年数是否等于所属各项之和；没有列出任何项的款不核对。
为什么：款是项的汇总，不符说明项漏列或款的金额填错。“其中”行不计入。
{_SUM_DOC_TAIL}
示例：20805 行政事业单位养老支出 300，其下 2080505 200 + 2080506 80 = 280 → 错误，应为 280；两项合计 300 → 正确。""",
)
EXP004 = Rule(
    code="EXP004", severity=Severity.WARNING, family=FAMILY,
    title="科目编码或名称与科目表不符",
    template="{where}：科目编码 {code} 在{year_text}支出功能分类科目表中的名称是“{expected_name}”，填报为“{stated_name}”；请核实编码与名称是否对应",
    variants=(
        ("unknown", "{where}：科目编码 {code} 不在{year_text}支出功能分类科目表中{hint}；请核实编码"),
        ("format", "{where}：科目编码“{code}”不是 3 位（类）、5 位（款）或 7 位（项）数字，无法确定科目级次，该行未参与上下级合计核对"),
        ("no_code", "{where}：未填科目编码，无法确定科目级次，该行未参与上下级合计核对；请填写科目编码"),
        ("retired", "{where}：科目编码 {code}（{expected_name}）是 {last} 年及以前使用的科目，{year_text}科目表已不再使用；请按现行科目填列"),
        ("not_yet", "{where}：科目编码 {code}（{expected_name}）自 {first} 年起设立，{year_text}科目表尚无此科目；请核实年度或编码"),
    ),
    doc="""核对什么：科目编码是否为 3/5/7 位数字、是否在本年度支出功能分类科目表中，科目名称是否与编码对应。名称比对不区分全角半角、空格和括号，也接受科目的曾用名（如 210 卫生健康支出 与 医疗卫生与计划生育支出、20805 行政事业单位养老支出 与 行政事业单位离退休）。
为什么：编码错了，类、款、项的汇总关系就会错位；科目表每年修订，旧科目需要按新科目填列。科目表为工具自带数据（reconcile/data/function_classes.csv），不完整之处可能误报，因此只作提示。
示例：“210 医疗卫生与计划生育支出” → 正确（曾用名）；“2040201 执法办案” → 提示，2040201 应为“行政运行”；2023 年填“2040204 治安管理” → 提示，该科目 2019 年起已不再使用。""",
)
EXP005 = Rule(
    code="EXP005", severity=Severity.ERROR, family=FAMILY,
    title="支出增减额计算错误",
    template=common.DELTA_TEMPLATE,
    doc="""核对什么：每行填报的增减额是否等于 本年数 − 上年数（减少为负数）。
为什么：增减额是报告中“增加/减少 X 万元”的依据，算错会写错方向或金额。
示例：208 社会保障和就业支出 本年数 603.16、上年数 496.52，增减额填 -10.32 → 错误，应为 106.64（增加）；填 106.64 → 正确。""",
)
EXP006 = Rule(
    code="EXP006", severity=Severity.ERROR, family=FAMILY,
    title="支出增减率计算错误",
    template=common.RATE_TEMPLATE,
    variants=(("truncated", common.RATE_TRUNCATED), ("zero_base", common.RATE_ZERO_BASE)),
    doc="""核对什么：每行填报的增减率是否等于 (本年数 − 上年数) ÷ 上年数 × 100，四舍五入保留两位小数（按填报人使用的精度也可）。
只差末位且是截尾而非四舍五入的列为信息；上年数为 0 时增减率没有意义，填了数值列为信息。
为什么：增减率是报告中“增加/减少 X%”的依据。
示例：208 社会保障和就业支出 603.16 / 496.52，增减率填 -2.08 → 错误，应为 21.48（增加）；填 21.48 → 正确。""",
)
EXP007 = Rule(
    code="EXP007", severity=Severity.WARNING, family=FAMILY,
    title="支出增减幅度较大未说明",
    template=common.BIG_TEMPLATE,
    variants=(("stated", common.BIG_STATED),),
    doc="""核对什么：增减率（按本年数、上年数重新计算）的绝对值达到 30%（可配置）及以上时，“说明”列是否写明原因。
为什么：大幅增减属于核实性问题，需要书面说明；写明后列为“已说明”。
示例：213 农林水支出 224.94 → 10，减少 95.55%，说明为空 → 提示；说明填“帮扶项目结束” → 已说明。""",
)
EXP008 = Rule(
    code="EXP008", severity=Severity.ERROR, family=FAMILY,
    title="基本支出与项目支出之和不等于本年数",
    template=common.SUM_TEMPLATE,
    doc="""核对什么：同一行基本支出、项目支出都已填写时，二者之和是否等于本年数（只填其一不核对）。
为什么：支出按性质只分基本支出和项目支出，二者之和必须等于该科目支出。
示例：本年数 603.16，基本支出 500 + 项目支出 100 = 600 → 错误；基本支出 503.16 + 项目支出 100 → 正确。""",
)


@check(EXP001, EXP002, EXP003, EXP004, EXP005, EXP006, EXP007, EXP008)
def expenditure_checks(model: WorkbookModel, ctx) -> Iterator[Finding]:
    amounts = ("code", "name", "cur", "prev")
    sheet_check = common.check_sheet(model, ctx, SHEET_KEY, {
        EXP001: amounts, EXP002: amounts, EXP003: amounts, EXP004: ("code", "name"),
        EXP005: (*amounts, "delta"), EXP006: (*amounts, "rate"), EXP007: amounts,
        EXP008: ("cur", "basic", "project"),
    }, total=(EXP001, model.expenditure_total, "“支出”表中没有“支出合计”行"))
    yield from sheet_check.notes
    if not sheet_check.runnable:
        return

    config = ctx.config
    unit, sheet = sheet_check.table.unit, sheet_check.table.sheet

    def part(r: ExpenditureRow, column: str) -> common.Part:
        return common.Part(r.label, getattr(r, column), where=common.where(sheet, r.row, r.label))

    def change_row(r: ExpenditureRow) -> common.ChangeRow:
        return common.ChangeRow(common.where(sheet, r.row, r.label), r.label, r.cur, r.prev, r.delta, r.rate,
                                common.noted(r.note))

    for code, column, row in sheet_check.candidates():
        frame = sheet_check.frame
        finding: Finding | None
        if code in ("EXP001", "EXP002", "EXP003"):
            if code == "EXP001":
                children = frame.rows_where(frame.cols["top"])
            else:
                children = frame.rows_where(frame.cols["parent"] == row.code_str)
            rule = {"EXP001": EXP001, "EXP002": EXP002, "EXP003": EXP003}[code]
            finding = common.sum_finding(
                rule, total=getattr(row, column), parts=[part(r, column) for r in children],
                column=COLUMN_LABELS[column], where_text=common.where(sheet, row.row, row.label), row_label=row.label,
                unit=unit, config=config, explanation=common.noted(row.note),
                blank_explanation=common.blank_note(children, column, row),
            )
        elif code == "EXP004":
            finding = _code_finding(row, model.year, sheet)
        elif code == "EXP005":
            finding = common.delta_finding(EXP005, change_row(row), unit, config)
        elif code == "EXP006":
            finding = common.rate_finding(EXP006, change_row(row), unit)
        elif code == "EXP007":
            finding = common.big_change_finding(EXP007, change_row(row), unit, config.change_rate_threshold)
        else:
            finding = common.sum_finding(
                EXP008, total=row.cur, parts=[common.Part("基本支出", row.basic), common.Part("项目支出", row.project)],
                column="本年数", where_text=common.where(sheet, row.row, row.label), row_label=row.label,
                unit=unit, config=config, explanation=common.noted(row.note), parts_are_rows=False,
            )
        if finding is not None:
            yield finding



def _code_finding(row: ExpenditureRow, year: int | None, sheet: str) -> Finding | None:
    from reconcile.reference.function_classes import CODE_PATTERN, catalogue

    cat = catalogue()
    code, name = row.code_str, row.name.value or ""
    params = dict(where=common.where(sheet, row.row, row.label), code=code,
                  year_text=f"{year}年" if year else "现行", explanation=common.noted(row.note), row_label=row.label)
    if not code:
        return EXP004.at(row.name, variant="no_code", expected=None, actual=None, **params)
    if not re.fullmatch(CODE_PATTERN, code):
        return EXP004.at(row.code, variant="format", expected=None, actual=code, **params)
    entry = cat.listed(code)
    if entry is not None and not entry.in_use(year):
        if entry.valid_to is not None and (year is None or year > entry.valid_to):
            return EXP004.at(row.code, variant="retired", expected=None, actual=code, expected_name=entry.name,
                             last=entry.valid_to, **params)
        return EXP004.at(row.code, variant="not_yet", expected=None, actual=code, expected_name=entry.name,
                         first=entry.valid_from, **params)
    if (cat.accepts(code, name) if name else cat.get(code) is not None):
        return None
    if entry is None:
        parent = cat.parent(code)
        hint = f"（上级科目 {parent.code} {parent.name} 下没有此编码）" if parent is not None else ""
        return EXP004.at(row.code, variant="unknown", expected=None, actual=code, hint=hint, **params)
    return EXP004.at(row.name, expected=entry.name, actual=name, expected_name=entry.name, stated_name=name, **params)
