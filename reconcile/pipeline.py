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


def year_facts(item: InputFile) -> YearFacts | None:
    """Phase one of a batch: the small facts cross-file rules need. Never raises."""
    from reconcile.reading.workbook import read_workbook

    try:
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


def run_batch(inputs: list[Path], out_dir: Path, config: Config = DEFAULT,
              progress: Progress | None = None) -> BatchResult:
    """Check every workbook under ``inputs`` and write all outputs to ``out_dir``."""
    from reconcile.output.findings_json import write_findings_json
    from reconcile.output.per_file import write_batch_outputs

    files, skipped = discover(inputs, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    batch: dict = {}
    if len(files) > 1:
        for item in files:
            facts = year_facts(item)
            if facts is not None:
                batch.setdefault(facts.key, facts)
    results: list[FileResult] = []
    for n, item in enumerate(files, 1):
        result = process_file(item, out_dir, config, batch)
        results.append(result)
        if progress is not None:
            progress(result, n, len(files))
    outcome = BatchResult(results, skipped, out_dir)
    write_findings_json(outcome, out_dir / JSON_NAME)
    write_batch_outputs(outcome, out_dir)
    return outcome
