"""Directed streams mixed into the random ones: operators lowered to npu8 programs by golden/ops.py, with
random shapes, data and quantisation, and their outputs checked like any program (every tile, final DRAM).

  GemmSeq   a GEMM of random shape (M, K, Nc not multiples of N), tiled to the ISA
  ConvSeq   a 3x3 convolution, padding 1, stride 1 or 2, NHWC
  ChainSeq  bias add + ReLU + requantisation: a GEMM with a large signed bias and ReLU on, so that the
            bias preload, the accumulate chain and the clamp at zero all matter
  VectorOpSeq  the vector unit's operators and per-channel requantisation, lowered (golden/vector_lowering.py,
            golden/ops.py) with random shapes, scales and zero points, in turn: QLinearAdd (int8 and uint8),
            MaxPool, QLinearGlobalAveragePool, depthwise QLinearConv (stride 1 and 2), per-channel QLinearConv
            and QGemm. Each carries onnxruntime's output for its inputs, and the scoreboard counts the DRAM
            output bytes that differ from it (besides every tile against the golden model).
"""
from __future__ import annotations

import numpy as np

from golden import onnx_reference as ort_ref
from golden.ops import Requant, conv2d_acc, gemm_acc, lower_conv2d, lower_gemm
from golden.qladd import constants_from_scales
from golden.qops import gap_multiplier, per_channel_requant, u8_to_s8
from golden.vector_lowering import lower_depthwise_conv, lower_global_avgpool, lower_maxpool, lower_qlinear_add

from .program_seq import ProgramSeq


def fitted_requant(rng: np.random.Generator, acc: np.ndarray, relu: bool) -> Requant:
    """A multiplier and shift that map the accumulators' range onto int8 with little clamping."""
    mult = int(rng.integers(1 << 23, 1 << 24))
    peak = max(1, int(np.abs(acc.astype(np.int64)).max()))
    shift = int(np.clip(np.ceil(np.log2(peak * mult / 100.0)), 0, 63))
    return Requant(mult, shift, int(rng.integers(-20, 21)), relu)


class GemmSeq(ProgramSeq):
    stream = "gemm"
    max_latency = 40
    bias_scale = 1000
    relu = None

    def items(self):
        n, r = self.cfg.n, self.rng
        for k in range(self.count):
            m, kk, nc = int(r.integers(1, 3 * n)), int(r.integers(1, 3 * n)), int(r.integers(1, 2 * n + 1))
            a = r.integers(-128, 128, (m, kk), dtype=np.int64).astype(np.int8)
            w = r.integers(-128, 128, (kk, nc), dtype=np.int64).astype(np.int8)
            bias = r.integers(-self.bias_scale, self.bias_scale + 1, nc)
            za = int(r.integers(-128, 128))
            relu = bool(r.integers(0, 2)) if self.relu is None else self.relu
            rq = fitted_requant(r, gemm_acc(a, w, bias, za), relu)
            low = lower_gemm(self.cfg, a, w, bias, za, rq)
            yield self.item(k, low.dram_bytes(), low.inst_base, len(low.prog),
                            f"GEMM {m}x{kk}x{nc}, za={za}, {rq}")


class ChainSeq(GemmSeq):
    stream = "chain"
    bias_scale = 200_000
    relu = True


class ConvSeq(ProgramSeq):
    stream = "conv"
    max_latency = 40

    def items(self):
        n, r = self.cfg.n, self.rng
        for k in range(self.count):
            stride = int(r.integers(1, 3))
            h, wd = int(r.integers(3, 7)), int(r.integers(3, 7))
            cin, cout = int(r.integers(1, n + 1)), int(r.integers(1, n + 1))
            x = r.integers(-128, 128, (h, wd, cin), dtype=np.int64).astype(np.int8)
            w = r.integers(-128, 128, (3, 3, cin, cout), dtype=np.int64).astype(np.int8)
            bias = r.integers(-5000, 5001, cout)
            za = int(r.integers(-128, 128))
            rq = fitted_requant(r, conv2d_acc(x, w, bias, za, stride, 1), bool(r.integers(0, 2)))
            low = lower_conv2d(self.cfg, x, w, bias, za, rq, stride=stride, pad=1)
            yield self.item(k, low.dram_bytes(), low.inst_base, len(low.prog),
                            f"conv3x3 {h}x{wd}x{cin}->{cout}, stride {stride}, pad 1, za={za}, {rq}")


