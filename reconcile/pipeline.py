"""The run: find the workbooks, check each one, write the outputs.

One direction of flow: read (preflight → raw grid → typed model) → rules (findings)
→ writers. A file that cannot be read becomes an ``unreadable`` result with a
Chinese reason; nothing a single file does ends the batch.
"""

from __future__ import annotations

import contextlib
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
    # For the batch's cross-year check (YOY001), kept only while the batch runs:
    # (unit key, year) of the workbook, and its YearFacts pickled (a few KB).
    cross_key: tuple[str, int] | None = field(default=None, repr=False, compare=False)
    cross_facts: bytes | None = field(default=None, repr=False, compare=False)

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


FACT_SHEETS = ("basic", "income", "expenditure")


def _sheet_filter(keys: tuple[str, ...]) -> Callable[[str], bool]:
    from reconcile.template.definition import sheet_for_name

    def accept(name: str) -> bool:
        sheet_def = sheet_for_name(name)
        return sheet_def is not None and sheet_def.key in keys

    return accept


def _partial_model(path: Path, keys: tuple[str, ...]):
    """The model built from only the sheets ``keys`` name (by sheet name). The whole
    file is still preflighted first (a hostile file never reaches the reader, whichever
    sheet it hides in). Raises Unreadable."""
    from reconcile.reading.raw import read_raw
    from reconcile.reading.workbook import build_model

    return build_model(read_raw(path, _sheet_filter(keys)))


def unit_year(item: InputFile) -> tuple[str, int] | None:
    """The (unit key, year) of a workbook, from 基本情况 alone. None when unreadable
    or not filled. Never raises. (Used only for a workbook the reader failed on after
    its preflight: its 基本情况 may still be readable.)"""
    from reconcile.batch import unit_key

    try:
        model = _partial_model(item.path, ("basic",))
    except Exception:  # noqa: BLE001 - an unreadable file is reported by its check
        return None
    if not model.unit_name or model.year is None:
        return None
    return unit_key(model.unit_name), model.year


def year_facts(item: InputFile) -> YearFacts | None:
    """The small facts cross-file rules need (YOY001), read from 基本情况/收入/支出
    only (the whole workbook when those sheets were renamed). Never raises. (Used, as
    :func:`unit_year`, only for a workbook the reader failed on after its preflight.)"""
    from reconcile.reading.workbook import read_workbook

    try:
        model = _partial_model(item.path, FACT_SHEETS)
        if not ("income" in model.tables and "expenditure" in model.tables):
            _, model = read_workbook(item.path)
    except Exception:  # noqa: BLE001 - an unreadable file is reported by its check
        return None
    return facts_of(model, item.display)


def process_file(item: InputFile, out_dir: Path, config: Config = DEFAULT, batch: dict | None = None,
                 write: bool = True) -> FileResult:
    """Check one workbook and write its outputs. Never raises: every failure becomes
    an ``unreadable`` result with a Chinese reason (and a traceback for --debug).
    The result also carries what the batch's cross-year check needs of this workbook
    (``cross_key``, ``cross_facts``), so that the batch reads each workbook once."""
    from reconcile.reading.preflight import Unreadable
    from reconcile.reading.raw import ReadFailed
    from reconcile.reading.workbook import read_workbook
    from reconcile.rules.runner import CheckContext, run_checks

    cross: tuple | None = None
    try:
        raw, model = read_workbook(item.path)
        cross = _cross_year(model, item)
        findings = run_checks(model, CheckContext(config=config, batch=batch or {}))
    except Unreadable as exc:
        failed = FileResult(item.display, item.stem, "unreadable", error=exc.reason)
        return _with_cross(failed, cross, item, read_failed=isinstance(exc, ReadFailed))
    except MemoryError:
        failed = FileResult(item.display, item.stem, "unreadable", error="文件过大，读取时内存不足，请删除多余内容后重新提交")
        return _with_cross(failed, cross, item)
    except Exception as exc:  # noqa: BLE001 - never a traceback for the user
        failed = FileResult(item.display, item.stem, "unreadable",
                            error=f"读取时发生意外错误（{type(exc).__name__}），请在 Excel/WPS 中打开后另存为 .xlsx 再试",
                            debug=traceback.format_exc())
        return _with_cross(failed, cross, item)
    result = FileResult(
        item.display, item.stem,
        status="findings" if findings else "ok",
        unit=model.unit_name, year=model.year, findings=findings,
        figures=_figures(model),
    )
    _with_cross(result, cross, item)
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


