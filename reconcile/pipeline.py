"""The run: find the workbooks, check each one, write the outputs.

One direction of flow: read (preflight → raw grid → typed model) → rules (findings)
→ writers. A file that cannot be read becomes an ``unreadable`` result with a
Chinese reason; nothing a single file does ends the batch.
"""

from __future__ import annotations

import re
import traceback
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from reconcile.batch import YearFacts, facts_of
from reconcile.config import DEFAULT, Config
from reconcile.findings import Finding, Severity

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".et"}
JSON_NAME = "findings.json"


@dataclass(frozen=True)
class InputFile:
    path: Path
    display: str        # what users see: the path relative to the folder given
    stem: str           # safe base name for output files (unique in the batch)


@dataclass(frozen=True)
class Skipped:
    display: str
    reason: str


@dataclass
class FileResult:
    file: str
    stem: str
    status: str                          # "ok" | "findings" | "unreadable"
    unit: str | None = None
    year: int | None = None
    error: str | None = None
    findings: list[Finding] = field(default_factory=list)
    figures: dict[str, Decimal | str | None] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)
    debug: str | None = None             # traceback, shown only with --debug

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def has_errors(self) -> bool:
        return self.status == "unreadable" or any(f.severity == Severity.ERROR for f in self.findings)


@dataclass
class BatchResult:
    files: list[FileResult]
    skipped: list[Skipped]
    out_dir: Path

    @property
    def exit_code(self) -> int:
        return 1 if any(r.has_errors for r in self.files) else 0


# ---------------------------------------------------------------- discovery

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def safe_stem(name: str) -> str:
    """A file stem safe on Windows, macOS and Linux, derived from an input name."""
    stem = unicodedata.normalize("NFC", name)
    stem = _UNSAFE.sub("_", stem).strip().rstrip(". ")
    if not stem or stem.upper().split(".")[0] in {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}:
        stem = f"_{stem}"
    return stem[:100]


def discover(inputs: Iterable[Path], out_dir: Path) -> tuple[list[InputFile], list[Skipped]]:
    """Workbooks to check (sorted, stable), and files passed over with the reason."""
    found: list[tuple[Path, str]] = []
    skipped: list[Skipped] = []
    out_resolved = out_dir.resolve()
    for given in inputs:
        if given.is_dir():
            for path in sorted(given.rglob("*")):
                rel = path.relative_to(given)
                if any(part.startswith(".") for part in rel.parts[:-1]):
                    continue
                if _inside(path, out_resolved) or not path.is_file():
                    continue
                found.append((path, str(rel)))
        else:
            found.append((given, given.name))
    files: list[InputFile] = []
    used: set[str] = set()
    seen: set[Path] = set()
    for path, display in found:
        real = path.resolve()
        if real in seen:
            continue
        seen.add(real)
        name = path.name
        if name.startswith("~$") or name.startswith(".~"):
            skipped.append(Skipped(display, "Excel/WPS 打开文件时产生的临时锁定文件，已跳过"))
            continue
        if name.startswith("."):
            skipped.append(Skipped(display, "隐藏文件，已跳过"))
            continue
        if path.suffix.lower() not in WORKBOOK_SUFFIXES:
            skipped.append(Skipped(display, f"不是 Excel 工作簿（扩展名 {path.suffix or '无'}），已跳过"))
            continue
        stem = safe_stem(path.stem)
        candidate, n = stem, 2
        while candidate.lower() in used:
            candidate, n = f"{stem}_{n}", n + 1
        used.add(candidate.lower())
        files.append(InputFile(path, display, candidate))
    return _protect_inputs(files, skipped, out_resolved)


