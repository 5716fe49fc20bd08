"""Frames, schema building and failure mapping shared by the sheet schemas.

A :class:`SheetFrame` holds one table's columns as numpy arrays (:class:`Cols`; the
index is the Excel row number, or a running number for frames that are not one sheet's
rows) and the model row of each index, so that a failure maps straight back to the
row, and its cells, the reader recorded.

Each sheet's :class:`pandera.DataFrameSchema` is the one declaration of its columns
(dtype, nullability, the unique row key, strict) and of its checks. A check is a
vectorised *mask* (:func:`flag`): a function of the columns returning a boolean array,
True on the rows that fail. Checks run on floats; they select *candidates* with a
margin that can only over-select (a gap within ``EPS`` of the tolerance is still
selected). Every candidate is then confirmed in Decimal through
:mod:`reconcile.rules.arith` by the rule module, so float never decides a finding.

How a schema is executed (:func:`failures`). pandera costs 7–25 ms a sheet for what
the masks do in well under one (tooling.md §1.6), so the schema runs on a fast path:
the frame is built with the declared dtypes by construction (:func:`build_frame`),
a cheap assertion confirms that it has exactly the declared columns, dtypes, non-null
and unique columns, and each of the schema's checks is evaluated once, directly, on
the arrays; the failing rows are where a mask is True. That is pandera's own result
for these checks: a dataframe check returning a boolean Series fails on the rows
where it is False (``ignore_na`` only forgives rows whose every cell is null, and the
row key never is), and :func:`pandera_failures` reads exactly those rows from
``failure_cases`` (tests/test_schema_fast_path.py compares the two on generated,
perturbed and example workbooks). When the assertion fails, a check raises or returns
something else than one boolean per row, pandera validates the frame instead
(:func:`pandera_failures`) and reports the problem as a :class:`SchemaProblem`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from reconcile.config import Config
from reconcile.model import Num
from reconcile.rules.arith import tolerance_terms

KEY = "_row"          # always filled: the row number; failures are blamed on it
_NAN = float("nan")
EPS = 1e-9            # float slack (in 万元 / percent points), far below any tolerance

Mask = Callable[["Cols"], np.ndarray]


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


class Cols(Mapping[str, np.ndarray]):
    """A frame's columns as one-dimensional numpy arrays of equal length: float64
    (NaN when blank), int64, bool, or object holding str or None (text columns)."""

    __slots__ = ("_data", "index")

    def __init__(self, index: np.ndarray, data: dict[str, np.ndarray]):
        self.index = index
        self._data = data

    def __getitem__(self, name: str) -> np.ndarray:
        return self._data[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    @property
    def n(self) -> int:
        return len(self.index)

    def with_columns(self, **more: np.ndarray) -> Cols:
        return Cols(self.index, {**self._data, **more})

    def to_frame(self) -> pd.DataFrame:
        """The DataFrame pandera validates: same columns, index = the row key; object
        arrays become pandas' ``str`` dtype (None → NaN)."""
        ix = pd.Index(self.index, dtype="int64")
        return pd.DataFrame({name: pd.Series(a, index=ix, dtype="str" if a.dtype == object else a.dtype)
                             for name, a in self._data.items()}, index=ix)

    @classmethod
    def of_frame(cls, df: pd.DataFrame) -> Cols:
        """The arrays of a DataFrame built by :meth:`to_frame` (text NaN → None)."""
        data = {name: (s.to_numpy(dtype=object, na_value=None) if s.dtype == "str" or s.dtype == object
                       else s.to_numpy())
                for name, s in df.items()}
        return cls(df.index.to_numpy(dtype="int64"), data)


@dataclass
class SheetFrame:
    cols: Cols
    rows: dict[int, Any]                       # the model row of each index
    schema: pa.DataFrameSchema | None = None   # the schema the frame was validated against

    @property
    def index(self) -> np.ndarray:
        return self.cols.index

    @property
    def df(self) -> pd.DataFrame:
        """The frame as a DataFrame (built on demand: pandera's slow path, tests)."""
        return self.cols.to_frame()

    def row(self, index: int) -> Any:
        return self.rows[index]

    def rows_where(self, mask: np.ndarray) -> list[Any]:
        """The model rows where ``mask`` is True, in frame order."""
        return [self.rows[int(i)] for i in self.index[mask]]


def _value(num: Num | Decimal | None) -> float:
    if isinstance(num, Decimal):
        return float(num)
    return float(num.value) if num is not None and num.value is not None else np.nan


def _places(num: Num | Decimal | None) -> float:
    return float(num.decimals) if isinstance(num, Num) and num.value is not None and num.decimals is not None else np.nan


