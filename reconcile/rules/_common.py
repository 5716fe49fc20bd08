"""Finding builders shared by the money rules (income, expenditure, budget, carry-over,
staffing, cross-sheet): sums with blank parts, stated changes and rates, thresholds.

Each builder is called for a candidate the sheet's pandera schema selected, recomputes
the figures in Decimal through :mod:`reconcile.rules.arith` and returns the finding,
or None when the exact comparison finds the figures consistent.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from reconcile.config import Config
from reconcile.findings import Finding, Severity
from reconcile.model import Num, Text
from reconcile.numbers import format_rate, round_half_up
from reconcile.rules.arith import (
    RateCheck,
    Shown,
    amounts_match,
    change_rate,
    check_sum,
    compare_rate,
    direction,
    plain,
)
from reconcile.rules.catalogue import Rule

# ---------------------------------------------------------------- message templates

SUM_TEMPLATE = "{where}：{column}填报为 {stated}，按 {formula}{blank_note} 应为 {expected_text}，相差 {gap}"
SUM_BLANK = "{blanks}未填；按 {where} {column} {total} 与已填各项 {formula} 推算，{blank_what}应为 {implied}；请补填，或在“说明”列写明原因"
SUM_UNCHECKED = "{where}：{column}为 {total}，但组成它的 {blanks}均未填，无法核对；请补填，或在“说明”列写明原因"
SUM_VARIANTS = (("blank", SUM_BLANK), ("unchecked", SUM_UNCHECKED))

DELTA_TEMPLATE = "{where}：增减额填报为 {stated}，按 本年数 {cur} − 上年数 {prev} 应为 {expected_text}（{direction}）"

RATE_TEMPLATE = ("{where}：增减率填报为 {stated}%，按 (本年数 {cur} − 上年数 {prev}) ÷ 上年数 {prev} × 100 "
                 "应为 {expected_text}%（{direction}，四舍五入保留两位小数）")
RATE_TRUNCATED = ("{where}：增减率填报为 {stated}%，按 (本年数 {cur} − 上年数 {prev}) ÷ 上年数 {prev} × 100 = {exact}%，"
                  "四舍五入应为 {expected_text}%；填报值是截尾取数，仅末位不同")
RATE_ZERO_BASE = ("{where}：上年数为 0，增减率无法计算（没有意义），但填报了 {stated}%；"
                  "建议该格留空或填“—”，并在“说明”列注明“上年无此项”")

BIG_TEMPLATE = "{where}：本年数 {cur} 比上年数 {prev} {direction} {abs_rate}%，增减幅度达到 {threshold}% 及以上，{tail}"
BIG_STATED = "{where}：增减率填报为 {stated}%，增减幅度达到 {threshold}% 及以上，{tail}"

ASK_NOTE = "请在“说明”列写明原因"


def noted(note: Text | None) -> str | None:
    return note.value if note is not None and note.value else None


def tail(note: str | None) -> str:
    return f"“说明”列已说明：{note}" if note else ASK_NOTE


def where(sheet: str, row: int, label: str) -> str:
    """“支出 第9行 208 社会保障和就业支出”."""
    return f"{sheet} 第{row}行 {label}".rstrip()


def usable(*nums: Num | None) -> bool:
    """Every cell is there and holds a number."""
    return all(n is not None and n.value is not None for n in nums)


def consistent(a: Num | None, b: Num | None, config: Config, unit: str) -> bool:
    """Two amounts match within tolerance, or cannot be compared (a blank or a text cell)."""
    if not usable(a, b):
        return True
    assert a is not None and b is not None
    return amounts_match(a.value, b.value, config, unit)


def readable(*nums: Num | None) -> bool:
    """No cell holds text that is not a number (TPL003 reports those)."""
    return all(n is None or n.problem is None for n in nums)


# ---------------------------------------------------------------- sums


@dataclass(frozen=True)
class Part:
    label: str                 # “204 公共安全支出” or “年初结转结余” (in the formula)
    num: Num | None
    sign: int = 1
    where: str = ""            # “支出 第15行 221 住房保障支出” (naming a blank part)


def sum_finding(rule: Rule, *, total: Num | None, parts: Sequence[Part], column: str, where_text: str,
                row_label: str, unit: str, config: Config, explanation: str | None = None,
                exact: bool = False, blank_explanation: str | None = None,
                parts_are_rows: bool = True) -> Finding | None:
    """A total against the signed sum of its parts (SPEC §3): an error when they differ;
    a warning naming the blank part(s) and the value the total implies for them when
    parts are blank and the blanks could account for the gap (the implied value is
    only in the message and ``expected``, never used as if it had been stated).

    parts_are_rows: the parts are other rows of the total's column (a blank is named
    “where column”); otherwise they are other columns of the total's row.
    exact: head counts, compared without tolerance.
    """
    if not parts or not usable(total) or not readable(total, *(p.num for p in parts)):
        return None
    assert total is not None and total.value is not None
    values = [p.num.value if p.num is not None else None for p in parts]
    result = check_sum(total.value, values, config, unit, [p.sign for p in parts], exact)
    if result.matches:
        return None
    shown = Shown(unit)
    formula = _formula([p for p in parts if p.num is not None and p.num.value is not None], shown)
    blanks = [parts[i] for i in result.blanks]
    if result.blank_explains:
        first = next((p.num for p in blanks if p.num is not None), None)
        cells = [p.label + (f"（{p.num.ref}）" if p.num is not None else "") for p in blanks]
        if parts_are_rows:
            names = "、".join(f"{p.where or p.label} {column}" + (f"（{p.num.ref}）" if p.num is not None else "")
                             for p in blanks)
        else:
            names = f"{where_text} " + "、".join(cells)
        if result.n_filled == 0:
            return rule.at(first or total, variant="unchecked", severity=Severity.WARNING, row_label=row_label,
                           expected=None, actual=total.stated, explanation=blank_explanation or explanation,
                           where=where_text, column=column, total=shown.stated(total), blanks="、".join(cells))
        return rule.at(
            first or total, variant="blank", severity=Severity.WARNING, row_label=row_label,
            expected=shown.raw(result.implied), actual=None,
            explanation=blank_explanation or explanation,
            blanks=names, where=where_text, column=column, total=shown.stated(total),
            formula=formula or "（无）", blank_what="该格" if len(blanks) == 1 else f"这 {len(blanks)} 格合计",
            implied=plain(result.implied) if exact else shown.amount(result.implied),
        )
    blank_note = f"（未填的 {'、'.join(p.label for p in blanks)} 按 0 计）" if blanks else ""
    fmt = plain if exact else shown.amount
    return rule.at(
        total, row_label=row_label, expected=result.filled if exact else shown.raw(result.filled),
        actual=total.stated, explanation=explanation,
        where=where_text, column=column, stated=shown.stated(total), formula=formula or "0",
        blank_note=blank_note, expected_text=fmt(result.filled), gap=fmt(abs(result.gap)),
    )


def blank_note(rows, column: str, total) -> str | None:
    """The 说明 to quote on a blank-part warning: the first blank part's, else the total's."""
    for r in rows:
        cell = getattr(r, column)
        if (cell is None or cell.value is None) and noted(r.note):
            return noted(r.note)
    return noted(total.note)



def _formula(parts: Sequence[Part], shown: Shown) -> str:
    text = ""
    for i, p in enumerate(parts):
        value = shown.stated(p.num)
        if i == 0:
            text = f"{'−' if p.sign < 0 else ''}{p.label} {value}"
        else:
            text += f" {'−' if p.sign < 0 else '+'} {p.label} {value}"
    return text


# ---------------------------------------------------------------- changes


@dataclass(frozen=True)
class ChangeRow:
    """The cells of a row with 本年数 / 上年数 / 增减额 / 增减率 (收入 or 支出)."""

    where: str
    label: str
    cur: Num | None
    prev: Num | None
    delta: Num | None
    rate: Num | None
    note: str | None


def delta_finding(rule: Rule, row: ChangeRow, unit: str, config: Config) -> Finding | None:
    if not usable(row.cur, row.prev, row.delta):
        return None
    assert row.cur and row.prev and row.delta
    expected = row.cur.value - row.prev.value
    if amounts_match(row.delta.value, expected, config, unit):
        return None
    shown = Shown(unit)
    return rule.at(row.delta, row_label=row.label, expected=shown.raw(expected), actual=row.delta.stated,
                   explanation=row.note, where=row.where, stated=shown.stated(row.delta),
                   cur=shown.stated(row.cur), prev=shown.stated(row.prev),
                   expected_text=shown.amount(expected), direction=direction(expected))


def stated_rate_finding(rule: Rule, rate: Num, computed: Decimal | None, *, row_label: str,
                        explanation: str | None, zero_base: bool = False, **params) -> Finding | None:
    """A stated percentage against the recomputed one (arith.compare_rate): None when it
    matches; info when it is only truncated in the last place, or when the base is 0
    (``zero_base``: the rate is undefined); else the rule's finding."""
    params["stated"] = plain(rate.value)
    if zero_base:
        return rule.at(rate, variant="zero_base", severity=Severity.INFO, row_label=row_label,
                       expected=None, actual=rate.value, explanation=explanation, **params)
    assert computed is not None and rate.value is not None
    verdict = compare_rate(rate.value, computed, rate.decimals)
    if verdict is RateCheck.OK:
        return None
    expected = round_half_up(computed, 2)
    params["expected_text"] = format_rate(expected)
    if verdict is RateCheck.TRUNCATED:
        return rule.at(rate, variant="truncated", severity=Severity.INFO, row_label=row_label,
                       expected=expected, actual=rate.value, explanation=explanation,
                       exact=plain(round_half_up(computed, 4)), **params)
    return rule.at(rate, row_label=row_label, expected=expected, actual=rate.value, explanation=explanation, **params)


