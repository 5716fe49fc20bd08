"""The 支出 sheet: shape and checks (EXP001–EXP008).

Hierarchy by code prefix (domain.md §1.1): a row's parent is its nearest *listed*
ancestor (款 ``20402`` for 项 ``2040201``, else 类 ``204``); rows without a listed
ancestor are top level and add up to 支出合计. A 类 or 款 with no child listed is
not checked against children. 其中 rows and rows with an unusable code never enter
a sum.
"""

from __future__ import annotations

import re
from functools import lru_cache
from operator import attrgetter

import numpy as np
import pandera.pandas as pa

from reconcile.config import Config
from reconcile.model import WorkbookModel
from reconcile.reference.function_classes import CODE_PATTERN, OTHER_PATTERN, Catalogue, catalogue, normalize_name
from reconcile.schemas.changes import change_checks
from reconcile.schemas.engine import (
    Cols,
    Columns,
    SheetFrame,
    check_rows,
    exceeds,
    filled,
    first_total,
    flag,
    frame_schema,
    has_text,
    text_array,
    tolerances,
    total_vs_parts,
)

COLUMNS = Columns(
    numbers={"cur": attrgetter("cur"), "prev": attrgetter("prev"), "delta": attrgetter("delta"), "rate": attrgetter("rate"),
             "basic": attrgetter("basic"), "project": attrgetter("project")},
    decimals=("rate",),
    texts={"code": attrgetter("code_str"), "name": lambda r: normalize_name(r.name.value) if r.name.value else None},
    flags={"total": attrgetter("is_total"), "sub": attrgetter("is_sub")},
)
SUM_COLUMNS = ("cur", "prev")


TREE_COLUMNS = {
    "valid": pa.Column(bool),                      # a usable code on a row that can enter sums
    "key": pa.Column(str, nullable=True),          # the code where valid
    "level": pa.Column("int64"),                   # 3 / 5 / 7, 0 where not valid
    "parent": pa.Column(str, nullable=True),       # nearest listed ancestor, NaN for top-level rows
    "top": pa.Column(bool),                        # valid rows without a listed ancestor
    "children": pa.Column("int64"),                # rows whose parent this row is
    # Σ and count of the children's filled amounts, per summed column
    **{f"{c}_children": pa.Column("float64") for c in ("cur", "prev")},
    **{f"{c}_children_n": pa.Column("int64") for c in ("cur", "prev")},
}

_CODE = re.compile(CODE_PATTERN)
_OTHER = re.compile(OTHER_PATTERN)


def add_tree(d: Cols) -> Cols:
    """The code hierarchy of the listed rows as columns (once per sheet). The codes
    are numbered once; the children's counts and sums are then array operations."""
    n = d.n
    valid = (np.fromiter((c is not None and _CODE.fullmatch(c) is not None for c in d["code"]), bool, n)
             & ~d["sub"] & ~d["total"])
    key = np.where(valid, d["code"], None)
    level = np.fromiter((len(k) if k is not None else 0 for k in key), np.int64, n)
    listed = set(key[valid])
    parents: list[str | None] = []
    for k, lv in zip(key, level.tolist()):
        if lv == 7 and k[:5] in listed:
            parents.append(k[:5])
        elif lv > 3 and k[:3] in listed:
            parents.append(k[:3])
        else:
            parents.append(None)
    parent = text_array(parents)
    is_child = np.not_equal(parent, None)
    # number the listed codes, one spare number for rows without a code; each child
    # points at its parent's number
    number = {code: i for i, code in enumerate(listed)}
    spare = len(number)
    slot = np.fromiter((number.get(k, spare) for k in key), np.int64, n)
    of_parent = np.fromiter((number[p] for p in parent[is_child]), np.int64, int(is_child.sum()))
    sums: dict[str, np.ndarray] = {"children": np.bincount(of_parent, minlength=spare + 1)[slot].astype(np.int64)}
    for c in SUM_COLUMNS:
        values = d[c][is_child]
        present = filled(values)
        sums[f"{c}_children"] = np.bincount(of_parent[present], weights=values[present],
                                            minlength=spare + 1)[slot].astype(np.float64)  # int64 when empty
        sums[f"{c}_children_n"] = np.bincount(of_parent[present], minlength=spare + 1)[slot].astype(np.int64)
    return d.with_columns(valid=valid, key=key, level=level, parent=parent, top=valid & ~is_child, **sums)


def code_mismatch(d: Cols, year: int | None) -> np.ndarray:
    """EXP004 candidates: no code, a code that is not 3/5/7 digits, a code unknown or
    out of use in ``year``, or a name matching neither the code's name nor a former one."""
    cat = catalogue()
    code, name = d["code"], d["name"]
    rows = ~d["total"] & ~d["sub"] & (has_text(code) | has_text(name))
    wrong = np.fromiter((_code_wrong(cat, c, nm, year) for c, nm in zip(code, name)), bool, d.n)
    return rows & wrong


@lru_cache(maxsize=4096)
def _code_wrong(cat: Catalogue, code: str | None, name: str | None, year: int | None) -> bool:
    """One (code, normalised name) pair is an EXP004 candidate (the classification
    of a pair is the same in every file of a year: computed once)."""
    if code is None or _CODE.fullmatch(code) is None:
        return True
    if name is not None:
        accepted = (f"{code}|{name}" in cat.pairs
                    or (code.endswith("99") and code not in cat.codes and code[:-2] in cat.codes
                        and _OTHER.fullmatch(name) is not None))
    else:
        accepted = code in cat.entries
    return not accepted or code in cat.out_of_use(year)


@lru_cache(maxsize=8)
def _schema(base: float, per_addend: float, threshold: float, year: int | None) -> pa.DataFrameSchema:
    def total_check(c):
        return lambda d: total_vs_parts(d, c, first_total(d), d["top"], base, per_addend)

    def level_check(c, level):
        return lambda d: ((d["level"] == level) & (d["children"] > 0) & filled(d[c])
                          & exceeds(d[c], d[f"{c}_children"], base + per_addend * d[f"{c}_children_n"]))

    checks = [flag(f"EXP001:{c}", total_check(c)) for c in SUM_COLUMNS]
    checks += [flag(f"EXP002:{c}", level_check(c, 3)) for c in SUM_COLUMNS]
    checks += [flag(f"EXP003:{c}", level_check(c, 5)) for c in SUM_COLUMNS]
    checks.append(flag("EXP004", lambda d: code_mismatch(d, year)))
    checks += change_checks("EXP005", "EXP006", "EXP007", base, threshold)
    checks.append(flag("EXP008", lambda d: filled(d["basic"]) & filled(d["project"]) & filled(d["cur"])
                       & exceeds(d["basic"] + d["project"], d["cur"], base + 2 * per_addend)))
    return frame_schema("支出", COLUMNS, checks, TREE_COLUMNS, sheet_key="expenditure")


def validate(model: WorkbookModel, config: Config) -> tuple[SheetFrame, list[tuple[str, int]]]:
    unit = model.tables["expenditure"].unit
    schema = _schema(*tolerances(config, unit), float(config.change_rate_threshold), model.year)
    return check_rows(((r.row, r) for r in model.expenditure), COLUMNS, schema, derive=add_tree)
