"""Runs every registered check on a model and finalises the findings.

Finalising applies the configuration (disabled rules, severity overrides) and the
SPEC's 说明 semantics: a 说明 turns a warning into an explained warning and never
changes an error. A check that raises does not end the file: it becomes an info
finding naming the check, so a bug in one rule never hides the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from reconcile.config import DEFAULT, Config
from reconcile.findings import Finding, Severity
from reconcile.indicators.rows import readings_shared
from reconcile.model import WorkbookModel
from reconcile.rules import load_all
from reconcile.rules.catalogue import CHECKS, RULES


@dataclass
class CheckContext:
    config: Config = DEFAULT
    # Facts about the other workbooks of the batch (for cross-year rules):
    # (unit name, year) → BatchFacts; filled by the pipeline.
    batch: dict = field(default_factory=dict)


def finalize(findings: Iterable[Finding], config: Config) -> list[Finding]:
    out = []
    for f in findings:
        if f.rule in config.disabled:
            continue
        rule = RULES.get(f.rule)
        # An override applies to every finding of the rule (a rule may report an error
        # and a warning variant) except its info notes (could not run, within tolerance),
        # unless the rule itself is an info rule.
        if rule is not None and (f.severity != Severity.INFO or rule.severity == Severity.INFO):
            f.severity = config.severity_for(f.rule, f.severity)
        f.explained = f.severity == Severity.WARNING and bool(f.explanation and f.explanation.strip())
        out.append(f)
    out.sort(key=lambda f: f.sort_key)
    return out


def run_checks(model: WorkbookModel, ctx: CheckContext | None = None) -> list[Finding]:
    """Every file-scope check on one workbook, finalised and sorted."""
    load_all()
    ctx = ctx or CheckContext()
    findings: list[Finding] = []
    with readings_shared():     # indicator rows read once for all the indicator rules
        for chk in CHECKS:
            if chk.scope != "file":
                continue
            if all(rule.code in ctx.config.disabled for rule in chk.rules):
                continue
            try:
                findings.extend(chk.func(model, ctx))
            except Exception as exc:  # noqa: BLE001 - one broken check must not hide the rest
                codes = "/".join(r.code for r in chk.rules)
                findings.append(Finding(
                    rule=chk.rules[0].code if chk.rules else "INTERNAL",
                    severity=Severity.INFO,
                    sheet=None, cell=None, row_label="",
                    message=f"{codes} 核对时发生内部错误，未能完成：{type(exc).__name__}: {exc}",
                ))
    return finalize(findings, ctx.config)


def codes(findings: Sequence[Finding], severity: Severity | None = None) -> list[str]:
    """Rule codes of findings (optionally of one severity), for tests and summaries."""
    return [f.rule for f in findings if severity is None or f.severity == severity]