def rate_finding(rule: Rule, row: ChangeRow, unit: str) -> Finding | None:
    """A stated 增减率 against (本年数 − 上年数) ÷ 上年数 × 100."""
    if not usable(row.cur, row.prev, row.rate):
        return None
    assert row.cur and row.prev and row.rate
    shown = Shown(unit)
    zero = row.prev.value == 0
    if zero and row.cur.value == 0 and row.rate.value == 0:
        return None
    return stated_rate_finding(rule, row.rate, change_rate(row.cur.value, row.prev.value), zero_base=zero,
                               row_label=row.label, explanation=row.note, where=row.where,
                               cur=shown.stated(row.cur), prev=shown.stated(row.prev),
                               direction=direction(row.cur.value - row.prev.value))


def big_change_finding(rule: Rule, row: ChangeRow, unit: str, threshold: Decimal) -> Finding | None:
    """|增减率| at or above the threshold: a warning, explained when 说明 is filled."""
    shown = Shown(unit)
    if usable(row.cur, row.prev):
        assert row.cur and row.prev
        computed = change_rate(row.cur.value, row.prev.value)
        if computed is None:
            return None
        rate = round_half_up(computed, 2)
        if abs(rate) < threshold:
            return None
        return rule.at(row.rate if usable(row.rate) else row.cur, row_label=row.label, expected=None, actual=rate,
                       explanation=row.note, where=row.where, cur=shown.stated(row.cur), prev=shown.stated(row.prev),
                       direction=direction(rate), abs_rate=format_rate(abs(rate)), threshold=plain(threshold),
                       tail=tail(row.note))
    if not usable(row.rate) or row.cur is not None and row.cur.problem or row.prev is not None and row.prev.problem:
        return None
    assert row.rate
    if abs(row.rate.value) < threshold:
        return None
    return rule.at(row.rate, variant="stated", row_label=row.label, expected=None, actual=row.rate.value,
                   explanation=row.note, where=row.where, stated=plain(row.rate.value),
                   threshold=plain(threshold), tail=tail(row.note))


