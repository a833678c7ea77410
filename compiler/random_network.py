"""Constrained-random quantized networks (QOperator form, as quantize_static writes it), for checking the
compiler against onnxruntime: a QuantizeLinear, then a random sequence of the operators the accelerator runs
on random shapes, then a DequantizeLinear.

What is drawn, per network (all from one numpy seed, so `random_network(seed)` is reproducible):
- s8 or u8 activations (the whole network, as quantize_static does), input [1, C, H, W] with C 1..20, H, W 1..12;
- 1..6 body operators among: QLinearConv of any kernel up to 5x5 (per-axis strides 1..3, asymmetric pads below
  the kernel, per-tensor or per-channel weights, bias or none, sometimes grouped), depthwise QLinearConv, MaxPool (ceil mode
  sometimes), a residual QLinearAdd (a conv whose output is added to its input), a QLinearConcat of a 1x1
  and a 3x3 branch (and sometimes the input) as SqueezeNet's fire modules;
- sometimes a head: QLinearGlobalAveragePool or Flatten of the image, then QGemm (transB 0/1, bias or none) or
  QLinearMatMul;
- scales: each output's scale sized to the accumulator's spread (some outputs clamp), zero points mostly in
  the middle half of the type's range (as calibration puts them), one in five anywhere.
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from golden.qops import pool_output_size

OPSET = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]


class _Builder:
    def __init__(self, rng: np.random.Generator, u8: bool):
        self.r, self.u8 = rng, u8
        self.nodes, self.inits = [], []
        self.k = 0
        self.ops = []

    def name(self, base: str) -> str:
        self.k += 1
        return f"{base}{self.k}"

    def const(self, base: str, arr) -> str:
        n = self.name(base)
        self.inits.append(numpy_helper.from_array(np.asarray(arr), n))
        return n

    def qparams(self, scale: float) -> tuple[str, str, float, int]:
        # mostly inside the middle half of the range (as calibration puts them), now and then anywhere
        lo, hi = (0, 256) if self.u8 else (-128, 128)
        if self.r.random() < 0.8:
            lo, hi = lo + 64, hi - 64
        z = int(self.r.integers(lo, hi))
        s = np.float32(scale)
        return self.const("s", s), self.const("z", np.array(z, np.uint8 if self.u8 else np.int8)), float(s), z


def _out_scale(r, sx: float, sw: float, taps: int) -> float:
    """An output scale that holds the accumulator's spread, give or take (a few outputs clamp)."""
    spread = sx * sw * 64.0 * np.sqrt(taps) * 50.0
    return float(spread / 64.0 * r.uniform(0.5, 2.0))


def random_network(seed: int) -> tuple[onnx.ModelProto, np.ndarray, str]:
    """(model, an input batch of one image, a one-line description)."""
    r = np.random.default_rng(seed)
    u8 = bool(r.random() < 0.3)
    b = _Builder(r, u8)
    c, h, w = int(r.integers(1, 21)), int(r.integers(1, 13)), int(r.integers(1, 13))
    x_s, x_z, sx, zx = b.qparams(float(r.uniform(0.002, 0.05)))
    b.nodes.append(helper.make_node("QuantizeLinear", ["input", x_s, x_z], ["q0"]))
    cur = ("q0", x_s, x_z, sx, (c, h, w))
    for _ in range(int(r.integers(1, 7))):
        kind = r.choice(["conv", "conv", "depthwise", "maxpool", "residual", "concat"])
        nxt = getattr(_Ops, str(kind))(b, cur)
        if nxt is not None:
            cur = nxt
    head = r.choice(["none", "gap_gemm", "flatten_gemm", "matmul"])
    if head != "none":
        cur = _Ops.head(b, cur, str(head))
    b.nodes.append(helper.make_node("DequantizeLinear", [cur[0], cur[1], cur[2]], ["output"]))
    shape = cur[4]
    graph = helper.make_graph(b.nodes, f"random{seed}", [helper.make_tensor_value_info("input", TensorProto.FLOAT,
                                                                                        [1, c, h, w])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, *shape])], b.inits)
    model = helper.make_model(graph, opset_imports=OPSET)
    model.ir_version = 8
    x = r.uniform(-1.0, 1.0, (1, c, h, w)).astype(np.float32) * np.float32(sx * 128)
    what = f"seed {seed}: {'u8' if u8 else 's8'} input {[c, h, w]}: " + ", ".join(b.ops)
    return model, x, what


