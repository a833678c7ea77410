"""ctrl block environment on both simulators and two shapes, and its scoreboard's self-test."""
import pytest

from sim.runner import SIMULATORS
from verif.common.pytest_helpers import run_and_check, run_expecting_fault

SHAPES = [{"N": 8, "SP_ROWS": 64, "ACC_ROWS": 64, "DRAM_BYTES": 16384},
          {"N": 4, "SP_ROWS": 256, "ACC_ROWS": 128, "DRAM_BYTES": 16384}]


@pytest.mark.parametrize("sim", SIMULATORS)
@pytest.mark.parametrize("shape", SHAPES, ids=["N8", "N4"])
def test_ctrl(sim, shape, tmp_path):
    run_and_check("ctrl", sim, seed=shape["N"], tmp_path=tmp_path, params=shape)


def test_scoreboard_catches_missing_hazard_check(tmp_path):
    msg = run_expecting_fault("ctrl", "verilator", "NPU8_FAULT_CTRL_NO_HAZARD", "CtrlLegalProgramsTest", tmp_path,
                              params=SHAPES[0])
    assert "hazard: instruction" in msg, msg
