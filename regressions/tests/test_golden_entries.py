"""One runner: the golden self-checks are entries of regressions/testlist.yaml, loaded, run, bucketed and
reported like any other (there is no second loader, report or JUnit writer, and no suites.yaml); SEED runs
every entry of a suite once with that seed, SEEDS a number of seeds per entry, and both at once are refused;
TEST runs one test, verbosely with its listing for a golden case; `make help` names the list's suites."""
import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from regressions import golden_cases, regress

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path, text):
    p = tmp_path / "testlist.yaml"
    p.write_text(text)
    return p


def rows(out: Path) -> list[dict]:
    return [json.loads(ln) for ln in (out / "results.jsonl").read_text().splitlines()]


# -- one loader ----------------------------------------------------------------------------------------------
def test_there_is_one_loader_report_and_junit_writer():
    assert not (ROOT / "regressions" / "suites.yaml").exists()
    assert not (ROOT / "regressions" / "golden_regress.py").exists()
    for name in ("load_suite", "write_reports", "bucket", "main", "SuiteError"):
        assert not hasattr(golden_cases, name), f"golden_cases.{name}: the runner's job"
    for py in (ROOT / "regressions").glob("*.py"):
        text = py.read_text()
        if py.name != "regress.py":
            assert "def load_suite" not in text and "junit.xml" not in text and "yaml.safe_load" not in text, py


@pytest.mark.parametrize("text,msg", [
    ("smoke:\n  - test: golden.random_program\n    seeds: 2\n  - test: golden.nope\n",
     r"testlist.yaml:4: field 'test': unknown golden test 'nope' \(have: random_program, error_program, long_program\)"),
    ("smoke:\n  - test: golden.random_program\n    seeds: -1\n", r"testlist.yaml:2: field 'seeds' must be a positive"),
    ("smoke:\n  - test: golden.random_program\n    seedz: 3\n", r"testlist.yaml:2: unknown field\(s\) \['seedz'\]"),
    ("smoke:\n  - test: golden.random_program\n    seed_list: [1, x]\n", r"testlist.yaml:2: field 'seed_list' must be"),
    ("smoke:\n  - test: random_program\n", r"testlist.yaml:2: field 'test': 'random_program' is not <block>"),
])
def test_malformed_golden_entry_is_named(tmp_path, text, msg):
    with pytest.raises(regress.ListError, match=msg):
        regress.load_suite(write(tmp_path, text), "smoke")


def test_golden_smoke_is_the_old_golden_smoke_suite():
    """What suites.yaml's smoke ran (150 + 64 legal/error programs, 3 long ones), now a testlist suite."""
    runs = regress.load_suite(regress.TESTLIST, "golden_smoke")
    per_test = {t: sorted(r["seed"] for r in runs if r["test"] == t) for t in {r["test"] for r in runs}}
    assert per_test == {"golden.random_program": list(range(1, 151)), "golden.error_program": list(range(1, 65)),
                        "golden.long_program": [1, 2, 3]}
    assert {r["sim"] for r in runs} == {"golden"}


def test_nightly_keeps_the_golden_seed_counts():
    """suites.yaml's nightly: 8000 / 2000 / 100 seeds from 100000."""
    runs = regress.load_suite(regress.TESTLIST, "nightly")
    for test, count in (("golden.random_program", 8000), ("golden.error_program", 2000),
                        ("golden.long_program", 100)):
        seeds = sorted(r["seed"] for r in runs if r["test"] == test)
        assert seeds == list(range(100000, 100000 + count)), test


# -- golden entries through the one runner -------------------------------------------------------------------
def test_golden_entries_run_and_report_through_the_runner(tmp_path):
    lst = write(tmp_path, "mine:\n  - test: golden.random_program\n    seeds: 3\n"
                          "  - test: golden.error_program\n    seed_list: [5]\n")
    out = tmp_path / "out"
    assert regress.main(["--list", str(lst), "--suite", "mine", "--out", str(out)]) == 0
    got = rows(out)
    assert sorted((r["test"], r["seed"]) for r in got) == [("golden.error_program", 5)] + \
        [("golden.random_program", s) for s in (1, 2, 3)]
    assert all(r["status"] == "PASS" and r["sim"] == "golden" and r["instructions"] > 0 for r in got)
    junit = (out / "junit.xml").read_text()
    assert 'tests="4"' in junit and 'failures="0"' in junit and 'classname="golden.error_program.golden"' in junit
    assert "| golden.random_program | golden | 3 | 3 | 0 |" in (out / "report.md").read_text()


def test_golden_crash_and_mismatch_become_failed_rows_bucketed_with_listing(tmp_path, monkeypatch):
    real_program, real_compare = golden_cases.program, golden_cases.compare
    calls = []

    def program(test, seed):
        if seed == 2:
            raise RuntimeError("simulated crash")
        return real_program(test, seed)

    def compare(*args):                              # cases run in order: the second compare is seed 3's
        calls.append(1)
        return "tile of instruction 7 at 0x10 differs" if len(calls) == 2 else real_compare(*args)
    monkeypatch.setattr(golden_cases, "program", program)
    monkeypatch.setattr(golden_cases, "compare", compare)
    lst = write(tmp_path, "mine:\n  - test: golden.random_program\n    seeds: 4\n")
    out = tmp_path / "out"
    assert regress.main(["--list", str(lst), "--suite", "mine", "--out", str(out), "--jobs", "1"]) == 1
    got = {r["seed"]: r for r in rows(out)}
    assert sorted(got) == [1, 2, 3, 4]
    crash, bad = got[2], got[3]                      # seed 2 crashed; the second compare (seed 3) differs
    assert crash["status"] == "ERROR" and "simulated crash" in crash["message"] and "Traceback" in crash["log_tail"]
    assert bad["status"] == "FAIL" and bad["message"] == "tile of instruction 7 at 0x10 differs"
    assert Path(bad["listing"]).read_text().startswith("# random_program seed 3:")
    assert got[1]["status"] == got[4]["status"] == "PASS" and "listing" not in got[1]
    report = (out / "report.md").read_text()
    assert "`FAIL: tile of instruction N at N differs`" in report
    assert "`make regress TEST=golden.random_program SEED=2`" in report
    assert 'failures="2"' in (out / "junit.xml").read_text()


