"""Every name the test lists and the testplan use is real, and every test the testplan counts on runs in a
suite: a test is declared once (its class; sim/blocks.py discovers it) and referred to by that name."""
from __future__ import annotations

import ast

import yaml

from regressions import regress
from sim import blocks


def _suites() -> dict[str, list[dict]]:
    return {s: regress.load_suite(regress.TESTLIST, s) for s in yaml.safe_load(regress.TESTLIST.read_text())}


def plan_problems(plan: dict, suites: dict[str, list[dict]], root) -> list[str]:
    ran = {f"{r['block']}.{r['cls']}" for runs in suites.values() for r in runs}
    problems = []
    for item in plan["features"]:
        for t in item.get("tests", []):
            block, _, cls = t.partition(".")
            known = (block == "golden" and cls in regress.golden_cases.TESTS) or \
                (block in blocks.BLOCKS and cls in blocks.BLOCKS[block].tests)
            if not known:
                problems.append(f"{item['name']}: test {t} does not exist")
            elif t not in ran:
                problems.append(f"{item['name']}: test {t} runs in no suite of {regress.TESTLIST.name}")
        for a in item.get("also", []):
            path, _, func = a.partition("::")
            if not (root / path).exists():
                problems.append(f"{item['name']}: also {a}: no such file")
            elif func and func not in {n.name for n in ast.walk(ast.parse((root / path).read_text()))
                                       if isinstance(n, ast.FunctionDef)}:
                problems.append(f"{item['name']}: also {a}: no such test")
    return problems


def test_testplan_names_real_tests_that_a_suite_runs():
    plan = yaml.safe_load(regress.TESTPLAN.read_text())
    problems = plan_problems(plan, _suites(), regress.ROOT)
    assert not problems, "\n".join(problems)


def test_the_plan_check_can_fail():
    plan = {"features": [{"name": "f", "tests": ["ctrl.CtrlNoSuchTest", "ctrl.CtrlFastUnitsTest", "golden.random_program"],
                          "also": ["golden/tests/no_such_file.py", "golden/tests/test_isa.py::test_no_such"]}]}
    suites = {"s": [{"block": "golden", "cls": "random_program"}]}
    problems = plan_problems(plan, suites, regress.ROOT)
    assert problems == ["f: test ctrl.CtrlNoSuchTest does not exist",
                        "f: test ctrl.CtrlFastUnitsTest runs in no suite of testlist.yaml",
                        "f: also golden/tests/no_such_file.py: no such file",
                        "f: also golden/tests/test_isa.py::test_no_such: no such test"]


def test_every_suite_loads_and_names_only_discovered_tests():
    for suite, runs in _suites().items():
        assert runs, suite
        for r in runs:
            assert r["block"] == "golden" or r["cls"] in blocks.BLOCKS[r["block"]].tests, (suite, r)


def test_tests_are_discovered_from_their_module_not_listed():
    assert not hasattr(blocks.Block, "__dataclass_fields__") or "tests" not in blocks.Block.__dataclass_fields__
    assert blocks.BLOCKS["ctrl"].tests[0] == "CtrlLegalProgramsTest"
    assert "PlantedCrashTest" in blocks.BLOCKS["planted"].tests      # cocotb.test functions too
    assert set(blocks.BLOCKS["npu_top"].tests) >= {"TopSmokeTest", "TopNightlyTest"}


def test_a_malformed_test_module_name_is_an_error():
    import pytest
    with pytest.raises(FileNotFoundError, match="verif.nowhere.tests"):
        blocks.discover_tests("verif.nowhere.tests")
