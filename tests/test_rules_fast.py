"""The rules' fast paths against their straightforward versions, on real workbooks:
schema frames' number columns converted column-wise (reconcile/schemas/engine.py),
indicator rows read once per check (reconcile/indicators/rows.py) and IND007's
pre-filter (reconcile/rules/indicator_structure.py)."""

from __future__ import annotations

import dataclasses
import random
import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from benchmarks.compare_findings import perturb
from benchmarks.synth import generate
from reconcile.indicators.rows import _read_row, read_row, readings_shared, where
from reconcile.indicators.values import parse_value
from reconcile.model import Num
from reconcile.reading.workbook import read_workbook
from reconcile.rules import indicator_structure as structure
from reconcile.rules.catalogue import CHECKS
from reconcile.rules.runner import CheckContext, run_checks
from reconcile.schemas import budget, carryover, engine, expenditure, income
from reconcile.text import normalize_label

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def paths(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rules_fast")
    out = [p for p, _ in generate(folder, 10, seed=21, prior_share=0.3, error_share=0.5, error_seed=5)]
    return out + sorted((ROOT / "examples").glob("*.xlsx"))


def _models(paths, seed):
    rng = random.Random(seed)
    models = []
    for p in paths:
        model = read_workbook(p)[1]
        if seed is not None:
            perturb(model, rng)
        models.append(model)
    return models


# ---------------------------------------------------------------- frames


def _cell_by_cell(cells) -> np.ndarray:
    return np.array([engine._value(c) for c in cells], dtype=np.float64)


@pytest.mark.parametrize("seed", [None, 1, 2])
def test_number_columns_as_cell_by_cell(paths, seed):
    for model in _models(paths, seed):
        for rows, schema in ((model.income, income), (model.expenditure, expenditure), (model.budget, budget),
                             (model.carryover, carryover)):
            frame = engine.build_frame(((r.row, r) for r in rows), schema.COLUMNS)
            for name, get in schema.COLUMNS.numbers.items():
                expected = _cell_by_cell([get(r) for r in rows])
                np.testing.assert_array_equal(frame.cols[name], expected)
                assert frame.cols[name].dtype == np.float64


def test_number_columns_odd_values():
    cells = [None, Decimal("0.1"), Decimal("-0"), Decimal("1E+400"), Decimal("123456789.123456789123"),
             Num("s", "A1", None, None), Num("s", "A2", "x", Decimal("2.675")), Decimal("NaN"), Decimal("-1E-400")]
    cols = engine.Columns(numbers={"v": lambda c: c})
    frame = engine.build_frame(enumerate(cells, 1), cols)
    np.testing.assert_array_equal(frame.cols["v"], _cell_by_cell(cells))
    empty = engine.build_frame([], cols)
    assert empty.cols["v"].dtype == np.float64 and empty.cols["v"].shape == (0,)


# ---------------------------------------------------------------- indicator readings


@pytest.mark.parametrize("seed", [None, 3])
def test_shared_readings_equal_fresh_ones(paths, seed):
    for model in _models(paths, seed):
        with readings_shared():
            shared = [read_row(r) for r in model.indicators]
            again = [read_row(r) for r in model.indicators]
        assert all(a is b for a, b in zip(shared, again))
        fresh = [_read_row(r) for r in model.indicators]
        assert shared == fresh
        assert [(r.key, r.cost) for r in shared] == [(r.key, r.cost) for r in fresh]
    assert read_row(model.indicators[0]) is not read_row(model.indicators[0])   # outside a check: not kept


def _checks_one_by_one(model) -> list:
    """run_checks' findings with every indicator row read afresh by each rule."""
    import reconcile.rules.runner as runner

    original = runner.readings_shared
    try:
        from contextlib import nullcontext

        runner.readings_shared = nullcontext
        return run_checks(model, CheckContext())
    finally:
        runner.readings_shared = original


@pytest.mark.parametrize("seed", [None, 4])
def test_findings_with_and_without_shared_readings(paths, seed):
    for model in _models(paths, seed):
        assert [f.to_json() for f in run_checks(model)] == [f.to_json() for f in _checks_one_by_one(model)]


# ---------------------------------------------------------------- IND007


def _duplicates_reference(model, ctx):
    """IND007 as written before its pre-filter (every pair searched with the pattern)."""
    from reconcile.rules.indicator_structure import IND007, _as_written, _count_in, _listing, _value_key
    from reconcile.indicators.rows import cannot_check, first_where, show

    note = cannot_check(model, IND007)
    if note is not None:
        yield note
        return
    readings = [_read_row(r) for r in model.indicators]
    groups: dict = {}
    for r in readings:
        if r.key and not r.row.target.blank:
            groups.setdefault((r.key, r.cost), []).append(r)
    for (key, _), group in groups.items():
        values = {_value_key(r) for r in group}
        if len(group) < 2 or len(values) < 2:
            continue
        first = group[0]
        yield IND007.at(first_where(first.row.level3, first.row.target), row_label=first.name,
                        subject=f"三级指标“{first.name}”列出 {len(group)} 次，年度指标值", listing=_listing(group),
                        expected=None, actual="；".join(r.row.target.value or "" for r in group))
    reported = set()
    targets = [normalize_label(r.row.target.value) for r in readings]
    for own in readings:
        q = own.target_q
        if own.cost or q is None or len(own.key) < 4:
            continue
        pattern = re.compile(_count_in.__wrapped__(own.key).pattern)
        for other, target in zip(readings, targets):
            if other is own or other.cost or other.key == own.key or other.row.target.blank:
                continue
            m = pattern.search(target)
            if m is None:
                continue
            inner = parse_value(m.group("q")).single
            if inner is None or (inner.unit and q.unit and inner.unit != q.unit) or inner.value == q.value:
                continue
            pair = (own.row.row, other.row.row)
            if pair in reported:
                continue
            reported.add(pair)
            w_own, w_other = where(own.row.target), where(other.row.target)
            listing = (f"{w_own.ref if w_own else ''} 单列为“{own.row.target.value}”，"
                       f"{w_other.ref if w_other else ''}（{other.name}）中写作“{_as_written(own, other, m)}”")
            yield IND007.at(first_where(own.row.target, own.row.level3), row_label=own.name,
                            subject=f"“{own.name}”的数量", listing=listing,
                            expected=None, actual=f"{show(q.value)}；{show(inner.value)}")


def _mention_counts(model, rng) -> None:
    """Write other indicators' names with a count into some targets (IND007's second kind)."""
    rows = model.indicators
    for row in rows:
        if rows and rng.random() < 0.3:
            other = rng.choice(rows)
            text = f"{row.target.value or ''}，{other.level3.value or ''}{rng.choice(('', ' '))}{rng.randrange(1, 40)}" \
                   f"{rng.choice(('个', '起', '%', '', '人次'))}"
            row.target = dataclasses.replace(row.target, value=text)


@pytest.mark.parametrize("seed", [None, 6, 7])
def test_ind007_as_reference(paths, seed):
    rng = random.Random(seed)
    second_kind = 0
    for model in _models(paths, seed):
        if seed is not None:
            _mention_counts(model, rng)
        ctx = CheckContext()
        fast = [f.to_json() for f in structure.duplicates(model, ctx)]
        assert fast == [f.to_json() for f in _duplicates_reference(model, ctx)]
        second_kind += sum("的数量" in f["message"] for f in fast)
    if seed is not None:
        assert second_kind > 0       # the counts named inside other targets were exercised


def test_duplicates_is_registered():
    assert any(chk.func is structure.duplicates for chk in CHECKS)
