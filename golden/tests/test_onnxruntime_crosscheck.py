"""The golden model is bit-exact with onnxruntime: >= 1,000,000 QLinearMatMul/QLinearConv outputs through both
the reference operators and the lowered ISA programs, plus sweeps of accumulator windows across rounding ties;
and a small run of each network-operator section (QLinearAdd, MaxPool, QLinearGlobalAveragePool, per-channel
QLinearConv / depthwise / QLinearMatMul / QGemm) with its tie grids, sweeps and order-of-operations probes."""
import numpy as np
import pytest

from golden import crosscheck, ops, simulator
from golden.onnx_reference import version
from golden.requant import rne_shift


def test_random_operators_match_onnxruntime(figure):
    tally = crosscheck.Tally()
    crosscheck.random_cases(tally, 1_000_000, np.random.default_rng(20261123))
    figure(f"onnxruntime {version()} random QLinearMatMul/QLinearConv: {tally.outputs} outputs "
           f"({tally.cases} comparisons, reference operator + ISA program), {tally.mismatches} mismatches")
    assert tally.outputs >= 1_000_000
    assert tally.mismatches == 0, tally.first_failure


def test_tie_sweeps_match_onnxruntime(figure):
    tally = crosscheck.Tally()
    crosscheck.tie_sweeps(tally)
    figure(f"onnxruntime {version()} accumulator tie sweeps: {tally.outputs} outputs, ties hit {tally.ties}, "
           f"{tally.mismatches} mismatches")
    assert tally.mismatches == 0, tally.first_failure
    assert all(v > 1000 for v in tally.ties.values()), tally.ties


def test_crosscheck_catches_a_single_rounding_requantiser(monkeypatch):
    """The cross-check can fail: swap in the common shortcut (one rounding of the exact product) and the
    sweeps find mismatches, naming the first."""
    def single_rounding(acc, multiplier, shift, out_zp, relu=False):
        r = rne_shift(np.asarray(acc, np.int64) * multiplier, shift)
        return np.clip(r + out_zp, out_zp if relu else -128, 127).astype(np.int8)
    monkeypatch.setattr(ops, "requantize", single_rounding)
    monkeypatch.setattr(simulator, "requantize", single_rounding)
    tally = crosscheck.Tally()
    crosscheck.tie_sweeps(tally, window=1 << 16)
    assert tally.mismatches > 0 and "first mismatch" in tally.first_failure


def test_crosscheck_catches_a_missing_zero_point_fold(monkeypatch):
    """Forgetting to fold the input zero point into the preloaded bias is the classic lowering bug: the ISA
    programs then disagree with onnxruntime while the reference operators still agree."""
    real = ops.folded_bias
    monkeypatch.setattr(ops, "folded_bias", lambda w2d, bias, za: real(w2d, bias, 0))
    tally = crosscheck.Tally()
    crosscheck.random_cases(tally, 20_000, np.random.default_rng(5))
    assert tally.mismatches > 0 and "ISA program" in tally.first_failure


# -- the rest of a quantized network (golden/qops.py, golden/qladd.py) -------------------------------------
NETWORK_SECTIONS = ["qladd", "maxpool", "gap", "conv_pc", "depthwise", "matmul_pc", "qgemm"]


@pytest.mark.parametrize("section", NETWORK_SECTIONS)
def test_network_operator_section_matches_onnxruntime(figure, section):
    tally = crosscheck.run_section(section, 20_000, seed=20261201)
    figure(f"onnxruntime {version()} {section}: {tally.outputs} outputs ({tally.sweep_outputs} in tie sweeps/"
           f"grids/probes), {tally.mismatches} mismatches, ties {tally.ties}")
    assert tally.outputs - tally.sweep_outputs >= 20_000
    assert tally.mismatches == 0, tally.first_failure
    if section == "qladd":           # the 256x256 grids reach every rounding tie, decisively
        assert all(v > 100 for v in tally.ties.values()), tally.ties
    if section == "gap":
        assert all(v > 100 for v in tally.ties.values()), tally.ties


def test_crosscheck_main_runs_a_subset_and_fails_on_nothing_compared(capsys):
    assert crosscheck.main(["--only", "maxpool,conv_pc", "--outputs", "3000"]) == 0
    out = capsys.readouterr().out
    assert "maxpool:" in out and "conv_pc:" in out and "qladd:" not in out
    assert crosscheck.main(["--only", "maxpool", "--outputs", "0"]) == 1
    assert "no outputs compared" in capsys.readouterr().out
