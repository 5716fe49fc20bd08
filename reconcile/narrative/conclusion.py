"""四、评价结论及建议: score and grade, 存在问题 (with the open error-level findings), 改进建议."""

from __future__ import annotations

from reconcile.narrative.basic import free_text
from reconcile.narrative.context import Context
from reconcile.narrative.document import Paragraph, body, heading
from reconcile.narrative.render import say
from reconcile.narrative.score import self_score

T = "conclusion.j2"
MAX_LISTED_ERRORS = 20


def section(ctx: Context) -> list[Paragraph]:
    score = self_score(ctx)
    basic = ctx.model.basic
    errors = sorted(ctx.doubts.errors, key=lambda f: f.sort_key)
    out = [
        heading(say(T, "heading"), 1),
        heading(say(T, "verdict_heading")),
        body(say(T, "verdict", s=score), score.pending),
        heading(say(T, "problems_heading")),
        *free_text(basic.text("problems"), "problems_missing", T),
    ]
    if errors:
        out.append(body(say(T, "errors_intro")))
        out.extend(body(say(T, "error_item", index=i, f=f)) for i, f in enumerate(errors[:MAX_LISTED_ERRORS], 1))
        if len(errors) > MAX_LISTED_ERRORS:
            out.append(body(say(T, "errors_more")))
    out.append(heading(say(T, "suggestions_heading")))
    out.extend(free_text(basic.text("suggestions"), "suggestions_missing", T))
    if errors:
        out.append(body(say(T, "fix_errors")))
    return out
