"""Requantiser lane on both simulators (bit-exact with golden/requant.py), and its scoreboard's self-test."""
import pytest

from sim.runner import SIMULATORS
from verif.common.pytest_helpers import run_and_check, run_expecting_fault


@pytest.mark.parametrize("sim", SIMULATORS)
def test_requant(sim, tmp_path):
    run_and_check("requant", sim, seed=3, tmp_path=tmp_path)


def test_scoreboard_catches_single_rounding(tmp_path):
    msg = run_expecting_fault("requant", "verilator", "NPU8_FAULT_REQUANT_SINGLE_ROUND", "RequantTieSweepTest",
                              tmp_path)
    assert "differ; first at" in msg, msg