def _protect_inputs(files: list[InputFile], skipped: list[Skipped], out_dir: Path) -> tuple[list[InputFile], list[Skipped]]:
    """Never write over an input: a workbook given explicitly that sits in the output
    folder under the name of an output of this run is skipped with a note."""
    from reconcile.output.per_file import ANNOTATED_SUFFIX, SUMMARY_NAME

    outputs = {unicodedata.normalize("NFC", n).lower() for n in
               (SUMMARY_NAME, JSON_NAME, *(f"{f.stem}{ANNOTATED_SUFFIX}.xlsx" for f in files))}
    kept: list[InputFile] = []
    for f in files:
        if f.path.resolve().parent == out_dir and unicodedata.normalize("NFC", f.path.name).lower() in outputs:
            skipped.append(Skipped(f.display, "该文件位于输出文件夹中，且与本次要写出的结果文件同名；为免被覆盖已跳过，请换一个输出文件夹"))
        else:
            kept.append(f)
    return kept, skipped


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder)
        return True
    except ValueError:
        return False


# ---------------------------------------------------------------- one file


def check_path(path: Path, config: Config = DEFAULT, batch: dict | None = None):
    """Read and check one workbook: (raw, model, findings). Raises Unreadable."""
    from reconcile.reading.workbook import read_workbook
    from reconcile.rules.runner import CheckContext, run_checks

    raw, model = read_workbook(path)
    findings = run_checks(model, CheckContext(config=config, batch=batch or {}))
    return raw, model, findings


PHASE_ONE_SHEETS = ("basic", "income", "expenditure")


def _sheet_filter(keys: tuple[str, ...]) -> Callable[[str], bool]:
    from reconcile.template.definition import sheet_for_name

    def accept(name: str) -> bool:
        sheet_def = sheet_for_name(name)
        return sheet_def is not None and sheet_def.key in keys

    return accept


def _partial_model(path: Path, keys: tuple[str, ...]):
    """The model built from only the sheets ``keys`` name (by sheet name): a cheaper
    read for phase one. The whole file is still preflighted first (a hostile file never
    reaches the reader, whichever sheet it hides in). Raises Unreadable."""
    from reconcile.reading.raw import read_raw
    from reconcile.reading.workbook import build_model

    return build_model(read_raw(path, _sheet_filter(keys)))


def unit_year(item: InputFile) -> tuple[str, int] | None:
    """Phase one, first step: the (unit key, year) of a workbook, from 基本情况 alone
    (about 12 ms a file, 10 of them the preflight). None when unreadable or not
    filled. Never raises."""
    from reconcile.batch import unit_key

    try:
        model = _partial_model(item.path, ("basic",))
    except Exception:  # noqa: BLE001 - an unreadable file is reported in phase two
        return None
    if not model.unit_name or model.year is None:
        return None
    return unit_key(model.unit_name), model.year


def year_facts(item: InputFile) -> YearFacts | None:
    """Phase one, second step: the small facts cross-file rules need (YOY001), read
    from 基本情况/收入/支出 only (the whole workbook when those sheets were renamed).
    Never raises."""
    from reconcile.reading.workbook import read_workbook

    try:
        model = _partial_model(item.path, PHASE_ONE_SHEETS)
        if not ("income" in model.tables and "expenditure" in model.tables):
            _, model = read_workbook(item.path)
    except Exception:  # noqa: BLE001 - an unreadable file is reported in phase two
        return None
    return facts_of(model, item.display)


def process_file(item: InputFile, out_dir: Path, config: Config = DEFAULT, batch: dict | None = None,
                 write: bool = True) -> FileResult:
    """Check one workbook and write its outputs. Never raises: every failure becomes
    an ``unreadable`` result with a Chinese reason (and a traceback for --debug)."""
    from reconcile.reading.preflight import Unreadable

    try:
        raw, model, findings = check_path(item.path, config, batch)
    except Unreadable as exc:
        return FileResult(item.display, item.stem, "unreadable", error=exc.reason)
    except MemoryError:
        return FileResult(item.display, item.stem, "unreadable", error="文件过大，读取时内存不足，请删除多余内容后重新提交")
    except Exception as exc:  # noqa: BLE001 - never a traceback for the user
        return FileResult(item.display, item.stem, "unreadable",
                          error=f"读取时发生意外错误（{type(exc).__name__}），请在 Excel/WPS 中打开后另存为 .xlsx 再试",
                          debug=traceback.format_exc())
    result = FileResult(
        item.display, item.stem,
        status="findings" if findings else "ok",
        unit=model.unit_name, year=model.year, findings=findings,
        figures=_figures(model),
    )
    if write:
        try:
            from reconcile.output.per_file import write_file_outputs

            result.outputs = write_file_outputs(raw, model, findings, out_dir, item)
        except Exception as exc:  # noqa: BLE001 - the check result still counts
            result.findings.append(Finding(
                rule="OUT001", severity=Severity.INFO, sheet=None, cell=None, row_label="",
                message=f"核对已完成，但写出标注文件时出错（{type(exc).__name__}: {exc}）",
            ))
            result.debug = traceback.format_exc()
    return result


