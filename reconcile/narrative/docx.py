"""X_自评报告.docx written with python-docx. [to be written: issue 6]"""

from __future__ import annotations


def write_docx(narrative, model, dest) -> None:
    return None
