"""Run configuration: tolerances, thresholds, scoring profile, severity overrides, disabled rules.

Defaults follow SPEC §3 and domain.md. A `reconcile.toml` in the input folder (or the
current folder), or the file given with `--config FILE`, may override them:

    profile = "national"                 # 评分方案: "national"（全国通用）或 "sichuan"（四川）

    [tolerance]
    amount_tolerance = 0.01              # 金额容差（报表单位）
    per_addend_tolerance = 0.005         # 每个加数的舍入容差

    [thresholds]
    change_rate_threshold = 30           # |增减率| ≥ 30% 须说明
    execution_rate_threshold = 90        # 执行率 < 90% 须说明
    overachievement_ratio = 1.3          # 完成值 ≥ 目标 × 1.3 须说明偏差原因
    overachievement_zero_target = 30     # 目标为 0 时，完成值 ≥ 30 须说明

    [scoring]
    qualitative_bands = [80, 60]         # 定性指标：达成 ≥ 80% 分值，部分达成 ≥ 60%
    reverse_formula = "linear"           # 反向（≤）指标：linear（2 倍目标时为 0）或 ratio（目标/完成）
    [scoring.grades]                     # 定性等级对应的完成档次（中文名称须加双引号）
    "优" = "达成"
    "中" = "部分达成"

    [rules]
    disabled = ["IND007"]
    [rules.severity]
    IND005 = "info"                      # error/warning/info 或 错误/提示/信息

Any mistake in the file (unknown section or key, wrong type, unknown rule code) is a
:class:`ConfigError` whose Chinese message the CLI prints as a usage error (exit 2).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from reconcile.findings import Severity
from reconcile.indicators.scoring import (
    DEFAULT_GRADE_BANDS,
    DEFAULT_QUALITATIVE_EDGES,
    PROFILES,
    REVERSE_FORMULAS,
    profile_for,
)
from reconcile.indicators.values import ACHIEVED, NOT_ACHIEVED, PARTLY


class ConfigError(ValueError):
    """An invalid configuration file (a usage error, exit status 2)."""


@dataclass(frozen=True)
class Config:
    amount_tolerance: Decimal = Decimal("0.01")      # in the sheet's unit (万元 or 元)
    per_addend_tolerance: Decimal = Decimal("0.005")  # per rounded addend of a sum
    change_rate_threshold: Decimal = Decimal("30")    # |增减率| ≥ this needs 说明 (INC004/EXP007)
    execution_rate_threshold: Decimal = Decimal("90") # 执行率 < this needs 说明 (BUD003)
    overachievement_ratio: Decimal = Decimal("1.3")   # actual ≥ 130% of target needs 偏差原因 (IND006)
    overachievement_zero_target: Decimal = Decimal("30")  # target 0: actual ≥ this needs 偏差原因 (IND006)
    profile: str = "national"                        # scoring profile key (reconcile.indicators.scoring.PROFILES)
    qualitative_edges: tuple[Decimal, Decimal] = DEFAULT_QUALITATIVE_EDGES  # % of 分值: 达成 floor, 部分达成 floor
    grade_bands: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_GRADE_BANDS))
    reverse_formula: str = "linear"                  # ≤ indicators: "linear" or "ratio"
    severity_overrides: dict[str, Severity] = field(default_factory=dict)
    disabled: frozenset[str] = frozenset()

    def severity_for(self, code: str, default: Severity) -> Severity:
        return self.severity_overrides.get(code, default)

    @property
    def scoring_profile(self):
        """The :class:`~reconcile.indicators.scoring.Profile` chosen by ``profile``."""
        return PROFILES[self.profile]


DEFAULT = Config()
CONFIG_FILE_NAME = "reconcile.toml"

_DECIMAL_KEYS = {f.name for f in fields(Config) if f.type in ("Decimal", Decimal)}
_SECTIONS = {"tolerance", "thresholds", "profile", "scoring", "rules"}
_SEVERITY_WORDS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO,
                   "错误": Severity.ERROR, "提示": Severity.WARNING, "信息": Severity.INFO}
_BANDS = (ACHIEVED, PARTLY, NOT_ACHIEVED)


def load_config(path: Path | None, search_dirs: list[Path] | None = None) -> Config:
    """Load a config file. With no path, use `reconcile.toml` from the first of
    ``search_dirs`` that has one, else the defaults. Raises ConfigError."""
    if path is None:
        for folder in search_dirs or []:
            candidate = folder / CONFIG_FILE_NAME
            if candidate.is_file():
                path = candidate
                break
        else:
            return DEFAULT
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise ConfigError(f"配置文件不存在：{path}") from exc
    except IsADirectoryError as exc:
        raise ConfigError(f"配置文件应为文件，而“{path}”是文件夹") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"配置文件不是 UTF-8 编码的文本：{path}（请用记事本“另存为 UTF-8”）") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_toml_error(path, exc)) from exc
    except OSError as exc:
        raise ConfigError(f"无法读取配置文件：{path}（{exc.strerror or exc}）") from exc
    return config_from_dict(data, source=str(path))


def _toml_error(path: Path, exc: tomllib.TOMLDecodeError) -> str:
    detail = str(exc)
    m = re.search(r"\(at line (\d+), column (\d+)\)", detail)
    where = f"第 {m.group(1)} 行第 {m.group(2)} 列" if m else ""
    reason = re.sub(r"\s*\(at line \d+, column \d+\)|\s*\(at end of document\)", "", detail)
    return (f"配置文件格式错误：{path} {where}（{reason}）。提示：每行写成 名称 = 值；文字值和中文名称都要加英文双引号，"
            f"如 profile = \"sichuan\"、\"优\" = \"达成\"")


def _table(data: dict, key: str, source: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{source}：[{key}] 应为一节设置（形如 [{key}] 后逐行“名称 = 值”），实际为 {value!r}")
    return value


def _decimal(value: Any, key: str, source: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ConfigError(f"{source}：{key} 应为数字，实际为 {value!r}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ConfigError(f"{source}：{key} 应为数字，实际为 {value!r}") from exc
    if not number.is_finite() or number < 0:
        raise ConfigError(f"{source}：{key} 应为不小于 0 的数字，实际为 {value!r}")
    return number


def config_from_dict(data: dict, source: str = "配置") -> Config:
    from reconcile.rules.catalogue import all_rules

    known_codes = {r.code for r in all_rules()}
    unknown = set(data) - _SECTIONS
    if unknown:
        raise ConfigError(f"{source}：未知的配置节 {', '.join(sorted(unknown))}（可用：{', '.join(sorted(_SECTIONS))}）")
    values: dict[str, Any] = {}
    for section in ("tolerance", "thresholds"):
        for key, value in _table(data, section, source).items():
            if key not in _DECIMAL_KEYS:
                raise ConfigError(f"{source}：[{section}] 中未知的设置项 {key}（可用：{', '.join(sorted(_DECIMAL_KEYS))}）")
            values[key] = _decimal(value, key, source)
    if "overachievement_ratio" in values and values["overachievement_ratio"] < 1:
        raise ConfigError(f"{source}：overachievement_ratio 应不小于 1（如 1.3 表示超过目标 30%）")

    scoring = _table(data, "scoring", source)
    profile_name = data.get("profile", scoring.get("profile"))
    if "profile" in data and "profile" in scoring and data["profile"] != scoring["profile"]:
        raise ConfigError(f"{source}：profile 在顶层和 [scoring] 中写了两个不同的值")
    if profile_name is not None:
        profile = profile_for(profile_name) if isinstance(profile_name, str) else None
        if profile is None:
            raise ConfigError(f"{source}：未知的评分方案 profile = {profile_name!r}（可用：national 全国通用，sichuan 四川）")
        values["profile"] = profile.key
    for key, value in scoring.items():
        if key == "profile":
            continue
        if key == "qualitative_bands":
            if not isinstance(value, list) or len(value) != 2:
                raise ConfigError(f"{source}：qualitative_bands 应为两个百分数，如 [80, 60]，实际为 {value!r}")
            high, mid = (_decimal(v, key, source) for v in value)
            if not (Decimal(0) < mid < high <= Decimal(100)):
                raise ConfigError(f"{source}：qualitative_bands 应满足 0 < 第二个数 < 第一个数 ≤ 100，如 [80, 60]")
            values["qualitative_edges"] = (high, mid)
        elif key == "reverse_formula":
            if value not in REVERSE_FORMULAS:
                raise ConfigError(f"{source}：reverse_formula 应为 linear 或 ratio，实际为 {value!r}")
            values["reverse_formula"] = value
        elif key == "grades":
            if not isinstance(value, dict):
                raise ConfigError(f"{source}：[scoring.grades] 应为“等级 = 完成档次”的一节设置")
            grades = dict(DEFAULT_GRADE_BANDS)
            for grade, band in value.items():
                if band not in _BANDS:
                    raise ConfigError(f"{source}：等级“{grade}”对应的档次应为 {'、'.join(_BANDS)} 之一，实际为 {band!r}")
                grades[str(grade)] = band
            values["grade_bands"] = grades
        else:
            raise ConfigError(f"{source}：[scoring] 中未知的设置项 {key}（可用：profile、qualitative_bands、reverse_formula、grades）")

    rules = _table(data, "rules", source)
    unknown = set(rules) - {"severity", "disabled"}
    if unknown:
        raise ConfigError(f"{source}：[rules] 中未知的设置项 {', '.join(sorted(unknown))}（可用：disabled、severity）")
    overrides: dict[str, Severity] = {}
    for code, sev in _table(rules, "severity", f"{source}：rules").items():
        code = str(code).strip().upper()
        if code not in known_codes:
            raise ConfigError(f"{source}：未知的规则代码 {code}（运行 reconcile rules 查看全部代码）")
        severity = _SEVERITY_WORDS.get(str(sev).strip().lower()) if isinstance(sev, str) else None
        if severity is None:
            raise ConfigError(f"{source}：{code} 的严重程度应为 error/warning/info（错误/提示/信息），实际为 {sev!r}")
        overrides[code] = severity
    disabled_list = rules.get("disabled", [])
    if isinstance(disabled_list, str):
        disabled_list = [disabled_list]
    if not isinstance(disabled_list, list):
        raise ConfigError(f"{source}：disabled 应为规则代码列表，如 [\"IND007\"]，实际为 {disabled_list!r}")
    disabled = set()
    for code in disabled_list:
        code = str(code).strip().upper()
        if code not in known_codes:
            raise ConfigError(f"{source}：未知的规则代码 {code}（运行 reconcile rules 查看全部代码）")
        disabled.add(code)
    return replace(DEFAULT, **values, severity_overrides=overrides, disabled=frozenset(disabled))
