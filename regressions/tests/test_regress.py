"""The RTL regression runner: malformed lists are named (file, line, field), the planned runs are listed on a
dry run, a planted hang and a planted simulator crash each become a failed row with its log while the run
finishes and exits 1, failures can be rerun, and every testplan item names real tests."""
import json

import pytest

from regressions import regress


def write(tmp_path, text):
    p = tmp_path / "testlist.yaml"
    p.write_text(text)
    return p


@pytest.mark.parametrize("text,msg", [
    ("smoke:\n  - test: npu_top.TopSmokeTest\n  - test: npu_top.Nope\n", r"testlist.yaml:3: field 'test': block 'npu_top' has no test 'Nope'"),
    ("smoke:\n  - test: nope.X\n", r"testlist.yaml:2: field 'test': unknown block 'nope'"),
    ("smoke:\n  - test: ctrl.CtrlLegalProgramsTest\n    sims: [modelsim]\n", r"testlist.yaml:2: field 'sims'"),
    ("smoke:\n  - test: ctrl.CtrlLegalProgramsTest\n    seeds: 0\n", r"testlist.yaml:2: field 'seeds' must be a positive"),
    ("smoke:\n  - test: ctrl.CtrlLegalProgramsTest\n    timeout: -3\n", r"field 'timeout'"),
    ("smoke:\n  - test: ctrl.CtrlLegalProgramsTest\n    params: {N: eight}\n", r"field 'params'"),
    ("smoke:\n  - test: ctrl.CtrlLegalProgramsTest\n    seedz: 3\n", r"testlist.yaml:2: unknown field\(s\) \['seedz'\]"),
    ("smoke:\n  - include: other\n", r"no suite named 'other'"),
    ("smoke:\n  - include: smoke\n", r"includes itself"),
    ("smoke: [\n", r"not valid YAML"),
])
def test_malformed_list_is_named(tmp_path, text, msg):
    with pytest.raises(regress.ListError, match=msg):
        regress.load_suite(write(tmp_path, text), "smoke")


def test_bad_list_stops_the_runner_with_exit_2(tmp_path, capsys):
    assert regress.main(["--list", str(write(tmp_path, "smoke:\n  - seeds: 1\n")), "--out", str(tmp_path)]) == 2
    assert "testlist.yaml:2: an entry needs a 'test' field" in capsys.readouterr().err


def test_dry_run_lists_every_planned_run(capsys):
    assert regress.main(["--suite", "nightly", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "npu_top.TopNightlyTest" in out and "repeat=460" in out and "planned runs" in out
    runs = regress.load_suite(regress.TESTLIST, "nightly")
    from verif.top.top_tests import TopNightlyTest
    per_repeat = sum(n * (2 if cls.stream == "reset" else 1) for cls, n in TopNightlyTest.sequences)
    programs = per_repeat * sum(r["repeat"] for r in runs if r["cls"] == "TopNightlyTest")
    assert programs >= 120_000, programs          # issue 12: ten times the 12 k of before


def test_planted_hang_and_crash_become_failed_rows(tmp_path):
    assert regress.main(["--suite", "selftest", "--out", str(tmp_path), "--jobs", "2"]) == 1
    rows = {r["cls"]: r for r in map(json.loads, (tmp_path / "results.jsonl").read_text().splitlines())}
    assert set(rows) == {"PlantedPassTest", "PlantedHangTest", "PlantedCrashTest"}
    assert rows["PlantedPassTest"]["status"] == "PASS"
    hang, crash = rows["PlantedHangTest"], rows["PlantedCrashTest"]
    assert hang["status"] == "TIMEOUT" and "wall-clock watchdog" in hang["message"], hang
    assert "planted hang" in hang["message"] and hang["log_tail"]
    assert crash["status"] == "CRASH" and crash["log_tail"], crash
    assert "make sim BLOCK=planted SIM=icarus SEED=1 TEST=PlantedCrashTest WAVES=1" in crash["reproduce"]
    junit = (tmp_path / "junit.xml").read_text()
    assert 'tests="3"' in junit and 'failures="2"' in junit
    report = (tmp_path / "report.md").read_text()
    assert "TIMEOUT: wall-clock watchdog" in report and "CRASH: simulator exited" in report
    assert (tmp_path / "report.html").read_text().startswith("<!doctype html>")
    # RERUN=failed runs exactly the two failures again
    assert regress.main(["--rerun", "failed", "--out", str(tmp_path), "--jobs", "2"]) == 1
    rerun = [json.loads(ln) for ln in (tmp_path / "results.rerun.jsonl").read_text().splitlines()]
    assert sorted(r["cls"] for r in rerun) == ["PlantedCrashTest", "PlantedHangTest"]

