"""A real client opens the outputs: LibreOffice converts X_核对.xlsx and 汇总.xlsx to PDF.

Skipped when LibreOffice is not installed, except in CI (env CI=true), where
.ci/run installs it and a missing soffice is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from reconcile.pipeline import run_batch
from tests.output_fixtures import write_department


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("LibreOffice (soffice) is not installed; .ci/run should have installed it")
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def _convert(soffice: str, tmp_path, target: str, out_dir, files: list) -> subprocess.CompletedProcess:
    """LibreOffice (its own profile under tmp_path) converts ``files`` to ``target``
    into ``out_dir``."""
    profile = (tmp_path / "lo_profile").as_uri()
    return subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", target, "--outdir", str(out_dir), *map(str, files)],
        capture_output=True, text=True, timeout=180,
    )


@pytest.mark.slow
def test_libreoffice_converts_outputs(tmp_path):
    soffice = _soffice()
    src = tmp_path / "in"
    src.mkdir()
    write_department(src / "公安局.xlsx", note='=HYPERLINK("http://x","点我")')
    out = tmp_path / "out"
    run_batch([src], out)
    pdf_dir = tmp_path / "pdf"
    proc = _convert(soffice, tmp_path, "pdf", pdf_dir, [out / "公安局_核对.xlsx", out / "汇总.xlsx"])
    for name in ("公安局_核对.pdf", "汇总.pdf"):
        pdf = pdf_dir / name
        assert pdf.is_file(), f"{name} not produced: {proc.stdout} {proc.stderr}"
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF") and len(data) > 5000
        # one page at least per sheet: 核对摘要, 问题清单, 自评报告 and the 5 input sheets
        pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
        assert pages >= (8 if name.startswith("公安局") else 3), pages


@pytest.mark.slow
def test_libreoffice_reads_rich_shaped_text_as_text(tmp_path):
    """A unit name shaped like a rich string's XML ("<r>…</r>", which stock xlsxwriter
    writes raw) reaches LibreOffice as the text itself: the first sheet of each output
    (核对摘要, 汇总) converted to CSV."""
    import csv

    import openpyxl

    soffice = _soffice()
    unit = "<r>财政 & 预算 <局></r>"
    src = tmp_path / "in"
    src.mkdir()
    path = write_department(src / "公安局.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["基本情况"]["B2"] = unit
    wb.save(path)
    out = tmp_path / "out"
    run_batch([src], out)
    csv_dir = tmp_path / "csv"
    proc = _convert(soffice, tmp_path, "csv:Text - txt - csv (StarCalc):44,34,76", csv_dir,
                    [out / "公安局_核对.xlsx", out / "汇总.xlsx"])
    for name in ("公安局_核对.csv", "汇总.csv"):
        table = csv_dir / name
        assert table.is_file(), f"{name} not produced: {proc.stdout} {proc.stderr}"
        cells = [c for row in csv.reader(table.open(encoding="utf-8")) for c in row]
        assert unit in cells, (name, cells[:12])
