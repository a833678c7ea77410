"""rtl/sram environments on both simulators and several shapes, and their scoreboards' self-tests."""
import pytest

from sim.runner import SIMULATORS
from verif.common.pytest_helpers import run_and_check, run_expecting_fault


@pytest.mark.parametrize("sim", SIMULATORS)
@pytest.mark.parametrize("n,rows,nb", [(4, 37, 2), (8, 64, 4), (16, 100, 8), (8, 23, 1)])
def test_scratchpad(sim, n, rows, nb, tmp_path):
    run_and_check("scratchpad", sim, seed=n, tmp_path=tmp_path, params={"N": n, "ROWS": rows, "NB": nb})


@pytest.mark.parametrize("sim", SIMULATORS)
@pytest.mark.parametrize("n,rows,wp,dr", [(4, 29, 0, 0), (8, 64, 0, 0), (16, 48, 0, 0), (8, 40, 1, 0), (8, 40, 1, 1)])
def test_accumulator(sim, n, rows, wp, dr, tmp_path):
    """dr: DEDICATED_READ, the read port's own RAM copy (npu_top's configuration)."""
    run_and_check("accumulator", sim, seed=n, tmp_path=tmp_path,
                  params={"N": n, "ROWS": rows, "WRITE_PRIORITY": wp, "DEDICATED_READ": dr})


@pytest.mark.parametrize("sim", SIMULATORS)
@pytest.mark.parametrize("n,rows", [(4, 37), (8, 64)])
def test_accumulator_banks(sim, n, rows, tmp_path):
    run_and_check("accumulator_banks", sim, seed=n, tmp_path=tmp_path, params={"N": n, "ROWS": rows})


def test_scoreboard_catches_a_bank_mixup(tmp_path):
    msg = run_expecting_fault("accumulator_banks", "verilator", "NPU8_FAULT_ACC_BANKS_READ_SELECT",
                              "AccumulatorBanksBoundaryTest", tmp_path, params={"N": 4, "ROWS": 16})
    assert "r read row" in msg and "expected" in msg, msg


def test_scoreboard_catches_lost_forwarding(tmp_path):
    msg = run_expecting_fault("accumulator", "icarus", "NPU8_FAULT_ACC_NO_FORWARD", "AccumulatorChainTest",
                              tmp_path, params={"N": 4, "ROWS": 16})
    assert "expected" in msg and "last write to the row 1 cycle(s) before" in msg, msg


def test_scoreboard_catches_wrapping_rows(tmp_path):
    msg = run_expecting_fault("scratchpad", "verilator", "NPU8_FAULT_SP_WRAP", "ScratchpadRangeTest", tmp_path,
                              params={"N": 4, "ROWS": 20, "NB": 2})
    assert "error flag 0, expected 1" in msg, msg
