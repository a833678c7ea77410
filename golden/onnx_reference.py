"""onnxruntime as the outside reference: one-node QLinearMatMul / QLinearConv models run on its CPU provider.

Layouts follow ONNX (conv NCHW/OIHW); callers pass the golden model's NHWC/HWIO tensors and get NHWC back.
Weights are int8 with zero point 0 (the ISA's symmetric weights); activations int8 with any zero point.
"""
from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

OPSET = 21


def _session(node, inputs, outputs, inits) -> ort.InferenceSession:
    graph = helper.make_graph([node], "g", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 10
    onnx.checker.check_model(model)
    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    opts.intra_op_num_threads = 1
    return ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])


def _scalars(sa, za, sw, sy, zy):
    f32, i8 = np.float32, np.int8
    return [numpy_helper.from_array(np.array(sa, f32), "sa"), numpy_helper.from_array(np.array(za, i8), "za"),
            numpy_helper.from_array(np.array(sw, f32), "sw"), numpy_helper.from_array(np.array(0, i8), "zw"),
            numpy_helper.from_array(np.array(sy, f32), "sy"), numpy_helper.from_array(np.array(zy, i8), "zy")]


def qlinear_matmul(a: np.ndarray, w: np.ndarray, sa, za, sw, sy, zy) -> np.ndarray:
    node = helper.make_node("QLinearMatMul", ["a", "sa", "za", "w", "sw", "zw", "sy", "zy"], ["y"])
    ins = [helper.make_tensor_value_info("a", TensorProto.INT8, list(a.shape)),
           helper.make_tensor_value_info("w", TensorProto.INT8, list(w.shape))]
    outs = [helper.make_tensor_value_info("y", TensorProto.INT8, [a.shape[0], w.shape[1]])]
    sess = _session(node, ins, outs, _scalars(sa, za, sw, sy, zy))
    return sess.run(None, {"a": a.astype(np.int8), "w": w.astype(np.int8)})[0]


def qlinear_conv(x: np.ndarray, w: np.ndarray, bias, sa, za, sw, sy, zy, stride=1, pad=0) -> np.ndarray:
    """x [H,W,Cin] int8, w [KH,KW,Cin,Cout] int8, bias int32 [Cout] or None -> [OH,OW,Cout] int8."""
    kh, kw, _, cout = w.shape
    names = ["x", "sa", "za", "w", "sw", "zw", "sy", "zy"] + (["b"] if bias is not None else [])
    node = helper.make_node("QLinearConv", names, ["y"], kernel_shape=[kh, kw], strides=[stride, stride],
                            pads=[pad] * 4)
    xn = x.transpose(2, 0, 1)[None].astype(np.int8)
    wn = w.transpose(3, 2, 0, 1).astype(np.int8)
    ins = [helper.make_tensor_value_info("x", TensorProto.INT8, list(xn.shape)),
           helper.make_tensor_value_info("w", TensorProto.INT8, list(wn.shape))]
    feeds = {"x": xn, "w": wn}
    if bias is not None:
        ins.append(helper.make_tensor_value_info("b", TensorProto.INT32, [cout]))
        feeds["b"] = np.asarray(bias, np.int32)
    outs = [helper.make_tensor_value_info("y", TensorProto.INT8, [1, cout, None, None])]
    sess = _session(node, ins, outs, _scalars(sa, za, sw, sy, zy))
    return sess.run(None, feeds)[0][0].transpose(1, 2, 0)


def version() -> str:
    return ort.__version__
