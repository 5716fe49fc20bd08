"""The expenditure function classification (支出功能分类科目, domain.md §1) as data.

The table lives in ``reconcile/data/function_classes.csv`` (one row per code: code,
name, level, former names, first and last year of use, source note) so the bureau can
extend it for a new year without touching code. Matching is alias-aware: a renamed
科目 matches under its former name too (卫生健康支出 and 医疗卫生与计划生育支出 are both
210), and names are compared after :func:`normalize_name`.

Item conventions that hold across 款 (domain.md §1.1) fill the gaps of the table: for
a listed 款 an unlisted 项 ending in 01/02/03/50 is 行政运行 / 一般行政管理事务 /
机关服务 / 事业运行, and an unlisted code ending in 99 under a listed parent is a
“其他…支出”.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

from reconcile.text import normalize_label

LEVELS = {3: "类", 5: "款", 7: "项"}
GENERIC_ITEMS: dict[str, str] = {"01": "行政运行", "02": "一般行政管理事务", "03": "机关服务", "50": "事业运行"}
CODE_PATTERN = r"\d{3}|\d{5}|\d{7}"
OTHER_PATTERN = r"其他.*支出"     # the name of a “99” 科目 by convention

_LEVEL_SUFFIX = re.compile(r"\((类|款|项)\)$")
_CODE_PREFIX = re.compile(r"^\d{3,7}")


@dataclass(frozen=True)
class FunctionClass:
    code: str
    name: str
    level: str                      # 类 / 款 / 项
    aliases: tuple[str, ...] = ()   # former names still seen in workbooks
    valid_from: int | None = None   # first year in use (None: long-standing)
    valid_to: int | None = None     # last year in use (None: still in use)
    note: str = ""
    conventional: bool = False      # not in the table; named by the item convention

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def in_use(self, year: int | None) -> bool:
        if year is None:
            return self.valid_to is None
        return (self.valid_from is None or year >= self.valid_from) and (self.valid_to is None or year <= self.valid_to)

    def matches(self, name: str) -> bool:
        norm = normalize_name(name)
        return any(norm == normalize_name(n) for n in self.names)


def normalize_name(name: object) -> str:
    """A 科目名称 for comparison: normalised label, without a leading code or a
    trailing “（类）/（款）/（项）”."""
    # a function of the name's text (as normalize_label is): computed once per text
    return _normalize_name(None if name is None else str(name))


@lru_cache(maxsize=8192)
def _normalize_name(name: str | None) -> str:
    norm = normalize_label(name)
    norm = _CODE_PREFIX.sub("", norm)
    return _LEVEL_SUFFIX.sub("", norm)


@dataclass(frozen=True, eq=False)
class Catalogue:
    entries: dict[str, FunctionClass]

    @cached_property
    def codes(self) -> frozenset[str]:
        """Codes listed in the table (conventional items excluded)."""
        return frozenset(c for c, e in self.entries.items() if not e.conventional)

    @cached_property
    def pairs(self) -> frozenset[str]:
        """Every accepted "code|normalised name" (names and former names)."""
        return frozenset(f"{e.code}|{normalize_name(n)}" for e in self.entries.values() for n in e.names)

    def out_of_use(self, year: int | None) -> frozenset[str]:
        return _out_of_use(self, year)

    def get(self, code: str) -> FunctionClass | None:
        """The listed entry of ``code`` (a conventional item only if ``name`` is not needed)."""
        return self.entries.get(code)

    def listed(self, code: str) -> FunctionClass | None:
        entry = self.entries.get(code)
        return entry if entry is not None and not entry.conventional else None

    def parent(self, code: str) -> FunctionClass | None:
        """The nearest listed ancestor of ``code``."""
        for cut in (5, 3):
            if len(code) > cut and self.listed(code[:cut]) is not None:
                return self.entries[code[:cut]]
        return None

    def accepts(self, code: str, name: str) -> bool:
        """Code and name agree: a listed code under its name or a former name, a
        conventional item under its conventional name, or an unlisted “99” under a
        listed parent named “其他…支出”."""
        entry = self.entries.get(code)
        if entry is not None and entry.matches(name):
            return True
        return (self.listed(code) is None and code.endswith("99") and len(code) in (5, 7)
                and self.listed(code[:-2]) is not None
                and re.fullmatch(OTHER_PATTERN, normalize_name(name)) is not None)


@lru_cache(maxsize=16)
def _out_of_use(cat: Catalogue, year: int | None) -> frozenset[str]:
    return frozenset(c for c, e in cat.entries.items() if not e.in_use(year))


def _int(text: str) -> int | None:
    text = (text or "").strip()
    return int(text) if text else None


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The table from package data plus the conventional items of every listed 款."""
    text = resources.files("reconcile").joinpath("data", "function_classes.csv").read_text(encoding="utf-8")
    entries: dict[str, FunctionClass] = {}
    for row in csv.DictReader(io.StringIO(text)):
        code = row["code"].strip()
        if not re.fullmatch(CODE_PATTERN, code):
            raise ValueError(f"function_classes.csv: bad code {code!r}")
        if LEVELS[len(code)] != row["level"].strip():
            raise ValueError(f"function_classes.csv: level of {code} should be {LEVELS[len(code)]}")
        aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
        entries[code] = FunctionClass(code, row["name"].strip(), row["level"].strip(), aliases,
                                      _int(row.get("valid_from", "")), _int(row.get("valid_to", "")),
                                      (row.get("note") or "").strip())
    for code, entry in list(entries.items()):
        if entry.level != "款":
            continue
        for suffix, name in GENERIC_ITEMS.items():
            item = code + suffix
            if item not in entries:
                entries[item] = FunctionClass(item, name, "项", note="conventional item", conventional=True)
    return Catalogue(entries)