# ---------------------------------------------------------------- rules that cannot run


def missing_columns(model, sheet_key: str, needed: Sequence[str]) -> list[str]:
    """Labels of the ``needed`` columns absent from the sheet's table."""
    from reconcile.template.definition import SHEET_BY_KEY

    table = model.tables.get(sheet_key)
    sheet_def = SHEET_BY_KEY[sheet_key]
    return [sheet_def.column(k).label for k in needed if table is None or not table.has(k)]


def gate(model, sheet_key: str, needs: dict[Rule, Sequence[str]],
         total: tuple[Rule, object, str] | None = None) -> tuple[set[str], list[Finding]]:
    """Which of the rules can run on ``sheet_key`` (codes), and the info findings of
    those that cannot (SPEC §3: nothing is skipped silently). ``total``: (rule, the
    sheet's total row or None, what is missing) for a rule that needs the total row."""
    runnable: set[str] = set()
    notes: list[Finding] = []
    sheet = model.tables[sheet_key].sheet if sheet_key in model.tables else None
    for rule, columns in needs.items():
        reason = cannot_run_reason(model, sheet_key, columns)
        if reason:
            notes.append(rule.cannot_run(reason, sheet=sheet))
        else:
            runnable.add(rule.code)
    if total is not None:
        rule, row, missing = total
        if rule.code in runnable and row is None:
            runnable.discard(rule.code)
            notes.append(rule.cannot_run(missing, sheet=sheet))
    return runnable, notes


