"""The regression runner: malformed lists are named precisely, crashes become failed rows, failures exit 1."""
import json

import pytest

from regressions import golden_regress as gr


def write(tmp_path, text):
    p = tmp_path / "suites.yaml"
    p.write_text(text)
    return p


@pytest.mark.parametrize("text,msg", [
    ("smoke:\n  - test: random_program\n    seeds: 2\n  - test: nope\n    seeds: 1\n", r"suites.yaml:4: field 'test': unknown test 'nope'"),
    ("smoke:\n  - test: random_program\n    seeds: -1\n", r"suites.yaml:2: field 'seeds' must be a positive"),
    ("smoke:\n  - test: random_program\n    seedz: 3\n", r"suites.yaml:2: unknown field\(s\) \['seedz'\]"),
    ("smoke:\n  - test: random_program\n    seed_list: [1, x]\n", r"field 'seed_list' must be a list"),
    ("smoke: [\n", r"not valid YAML"),
    ("nightly: []\n", r"no suite named 'smoke'"),
])
def test_malformed_suite_is_named(tmp_path, text, msg):
    with pytest.raises(gr.SuiteError, match=msg):
        gr.load_suite(write(tmp_path, text), "smoke")


def test_runner_exits_2_on_a_bad_list_and_names_it(tmp_path, capsys):
    assert gr.main(["--suites-file", str(write(tmp_path, "smoke:\n  - seeds: 1\n")), "--out", str(tmp_path)]) == 2
    assert "suites.yaml:2: an entry needs a 'test' field" in capsys.readouterr().err


def test_crash_becomes_a_failed_row_and_the_run_exits_1(tmp_path, monkeypatch):
    real = gr._program

    def crashing(test, seed):
        if seed == 2:
            raise RuntimeError("simulated crash")
        return real(test, seed)
    monkeypatch.setattr(gr, "_program", crashing)
    suites = write(tmp_path, "smoke:\n  - test: random_program\n    seeds: 3\n")
    assert gr.main(["--suites-file", str(suites), "--out", str(tmp_path), "--jobs", "1"]) == 1
    rows = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert sorted(r["seed"] for r in rows) == [1, 2, 3]
    bad = [r for r in rows if r["status"] != "PASS"]
    assert len(bad) == 1 and "simulated crash" in bad[0]["message"] and "Traceback" in bad[0]["log"]
    assert "make regress TEST=random_program SEED=2" in (tmp_path / "report.md").read_text()
    assert 'failures="1"' in (tmp_path / "junit.xml").read_text()


def test_buckets_strip_numbers():
    assert gr.bucket("tile of instruction 12 at 0x3f0 differs") == gr.bucket("tile of instruction 7 at 0x10 differs")
