"""The onnx package's light models through the flow (compiler/light_models.py; the whole table, ResNet-50 and
VGG-19 included, is `python -m compiler.light_models`, minutes on the golden model): here SqueezeNet, which the
compiler refuses at its QLinearSoftmax, naming it, and whose every layer before it (38 programs, the fire
modules' concatenations included) runs bit-exact with onnxruntime."""
import numpy as np
import onnx
import pytest

from compiler import light_models as lm
from compiler.errors import CompileError
from compiler.network import compile_fitting
from compiler.reference import Reference


def test_the_weights_are_materialized_and_sums_are_adds():
    m = lm.materialize(onnx.load(str(lm.LIGHT / "light_resnet50.onnx")), 1)
    ops = {n.op_type for n in m.graph.node}
    assert "ConstantOfShape" not in ops and "Sum" not in ops and "GlobalAveragePool" in ops
    assert m.opset_import[0].version == 13
    w = {i.name: onnx.numpy_helper.to_array(i) for i in m.graph.initializer}["gpu_0/conv1_w_0"]
    assert w.shape == (64, 3, 7, 7) and 0.05 < float(w.std()) < 0.2          # He-normal, not the constant 0.02


def test_squeezenet_is_refused_at_its_softmax_and_bit_exact_up_to_it():
    q, x = lm.prepare("squeezenet")
    with pytest.raises(CompileError) as e:
        compile_fitting(q, lm.MACHINE)
    assert e.value.node[1] == "QLinearSoftmax" and "not supported on the accelerator" in str(e.value)
    pre = lm._prefix(q, e.value.node[0])
    net = compile_fitting(pre, lm.MACHINE)
    assert sum(s.op == "QLinearConcat" for s in net.segments) == 8
    got, _ = net.run_golden(x)
    want, _ = Reference(pre).run(x)
    assert got.size == 1000 and int((got != want).sum()) == 0
    assert len(np.unique(got)) > 20                                          # not a saturated, constant output


BIT_EXACT_NODE_TESTS = {
    "test_Conv2d", "test_Conv2d_no_bias", "test_Conv2d_padding", "test_Conv2d_strided", "test_Conv2d_depthwise",
    "test_Conv2d_depthwise_padded", "test_Conv2d_depthwise_strided", "test_Conv2d_depthwise_with_multiplier",
    "test_Conv2d_groups", "test_Conv2d_groups_thnn", "test_Linear", "test_Linear_no_bias", "test_Conv1d",
    "test_Conv1d_groups", "test_Conv1d_pad1", "test_Conv1d_pad1size1", "test_Conv1d_pad2", "test_Conv1d_pad2size1",
    "test_Conv1d_stride"}


@pytest.mark.parametrize("name", lm.node_tests())
def test_each_pytorch_node_test_is_bit_exact_or_refused_with_its_reason(name):
    """Every PyTorch-converted node test of a CNN's operator families, on its recorded input at its own batch."""
    row = lm.evaluate(name)
    if name in BIT_EXACT_NODE_TESTS:
        assert row["verdict"] == "bit-exact" and row["bytes"] > 0, row
    else:
        assert row["verdict"].startswith(("refused: node", "refused: model", "not quantized")), row
        assert "differing" not in row or row["differing"] == 0
