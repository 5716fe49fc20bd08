"""The narrative as data: a title and a list of paragraphs.

Both writers read this: the 自评报告 sheet of the annotated workbook (one paragraph a
row, by ``kind`` and ``text``) and the .docx (:mod:`reconcile.narrative.docx`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    kind: str          # "title" | "heading1" | "heading2" | "body" | "table"
    text: str = ""     # for a table: its caption
    rows: list[list[str]] = field(default_factory=list)   # for kind == "table": header row first
    pending: bool = False   # the paragraph carries 【待核实】


@dataclass
class Narrative:
    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The whole text, one paragraph a line (tables by caption)."""
        return "\n".join([self.title, *(p.text for p in self.paragraphs)])


def body(text: str, pending: bool = False) -> Paragraph:
    return Paragraph("body", text, pending=pending)


def heading(text: str, level: int = 2) -> Paragraph:
    return Paragraph(f"heading{level}", text)


def table(caption: str, rows: list[list[str]]) -> Paragraph:
    return Paragraph("table", caption, rows)
