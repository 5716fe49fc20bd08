"""findings.json (SPEC §4): every file, its status and findings, and a summary."""

from __future__ import annotations

import datetime as _dt
import json
from collections import Counter
from typing import TYPE_CHECKING

from reconcile import __version__
from reconcile.findings import Severity
from reconcile.output.atomic import write_bytes_atomic

if TYPE_CHECKING:
    from pathlib import Path

    from reconcile.pipeline import BatchResult


def findings_document(batch: BatchResult) -> dict:
    files = []
    by_rule: Counter[str] = Counter()
    by_severity: Counter[str] = Counter()
    explained = 0
    for r in batch.files:
        files.append({
            "file": r.file,
            "unit": r.unit,
            "year": r.year,
            "status": r.status,
            "error": r.error,
            "findings": [f.to_json() for f in r.findings],
        })
        for f in r.findings:
            by_rule[f.rule] += 1
            by_severity[f.severity.value] += 1
            explained += f.explained
    summary = {
        "files": len(batch.files),
        "ok": sum(r.status == "ok" for r in batch.files),
        "with_findings": sum(r.status == "findings" for r in batch.files),
        "unreadable": sum(r.status == "unreadable" for r in batch.files),
        "errors": by_severity[Severity.ERROR.value],
        "warnings": by_severity[Severity.WARNING.value],
        "infos": by_severity[Severity.INFO.value],
        "explained": explained,
        "by_rule": dict(sorted(by_rule.items())),
        "skipped": [{"file": s.display, "reason": s.reason} for s in batch.skipped],
        "exit_code": batch.exit_code,
        "generated_at": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    return {"tool": "reconcile", "version": __version__, "files": files, "summary": summary}


def write_findings_json(batch: BatchResult, dest: Path) -> None:
    data = json.dumps(findings_document(batch), ensure_ascii=False, indent=2)
    write_bytes_atomic(dest, data.encode("utf-8"))
