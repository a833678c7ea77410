"""Bad parameters stop with a message naming them: `sim.run -P` (not an integer, a parameter the block does not
have) and an N the RTL does not implement (it refuses to elaborate, on both simulators)."""
import pytest

from sim.lint import lint_config
from sim.run import _params


def test_sim_run_parameters_are_checked():
    with pytest.raises(SystemExit, match=r"parameter N='abc' is not an integer"):
        _params(["N=abc"], "npu_top")
    with pytest.raises(SystemExit, match="block npu_top has no parameter 'M'"):
        _params(["M=4"], "npu_top")
    assert _params(["N=16 SP_ROWS=0x100"], "npu_top") == {"N": 16, "SP_ROWS": 256}


@pytest.mark.parametrize("sim", ["icarus", "verilator"])
def test_the_rtl_refuses_an_n_it_does_not_implement(sim):
    bad = lint_config("npu_top", sim, {"N": 5})
    assert any("npu_top_parameter_N_must_be_4_8_or_16" in ln for ln in bad), bad
    assert lint_config("npu_top", sim, {"N": 8}) == []
