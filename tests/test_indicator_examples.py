"""The IND rules and XS003 on the shipped examples (seed department and clean department)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconcile.cli import main
from reconcile.findings import Severity
from reconcile.pipeline import check_path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SEED = EXAMPLES / "峨边彝族自治县公安局_2023.xlsx"
CLEAN = EXAMPLES / "示例县文化广播电视和旅游局_2023.xlsx"


def _ours(findings):
    return [f for f in findings if f.rule.startswith(("IND", "XS003"))]


@pytest.fixture(scope="module")
def seed_findings():
    return _ours(check_path(SEED)[2])


def test_seed_unit_price_failures(seed_findings):
    found = [(f.cell, f.row_label, f.expected, f.actual) for f in seed_findings if f.rule == "IND009"]
    assert found == [("E87", "人犯供养", 202500, 337500),
                     ("E88", "医疗及体检", 75000, 283500),
                     ("E89", "人犯衣被费", 15000, 30000)]
    msg = next(f.message for f in seed_findings if f.cell == "E87")
    assert "375 元 × 45 人（取自 E36、E42“人犯供养费”） × 12 个月 = 202500 元" in msg


def test_seed_duplicates_with_different_values(seed_findings):
    dup = [f for f in seed_findings if f.rule == "IND007"]
    assert [f.row_label for f in dup] == ["缉毒执法", "专项工作", "禁毒装备", "生活污水检测", "破获毒品刑事案件"]
    assert all(f.severity == Severity.WARNING for f in dup)
    water = next(f for f in dup if f.row_label == "生活污水检测")
    assert "E21“每月提取城市生活污水送检”" in water.message and "全年 16 次" in water.message
    drugs = dup[-1]
    assert (drugs.cell, drugs.actual) == ("E54", "10；20")
    assert "E64（缉毒执法）中写作“破获毒品刑事案件 20 起”" in drugs.message
    # same-value duplicates are not reported
    assert not any(f.row_label in ("移动警务通", "人犯供养费") for f in dup)


def test_seed_missing_satisfaction_and_nothing_else(seed_findings):
    ind002 = [f for f in seed_findings if f.rule == "IND002"]
    assert [(f.severity, f.expected) for f in ind002] == [(Severity.WARNING, "满意度指标")]
    assert sorted({f.rule for f in seed_findings}) == ["IND002", "IND007", "IND009"]


def test_clean_example_gives_no_indicator_finding():
    assert _ours(check_path(CLEAN)[2]) == []


def test_run_examples_through_the_cli(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(EXAMPLES), "-o", str(out), "-q"])
    assert result.exit_code in (0, 1), result.output
    files = {f["file"]: f for f in json.loads((out / "findings.json").read_text(encoding="utf-8"))["files"]}
    seed = [x for x in files[SEED.name]["findings"] if x["rule"].startswith(("IND", "XS003"))]
    assert [(x["rule"], x["cell"]) for x in seed if x["rule"] == "IND009"] == [("IND009", "E87"), ("IND009", "E88"),
                                                                              ("IND009", "E89")]
    assert not [x for x in files[CLEAN.name]["findings"] if x["rule"].startswith(("IND", "XS003"))]


def test_rule_listing_imports_no_heavy_library():
    """`reconcile rules` imports every rule module; none may pull in pandas/pandera/openpyxl."""
    import subprocess
    import sys

    code = ("import sys; from reconcile.rules.listing import render_text; text = render_text(); "
            "assert 'IND009' in text and 'XS003' in text; "
            "print(sorted(m for m in ('pandas', 'pandera', 'openpyxl', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.strip() == "[]"
