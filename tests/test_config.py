"""reconcile.toml / --config: every setting reaches the rules, every mistake is a clear
Chinese usage error (exit 2)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconcile.cli import main
from reconcile.config import DEFAULT, ConfigError, config_from_dict, load_config
from reconcile.findings import Severity

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SEED = "峨边彝族自治县公安局_2023.xlsx"


def test_defaults_without_a_file(tmp_path):
    assert load_config(None, [tmp_path]) is DEFAULT
    assert DEFAULT.profile == "national" and DEFAULT.scoring_profile.budget_weight == 10


def test_full_file(tmp_path):
    path = tmp_path / "reconcile.toml"
    path.write_text("""\ufeff
profile = "四川"
[tolerance]
amount_tolerance = 0.02
[thresholds]
overachievement_ratio = 1.5
change_rate_threshold = "25"
[scoring]
qualitative_bands = [85, 50]
reverse_formula = "ratio"
[scoring.grades]
"良" = "部分达成"
[rules]
disabled = ["ind007"]
[rules.severity]
IND002 = "错误"
XS003 = "warning"
""", encoding="utf-8")
    cfg = load_config(None, [tmp_path])
    assert cfg.profile == "sichuan" and cfg.scoring_profile.level1_weights is None
    assert cfg.amount_tolerance == Decimal("0.02") and cfg.overachievement_ratio == Decimal("1.5")
    assert cfg.change_rate_threshold == 25
    assert cfg.qualitative_edges == (85, 50) and cfg.reverse_formula == "ratio"
    assert cfg.grade_bands["良"] == "部分达成" and cfg.grade_bands["优"] == "达成"
    assert cfg.disabled == {"IND007"}
    assert cfg.severity_overrides == {"IND002": Severity.ERROR, "XS003": Severity.WARNING}


@pytest.mark.parametrize("data, words", [
    ({"colour": {}}, "未知的配置节 colour"),
    ({"tolerance": 0.01}, "[tolerance] 应为一节设置"),
    ({"tolerance": {"amount": 1}}, "未知的设置项 amount"),
    ({"tolerance": {"amount_tolerance": "abc"}}, "amount_tolerance 应为数字"),
    ({"tolerance": {"amount_tolerance": True}}, "amount_tolerance 应为数字"),
    ({"tolerance": {"amount_tolerance": -1}}, "不小于 0"),
    ({"thresholds": {"overachievement_ratio": 0.8}}, "overachievement_ratio 应不小于 1"),
    ({"profile": "beijing"}, "未知的评分方案"),
    ({"profile": 3}, "未知的评分方案"),
    ({"profile": "national", "scoring": {"profile": "sichuan"}}, "两个不同的值"),
    ({"scoring": {"qualitative_bands": [60, 80]}}, "qualitative_bands 应满足"),
    ({"scoring": {"qualitative_bands": 80}}, "qualitative_bands 应为两个百分数"),
    ({"scoring": {"reverse_formula": "log"}}, "reverse_formula 应为 linear 或 ratio"),
    ({"scoring": {"grades": {"优": "很好"}}}, "等级“优”对应的档次"),
    ({"scoring": {"weights": 1}}, "[scoring] 中未知的设置项 weights"),
    ({"rules": {"disabled": ["IND999"]}}, "未知的规则代码 IND999"),
    ({"rules": {"disabled": 7}}, "disabled 应为规则代码列表"),
    ({"rules": {"severity": {"IND005": "fatal"}}}, "IND005 的严重程度应为"),
    ({"rules": {"severity": {"ABC": "info"}}}, "未知的规则代码 ABC"),
    ({"rules": {"skip": []}}, "[rules] 中未知的设置项 skip"),
])
def test_invalid_settings(data, words):
    with pytest.raises(ConfigError) as exc:
        config_from_dict(data, source="reconcile.toml")
    assert words in str(exc.value) and str(exc.value).startswith("reconcile.toml：")


@pytest.mark.parametrize("content, words", [
    ("profile = ", "配置文件格式错误"),
    (b"\xff\xfe p", "不是 UTF-8"),
])
def test_invalid_file_is_usage_error_exit_2(tmp_path, content, words):
    bad = tmp_path / "bad.toml"
    bad.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = CliRunner().invoke(main, ["run", str(tmp_path), "-o", str(tmp_path / "out"), "--config", str(bad)])
    assert result.exit_code == 2
    assert words in result.output and "Traceback" not in result.output


def test_missing_config_file_and_invalid_setting_exit_2(tmp_path):
    result = CliRunner().invoke(main, ["run", str(tmp_path), "-o", str(tmp_path / "out"), "--config",
                                       str(tmp_path / "nope.toml")])
    assert result.exit_code == 2 and "配置文件不存在" in result.output
    (tmp_path / "reconcile.toml").write_text('[rules]\ndisabled = ["IND999"]\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(tmp_path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "未知的规则代码 IND999" in result.output


def test_config_in_input_folder_reaches_the_rules(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / SEED).write_bytes((EXAMPLES / SEED).read_bytes())

    def seed_rules(extra_args=()):
        out = tmp_path / "out"
        result = CliRunner().invoke(main, ["run", str(folder), "-o", str(out), "-q", *extra_args])
        assert result.exit_code in (0, 1), result.output
        data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
        return [(x["rule"], x["severity"]) for x in data["files"][0]["findings"] if x["rule"].startswith("IND")]

    before = seed_rules()
    assert ("IND009", "warning") in before and ("IND002", "warning") in before
    (folder / "reconcile.toml").write_text('[rules]\ndisabled = ["IND009"]\n[rules.severity]\nIND002 = "info"\n',
                                           encoding="utf-8")
    after = seed_rules()
    assert not [r for r in after if r[0] == "IND009"] and ("IND002", "info") in after
    other = tmp_path / "other.toml"
    other.write_text('[rules]\ndisabled = ["IND007"]\n', encoding="utf-8")
    given = seed_rules(["--config", str(other)])   # --config wins over the folder's file
    assert ("IND009", "warning") in given and not [r for r in given if r[0] == "IND007"]


def test_severity_override_keeps_info_notes():
    from reconcile.findings import Finding
    from reconcile.rules.indicator_scores import IND003
    from reconcile.rules.runner import finalize

    cfg = config_from_dict({"rules": {"severity": {"IND003": "warning"}}})
    error = IND003.at(None, sheet="绩效指标", stated="s", requirement="r")
    split = IND003.at(None, sheet="绩效指标", stated="s", requirement="r", severity=Severity.WARNING)
    note = IND003.cannot_run("没有绩效指标表")
    assert isinstance(note, Finding)
    finalize([error, split, note], cfg)
    assert (error.severity, split.severity, note.severity) == (Severity.WARNING, Severity.WARNING, Severity.INFO)


def test_shipped_example_config_is_valid_and_equals_the_defaults():
    cfg = load_config(Path(__file__).resolve().parent.parent / "docs" / "reconcile.example.toml")
    assert cfg == DEFAULT
