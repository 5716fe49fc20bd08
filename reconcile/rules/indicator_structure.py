"""Indicator-table rules on structure and content (IND001, IND002, IND007, IND008, IND009).

The hierarchy (domain.md §4.5), duplicated indicators, quantitative indicators
without a number, and unit price × quantity = total inside cost texts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache

from reconcile.findings import Finding, Severity
from reconcile.indicators.names import (
    ALLOWED,
    BENEFIT,
    LEVEL1_KEYS,
    LEVEL2_KEYS,
    OUTPUT,
    SATISFACTION,
    level_key,
    parents_of,
    similar_items,
)
from reconcile.indicators.rows import RowReading, cannot_check, first_where, read_row, show, where
from reconcile.indicators.unitcost import UnitCost, parse_unit_cost
from reconcile.indicators.values import NUMBER_PATTERN, PERIODS_PER_YEAR, normalize_text, parse_value
from reconcile.model import WorkbookModel
from reconcile.numbers import TEN_THOUSAND
from reconcile.rules.arith import amounts_match
from reconcile.rules.catalogue import Rule, check
from reconcile.text import normalize_label

FAMILY = "绩效指标"
SHEET_KEY = "indicators"

IND001 = Rule(
    code="IND001", severity=Severity.ERROR, family=FAMILY,
    title="一级/二级指标名称不在指标体系中",
    template="{sheet} {cell}：{level}{name}{problem}；{requirement}",
    doc="""核对什么：一级指标、二级指标的名称是否属于绩效指标体系，二级指标是否挂在正确的一级指标下。两种体系都接受：
经典体系（产出指标→数量/质量/时效/成本指标；效益指标→经济/社会/生态效益、可持续影响指标；满意度指标→服务对象满意度指标）
和 2021 年体系（成本指标作为一级指标，下设经济/社会/生态环境成本指标）。比较前统一全角半角、空格，“指标”二字可省略，
“产出指标（50分）”这样带分值的写法也能识别。
为什么：名称不规范或层级错位，指标无法按一级汇总分值，也说明表格可能套用了错误的模板。
示例：一级“产出指标”下的二级写成“社会效益指标” → 错误（社会效益指标属于效益指标）；一级写“产出（50分）”、二级写“数量” → 正确。""",
)
IND002 = Rule(
    code="IND002", severity=Severity.ERROR, family=FAMILY,
    title="缺少一级指标",
    template="{sheet}：一级指标“{level1}”下没有任何三级指标（表中已有的一级指标：{found}）；{requirement}",
    doc="""核对什么：产出指标、效益指标下是否各有至少一个三级指标；满意度指标缺失时给出提示。
为什么：产出和效益是绩效自评的必备内容，缺少则无法评价；满意度指标按规定通常也应设置。
示例：表中只有产出指标和效益指标 → 提示“满意度指标”缺失；只有产出指标 → 错误（缺效益指标）。""",
)
IND007 = Rule(
    code="IND007", severity=Severity.WARNING, family=FAMILY,
    title="同一指标重复列出且数值不同",
    template="{sheet} {cell}：{subject}前后不一致：{listing}；同一指标应只列一次，或各处数值保持一致",
    doc="""核对什么：同一个三级指标（名称统一全角半角、空格后相同）在表中出现多次而年度指标值不同；某个三级指标的数量又被写进
另一个指标的文字中且数字不同（如“破获毒品刑事案件”单列为 10，而“缉毒执法”中写“破获毒品刑事案件 20 起”）。
成本类指标（成本指标及其下级）与数量、质量等指标同名时不算重复，因为一个写数量、一个写金额。
每组重复只报告一次，列出全部单元格。
为什么：同一指标两个目标值，完成情况和得分无从判断，常见于复制粘贴后漏改。
示例：数量指标“生活污水检测”为“每月提取城市生活污水送检”，质量指标“生活污水检测”为“每季度检测 4 次，全年 16 次” → 提示；
“移动警务通 99 台”列了两次、数值相同 → 不提示。""",
)
IND008 = Rule(
    code="IND008", severity=Severity.WARNING, family=FAMILY,
    title="定量指标的指标值没有数字",
    template="{sheet} {cell}（{item}）：{nature_text}，但年度指标值“{target}”中没有数字；定量指标的指标值应为数值，如“≥95%”“99 台”",
    doc="""核对什么：指标性质为 ≥、≤、=（定量）的指标，其年度指标值是否含有数字。
