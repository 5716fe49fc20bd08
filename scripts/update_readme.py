#!/usr/bin/env python
"""Regenerate README.md's rule table from the rule catalogue.

    python scripts/update_readme.py           # rewrites the table in README.md
    python scripts/update_readme.py --check   # exit 1 when the table is out of date

Only the section between ``<!-- rules-table:start -->`` and ``<!-- rules-table:end -->``
is touched; its content is :func:`reconcile.rules.listing.render_markdown`, the same
source as ``reconcile rules --format markdown``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

README = ROOT / "README.md"
START = "<!-- rules-table:start -->"
END = "<!-- rules-table:end -->"


def rendered_section() -> str:
    from reconcile.rules.listing import render_markdown

    return render_markdown()


def current_section(text: str) -> str:
    """The text between the markers (without the surrounding newlines)."""
    head, sep, rest = text.partition(START)
    body, sep2, _ = rest.partition(END)
    if not sep or not sep2:
        raise SystemExit(f"README.md: markers {START} / {END} not found")
    return body.strip("\n")


def with_section(text: str, section: str) -> str:
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{section}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the table is current")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    section = rendered_section()
    if current_section(text) == section:
        return 0
    if args.check:
        print("README.md rule table is out of date: run python scripts/update_readme.py", file=sys.stderr)
        return 1
    README.write_text(with_section(text, section), encoding="utf-8")
    print("README.md rule table updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