class _Ops:
    @staticmethod
    def _weights(b: _Builder, cout: int, cin: int, kh: int, kw: int):
        r = b.r
        wq = r.integers(-127, 128, (cout, cin, kh, kw)).astype(np.int8)
        per_channel = bool(r.random() < 0.7)
        sw = (r.uniform(0.002, 0.02, cout) if per_channel else np.array(r.uniform(0.002, 0.02))).astype(np.float32)
        return wq, sw, per_channel

    @staticmethod
    def conv(b: _Builder, cur, group_dw: bool = False, residual: bool = False, kernel=None):
        r = b.r
        name, s_n, z_n, sx, (c, h, w) = cur
        kh, kw = (1, 1) if residual and r.random() < 0.5 else (int(r.integers(1, min(5, h + 2) + 1)),
                                                               int(r.integers(1, min(5, w + 2) + 1)))
        if kernel is not None:
            kh, kw = kernel
        if residual:
            kh, kw = (kh | 1), (kw | 1)
        sy, sxx = (1, 1) if residual else (int(r.integers(1, 4)), int(r.integers(1, 4)))
        if residual:
            pads = [kh // 2, kw // 2, kh // 2, kw // 2]
        else:
            pads = [int(r.integers(0, kh)), int(r.integers(0, kw)), int(r.integers(0, kh)), int(r.integers(0, kw))]
        if h + pads[0] + pads[2] < kh or w + pads[1] + pads[3] < kw:
            return None
        cout = c if (group_dw or residual and kernel is None) else int(r.integers(1, 21))
        # now and then a grouped convolution (ResNeXt, ShuffleNet): groups dividing both channel counts
        groups = [g for g in range(2, c + 1) if c % g == 0 and cout % g == 0] if not (group_dw or residual) else []
        group = int(r.choice(groups)) if groups and r.random() < 0.25 else 1
        wq, sw, pc = _Ops._weights(b, cout, 1 if group_dw else c // group, kh, kw)
        ins = [name, s_n, z_n, b.const("w", wq), b.const("ws", sw),
               b.const("wz", np.zeros(sw.shape, np.int8))]
        sy_ = _out_scale(r, sx, float(np.mean(sw)), kh * kw * (1 if group_dw else c))
        ys, yz, fy, _ = b.qparams(sy_)
        ins += [ys, yz]
        if r.random() < 0.8:
            bias = r.integers(-500, 500, cout).astype(np.int32)
            ins.append(b.const("b", bias))
        out = b.name("conv")
        attrs = {"kernel_shape": [kh, kw], "strides": [sy, sxx], "pads": pads}
        if group_dw or group > 1:
            attrs["group"] = c if group_dw else group
        b.nodes.append(helper.make_node("QLinearConv", ins, [out], name=out, **attrs))
        oh, ow = (h + pads[0] + pads[2] - kh) // sy + 1, (w + pads[1] + pads[3] - kw) // sxx + 1
        b.ops.append(f"{'dw' if group_dw else ''}conv{kh}x{kw}/s{sy}{sxx}/p{''.join(map(str, pads))}->{cout}"
                     f"{'pc' if pc else ''}{f'/g{group}' if group > 1 else ''}")
        return out, ys, yz, fy, (cout, oh, ow)

    @staticmethod
    def depthwise(b: _Builder, cur):
        return _Ops.conv(b, cur, group_dw=True)

    @staticmethod
    def maxpool(b: _Builder, cur):
        r = b.r
        name, s_n, z_n, sx, (c, h, w) = cur
        kh, kw = int(r.integers(1, min(3, h) + 1)), int(r.integers(1, min(3, w) + 1))
        st = [int(r.integers(1, 3)), int(r.integers(1, 3))]
        pads = [int(r.integers(0, kh)), int(r.integers(0, kw)), int(r.integers(0, kh)), int(r.integers(0, kw))]
        ceil = int(r.random() < 0.3)
        oh = pool_output_size(h, kh, st[0], pads[0], pads[2], bool(ceil))
        ow = pool_output_size(w, kw, st[1], pads[1], pads[3], bool(ceil))
        # where onnxruntime drops a window that would start in the padding, onnx's shape inference does not:
        # such a pool's declared shape is not what runs, so it is not drawn
        if ceil and (oh, ow) != tuple(-(-(n + p0 + p1 - k) // s) + 1 for n, p0, p1, k, s in
                                      ((h, pads[0], pads[2], kh, st[0]), (w, pads[1], pads[3], kw, st[1]))):
            ceil = 0
            oh = pool_output_size(h, kh, st[0], pads[0], pads[2], False)
            ow = pool_output_size(w, kw, st[1], pads[1], pads[3], False)
        out = b.name("pool")
        b.nodes.append(helper.make_node("MaxPool", [name], [out], name=out, kernel_shape=[kh, kw], strides=st,
                                        pads=pads, ceil_mode=ceil))
        b.ops.append(f"maxpool{kh}x{kw}/s{st[0]}{st[1]}/p{''.join(map(str, pads))}{'/ceil' if ceil else ''}")
        return out, s_n, z_n, sx, (c, oh, ow)

    @staticmethod
    def residual(b: _Builder, cur):
        branch = _Ops.conv(b, cur, residual=True)
        if branch is None:
            return None
        r = b.r
        cs, cz, fc, _ = b.qparams(float(max(cur[3], branch[3]) * r.uniform(1.0, 2.5)))
        out = b.name("add")
        b.nodes.append(helper.make_node("QLinearAdd", [branch[0], branch[1], branch[2], cur[0], cur[1], cur[2], cs, cz],
                                        [out], name=out, domain="com.microsoft"))
        b.ops.append("add")
        return out, cs, cz, fc, cur[4]

    @staticmethod
    def concat(b: _Builder, cur):
        """A fire module's expand: a 1x1 and a 3x3 (pad 1) branch of the same input, concatenated on channels
        at a scale of its own (each branch re-quantised to it), and now and then the input itself as a third."""
        r = b.r
        one = _Ops.conv(b, cur, residual=True, kernel=(1, 1))
        three = _Ops.conv(b, cur, residual=True, kernel=(3, 3))
        if one is None or three is None:
            return None
        parts = [one, three] + ([cur] if r.random() < 0.3 else [])
        ys, yz, fy, _ = b.qparams(float(max(p[3] for p in parts) * r.uniform(0.7, 1.5)))
        out = b.name("cat")
        ins = [ys, yz] + [t for p in parts for t in p[:3]]
        b.nodes.append(helper.make_node("QLinearConcat", ins, [out], name=out, domain="com.microsoft", axis=1))
        b.ops.append(f"concat{len(parts)}")
        return out, ys, yz, fy, (sum(p[4][0] for p in parts), *cur[4][1:])

    @staticmethod
    def head(b: _Builder, cur, kind: str):
        r = b.r
        name, s_n, z_n, sx, (c, h, w) = cur
        if kind == "gap_gemm":
            gs, gz, fg, _ = b.qparams(float(sx * r.uniform(0.3, 1.0)))
            g = b.name("gap")
            b.nodes.append(helper.make_node("QLinearGlobalAveragePool", [name, s_n, z_n, gs, gz], [g], name=g,
                                            domain="com.microsoft", channels_last=0))
            name, s_n, z_n, sx, k = g, gs, gz, fg, c
            b.ops.append("gap")
        else:
            k = c * h * w
        f = b.name("flat")
        b.nodes.append(helper.make_node("Flatten", [name], [f], name=f, axis=1))
        b.ops.append("flatten")
        nout = int(r.integers(1, 21))
        wq, sw, pc = _Ops._weights(b, nout, k, 1, 1)
        wq = wq.reshape(nout, k)
        ys, yz, fy, _ = b.qparams(_out_scale(r, sx, float(np.mean(sw)), k))
        out = b.name("fc")
        if kind == "matmul":
            ins = [f, s_n, z_n, b.const("w", np.ascontiguousarray(wq.T)), b.const("ws", sw),
                   b.const("wz", np.zeros(sw.shape, np.int8)), ys, yz]
            b.nodes.append(helper.make_node("QLinearMatMul", ins, [out], name=out))
            b.ops.append(f"matmul{k}->{nout}")
        else:
            trans = int(r.random() < 0.7)
            ins = [f, s_n, z_n, b.const("w", wq if trans else np.ascontiguousarray(wq.T)), b.const("ws", sw),
                   b.const("wz", np.zeros(sw.shape, np.int8))]
            ins.append(b.const("b", r.integers(-3000, 3000, nout).astype(np.int32)) if r.random() < 0.8 else "")
            ins += [ys, yz]
            b.nodes.append(helper.make_node("QGemm", ins, [out], name=out, domain="com.microsoft", transB=trans))
            b.ops.append(f"gemm{k}->{nout}{'T' if trans else ''}")
        return out, ys, yz, fy, (nout,)
