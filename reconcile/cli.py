"""Command line: `reconcile run`, `reconcile template`, `reconcile rules`.

Heavy libraries (pandas, pandera, openpyxl) are imported inside the commands that
use them, so `reconcile --help` starts fast. Messages are Chinese; they avoid
symbols outside GBK so that an old Windows console can print them.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from reconcile import __version__

EXIT_USAGE = 2


def _echo_err(text: str) -> None:
    click.echo(text, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reconcile")
def main() -> None:
    """reconcile：核对部门预算与绩效自评报表，逐格标注问题并生成自评报告与汇总。

    \b
    常用命令：
      reconcile run 收到的报表/ -o 核对结果/   核对文件夹中的全部工作簿
      reconcile template -o 模板.xlsx          生成下发给各部门的填报模板
      reconcile rules                          列出全部核对规则及说明
    """


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), default=None,
              help="输出文件夹（默认：当前文件夹下的“核对结果”）")
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
              help="配置文件（默认：输入文件夹或当前文件夹中的 reconcile.toml）")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="同时核对的进程数（默认：CPU 核数；1 表示在本进程内逐个核对）")
@click.option("-q", "--quiet", is_flag=True, help="不显示进度")
@click.option("--debug", is_flag=True, help="出现意外错误时显示技术细节（供开发人员排查）")
def run(inputs: tuple[Path, ...], output: Path | None, config_path: Path | None, jobs: int | None,
        quiet: bool, debug: bool) -> None:
    """核对 INPUTS（文件夹或工作簿，可多个；省略时为当前文件夹）中的全部工作簿。"""
    from reconcile.config import ConfigError, load_config

    given = list(inputs) or [Path.cwd()]
    for path in given:
        if not path.exists():
            _echo_err(f"错误：找不到“{path}”")
            sys.exit(EXIT_USAGE)
    out_dir = output if output is not None else Path.cwd() / "核对结果"
    for path in given:
        if path.is_dir() and out_dir.exists() and path.resolve() == out_dir.resolve():
            _echo_err(f"错误：输出文件夹不能与输入文件夹相同（{path}），请用 -o 指定另一个文件夹")
            sys.exit(EXIT_USAGE)
    if out_dir.exists() and not out_dir.is_dir():
        _echo_err(f"错误：输出位置“{out_dir}”是一个文件，不是文件夹")
        sys.exit(EXIT_USAGE)
    try:
        config = load_config(config_path, [p for p in given if p.is_dir()] + [Path.cwd()])
    except ConfigError as exc:
        _echo_err(f"错误：{exc}")
        sys.exit(EXIT_USAGE)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / ".reconcile_write_test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        _echo_err(f"错误：无法写入输出文件夹“{out_dir}”（{exc.strerror or exc}），请换一个有写入权限的文件夹")
        sys.exit(EXIT_USAGE)

    from reconcile.pipeline import default_jobs, run_batch

    if quiet:
        observer = None
    elif sys.stderr.isatty():
        from reconcile.progress import BarProgress

        observer = BarProgress(debug=debug)
    else:
        from reconcile.progress import LineProgress

        observer = LineProgress(_echo_err, debug=debug)
    try:
        with observer or contextlib.nullcontext():
            batch = run_batch(given, out_dir, config, jobs=jobs or default_jobs(), observer=observer)
    except KeyboardInterrupt:
        _echo_err("已中断：已写完的文件保留，未写完的文件没有留下。")
        sys.exit(130)
    except OSError as exc:
        if debug:
            raise
        _echo_err(f"错误：写出结果时失败（{exc.strerror or exc}）")
        sys.exit(EXIT_USAGE)
    if not quiet:
        for s in batch.skipped:
            _echo_err(f"跳过  {s.display}：{s.reason}")
        n_files = len(batch.files)
        n_bad = sum(r.status == "unreadable" for r in batch.files)
        n_err = sum(r.has_errors and r.status != "unreadable" for r in batch.files)
        _echo_err(f"共核对 {n_files} 个文件：{n_err} 个有错误，{n_bad} 个无法读取。结果在 {out_dir}")
    sys.exit(batch.exit_code)


@main.command()
@click.option("-o", "--output", "output", type=click.Path(path_type=Path),
              default=Path("input_template.xlsx"), show_default=True, help="模板文件保存位置")
def template(output: Path) -> None:
    """生成下发给各部门的填报模板（.xlsx）。"""
    from reconcile.template.writer import write_template

    write_template(output)
    click.echo(f"已生成模板：{output}")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True,
              help="输出格式")
@click.argument("codes", nargs=-1)
def rules(fmt: str, codes: tuple[str, ...]) -> None:
    """列出全部核对规则（代码、严重程度、说明）；可只列出指定代码。"""
    from reconcile.rules.listing import render_markdown, render_text

    wanted = {c.upper() for c in codes}
    click.echo(render_markdown(wanted) if fmt == "markdown" else render_text(wanted))
