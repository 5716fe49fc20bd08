"""Income rules (INC): 收入合计 against its sources, stated 增减额 / 增减率, large changes.

The checks run as one pandera validation of the 收入 sheet
(:mod:`reconcile.schemas.income`); each failing row is confirmed in Decimal here.
"""

from __future__ import annotations

from collections.abc import Iterator

from reconcile.findings import Finding, Severity
from reconcile.model import IncomeRow, WorkbookModel
from reconcile.rules import _common as common
from reconcile.rules.catalogue import Rule, check

FAMILY = "收入"
SHEET_KEY = "income"
COLUMN_LABELS = {"cur": "本年数", "prev": "上年数"}

INC001 = Rule(
    code="INC001", severity=Severity.ERROR, family=FAMILY,
    title="收入合计与各项收入之和不符",
    template=common.SUM_TEMPLATE,
    variants=common.SUM_VARIANTS,
    doc="""核对什么：“收入合计”行的本年数、上年数是否等于其下各资金来源行之和（“其中”行不重复相加）。
为什么：合计与明细不符，说明有来源漏填、重复或合计算错，报告中的收入总额无法采信。
容差：0.01（按表内金额单位）加每个相加项 0.005 的四舍五入误差。某个来源未填而合计已填时，列为提示，指出未填的单元格和按合计推算的数值。
示例：收入合计 6202.69，一般公共预算财政拨款 5716.49 + 政府性基金预算财政拨款 476.2 = 6192.69 → 错误，应为 6192.69，相差 10；两项为 5716.49 和 486.2 → 正确。""",
)
INC002 = Rule(
    code="INC002", severity=Severity.ERROR, family=FAMILY,
    title="收入增减额计算错误",
    template=common.DELTA_TEMPLATE,
    doc="""核对什么：每行填报的增减额是否等于 本年数 − 上年数（减少为负数）。
为什么：增减额是报告中“增加/减少 X 万元”的依据，算错会直接写错方向或金额。
示例：本年数 6202.69、上年数 6963.7，增减额填 761.01 → 错误，应为 -761.01（减少）；填 -761.01 → 正确。""",
)
INC003 = Rule(
    code="INC003", severity=Severity.ERROR, family=FAMILY,
    title="收入增减率计算错误",
    template=common.RATE_TEMPLATE,
    variants=(("truncated", common.RATE_TRUNCATED), ("zero_base", common.RATE_ZERO_BASE)),
    doc="""核对什么：每行填报的增减率是否等于 (本年数 − 上年数) ÷ 上年数 × 100，四舍五入保留两位小数（按填报人使用的精度也可，如 31.39 写作 31.4）。
为什么：增减率是报告中“增加/减少 X%”的依据。
只差末位且是截尾而非四舍五入（如 95.4572 写作 95.45）列为信息；上年数为 0 时增减率没有意义，填了数值列为信息。
示例：本年数 6202.69、上年数 6963.7，增减率填 -10.92 → 错误，应为 -10.93；填 -10.93 或 -10.93% → 正确。""",
)
INC004 = Rule(
    code="INC004", severity=Severity.WARNING, family=FAMILY,
    title="收入增减幅度较大未说明",
    template=common.BIG_TEMPLATE,
    variants=(("stated", common.BIG_STATED),),
    doc="""核对什么：增减率（按本年数、上年数重新计算）的绝对值达到 30%（可配置）及以上时，“说明”列是否写明原因。
为什么：大幅增减属于核实性问题，需要书面说明；写明后列为“已说明”。
示例：政府性基金预算财政拨款 199.16 → 486.2，增加 144.13%，说明为空 → 提示；说明填“新增天网项目资金” → 已说明。""",
)


def _change_row(model: WorkbookModel, row: IncomeRow) -> common.ChangeRow:
    sheet = model.tables[SHEET_KEY].sheet
    return common.ChangeRow(common.where(sheet, row.row, row.name), row.name, row.cur, row.prev,
                            row.delta, row.rate, common.noted(row.note))


@check(INC001, INC002, INC003, INC004)
def income_checks(model: WorkbookModel, ctx) -> Iterator[Finding]:
    needs = {INC001: ("label", "cur", "prev"), INC002: ("label", "cur", "prev", "delta"),
             INC003: ("label", "cur", "prev", "rate"), INC004: ("label", "cur", "prev")}
    sheet_check = common.check_sheet(model, ctx, SHEET_KEY, needs,
                                     total=(INC001, model.income_total, "“收入”表中没有“收入合计”行"))
    yield from sheet_check.notes
    if not sheet_check.runnable:
        return

    config = ctx.config
    unit = sheet_check.table.unit
    sources = [r for r in model.income if not r.is_total and not r.is_sub]
    for code, column, row in sheet_check.candidates():
        if code == "INC001":
            sheet = sheet_check.table.sheet
            label = COLUMN_LABELS[column]
            finding = common.sum_finding(
                INC001, total=getattr(row, column), column=label,
                parts=[common.Part(r.name, getattr(r, column), where=common.where(sheet, r.row, r.name)) for r in sources],
                where_text=common.where(sheet, row.row, row.name), row_label=row.name,
                unit=unit, config=config, explanation=common.noted(row.note),
                blank_explanation=common.blank_note(sources, column, row),
            )
        elif code == "INC002":
            finding = common.delta_finding(INC002, _change_row(model, row), unit, config)
        elif code == "INC003":
            finding = common.rate_finding(INC003, _change_row(model, row), unit)
        else:
            finding = common.big_change_finding(INC004, _change_row(model, row), unit, config.change_rate_threshold)
        if finding is not None:
            yield finding

