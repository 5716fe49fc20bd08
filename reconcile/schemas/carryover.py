"""The 结转结余 sheet: shape and check (CAR001)."""

from __future__ import annotations

from functools import lru_cache
from operator import attrgetter

import pandera.pandas as pa

from reconcile.config import Config
from reconcile.model import WorkbookModel
from reconcile.schemas.engine import (
    Columns,
    SheetFrame,
    blank_as_zero,
    check_rows,
    exceeds,
    filled,
    flag,
    frame_schema,
    tolerances,
)

COLUMNS = Columns(
    numbers={"opening": attrgetter("opening"), "income": attrgetter("income"), "expense": attrgetter("expense"),
             "closing": attrgetter("closing")},
    texts={"label": attrgetter("label")},
    flags={"total": attrgetter("is_total")},
)
PARTS = ("opening", "income", "expense")


@lru_cache(maxsize=8)
def _schema(base: float, per_addend: float) -> pa.DataFrameSchema:
    def closing_off(d):
        expected = blank_as_zero(d["opening"]) + blank_as_zero(d["income"]) - blank_as_zero(d["expense"])
        n_filled = sum(filled(d[c]).astype("int64") for c in PARTS)
        return filled(d["closing"]) & exceeds(d["closing"], expected, base + per_addend * n_filled)

    return frame_schema("结转结余", COLUMNS, [flag("CAR001", closing_off)], sheet_key="carryover")


def validate(model: WorkbookModel, config: Config) -> tuple[SheetFrame, list[tuple[str, int]]]:
    unit = model.tables["carryover"].unit
    return check_rows(((r.row, r) for r in model.carryover), COLUMNS, _schema(*tolerances(config, unit)))
