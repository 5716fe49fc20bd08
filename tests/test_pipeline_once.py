"""A batch reads each workbook once (issue 7): the check of a workbook also returns
what the cross-year check needs, and only the later year of a unit's pair of
workbooks is read again, with the earlier one's figures (YOY001), whichever comes
first in the batch. Also: a run clears the temporary files a killed run left."""

from __future__ import annotations

import copy
import json
import os
import tempfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

import reconcile.reading.raw as raw_module
import reconcile.reading.workbook as workbook_module
from reconcile.batch import facts_of
from reconcile.output.atomic import TMP_PREFIX, _TMP_NAME, remove_stale_temporaries, write_bytes_atomic
from reconcile.pipeline import Observer, check_path, run_batch
from tests.corpus.generate import UNIT, good_sheets, write_good


def _last_year(path: Path, unit: str = UNIT) -> Path:
    """Last year's workbook of the unit of good_sheets(): its 本年数 are this year's
    上年数, except 一般公共预算财政拨款 (1140 where this year's says 1150)."""
    sheets = copy.deepcopy(good_sheets())
    basic = sheets["基本情况"]
    basic[2][1], basic[3][1], basic[5][1] = unit, 2022, unit
    income = sheets["收入"]
    for row in income[3:]:
        row[1] = row[2]
    income[4][1] = 1140
    expenditure = sheets["支出"]
    for row in expenditure[3:]:
        row[2] = row[3]
    return write_good(path, sheets)


def _this_year(path: Path, unit: str = UNIT) -> Path:
    sheets = copy.deepcopy(good_sheets())
    sheets["基本情况"][2][1] = sheets["基本情况"][5][1] = unit
    return write_good(path, sheets)


class Recorder(Observer):
    def __init__(self):
        self.events = []

    def stage(self, name, total):
        self.events.append(("stage", name, total))

    def finished(self, result, done, total):
        self.events.append(("finished", result.file, done, total))

    def revised(self, result):
        self.events.append(("revised", result.file))


@pytest.fixture
def reads(monkeypatch):
    """Paths read (preflight, and the reader proper) in this process, counted."""
    preflights: Counter[str] = Counter()
    readers: Counter[str] = Counter()
    real_preflight, real_read_raw = raw_module.preflight, workbook_module.read_raw

    def preflight(path, *args, **kwargs):
        preflights[Path(path).name] += 1
        return real_preflight(path, *args, **kwargs)

    def read_raw(path, *args, **kwargs):
        readers[Path(path).name] += 1
        return real_read_raw(path, *args, **kwargs)

    monkeypatch.setattr(raw_module, "preflight", preflight)
    monkeypatch.setattr(workbook_module, "read_raw", read_raw)
    return preflights, readers


def _doc(out: Path) -> dict:
    doc = json.loads((out / "findings.json").read_text("utf-8"))
    doc["summary"].pop("generated_at")
    return doc


def _yoy(doc: dict, name: str) -> list[tuple[str, str]]:
    entry = next(f for f in doc["files"] if f["file"] == name)
    return [(f["sheet"], f["cell"]) for f in entry["findings"] if f["rule"] == "YOY001"]


def _expected(this_year: Path, last_year: Path) -> list[dict]:
    """This year's findings as a check with last year's facts gives them."""
    _, last_model, _ = check_path(last_year)
    facts = facts_of(last_model, last_year.name)
    _, _, findings = check_path(this_year, batch={facts.key: facts})
    return [f.to_json() for f in findings]


def _annotated_rules(path: Path) -> set:
    wb = openpyxl.load_workbook(path, read_only=True)
    return {v for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)}


def test_a_batch_of_one_year_reads_each_workbook_once(tmp_path, reads):
    folder = tmp_path / "in"
    folder.mkdir()
    for i, unit in enumerate(("甲局", "乙局", "丙局")):
        _this_year(folder / f"{i}_{unit}.xlsx", unit)
    recorder = Recorder()
    batch = run_batch([folder], tmp_path / "out", jobs=1, observer=recorder)
    names = sorted(p.name for p in folder.iterdir())
    assert [r.file for r in batch.files] == names
    preflights, readers = reads
    assert preflights == readers == Counter(dict.fromkeys(names, 1))
    assert recorder.events == [("stage", "check", 3), *[("finished", n, i + 1, 3) for i, n in enumerate(names)]]


@pytest.mark.parametrize("order", ["this year first", "last year first"])
def test_yoy001_fires_for_a_pair_in_one_batch(tmp_path, reads, order):
    folder = tmp_path / "in"
    folder.mkdir()
    first, second = folder / "a.xlsx", folder / "b.xlsx"
    this_year, last_year = (first, second) if order == "this year first" else (second, first)
    _this_year(this_year)
    _last_year(last_year)
    _this_year(folder / "c_other.xlsx", "其他局")                # a unit with one year only
    recorder = Recorder()
    out = tmp_path / "out"
    batch = run_batch([folder], out, jobs=1, observer=recorder)
    preflights, readers = (Counter(c) for c in reads)

    results = {r.file: r for r in batch.files}
    assert [f.to_json() for f in results[this_year.name].findings] == _expected(this_year, last_year)
    doc = _doc(out)
    assert _yoy(doc, this_year.name) == [("收入", "C5")]
    assert _yoy(doc, last_year.name) == [] and _yoy(doc, "c_other.xlsx") == []
    # the outputs written are those of the final check
    assert "YOY001" in _annotated_rules(out / f"{this_year.stem}_核对.xlsx")
    assert "YOY001" not in _annotated_rules(out / f"{last_year.stem}_核对.xlsx")
    assert not [p for p in out.iterdir() if p.name.startswith(TMP_PREFIX)]

    # every workbook read once, the later year of the pair again (once more to
    # write its outputs, as the second check changed its findings)
    assert readers == preflights == Counter({last_year.name: 1, "c_other.xlsx": 1, this_year.name: 3})

    # progress: each file reported once, numbered 1..3, with its final result
    finished = [e for e in recorder.events if e[0] == "finished"]
    assert sorted(e[1] for e in finished) == sorted(results) and [e[2] for e in finished] == [1, 2, 3]
    stages = [e for e in recorder.events if e[0] == "stage"]
    assert stages == [("stage", "check", 3), ("stage", "recheck", 1)]
    revised = [e for e in recorder.events if e[0] == "revised"]
    if order == "this year first":
        # reported before last year's workbook was seen, then revised
        assert revised == [("revised", this_year.name)]
        assert finished[0][1] == this_year.name
    else:
        # held back until checked with last year's figures
        assert revised == [] and finished[-1][1] == this_year.name


