"""The shortcuts the reader takes for speed give exactly what the general code gives:
number_parts = parse_number's fields, normalize_label of a number is its text,
new_num/new_text = the dataclass constructors, a1 = col_letter + row."""

from __future__ import annotations

import random
import struct
from decimal import Decimal

import pytest

from reconcile.cells import a1, col_letter
from reconcile.model import Num, Text, new_num, new_text
from reconcile.numbers import number_parts, parse_number
from reconcile.text import _normalize, normalize_label


def _floats():
    rng = random.Random(11)
    special = [0.0, -0.0, 1e-9, -1e-9, 9.99e-10, 1e-10, 5e-324, 0.1, 0.5, 1.0, -1.0, 100.0, 54718.92, -240.94,
               1e15, -1e15, 1e15 - 0.125, 999999999999999.9, 1e16, 1.5e16, 1e22, 1.7976931348623157e308,
               float("inf"), float("-inf"), float("nan"), 1e-5, 1.5e-7, 123456789.123456789, 0.30000000000000004,
               2.5, 1234.5000001, 1e14 + 0.5]
    out = special[:]
    for _ in range(20000):
        kind = rng.random()
        if kind < 0.4:
            out.append(round(rng.uniform(-1e6, 1e6), rng.randint(0, 6)))
        elif kind < 0.7:
            out.append(rng.uniform(-1e16, 1e16) * 10 ** rng.randint(-20, 0))
        else:
            out.append(struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0])
    return out


def test_number_parts_is_parse_number():
    values = [*_floats(), None, 0, 5, -7, 10**15, 10**16, True, False, "1,234.5", "（12.5）", "—", "abc",
              Decimal("1.50"), Decimal("NaN"), "12.5万元", "10.93%"]
    for raw in values:
        parsed = parse_number(raw)
        value, decimals, problem = number_parts(raw)
        assert (repr(value), decimals, problem) == (repr(parsed.value), parsed.decimals, parsed.problem), raw


def test_a_number_is_its_own_label():
    for raw in [*_floats(), 0, -5, 10**30, -(10**30)]:
        assert normalize_label(raw) == _normalize(str(raw)), raw


@pytest.mark.parametrize("text", ["本年数", " 收入 合计： ", "（一）基本支出", "A" * 65, "T \u0308", "全角（括号）"])
def test_label_cache_is_the_function(text):
    assert normalize_label(text) == _normalize(text)
    assert normalize_label(text) == normalize_label(text)


def test_fast_constructors_build_the_same_objects():
    args = ("支出", "C5", 1.5, Decimal("0.00015"), Decimal("1.5"), 1, None, True)
    fast, slow = new_num(*args), Num(*args)
    assert type(fast) is Num and fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
    with pytest.raises(AttributeError):
        fast.value = None                                    # still frozen
    targs = ("收入", "A4", " x ", "x", "A3")
    assert new_text(*targs) == Text(*targs) and repr(new_text(*targs)) == repr(Text(*targs))


def test_a1():
    for c in (0, 1, 25, 26, 701, 702, 16383):
        for r in (0, 9, 1048575):
            assert a1(r, c) == f"{col_letter(c)}{r + 1}"


def test_objects_built_as_builders_are_plain_nums_and_texts():
    import copy
    import dataclasses
    import pickle

    from reconcile.model import NumBuilder, TextBuilder

    assert NumBuilder.__slots__ == Num.__slots__ and TextBuilder.__slots__ == Text.__slots__
    num = new_num("支出", "C5", 1.5, Decimal("1.5"), Decimal("1.5"), 1, None, False)
    text = new_text("收入", "A4", " x ", "x", None)
    for obj, cls in ((num, Num), (text, Text)):
        assert type(obj) is cls and not hasattr(obj, "__dict__")
        assert pickle.loads(pickle.dumps(obj)) == obj and copy.deepcopy(obj) == obj
        assert dataclasses.replace(obj) == obj and dataclasses.asdict(obj) == dataclasses.asdict(cls(*dataclasses.astuple(obj)))
        with pytest.raises(dataclasses.FrozenInstanceError):
            obj.ref = "Z9"
