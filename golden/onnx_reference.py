"""onnxruntime as the outside reference: one-node models of the quantized operators, run on its CPU provider.

Layouts follow ONNX (NCHW activations, OIHW weights); callers pass the golden model's NHWC/HWIO tensors (one
image, no batch axis) and get NHWC back. Depthwise weights are passed as [KH,KW,C] (one filter per channel).
Weights are int8 with zero point 0 (the ISA's symmetric weights); activations int8 with any zero point. The
elementwise and pooling operators take int8 or uint8 tensors as ONNX stores them (uint8 arrays, uint8 zero
points); the conversion to the accelerator's s8-minus-128 storage is the caller's.

Weights are graph inputs by default. `const_weights=True` makes them initializers instead, as in a real
quantized model: onnxruntime then pre-packs them and may take other kernels (qlinearconv.cc's symmetric-weight
prepack: `MlasConvSym` / `MlasConvSymDepthwise` with the requantisation fused into the kernel, or
`MlasSymmQgemm`; packed B for QLinearMatMul/QGemm). Both forms are cross-checked.
"""
from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

OPSET = 21
MS_DOMAIN = "com.microsoft"


def _session(node, inputs, outputs, inits, ms: bool = False) -> ort.InferenceSession:
    graph = helper.make_graph([node], "g", inputs, outputs, inits)
    opsets = [helper.make_opsetid("", OPSET)] + ([helper.make_opsetid(MS_DOMAIN, 1)] if ms else [])
    model = helper.make_model(graph, opset_imports=opsets)
    model.ir_version = 10
    onnx.checker.check_model(model)                 # (com.microsoft nodes are outside its schemas: not checked)
    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
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


# -- helpers for the operators below ---------------------------------------------------------------------
_ELEM_TYPES = {np.dtype(np.int8): TensorProto.INT8, np.dtype(np.uint8): TensorProto.UINT8,
               np.dtype(np.int32): TensorProto.INT32, np.dtype(np.float32): TensorProto.FLOAT}


def _elem_type(arr: np.ndarray) -> int:
    try:
        return _ELEM_TYPES[np.dtype(arr.dtype)]
    except KeyError:
        raise TypeError(f"expected an int8, uint8, int32 or float32 array, got {arr.dtype}") from None


def _const(name: str, value, dtype) -> onnx.TensorProto:
    return numpy_helper.from_array(np.asarray(value, dtype), name)


def _vinfo(name: str, arr_or_type, shape) -> onnx.ValueInfoProto:
    et = arr_or_type if isinstance(arr_or_type, int) else _elem_type(arr_or_type)
    return helper.make_tensor_value_info(name, et, list(shape))


def _per_channel(name_s: str, name_z: str, scales) -> list:
    """A 1-D float32 scale vector and the matching int8 zero-point vector of zeros."""
    s = np.asarray(scales, np.float32).reshape(-1)
    return [_const(name_s, s, np.float32), _const(name_z, np.zeros(s.size, np.int8), np.int8)]


def _weight(name: str, arr: np.ndarray, const: bool, ins: list, inits: list, feeds: dict) -> None:
    if const:
        inits.append(_const(name, arr, arr.dtype))
    else:
        ins.append(_vinfo(name, arr, arr.shape))
        feeds[name] = arr


# -- elementwise and pooling -----------------------------------------------------------------------------
def qlinear_add(a: np.ndarray, b: np.ndarray, sa, za, sb, zb, sc, zc) -> np.ndarray:
    """com.microsoft QLinearAdd of two same-shape int8 (or uint8) tensors; zero points in the same type."""
    if a.shape != b.shape or a.dtype != b.dtype:
        raise ValueError("qlinear_add: a and b must have one shape and one dtype")
    dt = a.dtype
    node = helper.make_node("QLinearAdd", ["a", "sa", "za", "b", "sb", "zb", "sc", "zc"], ["c"], domain=MS_DOMAIN)
    inits = [_const("sa", sa, np.float32), _const("za", za, dt), _const("sb", sb, np.float32),
             _const("zb", zb, dt), _const("sc", sc, np.float32), _const("zc", zc, dt)]
    sess = _session(node, [_vinfo("a", a, a.shape), _vinfo("b", b, b.shape)], [_vinfo("c", a, a.shape)], inits,
                    ms=True)
    return sess.run(None, {"a": a, "b": b})[0]


def maxpool(x: np.ndarray, kh: int, kw: int, strides=(1, 1), pads=(0, 0, 0, 0), ceil_mode: int = 0) -> np.ndarray:
    """MaxPool on x [H,W,C] int8/uint8; pads (top, left, bottom, right) -> [OH,OW,C]."""
    xn = np.ascontiguousarray(x.transpose(2, 0, 1)[None])
    node = helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[kh, kw], strides=list(strides),
                            pads=list(pads), ceil_mode=int(ceil_mode))
    sess = _session(node, [_vinfo("x", xn, xn.shape)], [_vinfo("y", xn, [1, x.shape[2], None, None])], [])
    return sess.run(None, {"x": xn})[0][0].transpose(1, 2, 0)


def qlinear_global_avgpool(x: np.ndarray, s_in, z_in, s_out, z_out) -> np.ndarray:
    """com.microsoft QLinearGlobalAveragePool (channels_last=0) on x [H,W,C] int8/uint8 -> [C]."""
    dt = x.dtype
    xn = np.ascontiguousarray(x.transpose(2, 0, 1)[None])
    node = helper.make_node("QLinearGlobalAveragePool", ["x", "sx", "zx", "sy", "zy"], ["y"], domain=MS_DOMAIN,
                            channels_last=0)
    inits = [_const("sx", s_in, np.float32), _const("zx", z_in, dt), _const("sy", s_out, np.float32),
             _const("zy", z_out, dt)]
    sess = _session(node, [_vinfo("x", xn, xn.shape)], [_vinfo("y", xn, [1, x.shape[2], 1, 1])], inits, ms=True)
    return sess.run(None, {"x": xn})[0].reshape(-1)


