"""Parallel batches: the worker pool, its recovery from a dying worker, stable order,
progress output, Ctrl-C. Real workbooks (the benchmark's generator), real CLI runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.synth import generate
from reconcile.parallel import CRASHED, Failed, WorkerPool
from reconcile.pipeline import CRASH_REASON, run_batch
from tests import pool_helpers

ROOT = Path(__file__).resolve().parent.parent
HOOKS = Path(__file__).resolve().parent / "hooks"


def _cli(args, env_extra=None, **kwargs):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(HOOKS), str(ROOT)])
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "reconcile", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180, **kwargs)


def _doc(out: Path) -> dict:
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    doc["summary"].pop("generated_at")
    return doc


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("batch") / "收到的报表"
    made = generate(folder, 8, seed=11, prior_share=0.3)
    assert any(spec.year == 2022 for _, spec in made)       # last year's workbook of some unit
    assert any(spec.errors for _, spec in made)
    return folder


# ---------------------------------------------------------------- the pool itself


def test_pool_identifies_the_task_that_kills_its_worker():
    tasks = [(i, (i, i in (5, 13))) for i in range(20)]
    with WorkerPool(2, context=1, chunk_size=4) as pool:
        results = dict(pool.map(pool_helpers.double_or_abort, tasks))
        assert pool.crashes >= 2
        # the pool still works after the crashes
        assert dict(pool.map(pool_helpers.double_or_abort, [(0, (10, False))])) == {0: 21}
    assert sorted(results) == list(range(20))
    assert results[5] is CRASHED and results[13] is CRASHED
    assert {i: v for i, v in results.items() if i not in (5, 13)} == {i: i * 2 + 1 for i in range(20) if i not in (5, 13)}


def test_pool_reports_a_raising_task_without_losing_its_chunk():
    with WorkerPool(2, chunk_size=3) as pool:
        results = dict(pool.map(pool_helpers.raise_on_three, [(i, i) for i in range(6)]))
    assert isinstance(results[3], Failed) and results[3].error == "ValueError: three"
    assert {i: v for i, v in results.items() if i != 3} == {0: 0, 1: 1, 2: 2, 4: 4, 5: 5}


# ---------------------------------------------------------------- the batch


def test_each_file_gets_its_predecessors_facts(batch, tmp_path, monkeypatch):
    import reconcile.pipeline as pipeline

    seen = {}
    real = pipeline.process_file

    def spy(item, out_dir, config, batch_facts, write=True):
        seen[item.display] = batch_facts
        return real(item, out_dir, config, batch_facts, write=write)

    monkeypatch.setattr(pipeline, "process_file", spy)
    run_batch([batch], tmp_path / "out", jobs=1)
    names = sorted(p.name for p in batch.iterdir())
    assert sorted(seen) == names
    last_year = {n.split("_")[1]: n for n in names if n.endswith("_2022.xlsx")}
    assert last_year
    for name, facts in seen.items():
        unit = name.split("_")[1].removesuffix(".xlsx")
        if name.endswith("_2022.xlsx") or unit not in last_year:
            assert facts == {}, name
            continue
        (key, value), = facts.items()
        assert key == (unit, 2022) and value.file == last_year[unit]
        # facts are last year's 本年数, read from its 收入/支出 sheets
        _, model, _ = pipeline.check_path(batch / last_year[unit])
        assert value.expenditure_cur[""] == model.expenditure_total.cur.value
        assert len(value.expenditure_cur) == len(model.expenditure)


def test_parallel_batch_matches_sequential_in_input_order(batch, tmp_path):
    one = run_batch([batch], tmp_path / "one", jobs=1)
    two = run_batch([batch], tmp_path / "two", jobs=2)
    names = sorted(str(p.relative_to(batch)) for p in batch.iterdir())
    assert [r.file for r in one.files] == names == [r.file for r in two.files]
    assert _doc(tmp_path / "one") == _doc(tmp_path / "two")
    # the generator injected a 本年数 written as text: reported the same way by both
    assert any(f["rule"] == "TPL003" for entry in _doc(tmp_path / "two")["files"] for f in entry["findings"])


@pytest.mark.parametrize("stage", ["read", "check"])
def test_worker_abort_marks_only_that_file_unreadable(batch, tmp_path, stage):
    victim = sorted(p.name for p in batch.iterdir())[4]
    proc = _cli(["run", batch, "-o", tmp_path / "out", "--jobs", "2"],
                {"RECONCILE_TEST_ABORT": victim, "RECONCILE_TEST_ABORT_STAGE": stage})
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    doc = _doc(tmp_path / "out")
    files = doc["files"]
    assert [f["file"] for f in files] == sorted(p.name for p in batch.iterdir())
    bad = [f for f in files if f["status"] == "unreadable"]
    assert [(f["file"], f["error"]) for f in bad] == [(victim, CRASH_REASON)]
    assert doc["summary"]["unreadable"] == 1 and doc["summary"]["files"] == len(files)
    # every other file was checked as in a clean run
    clean = run_batch([batch], tmp_path / "clean", jobs=1)
    expected = {r.file: [f.to_json() for f in r.findings] for r in clean.files if r.file != victim}
    assert {f["file"]: f["findings"] for f in files if f["file"] != victim} == expected
    assert f"无法读取  {victim}：{CRASH_REASON}" in proc.stderr


def test_plain_progress_one_line_per_file_and_quiet(batch, tmp_path):
    proc = _cli(["run", batch, "-o", tmp_path / "out", "--jobs", "2"])
    lines = proc.stderr.splitlines()
    n = len(list(batch.iterdir()))
    per_file = [line for line in lines if line.startswith("[")]
    assert len(per_file) == n
    assert sorted(int(line[1:line.index("/")]) for line in per_file) == list(range(1, n + 1))
    assert lines[-1].startswith(f"共核对 {n} 个文件")
    quiet = _cli(["run", batch, "-o", tmp_path / "out2", "--jobs", "2", "--quiet"])
    assert quiet.stderr == "" and quiet.returncode == proc.returncode


@pytest.mark.skipif(sys.platform == "win32", reason="process groups and SIGINT are POSIX")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_stops_cleanly(batch, tmp_path, jobs):
    out = tmp_path / "out"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(HOOKS), str(ROOT)])
    env["RECONCILE_TEST_SLOW"] = "0.4"
    proc = subprocess.Popen([sys.executable, "-m", "reconcile", "run", str(batch), "-o", str(out), "--jobs", jobs],
                            cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True, start_new_session=True)
    first = proc.stderr.readline()          # the first file is done: we are mid-batch
    assert first.startswith("[1/")
    os.killpg(proc.pid, signal.SIGINT)      # what Ctrl-C does: the whole process group
    try:
        rest = proc.communicate(timeout=30)[1]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130
    assert "已中断" in rest and "Traceback" not in rest
    time.sleep(0.2)
    left = sorted(p.name for p in out.iterdir())
    assert not [name for name in left if name.startswith(".~tmp_")]
    assert "findings.json" not in left                  # the batch did not finish
    # no worker outlives the run (dead, not yet reaped ones are <defunct>)
    ps = subprocess.run(["ps", "-eo", "pgid,pid,cmd"], capture_output=True, text=True).stdout
    alive = [line for line in ps.splitlines()
             if line.split(None, 1)[0] == str(proc.pid) and "<defunct>" not in line]
    assert not alive
