"""The benchmark's generator makes workbooks that add up (except where it injects an
error), and the benchmark script runs end to end at a small N (no timing asserted)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from benchmarks import bench_batch
from benchmarks.synth import generate
from reconcile.numbers import round_half_up
from reconcile.pipeline import check_path


# The rules each injected family must trigger (and, with XS001/XS002, the only ones).
FAMILY_RULES = {"subtotal": {"EXP001", "EXP002", "EXP003"}, "delta": {"EXP005", "EXP006"},
                "score": {"IND004"}, "text": {"TPL003"}}


def _sum(values) -> Decimal:
    return sum(values, Decimal(0))


def _subtotal_errors(model) -> list[str]:
    rows = [r for r in model.expenditure if not r.is_total]
    out = []
    total = model.expenditure_total
    if total.cur.value is not None and total.cur.value != _sum(r.cur.value or 0 for r in rows if r.level == "类"):
        out.append("total")
    for parent in rows:
        children = [r for r in rows if r.code_str.startswith(parent.code_str)
                    and len(r.code_str) == len(parent.code_str) + 2]
        if children and parent.cur.value is not None and parent.cur.value != _sum(c.cur.value or 0 for c in children):
            out.append(parent.code_str)
    inc = model.income_total
    if inc.cur.value != _sum(r.cur.value for r in model.income if not r.is_total):
        out.append("income")
    return out


def _delta_errors(model) -> list[str]:
    out = []
    for r in [*model.income, *model.expenditure]:
        if r.cur.value is None:
            continue
        if r.delta.value != r.cur.value - r.prev.value:
            out.append(r.delta.ref)
        expected = round_half_up((r.cur.value - r.prev.value) / r.prev.value * 100, 2)
        if r.rate.value is not None and round_half_up(r.rate.value, 2) != expected:
            out.append(r.rate.ref)
    return out


def test_generated_workbooks_add_up_except_the_injected_errors(tmp_path):
    made = generate(tmp_path, 30, seed=2, prior_share=0.1)
    assert len(made) == 30
    families = set()
    for path, spec in made:
        _, model, findings = check_path(path)
        families |= set(spec.errors)
        assert (model.unit_name, model.year) == (spec.unit, spec.year)
        assert 5 <= len(model.expenditure) - 1 <= 300 and 10 <= len(model.indicators) <= 60
        assert {r.level for r in model.expenditure if not r.is_total} <= {"类", "款", "项"}
        text_cells = [(f.sheet, f.cell[0]) for f in findings if f.rule == "TPL003"]
        assert text_cells == ([("支出", "C")] if "text" in spec.errors else [])
        rules = {f.rule for f in findings if f.severity.value != "info"}
        expected = set()
        for family, codes in FAMILY_RULES.items():
            if family in spec.errors:
                assert rules & codes, (path.name, family, rules)
                expected |= codes
        assert rules <= expected | {"XS001", "XS002"}, (path.name, rules)   # a wrong 支出合计 also unbalances 收支
        if "text" in spec.errors:
            continue    # a 本年数 that is text: sums around it cannot be checked
        assert bool(_subtotal_errors(model)) == ("subtotal" in spec.errors), path.name
        assert bool(_delta_errors(model)) == ("delta" in spec.errors), path.name
        over = [r.score.ref for r in model.indicators if r.score.value > r.weight.value]
        assert len(over) == ("score" in spec.errors)
        assert _sum(r.weight.value for r in model.indicators) == 90
        budget = next(r for r in model.budget if r.is_total)
        assert model.basic.number("self_score") == budget.score.value + _sum(r.score.value for r in model.indicators)
        assert budget.executed.value == model.income_total.cur.value
        if "subtotal" not in spec.errors:   # the wrong subtotal may be 支出合计 itself
            assert model.expenditure_total.cur.value == model.income_total.cur.value
    assert families == {"subtotal", "delta", "score", "text"}
    assert any(spec.year == 2022 for _, spec in made)


def test_benchmark_runs_at_small_n(capsys):
    result = bench_batch.main(["--n", "5", "--reps", "1", "--seed", "3", "--stages"])
    out = capsys.readouterr().out
    assert result["n"] == 5
    for key in ("a_ms", "b_ms", "c_ms", "b_over_a", "c_over_a", "peak_rss_b_mib"):
        assert result[key] > 0, key
    assert set(result["stages_ms"]) == {"read", "rules", "narrative", "annotated", "docx"}
    for label in ("(a) pandas.read_excel", "(b) reconcile run --jobs 1", "(c) reconcile run --jobs 2", "b/a =", "c/a ="):
        assert label in out
    json.dumps(result)


@pytest.mark.parametrize("seed", [1, 2])
def test_generator_is_seeded(tmp_path, seed):
    a = generate(tmp_path / "a", 3, seed=seed)
    b = generate(tmp_path / "b", 3, seed=seed)
    for (pa, sa), (pb, sb) in zip(a, b, strict=True):
        assert pa.name == pb.name and sa.errors == sb.errors
        _, ma, _ = check_path(pa)
        _, mb, _ = check_path(pb)
        assert [(r.code_str, r.cur.value) for r in ma.expenditure] == [(r.code_str, r.cur.value) for r in mb.expenditure]