VECTOR_OPS = ("qladd", "qladd_u8", "maxpool", "gap", "depthwise", "conv_pc", "qgemm_pc")


def _scale(r) -> float:
    return float(np.float32(np.exp(r.uniform(-5, 0))))


class VectorOpSeq(ProgramSeq):
    stream = "vector_ops"
    max_latency = 40

    def items(self):
        for k in range(self.count):
            op = VECTOR_OPS[(k + int(self.rng.integers(0, len(VECTOR_OPS)))) % len(VECTOR_OPS)]
            low, want, what = getattr(self, "_" + op)()
            ref = (low.out_addr, np.ascontiguousarray(want).astype(np.int8).tobytes(), f"onnxruntime {ort_ref.version()}")
            yield self.item(k, low.dram_bytes(), low.inst_base, len(low.prog), what, reference=ref)

    def _hwc(self, hi=7):
        n, r = self.cfg.n, self.rng
        return (int(r.integers(2, hi)), int(r.integers(2, hi)), int(r.integers(1, 2 * n + 1)))

    def _qladd(self, u8: bool = False):
        r = self.rng
        shape = self._hwc()
        lo, hi = (0, 256) if u8 else (-128, 128)
        a, b = (r.integers(lo, hi, shape).astype(np.uint8 if u8 else np.int8) for _ in range(2))
        sa, sb, sc = _scale(r), _scale(r), _scale(r)
        za, zb, zc = (int(r.integers(lo, hi)) for _ in range(3))
        want = ort_ref.qlinear_add(a, b, sa, za, sb, zb, sc, zc)
        ra, rb, fixed = constants_from_scales(sa, za, sb, zb, sc, zc)
        if u8:      # stored as int8 minus 128, the output too
            low = lower_qlinear_add(self.cfg, u8_to_s8(a), u8_to_s8(b), ra, rb, fixed, u8=True)
            want = u8_to_s8(want)
        else:
            low = lower_qlinear_add(self.cfg, a, b, ra, rb, fixed)
        return low, want, f"QLinearAdd{' u8' if u8 else ''} {shape}, scales {sa:.3g}/{sb:.3g}/{sc:.3g}, zps {za}/{zb}/{zc}"

    def _qladd_u8(self):
        return self._qladd(u8=True)

    def _maxpool(self):
        r = self.rng
        h, w, c = self._hwc(9)
        k = int(r.integers(1, 4))
        s = int(r.integers(1, 3))
        pads = tuple(int(r.integers(0, k)) for _ in range(4))
        if h + pads[0] + pads[2] < k or w + pads[1] + pads[3] < k:
            pads = (0, 0, 0, 0)
        k = min(k, h, w) if pads == (0, 0, 0, 0) else k
        x = r.integers(-128, 128, (h, w, c)).astype(np.int8)
        want = ort_ref.maxpool(x, k, k, (s, s), pads)
        return lower_maxpool(self.cfg, x, (k, k), (s, s), pads), want, f"MaxPool {k}x{k} s{s} pads {pads} on {(h, w, c)}"

    def _gap(self):
        r = self.rng
        h, w, c = self._hwc(9)
        x = r.integers(-128, 128, (h, w, c)).astype(np.int8)
        s_in, z_in, z_out = _scale(r), int(r.integers(-128, 128)), int(r.integers(-128, 128))
        s_out = s_in * float(r.uniform(0.2, 2.0))
        m, sh = gap_multiplier(s_in, s_out, h * w)
        want = ort_ref.qlinear_global_avgpool(x, s_in, z_in, s_out, z_out)
        return (lower_global_avgpool(self.cfg, x, z_in, Requant(m, sh, z_out)), want,
                f"QLinearGlobalAveragePool {(h, w, c)}, z_in {z_in}, z_out {z_out}")

    def _weights_scales(self, c: int, acc_std: float):
        r = self.rng
        sa, sw = _scale(r), r.uniform(0.5, 2.0, c).astype(np.float32) * np.float32(0.01)
        sy = float(sa * float(sw.mean()) * acc_std / 40.0)
        return sa, sw, sy

    def _depthwise(self):
        r = self.rng
        h, w, c = self._hwc(9)
        s = int(r.integers(1, 3))
        x = r.integers(-128, 128, (h + 2, w + 2, c)).astype(np.int8)
        wt = r.integers(-128, 128, (3, 3, c)).astype(np.int8)
        bias = r.integers(-5000, 5001, c)
        za, zy = int(r.integers(-128, 128)), int(r.integers(-20, 21))
        sa, sw, sy = self._weights_scales(c, 128 * 64 * 3.0)
        want = ort_ref.qlinear_conv_depthwise(x, wt, bias, sa, za, sw, sy, zy, (s, s), (1, 1, 1, 1))
        low = lower_depthwise_conv(self.cfg, x, wt, bias, za, per_channel_requant(sa, sw, sy, zy), (s, s), (1, 1, 1, 1))
        return low, want, f"depthwise conv3x3 s{s} pad 1 on {x.shape}, per-channel, za {za}"

    def _conv_pc(self):
        r, n = self.rng, self.cfg.n
        h, w = int(r.integers(3, 7)), int(r.integers(3, 7))
        cin, cout = int(r.integers(1, n + 1)), int(r.integers(1, 2 * n + 1))
        s = int(r.integers(1, 3))
        x = r.integers(-128, 128, (h, w, cin)).astype(np.int8)
        wt = r.integers(-128, 128, (3, 3, cin, cout)).astype(np.int8)
        bias = r.integers(-5000, 5001, cout)
        za, zy = int(r.integers(-128, 128)), int(r.integers(-20, 21))
        sa, sw, sy = self._weights_scales(cout, float(conv2d_acc(x, wt, bias, za, s, 1).std()) + 1.0)
        want = ort_ref.qlinear_conv_pc(x, wt, bias, sa, za, sw, sy, zy, (s, s), (1, 1, 1, 1))
        low = lower_conv2d(self.cfg, x, wt, bias, za, per_channel_requant(sa, sw, sy, zy), stride=s, pad=1)
        return low, want, f"QLinearConv 3x3 s{s} pad 1 {(h, w, cin)}->{cout}, per-channel, za {za}"

    def _qgemm_pc(self):
        r, n = self.rng, self.cfg.n
        m, kk, nc = int(r.integers(1, 3 * n)), int(r.integers(1, 3 * n)), int(r.integers(1, 2 * n + 1))
        a = r.integers(-128, 128, (m, kk)).astype(np.int8)
        wt = r.integers(-128, 128, (kk, nc)).astype(np.int8)
        bias = r.integers(-5000, 5001, nc)
        za, zy = int(r.integers(-128, 128)), int(r.integers(-20, 21))
        sa, sw, sy = self._weights_scales(nc, float(gemm_acc(a, wt, bias, za).std()) + 1.0)
        want = ort_ref.qgemm(a, wt, bias, sa, za, sw, sy, zy)
        low = lower_gemm(self.cfg, a, wt, bias, za, per_channel_requant(sa, sw, sy, zy))
        return low, want, f"QGemm {m}x{kk}x{nc}, per-channel, za {za}"
