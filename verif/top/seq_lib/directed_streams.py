"""Directed streams mixed into the random ones: operators lowered to npu8 programs by golden/ops.py, with
random shapes, data and quantisation, and their outputs checked like any program (every tile, final DRAM).

  GemmSeq   a GEMM of random shape (M, K, Nc not multiples of N), tiled to the ISA
  ConvSeq   a 3x3 convolution, padding 1, stride 1 or 2, NHWC
  ChainSeq  bias add + ReLU + requantisation: a GEMM with a large signed bias and ReLU on, so that the
            bias preload, the accumulate chain and the clamp at zero all matter
"""
from __future__ import annotations

import numpy as np

from golden.ops import Requant, conv2d_acc, gemm_acc, lower_conv2d, lower_gemm

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
