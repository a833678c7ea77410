"""Each ONNX node the accelerator runs, turned into a Layer: the activation it produces and how to emit its
program once the DRAM plan has placed every activation. A node the compiler cannot place is refused here with
a CompileError naming the node, the tensor or attribute, and the constraint.

Weights are int8 and symmetric (zero point 0); uint8 weights with zero point 128 are the same numbers shifted
and are taken as such. Requantisation follows onnxruntime's scale arithmetic (golden/qops.py,
golden/qladd.py), so each layer's bytes are onnxruntime's."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from golden.cycle_model import CycleModel
from golden.isa import MachineConfig
from golden.operand_checks import OperandError
from golden.ops import MODEL_LATENCY, Requant, lower_conv2d, lower_gemm
from golden.placement import DramTensor, Placement
from golden.qladd import constants_from_scales
from golden.qops import (gap_multiplier, lookup_table, multipliers_from_scales, per_channel_requant,
                         pool_output_size, table_requantizer)
from golden.vector_lowering import (lower_channel_copy, lower_depthwise_conv, lower_global_avgpool, lower_maxpool,
                                    lower_qlinear_add)

from .activations import QAct
from .errors import CompileError
from .graph import Graph, attributes
from .patches import Patches


@dataclass
class Layer:
    node: object                      # the onnx NodeProto
    inputs: list[QAct]
    output: QAct
    macs: int = 0                     # multiply-accumulates of the whole batch
    alias: bool = False               # a layout move: the output is the input's bytes, no program
    emit: Callable | None = None      # (cfg, image, addr_of) -> list of Lowered, one per program segment

    @property
    def name(self) -> str:
        return self.node.name or self.node.output[0]


class Context:
    def __init__(self, graph: Graph, cfg: MachineConfig):
        self.graph, self.cfg = graph, cfg
        self.acts: dict[str, QAct] = {}
        self.host_input = ""          # the activation the host writes (compile_model sets it)

    def act(self, node, name: str) -> QAct:
        if name not in self.acts:
            raise CompileError(node, name, "is not a quantized activation the accelerator produced (a float "
                                           "tensor, or the output of a node that runs on the host)")
        return self.acts[name]

    def scale(self, node, name: str, what: str, per_channel: int | None = None) -> np.ndarray:
        v = self.graph.const(node, name, what)
        if v.dtype != np.float32:
            raise CompileError(node, what, f"'{name}' must be float32, got {v.dtype}")
        if v.size != 1 and (per_channel is None or v.shape != (per_channel,)):
            want = "a scalar" if per_channel is None else f"a scalar or one per output channel ({per_channel},)"
            raise CompileError(node, what, f"'{name}' must be {want}, got shape {v.shape}")
        if not np.all(np.isfinite(v)) or np.any(v <= 0):
            raise CompileError(node, what, f"'{name}' must be positive and finite, got {v.ravel()[:4]}")
        return v

    def zero_point(self, node, name: str, what: str) -> tuple[int, bool]:
        v = self.graph.const(node, name, what)
        if v.dtype not in (np.int8, np.uint8) or v.size != 1:
            raise CompileError(node, what, f"'{name}' must be an int8 or uint8 scalar, got {v.dtype} {v.shape}")
        return int(v.reshape(())), v.dtype == np.uint8

    def qparams(self, node, scale_name: str, zp_name: str, what: str) -> tuple[float, int, bool]:
        s = self.scale(node, scale_name, f"{what} scale")
        z, u8 = self.zero_point(node, zp_name, f"{what} zero point")
        return float(s.reshape(())), z, u8

    def input_act(self, node, name: str, scale_name: str, zp_name: str, what: str) -> QAct:
        """An activation operand and the quantisation its consumer declares for it (they must agree)."""
        a = self.act(node, name)
        s, z, u8 = self.qparams(node, scale_name, zp_name, what)
        if (np.float32(s) != np.float32(a.scale)) or z != a.zp or u8 != a.u8:
            raise CompileError(node, what, f"declared {'u8' if u8 else 's8'} scale {s:.6g} zp {z}, but '{name}' is "
                                           f"{a.describe()}")
        return a

    def weights(self, node, name: str, zp_name: str, channels_axis: int) -> np.ndarray:
        """int8 weights (uint8 ones with zero point 128 shifted to int8); symmetric, or refused."""
        w = self.graph.const(node, name, "weights")
        z = self.graph.const(node, zp_name, "weight zero point")
        if w.dtype == np.uint8 and z.dtype == np.uint8 and np.all(z == 128):
            return (w.astype(np.int16) - 128).astype(np.int8)
        if w.dtype != np.int8:
            raise CompileError(node, "weights", f"'{name}' is {w.dtype}: the accelerator takes int8 weights (or uint8 "
                                                f"with zero point 128)")
        if z.dtype != np.int8 or np.any(z != 0):
            raise CompileError(node, "weight zero point", f"'{zp_name}' is {z.ravel()[:4]}: the accelerator takes "
                                                          f"symmetric weights (zero point 0) only")
        if z.size not in (1, w.shape[channels_axis]):
            raise CompileError(node, "weight zero point", f"'{zp_name}' has {z.size} values for "
                                                          f"{w.shape[channels_axis]} channels")
        return w

    def out_act(self, node, shape: tuple, scale_name: str, zp_name: str) -> QAct:
        s, z, u8 = self.qparams(node, scale_name, zp_name, "output")
        return QAct(node.output[0], tuple(int(d) for d in shape), s, z, u8)


def _requant(node, sa: float, sw: np.ndarray, sy: float, out: QAct, channels: int):
    """Per tensor when the weight scale is one number, else per channel: onnxruntime's float32 scales."""
    try:
        if sw.size == 1:
            m, s = multipliers_from_scales(sa, sw.reshape(1), sy)
            return Requant(int(m[0]), int(s[0]), out.zp_stored)
        return per_channel_requant(sa, np.broadcast_to(sw, (channels,)), sy, out.zp_stored)
    except ValueError as e:
        raise CompileError(node, "scales", f"the requantisation scale s_x·s_w/s_y is not representable: {e}") from None


