"""The performance-indicator hierarchy (domain.md §4.5): 一级 → allowed 二级.

Two hierarchies are in use and both are accepted:
- classic (财预〔2015〕88号 / 2020 自评表): 产出 / 效益 / 满意度;
- 2021 (财预〔2021〕101号): 成本 becomes a 一级 with 经济/社会/生态环境成本.
Names are compared after normalisation with the 指标 suffix optional.
"""

from __future__ import annotations

CLASSIC: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}

HIERARCHY_2021: dict[str, tuple[str, ...]] = {
    "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
    "产出指标": ("数量指标", "质量指标", "时效指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}

# Every 一级 and every 二级 name a department may pick (template dropdowns).
LEVEL1_NAMES: tuple[str, ...] = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL2_NAMES: tuple[str, ...] = tuple(dict.fromkeys(
    name for table in (CLASSIC, HIERARCHY_2021) for names in table.values() for name in names
))

# 指标性质 accepted on input, mapped to the operator used for scoring.
NATURE_ALIASES: dict[str, str] = {
    "≥": ">=", ">=": ">=", ">": ">=", "正向": ">=", "大于等于": ">=", "大于": ">=",
    "≤": "<=", "<=": "<=", "<": "<=", "反向": "<=", "小于等于": "<=", "小于": "<=",
    "=": "=", "＝": "=", "等于": "=",
    "定性": "qual",
}
NATURE_CHOICES: tuple[str, ...] = ("≥", "≤", "=", "定性")
