"""make infer on the RTL: the digits network through TopNetworkTest on each simulator, the report read back
from the run (images bit-exact, accuracy, the per-layer table with the measured cycles beside the cycle model's)."""
import pytest

from compiler.cli import main
from sim.runner import SIMULATORS


@pytest.mark.parametrize("sim", SIMULATORS)
def test_make_infer_runs_the_digits_network_on_the_rtl(sim, tmp_path, capsys):
    assert main(["infer", "--sim", sim, "--images", "2", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "images bit-exact with onnxruntime: 2 / 2 (0 of 20 output bytes differ)" in out, out
    table = [ln for ln in out.splitlines() if "QLinearConv" in ln]
    assert len(table) == 5 and all(ln.split()[-1].endswith("%") for ln in table), out     # cycles and MAC use
    for ln in table:                      # the cycle model's prediction beside the measured cycles, within 5 %
        pred, meas, err = ln.split()[-4:-1]
        assert abs(float(err.rstrip("%"))) <= 5 and abs(int(pred) / float(meas) - 1) <= 0.05, ln
    assert (tmp_path / "network.json").is_file()


def test_make_infer_runs_a_batch_on_the_rtl(tmp_path, capsys):
    """Batch 2: every layer's program covers both images (the FC layer is one GEMM of M = 2)."""
    assert main(["infer", "--sim", "verilator", "--images", "4", "--batch", "2", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "batch 2: 4 images" in out and "images bit-exact with onnxruntime: 4 / 4" in out, out

