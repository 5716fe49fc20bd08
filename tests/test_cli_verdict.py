"""The per-file line on the console uses the same verdict as 核对摘要 and 汇总:
a file whose warnings are all explained (说明 filled) passes."""

from pathlib import Path

from click.testing import CliRunner

from reconcile.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_explained_warnings_pass_and_errors_do_not(tmp_path):
    result = CliRunner().invoke(main, ["run", str(EXAMPLES), "-o", str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 1  # the seed example has two errors
    lines = result.stderr.splitlines() if hasattr(result, "stderr") else result.output.splitlines()
    clean = next(line for line in lines if "示例县文化广播电视和旅游局_2023.xlsx" in line)
    seed = next(line for line in lines if "峨边彝族自治县公安局_2023.xlsx" in line)
    assert "通过" in clean and "错误 0，提示 3，其中已说明 3" in clean
    assert "有错误" in seed and "错误 2，" in seed