@dataclass
class SheetCheck:
    """The rules of one sheet validated by the sheet's schema (:func:`check_sheet`)."""

    model: Any
    sheet_key: str
    config: Config
    runnable: set[str]            # codes of the rules that can run
    notes: list[Finding]          # info findings of the rules that cannot
    frame: Any = None             # the validated SheetFrame, once :meth:`candidates` ran
    failed: list[tuple[str, int]] = field(default_factory=list)

    @property
    def table(self):
        return self.model.tables[self.sheet_key]

    def candidates(self) -> Iterator[tuple[str, str, Any]]:
        """Validate the sheet with ``reconcile.schemas.<sheet key>`` (imported here, so
        that importing a rule module stays cheap) when a rule can run; yield (rule code,
        column or "", model row) of each failing check of a runnable rule, by row."""
        if not self.runnable:
            return
        schema = importlib.import_module(f"reconcile.schemas.{self.sheet_key}")
        self.frame, self.failed = schema.validate(self.model, self.config)
        for name, idx in self.failed:
            code, _, column = name.partition(":")
            if code in self.runnable:
                yield code, column, self.frame.row(idx)


def check_sheet(model, ctx, sheet_key: str, needs: dict[Rule, Sequence[str]],
                total: tuple[Rule, object, str] | None = None) -> SheetCheck:
    """The preamble of a sheet's rules: which can run (:func:`gate`, whose notes the
    caller yields first), and their candidates from the sheet's schema."""
    runnable, notes = gate(model, sheet_key, needs, total)
    return SheetCheck(model, sheet_key, ctx.config, runnable, notes)


def cannot_run_reason(model, sheet_key: str, needed: Sequence[str]) -> str | None:
    """Why a rule on ``sheet_key`` needing columns ``needed`` cannot run, or None."""
    from reconcile.template.definition import SHEET_BY_KEY

    sheet_def = SHEET_BY_KEY[sheet_key]
    if sheet_key not in model.tables:
        return f"工作簿中没有“{sheet_def.name}”表"
    missing = missing_columns(model, sheet_key, needed)
    if missing:
        return f"“{model.tables[sheet_key].sheet}”表缺少“{'”“'.join(missing)}”列"
    return None
