"""The generated 部门整体支出绩效自评报告 (SPEC §5), in the seed report's structure.

``build_narrative(model, findings)`` assembles the sections, each in its own module:

- 一、部门基本情况 — :mod:`.basic`
- 二、部门财政资金收支情况 — :mod:`.income`, :mod:`.expenditure`, :mod:`.carryover`
- 三、部门整体绩效管理情况 — :mod:`.performance` (:mod:`.indicators`, :mod:`.budget`, :mod:`.projects`)
- 四、评价结论及建议 — :mod:`.conclusion`

Wording is in ``templates/*.j2`` (see :mod:`.render`); numbers are recomputed from the
cells (:mod:`.figures`); findings only decide which sentences carry 【待核实】 and
which errors section 四 lists.
"""

from __future__ import annotations

from collections.abc import Sequence

from reconcile.config import DEFAULT, Config
from reconcile.findings import Finding
from reconcile.narrative.document import Narrative, Paragraph, heading

__all__ = ["Narrative", "Paragraph", "build_narrative"]


def build_narrative(model, findings: Sequence[Finding], config: Config | None = None) -> Narrative:
    from reconcile.narrative.render import templates_pinned

    with templates_pinned():
        return _build(model, findings, config)


def _build(model, findings: Sequence[Finding], config: Config | None) -> Narrative:
    from reconcile.narrative import basic, carryover, conclusion, expenditure, income, performance
    from reconcile.narrative.context import Context
    from reconcile.narrative.figures import Doubts
    from reconcile.narrative.render import say

    ctx = Context(model, Doubts(findings), config or DEFAULT)
    title = say("report.j2", "title", unit=model.unit_name or "", year=model.year or "")
    paragraphs = [
        *_safely(basic.section, ctx),
        heading(say("report.j2", "finance_heading"), 1),
        *_safely(income.section, ctx),
        *_safely(expenditure.section, ctx),
        *_safely(carryover.section, ctx),
        *_safely(performance.section, ctx),
        *_safely(conclusion.section, ctx),
    ]
    return Narrative(title=title, paragraphs=paragraphs)


def _safely(section, ctx) -> list[Paragraph]:
    """A section, or one sentence saying it could not be generated: a fault in one
    section (or an edited template) must not cost the user the workbook or the rest."""
    from reconcile.narrative.render import say

    try:
        return section(ctx)
    except Exception as exc:  # noqa: BLE001 - reported in the text, never a traceback
        return [Paragraph("body", say("report.j2", "section_failed", error=f"{type(exc).__name__}: {exc}"), pending=True)]
