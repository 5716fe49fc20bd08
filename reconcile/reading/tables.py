"""Finding a table in a sheet by its header labels, wherever it sits.

Title rows, a "单位：万元" line, blank rows, merged title cells, extra and
reordered columns, two-row headers ("评分" merged over 分值 and 得分) and labels
with line breaks ("年度\\n指标值") are all tolerated: the header row is the row
(among the first rows of the sheet) whose cells match the most template labels
after normalisation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reconcile.reading.raw import RawSheet
from reconcile.template.definition import SheetDef
from reconcile.text import normalize_label

HEADER_SEARCH_ROWS = 40

# "单位：万元" / "金额单位：元" — but not "编制单位：元谋县…" (a unit name starting with 元).
_UNIT_LINE = re.compile(r"(?:金额)?(?<!编制)(?<!填报)(?<!报送)(?<!主管)(?<!预算)(?<!填表)单位[:：]?\s*(万元|元)")
_FOOTER = re.compile(r"^(注[:：0-9１-９一二三、.]|备注[:：]|填表人|填报人|制表人|单位负责人|财务负责人|审核人|联系电话|填报日期|项目负责人)")


@dataclass
class Located:
    columns: dict[str, int]          # column key → 0-based column index
    missing: tuple[str, ...]         # template column keys not found
    header_rows: tuple[int, ...]     # 0-based rows of the header
    first_data_row: int              # 0-based
    unit: str | None                 # unit stated above the table or in a header ("万元"/"元")
    header_labels: frozenset[str]    # normalised header texts (to skip repeated headers)


def header_cells(sheet: RawSheet, r: int) -> list:
    """Row ``r`` as a header reads: a cell covered by a merged range shows the
    range's label (收入项目 merged over two header rows is in both)."""
    row = list(sheet.rows[r]) if 0 <= r < len(sheet.rows) else []
    for r0, c0, r1, c1 in sheet.merged:
        if r0 <= r <= r1:
            label = sheet.value(r0, c0)
            if label is None:
                continue
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if (r, c) != (r0, c0) and row[c] in ("", None):
                    row[c] = label
    return row


def _match_row(sheet: RawSheet, r: int, sheet_def: SheetDef, taken: dict[str, int] | None = None) -> dict[str, int]:
    found: dict[str, int] = dict(taken or {})
    used = set(found.values())
    row = header_cells(sheet, r)
    by_label = sheet_def.columns_by_label
    for c, value in enumerate(row):
        if value in ("", None) or c in used:
            continue
        # the first template column (in order) not found yet whose label this is
        for col in by_label.get(normalize_label(value), ()):
            if col.key not in found:
                found[col.key] = c
                used.add(c)
                break
    return found


def locate(sheet: RawSheet, sheet_def: SheetDef) -> Located | None:
    """The table of ``sheet_def`` in ``sheet``, or None when no header row matches."""
    best_r, best = -1, {}
    n_columns = len(sheet_def.columns)
    for r in range(min(HEADER_SEARCH_ROWS, sheet.n_rows)):
        found = _match_row(sheet, r, sheet_def)
        if len(found) > len(best):
            best_r, best = r, found
            if len(best) == n_columns:
                break                 # every column found: no later row can match more
    if len(best) < min(2, len(sheet_def.columns)):
        return None
    header_rows = [best_r]
    # A two-row header: labels missing from the best row may sit in the row below
    # (分值 and 得分 under a merged 评分 cell) or above (收入项目 over 本年数 …).
    if len(best) < len(sheet_def.columns) and best_r + 1 < sheet.n_rows:
        below = _match_row(sheet, best_r + 1, sheet_def, best)
        if len(below) > len(best):
            best = below
            header_rows.append(best_r + 1)
    if len(best) < len(sheet_def.columns) and best_r > 0:
        above = _match_row(sheet, best_r - 1, sheet_def, best)
        if len(above) > len(best):
            best = above
            header_rows.insert(0, best_r - 1)
    # A label merged down over the header block starts the header where it starts.
    top = min((r0 for r0, c0, r1, c1 in sheet.merged for c in best.values()
               if r0 < header_rows[0] <= r1 and c0 <= c <= c1), default=header_rows[0])
    header_rows[:0] = range(top, header_rows[0])
    missing = tuple(col.key for col in sheet_def.columns if col.key not in best)
    labels = frozenset(
        normalize_label(v) for r in header_rows for v in header_cells(sheet, r) if v not in ("", None)
    )
    return Located(
        columns=best,
        missing=missing,
        header_rows=tuple(header_rows),
        first_data_row=header_rows[-1] + 1,
        unit=_unit(sheet, header_rows),
        header_labels=labels,
    )


def _unit(sheet: RawSheet, header_rows: list[int]) -> str | None:
    """The amount unit written above the table ("单位：元") or in a header ("本年数（元）")."""
    for r in range(0, header_rows[0]):
        for value in sheet.rows[r]:
            if isinstance(value, str):
                m = _UNIT_LINE.search(normalize_label(value))
                if m:
                    return m.group(1)
    for r in header_rows:
        for value in sheet.rows[r]:
            if isinstance(value, str):
                norm = normalize_label(value)
                if norm.endswith("(元)"):
                    return "元"
                if norm.endswith("(万元)"):
                    return "万元"
    return None


def data_rows(sheet: RawSheet, located: Located) -> list[int]:
    """0-based rows holding data: not blank, not a repeated header, not a footer note."""
    rows = []
    cols = sorted(located.columns.values())
    labels = located.header_labels
    # A number (float or int) is its own label (its str()), which is ASCII: it can be a
    # header label only when some label is ASCII.
    numbers_may_hit = any(label.isascii() for label in labels)
    hit_cache: dict[str, bool] = {}     # text → its normalised form is a header label
    grid = sheet.rows
    all_within = bool(cols) and cols[0] >= 0
    last = cols[-1] if cols else -1
    for r in range(located.first_data_row, sheet.n_rows):
        row = grid[r]
        if all_within and last < len(row):
            values = [row[c] for c in cols]
        else:
            width = len(row)
            values = [row[c] if 0 <= c < width else None for c in cols]
        first = None                  # the first value whose text is not blank
        other = False                 # a value that is neither None nor text
        n_texts = hits = 0
        for v in values:
            if type(v) is str:
                if not v:             # sheet.value: "" is None
                    continue
                n_texts += 1
                hit = hit_cache.get(v)
                if hit is None:
                    hit = hit_cache[v] = normalize_label(v) in labels
                if first is None and (stripped := v.strip()):
                    first = stripped
            elif v is None:
                continue
            else:
                n_texts += 1
                other = True
                kind = type(v)
                hit = (numbers_may_hit or (kind is not float and kind is not int)) and normalize_label(v) in labels
                if first is None and (stripped := str(v).strip()):
                    first = stripped
            if hit:
                hits += 1
        if first is None:
            if not other:
                continue              # blank
            first = ""
        if hits >= 2 and hits >= n_texts // 2:
            continue  # the header repeated (printed tables repeat it on every page)
        if _FOOTER.match(first):
            continue
        rows.append(r)
    return rows
