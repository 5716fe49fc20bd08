"""The sheet schemas run on a fast path (reconcile/schemas/engine.py): the schema's own
checks evaluated directly on the frame's arrays. Here it is compared with pandera's lazy
validation of the same frame (what the schemas did before), on generated workbooks with
injected errors, the examples, the test workbooks and random perturbations of all of
their frames; and a frame or check that is not as declared still ends in pandera's
report (a SchemaProblem), never in a silent result."""

from __future__ import annotations

import dataclasses
import random
import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest

from benchmarks.synth import generate
from reconcile.batch import facts_of
from reconcile.config import DEFAULT
from reconcile.reading.workbook import read_workbook
from reconcile.reference.function_classes import CODE_PATTERN
from reconcile.schemas import basic, budget, carryover, cross, engine, expenditure, income
from reconcile.schemas.engine import KEY, Cols, SchemaProblem, SheetFrame, failures, pandera_failures
from tests import money_workbooks
from tests.corpus.generate import write_good

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fast_path")
    # every error family in about half of the files
    paths = [p for p, _ in generate(folder, 14, seed=9, prior_share=0.3, error_share=0.5, error_seed=3)]
    paths += sorted((ROOT / "examples").glob("*.xlsx"))
    paths.append(write_good(folder / "good.xlsx"))
    paths.append(money_workbooks.write(folder, money_workbooks.sheets(
        收入={"B2": 1010, "D3": 51, "E5": 30}, 支出={"C3": 790, "D4": None, "E6": 12, "G5": 500},
        结转结余={"F2": 6}, 预算执行={"E2": 95, "G2": 9.6, "D3": None}, 基本情况={"B9": 11})))
    return [read_workbook(p)[1] for p in paths]


def validations(model) -> list[tuple[SheetFrame, list[tuple[str, int]]]]:
    """Every schema validation the rules run on ``model`` (cross-year against itself)."""
    out = [schema.validate(model, DEFAULT) for key, schema in
           (("income", income), ("expenditure", expenditure), ("budget", budget), ("carryover", carryover))
           if key in model.tables]
    out.append(basic.validate(model))
    out.append(cross.validate_totals(model, DEFAULT, cross.coarser_unit(model, "income", "expenditure", "budget")))
    facts = facts_of(model, "x.xlsx")
    if facts is not None:
        out.append(cross.validate_years(model, facts, DEFAULT))
    return out


def fast_and_pandera(frame: SheetFrame) -> tuple[list, list]:
    plan = engine._plan(frame.schema)
    assert plan is not None and plan.holds(frame.cols), "the fast path must apply to the schemas' own frames"
    return failures(frame.schema, frame), pandera_failures(frame.schema, frame)


def test_fast_path_reports_what_pandera_reports(models):
    found = set()
    for model in models:
        for frame, failed in validations(model):
            fast, slow = fast_and_pandera(frame)
            assert fast == failed == slow, frame.schema.name
            found.update(name.partition(":")[0] for name, _ in fast)
    # the corpus exercises the checks of every sheet
    assert {"INC001", "INC002", "EXP001", "EXP002", "EXP003", "EXP005", "EXP006", "EXP007",
            "BUD001", "CAR001", "XS001", "XS002", "YOY001", "STF001"} <= found


def _perturbed(cols: Cols, rng: random.Random, derived: tuple[str, ...]) -> Cols:
    """Blanks, zeros, sign flips, offsets around the tolerances, other rows' values,
    flipped total/其中 flags and broken codes, on a copy of the frame's columns."""
    data = {name: cols[name].copy() for name in cols if name not in derived}
    n = cols.n
    offsets = (0.01, -0.01, 0.015, 0.005, 0.01 - 1e-12, 0.01 + 1e-12, 30.0, 1e6)
    for name, a in data.items():
        if name == KEY or n == 0:
            continue
        for i in range(n):
            if rng.random() > 0.25:
                continue
            if a.dtype == np.float64:
                a[i] = rng.choice((np.nan, 0.0, -a[i], a[i] + rng.choice(offsets), a[rng.randrange(n)],
                                   a[i] * rng.choice((0.5, 1.3, 100.0))))
            elif a.dtype == np.bool_ and rng.random() < 0.3:
                a[i] = not a[i]
            elif a.dtype == object and name == "code":
                a[i] = rng.choice((None, "2", "99999", (a[i] or "")[:3] or None, (a[i] or "") + "99", "２０８"))
    return Cols(cols.index, data)


@pytest.mark.slow
def test_fast_path_reports_what_pandera_reports_on_perturbed_frames(models):
    rng = random.Random(11)
    compared = failing = 0
    for model in models[::2]:
        for frame, _ in validations(model):
            derived = tuple(expenditure.TREE_COLUMNS) if frame.schema.name == "支出" else ()
            for _ in range(3):
                cols = _perturbed(frame.cols, rng, derived)
                if derived:
                    cols = expenditure.add_tree(cols)
                twin = SheetFrame(cols, frame.rows, frame.schema)
                fast, slow = fast_and_pandera(twin)
                assert fast == slow, frame.schema.name
                compared += 1
                failing += bool(fast)
    assert compared > 100 and failing > compared // 2