def _cross_year(model, item: InputFile) -> tuple[tuple[str, int] | None, YearFacts | None]:
    """(unit key, year) and YearFacts of a read workbook, for the batch's cross-year
    check. As they were when read from 基本情况/收入/支出 alone: a 基本情况 found under
    another sheet name gives neither."""
    from reconcile.batch import unit_key

    if any(p.kind == "sheet_renamed" and p.detail == "基本情况" for p in model.problems):
        return None, None
    if not model.unit_name or model.year is None:
        return None, None
    return (unit_key(model.unit_name), model.year), facts_of(model, item.display)


def _with_cross(result: FileResult, cross: tuple | None, item: InputFile, read_failed: bool = True) -> FileResult:
    """Attach the cross-year key and facts to ``result``. When the workbook could not
    be read past its preflight, they come from 基本情况/收入/支出 alone (which may still
    read); a file refused by its preflight has none."""
    import pickle

    if cross is None:
        if not read_failed:
            return result
        key = unit_year(item)
        cross = (key, year_facts(item) if key is not None else None)
    key, facts = cross
    result.cross_key = key
    result.cross_facts = pickle.dumps(facts) if key is not None and facts is not None else None
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
        """``"check"`` (every file, ``total`` of them), then ``"recheck"`` when the batch
        holds a unit's workbooks of consecutive years: the later ones (``total``) are
        checked again with the earlier one's figures (YOY001). ``done`` goes on counting
        across both stages, up to the number of files."""

    def started(self, item: InputFile) -> None:
        """A file is being checked (in some worker)."""

    def finished(self, result: FileResult, done: int, total: int) -> None:
        """A file's final result is in; ``done`` of ``total`` are finished. Called once
        per file."""

    def revised(self, result: FileResult) -> None:
        """A file already reported as finished was checked again with last year's
        workbook of its unit (which came later in the batch) and its result changed:
        this is its final result."""


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


def _check_task(payload: tuple[InputFile, dict], ctx: _Context) -> FileResult:
    item, batch = payload
    return process_file(item, ctx.out_dir, ctx.config, batch, write=ctx.write)


class _Unchanged:
    """Result of a re-check that found what the first check found."""


def _recheck_task(payload: tuple[InputFile, dict, FileResult], ctx: _Context) -> FileResult | _Unchanged:
    """Check a workbook again, now with last year's figures of its unit. When that
    changes nothing (the usual case: the years agree) the first check's outputs stand;
    otherwise they are written again (atomically, over the first ones)."""
    item, batch, first = payload
    again = process_file(item, ctx.out_dir, ctx.config, batch, write=False)
    if not _changed(first, again):
        return _Unchanged()
    if not ctx.write:
        return again
    return process_file(item, ctx.out_dir, ctx.config, batch, write=True)


