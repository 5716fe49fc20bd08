"""Checks shared by the 收入 and 支出 frames: stated 增减额 / 增减率 against the
recomputed ones and large changes (columns cur, prev, delta, rate, rate_dp)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from reconcile.schemas.engine import EPS, exceeds, flag, percent_of, rate_off


def change_rate(d: pd.DataFrame) -> pd.Series:
    """增减率 recomputed from 本年数 and 上年数 (NaN when 上年数 is 0 or blank)."""
    return percent_of(d["cur"] - d["prev"], d["prev"])


def rate_for_threshold(d: pd.DataFrame) -> pd.Series:
    """The change used for the |增减率| threshold: recomputed when both amounts are
    filled, the stated rate when one of them is blank, none on a zero 上年数."""
    both = d["cur"].notna() & d["prev"].notna()
    return change_rate(d).where(both, d["rate"])


def change_checks(delta_code: str, rate_code: str, big_code: str, base: float, threshold: float) -> list[pa.Check]:
    both = lambda d: d["cur"].notna() & d["prev"].notna()  # noqa: E731
    return [
        flag(delta_code, lambda d: both(d) & d["delta"].notna() & exceeds(d["delta"], d["cur"] - d["prev"], base)),
        flag(rate_code, lambda d: both(d) & d["rate"].notna()
             & ((d["prev"] == 0) | rate_off(d["rate"], change_rate(d), d["rate_dp"]))),
        # rounded to two decimals the rate reaches the threshold from 0.005 below it
        flag(big_code, lambda d: rate_for_threshold(d).abs() >= threshold - 0.005 - EPS),
    ]
