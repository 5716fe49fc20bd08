"""The bar for the generated narrative: the seed example's 收入 and 支出 paragraphs
read as the seed report writes them, except where the seed's own arithmetic is wrong."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reconcile.narrative import build_narrative
from reconcile.pipeline import check_path
from tests.seed_sheets import SEED_EXPENDITURE, SEED_INCOME, seed_workbook

SEED_EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "峨边彝族自治县公安局_2023.xlsx"

# The 社会保障和就业支出 clause as it must read: recomputed figures, the stated ones noted.
SEED_208 = "相比2022年社会保障和就业支出496.52万元减少10.32万元，减少2.08%"
FIXED_208 = ("相比2022年社会保障和就业支出496.52万元增加106.64万元，增加21.48%"
             "（原表填报为减少10.32万元、减少2.08%，已按本年数、上年数重新计算更正）")
# 住房保障支出 has no 2022 figure: described without a comparison, never with the implied 254.5.
HOUSING = "住房保障支出上年数未填列，不作比较"


def norm(text: str) -> str:
    """Ignore spaces and the choice among ，；。 (the seed uses them unevenly)."""
    return re.sub(r"[\s，；。]", "", text)


def paragraph_after(narrative, heading_text: str) -> str:
    paras = narrative.paragraphs
    i = next(i for i, p in enumerate(paras) if p.kind == "heading2" and heading_text in p.text)
    return next(p.text for p in paras[i + 1:] if p.kind == "body")


def expected_expenditure() -> str:
    assert SEED_208 in SEED_EXPENDITURE
    return SEED_EXPENDITURE.replace(SEED_208, FIXED_208).rstrip("。") + "；" + HOUSING + "。"


@pytest.fixture(scope="module", params=["example", "builder"])
def seed_narrative(request, tmp_path_factory):
    if request.param == "example":
        path = SEED_EXAMPLE
    else:
        path = seed_workbook(tmp_path_factory.mktemp("seed") / "seed.xlsx")
    _, model, findings = check_path(path)
    return build_narrative(model, findings)


def test_income_paragraph_is_the_seeds_sentence(seed_narrative):
    text = paragraph_after(seed_narrative, "收入情况")
    assert norm(text) == norm(SEED_INCOME)
    assert "486.2万元" in text and "486.20" not in text


def test_expenditure_paragraph_is_the_seeds_with_208_corrected(seed_narrative):
    text = paragraph_after(seed_narrative, "支出情况")
    assert norm(text) == norm(expected_expenditure())
    assert "254.5" not in text and "【待核实】" not in text


def test_section_two_structure(seed_narrative):
    headings = [p.text for p in seed_narrative.paragraphs if p.kind.startswith("heading")]
    i = headings.index("二、部门财政资金收支情况")
    assert headings[i + 1:i + 4] == ["（一）部门财政资金收入情况。", "（二）部门财政资金支出情况。",
                                     "（三）部门财政资金结转结余情况。"]
    carry = paragraph_after(seed_narrative, "结转结余情况")
    assert "2040201 行政运行年末结转结余10.73万元" in carry


def test_report_sections_in_the_seeds_order(seed_narrative):
    top = [p.text for p in seed_narrative.paragraphs if p.kind == "heading1"]
    assert top == ["一、部门基本情况", "二、部门财政资金收支情况", "三、部门整体绩效管理情况", "四、评价结论及建议"]
    assert seed_narrative.title == "峨边彝族自治县公安局2023年度部门整体支出绩效自评报告"
    units = paragraph_after(seed_narrative, "机构组成")
    assert units == "峨边彝族自治县公安局预算单位1个，其中：行政单位1个。"
    text = seed_narrative.text
    assert ("峨边彝族自治县公安局总编制157名，其中：行政编制152名，工勤编制5名，事业编制0名。"
            "在职人员总数145名，其中：行政141名，工勤4名，事业0名。离休0名。") in text
    assert "绩效评价得分：95分，评价等级为“优”。" in text
    assert "内部控制制度建设的完整性需进一步完善。" in text


def test_seed_example_with_the_rules_findings():
    """The rules flag the 208 row's stated 增减额/增减率 (EXP005/EXP006): the narrative
    corrects them in place (no 【待核实】, the base figures are sound) and section 四
    lists exactly the open errors; warnings (the blank 住房保障 上年数) are not listed."""
    _, model, findings = check_path(SEED_EXAMPLE)
    errors = [f for f in findings if f.severity.value == "error"]
    assert {(f.rule, f.cell) for f in errors} == {("EXP005", "E6"), ("EXP006", "F6")}
    narrative = build_narrative(model, findings)
    assert "【待核实】" not in narrative.text
    bodies = [p.text for p in narrative.paragraphs if p.kind == "body"]
    i = bodies.index("经核对，报表中存在以下须更正的错误：")
    listed = bodies[i + 1:i + 1 + len(errors)]
    assert [x.split("）", 1)[0] for x in listed] == ["（1", "（2"]
    assert all(f.message.rstrip("。") in x for f, x in zip(errors, listed))
    assert bodies[i + 1 + len(errors)] == "严格按照制度规定，建立完善好内部控制制度。"


def test_clean_example_has_nothing_to_verify_or_fix():
    clean = SEED_EXAMPLE.parent / "示例县文化广播电视和旅游局_2023.xlsx"
    _, model, findings = check_path(clean)
    text = build_narrative(model, findings).text
    assert "【待核实】" not in text and "原表填报" not in text and "经核对" not in text
    assert ("2023年支出1525.32万元，其中文化旅游体育与传媒支出1313.9万元；社会保障和就业支出109.98万元；"
            "卫生健康支出42.54万元；住房保障支出58.9万元；相比2022年支出1240.49万元增加284.83万元，增加22.96%；") in text
    assert "绩效评价得分：99.52分，评价等级为“优”。" in text
