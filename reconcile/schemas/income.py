"""The 收入 sheet: shape and checks (INC001–INC004)."""

from __future__ import annotations

from functools import lru_cache
from operator import attrgetter

import numpy as np
import pandera.pandas as pa

from reconcile.config import Config
from reconcile.model import WorkbookModel
from reconcile.schemas.changes import change_checks
from reconcile.schemas.engine import (
    Cols,
    Columns,
    SheetFrame,
    check_rows,
    first_total,
    flag,
    frame_schema,
    tolerances,
    total_vs_parts,
)

COLUMNS = Columns(
    numbers={"cur": attrgetter("cur"), "prev": attrgetter("prev"), "delta": attrgetter("delta"), "rate": attrgetter("rate")},
    decimals=("rate",),
    texts={"label": attrgetter("name")},
    flags={"total": attrgetter("is_total"), "sub": attrgetter("is_sub")},
)
SUM_COLUMNS = ("cur", "prev")


def sources(d: Cols) -> np.ndarray:
    """The rows that add up to 收入合计: neither a total nor a 其中 row."""
    return ~d["total"] & ~d["sub"]


@lru_cache(maxsize=8)
def _schema(base: float, per_addend: float, threshold: float) -> pa.DataFrameSchema:
    checks = [flag(f"INC001:{c}", lambda d, c=c: total_vs_parts(d, c, first_total(d), sources(d), base, per_addend))
              for c in SUM_COLUMNS]
    checks += change_checks("INC002", "INC003", "INC004", base, threshold)
    return frame_schema("收入", COLUMNS, checks, sheet_key="income")


def validate(model: WorkbookModel, config: Config) -> tuple[SheetFrame, list[tuple[str, int]]]:
    unit = model.tables["income"].unit
    schema = _schema(*tolerances(config, unit), float(config.change_rate_threshold))
    return check_rows(((r.row, r) for r in model.income), COLUMNS, schema)
