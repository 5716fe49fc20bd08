"""Indicator-table rules on weights, scores and completion (IND003–IND006, IND010, IND011)
and the total self-evaluation score (XS003).

Scores are recomputed by the scoring rules of domain.md §4.7 under the profile chosen in
the configuration (:mod:`reconcile.indicators.scoring`).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from reconcile.findings import Finding, Severity
from reconcile.indicators.names import level_key
from reconcile.indicators.rows import (
    QUAL,
    RowReading,
    cannot_check,
    first_where,
    group_members,
    indicator_rows,
    is_group_row,
    read_row,
    sane,
    show,
)
from reconcile.indicators.scoring import qualitative_band, quantitative_score
from reconcile.indicators.values import ACHIEVED
from reconcile.cells import a1
from reconcile.model import BudgetRow, Num, WorkbookModel, Where
from reconcile.numbers import HUNDRED
from reconcile.reference.grades import grade_for
from reconcile.rules.arith import RateCheck, amounts_match, compare_rate
from reconcile.rules.catalogue import Rule, check

FAMILY = "绩效指标"
SHEET_KEY = "indicators"
ZERO = Decimal(0)

IND003 = Rule(
    code="IND003", severity=Severity.ERROR, family=FAMILY,
    title="分值合计不等于 100",
    template="{sheet} {cell}：{stated}；{requirement}",
    doc="""核对什么：各三级指标分值之和加上预算执行分值是否等于 100 分；按全国通用评分方案（默认）还核对产出、效益、满意度
三个一级指标的分值是否为 50、30、10 分（提示级，仅当表中恰好是这三个一级指标时）；按四川评分方案（profile = "sichuan"）
绩效指标共 90 分，各一级指标自由分配。预算执行表未填分值时按评分方案的 10 分计，并在消息中说明。
分值全部未填时只给出一条信息“未填分值，无法核对得分”，不逐行报错。
为什么：分值合计不是 100，总分和评级就没有可比性。
示例：指标分值合计 88 分 + 预算执行 10 分 = 98 分 → 错误；合计 90 + 10 = 100 → 正确。""",
)
IND004 = Rule(
    code="IND004", severity=Severity.ERROR, family=FAMILY,
    title="得分超出 0 至分值的范围",
    template="{sheet} {cell}（{item}）：得分填报为 {score} 分，{problem}；得分应在 0 至分值 {weight} 分之间",
    doc="""核对什么：每个指标的得分是否在 0 与该指标分值之间。
为什么：得分超过分值或为负数，总分必然失真（“得分最高不能超过该指标分值上限”）。
示例：分值 10、得分 12 → 错误；分值 10、得分 9.5 → 正确。""",
)
IND005 = Rule(
    code="IND005", severity=Severity.WARNING, family=FAMILY,
    title="得分与评分规则不符",
    template="{sheet} {cell}（{item}）：得分填报为 {stated} 分，{direction}按评分规则计算的 {computed} 分（{how}）{tail}",
    doc="""核对什么：按指标性质、年度指标值、实际完成值和分值重新计算得分，与填报的得分比较。
正向（≥）：完成值达到目标得满分，否则得 完成值 ÷ 目标值 × 分值；反向（≤）：不超过目标得满分，超过时线性递减，
达到目标 2 倍时为 0（配置 reverse_formula = "ratio" 时为 目标值 ÷ 完成值 × 分值）；等于（=）：目标为 0 时完成值不大于 0 得满分，
否则同正向；完成值为负按 0 计；得分不超过分值；四舍五入保留两位小数。定性指标按完成情况分档：达成 80%～100%、
部分达成 60%～80%、未达成 0～60% 的分值（档位和“优良中低差”的对应关系可在配置中调整）。
指标性质未填而年度指标值是数字时按“≥”计，消息中会注明。
填报得分高于计算结果为提示（自评偏高）；低于计算结果且未填偏差原因为信息，填写了偏差原因则不报告。
年度指标值与实际完成值单位不一致时不比较（见 IND010）。
为什么：自评得分应能由评分规则复现，偏高的自评得分会抬高总分和评级。
示例：“≥”、目标 99 台、完成 95 台、分值 10、得分 10 → 提示（应为 95 ÷ 99 × 10 = 9.6 分）；得分 9.6 → 正确。""",
)
IND006 = Rule(
    code="IND006", severity=Severity.WARNING, family=FAMILY,
    title="未完成或大幅超额却未说明偏差原因",
    template="{sheet} {cell}（{item}）：{situation}，但“偏差原因分析及改进措施”未填写；请说明原因{note}",
    doc="""核对什么：实际完成值未达到年度指标值（≥ 指标低于目标、≤ 指标高于目标、= 指标不相等、定性指标部分达成或未达成），