def build_frame(items: Iterable[tuple[int, Any]], cols: Columns) -> SheetFrame:
    """A frame of ``items`` ((index, model row) pairs) with the columns ``cols``, each
    array built with the dtype :func:`frame_schema` declares for it."""
    pairs = list(items)
    rows = [row for _, row in pairs]
    ix = np.array([idx for idx, _ in pairs], dtype=np.int64)
    data: dict[str, np.ndarray] = {KEY: ix}
    places: dict[str, np.ndarray] = {}
    for name, get in cols.numbers.items():
        cells = list(map(get, rows))
        # the column at once, without a call per cell: exactly :func:`_value` cell by
        # cell (tests/test_rules_fast.py; numpy's own conversion of Decimals is slower)
        values = [c if c is None or type(c) is Decimal else c.value for c in cells]
        data[name] = np.array([_NAN if v is None else float(v) for v in values], dtype=np.float64)
        if name in cols.decimals:
            places[f"{name}_dp"] = np.array([_places(c) for c in cells], dtype=np.float64)
    data.update(places)
    data.update({name: text_array([v or None for v in map(get, rows)]) for name, get in cols.texts.items()})
    data.update({name: np.array(list(map(bool, map(get, rows))), dtype=bool) for name, get in cols.flags.items()})
    return SheetFrame(Cols(ix, data), dict(pairs))


