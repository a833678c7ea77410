"""Integer-only reference operators for the rest of a quantized ONNX network, bit-exact with onnxruntime's x86
CPU provider: MaxPool, QLinearGlobalAveragePool, QLinearAdd, and QLinearConv / QLinearMatMul / QGemm with
per-output-channel weight scales (group 1 and depthwise group = C).

No floating point touches a result. float32 appears only in the host-side parameter derivation
(`multipliers_from_scales`, `gap_multiplier`, and golden/qladd.py `constants_from_scales`), which turns tensor
scales into the integer multiplier/shift pairs (or QLinearAdd's constants) exactly as onnxruntime forms its
float32 scales; everything after that is golden/requant.py's four integer steps.

Layouts are the golden model's: activations [H,W,C] (one image), conv weights [KH,KW,Cin,Cout] (HWIO),
depthwise weights [KH,KW,C], matrices [M,K] @ [K,Nc]. Pads are (top, left, bottom, right) as in ONNX's
`pads = [h_begin, w_begin, h_end, w_end]`; strides are (sy, sx).

u8 tensors: the accelerator stores a uint8 tensor as int8 with 128 subtracted, zero point too (`u8_to_s8`).
Max, the accumulators (Σ(x − z) is unchanged by the shift) and the requantiser's clamp commute with that
shift, so `maxpool`, `global_avgpool` and the conv/matmul references run unchanged on the shifted values and
return the shifted result. QLinearAdd's float arithmetic does not commute with it: `qlinear_add(..., u8=True)`
takes the shifted tensors and the *unshifted* (ONNX uint8) zero points, as VADD's u8 flag does.
"""
from __future__ import annotations

import numpy as np

from .ops import RequantPerChannel, conv2d_acc, gemm_acc
from .qladd import constants_from_scales, qladd
from .requant import decompose_float32, requantize_lanes

INT8_MIN = -128


# -- u8 <-> the accelerator's s8 storage -------------------------------------------------------------------
def u8_to_s8(x) -> np.ndarray:
    """uint8 values (array or zero point) -> the int8 the accelerator stores: x - 128."""
    x = np.asarray(x)
    if x.dtype == np.uint8:
        return (x ^ np.uint8(0x80)).view(np.int8)
    if np.any((x < 0) | (x > 255)):
        raise ValueError("u8_to_s8: values outside 0..255")
    return (x.astype(np.int16) - 128).astype(np.int8)


def s8_to_u8(x) -> np.ndarray:
    """The accelerator's int8 storage -> the uint8 value the model means: x + 128."""
    x = np.asarray(x)
    if x.dtype == np.int8:
        return x.view(np.uint8) ^ np.uint8(0x80)
    if np.any((x < -128) | (x > 127)):
        raise ValueError("s8_to_u8: values outside -128..127")
    return (x.astype(np.int16) + 128).astype(np.uint8)


def _wrap_i32(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, np.int64)
    return ((v + (1 << 31)) % (1 << 32) - (1 << 31)).astype(np.int32)


# -- MaxPool -----------------------------------------------------------------------------------------------
def pool_output_size(size: int, k: int, stride: int, pad_head: int, pad_tail: int, ceil_mode: bool = False) -> int:
    """onnxruntime's (and ONNX's) pooling output length, dilation 1. With ceil_mode a last window that would
    start inside the trailing padding is dropped (onnxruntime 1.32 does; so does PyTorch)."""
    span = size + pad_head + pad_tail - k
    if span < 0:
        raise ValueError(f"pool window {k} larger than padded input {size + pad_head + pad_tail}")
    out = (span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad_head:
        out -= 1
    return out


def maxpool(x_hwc, kh: int, kw: int, sy: int = 1, sx: int = 1, pads=(0, 0, 0, 0),
            ceil_mode: bool = False) -> np.ndarray:
    """MaxPool of int8 x [H,W,C] -> [OH,OW,C]. Padding never wins: it is -128, and every window onnxruntime
    keeps holds at least one real element (pads < kernel, windows starting in the padding are dropped)."""
    x = np.asarray(x_hwc, np.int8)
    top, left, bottom, right = (int(p) for p in pads)
    if not (0 <= top < kh and 0 <= bottom < kh and 0 <= left < kw and 0 <= right < kw):
        raise ValueError(f"pads {pads} must be non-negative and smaller than the kernel {kh}x{kw}")
    h, w, _ = x.shape
    oh = pool_output_size(h, kh, sy, top, bottom, ceil_mode)
    ow = pool_output_size(w, kw, sx, left, right, ceil_mode)
    # Pad far enough for every kept window (ceil mode may reach past the declared trailing pad).
    need_b = max(0, (oh - 1) * sy + kh - (h + top))
    need_r = max(0, (ow - 1) * sx + kw - (w + left))
    xp = np.pad(x, ((top, need_b), (left, need_r), (0, 0)), constant_values=INT8_MIN)
    win = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(0, 1))
    return win[: (oh - 1) * sy + 1: sy, : (ow - 1) * sx + 1: sx].max(axis=(-2, -1)).astype(np.int8)


