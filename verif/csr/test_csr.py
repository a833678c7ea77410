"""csr_regs environment on both simulators, and its scoreboard's self-test."""
import pytest

from sim.runner import SIMULATORS
from verif.common.pytest_helpers import run_and_check, run_expecting_fault


@pytest.mark.parametrize("sim", SIMULATORS)
def test_csr(sim, tmp_path):
    run_and_check("csr_regs", sim, seed=5, tmp_path=tmp_path)


def test_scoreboard_catches_sticky_irq(tmp_path):
    msg = run_expecting_fault("csr_regs", "icarus", "NPU8_FAULT_CSR_W1C", "CsrIrqTest", tmp_path)
    assert "write-1-to-clear" in msg, msg
