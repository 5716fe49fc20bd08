"""Template rules (TPL): is this the bureau's template, and can its cells be read?

These turn what the reader noticed (``model.problems``) into findings.
"""

from __future__ import annotations

from collections.abc import Iterator

from reconcile.findings import Finding, Severity
from reconcile.model import WorkbookModel, Where
from reconcile.rules.catalogue import Rule, check

FAMILY = "模板"

TPL001 = Rule(
    code="TPL001", severity=Severity.ERROR, family=FAMILY,
    title="缺少必需的工作表或不是本模板",
    template="{message}",
    doc="""核对什么：工作簿是否包含模板要求的工作表（基本情况、收入、支出、绩效指标）。
为什么：缺少工作表，相应的核对全部无法进行；工作表全部被改名或换成其他表格时，说明交回的不是本模板。
示例：工作表只有“Sheet1”“Sheet2” → 错误，列出找到的工作表名称；工作表“收入”改名为“收入表” → 仍能识别（按名称或表头查找）。""",
)
TPL002 = Rule(
    code="TPL002", severity=Severity.ERROR, family=FAMILY,
    title="缺少必需的列",
    template="工作表“{sheet}”缺少必需的列“{column}”，请按模板恢复该列",
    doc="""核对什么：每张表的表头是否包含模板要求的列（按表头文字查找，不要求固定位置，全角半角、空格、括号不影响）。
为什么：缺少列的表无法逐项复核，常见于使用了旧版或其他年度的模板。
示例：“收入”表没有“增减率(%)”列 → 错误；“增减率（%）”与“增减率(%)”视为同一列。""",
)
TPL003 = Rule(
    code="TPL003", severity=Severity.ERROR, family=FAMILY,
    title="应填数字处不是数字",
    template="{sheet} {cell}（{label}）：{detail}，此处应填写数字",
    doc="""核对什么：金额、比率、分值、得分等单元格能否读成数字。可以识别千分位“1,234.56”、全角数字、“（12.5）”表示负数、“12.5万元”“5分”等带单位写法；“—”“-”、空白视为未填。
为什么：无法识别的文字会让合计、增减额等核对落空，必须改正。
示例：本年数填“约六千万” → 错误；填“6,202.69” → 正确。""",
)
TPL004 = Rule(
    code="TPL004", severity=Severity.ERROR, family=FAMILY,
    title="必填项为空",
    template="基本情况：“{label}”未填写，此项为必填",
    doc="""核对什么：基本情况表的单位名称、年度是否已填写。
为什么：汇总、跨年度核对与自评报告都以单位名称和年度识别报表。
示例：单位名称为空 → 错误。""",
)
TPL005 = Rule(
    code="TPL005", severity=Severity.WARNING, family=FAMILY,
    title="公式没有计算结果",
    template="{sheet} {cell}（{label}）是公式，但文件中没有保存计算结果，无法读取数值；请在 Excel 或 WPS 中打开、重新计算并保存后再提交",
    doc="""核对什么：单元格是公式但文件里没有保存计算结果（常见于由程序生成、未经 Excel/WPS 保存的文件）。
为什么：这样的单元格读出来是空白，若不提示，会被误当作“未填”。
示例：合计行为 =SUM(B5:B14) 但未保存结果 → 提示；在 Excel 中打开并保存后即可读取。""",
)
TPL006 = Rule(
    code="TPL006", severity=Severity.INFO, family=FAMILY,
    title="隐藏的工作表或行",
    template="{message}",
    doc="""核对什么：工作簿中有隐藏的工作表或隐藏的行。
为什么：隐藏内容同样会被读取和核对；提示填报人注意，避免遗忘的隐藏数据影响结果。
示例：“支出”表第 12 行被隐藏 → 信息提示，该行照常参与核对。""",
)


@check(TPL001, TPL002, TPL003, TPL004, TPL005, TPL006)
def template_problems(model: WorkbookModel, ctx) -> Iterator[Finding]:
    for p in model.problems:
        where = Where(p.sheet, p.ref) if p.sheet and p.ref else None
        if p.kind == "not_template":
            yield TPL001.at(None, message=f"不是本模板的工作簿：未找到模板的任何工作表（基本情况、收入、支出、绩效指标）。找到的工作表：{p.detail or '无'}",
                            expected="基本情况、收入、支出、绩效指标", actual=p.detail)
        elif p.kind == "sheet_missing":
            found = "、".join(model.sheet_names) or "无"
            yield TPL001.at(None, row_label=p.sheet,
                            message=f"缺少必需的工作表“{p.sheet}”（工作簿中的工作表：{found}），请使用财政局下发的模板填报",
                            expected=p.sheet, actual=found)
        elif p.kind == "header_missing":
            cols = "、".join(p.data)
            yield TPL001.at(None, sheet=p.sheet, message=f"工作表“{p.sheet}”中找不到“{p.detail}”表的表头（应包含：{cols}），无法核对该表",
                            expected=cols, actual=None)
        elif p.kind == "column_missing":
            yield TPL002.at(None, sheet=p.sheet, column=p.detail, expected=p.detail, actual=None)
        elif p.kind == "not_number":
            yield TPL003.at(where, row_label=p.label, label=p.label or "—", detail=p.detail,
                            actual=_raw_text(p.detail))
        elif p.kind == "field_empty":
            yield TPL004.at(where, sheet=p.sheet, row_label=p.detail, label=p.detail, expected=p.detail, actual=None)
        elif p.kind == "formula_no_value":
            yield TPL005.at(where, row_label=p.label, label=p.label or "—")
        elif p.kind == "hidden_sheet":
            yield TPL006.at(None, sheet=p.sheet, message=f"工作表“{p.sheet}”是隐藏的；其内容照常读取和核对")
        elif p.kind == "hidden_rows":
            yield TPL006.at(None, sheet=p.sheet, message=f"工作表“{p.sheet}”有隐藏的行（第 {p.detail} 行）；这些行照常读取和核对")
        elif p.kind == "sheet_renamed":
            yield TPL006.at(None, sheet=p.sheet, message=f"工作表“{p.sheet}”按内容识别为模板的“{p.detail}”表（工作表名称与模板不同）")


def _raw_text(detail: str) -> str:
    # detail reads “xxx”不是数字 → the quoted text
    if detail.startswith("“") and "”" in detail:
        return detail[1:detail.index("”")]
    return detail
