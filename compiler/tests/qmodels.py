"""Hand-built quantized models for the compiler's error tests: QuantizeLinear -> body -> DequantizeLinear, with
the body's nodes and constants given by the test."""
from __future__ import annotations

import numpy as np
from onnx import TensorProto, helper, numpy_helper

OPSET = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]


def consts(**arrays) -> list:
    return [numpy_helper.from_array(np.asarray(v), k) for k, v in arrays.items()]


BASE = consts(s=np.float32(0.02), z=np.int8(0), ys=np.float32(0.05), yz=np.int8(3))


def conv_inputs(w: np.ndarray, wz=None, ws=None) -> tuple[list[str], list]:
    cout = w.shape[0]
    inits = consts(w=w, ws=np.full(cout, 0.01, np.float32) if ws is None else ws,
                   wz=np.zeros(cout, w.dtype) if wz is None else wz)
    return ["q", "s", "z", "w", "ws", "wz", "ys", "yz"], inits


def model(body: list, inits: list, in_shape=(1, 4, 6, 6), out: str = "y", out_shape=("n", "c", "h", "w"),
          extra_inputs=(), out_q=("ys", "yz")) -> bytes:
    nodes = [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], name="quant_in")] + body + \
            [helper.make_node("DequantizeLinear", [out, *out_q], ["out"], name="dequant_out")]
    ins = [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(in_shape))] + list(extra_inputs)
    g = helper.make_graph(nodes, "t", ins, [helper.make_tensor_value_info("out", TensorProto.FLOAT, list(out_shape))],
                          BASE + inits)
    m = helper.make_model(g, opset_imports=OPSET)
    m.ir_version = 8
    return m.SerializeToString()


def conv_model(w=None, wz=None, ws=None, in_shape=(1, 4, 6, 6), **attrs) -> bytes:
    w = np.ones((4, 4, 3, 3), np.int8) if w is None else w
    ins, inits = conv_inputs(w, wz, ws)
    attrs.setdefault("kernel_shape", list(w.shape[2:]))
    return model([helper.make_node("QLinearConv", ins, ["y"], name="conv", **attrs)], inits, in_shape)