# -- QLinearGlobalAveragePool ------------------------------------------------------------------------------
GAP_SCALE_RANGE = (2.0 ** -32, 256.0)     # mlas CheckQLinearGlobalAveragePoolScaleAndSize
GAP_MAX_IMAGE = 1 << 24


def gap_multiplier(s_in, s_out, hw: int) -> tuple[int, int]:
    """(multiplier, shift) with multiplier·2^-shift == onnxruntime's float32 scale
    `ScaleInput / (ScaleOutput * (float)ImageSize)` (mlas qlgavgpool.cpp): the product s_out·HW rounds to
    float32 first, then the quotient. onnxruntime rejects HW >= 2^24 and scales outside [2^-32, 256);
    so does this (the shift is then 16..55)."""
    if not 0 < hw < GAP_MAX_IMAGE:
        raise ValueError(f"QLinearGlobalAveragePool image size {hw} outside 1..2^24-1")
    f = np.float32
    scale = f(f(s_in) / f(f(s_out) * f(hw)))
    if not GAP_SCALE_RANGE[0] <= float(scale) < GAP_SCALE_RANGE[1]:
        raise ValueError(f"QLinearGlobalAveragePool scale {float(scale)!r} outside [2^-32, 256)")
    return decompose_float32(scale)


def gap_acc(x_hwc, z_in: int) -> np.ndarray:
    """int32 accumulators Σx − z_in·H·W per channel (wrapping as onnxruntime's int32 arithmetic does)."""
    x = np.asarray(x_hwc)
    h, w, _ = x.shape
    return _wrap_i32(x.sum(axis=(0, 1), dtype=np.int64) - int(z_in) * h * w)


def global_avgpool(x_hwc, s_in, z_in: int, s_out, z_out: int) -> np.ndarray:
    """QLinearGlobalAveragePool (NCHW semantics) of int8 x [H,W,C] -> [C] int8."""
    h, w, _ = np.shape(x_hwc)
    m, s = gap_multiplier(s_in, s_out, h * w)
    return requantize_lanes(gap_acc(x_hwc, z_in), m, s, z_out)


# -- per-channel requantisation ----------------------------------------------------------------------------
def multipliers_from_scales(s_a, s_w, s_y) -> tuple[np.ndarray, np.ndarray]:
    """Per-output-channel (multipliers, shifts) with mults[c]·2^-shifts[c] == float32(float32(s_a·s_w[c]) / s_y),
    the float32 `output_scales[c]` of onnxruntime's QLinearConv / QLinearMatMul / QGemm (alpha = 1). Host side."""
    f = np.float32
    pairs = [decompose_float32(f(f(f(s_a) * f(sw)) / f(s_y))) for sw in np.asarray(s_w, np.float32).reshape(-1)]
    mults = np.array([p[0] for p in pairs], np.int64)
    shifts = np.array([p[1] for p in pairs], np.int64)
    return mults, shifts


def per_channel_requant(s_a, s_w, s_y, out_zp: int, relu: bool = False) -> RequantPerChannel:
    """The per-channel requantiser (ops.RequantPerChannel, what a lowering takes) for these scales."""
    mults, shifts = multipliers_from_scales(s_a, s_w, s_y)
    return RequantPerChannel(tuple(int(m) for m in mults), tuple(int(s) for s in shifts), int(out_zp), relu)


# -- accumulators ------------------------------------------------------------------------------------------
def _pad_input(x_hwc, za: int, kh: int, kw: int, stride, pads):
    """x − za, zero padded (i.e. padded with the input zero point), windows [OH,OW,C,KH,KW]."""
    sy, sx = (int(v) for v in stride)
    top, left, bottom, right = (int(p) for p in pads)
    if min(top, left, bottom, right) < 0 or sy < 1 or sx < 1:
        raise ValueError(f"bad strides {stride} or pads {pads}")
    xp = np.pad(np.asarray(x_hwc, np.int64) - int(za), ((top, bottom), (left, right), (0, 0)))
    if xp.shape[0] < kh or xp.shape[1] < kw:
        raise ValueError(f"kernel {kh}x{kw} larger than the padded input {xp.shape[:2]}")
    return xp, sy, sx


def conv_acc(x_hwc, w_hwio, bias, za: int, stride=(1, 1), pads=(0, 0, 0, 0)) -> np.ndarray:
    """int32 accumulators of a group-1 conv with per-axis strides and asymmetric pads (pad value za), through
    golden.ops.conv2d_acc on the explicitly padded input."""
    w = np.asarray(w_hwio, np.int8)
    kh, kw = w.shape[:2]
    xp, sy, sx = _pad_input(x_hwc, za, kh, kw, stride, pads)
    # conv2d_acc subtracts za itself: hand it (x − za) + za so that padding stays (za − za) = 0.
    if sy == sx:
        return conv2d_acc(xp + int(za), w, bias, za, sy, 0)
    return conv2d_acc(xp + int(za), w, bias, za, 1, 0)[::sy, ::sx]


