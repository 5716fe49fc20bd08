"""What the 收入 and 支出 paragraphs share: a total and its parts, each compared with
last year, and the table rows with stated amounts and recomputed changes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from reconcile.model import ExpenditureRow, IncomeRow
from reconcile.narrative.context import Context
from reconcile.narrative.document import Paragraph, body, heading, table
from reconcile.narrative.figures import Change, clause, compare, implied_blank, weigh
from reconcile.narrative.render import say, say_shipped, shipped
from reconcile.numbers import format_rate

Row = IncomeRow | ExpenditureRow


def in_doubt(ctx: Context, sheet_key: str, row: Row) -> bool:
    """The row carries an error-level finding on a cell the text uses (not 增减额/增减率)."""
    return ctx.doubts.row(ctx.sheet(sheet_key), row.row, recomputed=(row.delta, row.rate))


def has_figures(row: Row) -> bool:
    cur, prev = row.cur, row.prev
    return ((cur is not None and cur.value is not None and cur.value != 0)
            or (prev is not None and prev.value is not None and prev.value != 0))


def row_change(ctx: Context, sheet_key: str, row: Row, name: str, implied=None) -> Change:
    return compare(name, row.cur, row.prev, delta=row.delta, rate=row.rate, unit=ctx.unit(sheet_key),
                   config=ctx.config, pending=in_doubt(ctx, sheet_key, row), implied_prev=implied)


def changes(ctx: Context, sheet_key: str, total_row: Row | None, total_name: str, parts: Sequence[Row],
            name_of: Callable[[Row], str]) -> tuple[Change | None, list[Change]]:
    """The total's clause and one per part. A part whose 上年数 is blank is "上年无此项"
    only when the total shows nothing is missing; otherwise it gets no comparison."""
    total = row_change(ctx, sheet_key, total_row, total_name) if total_row is not None else None
    out = []
    for r in parts:
        implied = None
        if total_row is not None and (r.prev is None or r.prev.value is None):
            implied = implied_blank(total_row.prev, (s.prev for s in parts if s is not r))
        out.append(row_change(ctx, sheet_key, r, name_of(r), implied))
    return total, out


def section(ctx: Context, template: str, sheet_key: str, total: Change | None, parts: list[Change],
            rows: list[list[str]]) -> list[Paragraph]:
    """Heading, the paragraph (listing, then comparisons) and the table."""
    out = [heading(say(template, "heading"))]
    if sheet_key not in ctx.model.tables:
        return [*out, body(say(template, "missing"))]
    listed = [ch for ch in parts if ch.cur is not None]
    compared = [ch for ch in ([total] if total else []) + parts if ch.basis != "none"]
    text = say(template, "paragraph", year=ctx.year, prev_year=ctx.prev_year,
               total=total if total is not None and total.cur is not None else None,
               parts=listed, changes=compared)
    out.append(body(text, any(ch.pending for ch in compared)))
    out.append(table(say(template, "table_caption"), [header(template), *rows]))
    return out


def table_rows(rows: Sequence[Row]) -> list[Row]:
    """Rows worth a table line: totals, and rows with a figure in either year."""
    return [r for r in rows if r.is_total or has_figures(r)]


def header(template: str) -> list[str]:
    """A table's header row, written in the template as "A|B|C"."""
    return [cell.strip() for cell in say(template, "table_header").split("|")]


class _Remark(NamedTuple):
    """What the shipped ``remark`` macro reads of a :class:`Change` (few distinct
    values: its text is rendered once per process, see :func:`say_shipped`)."""

    basis: str
    corrected: bool


def change_cells(ctx: Context, sheet_key: str, row: Row) -> list[str]:
    """本年数, 上年数, the recomputed 增减额 and 增减率 (signed), and the 备注."""
    return change_cells_for(ctx, sheet_key)(row)


def change_cells_for(ctx: Context, sheet_key: str) -> Callable[[Row], list[str]]:
    """:func:`change_cells` for the rows of one table: what is the same for every row
    (unit, sheet, whether the shipped 备注 applies) looked up once, each distinct 备注
    rendered once; amounts in table form (two decimals, :func:`figures.table_amount`)."""
    unit, config, sheet, doubts = ctx.unit(sheet_key), ctx.config, ctx.sheet(sheet_key), ctx.doubts
    remarks: dict[tuple, str] | None = {} if shipped("common.j2") else None

    def cells(row: Row) -> list[str]:
        w = weigh("", row.cur, row.prev, delta=row.delta, rate=row.rate, unit=unit, config=config)
        basis = w.basis
        pending_row = doubts.row(sheet, row.row, recomputed=(row.delta, row.rate))
        if remarks is None:    # an edited template may read any figure of the clause
            remark = say("common.j2", "remark", ch=clause(w), pending_row=pending_row)
        else:
            key = (basis, w.corrected, pending_row)
            remark = remarks.get(key)
            if remark is None:
                remark = remarks[key] = say_shipped("common.j2", "remark", ch=_Remark(basis, w.corrected),
                                                    pending_row=pending_row)
        if basis == "compare":     # cur and prev given, prev not 0: delta = cur - prev
            return [format_rate(w.cur), format_rate(w.prev), format_rate(w.delta),
                    ("-" if w.delta < 0 else "") + format_rate(abs(w.rate)), remark]
        if basis == "new":         # prev given as 0
            return [format_rate(w.cur), format_rate(w.prev), format_rate(w.delta), "", remark]
        cur, prev = row.cur, row.prev
        return [format_rate(cur.value if cur is not None else None),
                format_rate(prev.value if prev is not None else None), "", "", remark]

    return cells
