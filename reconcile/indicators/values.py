"""Parsing what departments write as an indicator value.

年度指标值 and 实际完成值 are free text: "≥95%", "99 台", "总计 25.248 万元",
"≤90万元", "每季度4次", "分别 72 人、25 人", "95%以上", "三万份", "定性优良中低差",
"达成年度指标". :func:`parse_value` turns any of them into an :class:`IndicatorValue`
(operator, quantities with units, period, qualitative wording). It never raises: a
text it cannot read gives a value with no quantities, which rules treat as "cannot
tell" rather than as a discrepancy.

Units are normalised to a base unit with the magnitude folded into the number
("4.76 万人" → 47600 人, "25.248 万元" → 252480 元), so 万元 and 元 compare directly.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

# ----------------------------------------------------------------- units

# (written unit, base unit, scale). Longest written forms first (regex alternation order).
_UNIT_TABLE: tuple[tuple[str, str, int], ...] = (
    ("个百分点", "百分点", 1), ("百分点", "百分点", 1),
    ("万人次", "人次", 10000), ("万元", "元", 10000), ("千元", "元", 1000), ("亿元", "元", 100000000),
    ("万人", "人", 10000), ("万份", "份", 10000), ("万册", "册", 10000), ("万次", "次", 10000),
    ("万个", "个", 10000), ("万套", "套", 10000), ("万亩", "亩", 10000), ("万户", "户", 10000),
    ("万张", "张", 10000), ("万件", "件", 10000), ("万条", "条", 10000),
    ("平方米", "平方米", 1), ("平方公里", "平方公里", 1), ("立方米", "立方米", 1),
    ("人次", "人次", 1), ("场次", "场次", 1), ("车次", "车次", 1), ("架次", "架次", 1), ("户次", "户次", 1),
    ("个月", "月", 1), ("小时", "小时", 1), ("分钟", "分钟", 1), ("工作日", "工作日", 1),
    ("公里", "公里", 1), ("千米", "公里", 1), ("km", "公里", 1),
    ("%", "%", 1), ("‰", "‰", 1), ("㎡", "平方米", 1), ("m2", "平方米", 1),
    ("元", "元", 1), ("人", "人", 1), ("次", "次", 1), ("台", "台", 1), ("套", "套", 1),
    ("项", "项", 1), ("座", "座", 1), ("条", "条", 1), ("张", "张", 1), ("个", "个", 1),
    ("份", "份", 1), ("户", "户", 1), ("件", "件", 1), ("辆", "辆", 1), ("所", "所", 1),
    ("家", "家", 1), ("天", "天", 1), ("日", "天", 1), ("周", "周", 1), ("月", "月", 1),
    ("年", "年", 1), ("米", "米", 1), ("亩", "亩", 1), ("吨", "吨", 1), ("起", "起", 1),
    ("部", "部", 1), ("块", "块", 1), ("本", "本", 1), ("处", "处", 1), ("批", "批", 1),
    ("期", "期", 1), ("篇", "篇", 1), ("名", "人", 1), ("位", "人", 1), ("只", "只", 1),
    ("册", "册", 1), ("场", "场", 1), ("村", "村", 1), ("班", "班", 1), ("节", "节", 1),
    ("棵", "棵", 1), ("株", "株", 1), ("头", "头", 1), ("点位", "点位", 1), ("分", "分", 1),
    ("万", "", 10000),
)
UNIT_INFO = {written: (base, Decimal(scale)) for written, base, scale in _UNIT_TABLE}
_UNIT_ALT = "|".join(re.escape(w) for w, _, _ in _UNIT_TABLE)
_PER_ALT = "|".join(re.escape(w) for w, base, _ in _UNIT_TABLE if base and w not in ("万", "%", "‰"))

# a number as written after NFKC (full-width digits are ASCII by then); thousands commas allowed
NUMBER_PATTERN = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"


@functools.cache
def _quantity_re() -> re.Pattern:
    # compiled on first use: the alternation of every unit takes ~25 ms to compile,
    # and `reconcile rules` (which imports the rule modules) must start fast
    return re.compile(
        rf"(?P<num>{NUMBER_PATTERN})\s*(?P<unit>{_UNIT_ALT})?(?:\s*/\s*(?P<per>{_PER_ALT}))?",
        re.IGNORECASE,
    )

# ----------------------------------------------------------------- operators

_OP_WORDS: tuple[tuple[str, str], ...] = (
    ("大于或等于", ">="), ("大于等于", ">="), ("高于或等于", ">="), ("不低于", ">="), ("不少于", ">="),
    ("不小于", ">="), ("至少", ">="), ("≥", ">="), (">=", ">="), ("≧", ">="), ("=>", ">="),
    ("小于或等于", "<="), ("小于等于", "<="), ("低于或等于", "<="), ("不高于", "<="), ("不超过", "<="),
    ("不多于", "<="), ("不大于", "<="), ("控制在", "<="), ("至多", "<="), ("最多", "<="), ("≤", "<="),
    ("<=", "<="), ("≦", "<="), ("=<", "<="),
    ("大于", ">"), ("高于", ">"), ("超过", ">"), ("多于", ">"), (">", ">"),
    ("小于", "<"), ("低于", "<"), ("少于", "<"), ("<", "<"),
    ("等于", "="), ("=", "="),
)
_OP_PREFIX = re.compile("|".join(re.escape(w) for w, _ in _OP_WORDS))
_OP_BY_WORD = dict(_OP_WORDS)
_OP_SUFFIX = re.compile(r"\s*(及以上|以上|及以下|以下|以内|之内|内)")
_SUFFIX_OP = {"及以上": ">=", "以上": ">=", "及以下": "<=", "以下": "<=", "以内": "<=", "之内": "<=", "内": "<="}

# ----------------------------------------------------------------- periods

_PERIOD = re.compile(r"每(半年|季度|季|月|年|周|星期|天|日)|(?:/)(季度|月|年|周|天|日)(?![\u4e00-\u9fff])|(全年|月均|季均)")
_PERIOD_NAME = {"半年": "半年", "季度": "季度", "季": "季度", "月": "月", "年": "年", "周": "周", "星期": "周",
                "天": "天", "日": "天", "全年": "年", "月均": "月", "季均": "季度"}
PERIODS_PER_YEAR: dict[str, Decimal] = {"年": Decimal(1), "半年": Decimal(2), "季度": Decimal(4), "月": Decimal(12),
                                        "周": Decimal(52), "天": Decimal(365)}

_DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}\s*月\s*\d{1,2}\s*日")

# ----------------------------------------------------------------- qualitative wording

ACHIEVED, PARTLY, NOT_ACHIEVED = "达成", "部分达成", "未达成"
_ACHIEVEMENT_WORDS: tuple[tuple[str, str], ...] = (
    # order matters: the negative and partial forms contain the positive word
    ("未达成", NOT_ACHIEVED), ("未完成", NOT_ACHIEVED), ("未达到", NOT_ACHIEVED), ("没有完成", NOT_ACHIEVED),
    ("没有达到", NOT_ACHIEVED), ("未实现", NOT_ACHIEVED), ("效果较差", NOT_ACHIEVED),
    ("部分达成", PARTLY), ("部分完成", PARTLY), ("部分实现", PARTLY), ("部分达到", PARTLY),
    ("基本达成", PARTLY), ("基本完成", PARTLY), ("基本实现", PARTLY), ("基本达到", PARTLY),
    ("全部达成", ACHIEVED), ("全面完成", ACHIEVED), ("全部完成", ACHIEVED), ("已完成", ACHIEVED),
    ("达成", ACHIEVED), ("完成", ACHIEVED), ("达到", ACHIEVED), ("实现", ACHIEVED),
)
_GRADE_WORDS = {"优": "优", "优秀": "优", "良": "良", "良好": "良", "较好": "良", "中": "中", "中等": "中",
                "一般": "中", "合格": "中", "低": "低", "较低": "低", "差": "差", "较差": "差", "不合格": "差"}

# ----------------------------------------------------------------- Chinese numerals

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10000, "亿": 100000000}
_CN_QUANTITY = rf"(?P<num>[零〇一二两三四五六七八九十百千]+万?)(?P<unit>{_UNIT_ALT})"


def chinese_number(text: str) -> int | None:
    """"三万" → 30000, "十二" → 12, "一百零五" → 105; None when not a numeral."""
    if not text or len(text) > 12:
        return None
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in "零〇" and digit is None and (section or total):
            continue  # "一百零五": 零 only marks a skipped place
        if ch in _CN_DIGITS:
            if digit is not None:
                return None  # two digits in a row ("一二") is not a numeral
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (1 if digit is None else digit) * _CN_SMALL[ch]
            digit = None
        elif ch in _CN_BIG:
            section += digit or 0
            if section == 0:
                return None
            total += section * _CN_BIG[ch]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


# ----------------------------------------------------------------- the value


@dataclass(frozen=True, slots=True)
class Quantity:
    """One number of an indicator text in its base unit ("4.76 万人" → 47600, "人")."""

    value: Decimal
    unit: str | None         # base unit; None when written without a unit
    text: str                # as written ("4.76 万人")
    per: str | None = None   # "375 元/人" → "人"
    written: str | None = None  # the unit as written ("万元"), or as in 度量单位

    @property
    def unit_label(self) -> str:
        """The unit as the department wrote it, for messages."""
        return (self.written or self.unit or "") + (f"/{self.per}" if self.per else "")


@dataclass(frozen=True, slots=True)
class IndicatorValue:
    raw: str
    op: str | None = None                      # ">=", "<=", "=", ">", "<"
    quantities: tuple[Quantity, ...] = ()
    period: str | None = None                  # "月", "季度", "年" … ("每季度4次")
    qualitative: bool = False                  # "定性…" or wording without any number
    achievement: str | None = None             # 达成 / 部分达成 / 未达成 from the wording
    grade: str | None = None                   # 优 / 良 / 中 / 低 / 差 when the text is a grade
    is_date: bool = False                      # "2023年12月底前"
    unit_from_column: bool = False             # the unit came from 度量单位, not the text

    @property
    def numbers(self) -> tuple[Decimal, ...]:
        return tuple(q.value for q in self.quantities)

    @property
    def single(self) -> Quantity | None:
        """The quantity when the text holds exactly one number, else None."""
        return self.quantities[0] if len(self.quantities) == 1 else None

    @property
    def has_number(self) -> bool:
        return bool(self.quantities)

    @property
    def empty(self) -> bool:
        return not self.raw.strip()


def normalize_text(raw: object) -> str:
    """NFKC (full-width → half-width), unified brackets, no line breaks."""
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw))
    return text.replace("\r", " ").replace("\n", " ").replace("\u3000", " ").strip()


MAX_MAGNITUDE = Decimal(10) ** 15


def to_decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    # an absurd magnitude is a typing accident, not a quantity (and would overflow rounding)
    return value if value.is_finite() and abs(value) < MAX_MAGNITUDE else None


def parse_unit(raw: object) -> tuple[str, Decimal] | None:
    """A 度量单位 cell → (base unit, scale): "万元" → ("元", 10000), "台" → ("台", 1).
    An unknown unit is kept as written with scale 1; None when blank."""
    text = re.sub(r"\s+", "", normalize_text(raw))
    text = text.strip("()")
    if not text or text in ("-", "—", "/", "无"):
        return None
    info = UNIT_INFO.get(text) or UNIT_INFO.get(text.lower())
    if info is not None and info[0]:
        return info
    return text, Decimal(1)


def parse_value(raw: object, unit_column: object = None) -> IndicatorValue:
    """Parse an indicator value; ``unit_column`` is the row's 度量单位, applied to
    numbers written without a unit. Never raises."""
    if (raw is None or type(raw) is str) and (unit_column is None or type(unit_column) is str):
        # texts repeat (every indicator rule reads every row): parsed once; the value is immutable
        return _parse_text(raw, unit_column)
    return _parse_safely(raw, unit_column)


@functools.lru_cache(maxsize=8192)
def _parse_text(raw: str | None, unit_column: str | None) -> IndicatorValue:
    return _parse_safely(raw, unit_column)


def _parse_safely(raw: object, unit_column: object) -> IndicatorValue:
    try:
        return _parse(raw, unit_column)
    except Exception:  # noqa: BLE001 - a parser for hand-typed text must never raise
        return IndicatorValue(raw="" if raw is None else str(raw))


def _parse(raw: object, unit_column: object) -> IndicatorValue:
    if raw is None:
        return IndicatorValue("")
    if isinstance(raw, bool):
        return IndicatorValue(str(raw))
    if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
        value = to_decimal(repr(raw) if isinstance(raw, float) else str(raw))
        raw_text = str(raw)
        if value is None:
            return IndicatorValue(raw_text)
        return _apply_column_unit(IndicatorValue(raw_text, quantities=(Quantity(value, None, raw_text),)), unit_column)
    text = normalize_text(raw)
    if not text:
        return IndicatorValue(str(raw))
    compact = re.sub(r"\s+", "", text)
    is_date = bool(_DATE.search(text))

    quantities: list[Quantity] = []
    op: str | None = None
    first_start: int | None = None
    for m in _quantity_re().finditer(text):
        start = m.start()
        # a minus sign directly before, not after a digit ("2023-2024" is a range, not -2024)
        negative = start > 0 and text[start - 1] in "-−" and (start < 2 or not text[start - 2].isdigit())
        value = to_decimal(m.group("num"))
        if value is None:
            continue
        if negative:
            value = -value
        written = m.group("unit")
        unit, scale = (None, Decimal(1))
        if written:
            base, scale = UNIT_INFO.get(written, UNIT_INFO.get(written.lower(), (written, Decimal(1))))
            unit = base or None
        per = m.group("per")
        per_base = UNIT_INFO.get(per, (per, 1))[0] if per else None
        quantities.append(Quantity(value * scale, unit, m.group(0).strip(), per_base, written))
        if first_start is None:
            first_start = start
        if op is None:
            suffix = _OP_SUFFIX.match(text, m.end())
            if suffix:
                op = _SUFFIX_OP[suffix.group(1)]
    if not quantities and not re.search(r"\d", text):
        for m in re.finditer(_CN_QUANTITY, compact):
            num = chinese_number(m.group("num"))
            if num is None:
                continue
            base, scale = UNIT_INFO[m.group("unit")]
            quantities.append(Quantity(Decimal(num) * scale, base or None, m.group(0), None, m.group("unit")))
    if first_start is not None:
        prefix = _OP_PREFIX.findall(text[:first_start])
        if prefix:
            op = _OP_BY_WORD[prefix[-1]]
    elif op is None:
        prefix = _OP_PREFIX.findall(text)
        if prefix:
            op = _OP_BY_WORD[prefix[-1]]

    period = None
    pm = _PERIOD.search(compact)
    if pm:
        period = _PERIOD_NAME[next(g for g in pm.groups() if g)]

    qualitative = compact.startswith("定性") or not quantities
    achievement = next((band for word, band in _ACHIEVEMENT_WORDS if word in compact), None)
    bare = compact[2:] if compact.startswith("定性") else compact
    bare = bare.lstrip(":：").rstrip("。.")
    grade = _GRADE_WORDS.get(bare)
    value = IndicatorValue(text, op, tuple(quantities), period, qualitative, achievement, grade, is_date)
    return _apply_column_unit(value, unit_column)


def _apply_column_unit(value: IndicatorValue, unit_column: object) -> IndicatorValue:
    unit = parse_unit(unit_column)
    if unit is None or not value.quantities or all(q.unit for q in value.quantities):
        return value
    base, scale = unit
    written = re.sub(r"\s+", "", normalize_text(unit_column))
    quantities = tuple(q if q.unit else Quantity(q.value * scale, base, q.text, q.per, written) for q in value.quantities)
    return replace(value, quantities=quantities, unit_from_column=True)


def parse_nature(raw: object) -> str | None:
    """指标性质 → ">=", "<=", "=", "qual"; None when blank or not recognised."""
    return _parse_nature(raw) if raw is None or type(raw) is str else _parse_nature_of(raw)


@functools.lru_cache(maxsize=1024)
def _parse_nature(raw: str | None) -> str | None:
    return _parse_nature_of(raw)


def _parse_nature_of(raw: object) -> str | None:
    from reconcile.reference.indicator_hierarchy import NATURE_ALIASES

    text = re.sub(r"\s+", "", normalize_text(raw))
    if not text:
        return None
    if text in NATURE_ALIASES:
        return NATURE_ALIASES[text]
    for word, op in (("定性", "qual"), ("正向", ">="), ("反向", "<="), ("定量", None)):
        if word in text:
            return op
    return None
