"""Write the hostile-workbook corpus (tests/corpus/generate.py) into a folder.

    python scripts/build_corpus.py [FOLDER]      # default: tests/corpus/files (git-ignored)

Then e.g. `reconcile run tests/corpus/files -o /tmp/out` shows what users see for each.
The tests build the same corpus into a temporary folder on every run.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.corpus.generate import build_corpus  # noqa: E402


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else ROOT / "tests" / "corpus" / "files"
    cases = build_corpus(folder)
    for name, case in cases.items():
        expect = case.reason or ", ".join(case.rules) or "read"
        print(f"{case.status:10}  {name}  ({expect})")
    print(f"{len(cases)} files in {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