或超过目标 30% 及以上（完成值 ≥ 目标 × 1.3；目标为 0 时完成值 ≥ 30；比例可配置），而偏差原因分析及改进措施为空。
指标性质未填而年度指标值是数字时按“≥”计，消息中会注明。
为什么：未完成要说明原因和改进措施；大幅超额通常说明目标定得过低，也应说明。
示例：目标“≥95%”、完成“90%”、偏差原因为空 → 提示；填写了原因 → 不报告。""",
)
IND010 = Rule(
    code="IND010", severity=Severity.WARNING, family=FAMILY,
    title="指标值与完成值单位不一致",
    template="{sheet} {cell}（{item}）：年度指标值“{target}”的单位是“{target_unit}”，实际完成值“{actual_text}”的单位是“{actual_unit}”，单位不一致，无法判断完成情况和复核得分；请统一单位",
    doc="""核对什么：年度指标值与实际完成值写出的单位是否一致（文字中没写单位的，以度量单位列为准；万元与元、万人与人等自动换算）。
为什么：单位不同的两个数字不能直接比较，本工具不会在单位不一致时硬算完成率或得分。
示例：年度指标值“99 台”、实际完成值“100%” → 提示；“25.248 万元”与“252480 元” → 一致。""",
)
IND011 = Rule(
    code="IND011", severity=Severity.ERROR, family=FAMILY,
    title="合计行与各指标之和不符",
    template="{sheet} {cell}：{what}的{column}填报为 {stated} 分，{scope}各三级指标{column}之和为 {computed} 分",
    doc="""核对什么：绩效指标表下方合计（总分）行的分值、得分是否等于各三级指标分值、得分之和；只填一级、二级指标名称和分值的
小计行（如“产出指标 | | | 50”）是否等于其下各三级指标之和（小计行本身不计入合计）。
为什么：合计行、小计行常被手工填写，与明细不一致时总分不可信。
示例：各指标分值之和 90、合计行写 100 → 错误；“产出指标”行分值 50，其下三级指标分值之和 45 → 错误。""",
)
XS003 = Rule(
    code="XS003", severity=Severity.ERROR, family="跨表",
    title="自评得分与各项得分之和不符",
    template="{sheet} {cell}：自评得分填报为 {stated} 分（{stated_grade}），按 预算执行得分 {budget} 分 + 绩效指标得分合计 {indicators} 分{note} 计算应为 {computed} 分（{grade}）",
    doc="""核对什么：基本情况表的自评得分是否等于预算执行表的得分加上绩效指标表全部得分之和；评级按总分确定：
