"""The generated 部门整体支出绩效自评报告 (SPEC §5). [to be written: issue 6]"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    kind: str          # "title" | "heading1" | "heading2" | "body" | "table"
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)   # for kind == "table"


@dataclass
class Narrative:
    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)


def build_narrative(model, findings) -> Narrative:
    return Narrative(title=f"{model.unit_name or ''}{model.year or ''}年度部门整体支出绩效自评报告")
