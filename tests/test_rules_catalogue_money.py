"""The money rules' catalogue entries, the README table generated from them, the
function-class table, the shared arithmetic, and the start-up cost of `reconcile rules`."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

from click.testing import CliRunner

from reconcile.cli import main
from reconcile.config import DEFAULT
from reconcile.findings import Severity
from reconcile.reference.function_classes import catalogue, normalize_name
from reconcile.rules.arith import RateCheck, check_sum, compare_rate
from reconcile.rules.catalogue import all_rules
from scripts import update_readme

ROOT = Path(__file__).resolve().parent.parent
MONEY_CODES = ["INC001", "INC002", "INC003", "INC004", "EXP001", "EXP002", "EXP003", "EXP004", "EXP005", "EXP006",
               "EXP007", "EXP008", "CAR001", "BUD001", "BUD002", "BUD003", "BUD004", "XS001", "XS002", "STF001",
               "STF002", "YOY001"]
SEVERITY = {"INC004": "warning", "EXP004": "warning", "EXP007": "warning", "BUD003": "warning", "XS001": "warning",
            "XS002": "warning", "STF002": "warning"}


def test_every_money_rule_is_catalogued_with_severity_and_doc():
    rules = {r.code: r for r in all_rules()}
    for code in MONEY_CODES:
        rule = rules[code]
        assert rule.severity == Severity(SEVERITY.get(code, "error")), code
        assert rule.title and rule.template and rule.family
        for part in ("核对什么", "为什么", "示例"):
            assert part in rule.doc, (code, part)


def test_reconcile_rules_lists_every_money_code():
    result = CliRunner().invoke(main, ["rules"])
    assert result.exit_code == 0
    for code in MONEY_CODES:
        assert f"{code}  [" in result.output


def test_readme_rule_table_is_current():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert update_readme.current_section(text) == update_readme.rendered_section()


def test_rule_listing_does_not_import_pandas():
    # `reconcile rules` must start fast: rule modules import pandas/pandera only inside checks
    code = ("import sys; from reconcile.rules.catalogue import all_rules; all_rules(); "
            "print(sorted(m for m in ('pandas', 'pandera', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_function_classes_aliases_and_conventions():
    cat = catalogue()
    assert cat.get("210").matches("医疗卫生与计划生育支出") and cat.get("210").matches("卫生健康支出（类）")
    assert cat.get("20805").matches("行政事业单位离退休")
    assert cat.accepts("2101101", "行政单位医疗")
    assert cat.accepts("2010101", "行政运行")                   # conventional item of a listed 款
    assert not cat.accepts("2100201", "综合医院")               # not listed: unknown, never guessed
    assert cat.accepts("2010199", "其他人大事务支出")           # “其他…支出” under a listed 款
    assert not cat.get("2040204").in_use(2023) and cat.get("2040204").in_use(2018)
    assert not cat.get("2040220").in_use(2018) and cat.get("2040220").in_use(2023)
    assert normalize_name(" 2040201 行政运行（项）") == "行政运行"
    assert {e.level for e in cat.entries.values()} == {"类", "款", "项"}


def test_compare_rate_precision_and_truncation():
    assert compare_rate(D("10.93"), D("10.9282"), 2) is RateCheck.OK
    assert compare_rate(D("31.4"), D("31.39"), 1) is RateCheck.OK             # the department's precision
    assert compare_rate(D("10.9282"), D("10.92823"), 4) is RateCheck.OK       # more decimals than needed
    assert compare_rate(D("95.45"), D("95.4572"), 2) is RateCheck.TRUNCATED
    assert compare_rate(D("95.44"), D("95.4572"), 2) is RateCheck.WRONG
    assert compare_rate(D("144.13"), D("144.125"), 2) is RateCheck.OK         # half-up, not banker's


def test_check_sum_blanks_and_signs():
    result = check_sum(D("7885.44"), [D("6617.01"), D("496.52"), None], DEFAULT, "万元")
    assert not result.matches and result.blank_explains and result.implied == D("771.91")
    assert result.tolerance == D("0.02")                                       # 0.01 + 2 × 0.005
    closing = check_sum(D("5"), [D("5"), D("600"), D("600")], DEFAULT, "万元", signs=[1, 1, -1])
    assert closing.matches
    over = check_sum(D("910"), [D("950"), None], DEFAULT, "万元")
    assert not over.matches and not over.blank_explains                       # blanks cannot explain a negative
    yuan = check_sum(D("1"), [D("0.999998")], DEFAULT, "元")                  # 万元 values of a 元 sheet
    assert yuan.tolerance == D("0.0000015") and not yuan.matches
