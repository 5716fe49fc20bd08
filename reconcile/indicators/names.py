"""Indicator names: 一级/二级 against the hierarchy, and 三级 names for comparison.

"产出指标(50分)", "一、产出", "产出指标（50）" and "产出指标" are the same 一级; the
指标 suffix is optional and full-/half-width forms are equal (domain.md §4.5).
"""

from __future__ import annotations

import re
from functools import lru_cache

from reconcile.reference.indicator_hierarchy import CLASSIC, HIERARCHY_2021
from reconcile.text import normalize_label, strip_enumeration

# "(50分)", "(50)", "(权重50%)", "50分" written after a level name
_WEIGHT_NOTE = re.compile(r"\((?:权重|分值)?\s*\d+(?:\.\d+)?\s*(?:分|%)?\)|(?:权重|分值)?\d+(?:\.\d+)?分$")

# Names used in practice for the same 二级, keyed by the canonical name (without 指标).
_LEVEL2_ALIASES: dict[str, tuple[str, ...]] = {
    "生态效益": ("生态环境效益",),
    "生态环境成本": ("生态成本",),
    "可持续影响": ("可持续发展", "可持续影响力"),
    "服务对象满意度": ("社会公众满意度", "社会公众或服务对象满意度", "服务对象或社会公众满意度", "群众满意度",
                "受益对象满意度", "满意度"),
}


def level_key(name: object, level: int = 1) -> str:
    """The comparison key of a 一级 (level 1) or 二级 (level 2) name:
    "产出指标(50分)" → "产出", "生态环境效益指标" → "生态效益" (level 2)."""
    # a function of the name's text (as normalize_label is): computed once per text
    return _level_key(None if name is None else str(name), level)


@lru_cache(maxsize=4096)
def _level_key(name: str | None, level: int) -> str:
    text = strip_enumeration(normalize_label(name))
    text = _WEIGHT_NOTE.sub("", text)
    text = text.replace("(", "").replace(")", "")
    if text.endswith("指标"):
        text = text[: -len("指标")]
    if level == 2:
        for canonical, aliases in _LEVEL2_ALIASES.items():
            if text in aliases:
                return canonical
    return text


def _keys(table: dict[str, tuple[str, ...]]) -> dict[str, frozenset[str]]:
    return {level_key(l1): frozenset(level_key(l2, 2) for l2 in l2s) for l1, l2s in table.items()}


_CLASSIC = _keys(CLASSIC)
_H2021 = _keys(HIERARCHY_2021)
# 一级 key → every 二级 key allowed under it in either hierarchy.
ALLOWED: dict[str, frozenset[str]] = {
    k: _CLASSIC.get(k, frozenset()) | _H2021.get(k, frozenset()) for k in (*_CLASSIC, *_H2021)
}
LEVEL1_KEYS = frozenset(ALLOWED)
LEVEL2_KEYS = frozenset().union(*ALLOWED.values())
OUTPUT, BENEFIT, SATISFACTION, COST = "产出", "效益", "满意度", "成本"

# 二级 keys that describe money spent (a cost indicator is not the same indicator as a
# quantity with the same 三级 name: "人犯衣被费 200 套" vs "人犯衣被费 每套 75 元").
COST_LEVEL2 = frozenset(k for k in LEVEL2_KEYS if k.endswith("成本"))


def parents_of(level2: str) -> list[str]:
    """Canonical 一级 names (with 指标) under which the 二级 key is allowed."""
    return [f"{l1}指标" for l1, l2s in ALLOWED.items() if level2 in l2s]


def is_cost(level1: object, level2: object) -> bool:
    return level_key(level1) == COST or level_key(level2, 2) in COST_LEVEL2


_FEE_SUFFIX = re.compile(r"(费用|经费|费)$")


def item_key(name: object) -> str:
    """A 三级 name for duplicate detection: normalised, enumeration dropped."""
    return _item_key(None if name is None else str(name))


@lru_cache(maxsize=4096)
def _item_key(name: str | None) -> str:
    return strip_enumeration(normalize_label(name))


def item_core(name: object) -> str:
    """A 三级 name for sibling matching: "人犯供养费" and "人犯供养" share "人犯供养"."""
    return _FEE_SUFFIX.sub("", item_key(name))


def similar_items(a: object, b: object) -> bool:
    """Same or similar 三级 names: equal cores, or one core inside the other
    ("医疗及体检" ↔ "人犯医疗及体检费"), at least three characters long."""
    ca, cb = item_core(a), item_core(b)
    if len(ca) < 3 or len(cb) < 3:
        return False
    return ca == cb or ca in cb or cb in ca
