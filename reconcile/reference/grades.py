"""Grade bands for the total self-evaluation score (domain.md §4.8)."""

from __future__ import annotations

from decimal import Decimal

BANDS: tuple[tuple[Decimal, str], ...] = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"), (Decimal(0), "差"))


def grade_for(score: Decimal) -> str:
    """优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差."""
    for floor, grade in BANDS:
        if score >= floor:
            return grade
    return "差"
