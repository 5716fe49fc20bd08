"""三、部门整体绩效管理情况: indicators, budget execution, major projects, results."""

from __future__ import annotations

from reconcile.narrative import budget, indicators, projects
from reconcile.narrative.context import Context
from reconcile.narrative.document import Paragraph, body, heading
from reconcile.narrative.render import say
from reconcile.narrative.score import self_score

T = "performance.j2"


def section(ctx: Context) -> list[Paragraph]:
    out = [heading(say(T, "heading"), 1), *indicators.section(ctx), heading(say(T, "projects_heading"))]

    total, subs = budget.executions(ctx)
    if total is None:
        out.append(body(say(T, "execution_missing")))
    else:
        pending = total.pending or any(e.pending for e in subs)
        out.append(body(say(T, "execution", year=ctx.year, total=total, subs=subs), pending))

    if "projects" not in ctx.model.tables:
        out.append(body(say(T, "projects_sheet_missing")))
    else:
        major = projects.major_projects(ctx)
        out.append(body(say(T, "projects_intro", has_projects=bool(major))))
        for i, p in enumerate(major, 1):
            out.append(body(say(T, "project", index=i, p=p), p.pending))
            for macro, lines in (("project_content", p.content), ("project_status", p.status)):
                if lines:
                    out.append(body(say(T, macro, first=lines[0])))
                    out.extend(body(line) for line in lines[1:])

    basic = ctx.model.basic
    score = self_score(ctx)
    out += [
        heading(say(T, "results_heading")),
        body(say(T, "disclosure", text=basic.text("disclosure"))),
        body(say(T, "quality", rate=total.rate if total is not None else None, s=score), score.pending),
        body(say(T, "rectification", text=basic.text("rectification"))),
    ]
    return out
