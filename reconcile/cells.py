"""A1 addresses: the only place that converts between (row, column) and "D9"."""

from __future__ import annotations

import re

_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def col_letter(col0: int) -> str:
    """0-based column index → letters (0 → A, 26 → AA)."""
    letters = ""
    n = col0 + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_LETTERS = tuple(col_letter(c) for c in range(702))      # A … ZZ


def a1(row0: int, col0: int) -> str:
    """0-based row and column → "D9"."""
    if 0 <= col0 < 702:
        return f"{_LETTERS[col0]}{row0 + 1}"
    return f"{col_letter(col0)}{row0 + 1}"


def col_index(letters: str) -> int:
    """Letters → 0-based column index."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def split_ref(ref: str) -> tuple[int, int]:
    """"D9" → (9, 3): 1-based row, 0-based column. (0, 0) when not an address."""
    m = _REF.match(ref or "")
    if not m:
        return (0, 0)
    return int(m.group(2)), col_index(m.group(1))