def test_buckets_strip_numbers():
    assert regress.bucket("tile of instruction 12 at 0x3f0 differs") == \
        regress.bucket("tile of instruction 7 at 0x10 differs")
    assert regress.bucket("a 1") != regress.bucket("b 1")


# -- SEED and SEEDS ------------------------------------------------------------------------------------------
def test_seed_runs_every_entry_of_the_suite_once_with_that_seed():
    plain = regress.load_suite(regress.TESTLIST, "top")
    seeded = regress.load_suite(regress.TESTLIST, "top", seed=3)
    entries = yaml.safe_load(regress.TESTLIST.read_text())["top"]
    runs_per_entry = [len(e.get("sims", ["icarus", "verilator"])) for e in entries]
    assert len(seeded) == sum(runs_per_entry) < len(plain)
    assert {r["seed"] for r in seeded} == {3}
    key = lambda r: (r["test"], r["sim"], json.dumps(r["params"], sort_keys=True), r["repeat"])  # noqa: E731
    assert sorted(map(key, seeded)) == sorted(set(map(key, plain)))


def test_seed_overrides_seed_lists_and_golden_entries_too():
    runs = regress.load_suite(regress.TESTLIST, "smoke", seed=9)
    assert {r["seed"] for r in runs} == {9}
    assert sorted(r["test"] for r in runs if r["block"] == "golden") == \
        ["golden.error_program", "golden.long_program", "golden.random_program"]


def test_seeds_is_a_count_per_entry():
    runs = regress.load_suite(regress.TESTLIST, "golden_smoke", seeds=2)
    assert sorted((r["test"], r["seed"]) for r in runs) == sorted(
        (t, s) for t in ("golden.random_program", "golden.error_program", "golden.long_program") for s in (1, 2))


def test_seed_and_seeds_together_stop_with_a_message(capsys, tmp_path):
    with pytest.raises(regress.ListError, match="not both"):
        regress.load_suite(regress.TESTLIST, "top", seeds=2, seed=3)
    assert regress.main(["--suite", "top", "--seed", "3", "--seeds", "2", "--dry-run"]) == 2
    assert "give SEEDS" in capsys.readouterr().err
    assert regress.main(["--rerun", "failed", "--seed", "3", "--out", str(tmp_path)]) == 2
    assert "RERUN=failed" in capsys.readouterr().err


def test_dry_run_with_seed_lists_the_suite_not_one_golden_case(capsys):
    assert regress.main(["--suite", "top", "--seed", "3", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "npu_top.TopSmokeTest" in out and "golden" not in out
    assert re.findall(r"seed (\d+)", out) and set(re.findall(r"seed (\d+) ", out)) == {"3"}


# -- one test, one seed --------------------------------------------------------------------------------------
def test_one_golden_case_is_verbose_with_its_listing(tmp_path, capsys):
    assert regress.main(["--test", "random_program", "--seed", "17", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    (row,) = rows(tmp_path)
    assert (row["test"], row["seed"], row["status"]) == ("golden.random_program", 17, "PASS")
    listing = Path(row["listing"])
    assert f"program listing: {listing}" in out and "instructions)" in out
    assert listing.read_text().startswith("# random_program seed 17: N=")
    assert "make regress TEST=golden.random_program SEED=17" in out


def test_one_test_by_name(capsys):
    assert [(r["test"], r["sim"], r["seed"]) for r in regress.load_test("golden.long_program", seed=4)] == \
        [("golden.long_program", "golden", 4)]
    assert [(r["test"], r["sim"]) for r in regress.load_test("TopSmokeTest", ["verilator"], seed=2)] == \
        [("npu_top.TopSmokeTest", "verilator")]
    with pytest.raises(regress.ListError, match="unknown golden test 'nope'"):
        regress.load_test("golden.nope")


# -- make ----------------------------------------------------------------------------------------------------
def make(*args) -> str:
    return subprocess.run(["make", "-s", "--no-print-directory", "-C", str(ROOT), *args], capture_output=True,
                          text=True, check=True).stdout


def test_make_regress_with_seed_runs_the_suite_through_the_one_runner():
    cmd = [ln for ln in make("-n", "regress", "SUITE=top", "SEED=3").splitlines() if "regressions." in ln]
    assert len(cmd) == 1 and "-m regressions.regress " in cmd[0], cmd
    assert "--suite top" in cmd[0] and "--seed 3" in cmd[0] and "--test" not in cmd[0]
    (one,) = [ln for ln in make("-n", "regress", "TEST=golden.random_program", "SEED=17").splitlines()
              if "regressions." in ln]
    assert "-m regressions.regress " in one and "--test golden.random_program" in one and "--seed 17" in one
    assert "--suite" not in one


def test_make_help_lists_the_suites_of_the_test_list():
    suites = list(yaml.safe_load(regress.TESTLIST.read_text()))
    m = re.search(r"make regress \[SUITE=([\w|]+)\]", make("help"))
    assert m, "make help names no suites"
    assert m.group(1).split("|") == suites
    assert "SEED=K" in make("help") and "SEEDS=N" in make("help")
