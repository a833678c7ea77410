"""mac_array block environment on both simulators and N = 4, 8, 16, and its scoreboard's self-test."""
import pytest

from sim.runner import SIMULATORS
from verif.common.pytest_helpers import run_and_check, run_expecting_fault


@pytest.mark.parametrize("sim", SIMULATORS)
@pytest.mark.parametrize("n", [4, 8, 16])
def test_mac_array(sim, n, tmp_path):
    run_and_check("mac_array", sim, seed=n, tmp_path=tmp_path, params={"N": n})


@pytest.mark.parametrize("sim", SIMULATORS)
def test_scoreboard_catches_injected_fault(sim, tmp_path):
    """A PE that clamps -128 x -128 to 16383: the extremes test must fail at the first bad element."""
    msg = run_expecting_fault("mac_array", sim, "NPU8_FAULT_MAC_SATURATE", "MacArrayExtremesTest", tmp_path,
                              params={"N": 4})
    assert "tile 0 row 0 lane 0: expected 65536, got 65532" in msg, msg