def test_a_consistent_pair_is_read_twice_and_its_outputs_stand(tmp_path, reads):
    folder = tmp_path / "in"
    folder.mkdir()
    _this_year(folder / "a.xlsx")
    last = _last_year(folder / "b.xlsx")
    sheets = openpyxl.load_workbook(last)
    sheets["收入"]["B5"] = 1150                                  # as this year's 上年数 says
    sheets.save(last)
    out = tmp_path / "out"
    annotated = out / "a_核对.xlsx"
    recorder = Recorder()
    run_batch([folder], out, jobs=1, observer=recorder)
    assert _yoy(_doc(out), "a.xlsx") == []
    preflights, readers = reads
    assert readers == Counter({"a.xlsx": 2, "b.xlsx": 1})
    assert ("revised", "a.xlsx") not in recorder.events
    assert annotated.exists()


def test_parallel_pair_same_as_sequential(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _this_year(folder / "a.xlsx")
    _last_year(folder / "b.xlsx")
    _this_year(folder / "c.xlsx", "其他局")
    _last_year(folder / "d.xlsx", "其他局")
    one = run_batch([folder], tmp_path / "one", jobs=1)
    two = run_batch([folder], tmp_path / "two", jobs=2)
    assert [r.file for r in one.files] == [r.file for r in two.files] == ["a.xlsx", "b.xlsx", "c.xlsx", "d.xlsx"]
    assert _doc(tmp_path / "one") == _doc(tmp_path / "two")
    assert _yoy(_doc(tmp_path / "two"), "a.xlsx") == _yoy(_doc(tmp_path / "two"), "c.xlsx") == [("收入", "C5")]


# ---------------------------------------------------------------- temporaries of a killed run


def test_atomic_temporary_names_are_recognised(tmp_path):
    for suffix in (".xlsx", ".docx", ".json"):
        fd, name = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=suffix, dir=tmp_path)
        os.close(fd)
        assert _TMP_NAME.fullmatch(Path(name).name)


def test_a_run_removes_the_temporaries_a_killed_run_left(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _this_year(folder / "a.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    stale = [".~tmp_abc_1234.xlsx", ".~tmp_zzzzzzzz.docx", ".~tmp_0a1b2c3d.json"]
    kept = [".~tmp_short.xlsx", ".~tmp_toolongname1.xlsx", "~$a_核对.xlsx", ".~lock.a.xlsx#", "tmp_abcdefgh.xlsx",
            "自己的文件.xlsx", ".~tmp_ABCDEFGH.xlsx"]
    for name in stale + kept:
        (out / name).write_bytes(b"x")
    (out / ".~tmp_dddddddd").mkdir()                              # a folder is never removed
    (out / ".~tmp_llllllll.xlsx").symlink_to(folder / "a.xlsx")   # nor what a link points to
    run_batch([folder], out, jobs=1)
    left = {p.name for p in out.iterdir()}
    assert not left & set(stale)
    assert set(kept) | {".~tmp_dddddddd"} <= left
    assert (folder / "a.xlsx").exists()
    assert {"a_核对.xlsx", "findings.json", "汇总.xlsx"} <= left


def test_remove_stale_temporaries_ignores_what_atomic_writes_leave_behind(tmp_path):
    write_bytes_atomic(tmp_path / "x.json", b"{}")
    assert remove_stale_temporaries(tmp_path) == []
    assert remove_stale_temporaries(tmp_path / "missing") == []
    assert (tmp_path / "x.json").read_bytes() == b"{}"


def test_last_years_figures_when_the_rest_of_its_workbook_cannot_be_read(tmp_path, monkeypatch):
    """As before the single read: a workbook the reader fails on past its preflight
    still gives the figures of its 基本情况/收入/支出 when those read."""
    folder = tmp_path / "in"
    folder.mkdir()
    _this_year(folder / "a.xlsx")
    _last_year(folder / "b.xlsx")
    real = workbook_module.build_model

    def build_model(raw):
        if raw.path.name == "b.xlsx" and len(raw.sheets) > 3:    # the whole workbook, not 基本情况/收入/支出
            raise RuntimeError("reader bug")
        return real(raw)

    monkeypatch.setattr(workbook_module, "build_model", build_model)
    out = tmp_path / "out"
    batch = run_batch([folder], out, jobs=1)
    results = {r.file: r for r in batch.files}
    assert results["b.xlsx"].status == "unreadable" and "RuntimeError" in results["b.xlsx"].error
    assert _yoy(_doc(out), "a.xlsx") == [("收入", "C5")]
