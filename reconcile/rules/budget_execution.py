"""Budget-execution rules (BUD): 执行率, 执行率得分, low execution, 年度资金总额 = Σ 其中.

The checks run as one pandera validation of the 预算执行 sheet
(:mod:`reconcile.schemas.budget`); each failing row is confirmed in Decimal here.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from reconcile.findings import Finding, Severity
from reconcile.model import BudgetRow, WorkbookModel
from reconcile.numbers import HUNDRED, format_rate, round_half_up
from reconcile.rules import _common as common
from reconcile.rules.arith import RateCheck, Shown, compare_rate, plain
from reconcile.rules.catalogue import Rule, check

FAMILY = "预算执行"
SHEET_KEY = "budget"
COLUMN_LABELS = {"initial": "年初预算数", "full": "全年预算数", "executed": "全年执行数"}

BUD001 = Rule(
    code="BUD001", severity=Severity.ERROR, family=FAMILY,
    title="执行率计算错误",
    template="{where}：执行率填报为 {stated}%，按 全年执行数 {executed} ÷ 全年预算数 {full} × 100 应为 {expected_text}%（四舍五入保留两位小数）",
    variants=(
        ("truncated", "{where}：执行率填报为 {stated}%，按 全年执行数 {executed} ÷ 全年预算数 {full} × 100 = {exact}%，"
                      "四舍五入应为 {expected_text}%；填报值是截尾取数，仅末位不同"),
        ("zero_base", "{where}：全年预算数为 0，执行率无法计算（没有意义），但填报了 {stated}%；请核实全年预算数"),
    ),
    doc="""核对什么：每行填报的执行率是否等于 全年执行数 ÷ 全年预算数 × 100，四舍五入保留两位小数（按填报人使用的精度也可）。
只差末位且是截尾的列为信息；全年预算数为 0 时执行率没有意义，填了数值列为信息。
为什么：执行率决定预算执行得分，也是报告中“预算执行率 X%”的依据。
示例：全年预算数 6202.69、全年执行数 5921.5，执行率填 95.5 → 错误，应为 95.47；填 95.47 → 正确。""",
)
BUD002 = Rule(
    code="BUD002", severity=Severity.ERROR, family=FAMILY,
    title="执行率得分计算错误",
    template="{where}：得分填报为 {stated}，按 min(执行率 {rate}%, 100%) × 分值 {weight} 应为 {expected_text}（四舍五入保留两位小数）",
    variants=(
        ("truncated", "{where}：得分填报为 {stated}，按 min(执行率 {rate}%, 100%) × 分值 {weight} = {exact}，"
                      "四舍五入应为 {expected_text}；填报值是截尾取数，仅末位不同"),
    ),
    doc="""核对什么：填了分值的行，得分是否等于 执行率 × 分值（执行率超过 100% 按 100% 计），四舍五入保留两位小数；按重新计算的执行率或按填报且正确的执行率计算均可。
为什么：预算执行得分计入自评总分，算错会使总分和评价等级失真。
示例：执行率 76%、分值 10，得分填 8 → 错误，应为 7.6；执行率 105%、分值 10，得分 10 → 正确。""",
)
BUD003 = Rule(
    code="BUD003", severity=Severity.WARNING, family=FAMILY,
    title="执行率低于 90% 未说明",
    template="{where}：执行率 {rate}%{how}低于 {threshold}%，{tail}",
    doc="""核对什么：年度资金总额（及不属于“其中”的行）的执行率低于 90%（可配置）时，“说明”列是否写明原因。执行率按全年执行数 ÷ 全年预算数重新计算，缺少金额时用填报值。
为什么：四川省自评表要求执行率低于 90% 必须说明原因；写明后列为“已说明”。
示例：执行率 61.84%，说明为空 → 提示；说明填“智能化项目按合同分期支付” → 已说明。""",
)
BUD004 = Rule(
    code="BUD004", severity=Severity.ERROR, family=FAMILY,
    title="年度资金总额与其中各项之和不符",
    template=common.SUM_TEMPLATE,
    variants=common.SUM_VARIANTS,
    doc="""核对什么：“年度资金总额”行的年初预算数、全年预算数、全年执行数是否等于其下“其中”各行（财政拨款、上年结转、其他资金等）之和。
