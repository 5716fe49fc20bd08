"""Cross-sheet rules (XS001–XS002): 收入合计 against 支出合计, and 预算执行's 全年执行数
against 支出合计 本年数. Both are 核实性 (warnings): different bases (预算 vs 决算, 上年结转)
are legitimate when explained in 说明.
"""

from __future__ import annotations

from collections.abc import Iterator

from reconcile.findings import Finding, Severity
from reconcile.model import WorkbookModel
from reconcile.rules import _common as common
from reconcile.rules.arith import Shown
from reconcile.rules.catalogue import Rule, check

FAMILY = "跨表"
COLUMN_LABELS = {"cur": "本年数", "prev": "上年数"}

XS001 = Rule(
    code="XS001", severity=Severity.WARNING, family=FAMILY,
    title="收入合计与支出合计不一致",
    template="{where}：{column} {income} 与 {other} {column} {expenditure} 不一致，相差 {gap}；{tail}",
    doc="""核对什么：收入表“收入合计”与支出表“支出合计”的本年数、上年数是否相等。
为什么：部门整体收支通常应当平衡；口径不同（如收入按预算数、支出按决算数，或支出含上年结转）时需要写明，写在任一合计行的“说明”列即列为“已说明”。
示例：2022 年收入 6963.7、支出 7885.44，说明为空 → 提示；2023 年收支均为 6202.69 → 正确。""",
)
XS002 = Rule(
    code="XS002", severity=Severity.WARNING, family=FAMILY,
    title="预算执行数与支出合计不一致",
    template="{where}：全年执行数 {executed} 与 {other} 本年数 {expenditure} 不一致，相差 {gap}；{tail}",
    doc="""核对什么：预算执行表“年度资金总额”的全年执行数是否等于支出表“支出合计”的本年数。
为什么：两张表描述同一笔钱，不一致时要么有一处填错，要么口径不同需要说明（写在任一行的“说明”列即列为“已说明”）。
示例：全年执行数 6202.69、支出合计 6202.69 → 正确；全年执行数 6000 → 提示。""",
)


@check(XS001, XS002)
def cross_sheet_checks(model: WorkbookModel, ctx) -> Iterator[Finding]:
    from reconcile.schemas import cross as schema

    t = schema.totals(model)
    if t.income is None or t.expenditure is None:
        missing = "“收入”表没有“收入合计”行" if t.income is None else "“支出”表没有“支出合计”行"
        yield XS001.cannot_run(missing)
    if t.budget is None or t.expenditure is None:
        missing = ("工作簿中没有“预算执行”表" if "budget" not in model.tables
                   else "“预算执行”表没有“年度资金总额”行" if t.budget is None else "“支出”表没有“支出合计”行")
        yield XS002.cannot_run(missing)
    unit = schema.coarser_unit(model, "income", "expenditure", "budget")
    frame, failed = schema.validate_totals(model, ctx.config, unit)
    config = ctx.config
    exp = t.expenditure
    for name, _ in failed:
        code, _, column = name.partition(":")
        shown = Shown(unit)
        if code == "XS001":
            inc_cell, exp_cell = getattr(t.income, column), getattr(exp, column)
            if common.consistent(inc_cell, exp_cell, config, unit):
                continue
            note = common.noted(t.income.note) or common.noted(exp.note)
            yield XS001.at(inc_cell, row_label=t.income.name, expected=shown.raw(exp_cell.value),
                           actual=shown.raw(inc_cell.value), explanation=note,
                           where=common.where(inc_cell.sheet, t.income.row, t.income.name), column=COLUMN_LABELS[column],
                           income=shown.stated(inc_cell), other=common.where(exp_cell.sheet, exp.row, exp.label),
                           expenditure=shown.stated(exp_cell), gap=shown.amount(abs(inc_cell.value - exp_cell.value)),
                           tail=common.tail(note) if note else "如属口径不同，请在“说明”列写明")
        else:
            bud = t.budget
            if common.consistent(bud.executed, exp.cur, config, unit):
                continue
            note = common.noted(bud.note) or common.noted(exp.note)
            yield XS002.at(bud.executed, row_label=bud.label, expected=shown.raw(exp.cur.value),
                           actual=shown.raw(bud.executed.value), explanation=note,
                           where=common.where(bud.executed.sheet, bud.row, bud.label),
                           executed=shown.stated(bud.executed), other=common.where(exp.cur.sheet, exp.row, exp.label),
                           expenditure=shown.stated(exp.cur), gap=shown.amount(abs(bud.executed.value - exp.cur.value)),
                           tail=common.tail(note) if note else "请核实，或在“说明”列写明原因")
