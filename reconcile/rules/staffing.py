"""Staffing rules (STF) on 基本情况: 编制 and 在职 totals against their parts, 在职 ≤ 编制.

The checks run as one pandera validation of the staffing frame
(:mod:`reconcile.schemas.basic`); each failing category is confirmed in Decimal here.
"""

from __future__ import annotations

from collections.abc import Iterator

from reconcile.cells import split_ref
from reconcile.findings import Finding, Severity
from reconcile.model import Num, WorkbookModel
from reconcile.rules import _common as common
from reconcile.rules.arith import plain
from reconcile.rules.catalogue import Rule, check

FAMILY = "人员"
LABELS = {  # (category, column) → the 基本情况 field label
    ("总数", "quota"): "编制总数", ("行政", "quota"): "行政编制", ("工勤", "quota"): "工勤编制", ("事业", "quota"): "事业编制",
    ("总数", "active"): "在职人数", ("行政", "active"): "在职行政", ("工勤", "active"): "在职工勤", ("事业", "active"): "在职事业",
}

STF001 = Rule(
    code="STF001", severity=Severity.ERROR, family=FAMILY,
    title="编制数或在职人数与分项之和不符",
    template=common.SUM_TEMPLATE,
    variants=common.SUM_VARIANTS,
    doc="""核对什么：基本情况中 编制总数 是否等于 行政编制 + 工勤编制 + 事业编制，在职人数 是否等于 在职行政 + 在职工勤 + 在职事业（人数精确相等）。
为什么：报告“机构职能和人员概况”直接引用这些人数，总数与分项不符说明有一项填错。某个分项未填而总数已填时，列为提示，指出推算人数。
示例：编制总数 157，行政 152 + 工勤 5 + 事业 0 → 正确；编制总数 158 → 错误，应为 157。""",
)
STF002 = Rule(
    code="STF002", severity=Severity.WARNING, family=FAMILY,
    title="在职人数多于编制数",
    template="{where}：{active_label} {active} 人，多于{quota_label} {quota} 人（多 {over} 人）；请核实人数，或在报告中说明超编原因",
    doc="""核对什么：在职人数是否超过编制数，分别比较总数、行政、工勤、事业四类。
为什么：超编属于需要核实的情况，可能是人数填错，也可能需要说明。
示例：在职行政 141、行政编制 152 → 正确；在职工勤 6、工勤编制 5 → 提示。""",
)


def _where(num: Num, label: str) -> str:
    row, _ = split_ref(num.ref)
    return common.where(num.sheet, row, label) if row else f"{num.sheet} {label}"


@check(STF001, STF002)
def staffing_checks(model: WorkbookModel, ctx) -> Iterator[Finding]:
    from reconcile.schemas import basic as schema

    rows = schema.staff_rows(model)
    if not any(common.usable(r.quota) or common.usable(r.active) for r in rows):
        reason = "基本情况未填写编制数和在职人数"
        yield STF001.cannot_run(reason)
        yield STF002.cannot_run(reason)
        return
    frame, failed = schema.validate(model)
    parts = [r for r in rows if not r.is_total]
    for name, idx in failed:
        row = frame.row(idx)
        if name.startswith("STF001"):
            column = name.partition(":")[2]
            total = getattr(row, column)
            label = LABELS[(row.category, column)]
            finding = common.sum_finding(
                STF001, total=total, column="人数",
                parts=[common.Part(LABELS[(p.category, column)], getattr(p, column),
                                   where=_where(getattr(p, column), LABELS[(p.category, column)])
                                   if getattr(p, column) is not None else LABELS[(p.category, column)])
                       for p in parts],
                where_text=_where(total, label), row_label=label, unit="万元", config=ctx.config,
                exact=True, parts_are_rows=False,
            )
        else:
            if not common.usable(row.active, row.quota) or row.active.value <= row.quota.value:
                continue
            active_label, quota_label = LABELS[(row.category, "active")], LABELS[(row.category, "quota")]
            finding = STF002.at(row.active, row_label=active_label, expected=row.quota.value, actual=row.active.value,
                                where=_where(row.active, active_label), active_label=active_label,
                                active=plain(row.active.value), quota_label=quota_label, quota=plain(row.quota.value),
                                over=plain(row.active.value - row.quota.value))
        if finding is not None:
            yield finding
