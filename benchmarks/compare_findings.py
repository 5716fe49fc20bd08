"""Findings of two versions of the rules, compared on the same folder of workbooks.

    python benchmarks/compare_findings.py dump FOLDER OUT.json [SEED]   # in each checkout
    python benchmarks/compare_findings.py diff A.json B.json

``dump`` reads every workbook of FOLDER, runs the rules as ``reconcile run`` does (the
cross-year rule with the facts of the folder's other workbooks) and writes every
finding (rule, severity, sheet, cell, message, expected, actual, …) per file. With a
SEED, each model is first perturbed at random (seeded, so both checkouts perturb alike):
amounts blanked, zeroed, negated or moved around the tolerances, 其中 flags flipped,
codes and names of 支出 rows changed,
indicator names and targets copied between rows, so that every rule has work. ``diff``
exits 1 and prints the first differences when the two dumps are not identical. For a
change that must not alter findings (a speed-up), dump the benchmark corpus
(benchmarks/synth.py) with main and with the branch, and diff.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def perturb(model, rng) -> None:
    """Break cells of ``model`` at random (in place)."""
    import dataclasses
    from decimal import Decimal

    offsets = [Decimal(x) for x in ("0.01", "-0.01", "0.015", "0.005", "0.02", "1", "100")]

    def broken(num):
        if num is None or rng.random() > 0.12:
            return num
        value = num.value if num.value is not None else Decimal(rng.randrange(100))
        new = rng.choice((None, Decimal(0), -value, value + rng.choice(offsets), value * 2, value / 3))
        return dataclasses.replace(num, value=new, stated=new, decimals=rng.choice((num.decimals, 1, 2, 4)),
                                   problem=None)

    for rows, columns in ((model.income, ("cur", "prev", "delta", "rate")),
                          (model.expenditure, ("cur", "prev", "delta", "rate", "basic", "project")),
                          (model.budget, ("initial", "full", "executed", "rate", "weight", "score")),
                          (model.carryover, ("opening", "income", "expense", "closing"))):
        for row in rows:
            for column in columns:
                setattr(row, column, broken(getattr(row, column)))
            if not row.is_total and hasattr(row, "is_sub") and rng.random() < 0.03:
                row.is_sub = not row.is_sub
    for row in model.expenditure:
        if not row.is_total and rng.random() < 0.05:
            code = row.code.value or ""
            new = rng.choice((None, code[:3], code + "99", code[:-2] + "99", "2", rng.choice(model.expenditure).code.value))
            row.code = dataclasses.replace(row.code, value=new or None)
        if rng.random() < 0.03:
            row.name = dataclasses.replace(row.name, value=rng.choice(model.expenditure).name.value)
    for key, cell in list(model.basic.fields.items()):
        if type(cell).__name__ == "Num":
            model.basic.fields[key] = broken(cell)
    rows = model.indicators
    for row in rows:
        if rows and rng.random() < 0.1:
            row.level3 = rng.choice(rows).level3
        if rows and rng.random() < 0.1:
            other = rng.choice(rows)
            row.target, other.target = other.target, row.target


def dump(folder: Path, out: Path, seed: int | None = None) -> int:
    from reconcile.batch import facts_of, unit_key
    from reconcile.reading.preflight import Unreadable
    from reconcile.reading.workbook import read_workbook
    from reconcile.rules.runner import CheckContext, run_checks

    import random

    rng = random.Random(seed)
    models = {}
    for path in sorted(folder.glob("*.xlsx")):
        try:
            models[path.name] = read_workbook(path)[1]
        except Unreadable as exc:
            models[path.name] = exc.reason
            continue
        if seed is not None:
            perturb(models[path.name], rng)
    facts = {}
    for name, model in models.items():
        found = facts_of(model, name) if not isinstance(model, str) else None
        if found is not None:
            facts[(unit_key(found.unit), found.year)] = found
    result: dict[str, object] = {}
    for name, model in models.items():
        if isinstance(model, str):
            result[name] = {"unreadable": model}
            continue
        batch = {}
        if model.unit_name and model.year is not None:
            last = facts.get((unit_key(model.unit_name), model.year - 1))
            if last is not None:
                batch[(unit_key(model.unit_name), model.year - 1)] = last
        result[name] = [f.to_json() for f in run_checks(model, CheckContext(batch=batch))]
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    print(f"{len(result)} files, {sum(len(v) for v in result.values() if isinstance(v, list))} findings → {out}")
    return 0


def diff(a_path: Path, b_path: Path) -> int:
    a = json.loads(a_path.read_text(encoding="utf-8"))
    b = json.loads(b_path.read_text(encoding="utf-8"))
    names = sorted(set(a) | set(b))
    differing = [n for n in names if a.get(n) != b.get(n)]
    total = sum(len(v) for v in a.values() if isinstance(v, list))
    print(f"{len(names)} files, {total} findings in {a_path.name}; {len(differing)} files differ")
    for name in differing[:10]:
        fa, fb = a.get(name) or [], b.get(name) or []
        print(name)
        print("  only in", a_path.name, [f for f in fa if f not in fb][:3])
        print("  only in", b_path.name, [f for f in fb if f not in fa][:3])
    return 1 if differing else 0


def main(argv: list[str]) -> int:
    if len(argv) in (3, 4) and argv[0] == "dump":
        return dump(Path(argv[1]), Path(argv[2]), int(argv[3]) if len(argv) == 4 else None)
    if len(argv) == 3 and argv[0] == "diff":
        return diff(Path(argv[1]), Path(argv[2]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
