"""一、部门基本情况: units, functions and staffing, the year's main tasks (from 基本情况)."""

from __future__ import annotations

from reconcile.narrative.context import Context
from reconcile.narrative.document import Paragraph, body, heading
from reconcile.narrative.figures import count
from reconcile.narrative.render import say

T = "basic.j2"

QUOTA_PARTS = (("quota_admin", "行政编制"), ("quota_worker", "工勤编制"), ("quota_public", "事业编制"))
ACTIVE_PARTS = (("active_admin", "行政"), ("active_worker", "工勤"), ("active_public", "事业"))


def text_paragraphs(text: str | None) -> list[str]:
    """A free-text field as paragraphs: one per non-empty line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def free_text(text: str | None, missing: str, template: str = T) -> list[Paragraph]:
    """A department's free text, one paragraph per line, or the template's "not filled" sentence."""
    lines = text_paragraphs(text)
    return [body(line) for line in lines] if lines else [body(say(template, missing))]


def section(ctx: Context) -> list[Paragraph]:
    basic = ctx.model.basic
    unit = ctx.model.unit_name or ""
    out = [heading(say(T, "heading"), 1), heading(say(T, "units_heading"))]

    total = basic.number("budget_units")
    if total is None:
        out.append(body(say(T, "units_missing")))
    else:
        pending = ctx.field_in_doubt("budget_units", "admin_units", "public_units")
        nonzero = {k: count(v) if (v := basic.number(k)) else None for k in ("admin_units", "public_units")}
        out.append(body(say(T, "units", unit=unit, total=count(total), admin=nonzero["admin_units"],
                            public=nonzero["public_units"], pending=pending), pending))

    out.append(heading(say(T, "staff_heading")))
    out.extend(free_text(basic.text("functions"), "functions_missing"))
    staffing = _staffing(ctx, unit)
    if staffing:
        out.append(staffing)

    out.append(heading(say(T, "tasks_heading")))
    out.extend(free_text(basic.text("tasks"), "tasks_missing"))
    return out


def _parts(ctx: Context, parts) -> list[tuple[str, str]]:
    return [(label, count(v)) for key, label in parts if (v := ctx.model.basic.number(key)) is not None]


def _staffing(ctx: Context, unit: str) -> Paragraph | None:
    basic = ctx.model.basic
    keys = ("staff_quota", "staff_active", "retired_early", "retired")
    if all(basic.number(k) is None for k in keys):
        return None
    pending = ctx.field_in_doubt(*keys, *(k for k, _ in QUOTA_PARTS + ACTIVE_PARTS))
    text = say(T, "staffing", unit=unit,
               quota=count(basic.number("staff_quota")), quota_parts=_parts(ctx, QUOTA_PARTS),
               active=count(basic.number("staff_active")), active_parts=_parts(ctx, ACTIVE_PARTS),
               retired_early=count(basic.number("retired_early")), retired=count(basic.number("retired")),
               pending=pending)
    return body(text, pending)
