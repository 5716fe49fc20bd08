"""Rendering the rule catalogue for `reconcile rules` and the README."""

from __future__ import annotations

from reconcile.rules.catalogue import all_rules


def render_text(codes: set[str] | None = None) -> str:
    parts = []
    for rule in all_rules():
        if codes and rule.code not in codes:
            continue
        parts.append(f"{rule.code}  [{rule.severity.chinese}]  {rule.title}\n" +
                     "\n".join("    " + line for line in rule.doc.strip().splitlines()))
    return "\n\n".join(parts)


def render_markdown(codes: set[str] | None = None) -> str:
    lines = ["| 代码 | 严重程度 | 规则 | 说明 |", "|---|---|---|---|"]
    for rule in all_rules():
        if codes and rule.code not in codes:
            continue
        doc = " ".join(line.strip() for line in rule.doc.strip().splitlines()).replace("|", "\\|")
        lines.append(f"| {rule.code} | {rule.severity.chinese} | {rule.title} | {doc} |")
    return "\n".join(lines)