def depthwise_acc(x_hwc, w_khkwc, bias, za: int, stride=(1, 1), pads=(0, 0, 0, 0)) -> np.ndarray:
    """int32 accumulators of a group = C conv: acc[y,x,c] = Σ (x[..,c] − za)·w[..,c] + bias[c]; pads take za."""
    w = np.asarray(w_khkwc, np.int64)
    kh, kw, c = w.shape
    if np.shape(x_hwc)[2] != c:
        raise ValueError(f"depthwise weights {w.shape} do not match {np.shape(x_hwc)[2]} channels")
    xp, sy, sx = _pad_input(x_hwc, za, kh, kw, stride, pads)
    win = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(0, 1))[::sy, ::sx]   # [OH,OW,C,KH,KW]
    acc = np.einsum("hwcij,ijc->hwc", win, w)
    if bias is not None:
        acc = acc + np.asarray(bias, np.int64)
    return _wrap_i32(acc)


# -- per-channel operators (host derivation of the multipliers, then integers only) ------------------------
def qlinear_conv_pc(x_hwc, w_hwio, bias, sa, za: int, sw_vec, sy, zy: int, stride=(1, 1), pads=(0, 0, 0, 0)):
    mults, shifts = multipliers_from_scales(sa, sw_vec, sy)
    return requantize_lanes(conv_acc(x_hwc, w_hwio, bias, za, stride, pads), mults, shifts, zy)


def qlinear_conv_depthwise(x_hwc, w_khkwc, bias, sa, za: int, sw_vec, sy, zy: int, stride=(1, 1),
                           pads=(0, 0, 0, 0)):
    mults, shifts = multipliers_from_scales(sa, sw_vec, sy)
    return requantize_lanes(depthwise_acc(x_hwc, w_khkwc, bias, za, stride, pads), mults, shifts, zy)


def qlinear_matmul_pc(a, w, sa, za: int, sw_vec, sy, zy: int):
    mults, shifts = multipliers_from_scales(sa, sw_vec, sy)
    return requantize_lanes(gemm_acc(np.asarray(a, np.int8), np.asarray(w, np.int8), None, za),
                                  mults, shifts, zy)


def qgemm(a, w, bias, sa, za: int, sw_vec, sy, zy: int):
    """QGemm with alpha = 1 (the scale is float32(float32(1·s_a·s_b[c]) / s_y), the same as QLinearMatMul's)
    and an int32 bias C [Nc] added to the accumulator."""
    mults, shifts = multipliers_from_scales(sa, sw_vec, sy)
    return requantize_lanes(gemm_acc(np.asarray(a, np.int8), np.asarray(w, np.int8), bias, za),
                                  mults, shifts, zy)


# -- QLinearAdd --------------------------------------------------------------------------------------------
def qlinear_add(a, b, sa, za: int, sb, zb: int, sc, zc: int, u8: bool = False) -> np.ndarray:
    """QLinearAdd through golden/qladd.py. s8: a, b and the zero points are int8. u8: a, b are the stored
    (s8 = u8 − 128) lane values, the zero points the model's uint8 ones; the result is stored s8."""
    ra, rb, fixed = constants_from_scales(sa, za, sb, zb, sc, zc)
    return qladd(a, b, ra, rb, fixed, u8)


# -- requantisation through onnxruntime's lookup table (QLinearConcat) -------------------------------------
def lookup_table(s_x, z_x: int, s_y, z_y: int, u8: bool = False) -> np.ndarray:
    """onnxruntime's 256-entry table for re-quantising one tensor to another's scale (contrib
    QlinearBuildLookupTable, as QLinearConcat builds it): every input value v dequantized in float32,
    (v − z_x)·s_x, then quantized, round(dq / s_y) + z_y saturated. Indexed and valued in the stored (s8)
    domain: entry k is for the stored value k − 128."""
    f = np.float32
    v = np.arange(256, dtype=np.int32) + (0 if u8 else -128)          # the model's values, ascending
    dq = (v - np.int32(z_x)).astype(np.float32) * f(s_x)
    q = np.rint(dq / f(s_y)) + np.float32(z_y)
    lo, hi = (0, 255) if u8 else (-128, 127)
    q = np.clip(q, lo, hi).astype(np.int32)
    return (q - 128 if u8 else q).astype(np.int8)


def table_requantizer(table: np.ndarray, z_x_stored: int, z_y_stored: int, s_x, s_y):
    """(multiplier, shift) with which the requantiser on acc = v − z_x gives `table` for every one of the 256
    inputs, or None: the float32 ratio s_x / s_y first, then its 24-bit neighbours (the table is one float
    multiply and one float division; the requantiser one multiply, so a neighbour may match where it does not)."""
    from .requant import requantize
    acc = np.arange(-128, 128, dtype=np.int64) - int(z_x_stored)
    try:
        m0, sh = decompose_float32(np.float32(np.float32(s_x) / np.float32(s_y)))
        candidates = [(m0 + d, sh) for d in sorted(range(-64, 65), key=abs)]
    except ValueError:              # a ratio beyond the requantiser's range: only a saturating table can match
        candidates = [((1 << 24) - 1, 0)]
    for m, sh in candidates:
        if 0 < m < (1 << 24) and np.array_equal(requantize(acc, m, sh, int(z_y_stored)), table):
            return m, sh
    return None
