"""The indicator rules never raise, whatever a department typed (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.config import DEFAULT
from reconcile.model import BasicInfo, BudgetRow, IndicatorRow, Num, Table, Text, WorkbookModel
from reconcile.rules import indicator_scores, indicator_structure
from reconcile.rules.runner import CheckContext

SHEET = "绩效指标"
WORDS = st.sampled_from(["产出指标", "效益指标", "满意度指标", "成本指标", "数量指标", "质量指标", "社会效益指标",
                         "经济成本指标", "服务对象满意度指标", "产出（50分）", "", "合计", "人犯供养费", "人犯供养",
                         "破获毒品刑事案件", "缉毒执法"])
TEXT = st.one_of(WORDS, st.text(max_size=30),
                 st.text(alphabet="0123456789.%≥≤=<>万元人次台套每月季度年（）()共计分别、定性优良中达成未部分 -",
                         max_size=30),
                 st.from_regex(r"\d{14,40}(\.\d{1,30})? ?(万元|元|人)?", fullmatch=True))
NUM = st.one_of(st.none(), st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False),
                st.decimals(min_value=-10**30, max_value=10**30, places=0, allow_nan=False))


def _text(col: str, r: int, value):
    return Text(SHEET, f"{col}{r}", value, value or None)


def _num(col: str, r: int, value):
    return None if value is None and col == "X" else Num(SHEET, f"{col}{r}", value, value, value, 2)


@st.composite
def rows(draw):
    out = []
    for r in range(2, 2 + draw(st.integers(0, 8))):
        out.append(IndicatorRow(
            row=r, level1=_text("A", r, draw(TEXT)), level2=_text("B", r, draw(TEXT)), level3=_text("C", r, draw(TEXT)),
            nature=_text("D", r, draw(st.one_of(st.sampled_from(["≥", "≤", "=", "定性", "", "正向"]), TEXT))),
            target=_text("E", r, draw(TEXT)), unit=_text("F", r, draw(st.one_of(st.sampled_from(["台", "%", "万元", ""]), TEXT))),
            actual=_text("G", r, draw(TEXT)), weight=_num("H", r, draw(NUM)), score=_num("I", r, draw(NUM)),
            deviation=_text("J", r, draw(st.one_of(st.just(""), TEXT))),
        ))
    return out


CHECKS = [indicator_structure.hierarchy_names, indicator_structure.required_levels, indicator_structure.duplicates,
          indicator_structure.quantitative_without_number, indicator_structure.unit_price_totals,
          indicator_scores.weights_total, indicator_scores.scores, indicator_scores.completion,
          indicator_scores.self_score]


@settings(max_examples=50, deadline=None)
@given(rows(), NUM, NUM, st.sampled_from(["national", "sichuan"]))
def test_indicator_checks_never_raise(indicator_rows, self_score, budget_score, profile):
    cols = {k: i for i, k in enumerate(["level1", "level2", "level3", "nature", "target", "unit", "actual", "weight",
                                        "score", "deviation"])}
    model = WorkbookModel(path="x.xlsx", sheet_names=[SHEET], basic=BasicInfo({
        "self_score": Num("基本情况", "B4", self_score, self_score)}))
    model.tables["indicators"] = Table(SHEET, cols, (), (1,))
    model.indicators = indicator_rows
    model.budget = [BudgetRow(2, Text("预算执行", "A2", "年度资金总额", "年度资金总额"), None, None, None, None,
                              Num("预算执行", "F2", 10, Decimal(10)), Num("预算执行", "G2", budget_score, budget_score),
                              None, is_total=True)]
    ctx = CheckContext(config=replace(DEFAULT, profile=profile))
    for check in CHECKS:
        for f in check(model, ctx):
            assert f.message and f.rule.startswith(("IND", "XS003"))
