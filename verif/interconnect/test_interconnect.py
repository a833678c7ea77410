"""AXI master environment on both simulators and two bus widths, and its scoreboard's and protocol checker's
self-tests."""
import pytest

from sim.runner import SIMULATORS
from verif.common.pytest_helpers import run_and_check, run_expecting_fault


@pytest.mark.parametrize("sim", SIMULATORS)
@pytest.mark.parametrize("dw", [64, 128])
def test_axi_master(sim, dw, tmp_path):
    run_and_check("axi_master", sim, seed=dw, tmp_path=tmp_path, params={"DW": dw})


def test_scoreboard_catches_starvation(tmp_path):
    msg = run_expecting_fault("axi_master", "icarus", "NPU8_FAULT_AXI_FIXED_PRIORITY", "AxiContentionTest", tmp_path)
    assert "read client 1 starved" in msg, msg


def test_protocol_checker_catches_unstable_wvalid(tmp_path):
    msg = run_expecting_fault("axi_master", "verilator", "NPU8_FAULT_AXI_W_PASSTHROUGH", "AxiBackpressureTest",
                              tmp_path)
    assert "AXI4 protocol checker: rule 3" in msg, msg
