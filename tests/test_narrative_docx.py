"""X_自评报告.docx: opens in python-docx with the headings, CJK fonts and tables, and
converts to PDF in LibreOffice (skipped locally without soffice; required in CI)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn

from reconcile.narrative import build_narrative
from reconcile.narrative.docx import write_docx
from reconcile.pipeline import check_path
from tests.test_narrative_fidelity import SEED_EXAMPLE, norm


@pytest.fixture(scope="module")
def seed_docx(tmp_path_factory):
    _, model, findings = check_path(SEED_EXAMPLE)
    narrative = build_narrative(model, findings)
    dest = tmp_path_factory.mktemp("docx") / "峨边彝族自治县公安局_2023_自评报告.docx"
    write_docx(narrative, model, dest)
    return narrative, dest


def test_docx_has_title_headings_body_and_tables(seed_docx):
    narrative, dest = seed_docx
    doc = Document(str(dest))
    paras = [p for p in doc.paragraphs if p.text]
    assert paras[0].text == "峨边彝族自治县公安局2023年度部门整体支出绩效自评报告"
    h1 = [p.text for p in paras if p.style.name == "Heading 1"]
    assert h1 == ["一、部门基本情况", "二、部门财政资金收支情况", "三、部门整体绩效管理情况", "四、评价结论及建议"]
    h2 = [p.text for p in paras if p.style.name == "Heading 2"]
    assert "（一）部门财政资金收入情况。" in h2 and "（三）改进建议。" in h2
    income = next(p.text for p in narrative.paragraphs if p.text.startswith("2023年收入预算"))
    assert income in [p.text for p in paras if p.style.name == "Normal"]
    assert len(doc.tables) == 3
    income_table, expenditure_table, indicator_table = doc.tables
    assert [c.text for c in income_table.rows[0].cells] == ["收入项目", "本年数", "上年数", "增减额", "增减率(%)", "备注"]
    assert [c.text for c in income_table.rows[1].cells][:5] == ["收入合计", "6202.69", "6963.70", "-761.01", "-10.93"]
    row_208 = next(r for r in expenditure_table.rows if r.cells[0].text == "208")
    assert [c.text for c in row_208.cells][2:6] == ["603.16", "496.52", "106.64", "21.48"]
    indicators = next(p for p in narrative.paragraphs if p.kind == "table" and "绩效指标" in p.text)
    assert len(indicator_table.rows) == len(indicators.rows) == 1 + 107
    assert [c.text for c in indicator_table.rows[1].cells] == indicators.rows[1]
    # the header row repeats on every page
    assert income_table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_docx_body_font_is_set_for_chinese(seed_docx):
    _, dest = seed_docx
    doc = Document(str(dest))
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert doc.styles["Heading 1"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "黑体"
    assert doc.core_properties.title == "峨边彝族自治县公安局2023年度部门整体支出绩效自评报告"


def test_docx_written_atomically(tmp_path, seed_docx):
    narrative, _ = seed_docx
    dest = tmp_path / "out.docx"
    dest.write_bytes(b"old")
    broken = type(narrative)(title=narrative.title, paragraphs=[*narrative.paragraphs, None])
    with pytest.raises(AttributeError):
        write_docx(broken, None, dest)
    assert dest.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.docx"]


def test_docx_converts_to_pdf_in_libreoffice(seed_docx, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) is required in CI to check the .docx opens")
        pytest.skip("LibreOffice not installed")
    narrative, dest = seed_docx
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(dest)],
        capture_output=True, text=True, timeout=180,
    )
    pdf = tmp_path / (dest.stem + ".pdf")
    assert result.returncode == 0 and pdf.exists(), result.stderr
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20_000
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, timeout=60).stdout
        assert "部门财政资金收支情况" in text
        assert norm("相比2022年社会保障和就业支出496.52万元增加106.64万元") in norm(text)


def test_run_writes_the_report_beside_the_annotated_workbook(tmp_path):
    from reconcile.pipeline import run_batch

    shutil.copy(SEED_EXAMPLE, tmp_path / "峨边.xlsx")
    out = tmp_path / "核对结果"
    result = run_batch([tmp_path / "峨边.xlsx"], out)
    assert "峨边_自评报告.docx" in result.files[0].outputs
    doc = Document(str(out / "峨边_自评报告.docx"))
    assert any(p.text == "二、部门财政资金收支情况" for p in doc.paragraphs)