class _InProcess:
    """--jobs 1: the same interface as the pool, run here, one file after another."""

    def __init__(self, context: _Context):
        self.context = context
        self.frozen = False

    def map(self, func, tasks, on_start=None):
        for index, payload in tasks:
            if on_start is not None:
                on_start(index)
            yield index, func(payload, self.context)
            if not self.frozen:
                # everything a check imports is loaded now: see freeze_startup_objects
                freeze_startup_objects()
                self.frozen = True

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
    Each workbook is read once: its check also returns its unit, year and the few
    figures of 收入/支出 the cross-year check needs (YOY001). A workbook whose unit's
    workbook of the year before is in the batch too is then checked again with that
    one's figures (a second read for it alone), its outputs rewritten if that changes
    its findings. Progress reports each file once, with its final result (a file
    already reported whose result changed is reported as revised). Nothing else is
    kept per file but its findings."""
    from reconcile.output.atomic import remove_stale_temporaries
    from reconcile.output.findings_json import write_findings_json
    from reconcile.output.per_file import write_batch_outputs

    observer = observer or (_Callback(progress) if progress is not None else Observer())
    files, skipped = discover(inputs, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out_dir)        # left by a run that was killed
    context = _Context(out_dir, config)
    n = len(files)
    jobs = max(1, min(jobs, n))
    if jobs > 1:
        from reconcile.parallel import WorkerPool

        runner = WorkerPool(jobs, context)
    else:
        runner = _InProcess(context)
    results: list[FileResult | None] = [None] * n
    reported: set[int] = set()
    done = 0

    def report(i: int) -> None:
        nonlocal done
        done += 1
        reported.add(i)
        observer.finished(results[i], done, n)

    with runner:
        observer.stage("check", n)
        seen: set[tuple[str, int]] = set()
        waiting: list[int] = []           # results held back: last year's workbook was seen
        tasks = [(i, (files[i], {})) for i in range(n)]
        for i, value in runner.map(_check_task, tasks, on_start=lambda i: observer.started(files[i])):
            results[i] = result = _as_result(files[i], value)
            key = result.cross_key
            if key is not None:
                seen.add(key)
                if (key[0], key[1] - 1) in seen:
                    waiting.append(i)     # checked again below: reported then
                    continue
            report(i)
        batch_of = _cross_year_batches(results)
        for r in results:
            if r is not None:
                r.cross_key = r.cross_facts = None
        for i in sorted(waiting):
            if i not in batch_of:
                report(i)
        if batch_of:
            observer.stage("recheck", len(batch_of))
            tasks = [(i, (files[i], batch_of[i], results[i])) for i in sorted(batch_of)]
            for i, value in runner.map(_recheck_task, tasks, on_start=lambda i: observer.started(files[i])):
                first = results[i]
                if not isinstance(value, _Unchanged):
                    results[i] = _as_result(files[i], value)
                    _drop_outputs(first, results[i], out_dir)
                if i not in reported:
                    report(i)
                elif results[i] is not first:
                    observer.revised(results[i])
            for r in results:
                if r is not None:
                    r.cross_key = r.cross_facts = None
    outcome = BatchResult([r for r in results if r is not None], skipped, out_dir)
    write_findings_json(outcome, out_dir / JSON_NAME)
    write_batch_outputs(outcome, out_dir)
    return outcome


def _cross_year_batches(results: list[FileResult | None]) -> dict[int, dict]:
    """For each workbook whose unit's workbook of the year before is in the batch: the
    batch facts to check it with, {(unit key, year - 1): YearFacts} (the first such
    workbook in input order)."""
    import pickle

    first_of: dict[tuple[str, int], int] = {}
    for i, r in enumerate(results):
        if r is not None and r.cross_key is not None:
            first_of.setdefault(r.cross_key, i)
    batch_of: dict[int, dict] = {}
    for i, r in enumerate(results):
        if r is None or r.cross_key is None:
            continue
        unit, year = r.cross_key
        source = first_of.get((unit, year - 1))
        data = results[source].cross_facts if source is not None else None
        if data is not None:
            facts: YearFacts = pickle.loads(data)  # noqa: S301 - pickled by this run's own workers
            batch_of[i] = {facts.key: facts}
    return batch_of


def _changed(before: FileResult, after: FileResult) -> bool:
    return (before.status, before.error, [f.to_json() for f in before.findings]) != \
        (after.status, after.error, [f.to_json() for f in after.findings])


def _drop_outputs(before: FileResult, after: FileResult, out_dir: Path) -> None:
    """Outputs of the first check that the second one did not write again (it failed)."""
    for name in set(before.outputs) - set(after.outputs):
        with contextlib.suppress(OSError):
            (out_dir / name).unlink()


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
    from reconcile.narrative.render import preload

    preload()    # templates compiled, the .docx skeleton built: once, before the first file
    freeze_startup_objects()


def freeze_startup_objects() -> None:
    """Move every object alive now (modules, classes, the libraries' tables: some
    hundred thousand, alive until the process ends) out of the cyclic garbage
    collector's reach, after one last collection. Each full collection would otherwise
    go over all of them again (a few ms per file checked); in a worker forked from a
    warm server they also stay shared with it instead of being copied."""
    import gc

    gc.collect()
    gc.freeze()
