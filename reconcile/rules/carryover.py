"""Carry-over rule (CAR001): 年末结转结余 = 年初结转结余 + 本年收入 − 本年支出, row by row.

The check runs as one pandera validation of the 结转结余 sheet
(:mod:`reconcile.schemas.carryover`); each failing row is confirmed in Decimal here.
"""

from __future__ import annotations

from collections.abc import Iterator

from reconcile.findings import Finding, Severity
from reconcile.model import WorkbookModel
from reconcile.rules import _common as common
from reconcile.rules.catalogue import Rule, check

FAMILY = "结转结余"
SHEET_KEY = "carryover"

CAR001 = Rule(
    code="CAR001", severity=Severity.ERROR, family=FAMILY,
    title="年末结转结余计算错误",
    template=common.SUM_TEMPLATE,
    variants=common.SUM_VARIANTS,
    doc="""核对什么：每行（含合计行）年末结转结余是否等于 年初结转结余 + 本年收入 − 本年支出。
为什么：这是结转结余的基本平衡关系，不符说明某一项填错或漏填。
容差：0.01（按表内金额单位）加每个相加项 0.005。某项未填而年末数已填时，列为提示，指出未填的单元格和推算数值。
示例：年初 5、本年收入 6202.69、本年支出 6196.96，年末填 10.73 → 正确；年末填 107335.48（元）而表头单位为万元 → 错误。""",
)


@check(CAR001)
def carryover_checks(model: WorkbookModel, ctx) -> Iterator[Finding]:
    sheet_check = common.check_sheet(model, ctx, SHEET_KEY, {CAR001: ("opening", "income", "expense", "closing")})
    yield from sheet_check.notes
    if not sheet_check.runnable:
        return

    table = sheet_check.table
    for _, _, row in sheet_check.candidates():
        label = row.label or ("合计" if row.is_total else "")
        here = common.where(table.sheet, row.row, label)
        finding = common.sum_finding(
            CAR001, total=row.closing, column="年末结转结余",
            parts=[common.Part("年初结转结余", row.opening), common.Part("本年收入", row.income),
                   common.Part("本年支出", row.expense, sign=-1)],
            where_text=here, row_label=label, unit=table.unit, config=ctx.config,
            explanation=common.noted(row.note), parts_are_rows=False,
        )
        if finding is not None:
            yield finding
