"""The money rules on the shipped examples: the seed department's one real
discrepancy (208 社会保障和就业支出) and nothing else wrong; the clean department clean."""

from __future__ import annotations

from pathlib import Path

from reconcile.findings import Severity
from tests.money_workbooks import money_findings, where

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SEED = EXAMPLES / "峨边彝族自治县公安局_2023.xlsx"
CLEAN = EXAMPLES / "示例县文化广播电视和旅游局_2023.xlsx"


def test_seed_gives_exactly_the_208_errors():
    found = money_findings(SEED)
    errors = [f for f in found if f.severity == Severity.ERROR]
    assert where(errors) == [("EXP005", "error", "支出", "E6", 106.64), ("EXP006", "error", "支出", "F6", 21.48)]
    assert [(f.row_label, f.actual) for f in errors] == [("208 社会保障和就业支出", -10.32), ("208 社会保障和就业支出", -2.08)]
    assert errors[0].message == "支出 第6行 208 社会保障和就业支出：增减额填报为 -10.32，按 本年数 603.16 − 上年数 496.52 应为 106.64（增加）"
    assert errors[1].message == ("支出 第6行 208 社会保障和就业支出：增减率填报为 -2.08%，按 (本年数 603.16 − 上年数 496.52) ÷ "
                                 "上年数 496.52 × 100 应为 21.48%（增加，四舍五入保留两位小数）")


def test_seed_blank_2022_housing_value_is_only_a_warning():
    found = money_findings(SEED)
    housing = [f for f in found if f.cell == "D10" and f.sheet == "支出"]
    assert where(housing) == [("EXP001", "warning", "支出", "D10", 254.5)]
    assert "221 住房保障支出 上年数（D10）未填" in housing[0].message


def test_seed_warnings_are_the_known_verification_points():
    found = money_findings(SEED)
    warnings = [(f.rule, f.sheet, f.cell) for f in found if f.severity == Severity.WARNING]
    assert sorted(warnings) == sorted([
        ("XS001", "收入", "C4"),            # 2022 收入 6963.7 against 支出 7885.44 (domain.md S24)
        ("INC004", "收入", "E6"),           # 基金 +144.13 %
        ("EXP007", "支出", "F7"), ("EXP007", "支出", "F8"), ("EXP007", "支出", "F9"),
        ("EXP001", "支出", "D10"),          # 221 上年数 blank
        ("CAR001", "结转结余", "C4"),       # only the closing balance is given
    ])


def test_clean_example_has_no_money_error_and_every_warning_explained():
    found = money_findings(CLEAN)
    assert [f for f in found if f.severity == Severity.ERROR] == []
    warnings = [f for f in found if f.severity == Severity.WARNING]
    assert warnings and all(f.explained for f in warnings)
    assert {f.rule for f in found} <= {"INC004", "EXP007"}
