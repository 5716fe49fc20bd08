"""基本情况 staffing identities (STF001–STF002) as a frame: one row per category
(总数, 行政, 工勤, 事业) with its 编制 and 在职 counts."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter

import pandera.pandas as pa

from reconcile.model import Num, WorkbookModel
from reconcile.schemas.engine import EPS, Columns, SheetFrame, check_rows, flag, frame_schema, total_vs_parts

# (category, 编制 field, 在职 field)
CATEGORIES = (
    ("总数", "staff_quota", "staff_active"),
    ("行政", "quota_admin", "active_admin"),
    ("工勤", "quota_worker", "active_worker"),
    ("事业", "quota_public", "active_public"),
)
COUNT_TOLERANCE = 1e-6   # head counts are compared exactly; this only keeps equal counts out


@dataclass(frozen=True)
class StaffRow:
    category: str
    quota: Num | None
    active: Num | None

    @property
    def is_total(self) -> bool:
        return self.category == "总数"


COLUMNS = Columns(
    numbers={"quota": attrgetter("quota"), "active": attrgetter("active")},
    texts={"category": attrgetter("category")},
    flags={"total": attrgetter("is_total")},
)


def staff_rows(model: WorkbookModel) -> list[StaffRow]:
    return [StaffRow(cat, model.basic.num(q), model.basic.num(a)) for cat, q, a in CATEGORIES]


@lru_cache(maxsize=1)
def _schema() -> pa.DataFrameSchema:
    def parts_off(column):
        return lambda d: total_vs_parts(d, column, d["total"], ~d["total"], COUNT_TOLERANCE, 0.0)

    return frame_schema("基本情况", COLUMNS, [
        flag("STF001:quota", parts_off("quota")),
        flag("STF001:active", parts_off("active")),
        flag("STF002", lambda d: d["active"] > d["quota"] + EPS),
    ])


def validate(model: WorkbookModel) -> tuple[SheetFrame, list[tuple[str, int]]]:
    return check_rows(enumerate(staff_rows(model)), COLUMNS, _schema())
