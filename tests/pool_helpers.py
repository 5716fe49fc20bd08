"""Worker functions for the pool tests (must be importable by worker processes)."""

from __future__ import annotations

import os
import time


def double_or_abort(payload, context):
    """``payload`` = (value, abort): the worker process dies (SIGABRT, as a native
    library does on a hostile file) when ``abort`` is true."""
    value, abort = payload
    if abort:
        os.abort()
    time.sleep(0.01)
    return value * 2 + (context or 0)


def raise_on_three(payload, context):
    if payload == 3:
        raise ValueError("three")
    return payload
