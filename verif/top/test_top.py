"""npu_top end to end on both simulators, and a unit fault caught by the end-to-end DRAM check."""
import pytest

from sim.runner import SIMULATORS
from verif.common.pytest_helpers import run_and_check, run_expecting_fault


@pytest.mark.parametrize("sim", SIMULATORS)
def test_npu_top(sim, tmp_path):
    run_and_check("npu_top", sim, seed=1, tmp_path=tmp_path)


def test_end_to_end_check_catches_a_unit_fault(tmp_path):
    msg = run_expecting_fault("npu_top", "verilator", "NPU8_FAULT_STORE_STROBE", "TopLegalProgramsTest", tmp_path)
    assert "DRAM byte" in msg, msg
