"""The built-in digits network: the committed float model is what train_digits.py builds (every operator the
compiler must place: 3x3 convs, ReLU, max pooling, a residual Add, a depthwise-separable block, global average
pooling, a fully-connected layer), it classifies the held-out split, and onnxruntime's quantize_static
(per-channel, QOperator) turns it into the QLinear graph the compiler reads, at the same accuracy."""
import numpy as np
import onnx
import onnxruntime as ort
import pytest

from compiler.models import train_digits as td


@pytest.fixture(scope="module")
def split():
    return td.digits_split()


def _session(model_bytes):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.log_severity_level = 3
    return ort.InferenceSession(model_bytes, opts, providers=["CPUExecutionProvider"])


def test_the_committed_model_has_every_operator_of_the_network():
    m = onnx.load(td.MODEL)
    onnx.checker.check_model(m)
    ops = [n.op_type for n in m.graph.node]
    assert ops.count("Conv") == 5 and {"Relu", "MaxPool", "Add", "GlobalAveragePool", "Flatten", "Gemm"} <= set(ops)
    groups = [a.i for n in m.graph.node if n.op_type == "Conv" for a in n.attribute if a.name == "group"]
    assert groups == [8]                                     # the depthwise convolution


def test_the_held_out_split_is_fixed_and_large_enough(split):
    xtr, ytr, xte, yte = split
    assert len(xte) == td.TEST_IMAGES >= 360 and len(xtr) + len(xte) == 1797
    assert np.array_equal(td.digits_split()[3], yte)


def test_the_float_model_classifies_the_test_split(split):
    _, _, xte, yte = split
    logits = _session(td.MODEL.read_bytes()).run(None, {"input": xte})[0]
    assert (logits.argmax(1) == yte).mean() >= 0.95


def test_training_is_reproducible_from_its_seed():
    a, _ = td.train(epochs=1, log=lambda *_: None)
    b, _ = td.train(epochs=1, log=lambda *_: None)
    assert all(np.array_equal(a.p[k], b.p[k]) for k in a.p)


def test_the_numpy_forward_pass_is_the_onnx_graph(split):
    """The exported graph computes what the trainer computed (layouts, attributes, the skip connection)."""
    net, _ = td.train(epochs=1, log=lambda *_: None)
    _, _, xte, _ = split
    want = net.forward(xte[:16])[0]
    got = _session(td.to_onnx(net).SerializeToString()).run(None, {"input": xte[:16]})[0]
    assert np.allclose(got, want, atol=1e-4)


def test_quantize_static_gives_the_qlinear_graph(split, tmp_path):
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    xtr, _, xte, yte = split

    class Calibration(CalibrationDataReader):
        def __init__(self):
            self.it = iter({"input": xtr[i:i + 1]} for i in range(100))

        def get_next(self):
            return next(self.it, None)

    out = tmp_path / "digits_int8.onnx"
    quantize_static(str(td.MODEL), str(out), Calibration(), quant_format=QuantFormat.QOperator, per_channel=True,
                    activation_type=QuantType.QInt8, weight_type=QuantType.QInt8)
    ops = [n.op_type for n in onnx.load(out).graph.node]
    assert ops == ["QuantizeLinear", "QLinearConv", "MaxPool", "QLinearConv", "QLinearConv", "QLinearAdd",
                   "QLinearConv", "QLinearConv", "QLinearGlobalAveragePool", "Flatten", "QGemm", "DequantizeLinear"]
    acc = (_session(out.read_bytes()).run(None, {"input": xte})[0].argmax(1) == yte).mean()
    assert acc >= 0.94