# ---------------------------------------------------------------- the code tree


def pandas_add_tree(d: pd.DataFrame) -> pd.DataFrame:
    """The code tree as the 支出 schema computed it with pandas (the reference)."""
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
    sums = {"children": key.map(by_parent.value_counts()).fillna(0).astype("int64")}
    for c in ("cur", "prev"):
        grouped = d.loc[is_child, c].groupby(by_parent)
        sums[f"{c}_children"] = key.map(grouped.sum()).fillna(0.0)
        sums[f"{c}_children_n"] = key.map(grouped.count()).fillna(0).astype("int64")
    return d.assign(valid=valid, key=key, level=level, parent=parent, top=valid & parent.isna(), **sums)


def test_code_tree_is_the_pandas_one(models):
    rng = random.Random(5)
    trees = 0
    for model in models:
        if "expenditure" not in model.tables:
            continue
        frame, _ = expenditure.validate(model, DEFAULT)
        base = {name: frame.cols[name] for name in frame.cols if name not in expenditure.TREE_COLUMNS}
        for cols in (Cols(frame.index, base), _perturbed(Cols(frame.index, base), rng, ())):
            ours = expenditure.add_tree(cols).to_frame()
            reference = pandas_add_tree(cols.to_frame())[ours.columns]
            sums = ["cur_children", "prev_children"]
            exact = [c for c in ours.columns if c not in sums]
            pd.testing.assert_frame_equal(ours[exact], reference[exact], check_exact=True)
            # a sum may differ in its last bits (pandas adds up a group with compensated
            # summation, numpy in order); candidates keep an EPS margin and Decimal decides
            np.testing.assert_allclose(ours[sums].to_numpy(), reference[sums].to_numpy(), rtol=1e-13, atol=0)
            trees += 1
    assert trees > 20


# ---------------------------------------------------------------- not as declared


def _tiny(checks: list[pa.Check] | None = None) -> tuple[pa.DataFrameSchema, SheetFrame]:
    columns = engine.Columns(numbers={"a": lambda r: Decimal(r)}, texts={"t": lambda r: str(r)}, flags={"f": lambda r: r > 1})
    schema = engine.frame_schema("小表", columns, checks or [engine.flag("A", lambda d: d["a"] > 1)],
                                 {"s": pa.Column("float64")})
    frame = engine.build_frame(enumerate([1, 2, 3]), columns)
    frame.cols = frame.cols.with_columns(s=np.zeros(3))
    return schema, frame


def test_a_frame_as_declared_takes_the_fast_path():
    schema, frame = _tiny()
    assert engine._plan(schema).holds(frame.cols)
    assert failures(schema, frame) == pandera_failures(schema, frame) == [("A", 1), ("A", 2)]


@pytest.mark.parametrize("breakage", ["duplicate key", "int for float", "extra column", "missing column",
                                      "null in a non-nullable column", "text in a float column"])
def test_a_frame_not_as_declared_is_reported_by_pandera(breakage):
    schema, frame = _tiny()
    cols = frame.cols
    if breakage == "duplicate key":
        cols = Cols(np.array([0, 0, 2]), {**dict(cols), KEY: np.array([0, 0, 2])})
    elif breakage == "int for float":
        cols = cols.with_columns(a=np.array([1, 2, 3]))
    elif breakage == "extra column":
        cols = cols.with_columns(b=np.zeros(3))
    elif breakage == "missing column":
        cols = Cols(cols.index, {k: v for k, v in cols.items() if k != "s"})
    elif breakage == "null in a non-nullable column":
        cols = cols.with_columns(s=np.array([0.0, np.nan, 0.0]))
    else:
        cols = cols.with_columns(a=engine.text_array(["1", "2", "3"]))
    frame.cols = cols
    assert not engine._plan(schema).holds(cols)
    with pytest.raises(SchemaProblem):
        failures(schema, frame)


def test_a_text_column_holding_something_else_is_left_to_pandera():
    schema, frame = _tiny()
    frame.cols = frame.cols.with_columns(t=engine.text_array(["1", None, 3]))
    assert not engine._plan(schema).holds(frame.cols)
    assert failures(schema, frame) == pandera_failures(schema, frame)


@pytest.mark.parametrize("mask", [lambda d: d["missing"] > 0, lambda d: d["a"][:2] > 0,
                                  lambda d: np.where(d["a"] > 1, 1.0, 0.0), lambda d: pd.Series(d["a"] > 1)])
def test_a_check_that_raises_or_returns_no_row_mask_is_reported_by_pandera(mask):
    schema, frame = _tiny([engine.flag("A", lambda d: d["a"] > 1), engine.flag("B", mask)])
    with pytest.raises(SchemaProblem, match=re.escape("B")):
        failures(schema, frame)