90 分及以上为优，80（含）～90 分为良，60（含）～80 分为中，60 分以下为差。
为什么：自评得分和评级写入自评报告和汇总表，必须能由两张表的得分复现。
示例：预算执行得分 9.6 + 指标得分 85 = 94.6，基本情况写 95 → 错误；写 94.6 → 正确（优）。""",
)


def _table(model: WorkbookModel):
    return model.tables.get(SHEET_KEY)


def _weight(row) -> Decimal | None:
    return row.weight.value if row.weight is not None else None


def _score(row) -> Decimal | None:
    return row.score.value if row.score is not None else None


def _budget_total(model: WorkbookModel) -> BudgetRow | None:
    """The 年度资金总额 row of 预算执行 (or the first row with a weight or score)."""
    total = next((r for r in model.budget if r.is_total), None)
    if total is not None:
        return total
    return next((r for r in model.budget if (r.weight is not None and r.weight.present)
                 or (r.score is not None and r.score.present)), None)


def _scores_match(stated: Decimal, expected: Decimal, stated_decimals: int | None) -> bool:
    """A stated score matches when it equals the computed one rounded to the precision
    the department used (9.6 for 9.63; 10 for 9.5), as for percentages (SPEC §3)."""
    return compare_rate(stated, expected, stated_decimals) is not RateCheck.WRONG


# ----------------------------------------------------------------- IND003 / IND011


@check(IND003, IND011)
def weights_total(model: WorkbookModel, ctx) -> Iterator[Finding]:
    note = cannot_check(model, IND003, "weight")
    if note is not None:
        yield note
        return
    table = _table(model)
    items = indicator_rows(model)
    rows = [r for r in items if r.weight is not None]
    weighted = [r for r in rows if r.weight.present]
    total_weight = table.total.get("weight")
    total_score = table.total.get("score")
    if not weighted and (total_weight is None or not total_weight.present):
        header = Where(table.sheet, a1(table.header_rows[-1] - 1, table.columns["weight"]))
        yield IND003.at(header, severity=Severity.INFO, stated="各三级指标均未填写分值",
                        requirement="未填分值，无法核对得分（分值合计、得分上限、按评分规则复核得分均未进行）")
        return
    indicator_sum = sum((r.weight.value for r in weighted), ZERO)
    scored = [r for r in items if r.score is not None and r.score.present]
    score_sum = sum((r.score.value for r in scored), ZERO)
    for column, total, computed, n in (("分值", total_weight, indicator_sum, len(weighted)),
                                       ("得分", total_score, score_sum, len(scored))):
        if total is not None and total.present and n and not amounts_match(total.value, computed, ctx.config, "万元"):
            yield IND011.at(total, row_label="合计", what="合计行", scope="", column=column, stated=show(total.value),
                            computed=show(computed), expected=computed, actual=total.value)
    yield from _group_subtotals(model, ctx)

    profile = ctx.config.scoring_profile
    budget = _budget_total(model)
    budget_weight = budget.weight.value if budget is not None and budget.weight is not None and budget.weight.present else None
    budget_note = ""
    if budget_weight is None:
        budget_weight = profile.budget_weight
        budget_note = "（预算执行表未填分值，按评分方案计）"
    grand = indicator_sum + budget_weight
    anchor = total_weight if total_weight is not None and total_weight.present else weighted[0].weight
    if grand != profile.total:
        blanks = len(rows) - len(weighted)
        blank_note = f"，另有 {blanks} 个指标未填分值" if blanks else ""
        yield IND003.at(anchor, row_label="分值合计",
                        stated=f"各三级指标分值合计 {show(indicator_sum)} 分 + 预算执行分值 {show(budget_weight)} 分{budget_note}"
                               f" = {show(grand)} 分{blank_note}",
                        requirement=f"应为 {show(profile.total)} 分（{profile.title}）",
                        expected=profile.total, actual=grand)
        return
    if profile.level1_weights is None or len(weighted) != len(rows):
        return
    sums: dict[str, Decimal] = {}
    firsts: dict[str, Num] = {}
    for r in weighted:
        key = level_key(r.level1.value)
        sums[key] = sums.get(key, ZERO) + r.weight.value
        firsts.setdefault(key, r.weight)
    fixed = dict(profile.level1_weights)
    if set(sums) != set(fixed):
        return
    for key, want in profile.level1_weights:
        if sums[key] != want:
            yield IND003.at(firsts[key], row_label=f"{key}指标", severity=Severity.WARNING,
                            stated=f"一级指标“{key}指标”下各三级指标分值合计 {show(sums[key])} 分",
                            requirement=f"{profile.title}规定为 {show(want)} 分；如按本地评分方案分配，请在配置中选用相应方案",
                            expected=want, actual=sums[key])


def _group_subtotals(model: WorkbookModel, ctx) -> Iterator[Finding]:
    for group in model.indicators:
        if not is_group_row(group):
            continue
        members = group_members(model, group)
        name = (group.level2.value if not group.level2.blank and group.level2.origin is None else group.level1.value) or ""
        for column, cell in (("分值", group.weight), ("得分", group.score)):
            if cell is None or not cell.present or not members:
                continue
            values = [getattr(r, "weight" if column == "分值" else "score") for r in members]
            present = [v.value for v in values if v is not None and v.present]
            if not present:
                continue
            computed = sum(present, ZERO)
            if not amounts_match(cell.value, computed, ctx.config, "万元"):
                yield IND011.at(cell, row_label=name, what=f"“{name}”行", scope="其下", column=column,
                                stated=show(cell.value), computed=show(computed), expected=computed, actual=cell.value)


# ----------------------------------------------------------------- IND004 / IND005


def _how(r: RowReading, weight: Decimal, expected: Decimal, reverse: str) -> str:
    t, a = r.target_q, r.actual_q
    assert t is not None and a is not None
    head = f"指标性质“{r.op_symbol}”" if not r.op_note else r.op_note
    values = f"年度指标值“{r.row.target.value}”、实际完成值“{r.row.actual.value}”、分值 {show(weight)}"
    actual = max(a.value, ZERO)
    clamp = "（完成值为负，按 0 计）" if a.value < 0 else ""
    if r.op in (">=", "=") and not (r.op == "=" and t.value == 0):
        rule = (f"已达到目标，得满分" if t.value <= 0 or actual >= t.value
                else f"得分 = {show(actual)} ÷ {show(t.value)} × {show(weight)} = {show(expected)}")
    elif r.op == "=":
        rule = "目标为 0，完成值不大于 0 得满分，否则为 0"
    elif actual <= t.value:
        rule = "未超过目标，得满分"
    elif reverse == "ratio":
        rule = f"得分 = {show(t.value)} ÷ {show(actual)} × {show(weight)} = {show(expected)}"
    elif actual >= 2 * t.value:
        rule = "完成值达到目标的 2 倍及以上，得 0 分"
    else:
        rule = f"得分 = (1 − ({show(actual)} − {show(t.value)}) ÷ {show(t.value)}) × {show(weight)} = {show(expected)}"
    return f"{head}，{values}{clamp}：{rule}"


@check(IND004, IND005)
def scores(model: WorkbookModel, ctx) -> Iterator[Finding]:
    notes = [n for rule in (IND004, IND005) if (n := cannot_check(model, rule, "weight", "score")) is not None]
    if notes:
        yield from notes
        return
    config = ctx.config
    for row in indicator_rows(model):
        weight, score = _weight(row), _score(row)
        if not sane(weight, score):
            continue
        r = read_row(row)
        if score < 0 or score > weight:
            yield IND004.at(row.score, row_label=r.name, item=r.name or "—", score=show(score), weight=show(weight),
                            problem="超过分值" if score > weight else "小于 0", expected=weight if score > weight else ZERO,
                            actual=score)
            continue
        explanation = row.deviation.value if row.deviation is not None and not row.deviation.blank else None
        if r.op == QUAL:
            band = qualitative_band(r.actual, weight, config.qualitative_edges, config.grade_bands)
            if band is None or band.low <= score <= band.high:
                continue
            higher = score > band.high
            how = (f"{r.op_note + '，' if r.op_note else ''}定性指标，实际完成值“{row.actual.value}”属“{band.name}”档，"
                   f"得分应在 {show(band.low)}～{show(band.high)} 分之间")
            expected = band.high if higher else band.low
        elif r.comparable:
            expected = quantitative_score(r.op, r.target_q.value, r.actual_q.value, weight, config.reverse_formula)
            if _scores_match(score, expected, row.score.decimals):
                continue
            higher = score > expected
            how = _how(r, weight, expected, config.reverse_formula)
        else:
            continue
        if higher:
            yield IND005.at(row.score, row_label=r.name, item=r.name or "—", stated=show(score), direction="高于",
                            computed=show(expected), expected=expected, how=how, tail="，自评得分偏高", explanation=explanation, actual=score)
        elif explanation is None:
            yield IND005.at(row.score, row_label=r.name, item=r.name or "—", stated=show(score), direction="低于",
                            computed=show(expected), expected=expected, how=how, tail="，且未填写偏差原因说明扣分理由",
                            severity=Severity.INFO, actual=score)


# ----------------------------------------------------------------- IND006 / IND010


def _deviation_situation(r: RowReading, config) -> str | None:
    """Why a deviation explanation is needed, or None."""
    if r.op == QUAL:
        band = qualitative_band(r.actual, HUNDRED, config.qualitative_edges, config.grade_bands)
        if band is None or band.name == ACHIEVED:
            return None
        return f"实际完成值“{r.row.actual.value}”属“{band.name}”档，未完全达成年度指标"
    if not r.comparable:
        return None
    t, a = r.target_q.value, r.actual_q.value
    target, actual = r.row.target.value, r.row.actual.value
    if r.op == "<=" and a > t:
        return f"实际完成值“{actual}”超过了年度指标值“{target}”"
    if r.op == ">=" and a < t:
        return f"实际完成值“{actual}”未达到年度指标值“{target}”"
    if r.op == "=" and a != t:
        return f"实际完成值“{actual}”与年度指标值“{target}”不相等"
    if r.op in (">=", "="):
        ratio = config.overachievement_ratio
        if t > 0 and a >= t * ratio:
            pct = show((ratio - 1) * HUNDRED)
            return f"实际完成值“{actual}”超过年度指标值“{target}”的 {pct}% 及以上（为目标的 {show(a / t * HUNDRED)}%）"
        if t == 0 and a >= config.overachievement_zero_target:
            return f"年度指标值为 0，而实际完成值“{actual}”达到 {show(config.overachievement_zero_target)} 及以上"
    return None


@check(IND006, IND010)
def completion(model: WorkbookModel, ctx) -> Iterator[Finding]:
    note = cannot_check(model, IND006)
    if note is not None:
        yield note
        return
    for row in indicator_rows(model):
        if row.actual.blank:
            continue
        r = read_row(row)
        if r.quantitative and r.unit_mismatch:
            t, a = r.target_q, r.actual_q
            yield IND010.at(first_where(row.actual, row.target), row_label=r.name, item=r.name or "—",
                            target=row.target.value, target_unit=t.unit_label, actual_text=row.actual.value,
                            actual_unit=a.unit_label, expected=t.unit_label, actual=a.unit_label)
            continue
        if row.deviation is not None and not row.deviation.blank:
            continue
        situation = _deviation_situation(r, ctx.config)
        if situation is None:
            continue
        yield IND006.at(first_where(row.actual, row.target), row_label=r.name, item=r.name or "—",
                        situation=situation, note=f"（{r.op_note}）" if r.op_note else "",
                        expected=row.target.value, actual=row.actual.value)


# ----------------------------------------------------------------- XS003


@check(XS003)
def self_score(model: WorkbookModel, ctx) -> Iterator[Finding]:
    stated = model.basic.num("self_score")
    if stated is None or not stated.present:
        yield XS003.cannot_run("基本情况未填写自评得分", sheet="基本情况")
        return
    note = cannot_check(model, XS003, "score")
    if note is not None:
        yield note
        return
    table = _table(model)
    budget = _budget_total(model)
    if budget is None or budget.score is None or not budget.score.present:
        yield XS003.cannot_run("预算执行表缺失或未填写得分", sheet="预算执行")
        return
    items = indicator_rows(model)
    scored = [r for r in items if r.score is not None and r.score.present]
    if not scored:
        yield XS003.cannot_run("绩效指标表未填写得分", sheet=table.sheet)
        return
    indicators = sum((r.score.value for r in scored), ZERO)
    expected = budget.score.value + indicators
    if amounts_match(stated.value, expected, ctx.config, "万元"):
        return
    blanks = sum(1 for r in items if r.score is not None and not r.score.present and r.weight is not None
                 and r.weight.present)
    note = f"（另有 {blanks} 个指标未填得分，按 0 分计）" if blanks else ""
    grade, stated_grade = grade_for(expected), grade_for(stated.value)
    yield XS003.at(stated, row_label="自评得分", stated=show(stated.value), stated_grade=f"评级{stated_grade}",
                   budget=show(budget.score.value), indicators=show(indicators), note=note, computed=show(expected), expected=expected,
                   grade=f"评级{grade}" + ("" if grade == stated_grade else f"，而非{stated_grade}"), actual=stated.value)
