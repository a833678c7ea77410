"""The networks `make bench` measures whole (issue 15): the digits network; a ResNet-8 of the MLPerf Tiny image
classification benchmark (32x32x3, three residual stacks of 16, 32 and 64 channels); MobileNetV2's 14x14 stage of
inverted residuals (1x1 expand, 3x3 depthwise, 1x1 project, residual add); and ResNet-50 from the onnx package's
light models (up to the softmax, which onnxruntime computes in float). ResNet-8 and the MobileNetV2 stage are
built here in float with seeded He-normal weights (random weights time the same as trained ones) and quantized
with quantize_static on random calibration inputs, per-channel int8, as any model `make infer` takes.

    quantized(name) -> (the quantized model's bytes, one input batch)"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from . import reference

NAMES = ("digits", "resnet8", "mobilenetv2_stage", "resnet50")
OPSET = [helper.make_opsetid("", 13)]


class _Float:
    """A float graph, node by node (NCHW)."""

    def __init__(self, seed: int, shape: tuple[int, int, int]):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.k = [], [], 0
        self.shape = shape

    def _name(self, what: str) -> str:
        self.k += 1
        return f"{what}{self.k}"

    def _const(self, what: str, arr: np.ndarray) -> str:
        name = self._name(what)
        self.inits.append(numpy_helper.from_array(arr.astype(np.float32), name))
        return name

    def conv(self, x: str, cout: int, k: int = 3, stride: int = 1, group: int = 1, act: str | None = "relu") -> str:
        cin, h, w = self.shape
        fan_in = cin // group * k * k
        wt = self.rng.normal(0, np.sqrt(2 / fan_in), (cout, cin // group, k, k))
        b = self.rng.normal(0, 0.05, cout)
        y = self._name("conv")
        self.nodes.append(helper.make_node("Conv", [x, self._const("w", wt), self._const("b", b)], [y], name=y,
                                           kernel_shape=[k, k], strides=[stride, stride], pads=[k // 2] * 4,
                                           group=group))
        self.shape = (cout, (h + 2 * (k // 2) - k) // stride + 1, (w + 2 * (k // 2) - k) // stride + 1)
        return self.act(y, act)

    def act(self, x: str, act: str | None) -> str:
        if act is None:
            return x
        y = self._name(act)
        if act == "relu":
            self.nodes.append(helper.make_node("Relu", [x], [y], name=y))
        else:                                    # relu6
            self.nodes.append(helper.make_node("Clip", [x, self._const("lo", np.array(0.0)),
                                                        self._const("hi", np.array(6.0))], [y], name=y))
        return y

    def add(self, a: str, b: str, act: str | None = None) -> str:
        y = self._name("add")
        self.nodes.append(helper.make_node("Add", [a, b], [y], name=y))
        return self.act(y, act)

    def head(self, x: str, classes: int) -> str:
        c = self.shape[0]
        g, f, y = self._name("gap"), self._name("flatten"), self._name("fc")
        self.nodes += [helper.make_node("GlobalAveragePool", [x], [g], name=g),
                       helper.make_node("Flatten", [g], [f], name=f),
                       helper.make_node("Gemm", [f, self._const("w", self.rng.normal(0, np.sqrt(1 / c), (classes, c))),
                                                 self._const("b", np.zeros(classes))], [y], name=y, transB=1)]
        self.shape = (classes,)
        return y

    def model(self, name: str, x_shape: tuple, out: str) -> onnx.ModelProto:
        g = helper.make_graph(self.nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT,
                                                                               [1, *x_shape])],
                              [helper.make_tensor_value_info(out, TensorProto.FLOAT, [1, *self.shape])], self.inits)
        m = helper.make_model(g, opset_imports=OPSET)
        m.ir_version = 8
        onnx.checker.check_model(m)
        return m


def resnet8(seed: int = 1) -> onnx.ModelProto:
    """MLPerf Tiny's ResNet-8 (CIFAR-10): conv3x3 16; stacks of one residual block at 16, 32 (stride 2) and 64
    (stride 2) channels, a 1x1 stride-2 projection on the shortcut where the shape changes; pool, FC 10."""
    b = _Float(seed, (3, 32, 32))
    x = b.conv("input", 16)
    for cout, stride in ((16, 1), (32, 2), (64, 2)):
        shape_in = b.shape
        y = b.conv(x, cout, 3, stride)
        y = b.conv(y, cout, 3, 1, act=None)
        after = b.shape
        if stride != 1 or shape_in[0] != cout:
            b.shape = shape_in
            x = b.conv(x, cout, 1, stride, act=None)
        b.shape = after
        x = b.add(y, x, "relu")
    return b.model("resnet8", (3, 32, 32), b.head(x, 10))


def mobilenetv2_stage(seed: int = 1) -> onnx.ModelProto:
    """MobileNetV2's 14x14 stage after its stride-2 entry: inverted residuals of expansion 6, three at 64 channels
    (with the residual add), one to 96, two more at 96 (with the add); ReLU6 after expand and depthwise, a linear
    projection."""
    b = _Float(seed, (64, 14, 14))
    x = "input"
    for cout in (64, 64, 64, 96, 96, 96):
        cin = b.shape[0]
        y = b.conv(x, 6 * cin, 1, act="relu6")
        y = b.conv(y, 6 * cin, 3, 1, group=6 * cin, act="relu6")
        y = b.conv(y, cout, 1, act=None)
        x = b.add(y, x) if cout == cin else y
    return b.model("mobilenetv2_stage", (64, 14, 14), x)


def _calibrated(m: onnx.ModelProto, shape: tuple, seed: int) -> tuple[bytes, np.ndarray]:
    rng = np.random.default_rng(seed)
    cal = [{"input": rng.random((1, *shape), dtype=np.float32)} for _ in range(8)]
    return reference.quantize(m, cal, per_channel=True), rng.random((1, *shape), dtype=np.float32)


def quantized(name: str, seed: int = 1) -> tuple[bytes, np.ndarray]:
    if name == "digits":
        from .workload import digits
        wl = digits(1)
        return wl.quantized, wl.images[:1]
    if name == "resnet8":
        return _calibrated(resnet8(seed), (3, 32, 32), seed)
    if name == "mobilenetv2_stage":
        return _calibrated(mobilenetv2_stage(seed), (64, 14, 14), seed)
    if name == "resnet50":
        from .light_models import runnable_prefix
        return runnable_prefix("resnet50", seed)
    raise ValueError(f"bench network {name!r}: choose one of {', '.join(NAMES)}")
