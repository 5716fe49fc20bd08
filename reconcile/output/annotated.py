"""X_核对.xlsx: the annotated copy handed back to the department (SPEC §4). [to be written: issue 5]"""

from __future__ import annotations


def write_annotated(raw, model, findings, narrative, dest, source: str = "") -> None:
    """Write the annotated workbook to ``dest`` atomically."""
    return None
