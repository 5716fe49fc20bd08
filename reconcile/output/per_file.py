"""The seam between the pipeline and the writers: what is written for each file
and for the batch. Every output is written atomically (see :mod:`reconcile.output.atomic`)."""

from __future__ import annotations

from pathlib import Path

ANNOTATED_SUFFIX = "_核对"
DOCX_SUFFIX = "_自评报告"
SUMMARY_NAME = "汇总.xlsx"


def write_file_outputs(raw, model, findings, out_dir: Path, item) -> list[str]:
    """Write X_核对.xlsx and X_自评报告.docx for one checked workbook; return their names."""
    from reconcile.narrative import build_narrative
    from reconcile.narrative.docx import write_docx
    from reconcile.output.annotated import write_annotated

    narrative = build_narrative(model, findings)
    annotated = out_dir / f"{item.stem}{ANNOTATED_SUFFIX}.xlsx"
    write_annotated(raw, model, findings, narrative, annotated, source=item.display)
    docx = out_dir / f"{item.stem}{DOCX_SUFFIX}.docx"
    write_docx(narrative, model, docx)
    return [p.name for p in (annotated, docx) if p.exists()]


def write_batch_outputs(batch, out_dir: Path) -> None:
    """Write 汇总.xlsx for the whole batch."""
    from reconcile.output.summary import write_summary

    write_summary(batch, out_dir / SUMMARY_NAME)