# -- per-channel matrix operators ------------------------------------------------------------------------
def _qconv(x: np.ndarray, wn: np.ndarray, bias, sa, za, sw_vec, sy, zy, strides, pads, group: int,
           const_weights: bool) -> np.ndarray:
    cout, _, kh, kw = wn.shape
    names = ["x", "sa", "za", "w", "sw", "zw", "sy", "zy"] + (["b"] if bias is not None else [])
    node = helper.make_node("QLinearConv", names, ["y"], kernel_shape=[kh, kw], strides=list(strides),
                            pads=list(pads), group=int(group))
    xn = np.ascontiguousarray(x.transpose(2, 0, 1)[None].astype(np.int8))
    inits = [_const("sa", sa, np.float32), _const("za", za, np.int8), *_per_channel("sw", "zw", sw_vec),
             _const("sy", sy, np.float32), _const("zy", zy, np.int8)]
    ins, feeds = [_vinfo("x", xn, xn.shape)], {"x": xn}
    _weight("w", np.ascontiguousarray(wn.astype(np.int8)), const_weights, ins, inits, feeds)
    if bias is not None:
        _weight("b", np.asarray(bias, np.int32).reshape(cout), const_weights, ins, inits, feeds)
    outs = [_vinfo("y", TensorProto.INT8, [1, cout, None, None])]
    sess = _session(node, ins, outs, inits)
    return sess.run(None, feeds)[0][0].transpose(1, 2, 0)


def qlinear_conv_pc(x: np.ndarray, w: np.ndarray, bias, sa, za, sw_vec, sy, zy, strides=(1, 1),
                    pads=(0, 0, 0, 0), const_weights: bool = False) -> np.ndarray:
    """QLinearConv, group 1, per-output-channel weight scales: x [H,W,Cin], w [KH,KW,Cin,Cout] (HWIO),
    sw_vec [Cout], pads (top, left, bottom, right) -> [OH,OW,Cout] int8."""
    return _qconv(x, w.transpose(3, 2, 0, 1), bias, sa, za, sw_vec, sy, zy, strides, pads, 1, const_weights)


def qlinear_conv_depthwise(x: np.ndarray, w: np.ndarray, bias, sa, za, sw_vec, sy, zy, strides=(1, 1),
                           pads=(0, 0, 0, 0), const_weights: bool = False) -> np.ndarray:
    """QLinearConv with group = C: x [H,W,C], w [KH,KW,C] (ONNX weight [C,1,KH,KW]), sw_vec [C] -> [OH,OW,C]."""
    c = x.shape[2]
    if w.shape[2] != c:
        raise ValueError(f"depthwise weights {w.shape} do not match {c} channels")
    return _qconv(x, w.transpose(2, 0, 1)[:, None], bias, sa, za, sw_vec, sy, zy, strides, pads, c, const_weights)


def qlinear_matmul_pc(a: np.ndarray, w: np.ndarray, sa, za, sw_vec, sy, zy, const_weights: bool = False) -> np.ndarray:
    """QLinearMatMul with per-column weight scales: a [M,K] int8, w [K,Nc] int8, sw_vec [Nc] -> [M,Nc] int8."""
    node = helper.make_node("QLinearMatMul", ["a", "sa", "za", "w", "sw", "zw", "sy", "zy"], ["y"])
    inits = [_const("sa", sa, np.float32), _const("za", za, np.int8), *_per_channel("sw", "zw", sw_vec),
             _const("sy", sy, np.float32), _const("zy", zy, np.int8)]
    a = a.astype(np.int8)
    ins, feeds = [_vinfo("a", a, a.shape)], {"a": a}
    _weight("w", np.ascontiguousarray(w.astype(np.int8)), const_weights, ins, inits, feeds)
    outs = [_vinfo("y", TensorProto.INT8, [a.shape[0], w.shape[1]])]
    sess = _session(node, ins, outs, inits)
    return sess.run(None, feeds)[0]


def qgemm(a: np.ndarray, w: np.ndarray, bias, sa, za, sw_vec, sy, zy, trans_b: bool = False,
          const_weights: bool = False) -> np.ndarray:
    """com.microsoft QGemm, alpha 1, per-column B scales: a [M,K] int8, w [K,Nc] int8 (passed to onnxruntime
    as B = w, or B = wᵀ with transB=1), bias C int32 [Nc] or None, sw_vec [Nc] -> [M,Nc] int8."""
    names = ["a", "sa", "za", "w", "sw", "zw", "b" if bias is not None else "", "sy", "zy"]
    node = helper.make_node("QGemm", names, ["y"], domain=MS_DOMAIN, alpha=1.0, transA=0, transB=int(trans_b))
    inits = [_const("sa", sa, np.float32), _const("za", za, np.int8), *_per_channel("sw", "zw", sw_vec),
             _const("sy", sy, np.float32), _const("zy", zy, np.int8)]
    a = a.astype(np.int8)
    bn = np.ascontiguousarray((w.T if trans_b else w).astype(np.int8))
    ins, feeds = [_vinfo("a", a, a.shape)], {"a": a}
    _weight("w", bn, const_weights, ins, inits, feeds)
    if bias is not None:
        _weight("b", np.asarray(bias, np.int32).reshape(w.shape[1]), const_weights, ins, inits, feeds)
    outs = [_vinfo("y", TensorProto.INT8, [a.shape[0], w.shape[1]])]
    sess = _session(node, ins, outs, inits, ms=True)
    return sess.run(None, feeds)[0]


def version() -> str:
    return ort.__version__
