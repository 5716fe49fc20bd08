"""Progress on stderr while a batch runs: a bar on a terminal, one line per file otherwise.

Both are :class:`~reconcile.pipeline.Observer` objects and context managers (the bar
must be closed even when the run is interrupted). Messages are Chinese.
"""

from __future__ import annotations

from collections.abc import Callable

from reconcile.findings import Severity, verdict
from reconcile.pipeline import FileResult, InputFile, Observer


def verdict_line(result: FileResult, done: int, total: int) -> str:
    """One line for a finished file: "[3/10] 有错误  X.xlsx（错误 2，提示 1）"."""
    return f"[{done}/{total}] {_verdict(result)}"


def revision_line(result: FileResult) -> str:
    """A file reported earlier whose result changed once checked against last year's
    workbook of its unit: "跨年度核对后  有错误  X.xlsx（错误 3，提示 1）"."""
    return f"跨年度核对后  {_verdict(result)}"


def _verdict(result: FileResult) -> str:
    if result.status == "unreadable":
        return f"无法读取  {result.file}：{result.error}"
    errors, warnings = result.count(Severity.ERROR), result.count(Severity.WARNING)
    explained = sum(f.explained for f in result.findings)
    note = f"，其中已说明 {explained}" if explained else ""
    return f"{verdict(result.findings)}  {result.file}（错误 {errors}，提示 {warnings}{note}）"


class LineProgress(Observer):
    """Plain output (stderr is a file or a pipe): one line per finished file."""

    def __init__(self, echo: Callable[[str], None], debug: bool = False):
        self.echo = echo
        self.debug = debug

    def finished(self, result: FileResult, done: int, total: int) -> None:
        self.echo(verdict_line(result, done, total))
        if self.debug and result.debug:
            self.echo(result.debug)

    def revised(self, result: FileResult) -> None:
        self.echo(revision_line(result))
        if self.debug and result.debug:
            self.echo(result.debug)

    def __enter__(self) -> LineProgress:
        return self

    def __exit__(self, *exc) -> None:
        return None


class BarProgress(Observer):
    """A rich progress bar on stderr: files done / total, errors so far, current file.
    Files that cannot be read are also printed above the bar, with the reason."""

    def __init__(self, debug: bool = False):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.debug = debug
        self.console = Console(stderr=True, highlight=False)
        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("有问题 {task.fields[bad]}"), TimeElapsedColumn(),
            TextColumn("{task.fields[current]}", markup=False),
            console=self.console, transient=False,
        )
        self.task = None
        self.bad_files: set[str] = set()

    @property
    def bad(self) -> int:
        return len(self.bad_files)

    def __enter__(self) -> BarProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    def stage(self, name: str, total: int) -> None:
        # one bar for the whole batch: the files re-checked against last year's
        # workbook ("recheck") finish the count the first check left
        description = "跨年度核对" if name == "recheck" else "核对"
        if self.task is None:
            self.task = self.progress.add_task(description, total=total, bad=self.bad, current="")
        else:
            self.progress.update(self.task, description=description)

    def started(self, item: InputFile) -> None:
        if self.task is not None:
            self.progress.update(self.task, current=item.display)

    def finished(self, result: FileResult, done: int, total: int) -> None:
        if result.has_errors:
            self.bad_files.add(result.file)
        if result.status == "unreadable":
            self.progress.console.print(f"无法读取  {result.file}：{result.error}", markup=False)
        if self.debug and result.debug:
            self.progress.console.print(result.debug, markup=False)
        if self.task is not None:
            self.progress.update(self.task, completed=done, bad=self.bad, current=result.file)

    def revised(self, result: FileResult) -> None:
        if result.has_errors:
            self.bad_files.add(result.file)
        else:
            self.bad_files.discard(result.file)
        self.progress.console.print(revision_line(result), markup=False)
        if self.debug and result.debug:
            self.progress.console.print(result.debug, markup=False)
        if self.task is not None:
            self.progress.update(self.task, bad=self.bad, current=result.file)
