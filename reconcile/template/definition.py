"""The template, defined once (SPEC §2).

Both the template writer (`reconcile template`) and the reader use these
definitions: sheet names, header labels with their accepted aliases, which
columns are required, what kind of value each column holds, and the 基本情况
fields. Change the template here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from reconcile.reference.indicator_hierarchy import LEVEL1_NAMES, LEVEL2_NAMES, NATURE_CHOICES
from reconcile.text import normalize_label

ColumnKind = Literal["text", "code", "amount", "percent", "score", "count"]


@dataclass(frozen=True)
class Column:
    key: str                     # English identifier used in code ("cur")
    label: str                   # header label as printed in the template ("本年数")
    kind: ColumnKind
    required: bool = True        # missing → TPL002
    aliases: tuple[str, ...] = ()
    width: int = 14              # template column width (characters)
    help: str = ""               # Chinese explanation for 填报说明
    choices: tuple[str, ...] = ()  # dropdown values in the template

    def matches(self, normalized: str) -> bool:
        return normalized in self.normalized_labels

    @cached_property  # computed once per column: the reader asks for every header cell
    def normalized_labels(self) -> frozenset[str]:
        labels = {normalize_label(x) for x in (self.label, *self.aliases)}
        # "本年数（万元）" and "本年数(元)" are the same column; the unit is read separately.
        for unit in ("(万元)", "(元)", "(分)"):
            labels |= {x + unit for x in list(labels)}
        return frozenset(labels)


@dataclass(frozen=True)
class SheetDef:
    key: str                     # English identifier ("income")
    name: str                    # sheet name ("收入")
    required: bool
    columns: tuple[Column, ...]
    help: str
    rows: tuple[str, ...] = ()   # row labels pre-filled in the template
    aliases: tuple[str, ...] = ()  # other sheet names accepted on input

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    @cached_property  # the reader asks for every header cell
    def columns_by_label(self) -> dict[str, tuple[Column, ...]]:
        """Normalised label → the columns it matches, in template order."""
        out: dict[str, list[Column]] = {}
        for col in self.columns:
            for label in col.normalized_labels:
                out.setdefault(label, []).append(col)
        return {label: tuple(cols) for label, cols in out.items()}

    @property
    def anchor(self) -> Column:
        """The first column: its header locates the table."""
        return self.columns[0]


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: ColumnKind
    required: bool = False       # required → TPL004 when empty
    help: str = ""
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


NOTE_ALIASES = ("备注", "审核说明", "情况说明", "说明(审核说明)", "差异说明")

BASIC_FIELDS: tuple[Field, ...] = (
    Field("unit_name", "单位名称", "text", True, "部门（单位）全称，如“峨边彝族自治县公安局”", aliases=("部门名称", "单位全称")),
    Field("year", "年度", "count", True, "评价年度，四位数字，如 2023", aliases=("评价年度", "预算年度")),
    Field("amount_unit", "金额单位", "text", False, "万元 或 元；不填视为万元", choices=("万元", "元")),
    Field("supervisor", "主管部门", "text", help="主管部门名称"),
    Field("budget_units", "预算单位数", "count", help="纳入本报告的预算单位个数"),
    Field("admin_units", "行政单位数", "count", help="其中行政单位个数"),
    Field("public_units", "事业单位数", "count", help="其中事业单位个数"),
    Field("staff_quota", "编制总数", "count", help="核定编制总数（名）"),
    Field("quota_admin", "行政编制", "count", help="其中行政编制数（名）"),
    Field("quota_worker", "工勤编制", "count", help="其中工勤编制数（名）"),
    Field("quota_public", "事业编制", "count", help="其中事业编制数（名）"),
    Field("staff_active", "在职人数", "count", help="在职人员总数（名）"),
    Field("active_admin", "在职行政", "count", help="其中在职行政人员（名）"),
    Field("active_worker", "在职工勤", "count", help="其中在职工勤人员（名）"),
    Field("active_public", "在职事业", "count", help="其中在职事业人员（名）"),
    Field("retired_early", "离休人数", "count", help="离休人员（名）"),
    Field("retired", "退休人数", "count", help="退休人员（名）"),
    Field("self_score", "自评得分", "score", help="部门整体支出绩效自评总分（满分 100）"),
    Field("functions", "主要职能", "text", help="部门主要职能，可分条填写"),
    Field("tasks", "年度主要工作任务", "text", help="本年度主要工作任务，可分条填写"),
    Field("overall_goal", "年度总体目标", "text", help="本年度部门整体绩效总体目标"),
    Field("disclosure", "信息公开", "text", help="绩效信息公开情况"),
    Field("rectification", "整改反馈", "text", help="评价结果整改和应用情况"),
    Field("problems", "存在问题", "text", help="预算管理和绩效目标实现中存在的问题"),
    Field("suggestions", "改进建议", "text", help="下一步改进措施和建议"),
)

INCOME_SOURCES: tuple[str, ...] = (
    "一般公共预算财政拨款",
    "政府性基金预算财政拨款",
    "国有资本经营预算财政拨款",
    "财政专户管理资金",
    "事业收入",
    "上级补助收入",
    "附属单位上缴收入",
    "经营收入",
    "其他收入",
    "上年结转",
)

# Row labels that mark a total row (after normalisation).
TOTAL_LABELS = frozenset(normalize_label(x) for x in (
    "合计", "总计", "收入合计", "收入总计", "本年收入合计", "支出合计", "支出总计", "本年支出合计",
    "年度资金总额", "资金总额", "总额", "总分", "合计得分", "得分合计",
))

_AMOUNT = "金额单位见“基本情况”的金额单位（默认万元），保留两位小数"

SHEETS: tuple[SheetDef, ...] = (
    SheetDef(
        key="basic",
        name="基本情况",
        required=True,
        columns=(
            Column("item", "项目", "text", width=18, help="字段名称，请勿修改", aliases=("字段", "项目名称")),
            Column("content", "内容", "text", width=60, help="填写内容", aliases=("填报内容", "值")),
        ),
        help="单位名称、年度、金额单位、机构人员、自评得分及报告所需文字。每个字段一行，带 * 的必须填写。",
        rows=tuple(f.label for f in BASIC_FIELDS),
    ),
    SheetDef(
        key="income",
        name="收入",
        required=True,
        columns=(
            Column("label", "收入项目", "text", width=28, help="首行为“收入合计”，其下每个资金来源一行",
                   aliases=("项目", "收入来源", "资金来源", "项目名称")),
            Column("cur", "本年数", "amount", help=_AMOUNT, aliases=("本年金额", "本年", "本期数", "本年预算数", "本年决算数")),
            Column("prev", "上年数", "amount", help=_AMOUNT, aliases=("上年金额", "上年", "上期数", "上年预算数", "上年决算数")),
            Column("delta", "增减额", "amount", help="本年数 − 上年数（本工具会复核）", aliases=("增减金额", "增减", "变动额")),
            Column("rate", "增减率(%)", "percent", help="增减额 ÷ 上年数 × 100，保留两位小数（本工具会复核）",
                   aliases=("增减率", "增长率(%)", "增长率", "变动率(%)", "变动率", "增减幅度(%)")),
            Column("note", "说明", "text", required=False, width=36,
                   help="增减率绝对值达 30% 及以上等需要说明的情况，请在此说明原因", aliases=NOTE_ALIASES),
        ),
        help="按资金来源填列收入。“收入合计”应等于各来源之和。",
        rows=("收入合计", *INCOME_SOURCES),
    ),
    SheetDef(
        key="expenditure",
        name="支出",
        required=True,
        columns=(
            Column("code", "科目编码", "code", width=12, help="支出功能分类科目编码：类 3 位、款 5 位、项 7 位；合计行不填",
                   aliases=("功能分类科目编码", "科目代码", "编码", "功能科目编码")),
            Column("name", "科目名称", "text", width=30, help="与编码对应的科目名称", aliases=("功能分类科目名称", "科目", "功能科目名称")),
            Column("cur", "本年数", "amount", help=_AMOUNT, aliases=("本年金额", "本年", "本期数", "本年预算数", "本年决算数")),
            Column("prev", "上年数", "amount", help=_AMOUNT, aliases=("上年金额", "上年", "上期数", "上年预算数", "上年决算数")),
            Column("delta", "增减额", "amount", help="本年数 − 上年数", aliases=("增减金额", "增减", "变动额")),
            Column("rate", "增减率(%)", "percent", help="增减额 ÷ 上年数 × 100，保留两位小数",
                   aliases=("增减率", "增长率(%)", "增长率", "变动率(%)", "变动率", "增减幅度(%)")),
            Column("basic", "基本支出", "amount", required=False, help="选填；填写时 基本支出 + 项目支出 应等于本年数"),
            Column("project", "项目支出", "amount", required=False, help="选填"),
            Column("note", "说明", "text", required=False, width=36, help="需要说明的情况", aliases=NOTE_ALIASES),
        ),
        help="首行为“支出合计”（不填编码），其下按类、款、项逐行填列；类 = Σ款，款 = Σ项。",
        rows=("支出合计",),
    ),
    SheetDef(
        key="carryover",
        name="结转结余",
        required=False,
        columns=(
            Column("code", "科目编码", "code", width=12, help="支出功能分类科目编码；合计行不填",
                   aliases=("功能分类科目编码", "科目代码", "编码")),
            Column("name", "科目名称", "text", width=30, help="与编码对应的科目名称", aliases=("功能分类科目名称", "科目")),
            Column("opening", "年初结转结余", "amount", help=_AMOUNT, aliases=("年初结转和结余", "年初数")),
            Column("income", "本年收入", "amount", help=_AMOUNT),
            Column("expense", "本年支出", "amount", help=_AMOUNT),
            Column("closing", "年末结转结余", "amount", help="= 年初结转结余 + 本年收入 − 本年支出", aliases=("年末结转和结余", "年末数")),
            Column("note", "说明", "text", required=False, width=36, help="需要说明的情况", aliases=NOTE_ALIASES),
        ),
        help="选填。每个科目一行，可加“合计”行。年末结转结余 = 年初结转结余 + 本年收入 − 本年支出。",
    ),
    SheetDef(
        key="budget",
        name="预算执行",
        required=False,
        columns=(
            Column("source", "资金来源", "text", width=20, help="已列出的资金来源，行名称请勿修改", aliases=("项目", "资金类别")),
            Column("initial", "年初预算数", "amount", help=_AMOUNT, aliases=("年初预算",)),
            Column("full", "全年预算数", "amount", help=_AMOUNT, aliases=("调整后预算数", "全年(调整)预算数", "调整预算数")),
            Column("executed", "全年执行数", "amount", help=_AMOUNT, aliases=("预算执行数", "执行数")),
            Column("rate", "执行率(%)", "percent", help="全年执行数 ÷ 全年预算数 × 100", aliases=("执行率", "预算执行率", "预算执行率(%)")),
            Column("weight", "分值", "score", help="仅“年度资金总额”行填写，通常为 10", aliases=("权重", "执行率权重")),
            Column("score", "得分", "score", help="= min(执行率, 100%) × 分值", aliases=("执行率得分",)),
            Column("note", "说明", "text", required=False, width=36, help="执行率低于 90% 时必须说明原因",
                   aliases=(*NOTE_ALIASES, "原因")),
        ),
        help="选填。首行“年度资金总额”，其下为“其中”各来源；执行率低于 90% 请说明原因。",
        rows=("年度资金总额", "财政拨款", "上年结转", "其他资金"),
    ),
    SheetDef(
        key="indicators",
        name="绩效指标",
        required=True,
        columns=(
            Column("level1", "一级指标", "text", width=12, choices=LEVEL1_NAMES, help="产出指标 / 效益指标 / 满意度指标（或成本指标）"),
            Column("level2", "二级指标", "text", width=16, choices=LEVEL2_NAMES, help="与一级指标对应的二级指标"),
            Column("level3", "三级指标", "text", width=30, help="具体指标名称，每个三级指标一行"),
            Column("nature", "指标性质", "text", required=False, width=10, choices=NATURE_CHOICES,
                   help="≥（越大越好）、≤（越小越好）、=、定性"),
            Column("target", "年度指标值", "text", width=18, help="目标值，定量指标须含数字", aliases=("指标值", "年度目标值", "年初指标值")),
            Column("unit", "度量单位", "text", required=False, width=10, help="如 台、%、天；定性指标可不填",
                   aliases=("计量单位", "单位")),
            Column("actual", "实际完成值", "text", width=18, help="全年实际完成的值，写法与年度指标值一致", aliases=("完成值", "全年实际完成值", "全年完成值", "实际完成情况")),
            Column("weight", "分值", "score", width=8, help="该指标的分值（权重）", aliases=("权重", "指标权重", "指标权重(分)")),
            Column("score", "得分", "score", width=8, help="按完成情况评定的得分，不超过分值", aliases=("指标得分", "指标得分(分)")),
            Column("deviation", "偏差原因分析及改进措施", "text", required=False, width=36,
                   help="未完成或明显超额完成时，写明偏差原因和改进措施",
                   aliases=("偏差原因分析", "偏差原因", "未完成原因分析", "偏差原因分析及改进措施说明")),
        ),
        help="每个三级指标一行；一级、二级指标可合并单元格或只在每组首行填写。分值合计加预算执行分值应为 100。",
    ),
    SheetDef(
        key="projects",
        name="重点项目",
        required=False,
        columns=(
            Column("name", "项目名称", "text", width=30, help="每个项目一行"),
            Column("budget", "预算数", "amount", help=_AMOUNT, aliases=("全年预算数", "项目预算数")),
            Column("executed", "执行数", "amount", help=_AMOUNT, aliases=("全年执行数", "项目执行数")),
            Column("rate", "执行率(%)", "percent", help="执行数 ÷ 预算数 × 100", aliases=("执行率",)),
            Column("content", "主要内容", "text", required=False, width=40, help="项目主要内容或用途"),
            Column("status", "完成情况", "text", required=False, width=40, help="项目实施和完成情况"),
        ),
        help="选填。100 万元及以上的项目逐个填列。",
    ),
)

SHEET_BY_KEY: dict[str, SheetDef] = {s.key: s for s in SHEETS}
SHEET_BY_NAME: dict[str, SheetDef] = {s.name: s for s in SHEETS}
INSTRUCTIONS_SHEET = "填报说明"
# Sheets the annotated workbook (X_核对.xlsx) puts in front of the input sheets. The
# reader ignores them, so a returned annotated workbook reads like the original.
REPORT_SHEETS: tuple[str, ...] = ("核对摘要", "问题清单", "自评报告")
FIELD_BY_KEY: dict[str, Field] = {f.key: f for f in BASIC_FIELDS}

# Normalised label → definition (first one wins, as the former linear searches did).
_FIELD_BY_LABEL: dict[str, Field] = {}
for _f in BASIC_FIELDS:
    for _x in (_f.label, *_f.aliases):
        _FIELD_BY_LABEL.setdefault(normalize_label(_x), _f)
_SHEET_BY_LABEL: dict[str, SheetDef] = {}
for _s in SHEETS:
    for _x in (_s.name, *_s.aliases):
        _SHEET_BY_LABEL.setdefault(normalize_label(_x), _s)


def find_field(label: object) -> Field | None:
    """The 基本情况 field a row label names ("单位名称*" and "单位名称：" included)."""
    norm = normalize_label(label).rstrip("*")
    return _FIELD_BY_LABEL.get(norm)


def sheet_for_name(name: str) -> SheetDef | None:
    """The sheet definition a workbook sheet name stands for (normalised, aliases)."""
    return _SHEET_BY_LABEL.get(normalize_label(name))
