"""Test-only hooks, loaded by every Python process (main, worker server, workers) of a
CLI run when this folder is on PYTHONPATH. Set by tests through environment variables:

RECONCILE_TEST_ABORT=<text>: a worker dies (os.abort, as python-calamine does on some
    hostile files) when it reads a workbook whose path contains <text>;
    RECONCILE_TEST_ABORT_STAGE=check makes it die when its check starts, before reading.
RECONCILE_TEST_SLOW=<seconds>: every file check takes that much longer (Ctrl-C tests).
"""

import os

_ABORT = os.environ.get("RECONCILE_TEST_ABORT")
_STAGE = os.environ.get("RECONCILE_TEST_ABORT_STAGE", "read")
_SLOW = float(os.environ.get("RECONCILE_TEST_SLOW", "0") or 0)

if _ABORT or _SLOW:
    import time

    import reconcile.pipeline as _pipeline
    import reconcile.reading.raw as _raw

    _read_raw = _raw.read_raw
    _process_file = _pipeline.process_file

    def read_raw(path, *args, **kwargs):
        if _ABORT and _STAGE == "read" and _ABORT in str(path):
            os.abort()
        return _read_raw(path, *args, **kwargs)

    def process_file(item, *args, **kwargs):
        if _ABORT and _STAGE == "check" and _ABORT in str(item.path):
            os.abort()
        if _SLOW:
            time.sleep(_SLOW)
        return _process_file(item, *args, **kwargs)

    _raw.read_raw = read_raw
    _pipeline.process_file = process_file
    import reconcile.reading.workbook as _workbook

    _workbook.read_raw = read_raw
