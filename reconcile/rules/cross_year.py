"""Cross-year rule (YOY001): when the batch holds the same unit's workbook for the year
before, every 上年数 must equal that workbook's 本年数 (收入 rows by name, 支出 rows by
code, 支出合计 by itself). Uses the batch facts the pipeline collects
(``ctx.batch``: {(unit key, year): YearFacts}, see :mod:`reconcile.batch`).
"""

from __future__ import annotations

from collections.abc import Iterator

from reconcile.batch import unit_key
from reconcile.findings import Finding, Severity
from reconcile.model import WorkbookModel
from reconcile.rules import _common as common
from reconcile.rules.arith import Shown, amounts_match
from reconcile.rules.catalogue import Rule, check

FAMILY = "跨年度"

YOY001 = Rule(
    code="YOY001", severity=Severity.ERROR, family=FAMILY,
    title="上年数与上年报表本年数不一致",
    template="{where}：上年数填报为 {stated}，与同一单位 {last_year} 年报表（{file}）的本年数 {expected_text} 不一致，相差 {gap}",
    variants=(("blank", "{where}：上年数未填，同一单位 {last_year} 年报表（{file}）的本年数为 {expected_text}；请补填，或在“说明”列写明原因"),),
    doc="""核对什么：同一批次中有同一单位（单位名称相同）上一年度的报表时，本年报表每行的上年数是否等于上年报表对应行的本年数：收入按收入项目名称对应，支出按科目编码对应，支出合计对支出合计。
为什么：上年数应取自上年报表（或上年决算），不一致说明数据口径变了或抄错了。上年数未填而上年报表有数时列为提示。
示例：2023 年报表 208 社会保障和就业支出 上年数 496.52，2022 年报表 208 本年数 496.52 → 正确；填 469.52 → 错误。""",
)


@check(YOY001)
def cross_year_checks(model: WorkbookModel, ctx) -> Iterator[Finding]:
    unit, year = model.unit_name, model.year
    if not unit or year is None:
        return  # TPL004 already reports the missing 单位名称 / 年度
    last = ctx.batch.get((unit_key(unit), year - 1))
    if last is None:
        return  # nothing to compare with: the rule does not apply to this file

    from reconcile.schemas import cross as schema

    frame, failed = schema.validate_years(model, last, ctx.config)
    for _, idx in failed:
        y = frame.row(idx)
        row, table = y.row, model.tables[y.sheet_key]
        label = row.name if y.sheet_key == "income" else row.label
        shown = Shown(table.unit)
        prev = row.prev
        params = dict(where=common.where(table.sheet, row.row, label), last_year=year - 1, file=last.file,
                      expected_text=shown.amount(y.last))
        if prev is None:
            continue
        if prev.value is None:
            if prev.problem or abs(y.last) <= y.tolerance:
                continue
            yield YOY001.at(prev, variant="blank", severity=Severity.WARNING, row_label=label,
                            expected=shown.raw(y.last), actual=None, explanation=common.noted(row.note), **params)
        elif not amounts_match(prev.value, y.last, ctx.config, table.unit):
            yield YOY001.at(prev, row_label=label, expected=shown.raw(y.last), actual=prev.stated,
                            explanation=common.noted(row.note), stated=shown.stated(prev),
                            gap=shown.amount(abs(prev.value - y.last)), **params)
