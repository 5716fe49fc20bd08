"""The rule catalogue: every rule's code, severity, Chinese title, message template and doc.

A rule is data (like frictionless-py's error classes): it is declared once, next to
the check that produces it, and `reconcile rules` / README list it from here.

    INC002 = Rule(
        code="INC002", severity=Severity.ERROR, title="收入增减额计算错误",
        template="{where}：增减额填报为 {actual}，按 本年数 {cur} − 上年数 {prev} 应为 {expected}（{direction}）",
        doc="...",
    )

    @check(INC002)
    def income_deltas(model, ctx):
        yield INC002.at(row.delta, row_label=..., expected=..., actual=..., where=..., ...)

A check is a function ``(model, ctx) -> Iterable[Finding]``; batch checks take
``(models, ctx)`` and see every workbook of the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from reconcile.findings import Finding, Severity, json_value
from reconcile.model import Num, Text, Where


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    title: str            # short Chinese title
    template: str         # Chinese message template, str.format placeholders
    doc: str              # Chinese: what it checks, why, a wrong and a right example
    family: str = ""      # "模板" / "收入" / "支出" / … for grouping in listings
    # Other message templates of the same rule, by name: a sum with a blank part,
    # a rate on a zero base, … (``at(..., variant="blank")``).
    variants: tuple[tuple[str, str], ...] = ()

    def template_for(self, variant: str | None = None) -> str:
        if variant is None:
            return self.template
        for name, text in self.variants:
            if name == variant:
                return text
        raise KeyError(f"{self.code} has no message variant {variant!r}")

    def at(
        self,
        cell: Num | Text | Where | None,
        *,
        row_label: str = "",
        expected: Any = None,
        actual: Any = None,
        explanation: str | None = None,
        severity: Severity | None = None,
        sheet: str | None = None,
        variant: str | None = None,
        **params: Any,
    ) -> Finding:
        """A finding of this rule at ``cell`` with the message filled from ``params``
        (using the template ``variant`` instead of the main one when given)."""
        where_sheet = cell.sheet if cell is not None else sheet
        where_ref = cell.ref if cell is not None else None
        # {sheet} and {cell} are always available to a template.
        message = self.template_for(variant).format(**{"sheet": where_sheet or "", "cell": where_ref or "", **params})
        return Finding(
            rule=self.code,
            severity=severity or self.severity,
            sheet=where_sheet,
            cell=where_ref,
            row_label=row_label,
            message=message,
            expected=json_value(expected),
            actual=json_value(actual),
            explanation=explanation or None,
        )

    def cannot_run(self, reason: str, *, sheet: str | None = None) -> Finding:
        """The info finding a rule gives when it cannot run (SPEC §3: nothing is skipped silently)."""
        return Finding(
            rule=self.code,
            severity=Severity.INFO,
            sheet=sheet,
            cell=None,
            row_label="",
            message=f"{self.code}（{self.title}）未能核对：{reason}",
        )


FileCheck = Callable[..., Iterable[Finding]]


@dataclass(frozen=True)
class Check:
    func: FileCheck
    rules: tuple[Rule, ...]
    scope: str  # "file" or "batch"

    @property
    def name(self) -> str:
        return f"{self.func.__module__}.{self.func.__name__}"


RULES: dict[str, Rule] = {}
CHECKS: list[Check] = []


def register(rule: Rule) -> Rule:
    existing = RULES.get(rule.code)
    if existing is not None and existing != rule:
        raise ValueError(f"rule code {rule.code} declared twice")
    RULES[rule.code] = rule
    return rule


def check(*rules: Rule, scope: str = "file") -> Callable[[FileCheck], FileCheck]:
    """Register a check function producing findings of ``rules``."""
    for rule in rules:
        register(rule)

    def decorate(func: FileCheck) -> FileCheck:
        CHECKS.append(Check(func, tuple(rules), scope))
        return func

    return decorate


def all_rules() -> list[Rule]:
    """Every rule, loading all rule modules first, sorted by code."""
    from reconcile.rules import load_all

    load_all()
    return sorted(RULES.values(), key=lambda r: (_family_order(r.code), r.code))


def _family_order(code: str) -> int:
    order = ["TPL", "INC", "EXP", "CAR", "BUD", "IND", "XS", "STF", "YOY"]
    prefix = code.rstrip("0123456789")
    return order.index(prefix) if prefix in order else len(order)
