"""Store unit on both simulators and two N, against the golden simulator."""
import pytest

from sim.runner import SIMULATORS
from verif.common.pytest_helpers import run_and_check, run_expecting_fault


@pytest.mark.parametrize("sim", SIMULATORS)
@pytest.mark.parametrize("n", [4, 16])
def test_store_unit(sim, n, tmp_path):
    run_and_check("store_unit", sim, seed=n, tmp_path=tmp_path, params={"N": n, "ROWS": 48})


def test_scoreboard_catches_short_strobes(tmp_path):
    msg = run_expecting_fault("store_unit", "icarus", "NPU8_FAULT_STORE_STROBE", "StoreUnalignedTest", tmp_path,
                              params={"N": 4, "ROWS": 48})
    assert "DRAM byte" in msg and "expected" in msg, msg