为什么：没有数值的定量指标无法判断是否完成、无法计算得分（预算绩效管理系统同样要求“定量指标的指标值为数值”）。
示例：指标性质“≥”、年度指标值“逐步提高” → 提示；年度指标值“≥95%”或“99 台” → 正确；确属文字描述的，指标性质应选“定性”。""",
)
IND009 = Rule(
    code="IND009", severity=Severity.WARNING, family=FAMILY,
    title="单价×数量与所写金额不符",
    template="{sheet} {cell}（{item}）：“{text}”中写的金额 {stated} 元，与 单价 {price} 元 × {qty} {per}（{qty_source}）{period} = {computed} 元 不符",
    doc="""核对什么：指标文字中写明单价和总额时（如“每人每月 375 元（337500 元）”），用单价 × 数量（× 月数/次数）复算总额。
数量取自本行文字、三级指标名称（如“生活污水检测 16 次”），或同名、近似名称的数量指标行（如“人犯供养费 45 人”）。
“每月”按 12 个月、“每季度”按 4 个季度计；文字读不出确定的单价、数量和总额时不做判断，不会误报。
为什么：单价、数量、总额三者不一致，说明测算有误或数量填错，会直接影响预算的合理性。
示例：数量指标“人犯供养费 45 人”，成本指标“人犯供养：每人每月 375 元（337500 元）” → 45 × 375 × 12 = 202500 元 ≠ 337500 元，提示；
“人犯衣被费 200 套”与“每套 75 元（15000 元）” → 正确。""",
)


def _table(model: WorkbookModel):
    return model.tables.get(SHEET_KEY)


# ----------------------------------------------------------------- IND001


def _level_problem(level: str, name: str, parent_key: str | None) -> tuple[str, str] | None:
    if level == "一级指标":
        if level_key(name) in LEVEL1_KEYS:
            return None
        return "不在绩效指标体系中", "一级指标应为 产出指标、效益指标、满意度指标（按 2021 年体系也可设 成本指标）"
    key = level_key(name, 2)
    if parent_key in ALLOWED:
        allowed = ALLOWED[parent_key]
        if key in allowed:
            return None
        listing = "、".join(f"{k}指标" for k in sorted(allowed, key=_level2_order))
        if key in LEVEL2_KEYS:
            parents = "或".join(parents_of(key))
            return f"不属于一级指标“{parent_key}指标”（它属于{parents}）", f"“{parent_key}指标”下的二级指标应为 {listing}"
        return "不在绩效指标体系中", f"“{parent_key}指标”下的二级指标应为 {listing}"
    if key in LEVEL2_KEYS:
        return None  # the 一级 itself is wrong: reported on the 一级 cell
    return "不在绩效指标体系中", "二级指标应为 数量、质量、时效、成本、经济效益、社会效益、生态效益、可持续影响、服务对象满意度指标等"


_L2_ORDER = ("数量", "质量", "时效", "成本", "经济效益", "社会效益", "生态效益", "可持续影响", "服务对象满意度",
             "经济成本", "社会成本", "生态环境成本")


def _level2_order(key: str) -> int:
    return _L2_ORDER.index(key) if key in _L2_ORDER else len(_L2_ORDER)


@check(IND001)
def hierarchy_names(model: WorkbookModel, ctx) -> Iterator[Finding]:
    note = cannot_check(model, IND001, "level1")
    if note is not None:
        yield note
        return
    check_level2 = _table(model).has("level2")
    seen: set[str] = set()
    for row in model.indicators:
        l1, l2 = row.level1, row.level2
        item = row.level3.value or ""
        for level, cell, parent in (("一级指标", l1, None), ("二级指标", l2, level_key(l1.value))):
            if level == "二级指标" and not check_level2:
                continue
            w = where(cell)
            if cell.blank:
                if not item or level == "二级指标" and l1.blank:
                    continue  # a row without a 三级 name, or already reported on its 一级
                w = w or where(row.level3)
                if w is None or w.ref in seen:
                    continue
                seen.add(w.ref)
                yield IND001.at(w, row_label=item, level=level, name="", requirement="请填写" + level,
                                problem=f"未填写（三级指标“{item}”所在行）", expected=level, actual=None)
                continue
            if w is None or w.ref in seen:
                continue
            problem = _level_problem(level, cell.value or "", parent)
            if problem is None:
                continue
            seen.add(w.ref)
            yield IND001.at(w, row_label=item or (cell.value or ""), level=level, name=f"“{cell.value}”", problem=problem[0],
                            requirement=problem[1], expected=None, actual=cell.value)


# ----------------------------------------------------------------- IND002


@check(IND002)
def required_levels(model: WorkbookModel, ctx) -> Iterator[Finding]:
    note = cannot_check(model, IND002, "level1")
    if note is not None:
        yield note
        return
    table = _table(model)
    present: dict[str, str] = {}
    for row in model.indicators:
        if row.level3.blank:
            continue
        present.setdefault(level_key(row.level1.value), row.level1.value or "")
    found = "、".join(v for v in present.values() if v) or "无"
    for key, severity, requirement in (
        (OUTPUT, Severity.ERROR, "产出指标是必设的一级指标，至少应有一个三级指标"),
        (BENEFIT, Severity.ERROR, "效益指标是必设的一级指标，至少应有一个三级指标"),
        (SATISFACTION, Severity.WARNING, "满意度指标（服务对象满意度）按规定通常应设置，请补充或在报告中说明未设置的原因"),
    ):
        if key not in present:
            yield IND002.at(None, sheet=table.sheet, severity=severity, level1=f"{key}指标", found=found,
                            requirement=requirement, expected=f"{key}指标", actual=None)


# ----------------------------------------------------------------- IND007


def _listing(readings: list[RowReading]) -> str:
    return "、".join(f"{w.ref}“{r.row.target.value}”" for r in readings if (w := where(r.row.target)) is not None)


def _value_key(r: RowReading) -> tuple:
    """What makes two 年度指标值 the same: the numbers with their units, operator and
    period when the text has numbers ("99 台" = "99" with 度量单位 台), else the text."""
    t = r.target
    if t.has_number and not t.qualitative:
        return ("q", t.op, t.period, tuple((q.value.normalize(), q.unit, q.per) for q in t.quantities))
    return ("t", normalize_label(t.raw))


@lru_cache(maxsize=4096)
def _count_in(key: str) -> re.Pattern:
    return re.compile(re.escape(key) + rf"(?P<q>(?:{NUMBER_PATTERN})\s*[\u4e00-\u9fff%]{{0,2}})")


def _as_written(own: RowReading, other: RowReading, m: re.Match) -> str:
    """The matched words as the department wrote them ("破获毒品刑事案件 20 起"), when
    the name can be found with its spacing; else the normalised match."""
    text = normalize_text(other.row.target.value)
    spaced = r"\s*".join(re.escape(ch) for ch in normalize_text(own.name).replace(" ", ""))
    found = re.search(spaced + r"\s*" + re.escape(m.group("q")[0]) + r"[^，,。；;、]*?" + re.escape(m.group("q")[-1]), text)
    return found.group(0) if found else f"{own.name}{m.group('q')}"


@check(IND007)
def duplicates(model: WorkbookModel, ctx) -> Iterator[Finding]:
    note = cannot_check(model, IND007)
    if note is not None:
        yield note
        return
    readings = [read_row(r) for r in model.indicators]
    groups: dict[tuple[str, bool], list[RowReading]] = {}
    for r in readings:
        if r.key and not r.row.target.blank:
            groups.setdefault((r.key, r.cost), []).append(r)
    for (key, _), group in groups.items():
        values = {_value_key(r) for r in group}
        if len(group) < 2 or len(values) < 2:
            continue
        first = group[0]
        yield IND007.at(first_where(first.row.level3, first.row.target), row_label=first.name,
                        subject=f"三级指标“{first.name}”列出 {len(group)} 次，年度指标值", listing=_listing(group),
                        expected=None, actual="；".join(r.row.target.value or "" for r in group))
    # A count named inside another indicator's text ("…破获毒品刑事案件 20 起…") against its own row (10).
    reported: set[tuple[int, int]] = set()
    targets = [normalize_label(r.row.target.value) for r in readings]
    everything = "\0".join(targets)     # a name found nowhere (the usual case) needs no pairs
    for own in readings:
        q = own.target_q
        if own.cost or q is None or len(own.key) < 4 or own.key not in everything:
            continue
        key = own.key
        pattern = _count_in(key)
        for other, target in zip(readings, targets):
            # the pattern starts with the name itself: a text without it cannot match
            if key not in target or other is own or other.cost or other.key == key or other.row.target.blank:
                continue
            m = pattern.search(target)
            if m is None:
                continue
            inner = parse_value(m.group("q")).single
            if inner is None or (inner.unit and q.unit and inner.unit != q.unit) or inner.value == q.value:
                continue
            pair = (own.row.row, other.row.row)
            if pair in reported:
                continue
            reported.add(pair)
            w_own, w_other = where(own.row.target), where(other.row.target)
            listing = (f"{w_own.ref if w_own else ''} 单列为“{own.row.target.value}”，"
                       f"{w_other.ref if w_other else ''}（{other.name}）中写作“{_as_written(own, other, m)}”")
            yield IND007.at(first_where(own.row.target, own.row.level3), row_label=own.name,
                            subject=f"“{own.name}”的数量", listing=listing,
                            expected=None, actual=f"{show(q.value)}；{show(inner.value)}")


# ----------------------------------------------------------------- IND008


@check(IND008)
def quantitative_without_number(model: WorkbookModel, ctx) -> Iterator[Finding]:
    note = cannot_check(model, IND008)
    if note is not None:
        yield note
        return
    for row in model.indicators:
        r = read_row(row)
        if r.target.empty or r.target.has_number:
            continue
        if r.nature in (">=", "<=", "="):
            nature_text = f"指标性质为“{r.op_symbol}”（定量指标）"
        elif r.nature is None and r.target.op is not None and r.target.op != "=":
            nature_text = f"年度指标值写有“{r.target.op.replace('>=', '≥').replace('<=', '≤')}”（定量指标）"
        else:
            continue
        yield IND008.at(where(row.target), row_label=r.name, item=r.name or "—", nature_text=nature_text,
                        target=row.target.value, expected="数值", actual=row.target.value)


# ----------------------------------------------------------------- IND009

_PERIOD_WORDS = {"月": "个月", "季度": "个季度", "周": "周", "天": "天", "半年": "个半年"}


def _quantity_for(uc: UnitCost, reading: RowReading, readings: list[RowReading]) -> tuple[Decimal, str] | None:
    """The quantity the unit price applies to and where it came from, or None when
    there is none or more than one candidate."""
    own = {q.value for q in uc.own_quantities}
    if len(own) == 1:
        return own.pop(), "本行所写"
    if own:
        return None
    named = {q.value for q in parse_value(reading.name).quantities if q.unit == uc.per and q.value > 0}
    if len(named) == 1:
        return named.pop(), "三级指标名称所写"
    if named:
        return None
    found: dict[Decimal, list[RowReading]] = {}
    for other in readings:
        if other is reading or other.cost or not similar_items(reading.name, other.name):
            continue
        q = other.target_q
        if q is not None and q.unit == uc.per and q.value > 0:
            found.setdefault(q.value, []).append(other)
    if len(found) != 1:
        return None
    value, rows = found.popitem()
    cells = "、".join(w.ref for r in rows if (w := where(r.row.target)) is not None)
    return value, f"取自 {cells}“{rows[0].name}”"


@check(IND009)
def unit_price_totals(model: WorkbookModel, ctx) -> Iterator[Finding]:
    note = cannot_check(model, IND009)
    if note is not None:
        yield note
        return
    readings = [read_row(r) for r in model.indicators]
    for reading in readings:
        cells = [reading.row.target]
        if normalize_label(reading.row.actual.value) != normalize_label(reading.row.target.value):
            cells.append(reading.row.actual)  # the actual restating the target is not a second claim
        for cell in cells:
            uc = parse_unit_cost(cell.value)
            if uc is None:
                continue
            found = _quantity_for(uc, reading, readings)
            if found is None:
                continue
            qty, source = found
            base = qty * uc.price
            expected = base * uc.factor
            candidates = {expected, base}
            if any(amounts_match(uc.total / TEN_THOUSAND, c / TEN_THOUSAND, ctx.config, "元") for c in candidates):
                continue
            period = ""
            if uc.period and uc.period != "年":
                count = show(uc.months) if uc.period == "月" and uc.months is not None else show(PERIODS_PER_YEAR[uc.period])
                period = f" × {count} {_PERIOD_WORDS.get(uc.period, uc.period)}"
            yield IND009.at(where(cell), row_label=reading.name, item=reading.name or "—", text=cell.value,
                            stated=show(uc.total), price=show(uc.price), qty=show(qty), per=uc.per, qty_source=source,
                            period=period, computed=show(expected), expected=expected, actual=uc.total)
