"""Frames, schema building and failure mapping shared by the sheet schemas.

A :class:`SheetFrame` holds one DataFrame per table (index = Excel row number, or a
running number for frames that are not one sheet's rows), the model rows by index and
the :class:`~reconcile.model.Num` behind every numeric cell, so that a failure case
maps straight back to the cell the reader recorded.

Checks are pandera dataframe checks returning a boolean Series per row (:func:`flag`).
pandera reports a failing row melted over its non-null cells (tooling.md §1.2); the
key column is never null, so taking the failure cases of that column gives exactly one
case per failing row, with the row's index, even when the amounts of that row are
blank. (A full-shape boolean frame blaming one cell does the same but costs pandera a
pass over every column for every check, passing or not.) Checks are vectorised and run on
floats; they select *candidates* with a margin that can only over-select (a gap
within ``EPS`` of the tolerance is still selected). Every candidate is then confirmed
in Decimal through :mod:`reconcile.rules.arith` by the rule module, so float never
decides a finding.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from reconcile.config import Config
from reconcile.model import Num
from reconcile.rules.arith import tolerance_terms

KEY = "_row"          # always filled: the row number; failures are blamed on it
EPS = 1e-9            # float slack (in 万元 / percent points), far below any tolerance

Mask = Callable[[pd.DataFrame], pd.Series]


class SchemaProblem(RuntimeError):
    """The frame did not have the declared shape, or a check raised: a bug, not a finding."""


@dataclass(frozen=True)
class Columns:
    """What a frame holds, read from the model rows.

    numbers: column → getter of the row's Num, or of a plain Decimal (float column,
        NaN when blank);
    decimals: numeric columns whose stated decimal places are kept as ``<col>_dp``;
    texts: column → getter of a str (or None); flags: column → getter of a bool.
    """

    numbers: dict[str, Callable[[Any], Num | Decimal | None]]
    texts: dict[str, Callable[[Any], str | None]] = field(default_factory=dict)
    flags: dict[str, Callable[[Any], bool]] = field(default_factory=dict)
    decimals: tuple[str, ...] = ()


@dataclass
class SheetFrame:
    df: pd.DataFrame
    rows: dict[int, Any]
    nums: dict[tuple[int, str], Num | None]

    def num(self, index: int, column: str) -> Num | None:
        return self.nums.get((index, column))

    def row(self, index: int) -> Any:
        return self.rows[index]


def _value(num: Num | Decimal | None) -> float:
    if isinstance(num, Decimal):
        return float(num)
    return float(num.value) if num is not None and num.value is not None else math.nan


def build_frame(items: Iterable[tuple[int, Any]], cols: Columns) -> SheetFrame:
    """A frame of ``items`` ((index, model row) pairs) with the columns ``cols``."""
    index: list[int] = []
    rows: dict[int, Any] = {}
    nums: dict[tuple[int, str], Num | None] = {}
    numbers: dict[str, list[float]] = {name: [] for name in cols.numbers}
    decimals: dict[str, list[float]] = {name: [] for name in cols.decimals}
    texts: dict[str, list[str | None]] = {name: [] for name in cols.texts}
    flags: dict[str, list[bool]] = {name: [] for name in cols.flags}
    for idx, row in items:
        index.append(idx)
        rows[idx] = row
        for name, get in cols.numbers.items():
            num = get(row)
            nums[(idx, name)] = num
            numbers[name].append(_value(num))
            if name in decimals:
                dp = num.decimals if num is not None and num.value is not None else None
                decimals[name].append(math.nan if dp is None else float(dp))
        for name, get in cols.texts.items():
            texts[name].append(get(row) or None)
        for name, get in cols.flags.items():
            flags[name].append(bool(get(row)))
    ix = pd.Index(index, dtype="int64")
    data: dict[str, pd.Series] = {KEY: pd.Series(index, index=ix, dtype="int64")}
    data.update({name: pd.Series(v, index=ix, dtype="float64") for name, v in numbers.items()})
    data.update({f"{name}_dp": pd.Series(v, index=ix, dtype="float64") for name, v in decimals.items()})
    data.update({name: pd.Series(v, index=ix, dtype="str") for name, v in texts.items()})
    data.update({name: pd.Series(v, index=ix, dtype="bool") for name, v in flags.items()})
    return SheetFrame(pd.DataFrame(data, index=ix), rows, nums)


def frame_schema(name: str, cols: Columns, checks: list[pa.Check],
                 derived: dict[str, pa.Column] | None = None, sheet_key: str | None = None) -> pa.DataFrameSchema:
    """The shape of a frame built with ``cols`` (plus ``derived`` columns a vectorised
    step adds before validation) and its checks. With ``sheet_key``, each column that
    stands for a template column carries that column's Chinese label as its title."""
    def title(key: str) -> str | None:
        if sheet_key is None:
            return None
        from reconcile.template.definition import SHEET_BY_KEY

        return next((c.label for c in SHEET_BY_KEY[sheet_key].columns if c.key == key), None)

    columns: dict[str, pa.Column] = {KEY: pa.Column("int64", unique=True, title="行号")}
    columns.update({n: pa.Column("float64", nullable=True, title=title(n)) for n in cols.numbers})
    columns.update({f"{n}_dp": pa.Column("float64", nullable=True) for n in cols.decimals})
    columns.update({n: pa.Column(str, nullable=True, title=title(n)) for n in cols.texts})
    columns.update({n: pa.Column(bool) for n in cols.flags})
    columns.update(derived or {})
    return pa.DataFrameSchema(columns, checks=checks, strict=True, name=name)


