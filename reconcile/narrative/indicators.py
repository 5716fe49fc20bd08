"""三、（一）: how many 三级指标 met their target, each unmet one with its 偏差原因,
and the indicator completion table.

Whether a target was met is read from the sheet: the first number of 实际完成值
against the first number of 年度指标值 under the 指标性质 (≥, ≤, =); a 定性 indicator,
or one whose values hold no number, is judged by its score (full marks, or 80 % of the
分值 for 定性 — the 达成年度指标 band). What cannot be judged is counted as such.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from reconcile.model import IndicatorRow
from reconcile.narrative.context import Context
from reconcile.narrative.document import Paragraph, body, heading, table
from reconcile.narrative.figures import count
from reconcile.narrative.render import say, say_shipped, shipped
from reconcile.reference.indicator_hierarchy import NATURE_ALIASES
from reconcile.text import normalize_label

T = "performance.j2"
MET, UNMET, UNKNOWN = "met", "unmet", "unknown"
QUALITATIVE_MET_SHARE = Decimal("0.8")   # domain.md §4.7: 达成年度指标 = [80%, 100%] of 分值

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_AT_MOST = ("≤", "<=", "<", "以下", "以内", "不高于", "不超过", "不多于", "控制在")


@lru_cache(maxsize=4096)
def first_number(text: str | None) -> Decimal | None:
    if not text:
        return None
    m = _NUMBER.search(unicodedata.normalize("NFKC", text).replace(",", ""))
    return Decimal(m.group()) if m else None


@lru_cache(maxsize=1)
def _natures() -> dict[str, str]:
    """指标性质 aliases, normalised (the first alias wins when two normalise alike)."""
    out: dict[str, str] = {}
    for k, v in NATURE_ALIASES.items():
        out.setdefault(normalize_label(k), v)
    return out


@lru_cache(maxsize=1024)
def _nature_operator(nature: str) -> str | None:
    return _natures().get(normalize_label(nature))


def operator(row: IndicatorRow) -> str:
    """">=", "<=", "=" or "qual" from 指标性质, else guessed from the target's wording."""
    op = _nature_operator(row.nature.value if row.nature is not None else "")
    if op is not None:
        return op
    target = unicodedata.normalize("NFKC", row.target.value or "")
    if any(w in target for w in _AT_MOST):
        return "<="
    if "定性" in target or first_number(target) is None:
        return "qual"
    return ">="


def outcome(row: IndicatorRow) -> str:
    op = operator(row)
    target, actual = first_number(row.target.value), first_number(row.actual.value)
    if op != "qual" and target is not None and actual is not None:
        if op == ">=":
            return MET if actual >= target else UNMET
        if op == "<=":
            return MET if actual <= target else UNMET
        return MET if actual == target else UNMET
    weight = row.weight.value if row.weight is not None else None
    score = row.score.value if row.score is not None else None
    if weight is None or score is None or weight <= 0:
        return UNKNOWN
    share = QUALITATIVE_MET_SHARE if op == "qual" else Decimal(1)
    return MET if score >= weight * share else UNMET


@dataclass(frozen=True)
class Unmet:
    name: str
    target: str
    actual: str
    reason: str | None
    pending: bool


def with_unit(text: str | None, unit: str | None) -> str:
    """An indicator value with its 度量单位 unless the text already ends with it."""
    text = (text or "").rstrip("。；;，, ")
    if unit and text and not text.endswith(unit):
        return text + unit
    return text


def section(ctx: Context) -> list[Paragraph]:
    rows = ctx.model.indicators
    out = [heading(say(T, "indicators_heading"))]
    goal = ctx.model.basic.text("overall_goal")
    if goal:
        out.append(body(say(T, "goal", goal=" ".join(goal.split()))))
    if "indicators" not in ctx.model.tables or not rows:
        return [*out, body(say(T, "indicators_missing"))]
    sheet = ctx.sheet("indicators")
    results = [(r, outcome(r)) for r in rows]
    n_met = sum(1 for _, o in results if o == MET)
    unmet = [r for r, o in results if o == UNMET]
    n_unknown = sum(1 for _, o in results if o == UNKNOWN)
    out.append(body(say(T, "completion", total=len(rows), met=n_met, unmet=len(unmet), unknown=n_unknown)))
    for i, r in enumerate(unmet, 1):
        unit = r.unit.value if r.unit is not None else None
        item = Unmet(r.label or (r.level2.value or ""), with_unit(r.target.value, unit), with_unit(r.actual.value, unit),
                     r.deviation.value if r.deviation is not None else None, ctx.doubts.row(sheet, r.row))
        out.append(body(say(T, "unmet", index=i, item=item), item.pending))
    say_outcome = say_shipped if shipped(T) else say
    out.append(table(say(T, "indicator_table_caption"),
                     [_header(), *(_table_row(ctx, r, o, sheet, say_outcome) for r, o in results)]))
    return out


def _header() -> list[str]:
    return [c.strip() for c in say(T, "indicator_table_header").split("|")]


def _table_row(ctx: Context, r: IndicatorRow, result: str, sheet: str | None, say_outcome) -> list[str]:
    unit = r.unit.value if r.unit is not None else None
    pending = ctx.doubts.row(sheet, r.row)
    return [r.level1.value or "", r.level2.value or "", r.label, with_unit(r.target.value, unit),
            with_unit(r.actual.value, unit), count(r.weight.value if r.weight else None) or "",
            count(r.score.value if r.score else None) or "",
            say_outcome(T, "outcome", result=result, pending=pending)]