def _figures(model) -> dict[str, Decimal | str | None]:
    from reconcile.reference.grades import grade_for

    income = model.income_total
    expenditure = model.expenditure_total
    score = model.basic.number("self_score")
    return {
        "income_total": income.cur.value if income is not None and income.cur is not None else None,
        "expenditure_total": expenditure.cur.value if expenditure is not None and expenditure.cur is not None else None,
        "self_score": score,
        "grade": grade_for(score) if score is not None else None,
    }


# ---------------------------------------------------------------- the batch

Progress = Callable[[FileResult, int, int], None]

CRASH_REASON = ("读取或核对此文件时检查进程意外终止（文件内容可能异常，例如含有超大的单元格范围或已损坏），"
                "已跳过此文件；请在 Excel/WPS 中打开后另存为 .xlsx 再提交")


class Observer:
    """What a run reports as it goes; the CLI draws a progress bar or prints lines.
    Every method is called in the main process, in the order things happen."""

    def stage(self, name: str, total: int) -> None:
        """``"prepare"`` (phase one: units and years) then ``"check"``."""

    def started(self, item: InputFile) -> None:
        """A file is being checked (in some worker)."""

    def finished(self, result: FileResult, done: int, total: int) -> None:
        """A file's result is in; ``done`` of ``total`` are finished."""


class _Callback(Observer):
    def __init__(self, progress: Progress):
        self.progress = progress

    def finished(self, result: FileResult, done: int, total: int) -> None:
        self.progress(result, done, total)


@dataclass(frozen=True)
class _Context:
    """Sent to every worker once, when the pool starts."""

    out_dir: Path
    config: Config
    write: bool = True


def _unit_year_task(item: InputFile, ctx: _Context):
    return unit_year(item)


def _facts_task(item: InputFile, ctx: _Context):
    return year_facts(item)


def _check_task(payload: tuple[InputFile, dict], ctx: _Context) -> FileResult:
    item, batch = payload
    return process_file(item, ctx.out_dir, ctx.config, batch, write=ctx.write)


class _InProcess:
    """--jobs 1: the same interface as the pool, run here, one file after another."""

    def __init__(self, context: _Context):
        self.context = context

    def map(self, func, tasks, on_start=None):
        for index, payload in tasks:
            if on_start is not None:
                on_start(index)
            yield index, func(payload, self.context)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None


