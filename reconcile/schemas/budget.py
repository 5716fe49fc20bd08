"""The 预算执行 sheet: shape and checks (BUD001–BUD004)."""

from __future__ import annotations

from functools import lru_cache
from operator import attrgetter

import numpy as np
import pandera.pandas as pa

from reconcile.config import Config
from reconcile.model import WorkbookModel
from reconcile.schemas.engine import (
    EPS,
    Cols,
    Columns,
    SheetFrame,
    check_rows,
    filled,
    first_total,
    flag,
    frame_schema,
    percent_of,
    rate_off,
    tolerances,
    total_vs_parts,
)

COLUMNS = Columns(
    numbers={"initial": attrgetter("initial"), "full": attrgetter("full"), "executed": attrgetter("executed"),
             "rate": attrgetter("rate"), "weight": attrgetter("weight"), "score": attrgetter("score")},
    decimals=("rate", "score"),
    texts={"label": attrgetter("label")},
    flags={"total": attrgetter("is_total"), "sub": attrgetter("is_sub")},
)
SUM_COLUMNS = ("initial", "full", "executed")


def execution_rate(d: Cols) -> np.ndarray:
    """执行率 recomputed (NaN when 全年预算数 is 0 or blank)."""
    return percent_of(d["executed"], d["full"])


def rate_used(d: Cols) -> np.ndarray:
    """The 执行率 the score and the threshold go by: recomputed when both amounts are
    filled, the stated one when an amount is blank."""
    return np.where(filled(d["executed"]) & filled(d["full"]), execution_rate(d), d["rate"])


@lru_cache(maxsize=8)
def _schema(base: float, per_addend: float, threshold: float) -> pa.DataFrameSchema:
    def score_off(d):
        rate = rate_used(d)
        return (filled(d["score"]) & filled(d["weight"]) & filled(rate)
                & rate_off(d["score"], np.minimum(rate, 100) * d["weight"] / 100, d["score_dp"]))

    checks = [flag("BUD001", lambda d: filled(d["rate"]) & filled(d["executed"]) & filled(d["full"])
                   & ((d["full"] == 0) | rate_off(d["rate"], execution_rate(d), d["rate_dp"]))),
              flag("BUD002", score_off),
              # rounded to two decimals the rate stays under the threshold up to 0.005 above it
              flag("BUD003", lambda d: ~d["sub"] & (rate_used(d) < threshold + 0.005 + EPS))]
    checks += [flag(f"BUD004:{c}", lambda d, c=c: total_vs_parts(d, c, first_total(d), d["sub"] & ~d["total"], base, per_addend))
               for c in SUM_COLUMNS]
    return frame_schema("预算执行", COLUMNS, checks, sheet_key="budget")


def validate(model: WorkbookModel, config: Config) -> tuple[SheetFrame, list[tuple[str, int]]]:
    unit = model.tables["budget"].unit
    schema = _schema(*tolerances(config, unit), float(config.execution_rate_threshold))
    return check_rows(((r.row, r) for r in model.budget), COLUMNS, schema)
