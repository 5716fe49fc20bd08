"""Outputs are written whole or not at all: to a temporary file beside the
destination, then renamed over it in one step."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path


TMP_PREFIX = ".~tmp_"
# The names atomic_path gives its temporary files: the prefix, mkstemp's eight random
# characters, the destination's suffix (.xlsx, .docx, .json).
_TMP_NAME = re.compile(re.escape(TMP_PREFIX) + r"[a-z0-9_]{8}(?:\.[A-Za-z0-9]{1,8})?")


@contextlib.contextmanager
def atomic_path(dest: Path) -> Iterator[Path]:
    """Yield a temporary path in dest's folder; on success rename it to ``dest``.
    On any exception the temporary file is removed and ``dest`` is untouched."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=dest.suffix, dir=dest.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_UMASK)   # mkstemp creates 0600; give the usual mode
        os.replace(tmp_path, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()   # read once, at import: os.umask() is process-wide


def write_bytes_atomic(dest: Path, data: bytes) -> None:
    with atomic_path(dest) as tmp:
        tmp.write_bytes(data)


def remove_stale_temporaries(folder: Path) -> list[str]:
    """Remove the temporary files :func:`atomic_path` leaves in ``folder`` when the
    process is killed before it can clean up (SIGKILL, power loss): regular files
    named as it names them, and nothing else. Returns the names removed."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not _TMP_NAME.fullmatch(entry.name):
            continue
        try:
            if stat.S_ISREG(entry.stat(follow_symlinks=False).st_mode):
                os.unlink(entry.path)
                removed.append(entry.name)
        except OSError:
            continue
    return removed
