"""Benchmark: a whole `reconcile run` against merely reading the files with pandas.

    python benchmarks/bench_batch.py --n 200 --reps 3 --seed 1

Generates N synthetic filled templates (benchmarks/synth.py) into a temporary folder,
then, in each repetition (round-robin, so machine noise hits all three alike), times

  (a) a fresh Python process reading every file with
      pandas.read_excel(path, sheet_name=None, engine="openpyxl")  (the usual way);
  (b) `python -m reconcile run FOLDER -o OUT --jobs 1 --quiet`: every output written
      (annotated workbooks, 自评报告 .docx, 汇总.xlsx, findings.json);
  (c) the same with --jobs 2.

Times are wall-clock for the whole process (interpreter start and imports included
for all three). It prints ms per file (median of the repetitions), the ratios b/a and
c/a, and the peak memory (max RSS) of (b). With --stages it also times, in this
process and per file, the stages of a check: read / rules / narrative / annotated
workbook / docx.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BASELINE = """
import sys, pandas
for p in sys.argv[1:]:
    pandas.read_excel(p, sheet_name=None, engine="openpyxl")
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def timed(cmd: list[str]) -> tuple[float, int, int]:
    """Run ``cmd``; return (wall seconds, exit code, max RSS in KiB of that process)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if hasattr(os, "wait4"):
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode("utf-8", "replace")
        proc.stderr.close()
        rss = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss // 1024
    else:  # pragma: no cover - Windows: no per-child rusage
        err = proc.communicate()[1].decode("utf-8", "replace")
        elapsed = time.perf_counter() - start
        rss = 0
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-2000:]}")
    return elapsed, proc.returncode, rss


def run_reconcile(folder: Path, out: Path, jobs: int) -> tuple[float, int, int]:
    shutil.rmtree(out, ignore_errors=True)
    return timed([sys.executable, "-m", "reconcile", "run", str(folder), "-o", str(out),
                  "--jobs", str(jobs), "--quiet"])


def stages(files: list[Path], out: Path) -> dict[str, float]:
    """ms per file of each stage of a check, in this process (imports paid beforehand)."""
    from reconcile.narrative import build_narrative
    from reconcile.narrative.docx import write_docx
    from reconcile.output.annotated import write_annotated
    from reconcile.pipeline import warm_up
    from reconcile.reading.workbook import read_workbook
    from reconcile.rules.runner import run_checks

    warm_up()
    out.mkdir(parents=True, exist_ok=True)
    spent = dict.fromkeys(("read", "rules", "narrative", "annotated", "docx"), 0.0)
    for i, path in enumerate(files):
        t0 = time.perf_counter()
        raw, model = read_workbook(path)
        t1 = time.perf_counter()
        findings = run_checks(model)
        t2 = time.perf_counter()
        narrative = build_narrative(model, findings)
        t3 = time.perf_counter()
        write_annotated(raw, model, findings, narrative, out / f"{i}_核对.xlsx", source=path.name)
        t4 = time.perf_counter()
        write_docx(narrative, model, out / f"{i}_自评报告.docx")
        t5 = time.perf_counter()
        for key, dt in zip(spent, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
            spent[key] += dt
    return {k: v / len(files) * 1000 for k, v in spent.items()}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="number of workbooks (default 200)")
    parser.add_argument("--reps", type=int, default=3, help="repetitions; figures are medians (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated workbooks (default 1)")
    parser.add_argument("--stages", action="store_true", help="also time each stage of a check in-process")
    parser.add_argument("--keep", type=Path, default=None, help="generate into this folder and keep it")
    args = parser.parse_args(argv)

    from benchmarks.synth import generate

    work = Path(tempfile.mkdtemp(prefix="reconcile_bench_"))
    folder = args.keep or work / "收到的报表"
    try:
        t = time.perf_counter()
        files = sorted(p for p, _ in generate(folder, args.n, seed=args.seed))
        n = len(files)
        print(f"生成 {n} 个工作簿（seed {args.seed}）用时 {time.perf_counter() - t:.1f} s；"
              f"{sum(p.stat().st_size for p in files) / n / 1024:.0f} KiB/个", flush=True)
        a, b, c, mem = [], [], [], []
        for rep in range(args.reps):
            a.append(timed([sys.executable, "-c", BASELINE, *map(str, files)])[0])
            tb, code, rss = run_reconcile(folder, work / "out_b", 1)
            b.append(tb)
            mem.append(rss)
            c.append(run_reconcile(folder, work / "out_c", 2)[0])
            print(f"  第 {rep + 1} 次：(a) {a[-1]:.2f} s  (b) {b[-1]:.2f} s  (c) {c[-1]:.2f} s  "
                  f"(b) 峰值内存 {rss / 1024:.0f} MiB", flush=True)
        ma, mb, mc = (statistics.median(x) / n * 1000 for x in (a, b, c))
        result = {"n": n, "reps": args.reps, "a_ms": ma, "b_ms": mb, "c_ms": mc,
                  "b_over_a": mb / ma, "c_over_a": mc / ma, "peak_rss_b_mib": statistics.median(mem) / 1024}
        print(f"N = {n}，重复 {args.reps} 次取中位数（整个进程的墙钟时间，含启动与导入）：")
        print(f"  (a) pandas.read_excel(openpyxl) 读取   {ma:8.1f} ms/个")
        print(f"  (b) reconcile run --jobs 1          {mb:8.1f} ms/个   b/a = {result['b_over_a']:.2f}")
        print(f"  (c) reconcile run --jobs 2          {mc:8.1f} ms/个   c/a = {result['c_over_a']:.2f}")
        print(f"  (b) 峰值内存（最大常驻内存）         {result['peak_rss_b_mib']:8.1f} MiB")
        if args.stages:
            per = stages(files, work / "stages")
            result["stages_ms"] = per
            print("  各阶段（单进程，ms/个）：" + "，".join(f"{k} {v:.1f}" for k, v in per.items()))
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
