"""Checks shared by the 收入 and 支出 frames: stated 增减额 / 增减率 against the
recomputed ones and large changes (columns cur, prev, delta, rate, rate_dp)."""

from __future__ import annotations

import numpy as np
import pandera.pandas as pa

from reconcile.schemas.engine import EPS, Cols, exceeds, filled, flag, percent_of, rate_off


def change_rate(d: Cols) -> np.ndarray:
    """增减率 recomputed from 本年数 and 上年数 (NaN when 上年数 is 0 or blank)."""
    return percent_of(d["cur"] - d["prev"], d["prev"])


def both_years(d: Cols) -> np.ndarray:
    return filled(d["cur"]) & filled(d["prev"])


def rate_for_threshold(d: Cols) -> np.ndarray:
    """The change used for the |增减率| threshold: recomputed when both amounts are
    filled, the stated rate when one of them is blank, none on a zero 上年数."""
    return np.where(both_years(d), change_rate(d), d["rate"])


def change_checks(delta_code: str, rate_code: str, big_code: str, base: float, threshold: float) -> list[pa.Check]:
    return [
        flag(delta_code, lambda d: both_years(d) & filled(d["delta"]) & exceeds(d["delta"], d["cur"] - d["prev"], base)),
        flag(rate_code, lambda d: both_years(d) & filled(d["rate"])
             & ((d["prev"] == 0) | rate_off(d["rate"], change_rate(d), d["rate_dp"]))),
        # rounded to two decimals the rate reaches the threshold from 0.005 below it
        flag(big_code, lambda d: np.abs(rate_for_threshold(d)) >= threshold - 0.005 - EPS),
    ]
