"""verif/faults.yaml is the one list of injected faults: it must match the code, both ways."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = ROOT / "verif" / "faults.yaml"
_IFDEF = re.compile(r"`ifn?def\s+(NPU8_FAULT_\w+)")
_NAME = re.compile(r"\bNPU8_FAULT_\w+")


def fault_points(files: dict[str, str]) -> dict[str, set[str]]:
    """define -> the Verilog files that test it with `ifdef`."""
    out: dict[str, set[str]] = {}
    for path, text in files.items():
        for d in _IFDEF.findall(text):
            out.setdefault(d, set()).add(path)
    return out


def _verilog() -> dict[str, str]:
    return {str(p.relative_to(ROOT)): p.read_text() for d in ("rtl", "verif") for p in sorted((ROOT / d).rglob("*.v"))}


def registry_problems(faults: list[dict], points: dict[str, set[str]], named_elsewhere: set[str]) -> list[str]:
    problems = []
    listed = {f["define"]: f for f in faults}
    for d, files in sorted(points.items()):
        if d not in listed:
            problems.append(f"{d} ({', '.join(sorted(files))}) is not in verif/faults.yaml")
        elif files != {listed[d]["where"]}:
            problems.append(f"{d}: faults.yaml says {listed[d]['where']}, the code has it in {', '.join(sorted(files))}")
    for d in sorted(set(listed) - set(points)):
        problems.append(f"{d} is listed in verif/faults.yaml but no Verilog file tests it")
    for d in sorted(named_elsewhere - set(listed)):
        problems.append(f"{d} is used by a test or list but is not in verif/faults.yaml")
    return problems


def _faults() -> list[dict]:
    return yaml.safe_load(REGISTRY.read_text())["faults"]


def test_registry_matches_the_code():
    elsewhere = set()
    for p in [ROOT / "regressions" / "testlist.yaml", *sorted((ROOT / "verif").rglob("test_*.py"))]:
        if p.name != "test_faults.py":
            elsewhere |= set(_NAME.findall(p.read_text()))
    problems = registry_problems(_faults(), fault_points(_verilog()), elsewhere)
    assert not problems, "\n".join(problems)


def test_registry_check_can_fail():
    listed = [{"define": "NPU8_FAULT_A", "where": "rtl/a.v"}, {"define": "NPU8_FAULT_GONE", "where": "rtl/g.v"}]
    points = fault_points({"rtl/a.v": "`ifdef NPU8_FAULT_A\n`endif", "rtl/b.v": "`ifndef NPU8_FAULT_NEW\n`endif"})
    problems = registry_problems(listed, points, {"NPU8_FAULT_TYPO"})
    assert any("NPU8_FAULT_NEW (rtl/b.v) is not in" in p for p in problems)
    assert any("NPU8_FAULT_GONE is listed" in p for p in problems)
    assert any("NPU8_FAULT_TYPO is used" in p for p in problems)


def _test_function(node_id: str) -> tuple[str, ast.FunctionDef]:
    path, func = node_id.split("::")
    src = (ROOT / path).read_text()
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.FunctionDef) and node.name == func:
            return src, node
    raise AssertionError(f"self-test {node_id} does not exist")


@pytest.mark.parametrize("fault", _faults(), ids=lambda f: f["define"])
def test_each_self_test_injects_its_fault_on_a_simulator_it_works_on(fault):
    for node_id in fault["selftests"]:
        src, fn = _test_function(node_id)
        body = ast.get_source_segment(src, fn)
        assert fault["define"] in body, f"{node_id} does not inject {fault['define']}"
        for call in (n for n in ast.walk(fn) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "run_expecting_fault"):
            sim = call.args[1]
            if isinstance(sim, ast.Constant):
                assert sim.value in fault["sims"], f"{node_id} runs {fault['define']} on {sim.value}: faults.yaml allows {fault['sims']}"
