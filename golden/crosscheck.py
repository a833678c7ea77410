"""Bit-exactness of the golden model against onnxruntime.

Two parts, each counting outputs and mismatches:
- random QLinearMatMul / QLinearConv cases (pads 0/1, strides 1/2, 1x1 and 3x3, bias, random and tie-prone
  scales): every output is compared twice, the reference operator (ops.py) and the lowered program run on
  the ISA simulator, against onnxruntime;
- sweeps of contiguous accumulator windows (around 0, 2^24 and beyond, where float32 rounds) through a 1x1
  QLinearConv whose bias sets the accumulator, against a STORE-requant program on the simulator.

Usage: python -m golden.crosscheck [--outputs 1000000] [--seed 1]
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from . import isa
from .isa import MEM_ACC, MachineConfig, Op
from .ops import DramImage, Lowered, Requant, conv2d_acc, gemm_acc, lower_conv2d, lower_gemm
from .onnx_reference import qlinear_conv, qlinear_matmul, version
from .requant import bit_length, decompose_float32, multiplier_from_scales, round_to_24_bits


@dataclass
class Tally:
    outputs: int = 0
    mismatches: int = 0
    cases: int = 0
    ties: dict = field(default_factory=lambda: {"acc_r24": 0, "product_r24": 0, "final": 0})
    first_failure: str | None = None

    def add(self, name: str, got: np.ndarray, want: np.ndarray, what: str) -> None:
        bad = int((got != want).sum())
        self.outputs += want.size
        self.mismatches += bad
        self.cases += 1
        if bad and self.first_failure is None:
            idx = tuple(int(i) for i in np.argwhere(got != want)[0])
            self.first_failure = f"{name} ({what}): first mismatch at {idx}: got {got[idx]}, onnxruntime {want[idx]}"


def _scales(rng, acc_std: float, tie_prone: bool):
    """(s_a, s_w, s_y) whose float32 multiplier spreads outputs over the int8 range; tie-prone ones make the
    multiplier a short dyadic fraction so that products land exactly on .5."""
    target = 40.0 / max(acc_std, 1.0)
    sa, sw = float(np.float32(2.0 ** rng.uniform(-9, -3))), float(np.float32(2.0 ** rng.uniform(-9, -3)))
    if tie_prone:
        # M = num * 2^(c-a-b) exactly: every factor is exact in float32, so products hit .5 exactly.
        num = int(rng.choice([1, 3, 5, 7]))
        a, b = int(rng.integers(3, 9)), int(rng.integers(3, 9))
        c = a + b + int(np.round(np.log2(target / num)))
        return num * 2.0 ** -a, 2.0 ** -b, 2.0 ** -c
    return sa, sw, sa * sw / target


def _tensor(rng, shape, kind):
    if kind == "tiny":
        return rng.integers(-3, 4, shape).astype(np.int8)
    if kind == "extreme":
        return rng.choice(np.array([-128, 127, -127, 0], np.int8), shape)
    return rng.integers(-128, 128, shape).astype(np.int8)


def random_cases(tally: Tally, target: int, rng, log=print) -> None:
    kinds = ["full", "full", "tiny", "extreme"]
    i = 0
    while tally.outputs < target:
        n = (4, 8, 16)[i % 3]
        cfg = MachineConfig(n=n, sp_rows=4096, acc_rows=1024, dram_bytes=1 << 22)
        kind = kinds[i % len(kinds)]
        tie = i % 2 == 1
        za, zy = int(rng.integers(-128, 128)), int(rng.integers(-128, 128))
        if i % 2 == 0:
            m, k, nc = int(rng.integers(1, 300)), int(rng.integers(1, 200)), int(rng.integers(1, 64))
            a, w = _tensor(rng, (m, k), kind), _tensor(rng, (k, nc), kind)
            acc = gemm_acc(a, w, None, za)
            sa, sw, sy = _scales(rng, float(acc.std()), tie)
            want = qlinear_matmul(a, w, sa, za, sw, sy, zy)
            rq = Requant(*multiplier_from_scales(sa, sw, sy), zy)
            name = f"QLinearMatMul {m}x{k}x{nc} N={n} {kind}{' tie-prone' if tie else ''}"
            low = lower_gemm(cfg, a, w, None, za, rq)
        else:
            h, wd = int(rng.integers(3, 25)), int(rng.integers(3, 25))
            cin, cout = int(rng.integers(1, 40)), int(rng.integers(1, 40))
            ks, stride, pad = [(3, 1, 1), (3, 2, 1), (1, 1, 0), (1, 2, 0), (3, 1, 0)][(i // 2) % 5]
            x, w = _tensor(rng, (h, wd, cin), kind), _tensor(rng, (ks, ks, cin, cout), kind)
            bias = rng.integers(-(1 << 16), 1 << 16, cout).astype(np.int32)
            acc = conv2d_acc(x, w, bias, za, stride, pad)
            sa, sw, sy = _scales(rng, float(acc.std()), tie)
            want = qlinear_conv(x, w, bias, sa, za, sw, sy, zy, stride, pad)
            rq = Requant(*multiplier_from_scales(sa, sw, sy), zy)
            name = (f"QLinearConv {h}x{wd}x{cin}->{cout} k{ks} s{stride} p{pad} N={n} {kind}"
                    f"{' tie-prone' if tie else ''}")
            low = lower_conv2d(cfg, x, w, bias, za, rq, stride, pad)
        tally.add(name, rq(acc), want, "reference operator")
        got, _ = low.run()
        tally.add(name, got, want, "ISA program on the simulator")
        _count_ties(tally, acc, rq)
        i += 1


def _count_ties(tally: Tally, acc: np.ndarray, rq: Requant) -> None:
    a = np.asarray(acc, np.int64).ravel()
    s = np.maximum(bit_length(np.abs(a)) - 24, 0)
    tally.ties["acc_r24"] += int(((np.abs(a) & ((np.int64(1) << s) - 1)) == np.where(s > 0, np.int64(1) << np.maximum(s - 1, 0), -1)).sum())
    p = round_to_24_bits(a) * rq.multiplier
    sp = np.maximum(bit_length(np.abs(p)) - 24, 0)
    tally.ties["product_r24"] += int(((np.abs(p) & ((np.int64(1) << sp) - 1)) == np.where(sp > 0, np.int64(1) << np.maximum(sp - 1, 0), -1)).sum())
    q = np.abs(round_to_24_bits(p))
    e = rq.shift
    tally.ties["final"] += int(((q & ((1 << e) - 1)) == (1 << (e - 1) if e else -1)).sum())


def _requant_program(cfg: MachineConfig, acc_values: np.ndarray, rq: Requant) -> Lowered:
    """LOAD the values into ACC rows (lane 0 of each), STORE them requantised: the STORE path alone."""
    img = DramImage(cfg)
    src = img.put(acc_values.astype(np.int32))
    dst = img.alloc(acc_values.size)
    prog = [isa.make(Op.CONFIG, multiplier=rq.multiplier, shift=rq.shift, out_zp=rq.out_zp, relu=int(rq.relu))]
    for r0 in range(0, acc_values.size, cfg.acc_rows):
        cnt = min(cfg.acc_rows, acc_values.size - r0)
        for c0 in range(0, cnt, 4095):
            c = min(4095, cnt - c0)
            prog.append(isa.make(Op.LOAD, mem=MEM_ACC, row=c0, x=c, y=1, len=1, addr=src + 4 * (r0 + c0), xs=4))
        for c0 in range(0, cnt, 4095):
            c = min(4095, cnt - c0)
            prog.append(isa.make(Op.STORE, quant=1, row=c0, x=c, y=1, len=1, addr=dst + r0 + c0, xs=1))
    prog.append(isa.make(Op.HALT))
    return Lowered(cfg, img, prog, dst, (acc_values.size,))


# (multiplier as float32, window centre): tie-prone dyadic multipliers, multipliers one ulp off them, odd
# mantissas, and windows where float32(acc) itself rounds (|acc| >= 2^24).
SWEEPS = [(2.0 ** -1, 0), (2.0 ** -8, 0), (3 * 2.0 ** -12, 0), (np.nextafter(np.float32(2.0 ** -10), 1), 0),
          (float(np.float32(0.3)), 0), (2.0 ** -18, 1 << 24), (2.0 ** -18, -(1 << 24)), (2.0 ** -19, 1 << 25),
          (float(np.float32(1.7e-6)), 1 << 26), (5 * 2.0 ** -29, 1 << 30), (2.0 ** -24, -(1 << 31) + (1 << 20))]


def tie_sweeps(tally: Tally, window: int = 1 << 20, log=print) -> None:
    channels = window // 256
    cfg = MachineConfig(n=8, sp_rows=64, acc_rows=4096, dram_bytes=1 << 24)
    x = np.arange(-128, 128, dtype=np.int8).reshape(16, 16, 1)
    w = np.ones((1, 1, 1, channels), np.int8)
    for m32, centre in SWEEPS:
        m32 = np.float32(m32)
        start = int(np.clip(centre - window // 2, -(1 << 31) + 128, (1 << 31) - 128 - window))
        bias = (start + 128 + 256 * np.arange(channels)).astype(np.int32)
        zy = int(np.clip(-np.round(float(m32) * centre), -128, 127))
        want = qlinear_conv(x, w, bias, 1.0, 0, float(m32), 1.0, zy)        # [16,16,C]: acc = x + bias[c]
        acc = (x.astype(np.int64) + bias.astype(np.int64)).reshape(16, 16, channels)
        rq = Requant(*decompose_float32(m32), zy)
        name = f"tie sweep M={float(m32):.9g} around {centre}"
        tally.add(name, rq(acc), want, "reference requantiser")
        order = np.argsort(acc, axis=None)
        got = _requant_program(cfg, acc.ravel()[order], rq).run()[0]
        tally.add(name, got, want.ravel()[order], "STORE requant on the simulator")
        _count_ties(tally, acc, rq)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--outputs", type=int, default=1_000_000, help="random-case outputs to reach (each checked twice)")
    ap.add_argument("--window", type=int, default=1 << 20, help="accumulator values per tie sweep")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    t0 = time.time()
    rand, sweep = Tally(), Tally()
    random_cases(rand, args.outputs, rng)
    tie_sweeps(sweep, args.window)
    print(f"onnxruntime {version()} cross-check, seed {args.seed}, {time.time() - t0:.1f} s")
    for label, t in (("random QLinearMatMul/QLinearConv", rand), ("accumulator tie sweeps", sweep)):
        print(f"  {label}: {t.cases} comparisons, {t.outputs} outputs compared, {t.mismatches} mismatches; "
              f"ties hit: {t.ties}")
        if t.first_failure:
            print(f"  FIRST FAILURE: {t.first_failure}")
    return 1 if rand.mismatches or sweep.mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