def text_array(values: list) -> np.ndarray:
    """A text column: an object array of str or None."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


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
    """A check named ``name`` failing on the rows where ``mask`` is True. pandera calls
    it on a DataFrame; :func:`failures` calls ``mask`` on the arrays directly."""

    def passes(d: pd.DataFrame) -> pd.Series:
        with np.errstate(all="ignore"):
            failing = mask(Cols.of_frame(d))
        if not _is_mask(failing, len(d)):
            raise SchemaProblem(f"{name}: the check did not return one bool per row")
        return pd.Series(~failing, index=d.index)

    check = pa.Check(passes, name=name, error=name)
    check.mask = mask
    return check


def _is_mask(value: object, n: int) -> bool:
    return isinstance(value, np.ndarray) and value.dtype == np.bool_ and value.shape == (n,)


# ---------------------------------------------------------------- running a schema

_TEXT_TYPES = frozenset({str, type(None)})

# pandera dtypes → the numpy dtype of the array that holds such a column
_ARRAY_DTYPES = {"float64": np.dtype(np.float64), "int64": np.dtype(np.int64), "bool": np.dtype(np.bool_),
                 "str": np.dtype(object), "string[python]": np.dtype(object)}


@dataclass(frozen=True)
class _Plan:
    """What the fast path needs from a schema, read from it once."""

    schema: pa.DataFrameSchema
    dtypes: dict[str, np.dtype]               # every column (strict: no other)
    not_null: tuple[str, ...]                 # float / text columns declared non-nullable
    unique: tuple[str, ...]
    checks: tuple[tuple[str, Mask], ...] | None   # None: the schema needs pandera

    def holds(self, cols: Cols) -> bool:
        """The frame has exactly the declared columns, dtypes (text: str or None),
        non-null and unique columns."""
        n = cols.n
        if len(cols) != len(self.dtypes):
            return False
        for name, dtype in self.dtypes.items():
            a = cols.get(name)
            if a is None or a.dtype != dtype or a.shape != (n,):
                return False
            if dtype == object and not set(map(type, a.tolist())) <= _TEXT_TYPES:
                return False
        for name in self.not_null:
            a = cols[name]
            if (np.isnan(a).any() if a.dtype == np.float64 else any(v is None or v != v for v in a)):
                return False
        # unique columns: int64 or text (a float column holding NaN would need np.unique)
        return all(len(set(cols[name].tolist()) if cols[name].dtype != np.float64 else np.unique(cols[name])) == n
                   for name in self.unique)


def _plan(schema: pa.DataFrameSchema) -> _Plan | None:
    """The fast-path plan of ``schema`` (read once, kept on the schema); None when it
    declares something the fast path does not evaluate itself (coercion, column checks,
    checks not made by :func:`flag`)."""
    plan = getattr(schema, "_fast_plan", None)
    if plan is None or plan.schema is not schema:   # not made yet, or made for a copy's original
        plan = _make_plan(schema)
        schema._fast_plan = plan
    return plan if plan.checks is not None else None


def _make_plan(schema: pa.DataFrameSchema) -> _Plan:
    unsupported = _Plan(schema, {}, (), (), None)
    if not schema.strict or schema.coerce or schema.index is not None or schema.unique:
        return unsupported
    dtypes: dict[str, np.dtype] = {}
    not_null: list[str] = []
    unique: list[str] = []
    for name, col in schema.columns.items():
        dtype = _ARRAY_DTYPES.get(str(col.dtype))
        if dtype is None or col.checks or col.coerce or not col.required or col.regex:
            return unsupported
        dtypes[name] = dtype
        if not col.nullable and dtype in (np.dtype(np.float64), np.dtype(object)):
            not_null.append(name)
        if col.unique:
            unique.append(name)
    checks = []
    for check in schema.checks:
        mask = getattr(check, "mask", None)
        if mask is None or check.element_wise or check.groupby is not None:
            return unsupported
        checks.append((check.error, mask))
    return _Plan(schema, dtypes, tuple(not_null), tuple(unique), tuple(checks))


def failures(schema: pa.DataFrameSchema, frame: SheetFrame) -> list[tuple[str, int]]:
    """The failing ``(check name, index)`` pairs of ``frame`` under ``schema``, by row
    then check: the schema's masks evaluated directly (the fast path above), pandera's
    lazy validation whenever the frame or a check is not as declared."""
    frame.schema = schema
    plan = _plan(schema)
    if plan is None or not plan.holds(frame.cols):
        return pandera_failures(schema, frame)
    cols, found = frame.cols, []
    with np.errstate(all="ignore"):
        for number, (name, mask) in enumerate(plan.checks):
            try:
                failing = mask(cols)
            except Exception:  # noqa: BLE001 - pandera reports it (SchemaProblem)
                return pandera_failures(schema, frame)
            if not _is_mask(failing, cols.n):
                return pandera_failures(schema, frame)
            found.extend((int(i), number, name) for i in cols.index[failing])
    return [(name, idx) for idx, _, name in sorted(set(found))]


def pandera_failures(schema: pa.DataFrameSchema, frame: SheetFrame) -> list[tuple[str, int]]:
    """Validate ``frame.df`` with pandera, lazily; the failing ``(check name, index)``
    pairs, by row then check. A failure that is not a row of a check (a column, dtype
    or uniqueness error, a check that raised) is a :class:`SchemaProblem`."""
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
               derive: Callable[[Cols], Cols] | None = None) -> tuple[SheetFrame, list[tuple[str, int]]]:
    """Build the frame of ``items`` (adding ``derive``'s vectorised columns) and validate it."""
    frame = build_frame(items, cols)
    if derive is not None:
        frame.cols = derive(frame.cols)
    return frame, failures(schema, frame)


# ---------------------------------------------------------------- vectorised pieces
# numpy on the frame's arrays: NaN (a blank cell) is never equal, greater or smaller,
# so a comparison with a blank is False, as in pandas.


def tolerances(config: Config, unit: str) -> tuple[float, float]:
    """(base, per addend) of the amount tolerance in 万元, as floats for candidates."""
    base, per_addend = tolerance_terms(config, unit)
    return float(base), float(per_addend)


def filled(values: np.ndarray) -> np.ndarray:
    """Not blank (not NaN)."""
    return ~np.isnan(values)


def has_text(texts: np.ndarray) -> np.ndarray:
    """A text column's cell is filled (not None)."""
    return np.not_equal(texts, None)


def blank_as_zero(values: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(values), 0.0, values)


def exceeds(stated: np.ndarray, expected: np.ndarray | float, tolerance: np.ndarray | float) -> np.ndarray:
    """Candidates for an amount mismatch: the gap may exceed the tolerance."""
    return np.abs(stated - expected) > tolerance - EPS


def percent_of(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """part / whole × 100, NaN where whole is 0 or blank."""
    return part / np.where(whole != 0, whole, np.nan) * 100


def rate_off(stated: np.ndarray, computed: np.ndarray, decimals: np.ndarray) -> np.ndarray:
    """Candidates for a rate mismatch: at least half a unit of the stated rate's last
    place (two decimals or fewer count as two) away from the computed one; any closer
    rate rounds to the stated one and is OK (arith.compare_rate)."""
    half = 0.5 * 10.0 ** -np.maximum(np.where(np.isnan(decimals), 2.0, decimals), 2.0)
    return np.abs(stated - computed) >= half - EPS


def first_total(d: Cols) -> np.ndarray:
    """The first row flagged ``total`` (a sheet's 合计 / 年度资金总额)."""
    total = d["total"]
    return total & (np.cumsum(total) == 1)


def total_vs_parts(d: Cols, column: str, total: np.ndarray, parts: np.ndarray,
                   base: float, per_addend: float) -> np.ndarray:
    """Candidates where the ``total`` row's ``column`` differs from Σ ``parts`` rows
    (blank parts count 0; tolerance grows with the filled parts)."""
    values = d[column]
    part_values = values[parts]
    n_filled = int(np.count_nonzero(filled(part_values)))
    return total & filled(values) & exceeds(values, blank_as_zero(part_values).sum(), base + per_addend * n_filled)