为什么：总额与明细不符，执行率和得分就建立在错误的数字上（公开的自评表中就有总额为 0 而财政拨款为 90 的实例）。
容差：0.01（按表内金额单位）加每个相加项 0.005。某项未填而总额已填时，列为提示，指出未填的单元格和推算数值。
示例：年度资金总额全年预算数 0，其中财政拨款 90 → 错误，应为 90；总额 90、财政拨款 90 → 正确。""",
)


@check(BUD001, BUD002, BUD003, BUD004)
def budget_checks(model: WorkbookModel, ctx) -> Iterator[Finding]:
    total = next((r for r in model.budget if r.is_total), None)
    sheet_check = common.check_sheet(model, ctx, SHEET_KEY, {
        BUD001: ("source", "full", "executed", "rate"),
        BUD002: ("source", "full", "executed", "weight", "score"),
        BUD003: ("source", "full", "executed"),
        BUD004: ("source", "initial", "full", "executed"),
    }, total=(BUD004, total, "“预算执行”表中没有“年度资金总额”行"))
    yield from sheet_check.notes
    if not sheet_check.runnable:
        return

    config = ctx.config
    unit, sheet = sheet_check.table.unit, sheet_check.table.sheet
    subs = [r for r in model.budget if r.is_sub and not r.is_total]
    for code, column, row in sheet_check.candidates():
        here = common.where(sheet, row.row, row.label)
        finding: Finding | None
        if code == "BUD001":
            finding = _rate_finding(row, here, unit)
        elif code == "BUD002":
            finding = _score_finding(row, here)
        elif code == "BUD003":
            finding = _low_finding(row, here, unit, config.execution_rate_threshold)
        else:
            finding = common.sum_finding(
                BUD004, total=getattr(row, column), column=COLUMN_LABELS[column],
                parts=[common.Part(r.label, getattr(r, column), where=common.where(sheet, r.row, r.label)) for r in subs],
                where_text=here, row_label=row.label, unit=unit, config=config, explanation=common.noted(row.note),
            )
        if finding is not None:
            yield finding


def _execution_rate(row: BudgetRow) -> Decimal | None:
    """全年执行数 ÷ 全年预算数 × 100, unrounded; None when not computable."""
    if common.usable(row.executed, row.full) and row.full.value != 0:
        return row.executed.value / row.full.value * HUNDRED
    return None


def _rate_finding(row: BudgetRow, here: str, unit: str) -> Finding | None:
    if not common.usable(row.rate, row.executed, row.full):
        return None
    shown = Shown(unit)
    zero = row.full.value == 0
    if zero and row.executed.value == 0 and row.rate.value == 0:
        return None
    return common.stated_rate_finding(BUD001, row.rate, _execution_rate(row), zero_base=zero, row_label=row.label,
                                      explanation=common.noted(row.note), where=here,
                                      executed=shown.stated(row.executed), full=shown.stated(row.full))


def _score_finding(row: BudgetRow, here: str) -> Finding | None:
    if not common.usable(row.score, row.weight):
        return None
    exact = _execution_rate(row)
    stated_rate = row.rate.value if common.usable(row.rate) else None
    rate = exact if exact is not None else (stated_rate if not common.usable(row.executed, row.full) else None)
    if rate is None:
        return None
    expected = min(rate, HUNDRED) * row.weight.value / HUNDRED
    verdict = compare_rate(row.score.value, expected, row.score.decimals)
    if verdict is RateCheck.OK:
        return None
    if stated_rate is not None and stated_rate != rate:
        by_stated = min(stated_rate, HUNDRED) * row.weight.value / HUNDRED
        if compare_rate(stated_rate, rate, row.rate.decimals) is RateCheck.OK and \
                compare_rate(row.score.value, by_stated, row.score.decimals) is RateCheck.OK:
            return None  # computed from the stated (correctly rounded) 执行率
    rounded = round_half_up(expected, 2)
    params = dict(where=here, stated=plain(row.score.value), rate=format_rate(rate), weight=plain(row.weight.value),
                  expected_text=plain(rounded))
    if verdict is RateCheck.TRUNCATED:
        return BUD002.at(row.score, variant="truncated", severity=Severity.INFO, row_label=row.label,
                         expected=rounded, actual=row.score.value, explanation=common.noted(row.note),
                         exact=plain(round_half_up(expected, 4)), **params)
    return BUD002.at(row.score, row_label=row.label, expected=rounded, actual=row.score.value,
                     explanation=common.noted(row.note), **params)


def _low_finding(row: BudgetRow, here: str, unit: str, threshold: Decimal) -> Finding | None:
    exact = _execution_rate(row)
    shown = Shown(unit)
    if exact is not None:
        rate = round_half_up(exact, 2)
        how = f"（全年执行数 {shown.stated(row.executed)} ÷ 全年预算数 {shown.stated(row.full)} × 100）"
    elif common.usable(row.rate) and not common.usable(row.executed, row.full):
        rate, how = row.rate.value, "（填报值）"
    else:
        return None
    if rate >= threshold:
        return None
    note = common.noted(row.note)
    cell = row.rate if common.usable(row.rate) else row.executed
    return BUD003.at(cell, row_label=row.label, expected=None, actual=rate, explanation=note, where=here,
                     rate=format_rate(rate), how=how, threshold=plain(threshold), tail=common.tail(note))