def flag(name: str, mask: Mask) -> pa.Check:
    """A check named ``name`` failing on the rows where ``mask`` is True."""

    def passes(d: pd.DataFrame) -> pd.Series:
        return ~mask(d).fillna(False).astype(bool)

    return pa.Check(passes, name=name, error=name)


def failures(schema: pa.DataFrameSchema, frame: SheetFrame) -> list[tuple[str, int]]:
    """Validate lazily; the failing ``(check name, index)`` pairs, by row then check."""
    try:
        schema.validate(frame.df, lazy=True)
    except SchemaErrors as exc:
        fc = exc.failure_cases
        if fc["index"].isna().any() or (fc["schema_context"] != "DataFrameSchema").any():
            raise SchemaProblem(json.dumps(exc.message, ensure_ascii=False)) from None
        located = fc[fc["column"] == KEY]
        pairs = {(int(i), int(n), str(c)) for i, n, c in zip(located["index"], located["check_number"], located["check"])}
        return [(check, idx) for idx, _, check in sorted(pairs)]
    return []


def check_rows(items: Iterable[tuple[int, Any]], cols: Columns, schema: pa.DataFrameSchema,
               derive: Callable[[pd.DataFrame], pd.DataFrame] | None = None) -> tuple[SheetFrame, list[tuple[str, int]]]:
    """Build the frame of ``items`` (adding ``derive``'s vectorised columns) and validate it."""
    frame = build_frame(items, cols)
    if derive is not None:
        frame.df = derive(frame.df)
    return frame, failures(schema, frame)


# ---------------------------------------------------------------- vectorised pieces


def tolerances(config: Config, unit: str) -> tuple[float, float]:
    """(base, per addend) of the amount tolerance in 万元, as floats for candidates."""
    base, per_addend = tolerance_terms(config, unit)
    return float(base), float(per_addend)


def exceeds(stated: pd.Series, expected: pd.Series | float, tolerance: pd.Series | float) -> pd.Series:
    """Candidates for an amount mismatch: the gap may exceed the tolerance."""
    return (stated - expected).abs() > tolerance - EPS


def percent_of(part: pd.Series, whole: pd.Series) -> pd.Series:
    """part / whole × 100, NaN where whole is 0 or blank."""
    return part / whole.where(whole != 0) * 100


def rate_off(stated: pd.Series, computed: pd.Series, decimals: pd.Series) -> pd.Series:
    """Candidates for a rate mismatch: at least half a unit of the stated rate's last
    place (two decimals or fewer count as two) away from the computed one; any closer
    rate rounds to the stated one and is OK (arith.compare_rate)."""
    half = 0.5 * 10.0 ** (-decimals.fillna(2).clip(lower=2))
    return (stated - computed).abs() >= half - EPS


def first_total(d: pd.DataFrame) -> pd.Series:
    """The first row flagged ``total`` (a sheet's 合计 / 年度资金总额)."""
    return d["total"] & (d["total"].cumsum() == 1)


def total_vs_parts(d: pd.DataFrame, column: str, total: pd.Series, parts: pd.Series,
                   base: float, per_addend: float) -> pd.Series:
    """Candidates where the ``total`` row's ``column`` differs from Σ ``parts`` rows
    (blank parts count 0; tolerance grows with the filled parts)."""
    values = d.loc[parts, column]
    return total & d[column].notna() & exceeds(d[column], values.sum(), base + per_addend * values.count())