def default_jobs() -> int:
    """The number of cores this process may use."""
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def run_batch(inputs: list[Path], out_dir: Path, config: Config = DEFAULT,
              progress: Progress | None = None, jobs: int = 1,
              observer: Observer | None = None) -> BatchResult:
    """Check every workbook under ``inputs`` and write all outputs to ``out_dir``.

    ``jobs`` > 1 checks files in that many worker processes (one pool for the whole
    run); results, findings.json and 汇总 are in input order whatever the scheduling.
    Phase one reads, for every file, only 基本情况 (unit and year); the facts of
    收入/支出 are then read only for workbooks that are last year's of another
    workbook in the batch, and each file is checked with just its predecessor's facts
    (YOY001). Nothing else is kept per file but its findings."""
    from reconcile.output.findings_json import write_findings_json
    from reconcile.output.per_file import write_batch_outputs

    observer = observer or (_Callback(progress) if progress is not None else Observer())
    files, skipped = discover(inputs, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    context = _Context(out_dir, config)
    n = len(files)
    jobs = max(1, min(jobs, n))
    if jobs > 1:
        from reconcile.parallel import WorkerPool

        runner = WorkerPool(jobs, context)
    else:
        runner = _InProcess(context)
    results: list[FileResult | None] = [None] * n
    with runner:
        crashed: set[int] = set()
        batch_of: dict[int, dict] = {}
        if n > 1:
            observer.stage("prepare", n)
            keys: dict[int, tuple[str, int]] = {}
            for i, key in runner.map(_unit_year_task, list(enumerate(files))):
                if _crashed(key):
                    crashed.add(i)
                elif isinstance(key, tuple):
                    keys[i] = key
            first_of: dict[tuple[str, int], int] = {}
            for i in sorted(keys):
                first_of.setdefault(keys[i], i)
            # Workbooks that are last year's of another one: their facts are needed.
            wanted = {i: (unit, year - 1) for i, (unit, year) in keys.items() if (unit, year - 1) in first_of}
            sources = sorted({first_of[k] for k in wanted.values()})
            facts: dict[int, YearFacts] = {}
            for i, value in runner.map(_facts_task, [(i, files[i]) for i in sources]):
                if _crashed(value):
                    crashed.add(i)
                elif isinstance(value, YearFacts):
                    facts[i] = value
            for i, key in wanted.items():
                found = facts.get(first_of[key])
                if found is not None:
                    batch_of[i] = {found.key: found}
        observer.stage("check", n)
        done = 0
        for i in sorted(crashed):
            results[i] = FileResult(files[i].display, files[i].stem, "unreadable", error=CRASH_REASON)
            done += 1
            observer.finished(results[i], done, n)
        tasks = [(i, (files[i], batch_of.get(i, {}))) for i in range(n) if i not in crashed]
        for i, value in runner.map(_check_task, tasks, on_start=lambda i: observer.started(files[i])):
            results[i] = _as_result(files[i], value)
            done += 1
            observer.finished(results[i], done, n)
    outcome = BatchResult([r for r in results if r is not None], skipped, out_dir)
    write_findings_json(outcome, out_dir / JSON_NAME)
    write_batch_outputs(outcome, out_dir)
    return outcome


def _crashed(value) -> bool:
    from reconcile.parallel import CRASHED

    return value is CRASHED


def _as_result(item: InputFile, value) -> FileResult:
    if isinstance(value, FileResult):
        return value
    if _crashed(value):
        return FileResult(item.display, item.stem, "unreadable", error=CRASH_REASON)
    from reconcile.parallel import Failed

    debug = value.traceback if isinstance(value, Failed) else repr(value)
    return FileResult(item.display, item.stem, "unreadable",
                      error="核对时发生意外错误，请在 Excel/WPS 中打开后另存为 .xlsx 再试", debug=debug)


# Modules workers never need: the command line and its progress display.
_NOT_FOR_WORKERS = frozenset({"reconcile.cli", "reconcile.progress", "reconcile.__main__"})
# Libraries the package imports inside functions only (at first use).
_LAZY_LIBRARIES = ("python_calamine",)


def warm_up() -> None:
    """Import everything checking a file may need, so that a worker pays the import
    cost once, before its first file (the worker server calls this; see
    :mod:`reconcile.parallel`). Every module of the package is imported (rules,
    schemas, writers, narrative), whatever each imports lazily inside functions."""
    import importlib
    import pkgutil

    import reconcile
    from reconcile.rules import load_all

    for info in pkgutil.walk_packages(reconcile.__path__, "reconcile."):
        if info.name in _NOT_FOR_WORKERS or info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        try:
            importlib.import_module(info.name)
        except Exception:  # noqa: BLE001 - a module that cannot load fails later, per file
            continue
    for name in _LAZY_LIBRARIES:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001
            continue
    load_all()
