"""The narrative's fast paths against their straightforward versions: a comparison's
numbers and text computed apart (:func:`figures.weigh`, :func:`figures.clause`), the
text of shipped macros remembered per arguments (:func:`render.say_shipped`), and
an edited template still used wherever it applies."""

from __future__ import annotations

import itertools
import random
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.compare_findings import perturb
from reconcile.config import DEFAULT
from reconcile.model import Num
from reconcile.narrative import build_narrative, money
from reconcile.narrative.figures import (
    Change,
    Stated,
    amount,
    clause,
    compare,
    weigh,
)
from reconcile.narrative.render import OVERRIDE_ENV, environment, preload, say, say_shipped, shipped, templates_pinned
from reconcile.numbers import format_amount, format_rate
from reconcile.reading.workbook import read_workbook
from reconcile.rules.arith import RateCheck, amount_tolerance, amounts_match, change_rate, compare_rate, direction
from reconcile.rules.runner import run_checks

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.xlsx"))


def compare_reference(name, cur, prev, *, delta=None, rate=None, unit="万元", config, pending=False, implied_prev=None):
    """figures.compare as it was before weigh/clause (one function building the text)."""
    c = cur.value if cur is not None else None
    p = prev.value if prev is not None else None
    if c is None and p is None:
        return Change(name, None, None, "none", pending=pending)
    if c is None:
        return Change(name, None, amount(p), "no_cur", pending=pending)
    if p is None:
        zero = implied_prev is not None and abs(implied_prev) <= amount_tolerance(config, unit)
        if not zero:
            return Change(name, amount(c), None, "no_prev", pending=pending)
        p = Decimal(0)
    d = c - p
    if p == 0:
        return Change(name, amount(c), amount(p), "new", direction(d), amount(abs(d)), pending=pending)
    r = change_rate(c, p)
    stated_delta = stated_rate = None
    sd = delta.value if delta is not None else None
    if sd is not None and sd != d and not amounts_match(sd, d, config, unit):
        stated_delta = Stated(direction(sd), format_amount(abs(sd)))
    sr = rate.value if rate is not None else None
    if sr is not None and compare_rate(sr, r, rate.decimals) == RateCheck.WRONG:
        stated_rate = Stated(direction(sr), format_amount(abs(sr)))
    return Change(name, format_amount(c), format_amount(p), "compare", direction(d), format_amount(abs(d)),
                  format_rate(abs(r)), stated_delta, stated_rate, pending)


def change_cells_reference(ctx, sheet_key, row):
    """money.change_cells as it was: the whole clause built, the remark rendered each time."""
    ch = compare_reference("", row.cur, row.prev, delta=row.delta, rate=row.rate, unit=ctx.unit(sheet_key),
                           config=ctx.config)
    c = row.cur.value if row.cur is not None else None
    p = row.prev.value if row.prev is not None else None
    basis = ch.basis
    d = format_rate(c - p) if (basis == "compare" or basis == "new") and c is not None and p is not None else ""
    r = ("-" if ch.direction == "减少" else "") + ch.rate if basis == "compare" and ch.rate else ""
    remark = say("common.j2", "remark", ch=ch, pending_row=money.in_doubt(ctx, sheet_key, row))
    return [format_rate(c), format_rate(p), d, r, remark]


amounts = st.one_of(st.none(), st.decimals(min_value=-10**6, max_value=10**6, places=2, allow_nan=False),
                    st.sampled_from([Decimal(0), Decimal("0.00"), Decimal("-0"), Decimal("0.004"), Decimal("100")]))


def num(value, decimals=None):
    return None if value is ... else Num("支出", "C3", value, value, decimals)


@settings(max_examples=600, deadline=None)
@given(cur=amounts, prev=amounts, delta=amounts, rate=amounts, decimals=st.sampled_from([None, 0, 1, 2, 3]),
       implied=st.one_of(st.none(), st.sampled_from([Decimal(0), Decimal("0.005"), Decimal("0.02"), Decimal(-3)])),
       pending=st.booleans(), unit=st.sampled_from(["万元", "元"]), missing=st.sets(st.sampled_from("cpdr")))
