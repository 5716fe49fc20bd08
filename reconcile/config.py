"""Run configuration: tolerances, thresholds, severity overrides, disabled rules.

Defaults follow SPEC §3 and domain.md. A `reconcile.toml` (or `--config FILE`) may
override them; see :func:`load_config`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from pathlib import Path

from reconcile.findings import Severity


class ConfigError(ValueError):
    """An invalid configuration file (a usage error, exit status 2)."""


@dataclass(frozen=True)
class Config:
    amount_tolerance: Decimal = Decimal("0.01")      # in the sheet's unit (万元 or 元)
    per_addend_tolerance: Decimal = Decimal("0.005")  # per rounded addend of a sum
    change_rate_threshold: Decimal = Decimal("30")    # |增减率| ≥ this needs 说明 (INC004/EXP007)
    execution_rate_threshold: Decimal = Decimal("90") # 执行率 < this needs 说明 (BUD003)
    overachievement_ratio: Decimal = Decimal("1.3")   # actual ≥ 130% of target needs 偏差原因 (IND006)
    profile: str = "national"                        # scoring profile (see the indicator rules)
    severity_overrides: dict[str, Severity] = field(default_factory=dict)
    disabled: frozenset[str] = frozenset()

    def severity_for(self, code: str, default: Severity) -> Severity:
        return self.severity_overrides.get(code, default)


DEFAULT = Config()
CONFIG_FILE_NAME = "reconcile.toml"

_DECIMAL_KEYS = {f.name for f in fields(Config) if f.type in ("Decimal", Decimal)}


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
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"配置文件不存在：{path}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"配置文件格式错误：{path}：{exc}") from exc
    return config_from_dict(data, source=str(path))


def config_from_dict(data: dict, source: str = "配置") -> Config:
    from reconcile.rules.catalogue import all_rules

    known_codes = {r.code for r in all_rules()}
    values: dict = {}
    for key, value in data.get("tolerance", {}).items() | data.get("thresholds", {}).items():
        if key not in _DECIMAL_KEYS:
            raise ConfigError(f"{source}：未知的设置项 {key}")
        try:
            values[key] = Decimal(str(value))
        except Exception as exc:  # noqa: BLE001 - any bad literal is a usage error
            raise ConfigError(f"{source}：{key} 应为数字，实际为 {value!r}") from exc
    if "profile" in data:
        values["profile"] = str(data["profile"])
    rules = data.get("rules", {})
    overrides: dict[str, Severity] = {}
    for code, sev in rules.get("severity", {}).items():
        if code not in known_codes:
            raise ConfigError(f"{source}：未知的规则代码 {code}")
        try:
            overrides[code] = Severity(sev)
        except ValueError as exc:
            raise ConfigError(f"{source}：{code} 的严重程度应为 error/warning/info，实际为 {sev!r}") from exc
    disabled = set()
    for code in rules.get("disabled", []):
        if code not in known_codes:
            raise ConfigError(f"{source}：未知的规则代码 {code}")
        disabled.add(code)
    unknown = set(data) - {"tolerance", "thresholds", "profile", "rules"}
    if unknown:
        raise ConfigError(f"{source}：未知的配置节 {', '.join(sorted(unknown))}")
    return replace(DEFAULT, **values, severity_overrides=overrides, disabled=frozenset(disabled))
