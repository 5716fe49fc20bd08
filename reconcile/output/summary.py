"""汇总.xlsx: one row per input file, every finding, unreadable files (SPEC §4). [to be written: issue 5]"""

from __future__ import annotations


def write_summary(batch, dest) -> None:
    return None