def test_compare_as_before(cur, prev, delta, rate, decimals, implied, pending, unit, missing):
    args = dict(cur=None if "c" in missing else num(cur), prev=None if "p" in missing else num(prev),
                delta=None if "d" in missing else num(delta), rate=None if "r" in missing else num(rate, decimals))
    expected = compare_reference("科目", **args, unit=unit, config=DEFAULT, pending=pending, implied_prev=implied)
    w = weigh("科目", **args, unit=unit, config=DEFAULT, pending=pending, implied_prev=implied)
    assert clause(w) == expected
    assert compare("科目", **args, unit=unit, config=DEFAULT, pending=pending, implied_prev=implied) == expected
    assert w.basis == expected.basis and w.corrected == expected.corrected


@pytest.mark.parametrize("basis,corrected,pending_row", list(itertools.product(
    ["compare", "new", "no_prev", "no_cur", "none"], [False, True], [False, True])))
def test_remembered_remark_is_the_rendered_one(basis, corrected, pending_row):
    stated = Stated("增加", "1") if corrected else None
    ch = Change("x", "1", "2", basis, "减少", "1", "50.00", stated, None, False)
    assert shipped("common.j2")
    assert (say_shipped("common.j2", "remark", ch=money._Remark(basis, corrected), pending_row=pending_row)
            == say("common.j2", "remark", ch=ch, pending_row=pending_row))


@pytest.mark.parametrize("result,pending", list(itertools.product(["met", "unmet", "unknown"], [False, True])))
def test_remembered_outcome_is_the_rendered_one(result, pending):
    assert (say_shipped("performance.j2", "outcome", result=result, pending=pending)
            == say("performance.j2", "outcome", result=result, pending=pending))


def test_arguments_of_other_types_are_told_apart():
    assert say_shipped("common.j2", "pending", flag=1) == say("common.j2", "pending", flag=1)
    assert say_shipped("common.j2", "pending", flag=0) == say("common.j2", "pending", flag=0) == ""
    assert say_shipped("common.j2", "pending", flag=True) == "【待核实】"


@pytest.fixture(scope="module")
def models():
    out = []
    rng = random.Random(11)
    folder = Path("/tmp/bench/in200")
    paths = EXAMPLES + (sorted(folder.glob("*.xlsx"))[:12] if folder.is_dir() else [])
    for path in paths:
        for perturbed in (False, True):
            model = read_workbook(path)[1]
            if perturbed:
                perturb(model, rng)
            out.append(model)
    return out


def test_table_cells_as_before(models):
    from reconcile.narrative.context import Context
    from reconcile.narrative.figures import Doubts

    seen = set()
    for model in models:
        ctx = Context(model, Doubts(run_checks(model)), DEFAULT)
        with templates_pinned():
            for key, rows in (("income", model.income), ("expenditure", model.expenditure)):
                for row in rows:
                    cells = money.change_cells(ctx, key, row)
                    assert cells == change_cells_reference(ctx, key, row)
                    seen.add(cells[-1])
    assert len(seen) >= 3     # several distinct remarks were compared


def test_an_edited_template_is_used_where_it_applies(tmp_path, monkeypatch, models):
    model = models[0]
    findings = run_checks(model)
    shipped_text = build_narrative(model, findings)
    override = tmp_path / "wording"
    override.mkdir()
    monkeypatch.setenv(OVERRIDE_ENV, str(override))
    # an unrelated file overridden: everything as shipped
    (override / "carryover.j2").write_text(environment().loader.get_source(environment(), "carryover.j2")[0],
                                           encoding="utf-8")
    assert shipped("common.j2") and shipped("performance.j2") and not shipped("carryover.j2")
    assert build_narrative(model, findings) == shipped_text
    # common.j2 edited: the remark and everything importing it (performance.j2) is not the shipped text
    common = environment().loader.get_source(environment(), "common.j2")[0]
    marked = common.replace('{{ notes | join("；") }}', '{{ notes | join("；") }}（{{ ch.cur }}）')
    assert marked != common
    (override / "common.j2").write_text(marked, encoding="utf-8")
    monkeypatch.setenv(OVERRIDE_ENV, str(override) + "/")    # a new folder name: modules compiled afresh
    assert not shipped("common.j2") and not shipped("performance.j2")
    edited = build_narrative(model, findings)
    tables = [p for p in edited.paragraphs if p.kind == "table"]
    money_rows = [row for p in tables for row in p.rows[1:] if len(row) == 7 or len(row) == 6]
    assert money_rows and all(row[-1].endswith(f"（{amount(Decimal(row[-5]))}）") for row in money_rows)


def test_preload_compiles_every_shipped_template():
    from reconcile.narrative.render import _modules

    preload()
    names = set(_modules(None))
    assert {"common.j2", "report.j2", "performance.j2", "income.j2", "expenditure.j2"} <= names
