"""The 支出 sheet: shape and checks (EXP001–EXP008).

Hierarchy by code prefix (domain.md §1.1): a row's parent is its nearest *listed*
ancestor (款 ``20402`` for 项 ``2040201``, else 类 ``204``); rows without a listed
ancestor are top level and add up to 支出合计. A 类 or 款 with no child listed is
not checked against children. 其中 rows and rows with an unusable code never enter
a sum.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
import pandera.pandas as pa

from reconcile.config import Config
from reconcile.model import WorkbookModel
from reconcile.reference.function_classes import CODE_PATTERN, OTHER_PATTERN, catalogue, normalize_name
from reconcile.schemas.changes import change_checks
from reconcile.schemas.engine import (
    Columns,
    SheetFrame,
    check_rows,
    exceeds,
    first_total,
    flag,
    frame_schema,
    tolerances,
    total_vs_parts,
)

COLUMNS = Columns(
    numbers={"cur": lambda r: r.cur, "prev": lambda r: r.prev, "delta": lambda r: r.delta, "rate": lambda r: r.rate,
             "basic": lambda r: r.basic, "project": lambda r: r.project},
    decimals=("rate",),
    texts={"code": lambda r: r.code_str, "name": lambda r: normalize_name(r.name.value) if r.name.value else None},
    flags={"total": lambda r: r.is_total, "sub": lambda r: r.is_sub},
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


def add_tree(d: pd.DataFrame) -> pd.DataFrame:
    """The code hierarchy of the listed rows as columns (vectorised, once per sheet)."""
    well_formed = d["code"].str.fullmatch(CODE_PATTERN).fillna(False).astype(bool)
    valid = well_formed & ~d["sub"] & ~d["total"]
    key = d["code"].where(valid)
    level = key.str.len().fillna(0).astype("int64")
    listed = key.dropna()
    k5, k3 = key.str[:5], key.str[:3]
    has5 = (level == 7) & k5.isin(listed)
    has3 = (level > 3) & k3.isin(listed)
    parent = k5.where(has5, k3.where(has3))
    is_child = valid & parent.notna()
    by_parent = parent[is_child]
    sums: dict[str, pd.Series] = {"children": key.map(by_parent.value_counts()).fillna(0).astype("int64")}
    for c in SUM_COLUMNS:
        grouped = d.loc[is_child, c].groupby(by_parent)
        sums[f"{c}_children"] = key.map(grouped.sum()).fillna(0.0)
        sums[f"{c}_children_n"] = key.map(grouped.count()).fillna(0).astype("int64")
    return d.assign(valid=valid, key=key, level=level, parent=parent, top=valid & parent.isna(), **sums)


def code_mismatch(d: pd.DataFrame, year: int | None) -> pd.Series:
    """EXP004 candidates: no code, a code that is not 3/5/7 digits, a code unknown or
    out of use in ``year``, or a name matching neither the code's name nor a former one."""
    cat = catalogue()
    rows = ~d["total"] & ~d["sub"] & (d["code"].notna() | d["name"].notna())
    code, name = d["code"], d["name"]
    well_formed = code.str.fullmatch(CODE_PATTERN).fillna(False).astype(bool)
    named = name.notna()
    pair_ok = (code + "|" + name).isin(cat.pairs).fillna(False).astype(bool)
    other_ok = (code.str.endswith("99").fillna(False).astype(bool) & ~code.isin(cat.codes)
                & code.str[:-2].isin(cat.codes) & name.str.fullmatch(OTHER_PATTERN).fillna(False).astype(bool))
    known = code.isin(cat.entries.keys())
    accepted = (named & (pair_ok | other_ok)) | (~named & known)
    out_of_use = code.isin(cat.out_of_use(year))
    return rows & (code.isna() | ~well_formed | ~accepted | out_of_use)


@lru_cache(maxsize=8)
def _schema(base: float, per_addend: float, threshold: float, year: int | None) -> pa.DataFrameSchema:
    def total_check(c):
        return lambda d: total_vs_parts(d, c, first_total(d), d["top"], base, per_addend)

    def level_check(c, level):
        return lambda d: ((d["level"] == level) & (d["children"] > 0) & d[c].notna()
                          & exceeds(d[c], d[f"{c}_children"], base + per_addend * d[f"{c}_children_n"]))

    checks = [flag(f"EXP001:{c}", total_check(c)) for c in SUM_COLUMNS]
    checks += [flag(f"EXP002:{c}", level_check(c, 3)) for c in SUM_COLUMNS]
    checks += [flag(f"EXP003:{c}", level_check(c, 5)) for c in SUM_COLUMNS]
    checks.append(flag("EXP004", lambda d: code_mismatch(d, year)))
    checks += change_checks("EXP005", "EXP006", "EXP007", base, threshold)
    checks.append(flag("EXP008", lambda d: d["basic"].notna() & d["project"].notna() & d["cur"].notna()
                       & exceeds(d["basic"] + d["project"], d["cur"], base + 2 * per_addend)))
    return frame_schema("支出", COLUMNS, checks, TREE_COLUMNS, sheet_key="expenditure")


def validate(model: WorkbookModel, config: Config) -> tuple[SheetFrame, list[tuple[str, int]]]:
    unit = model.tables["expenditure"].unit
    schema = _schema(*tolerances(config, unit), float(config.change_rate_threshold), model.year)
    return check_rows(((r.row, r) for r in model.expenditure), COLUMNS, schema, derive=add_tree)