def _lowering_error(node, e: OperandError) -> CompileError:
    return CompileError(node, e.what, f"{e.constraint} (lowering {e.op})")


def _check_attrs(node, attrs: dict, allowed: dict):
    """Every attribute is known, and those with one supported value have it."""
    for k, v in attrs.items():
        if k not in allowed:
            raise CompileError(node, f"attribute {k}", f"= {v!r} is not supported")
        ok = allowed[k]
        if ok is not None and not ok(v):
            raise CompileError(node, f"attribute {k}", f"= {v!r} is not supported")


def _spatial(node, x: QAct, attrs: dict, kh: int, kw: int) -> tuple[tuple, tuple, tuple]:
    """(strides, pads (top, left, bottom, right), output (OH, OW)) of a conv or pool, auto_pad resolved."""
    _, h, w = x.shape
    sy, sx = (int(v) for v in attrs.get("strides", (1, 1)))
    if sy < 1 or sx < 1:
        raise CompileError(node, "attribute strides", f"{[sy, sx]} must be positive")
    auto = attrs.get("auto_pad", b"NOTSET")
    auto = auto.decode() if isinstance(auto, bytes) else auto
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        if "pads" in attrs:
            raise CompileError(node, "attribute pads", "given together with auto_pad")
        pads = []
        for size, k, s in ((h, kh, sy), (w, kw, sx)):
            out = -(-size // s)
            total = max(0, (out - 1) * s + k - size)
            head = total // 2 if auto == "SAME_UPPER" else total - total // 2
            pads.append((head, total - head))
        pt, pl, pb, pr = pads[0][0], pads[1][0], pads[0][1], pads[1][1]
    elif auto in ("NOTSET", "VALID"):
        p = attrs.get("pads", (0, 0, 0, 0)) if auto == "NOTSET" else (0, 0, 0, 0)
        if len(p) != 4:
            raise CompileError(node, "attribute pads", f"{list(p)} must have 4 values (2-D)")
        pt, pl, pb, pr = (int(v) for v in p)
    else:
        raise CompileError(node, "attribute auto_pad", f"{auto!r} is not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER")
    if min(pt, pl, pb, pr) < 0:
        raise CompileError(node, "attribute pads", f"{[pt, pl, pb, pr]} must be non-negative")
    if h + pt + pb < kh or w + pl + pr < kw:
        raise CompileError(node, "kernel", f"{kh}x{kw} is larger than the padded input {h + pt + pb}x{w + pl + pr}")
    oh, ow = (h + pt + pb - kh) // sy + 1, (w + pl + pr - kw) // sx + 1
    return (sy, sx), (pt, pl, pb, pr), (oh, ow)


def _as_2d(node, x: QAct, attrs: dict) -> dict:
    """A 1-D operator's attributes (kernel [k], strides [s], pads [b, e], dilations [d]) as the 2-D ones of its
    input placed as [C, 1, L]."""
    if not (x.onnx_shape is not None and len(x.onnx_shape) == 2):
        return attrs
    out = dict(attrs)
    for k in ("kernel_shape", "strides", "dilations"):
        if k in attrs:
            if len(attrs[k]) != 1:
                raise CompileError(node, f"attribute {k}", f"{list(attrs[k])} must have 1 value for a 1-D input")
            out[k] = [1, int(attrs[k][0])]
    if "pads" in attrs:
        if len(attrs["pads"]) != 2:
            raise CompileError(node, "attribute pads", f"{list(attrs['pads'])} must have 2 values for a 1-D input")
        out["pads"] = [0, int(attrs["pads"][0]), 0, int(attrs["pads"][1])]
    return out


def _image_input(node, x: QAct, what: str = "input"):
    if len(x.shape) != 3:
        raise CompileError(node, what, f"must be an image [N, C, H, W], got {[None, *x.shape]}")


def _per_image(ctx, layer_inputs, out: QAct, lower_one) -> Callable:
    """emit for an operator that runs image by image: lower_one(x_tensors, placement) per image of the batch."""
    def emit(cfg, image, addr_of):
        progs = []
        for b in range(ctx.graph.batch):
            xs = [a.at(addr_of[a.buffer], b) for a in layer_inputs]
            progs.append(lower_one(xs, Placement(image, addr_of[out.buffer] + b * out.nbytes)))
        return progs
    return emit


def _guarded(node, fn):
    """A lowering's own checks (shapes and the ISA's limits), reported as the node's."""
    def run(*a, **k):
        try:
            return fn(*a, **k)
        except OperandError as e:
            raise _lowering_error(node, e) from None
    return run


# -- operators ---------------------------------------------------------------------------------------------
def qlinear_conv(ctx: Context, node) -> Layer:
    ins = list(node.input) + [""] * (9 - len(node.input))
    x = ctx.input_act(node, ins[0], ins[1], ins[2], "input")
    _image_input(node, x)
    _check_attrs(node, attributes(node), {"kernel_shape": None, "pads": None, "strides": None, "group": None,
                                          "auto_pad": None, "dilations": lambda d: all(v == 1 for v in d)})
    attrs = _as_2d(node, x, attributes(node))
    w = ctx.weights(node, ins[3], ins[5], 0)
    if w.ndim == 3 and x.onnx_shape is not None:        # Conv1d: [Cout, Cin/group, K] as [Cout, Cin/group, 1, K]
        w = w[:, :, None, :]
    if w.ndim != 4:
        raise CompileError(node, "weights", f"'{ins[3]}' must be 4-D [Cout, Cin/group, KH, KW], got {w.shape}")
    cout, cin_g, kh, kw = w.shape
    if "kernel_shape" in attrs and tuple(attrs["kernel_shape"]) != (kh, kw):
        raise CompileError(node, "attribute kernel_shape", f"{list(attrs['kernel_shape'])} differs from the weights' "
                                                           f"{[kh, kw]}")
    c, h, wd = x.shape
    group = int(attrs.get("group", 1))
    if group < 1 or c % group or cin_g * group != c or cout % group:
        raise CompileError(node, "attribute group", f"{group} does not divide input channels {c} / weights {w.shape}")
    depthwise = group > 1 and group == c == cout
    if group > 1 and not depthwise:
        # the vector unit runs group = C; any other grouping goes on the array as a group-1 convolution whose
        # weights are block-diagonal (zero between groups: the same accumulators, group times the MACs)
        full = np.zeros((cout, c, kh, kw), np.int8)
        per_out = cout // group
        for gi in range(group):
            full[gi * per_out:(gi + 1) * per_out, gi * cin_g:(gi + 1) * cin_g] = w[gi * per_out:(gi + 1) * per_out]
        w, cin_g = full, c
    sw = ctx.scale(node, ins[4], "weight scale", cout)
    bias = None
    if ins[8]:
        bias = ctx.graph.const(node, ins[8], "bias")
        if bias.dtype != np.int32 or bias.shape != (cout,):
            raise CompileError(node, "bias", f"'{ins[8]}' must be int32 ({cout},), got {bias.dtype} {bias.shape}")
    strides, pads, (oh, ow) = _spatial(node, x, attrs, kh, kw)
    q = ctx.out_act(node, (cout, oh, ow), ins[6], ins[7])
    out = x.like(q.name, q.shape, q.scale, q.zp, q.u8)
    rq = _requant(node, x.scale, sw, out.scale, out, cout)
    za = x.zp_stored
    if depthwise:
        wl = np.ascontiguousarray(w[:, 0].transpose(1, 2, 0))              # [KH, KW, C]

        def one(xs, at):
            return lower_depthwise_conv(ctx.cfg, xs[0], wl, bias, za, rq, strides, pads, at=at)
        macs = oh * ow * c * kh * kw
    else:
        wl = np.ascontiguousarray(w.transpose(2, 3, 1, 0))                 # HWIO
        macs = oh * ow * cout * c * kh * kw // group          # the model's MACs (a grouped conv runs group times more)
        pt = _input_patches(ctx, node, x, wl, bias, za, rq, strides, pads, (oh, ow))
        if pt is not None:
            return _patches_layer(ctx, node, x, out, pt, pt.weights(wl), bias, za, rq, macs * ctx.graph.batch)

        def one(xs, at):
            return lower_conv2d(ctx.cfg, xs[0], wl, bias, za, rq, strides, pads, at=at)
    return Layer(node, [x], out, macs * ctx.graph.batch, emit=_per_image(ctx, [x], out, _guarded(node, one)))


# The convolution's MAC cycles (pixels x taps x channel chunks x output chunks) above which the patch layout is
# taken without timing both lowerings with the cycle model
PATCHES_TIMED_LIMIT = 100_000


def _input_patches(ctx, node, x: QAct, wl, bias, za, rq, strides, pads, out_hw) -> Patches | None:
    """The patch layout for a convolution that is the network input's only reader, when its chunks of lanes
    are fewer that way (C < N) and the cycle model times the GEMM on them faster than the convolution (both
    lowered here on data of the right shapes: the timing does not depend on the values); a large layer, whose
    MATMULs hide its loads, takes the fewer chunks untimed."""
    n = ctx.cfg.n
    kh, kw, c, _ = wl.shape
    if x.name != ctx.host_input or len(ctx.graph.consumers.get(x.name, [])) != 1 or c >= n:
        return None
    pt = Patches(kh, kw, tuple(strides), tuple(pads), out_hw[0], out_hw[1], c, -(-kh * kw * c // n) * n)
    if pt.kp // n >= kh * kw * -(-c // n):
        return None
    if out_hw[0] * out_hw[1] * kh * kw * -(-c // n) * -(-wl.shape[3] // n) > PATCHES_TIMED_LIMIT:
        return pt                     # MAC-bound at this size: fewer chunks are fewer cycles (untimed, as lowering
                                      # and timing the convolution would cost seconds of compile)
    cfg = MachineConfig(n, ctx.cfg.sp_rows, ctx.cfg.acc_rows, 1 << 32)    # timing only: DRAM is checked later
    try:
        conv = lower_conv2d(cfg, np.zeros(x.stored_shape, np.int8), wl, bias, za, rq, strides, pads)
        gemm = lower_gemm(cfg, np.zeros(pt.shape, np.int8), pt.weights(wl), bias, za, rq)
    except OperandError:
        return None                   # the convolution's own lowering reports what does not fit
    model = CycleModel(cfg, MODEL_LATENCY)
    return pt if model.run(gemm.prog).cycles < model.run(conv.prog).cycles else None


def _patches_layer(ctx, node, x: QAct, out: QAct, pt: Patches, w, bias, za, rq, macs: int) -> Layer:
    """The convolution as one GEMM over the batch's patch matrices (the host laid the input out so): its
    [B·OH·OW, Cout] result is the output images channels-last, back to back."""
    x.patches = pt
    low = _guarded(node, lower_gemm)

    def emit(cfg, image, addr_of):
        a = DramTensor(addr_of[x.buffer], (ctx.graph.batch * pt.shape[0], pt.kp))
        return [low(cfg, a, w, bias, za, rq, at=Placement(image, addr_of[out.buffer]))]
    return Layer(node, [x], out, macs, emit=emit)


def _matrix_input(node, a: QAct, batch: int) -> tuple[int, int, bool]:
    """(M, K, batch folded into M) of a matrix operand: [K] per image (M = batch) or [M, K] per image."""
    if len(a.shape) == 1:
        return batch, a.shape[0], True
    if len(a.shape) == 2:
        return a.shape[0], a.shape[1], False
    raise CompileError(node, "A", f"must be [N, K] or [N, M, K], got {[None, *a.shape]} (flatten it first)")


def _gemm_layer(ctx, node, a: QAct, w: np.ndarray, bias, sw: np.ndarray, out_scale: str, out_zp: str) -> Layer:
    m, k, folded = _matrix_input(node, a, ctx.graph.batch)
    if w.shape[0] != k:
        raise CompileError(node, "B", f"has K={w.shape[0]}, A has K={k}")
    nc = w.shape[1]
    if a.perm is not None and (not folded and m > 1 or len(a.perm) != k):
        raise CompileError(node, "A", f"{[None, *a.shape]} is a channels-last image reshaped into rows: its bytes "
                                      f"would have to move")
    if a.perm is not None:          # A is a flattened channels-last tensor: its element k is stored at perm[k]
        wp = np.empty_like(w)
        wp[a.perm] = w
        w = wp
    shape = (nc,) if folded else (m, nc)
    out = ctx.out_act(node, shape, out_scale, out_zp)
    rq = _requant(node, a.scale, sw, out.scale, out, nc)
    za = a.zp_stored
    low = _guarded(node, lower_gemm)

    def emit(cfg, image, addr_of):
        if folded:                  # the whole batch is the M of one GEMM
            at = Placement(image, addr_of[out.buffer])
            return [low(cfg, DramTensor(addr_of[a.buffer], (m, k)), w, bias, za, rq, at=at)]
        return [low(cfg, a.at(addr_of[a.buffer], b), w, bias, za, rq,
                    at=Placement(image, addr_of[out.buffer] + b * out.nbytes)) for b in range(ctx.graph.batch)]
    macs = m * k * nc * (1 if folded else ctx.graph.batch)
    return Layer(node, [a], out, macs, emit=emit)


def qlinear_matmul(ctx: Context, node) -> Layer:
    ins = list(node.input)
    a = ctx.input_act(node, ins[0], ins[1], ins[2], "A")
    w = ctx.weights(node, ins[3], ins[5], 1)
    if w.ndim != 2:
        raise CompileError(node, "B", f"'{ins[3]}' must be a 2-D constant [K, N], got {w.shape}")
    sw = ctx.scale(node, ins[4], "B scale", w.shape[1])
    return _gemm_layer(ctx, node, a, w, None, sw, ins[6], ins[7])


def qgemm(ctx: Context, node) -> Layer:
    ins = list(node.input) + [""] * (9 - len(node.input))
    attrs = attributes(node)
    _check_attrs(node, attrs, {"transA": lambda v: v == 0, "transB": None, "alpha": lambda v: v == 1.0,
                               "beta": lambda v: v == 1.0})
    if not ins[7]:
        raise CompileError(node, "y_scale", "is absent, so the output is float: the accelerator writes quantized "
                                            "outputs (put a DequantizeLinear after it)")
    a = ctx.input_act(node, ins[0], ins[1], ins[2], "A")
    w = ctx.weights(node, ins[3], ins[5], 0 if attrs.get("transB", 0) else 1)
    if w.ndim != 2:
        raise CompileError(node, "B", f"'{ins[3]}' must be a 2-D constant, got {w.shape}")
    if attrs.get("transB", 0):
        w = np.ascontiguousarray(w.T)
    sw = ctx.scale(node, ins[4], "B scale", w.shape[1])
    bias = None
    if ins[6]:
        bias = ctx.graph.const(node, ins[6], "C")
        if bias.dtype != np.int32 or bias.size != w.shape[1]:
            raise CompileError(node, "C", f"'{ins[6]}' must be int32 with one value per output ({w.shape[1]}), got "
                                          f"{bias.dtype} {bias.shape}")
        bias = bias.reshape(-1)
    return _gemm_layer(ctx, node, a, w, bias, sw, ins[7], ins[8])


def qlinear_add(ctx: Context, node) -> Layer:
    ins = list(node.input)
    a = ctx.input_act(node, ins[0], ins[1], ins[2], "A")
    b = ctx.input_act(node, ins[3], ins[4], ins[5], "B")
    if a.onnx != b.onnx:
        raise CompileError(node, "B", f"shape {list(b.onnx)} differs from A's {list(a.onnx)}: broadcasting is not "
                                      f"supported")
    if a.u8 != b.u8 or (a.perm is None) != (b.perm is None) or (a.perm is not None and not np.array_equal(a.perm, b.perm)):
        raise CompileError(node, "B", "is stored differently from A (signedness or layout)")
    out = ctx.out_act(node, a.shape, ins[6], ins[7])
    if out.u8 != a.u8:
        raise CompileError(node, "output", "must have the inputs' signedness (VADD's u8 flag covers all three)")
    out.perm, out.onnx_shape = a.perm, a.onnx_shape
    try:
        ra, rb, fixed = constants_from_scales(a.scale, a.zp, b.scale, b.zp, out.scale, out.zp)
    except ValueError as e:
        raise CompileError(node, "scales", str(e)) from None

    def one(xs, at):
        return lower_qlinear_add(ctx.cfg, xs[0], xs[1], ra, rb, fixed, u8=a.u8, at=at)
    return Layer(node, [a, b], out, emit=_per_image(ctx, [a, b], out, _guarded(node, one)))


def maxpool(ctx: Context, node) -> Layer:
    if len(node.output) > 1 and node.output[1]:
        raise CompileError(node, "output Indices", "is not supported")
    x = ctx.act(node, node.input[0])
    _image_input(node, x)
    _check_attrs(node, attributes(node), {"kernel_shape": None, "pads": None, "strides": None, "auto_pad": None,
                                          "ceil_mode": None, "dilations": lambda d: all(v == 1 for v in d),
                                          "storage_order": lambda v: v == 0})
    attrs = _as_2d(node, x, attributes(node))
    kh, kw = (int(v) for v in attrs["kernel_shape"])
    strides, pads, (oh, ow) = _spatial(node, x, attrs, kh, kw)
    pt, pl, pb, pr = pads
    if attrs.get("ceil_mode", 0):     # onnxruntime's ceil-mode sizes: the lowering pads (-128) as far as they reach
        _, h, w = x.shape
        oh = pool_output_size(h, kh, strides[0], pt, pb, True)
        ow = pool_output_size(w, kw, strides[1], pl, pr, True)
        pb, pr = max(pb, (oh - 1) * strides[0] + kh - h - pt), max(pr, (ow - 1) * strides[1] + kw - w - pl)
    out = x.like(node.output[0], (x.shape[0], oh, ow), x.scale, x.zp, x.u8)

    def one(xs, at):
        return lower_maxpool(ctx.cfg, xs[0], (kh, kw), strides, (pt, pl, pb, pr), at=at)
    return Layer(node, [x], out, emit=_per_image(ctx, [x], out, _guarded(node, one)))


def qlinear_global_avgpool(ctx: Context, node) -> Layer:
    ins = list(node.input)
    attrs = attributes(node)
    _check_attrs(node, attrs, {"channels_last": lambda v: v == 0})
    x = ctx.input_act(node, ins[0], ins[1], ins[2], "X")
    _image_input(node, x, "X")
    c, h, w = x.shape
    q = ctx.out_act(node, (c, 1, 1), ins[3], ins[4])
    out = x.like(q.name, q.shape, q.scale, q.zp, q.u8)
    if out.u8 != x.u8:
        raise CompileError(node, "output", "must have the input's signedness")
    try:
        m, s = gap_multiplier(x.scale, out.scale, h * w)
    except ValueError as e:
        raise CompileError(node, "scales", str(e)) from None
    rq = Requant(m, s, out.zp_stored)

    def one(xs, at):
        return lower_global_avgpool(ctx.cfg, xs[0], x.zp_stored, rq, at=at)
    return Layer(node, [x], out, emit=_per_image(ctx, [x], out, _guarded(node, one)))


def qlinear_concat(ctx: Context, node) -> Layer:
    """Along channels: each input is copied into its channel slice of the output, re-quantised to the output's
    scale as onnxruntime's lookup table does (the requantiser's multiplier is chosen to give that table on all
    256 inputs, or the node is refused)."""
    ins = list(node.input)
    attrs = attributes(node)
    _check_attrs(node, attrs, {"axis": lambda v: v in (1, -3)})
    if len(ins) < 8 or (len(ins) - 2) % 3:
        raise CompileError(node, "inputs", "must be Y_scale, Y_zero_point, then (tensor, scale, zero point) triples")
    sy, zy, u8 = ctx.qparams(node, ins[0], ins[1], "output")
    parts = [ctx.input_act(node, ins[k], ins[k + 1], ins[k + 2], f"input {(k - 2) // 3}") for k in range(2, len(ins), 3)]
    for a in parts:
        _image_input(node, a, a.name)
        if a.shape[1:] != parts[0].shape[1:] or a.u8 != u8 or (a.onnx_shape is None) != (parts[0].onnx_shape is None):
            raise CompileError(node, a.name, f"{a.describe()} does not match the first input's H, W and signedness")
    c_total = sum(a.shape[0] for a in parts)
    out = parts[0].like(node.output[0], (c_total, *parts[0].shape[1:]), sy, zy, u8)
    copies, off = [], 0
    for a in parts:
        table = lookup_table(a.scale, a.zp, sy, zy, u8)
        try:
            found = table_requantizer(table, a.zp_stored, out.zp_stored, a.scale, sy)
        except ValueError:          # the scale ratio has no (multiplier, shift) at all
            found = None
        if found is None:
            raise CompileError(node, a.name, f"no requantiser multiplier reproduces onnxruntime's table from scale "
                                             f"{a.scale:.6g} to {sy:.6g}")
        copies.append((a, Requant(found[0], found[1], out.zp_stored), off))
        off += a.shape[0]

    def emit(cfg, image, addr_of):
        progs = []
        for b in range(ctx.graph.batch):
            for a, rq, c0 in copies:
                at = Placement(image, addr_of[out.buffer] + b * out.nbytes)
                progs.append(_guarded(node, lower_channel_copy)(cfg, a.at(addr_of[a.buffer], b), a.zp_stored, rq,
                                                               c_total, c0, at=at))
        return progs
    return Layer(node, parts, out, emit=emit)


# -- layout moves ------------------------------------------------------------------------------------------
def _flat_perm(x: QAct) -> np.ndarray | None:
    """Where ONNX's flat element k of x lies in its storage, or None when they agree."""
    if len(x.shape) == 3:
        c, h, w = x.shape
        if c == 1 or h * w == 1:
            return x.perm
        stored = np.arange(c * h * w).reshape(h, w, c).transpose(2, 0, 1).reshape(-1)   # ONNX k -> stored offset
        return stored if x.perm is None else x.perm[stored]
    return x.perm


def _moved(node, x: QAct, shape: tuple) -> Layer:
    """A layout move that moves no bytes: the output aliases x's buffer, or the node is refused."""
    shape = tuple(int(d) for d in shape)
    if int(np.prod(shape)) != x.nbytes:
        raise CompileError(node, "shape", f"{list(shape)} does not hold the {x.nbytes} elements of {list(x.onnx)}")
    if shape == x.onnx:                       # nothing changes
        return Layer(node, [x], QAct(node.output[0], x.shape, x.scale, x.zp, x.u8, perm=x.perm,
                                     onnx_shape=x.onnx_shape), alias=True)
    perm = _flat_perm(x)
    image = len(shape) == 3 and not (shape[0] == 1 or shape[1] * shape[2] == 1)
    # an image is stored channels-last, anything else in ONNX order (a flat one with `perm`); a move between
    # the two, or a permuted tensor seen as rows of a matrix, would need its bytes moved
    if image or (perm is not None and (len(shape) == 3 or int(np.prod(shape[:-1])) > 1)):
        raise CompileError(node, "shape", f"{list(x.onnx)} -> {list(shape)} would move bytes of the channels-last "
                                          f"layout: only reshapes that flatten (or keep the bytes in place) are "
                                          f"supported")
    return Layer(node, [x], QAct(node.output[0], shape, x.scale, x.zp, x.u8,
                                 perm=perm if len(shape) != 3 else None), alias=True)


def flatten(ctx: Context, node) -> Layer:
    attrs = attributes(node)
    _check_attrs(node, attrs, {"axis": lambda v: v == 1})
    x = ctx.act(node, node.input[0])
    return _moved(node, x, (x.nbytes,))


def _reshape_target(ctx: Context, node, x: QAct) -> tuple:
    """Reshape's output shape (batch first) from its constant shape input: 0 keeps the input's dimension,
    -1 takes what is left (computed here: shape inference cannot see through com.microsoft nodes)."""
    full = (ctx.graph.batch, *x.onnx)
    want = [int(v) for v in ctx.graph.const(node, node.input[1], "shape").reshape(-1)]
    out = [full[k] if v == 0 and k < len(full) else v for k, v in enumerate(want)]
    if out.count(-1) > 1 or any(v < -1 for v in out):
        raise CompileError(node, "shape", f"{want} is not a valid Reshape target")
    if -1 in out:
        known = int(np.prod([v for v in out if v != -1]))
        if known == 0 or int(np.prod(full)) % known:
            raise CompileError(node, "shape", f"{want} does not divide the {int(np.prod(full))} elements of {list(full)}")
        out[out.index(-1)] = int(np.prod(full)) // known
    return tuple(out)


def reshape(ctx: Context, node) -> Layer:
    attrs = attributes(node)
    _check_attrs(node, attrs, {"allowzero": lambda v: v == 0})
    x = ctx.act(node, node.input[0])
    shape = _reshape_target(ctx, node, x)
    if shape[0] != ctx.graph.batch:
        raise CompileError(node, "shape", f"{list(shape)} changes the batch dimension ({ctx.graph.batch})")
    return _moved(node, x, shape[1:])


def squeeze_like(ctx: Context, node) -> Layer:
    """Squeeze / Unsqueeze, axes from the attribute (opset < 13) or the constant second input."""
    x = ctx.act(node, node.input[0])
    full = [ctx.graph.batch, *x.onnx]
    a = attributes(node).get("axes")
    if a is None and len(node.input) > 1 and node.input[1]:
        a = ctx.graph.const(node, node.input[1], "axes").reshape(-1)
    if node.op_type == "Squeeze":
        axes = {int(v) % len(full) for v in a} if a is not None else {k for k, d in enumerate(full) if d == 1}
        if any(full[k] != 1 for k in axes):
            raise CompileError(node, "axes", f"{sorted(axes)} name dimensions of {full} that are not 1")
        shape = [d for k, d in enumerate(full) if k not in axes]
    else:
        if a is None:
            raise CompileError(node, "axes", "are required")
        rank = len(full) + len(a)
        axes = sorted(int(v) % rank for v in a)
        shape = list(full)
        for k in axes:
            shape.insert(k, 1)
    if not shape or shape[0] != ctx.graph.batch:
        raise CompileError(node, "axes", f"output {shape} changes the batch dimension")
    return _moved(node, x, tuple(shape[1:]))


def transpose(ctx: Context, node) -> Layer:
    x = ctx.act(node, node.input[0])
    full = (ctx.graph.batch, *x.onnx)
    perm = [int(p) for p in attributes(node).get("perm", range(len(full) - 1, -1, -1))]
    if sorted(perm) != list(range(len(full))):
        raise CompileError(node, "attribute perm", f"{perm} is not a permutation of {len(full)} axes")
    big = [p for p in perm if full[p] != 1]
    if perm[0] != 0 or big != sorted(big):
        raise CompileError(node, "attribute perm", f"{perm} on {list(full)} moves bytes: the compiler takes only "
                                                   f"transposes that move size-1 dimensions (layout moves)")
    return _moved(node, x, tuple(full[p] for p in perm[1:]))


HANDLERS = {
    ("", "QLinearConv"): qlinear_conv,
    ("", "QLinearMatMul"): qlinear_matmul,
    ("com.microsoft", "QGemm"): qgemm,
    ("com.microsoft", "QLinearAdd"): qlinear_add,
    ("", "MaxPool"): maxpool,
    ("com.microsoft", "QLinearGlobalAveragePool"): qlinear_global_avgpool,
    ("com.microsoft", "QLinearConcat"): qlinear_concat,
    ("", "Flatten"): flatten,
    ("", "Reshape"): reshape,
    ("", "Squeeze"): squeeze_like,
    ("", "Unsqueeze"): squeeze_like,
    ("", "Transpose"): transpose,
}
