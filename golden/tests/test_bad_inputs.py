"""Bad input at every interface stops with a message that names the operator or tool, the tensor, field or
parameter, and the constraint (issue 14's list, as a new user tried it): the lowering API, the assembler,
MachineConfig and `golden.crosscheck --outputs 0` (the simulator-side ones: sim/tests/test_bad_parameters.py)."""
import numpy as np
import pytest

from golden import crosscheck
from golden.asm import AsmError, assemble
from golden.isa import MachineConfig
from golden.ops import Requant, lower_conv2d, lower_gemm
from golden.vector_lowering import lower_depthwise_conv, lower_maxpool, lower_qlinear_add

CFG = MachineConfig(n=8, sp_rows=4096, acc_rows=1024, dram_bytes=1 << 22)
RQ = Requant(1 << 23, 30, 0)
A, W = np.zeros((4, 7), np.int8), np.zeros((7, 3), np.int8)
X, WC = np.zeros((5, 5, 3), np.int8), np.zeros((3, 3, 3, 4), np.int8)


@pytest.mark.parametrize("call, msg", [
    (lambda: lower_gemm(CFG, A, np.zeros((6, 3), np.int8), None, 0, RQ), "GEMM: shapes: activations have K=7, weights K=6"),
    (lambda: lower_conv2d(CFG, X, np.zeros((3, 3, 5, 4), np.int8), None, 0, RQ), "input has Cin=3, weights Cin=5"),
    (lambda: lower_conv2d(CFG, np.zeros((1, 3, 5, 5), np.int8), WC, None, 0, RQ), "input: must be 3-D HWC.*NCHW"),
    (lambda: lower_gemm(CFG, A, np.full((7, 3), 300, np.int16), None, 0, RQ), "weights: values 300..300 outside int8"),
    (lambda: lower_gemm(CFG, A.astype(np.float32), W, None, 0, RQ), "activations: must hold integers"),
    (lambda: lower_gemm(CFG, A, W, None, 200, RQ), "activation zero point: 200 outside -128..127"),
    (lambda: lower_gemm(CFG, A, W, None, 1.5, RQ), "activation zero point: must be an integer, got 1.5"),
    (lambda: lower_conv2d(CFG, X, WC, None, 0, RQ, pad=-1), r"pads\[0\]: -1 outside 0..15"),
    (lambda: lower_conv2d(CFG, X, WC, None, 0, RQ, stride=0), r"strides\[0\]: 0 outside 1"),
    (lambda: lower_gemm(CFG, np.zeros((4, 0), np.int8), np.zeros((0, 3), np.int8), None, 0, RQ), "empty dimension"),
    (lambda: lower_gemm(CFG, A, W, np.zeros(4, np.int32), 0, RQ), r"bias: must have shape \(3,\)"),
    (lambda: lower_gemm(CFG, A, W, None, 0, "x"), "requantiser: must be a Requant"),
    (lambda: lower_conv2d(CFG, np.zeros((2, 2, 5000), np.int8), np.zeros((1, 1, 5000, 1), np.int8), None, 0, RQ),
     r"needs a LOAD with xs=5000 \(DRAM bytes between elements\)"),
    (lambda: lower_gemm(MachineConfig(n=4, sp_rows=8), np.zeros((4, 64), np.int8), np.zeros((64, 4), np.int8), None, 0,
                        RQ), "SP_ROWS=8 holds no K part of 4"),
    (lambda: lower_maxpool(CFG, X, (3, 3), (0, 1)), r"strides\[0\]: 0 outside 1..15"),
    (lambda: lower_qlinear_add(CFG, X, X, 0xBF800000, 0, 0), "QLinearAdd: scales: ra is negative"),
    (lambda: lower_depthwise_conv(CFG, X, np.zeros((3, 3, 2), np.int8), None, 0, RQ), r"\[KH, KW, C=3\]"),
])
def test_the_lowering_api_names_the_operand_and_the_constraint(call, msg):
    with pytest.raises(ValueError, match=msg):
        call()


@pytest.mark.parametrize("text, msg", [
    ("LOAD x=1 len=9", r"LOAD.len_gt_n: len > N \(N=8"),
    ("PAD count=1 value=-129", "PAD.value_int8"),
    ("LOAD x=\uff11", "is not a number"),                 # a fullwidth digit: int() would take it
    ("STORE", "STORE.x_zero: x = 0"),                      # a required field left out
    ("MATMUL a_row=0", "MATMUL.m_zero"),
    (".word", ".word needs one 128-bit value"),
])
def test_the_assembler_refuses_what_the_decoder_would(text, msg):
    with pytest.raises(AsmError, match=msg):
        assemble(text, n=8)


def test_machine_config_checks_types_and_ranges():
    with pytest.raises(TypeError, match=r"MachineConfig.n=8.0 must be an integer"):
        MachineConfig(n=8.0)
    with pytest.raises(ValueError, match=r"dram_bytes=8 outside 16"):
        MachineConfig(dram_bytes=8)
    with pytest.raises(TypeError, match="sp_rows"):
        MachineConfig(sp_rows=True)


def test_a_crosscheck_that_compares_nothing_fails(capsys):
    assert crosscheck.main(["--outputs", "0", "--only", "maxpool"]) == 1
    assert "no outputs compared" in capsys.readouterr().out


def test_a_channel_copy_past_its_output_is_refused():
    from golden.vector_lowering import lower_channel_copy
    with pytest.raises(ValueError, match=r"4 channels at offset 6 outside 4"):
        lower_channel_copy(CFG, np.zeros((2, 2, 4), np.int8), 0, RQ, 4, 6)
