"""Load unit on both simulators and two N, against the golden simulator, and its scoreboard's self-test."""
import pytest

from sim.runner import SIMULATORS
from verif.common.pytest_helpers import run_and_check, run_expecting_fault


@pytest.mark.parametrize("sim", SIMULATORS)
@pytest.mark.parametrize("n", [4, 16])
def test_load_unit(sim, n, tmp_path):
    run_and_check("load_unit", sim, seed=n, tmp_path=tmp_path, params={"N": n, "SP_ROWS": 64, "ACC_ROWS": 48})


def test_scoreboard_catches_pad_lanes(tmp_path):
    msg = run_expecting_fault("load_unit", "verilator", "NPU8_FAULT_LOAD_PAD_LANES", "LoadPaddedWindowTest", tmp_path,
                              params={"N": 8, "SP_ROWS": 64, "ACC_ROWS": 48})
    assert "SP row" in msg and "expected 0" in msg, msg


def test_queue_checker_catches_err_without_done(tmp_path):
    msg = run_expecting_fault("load_unit", "icarus", "NPU8_FAULT_LOAD_ERR_LEVEL", "LoadRandomTest", tmp_path,
                              params={"N": 8, "SP_ROWS": 64, "ACC_ROWS": 48})
    assert "internal checker load_queue (queue): rule 2, err without done" in msg, msg
