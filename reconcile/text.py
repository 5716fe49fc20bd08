"""Label normalisation: the one place that decides when two labels are "the same".

Departments type headers and row labels by hand, in Excel or WPS, with full-width
or half-width characters, stray spaces, line breaks and any kind of bracket.
Everything that compares a label goes through :func:`normalize_label`.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_BRACKETS = str.maketrans({
    "（": "(", "）": ")", "【": "(", "】": ")", "[": "(", "]": ")",
    "〔": "(", "〕": ")", "｛": "(", "｝": ")", "{": "(", "}": ")",
    "《": "", "》": "", "“": "", "”": "", '"': "", "‘": "", "’": "", "'": "",
})
_SPACE = re.compile(r"\s+")
# a leading enumeration such as "一、", "（一）", "1.", "1、" in front of a label
_ENUM = re.compile(r"^(\(?[一二三四五六七八九十\d]+\)|[一二三四五六七八九十]+、|\d+[、.．])")


def normalize_label(value: object) -> str:
    """Normalise a header or row label for comparison.

    NFKC (full-width → half-width), all whitespace removed (including line
    breaks and the ideographic space), every bracket made "()", quotes dropped,
    trailing colons dropped, lower-cased (for Latin letters).
    """
    if value is None:
        return ""
    kind = type(value)
    if kind is str:
        return _normalize_label(value) if len(value) <= 64 else _normalize(value)
    if kind is float or kind is int:
        # digits, ".", "-", "+", "e", "inf", "nan": already normalised (tested)
        return str(value)
    return _normalize(str(value))


def _normalize(text: str) -> str:
    for _ in range(4):  # to a fixed point: dropping a space can let NFKC compose ("T ̈" → "ẗ")
        before = text
        text = unicodedata.normalize("NFKC", text)
        text = text.translate(_BRACKETS)
        text = _SPACE.sub("", text)
        text = text.rstrip(":：").lower()
        if text == before:
            break
    return text


# Labels repeat (every header, every row label of every file): each short one is
# normalised once per process.
_normalize_label = functools.lru_cache(maxsize=8192)(_normalize)


def strip_enumeration(label: str) -> str:
    """Drop a leading "一、" / "(一)" / "1." from a normalised label."""
    return _ENUM.sub("", label, count=1)


def clean_text(value: object) -> str | None:
    """A cell's text as shown to the user: stripped, None when empty."""
    if value is None:
        return None
    text = str(value).strip().strip("\u3000").strip()
    return text or None


QIZHONG = re.compile(r"^\s*(其中)\s*[:：]?\s*")


def split_qizhong(label: str) -> tuple[bool, str]:
    """'其中：财政拨款' → (True, '财政拨款')."""
    m = QIZHONG.match(label)
    if m:
        return True, label[m.end():].strip()
    return False, label
