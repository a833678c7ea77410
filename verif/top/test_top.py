"""npu_top from pytest: the smoke set of every stream kind on both simulators, and the environment's own
checks shown to bite: a wrong MATMUL tile and a wrong STORE tile (injected RTL faults) are each reported at
the first bad tile (and a wrong vector-unit tile too), and a hung unit ends in a failed test naming what was
pending, not a stuck run.

The faults that fail within a few programs run on Icarus (its build takes a second; a Verilator build of each
faulty configuration takes half a minute); the hang, which runs out a long cycle budget, on Verilator."""
import re
from pathlib import Path

import pytest

from sim import blocks, probes
from sim.clock import CLOCK_NS
from sim.run import run_block
from sim.runner import SIMULATORS
from verif.common.pytest_helpers import run_and_check, run_expecting_fault


@pytest.mark.parametrize("sim", SIMULATORS)
def test_npu_top_smoke(sim, tmp_path):
    run_and_check("npu_top", sim, seed=1, tmp_path=tmp_path, tests=["TopSmokeTest"])


@pytest.mark.parametrize("seed", [2, 3])
def test_npu_top_smoke_more_seeds(seed, tmp_path):
    run_and_check("npu_top", "verilator", seed=seed, tmp_path=tmp_path, tests=["TopSmokeTest"])


def test_first_bad_matmul_tile_is_reported(tmp_path):
    msg = run_expecting_fault("npu_top", "icarus", "NPU8_FAULT_COMPUTE_NO_ACCUMULATE", "TopLegalStreamTest",
                              tmp_path)
    assert "MATMUL tile" in msg and "first difference at row" in msg and "expected" in msg, msg


def test_first_bad_store_tile_is_reported(tmp_path):
    msg = run_expecting_fault("npu_top", "icarus", "NPU8_FAULT_STORE_STROBE", "TopLegalStreamTest", tmp_path)
    assert "STORE tile" in msg and "first difference at element" in msg, msg


def test_first_bad_vector_tile_is_reported(tmp_path):
    """A vector-unit fault (the last tap of each window dropped) in the whole chip: the lowered operators'
    first wrong accumulator row is the report, with the instruction, the row, expected and got."""
    msg = run_expecting_fault("npu_top", "icarus", "NPU8_FAULT_VECTOR_DROP_LAST_TAP", "TopVectorOpsTest", tmp_path)
    assert re.search(r"#\d+ V(MAX|SUM|MAC) tile", msg) and "first difference at row" in msg and "expected" in msg, msg


def test_a_hung_program_fails_with_what_was_pending(tmp_path):
    msg = run_expecting_fault("npu_top", "verilator", "NPU8_FAULT_COMPUTE_HANG", "TopDirectedTest", tmp_path)
    assert "no interrupt within" in msg and "Pending:" in msg, msg
    # every probe of the hang report (hdl/tb_npu_top.probes.yaml) with a value read from the simulation
    for name in probes.for_block(blocks.get("npu_top")).hang_report:
        assert re.search(rf"\b{re.escape(name)}=[0-9]+\b", msg), f"{name}=<number> not in: {msg}"
    assert "compute_queue.valid=1" in msg, f"the hung MATMUL is not pending in the compute queue: {msg}"


def test_a_dropped_legality_check_fails_the_check_stream(tmp_path):
    """The PAD `count == 0` check removed: only the directed program for PAD.count_zero can see it."""
    msg = run_expecting_fault("npu_top", "icarus", "NPU8_FAULT_DECODE_NO_PAD_COUNT", "TopLegalityChecksTest",
                              tmp_path)
    assert "check_program(PAD.count_zero" in msg and "BAD_FIELD" in msg, msg


def test_tests_of_one_simulation_each_reset_the_testbench(tmp_path):
    """The testbench acts on a change of reset_req: a test after one that reset an odd number of times must
    still get its reset (the levels carry over between the tests of a simulation)."""
    out = run_block("npu_top", "verilator", 1, test_dir=tmp_path, tests=["TopLegalStreamTest", "TopResetTest"])
    assert out.ok and out.passed == 2, out.failures


def test_the_testbench_clock_is_the_one_python_counts_in():
    """tb_npu_top's CLOCK_NS default (its clock, tb_clock_reset.vh) is sim/clock.py's: cycle stamps agree."""
    text = (Path(__file__).parent / "hdl" / "tb_npu_top.v").read_text()
    assert re.search(rf"parameter integer CLOCK_NS\s*=\s*{CLOCK_NS}\b", text)


def test_a_network_output_differing_from_onnxruntime_fails(tmp_path, monkeypatch):
    """The network's per-image check against onnxruntime bites: one bit of the first image's expected bytes
    flipped, and the run fails naming the byte, onnxruntime's value and the chip's."""
    monkeypatch.setenv("NPU8_NETWORK_CORRUPT_REFERENCE", "1")
    monkeypatch.setenv("NPU8_IMAGES", "1")
    out = run_block("npu_top", "icarus", 1, test_dir=tmp_path, tests=["TopNetworkTest"])
    assert out.failed == 1 and out.failures, "a corrupted onnxruntime reference went unnoticed"
    assert re.search(r"1 of 10 output bytes differ from onnxruntime's, first at 0x[0-9a-f]+", out.failures[0]), \
        out.failures[0]


def test_a_conservative_hazard_check_fails_the_performance_check(tmp_path, monkeypatch):
    """A hazard check made more conservative (every two SP ranges conflict) leaves every byte right -- the tiles
    and onnxruntime's output pass -- and only the cycle model's performance check catches the lost overlap."""
    monkeypatch.setenv("NPU8_IMAGES", "1")
    msg = run_expecting_fault("npu_top", "verilator", "NPU8_FAULT_HAZARD_CONSERVATIVE", "TopNetworkTest", tmp_path)
    assert re.search(r"performance: network\[0\]\.\d+ .*over the cycle model's [\d,]+ \(limit 10 %\): measured "
                     r".*stall_dep \+", msg), msg
    assert "env.perf:" in msg and "env.scoreboard" not in msg, msg


def test_a_network_cut_into_continuation_programs_runs_on_the_rtl(tmp_path, monkeypatch):
    """Layers cut every 12 instructions (NPU8_MAX_PROGRAM): each continuation program restarts with the CONFIG
    and VCONFIG in force and runs on the SP and ACC the program before left, on the chip as on the golden model;
    the image is still onnxruntime's bytes."""
    monkeypatch.setenv("NPU8_MAX_PROGRAM", "12")
    monkeypatch.setenv("NPU8_IMAGES", "1")
    out = run_block("npu_top", "icarus", 1, test_dir=tmp_path, tests=["TopNetworkTest"])
    assert out.failed == 0, out.failures
    import json
    rows = json.loads((tmp_path / "network.json").read_text())["runs"]
    assert len(rows) > 12 and rows[-1]["differing"] == 0          # 9 layers, several cut into continuations
