"""Findings: what a rule reports about one cell (SPEC §3)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from enum import Enum
from typing import Any


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def chinese(self) -> str:
        return {"error": "错误", "warning": "提示", "info": "信息"}[self.value]

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


JsonValue = str | int | float | None


def json_value(value: Any) -> JsonValue:
    """expected / actual as JSON: numbers as numbers, everything else as text."""
    if value is None or isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        if value == value.to_integral() and abs(value) < 10**15:
            return int(value)
        return float(value)
    return str(value)


@dataclass(slots=True)
class Finding:
    rule: str
    severity: Severity
    sheet: str | None
    cell: str | None
    row_label: str
    message: str
    expected: JsonValue = None
    actual: JsonValue = None
    explained: bool = False
    explanation: str | None = None

    def to_json(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    @property
    def sort_key(self) -> tuple:
        from reconcile.cells import split_ref

        row, col = split_ref(self.cell) if self.cell else (0, 0)
        return (self.sheet or "", row, col, self.rule)


def verdict(findings: list[Finding]) -> str:
    """通过 / 有错误 / 有提示: errors first; a warning with a 说明 no longer needs action."""
    if any(f.severity == Severity.ERROR for f in findings):
        return "有错误"
    if any(f.severity == Severity.WARNING and not f.explained for f in findings):
        return "有提示"
    return "通过"
