"""Vector unit on both simulators and two N, against the golden simulator, and its scoreboard's self-test."""
import pytest

from sim.runner import SIMULATORS
from verif.common.pytest_helpers import run_and_check, run_expecting_fault


@pytest.mark.parametrize("sim", SIMULATORS)
@pytest.mark.parametrize("n", [4, 16])
def test_vector_unit(sim, n, tmp_path):
    run_and_check("vector_unit", sim, seed=n, tmp_path=tmp_path, params={"N": n, "SP_ROWS": 64, "ACC_ROWS": 48})


def test_scoreboard_catches_dropped_last_tap(tmp_path):
    msg = run_expecting_fault("vector_unit", "icarus", "NPU8_FAULT_VECTOR_DROP_LAST_TAP", "VectorRandomTest", tmp_path,
                              params={"N": 8, "SP_ROWS": 64, "ACC_ROWS": 48})
    assert "ACC row" in msg and "expected" in msg and "got" in msg, msg
