"""Bit-exactness of the golden model against onnxruntime.

Sections, each counting outputs and mismatches (`--only a,b` runs a subset):
- matmul_conv: random QLinearMatMul / QLinearConv cases (pads 0/1, strides 1/2, 1x1 and 3x3, bias, random and
  tie-prone scales): every output is compared twice, the reference operator (ops.py) and the lowered program
  run on the ISA simulator, against onnxruntime;
- requant_sweeps: sweeps of contiguous accumulator windows (around 0, 2^24 and beyond, where float32 rounds)
  through a 1x1 QLinearConv whose bias sets the accumulator, against a STORE-requant program on the simulator;
- the rest of a quantized network, reference operators (qops.py, qladd.py) against onnxruntime:
  qladd (com.microsoft QLinearAdd, int8 and uint8, plus exhaustive 256x256 (a, b) grids at tie-prone scale
  ratios), maxpool (int8/uint8, asymmetric pads, ceil_mode), gap (com.microsoft QLinearGlobalAveragePool,
  int8/uint8, plus accumulator sweeps), conv_pc (per-channel QLinearConv, 1x1/3x3/5x5, strides 1/2,
  asymmetric pads), depthwise (QLinearConv group=C, 3x3), matmul_pc (per-column QLinearMatMul), qgemm
  (com.microsoft QGemm, per-column B scales, int32 bias, transB). The conv/matmul sections alternate weights
  fed as inputs and weights as initializers (onnxruntime pre-packs those and takes other kernels).

Every new section is a generator of `Case`s (inputs, onnxruntime's output) and a list of comparers in
`COMPARERS[section]`, each `fn(case) -> output` in the s8 storage form: the reference operator, and the
operator lowered to an npu8 program run on the ISA simulator (golden/lowered_comparers.py, N = 4, 8, 16 in
turn), so every output is compared twice here too.

Usage: python -m golden.crosscheck [--outputs 1000000] [--seed 1] [--window 1048576] [--only qladd,gap]
"""
from __future__ import annotations

import argparse
import sys
import time
import zlib
from dataclasses import dataclass, field
from typing import Callable, Iterator

import numpy as np

from . import isa, onnx_reference as ort_ref, qladd as qladd_mod, qops
from .isa import MEM_ACC, MachineConfig, Op
from .ops import DramImage, Lowered, Requant, conv2d_acc, gemm_acc, lower_conv2d, lower_gemm
from .lowered_comparers import LOWERED, NotLowerable
from .onnx_reference import qlinear_conv, qlinear_matmul, version
from .requant import bit_length, decompose_float32, multiplier_from_scales, requantize, round_to_24_bits


@dataclass
class Tally:
    outputs: int = 0
    mismatches: int = 0
    cases: int = 0
    ties: dict = field(default_factory=lambda: {"acc_r24": 0, "product_r24": 0, "final": 0})
    first_failure: str | None = None
    sweep_outputs: int = 0              # of `outputs`, those compared in tie sweeps / grids
    declined: dict = field(default_factory=dict)   # comparer -> (cases it cannot take, the first reason)

    def add(self, name: str, got: np.ndarray, want: np.ndarray, what: str) -> None:
        got, want = np.asarray(got), np.asarray(want)
        if got.shape != want.shape:
            self.outputs += want.size
            self.mismatches += max(want.size, 1)
            self.cases += 1
            if self.first_failure is None:
                self.first_failure = f"{name} ({what}): output shape {got.shape}, onnxruntime {want.shape}"
            return
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


# == the rest of a quantized network: reference operators (qops.py, qladd.py) against onnxruntime ==========
@dataclass
class Case:
    """One generated case: the reference operator's keyword arguments (golden layout; uint8 tensors and zero
    points already in the accelerator's s8 storage, except QLinearAdd's zero points, see qops.qlinear_add) and
    onnxruntime's output in the same storage form. `acc`/`mults`/`shifts` (requantising operators) and
    `qladd_constants` feed the tie counts; `sweep` marks tie sweeps / grids (counted apart)."""
    name: str
    args: dict
    want: np.ndarray
    sweep: bool = False
    acc: np.ndarray | None = None
    mults: object = None
    shifts: object = None
    qladd_constants: tuple | None = None


Comparer = Callable[[Case], np.ndarray]


def _reference(fn_name: str) -> Comparer:
    # Looked up at call time, so a test can monkeypatch qops to show that the cross-check catches a fault.
    return lambda case: getattr(qops, fn_name)(**case.args)


# section -> [(label, comparer)]: append another implementation here to check it on the same cases.
COMPARERS: dict[str, list[tuple[str, Comparer]]] = {
    "qladd": [("reference operator", _reference("qlinear_add"))],
    "maxpool": [("reference operator", _reference("maxpool"))],
    "gap": [("reference operator", _reference("global_avgpool"))],
    "conv_pc": [("reference operator", _reference("qlinear_conv_pc"))],
    "depthwise": [("reference operator", _reference("qlinear_conv_depthwise"))],
    "matmul_pc": [("reference operator", _reference("qlinear_matmul_pc"))],
    "qgemm": [("reference operator", _reference("qgemm"))],
}
for _section, _lowered in LOWERED.items():          # the lowered program on the ISA simulator, on every case
    COMPARERS[_section].append(("ISA program on the simulator", _lowered))

QLADD_TIE_KEYS = ("t1_r24", "t2_r24", "final")


def new_tally(section: str) -> Tally:
    if section == "qladd":
        return Tally(ties={k: 0 for k in QLADD_TIE_KEYS + tuple(k + "_decisive" for k in QLADD_TIE_KEYS)})
    if section == "maxpool":
        return Tally(ties={})
    return Tally()


def run_cases(tally: Tally, section: str, cases: Iterator[Case]) -> None:
    comparers = COMPARERS[section]
    for case in cases:
        for label, fn in comparers:
            try:
                got = fn(case)
            except NotLowerable as e:       # reported apart, by count and first reason: never a silent pass
                n, why = tally.declined.get(label, (0, f"{case.name}: {e}"))
                tally.declined[label] = (n + 1, why)
                continue
            tally.add(case.name, got, case.want, label)
        if case.sweep:
            tally.sweep_outputs += case.want.size * len(comparers)
        if case.acc is not None:
            _count_ties_lanes(tally, case.acc, case.mults, case.shifts)
        if case.qladd_constants is not None:
            _count_qladd_ties(tally, case.args["a"], case.args["b"], *case.qladd_constants)


# -- tie counts --------------------------------------------------------------------------------------------
def _tie_at(v: np.ndarray, s) -> np.ndarray:
    """|v| mod 2^s == 2^(s-1) (never for s = 0): v lies exactly halfway when rounded to a multiple of 2^s."""
    v = np.abs(np.asarray(v, np.int64))
    s = np.broadcast_to(np.asarray(s, np.int64), v.shape)
    half = np.where(s > 0, np.int64(1) << np.maximum(s - 1, 0), np.int64(-1))
    return (v & ((np.int64(1) << s) - 1)) == half


def _count_ties_lanes(tally: Tally, acc, mults, shifts) -> None:
    """`_count_ties` with a (multiplier, shift) per lane of the last axis (scalars broadcast)."""
    a = np.asarray(acc, np.int64)
    m = np.broadcast_to(np.asarray(mults, np.int64), a.shape)
    tally.ties["acc_r24"] += int(_tie_at(a, np.maximum(bit_length(np.abs(a)) - 24, 0)).sum())
    p = round_to_24_bits(a) * m
    tally.ties["product_r24"] += int(_tie_at(p, np.maximum(bit_length(np.abs(p)) - 24, 0)).sum())
    tally.ties["final"] += int(_tie_at(round_to_24_bits(p), shifts).sum())


def _r24_tie(v: int) -> tuple[bool, int]:
    """(is v an exact tie of the 24-bit rounding, the neighbour round-half-even did *not* pick)."""
    s = max(abs(v).bit_length() - 24, 0)
    if s == 0:
        return False, v
    mag = abs(v)
    if mag & ((1 << s) - 1) != 1 << (s - 1):
        return False, v
    lo, hi = (mag >> s) << s, ((mag >> s) + 1) << s
    picked = abs(qladd_mod.r24(v))
    other = hi if picked == lo else lo
    return True, -other if v < 0 else other


_QLADD_MASKS: dict = {}


def qladd_tie_masks(ra: int, rb: int, fixed: int, u8: bool) -> dict[str, np.ndarray]:
    """For every stored (a, b) pair ([a+128, b+128]): does it hit a tie in T1 = R24(b·rb + fixed), in
    T2 = R24(a·ra + T1), in the final round-half-even, and is that tie decisive (rounding it the other way
    would change the output)? The arithmetic is golden/qladd.py's, on its 2^-80 grid."""
    key = (ra, rb, fixed, u8)
    if key in _QLADD_MASKS:
        return _QLADD_MASKS[key]
    g = qladd_mod.GRID_BITS
    RA, RB, F = qladd_mod.to_grid(ra), qladd_mod.to_grid(rb), qladd_mod.to_grid(fixed)
    lo, hi = (0, 255) if u8 else (-128, 127)

    def out(t2: int) -> int:
        return min(max(qladd_mod.rne_shift(t2, g), lo), hi)

    masks = {k: np.zeros((256, 256), bool) for k in QLADD_TIE_KEYS + tuple(k + "_decisive" for k in QLADD_TIE_KEYS)}
    half, low = 1 << (g - 1), (1 << g) - 1
    for ib in range(256):
        b = ib if u8 else ib - 128
        v1 = b * RB + F
        t1 = qladd_mod.r24(v1)
        tie1, t1_other = _r24_tie(v1)
        for ia in range(256):
            a = ia if u8 else ia - 128
            v2 = a * RA + t1
            t2 = qladd_mod.r24(v2)
            y = out(t2)
            if tie1:
                masks["t1_r24"][ia, ib] = True
                masks["t1_r24_decisive"][ia, ib] = out(qladd_mod.r24(a * RA + t1_other)) != y
            tie2, t2_other = _r24_tie(v2)
            if tie2:
                masks["t2_r24"][ia, ib] = True
                masks["t2_r24_decisive"][ia, ib] = out(t2_other) != y
            if abs(t2) & low == half:
                masks["final"][ia, ib] = True
                fl = t2 >> g                                 # floor; the tie lies between fl and fl + 1
                masks["final_decisive"][ia, ib] = min(max(fl, lo), hi) != min(max(fl + 1, lo), hi)
    if len(_QLADD_MASKS) >= 64:                          # random cases rarely repeat their constants
        _QLADD_MASKS.clear()
    _QLADD_MASKS[key] = masks
    return masks


def _count_qladd_ties(tally: Tally, a, b, ra: int, rb: int, fixed: int, u8: bool) -> None:
    masks = qladd_tie_masks(ra, rb, fixed, u8)
    ia = np.asarray(a, np.int64).ravel() + 128
    ib = np.asarray(b, np.int64).ravel() + 128
    for k, m in masks.items():
        tally.ties[k] += int(m[ia, ib].sum())


# -- value generators --------------------------------------------------------------------------------------
def _section_rng(seed: int, section: str):
    return np.random.default_rng([seed, zlib.crc32(section.encode())])


def _acts(rng, shape, kind: str, zp: int = 0) -> np.ndarray:
    """int8 activations (s8 storage): full range, a few steps around the zero point, or the extremes."""
    if kind == "near_zp":
        return np.clip(zp + rng.integers(-3, 4, shape), -128, 127).astype(np.int8)
    if kind == "extreme":
        return rng.choice(np.array([-128, 127, -127, 0, int(np.clip(zp, -128, 127))], np.int8), shape)
    return rng.integers(-128, 128, shape).astype(np.int8)


def _f32(v) -> float:
    return float(np.float32(v))


_F = np.float32


# -- QLinearAdd --------------------------------------------------------------------------------------------
_E = 2.0 ** -23
# (sa, za, sb, zb, sc, zc, u8), zero points as the model stores them: scale ratios that are short dyadic
# fractions (exact sums: final ties), and ratios with a 24-bit odd mantissa (1 + k·2^-23), whose products
# need 25+ bits so that the FMA's rounding to 24 bits lands exactly halfway (T1 and T2 ties).
QLADD_GRIDS = [
    (0.5, 3, 0.75, -5, 1.0, 7, False),
    (0.375, -20, 0.625, 11, 0.5, -9, False),
    (0.5, 0, 1 + _E, 0, 1.0, 3, False),
    (1 + _E, 0, 0.5, 0, 1.0, 3, False),
    (0.5, 0, 1 + 3 * _E, 0, 1.0, 0, False),
    (0.375, 4, 0.75 * (1 + _E), 0, 0.75, -3, False),
    (2.0 * (1 + 5 * _E), 1, 0.25 * (1 + _E), -1, 1.0, 0, False),
    (0.5, 3, 0.75, 200, 1.0, 7, True),
    (0.5, 130, 1 + _E, 128, 1.0, 128, True),
    (1 + _E, 128, 0.5, 100, 1.0, 128, True),
    (0.375, 132, 0.75 * (1 + _E), 128, 0.75, 125, True),
]


# Scale sets where onnxruntime's contracted fixed term, zc - fma(ra, za, rb·zb), and the unfused
# zc - (ra·za + rb·zb) differ in float32 *and* change an output on the 256x256 grid (found by a seeded
# search): onnxruntime agrees with the contracted form on all of them (golden/qladd.py constants_from_scales).
QLADD_FMA_PROBES = [
    (0.15411469340324402, 122, 0.1712542027235031, 12, 0.21566608548164368, 45, False),
    (0.4767678678035736, 82, 0.0029568762984126806, 205, 0.03355051577091217, 7, True),
    (1.7056320905685425, -90, 0.0025702607817947865, 62, 0.48231518268585205, 79, False),
    (0.4490468502044678, 229, 0.1443621814250946, 242, 0.04912174493074417, 224, True),
    (2.055453300476074, 20, 0.9783023595809937, -42, 0.003535033669322729, 87, False),
    (1.040461778640747, 212, 0.6569734811782837, 196, 0.006120971869677305, 192, True),
]


def _qladd_case(name: str, a, b, sa, za, sb, zb, sc, zc, u8: bool, sweep: bool = False) -> Case:
    if u8:
        zt = np.uint8
        au, bu = qops.s8_to_u8(a), qops.s8_to_u8(b)
        want = qops.u8_to_s8(ort_ref.qlinear_add(au, bu, sa, zt(za), sb, zt(zb), sc, zt(zc)))
    else:
        want = ort_ref.qlinear_add(a, b, sa, za, sb, zb, sc, zc)
    args = dict(a=a, b=b, sa=sa, za=int(za), sb=sb, zb=int(zb), sc=sc, zc=int(zc), u8=u8)
    consts = qladd_mod.constants_from_scales(sa, za, sb, zb, sc, zc)
    return Case(name, args, want, sweep=sweep, qladd_constants=consts + (u8,))


def _qladd_scales(rng, tie: bool):
    if tie:
        # Dyadic ratios sa/sc, sb/sc (short mantissas: exact sums, final ties), now and then a 24-bit one.
        sc = 2.0 ** -int(rng.integers(2, 8))
        odd = 1 + int(rng.choice([1, 3, 5])) * _E if rng.random() < 0.3 else 1.0
        sa = int(rng.choice([1, 3, 5, 7, 9])) * 2.0 ** -int(rng.integers(2, 9)) * odd
        sb = int(rng.choice([1, 3, 5, 7, 9])) * 2.0 ** -int(rng.integers(2, 9))
        return _f32(sa), _f32(sb), _f32(sc)
    return tuple(_f32(np.exp(rng.uniform(-6, 1))) for _ in range(3))


def cases_qladd(target: int, rng, grids=None, probes=None) -> Iterator[Case]:
    """The 256x256 grids (default QLADD_GRIDS and QLADD_FMA_PROBES), then random cases up to `target`."""
    g = np.arange(-128, 128, dtype=np.int8)
    grid_a, grid_b = np.meshgrid(g, g, indexing="ij")
    grids = QLADD_GRIDS if grids is None else grids
    probes = QLADD_FMA_PROBES if probes is None else probes
    for what, sets in (("tie grid", grids), ("FMA-contraction probe", probes)):
        for sa, za, sb, zb, sc, zc, u8 in sets:
            sa, sb, sc = _f32(sa), _f32(sb), _f32(sc)
            yield _qladd_case(f"QLinearAdd {'u8' if u8 else 's8'} 256x256 {what} sa={sa!r} za={za} sb={sb!r} "
                              f"zb={zb} sc={sc!r} zc={zc}", grid_a, grid_b, sa, za, sb, zb, sc, zc, u8, sweep=True)
    kinds = ["full", "full", "near_zp", "extreme"]
    produced, i = 0, 0
    while produced < target:
        u8, tie, kind = i % 2 == 1, i % 3 == 2, kinds[(i // 2) % 4]
        limits = [(65536,), (256, 256), (32, 32, 64), (2, 32, 32, 32)][i % 4]
        shape = tuple(int(rng.integers(1, n + 1)) for n in limits)
        sa, sb, sc = _qladd_scales(rng, tie)
        zlo, zhi = (0, 256) if u8 else (-128, 128)
        za, zb, zc = (int(rng.integers(zlo, zhi)) for _ in range(3))
        za_s, zb_s = (za - 128, zb - 128) if u8 else (za, zb)
        a, b = _acts(rng, shape, kind, za_s), _acts(rng, shape, kind, zb_s)
        case = _qladd_case(f"QLinearAdd {'u8' if u8 else 's8'} {shape} {kind}{' tie-prone' if tie else ''} "
                           f"sa={sa!r} za={za} sb={sb!r} zb={zb} sc={sc!r} zc={zc}", a, b, sa, za, sb, zb, sc, zc, u8)
        produced += case.want.size
        i += 1
        yield case


# -- MaxPool -----------------------------------------------------------------------------------------------
# (kh, kw, sy, sx, pads, ceil_mode): the networks' usual ones; random geometries fill the rest.
MAXPOOL_GEOMS = [(2, 2, 2, 2, (0, 0, 0, 0), 0), (3, 3, 2, 2, (1, 1, 1, 1), 0), (3, 3, 1, 1, (1, 1, 1, 1), 0),
                 (2, 2, 2, 2, (0, 0, 1, 1), 1), (3, 3, 2, 2, (0, 0, 0, 0), 1), (3, 3, 2, 2, (0, 0, 1, 1), 0)]


def cases_maxpool(target: int, rng) -> Iterator[Case]:
    kinds = ["full", "full", "near_zp", "extreme"]
    produced, i = 0, 0
    while produced < target:
        u8, kind = i % 2 == 1, kinds[(i // 2) % 4]
        if i % 3 < 2:
            kh, kw, sy, sx, pads, ceil = MAXPOOL_GEOMS[(i // 3 + i) % len(MAXPOOL_GEOMS)]
        else:
            kh, kw = (int(v) for v in rng.integers(1, 6, 2))
            sy, sx = (int(v) for v in rng.integers(1, 4, 2))
            pads = tuple(int(rng.integers(0, k)) for k in (kh, kw, kh, kw))
            ceil = int(rng.integers(0, 2))
        h = int(rng.integers(max(1, kh - pads[0] - pads[2]), 41))
        w = int(rng.integers(max(1, kw - pads[1] - pads[3]), 41))
        c = int(rng.integers(1, 65))
        x = _acts(rng, (h, w, c), kind, int(rng.integers(-128, 128)))
        if u8:
            want = qops.u8_to_s8(ort_ref.maxpool(qops.s8_to_u8(x), kh, kw, (sy, sx), pads, ceil))
        else:
            want = ort_ref.maxpool(x, kh, kw, (sy, sx), pads, ceil)
        name = f"MaxPool {'u8' if u8 else 's8'} {h}x{w}x{c} k{kh}x{kw} s({sy},{sx}) p{pads} ceil={ceil} {kind}"
        produced += want.size
        i += 1
        yield Case(name, dict(x_hwc=x, kh=kh, kw=kw, sy=sy, sx=sx, pads=pads, ceil_mode=bool(ceil)), want)


# -- QLinearGlobalAveragePool ------------------------------------------------------------------------------
def _gap_case(name: str, x, s_in, z_in: int, s_out, z_out: int, u8: bool, sweep: bool = False) -> Case:
    """x and the zero points in s8 storage; onnxruntime sees uint8 values (+128) when u8."""
    if u8:
        want = qops.u8_to_s8(ort_ref.qlinear_global_avgpool(qops.s8_to_u8(x), s_in, np.uint8(z_in + 128), s_out,
                                                            np.uint8(z_out + 128)))
    else:
        want = ort_ref.qlinear_global_avgpool(x, s_in, z_in, s_out, z_out)
    # Tie-count instrumentation, derived here rather than by the qops functions under test.
    h, w, _ = x.shape
    m, s = decompose_float32(_F(_F(s_in) / _F(_F(s_out) * _F(h * w))))
    acc = x.sum(axis=(0, 1), dtype=np.int64) - z_in * h * w
    return Case(name, dict(x_hwc=x, s_in=s_in, z_in=z_in, s_out=s_out, z_out=z_out), want, sweep=sweep,
                acc=acc, mults=m, shifts=s)


# (float32 scale, accumulator window centre, H·W (a power of two), window): dyadic and odd-mantissa scales
# around 0, and large image sizes whose accumulators pass 2^24 (where float32(acc) itself rounds).
GAP_SWEEPS = [(2.0 ** -1, 0, 16, 512), (2.0 ** -8, 0, 512, 1 << 16), (3 * 2.0 ** -12, 0, 512, 1 << 16),
              (float(np.nextafter(np.float32(2.0 ** -10), np.float32(1))), 0, 512, 1 << 16),
              (_f32(0.3), 0, 16, 1024), (_f32(1.7e-3), 0, 512, 1 << 16),
              (2.0 ** -18, (1 << 24) + (1 << 17), 1 << 17, 512), (2.0 ** -18, -(1 << 24) - (1 << 17), 1 << 17, 512),
              (2.0 ** -19, 1 << 25, 1 << 18, 256), (_f32(1.7e-6), 1 << 26, 1 << 19, 128)]


def _gap_input(acc: np.ndarray, z_in: int, h: int, w: int) -> np.ndarray:
    """x [h,w,C] int8 whose channel c has Σx − z_in·h·w == acc[c]: r values q+1, the rest q."""
    hw = h * w
    sums = np.asarray(acc, np.int64) + int(z_in) * hw
    if np.any(sums < -128 * hw) or np.any(sums > 127 * hw):
        raise ValueError("accumulator out of reach of int8 inputs")
    q, r = np.divmod(sums, hw)                              # q+1 <= 127 whenever r > 0
    x = q.astype(np.int8)[None, :] + (np.arange(hw)[:, None] < r[None, :]).astype(np.int8)
    return x.reshape(h, w, acc.size)


def _discriminating_accs(m_true, m_alt, zy: int, acc_lo: int, acc_hi: int) -> np.ndarray:
    """Accumulators in [acc_lo, acc_hi] that the requantiser maps to different outputs with the float32
    multiplier m_true and with m_alt (one ulp or so apart): the integers next to every rounding boundary
    acc·M = k + 1/2 of the unclamped output range (float here is instrumentation, not a result)."""
    mt, st = decompose_float32(np.float32(m_true))
    ma, sa = decompose_float32(np.float32(m_alt))
    k = np.arange(-128 - zy, 127 - zy, dtype=np.float64) + 0.5
    base = np.floor(k / float(np.float32(m_true))).astype(np.int64)
    cand = np.unique((base[:, None] + np.arange(-2, 3)[None, :]).ravel())
    cand = cand[(cand >= acc_lo) & (cand <= acc_hi)]
    return cand[requantize(cand, mt, st, zy) != requantize(cand, ma, sa, zy)]


# Orders of operations onnxruntime might have used for its float32 scales; the probes below pick scales
# where each differs from the real one and accumulators where that changes the output.
GAP_ALTERNATIVES = {
    "(s_in/s_out)/HW": lambda si, so, hw: _F(_F(_F(si) / _F(so)) / _F(hw)),
    "s_in/HW/s_out": lambda si, so, hw: _F(_F(_F(si) / _F(hw)) / _F(so)),
    "float64 s_in/(s_out*HW)": lambda si, so, hw: _F(float(_F(si)) / (float(_F(so)) * hw)),
}
PC_ALTERNATIVES = {
    "s_a*(s_w/s_y)": lambda sa, sw, sy: _F(_F(sa) * _F(_F(sw) / _F(sy))),
    "(s_a/s_y)*s_w": lambda sa, sw, sy: _F(_F(_F(sa) / _F(sy)) * _F(sw)),
    "float64 s_a*s_w/s_y": lambda sa, sw, sy: _F(float(_F(sa)) * float(_F(sw)) / float(_F(sy))),
}


def _gap_probe_cases(rng, n_cases: int = 12) -> Iterator[Case]:
    """QLinearGlobalAveragePool at scales where an alternative order of s_in/(s_out·HW) rounds differently,
    on accumulators where that changes the output (HW = 56·56 or 112·112: s_out·HW is inexact)."""
    alts = list(GAP_ALTERNATIVES.items())
    made = 0
    while made < n_cases:
        h = (56, 112)[made % 2]
        hw = h * h
        alt_name, alt = alts[made % len(alts)]
        z_in, z_out = int(rng.integers(-64, 64)), int(rng.integers(-64, 64))
        s_out = _f32(2.0 ** rng.uniform(-6, -2))
        s_in = _f32(2.0 ** rng.uniform(-12.5, -11) * s_out * hw)
        m_true = _F(_F(s_in) / _F(_F(s_out) * _F(hw)))
        m_alt = alt(s_in, s_out, hw)
        if m_true == m_alt:
            continue
        accs = _discriminating_accs(m_true, m_alt, z_out, (-128 - z_in) * hw, (127 - z_in) * hw)
        if not accs.size:
            continue
        u8 = made % 3 == 2
        made += 1
        yield _gap_case(f"QLinearGlobalAveragePool {'u8' if u8 else 's8'} order probe vs {alt_name}: {h}x{h}x"
                        f"{accs.size} s_in={s_in!r} z_in={z_in} s_out={s_out!r} z_out={z_out}",
                        _gap_input(accs, z_in, h, h), s_in, z_in, s_out, z_out, u8, sweep=True)


def _gap_sweep_case(m32: float, centre: int, hw: int, window: int, u8: bool) -> Case:
    z_in = -128 if centre > 0 else (127 if centre < 0 else 0)
    lo_acc, hi_acc = (-128 - z_in) * hw, (127 - z_in) * hw
    start = int(np.clip(centre - window // 2, lo_acc, hi_acc - window + 1))
    acc = start + np.arange(window, dtype=np.int64)
    h = 1 << ((hw.bit_length() - 1) // 2)
    x = _gap_input(acc, z_in, h, hw // h)
    s_in, s_out = _f32(m32 * hw), 1.0                      # exact: hw is a power of two
    z_out = int(np.clip(-np.round(m32 * centre), -128, 127))
    case = _gap_case(f"QLinearGlobalAveragePool {'u8' if u8 else 's8'} sweep scale={m32!r} HW={hw} acc "
                     f"{start}..{start + window - 1}", x, s_in, z_in, s_out, z_out, u8, sweep=True)
    assert (case.mults, case.shifts) == decompose_float32(np.float32(m32)), "sweep scale is not the float32 intended"
    assert np.array_equal(case.acc, acc), "sweep accumulators are not the intended window"
    return case


def cases_gap(target: int, rng, sweeps=None, probes: int = 12) -> Iterator[Case]:
    """Accumulator sweeps (default GAP_SWEEPS), `probes` order-of-operations probes, then random cases."""
    for j, (m32, centre, hw, window) in enumerate(GAP_SWEEPS if sweeps is None else sweeps):
        yield _gap_sweep_case(m32, centre, hw, window, u8=j % 3 == 2)
    yield from _gap_probe_cases(rng, probes)
    kinds = ["full", "full", "near_zp", "extreme"]
    produced, i = 0, 0
    while produced < target:
        u8, tie, kind = i % 2 == 1, i % 3 == 2, kinds[(i // 2) % 4]
        if i % 5 == 0:
            h, w = [(1, 1), (7, 7), (14, 14), (56, 56)][i % 4]
        else:
            h, w = (int(v) for v in rng.integers(1, 17, 2))
        c = int(rng.integers(1, max(2, min(4096, 400_000 // (h * w)))))
        z_in, z_out = int(rng.integers(-128, 128)), int(rng.integers(-128, 128))
        if tie:                                            # dyadic scale: s_out·HW and the quotient exact
            s_out = 2.0 ** -int(rng.integers(3, 9))
            s_in = int(rng.choice([1, 3, 5, 7])) * s_out * 2.0 ** int(rng.integers(-3, 3))
        else:
            s_in = _f32(2.0 ** rng.uniform(-8, 0))
            s_out = _f32(s_in * 2.0 ** rng.uniform(-3, 3))
        x = _acts(rng, (h, w, c), kind, z_in)
        case = _gap_case(f"QLinearGlobalAveragePool {'u8' if u8 else 's8'} {h}x{w}x{c} {kind}"
                         f"{' tie-prone' if tie else ''} s_in={s_in!r} z_in={z_in} s_out={s_out!r} z_out={z_out}",
                         x, s_in, z_in, s_out, z_out, u8)
        produced += case.want.size
        i += 1
        yield case


# -- per-channel QLinearConv / QLinearMatMul / QGemm -------------------------------------------------------
def _pc_scales(rng, acc: np.ndarray, tie_prone: bool):
    """(s_a, s_w[C], s_y) whose per-channel float32 multipliers spread each channel's outputs over the int8
    range (now and then a channel that saturates or collapses); tie-prone ones are short dyadic fractions."""
    a = np.asarray(acc, np.float64).reshape(-1, acc.shape[-1])
    std = np.maximum(a.std(axis=0), 1.0)
    target = 40.0 / std * 2.0 ** rng.uniform(-1, 1, std.size)
    odd = rng.random(std.size) < 0.05
    target[odd] *= 2.0 ** rng.choice([-6.0, 5.0], int(odd.sum()))
    if tie_prone:
        # s_a = 2^-ea, s_w[c] = num[c]·2^-eb[c], s_y = 2^-ey: M[c] = num[c]·2^(ey-ea-eb[c]) exactly, so that
        # products land exactly on .5.
        ea, ey = int(rng.integers(3, 9)), int(rng.integers(8, 16))
        num = rng.choice([1, 3, 5, 7], std.size)
        eb = ey - ea - np.round(np.log2(target / num)).astype(int)
        sw = num * 2.0 ** (-eb.astype(np.float64))
        return 2.0 ** -ea, sw.astype(np.float32), 2.0 ** -ey
    sa, sy = _f32(2.0 ** rng.uniform(-9, -3)), _f32(2.0 ** rng.uniform(-6, -1))
    return sa, (target * sy / sa).astype(np.float32), sy


def _pc_case(name: str, args: dict, acc, want, sweep: bool = False) -> Case:
    pairs = [multiplier_from_scales(args["sa"], float(w), args["sy"]) for w in args["sw_vec"]]   # tie counts
    return Case(name, args, want, sweep=sweep, acc=acc, mults=np.array([p[0] for p in pairs], np.int64),
                shifts=np.array([p[1] for p in pairs], np.int64))


def _pc_probe_scales(rng, channels: int, acc_lo: int, acc_hi: int):
    """(s_a, s_w[C], s_y, z_y, accs[C]): each channel's s_w makes one alternative order of
    float32(float32(s_a·s_w)/s_y) (cycled) round differently, and accs[c] is an accumulator where that
    changes the output."""
    alts = list(PC_ALTERNATIVES.values())
    sa, sy = _f32(2.0 ** rng.uniform(-8, -4)), _f32(2.0 ** rng.uniform(-3, 1))
    zy = int(rng.integers(-64, 64))
    m_lo = 127.0 / min(-acc_lo, acc_hi)                  # outputs must cross the int8 range inside the reach
    sws, accs = [], []
    while len(sws) < channels:
        alt = alts[len(sws) % len(alts)]
        sw = _f32(2.0 ** rng.uniform(np.log2(m_lo), np.log2(m_lo) + 2) * sy / sa)
        m_true = _F(_F(_F(sa) * _F(sw)) / _F(sy))
        m_alt = alt(sa, sw, sy)
        if m_true == m_alt:
            continue
        cand = _discriminating_accs(m_true, m_alt, zy, acc_lo, acc_hi)
        if cand.size:
            sws.append(sw)
            accs.append(int(rng.choice(cand)))
    return sa, np.array(sws, np.float32), sy, zy, np.array(accs, np.int64)


def _pc_probe_cases(section: str, rng, n_cases: int = 8, channels: int = 64) -> Iterator[Case]:
    """Per-channel multiplier-order probes: one output per channel at an accumulator (set by the bias, or
    for QLinearMatMul by a block-diagonal weight) where an alternative order changes the result."""
    for j in range(n_cases):
        const = j % 2 == 1
        za = int(rng.integers(-128, 128))
        if section == "matmul_pc":
            kb = 1024                                    # acc[n] = Σ over block n of (a − za), za = 0
            za = 0
            sa, sw, sy, zy, accs = _pc_probe_scales(rng, channels, -128 * kb, 127 * kb)
            q, r = np.divmod(accs, kb)
            a = (q[:, None] + (np.arange(kb)[None, :] < r[:, None])).astype(np.int8).reshape(1, channels * kb)
            w = np.kron(np.eye(channels, dtype=np.int8), np.ones((kb, 1), np.int8))
            want = ort_ref.qlinear_matmul_pc(a, w, sa, za, sw, sy, zy, const_weights=const)
            args = dict(a=a, w=w, sa=sa, za=za, sw_vec=sw, sy=sy, zy=zy)
        else:
            sa, sw, sy, zy, accs = _pc_probe_scales(rng, channels, -(1 << 30), 1 << 30)
            bias = accs.astype(np.int32)
            if section == "conv_pc":
                x, w = np.full((1, 1, 1), za, np.int8), np.ones((1, 1, 1, channels), np.int8)
                want = ort_ref.qlinear_conv_pc(x, w, bias, sa, za, sw, sy, zy, const_weights=const)
                args = dict(x_hwc=x, w_hwio=w, bias=bias, sa=sa, za=za, sw_vec=sw, sy=sy, zy=zy)
            elif section == "depthwise":
                x, w = np.full((1, 1, channels), za, np.int8), _weights(rng, (3, 3, channels), "full")
                pads = (1, 1, 1, 1)
                want = ort_ref.qlinear_conv_depthwise(x, w, bias, sa, za, sw, sy, zy, (1, 1), pads, const_weights=const)
                args = dict(x_hwc=x, w_khkwc=w, bias=bias, sa=sa, za=za, sw_vec=sw, sy=sy, zy=zy, pads=pads)
            else:
                a, w = np.full((2, 4), za, np.int8), _weights(rng, (4, channels), "full")
                want = ort_ref.qgemm(a, w, bias, sa, za, sw, sy, zy, trans_b=j % 4 >= 2, const_weights=const)
                args = dict(a=a, w=w, bias=bias, sa=sa, za=za, sw_vec=sw, sy=sy, zy=zy)
        acc = np.broadcast_to(accs, want.shape)          # by construction (test_qops checks qops agrees)
        yield _pc_case(f"{section} multiplier-order probe {j}: {channels} channels s_a={sa!r} s_y={sy!r} z_y={zy} "
                       f"W {'const' if const else 'input'}", args, acc, want, sweep=True)


# (k, strides, pads (top, left, bottom, right)): the usual ones, then random asymmetric geometries.
CONV_GEOMS = [(1, (1, 1), (0, 0, 0, 0)), (3, (1, 1), (1, 1, 1, 1)), (3, (2, 2), (1, 1, 1, 1)),
              (3, (2, 2), (0, 0, 1, 1)), (1, (2, 2), (0, 0, 0, 0)), (5, (1, 1), (2, 2, 2, 2)),
              (5, (2, 2), (1, 2, 2, 1)), (3, (1, 1), (0, 0, 0, 0)), (3, (1, 2), (1, 0, 2, 1))]


def _weights(rng, shape, kind):
    if kind == "tiny":
        return rng.integers(-3, 4, shape).astype(np.int8)
    if kind == "extreme":
        return rng.choice(np.array([-128, 127, -127, 0], np.int8), shape)
    return rng.integers(-128, 128, shape).astype(np.int8)


def cases_conv_pc(target: int, rng) -> Iterator[Case]:
    yield from _pc_probe_cases("conv_pc", rng)
    kinds = ["full", "full", "tiny", "extreme"]
    produced, i = 0, 0
    while produced < target:
        kind, tie, const = kinds[i % 4], i % 2 == 1, (i // 2) % 2 == 1
        if i % 3 < 2:
            k, strides, pads = CONV_GEOMS[(i // 3 + i) % len(CONV_GEOMS)]
        else:
            k = int(rng.choice([1, 3, 5]))
            strides = tuple(int(v) for v in rng.integers(1, 3, 2))
            pads = tuple(int(v) for v in rng.integers(0, k, 4))
        h = int(rng.integers(max(1, k - pads[0] - pads[2]), 25))
        w = int(rng.integers(max(1, k - pads[1] - pads[3]), 25))
        cin, cout = int(rng.integers(1, 41)), int(rng.integers(1, 41))
        za, zy = int(rng.integers(-128, 128)), int(rng.integers(-128, 128))
        x = _acts(rng, (h, w, cin), "extreme" if kind == "extreme" else "full", za)
        wt = _weights(rng, (k, k, cin, cout), kind)
        bias = rng.integers(-(1 << 16), 1 << 16, cout).astype(np.int32) if i % 5 else None
        acc = qops.conv_acc(x, wt, bias, za, strides, pads)
        sa, sw, sy = _pc_scales(rng, acc, tie)
        want = ort_ref.qlinear_conv_pc(x, wt, bias, sa, za, sw, sy, zy, strides, pads, const_weights=const)
        args = dict(x_hwc=x, w_hwio=wt, bias=bias, sa=sa, za=za, sw_vec=sw, sy=sy, zy=zy, stride=strides, pads=pads)
        name = (f"QLinearConv per-channel {h}x{w}x{cin}->{cout} k{k} s{strides} p{pads} {kind}"
                f"{' tie-prone' if tie else ''} W {'const' if const else 'input'}")
        produced += want.size
        i += 1
        yield _pc_case(name, args, acc, want)


DEPTHWISE_GEOMS = [((1, 1), (1, 1, 1, 1)), ((2, 2), (1, 1, 1, 1)), ((1, 1), (0, 0, 0, 0)), ((2, 2), (0, 0, 0, 0)),
                   ((2, 2), (0, 0, 1, 1)), ((1, 1), (1, 0, 1, 2))]


def cases_depthwise(target: int, rng) -> Iterator[Case]:
    yield from _pc_probe_cases("depthwise", rng)
    kinds = ["full", "full", "tiny", "extreme"]
    produced, i = 0, 0
    while produced < target:
        kind, tie, const = kinds[i % 4], i % 2 == 1, (i // 2) % 2 == 1
        strides, pads = DEPTHWISE_GEOMS[(i // 2) % len(DEPTHWISE_GEOMS)]
        h = int(rng.integers(max(1, 3 - pads[0] - pads[2]), 25))
        w = int(rng.integers(max(1, 3 - pads[1] - pads[3]), 25))
        c = int(rng.integers(1, 65))
        za, zy = int(rng.integers(-128, 128)), int(rng.integers(-128, 128))
        x, wt = _acts(rng, (h, w, c), "extreme" if kind == "extreme" else "full", za), _weights(rng, (3, 3, c), kind)
        bias = rng.integers(-(1 << 16), 1 << 16, c).astype(np.int32) if i % 5 else None
        acc = qops.depthwise_acc(x, wt, bias, za, strides, pads)
        sa, sw, sy = _pc_scales(rng, acc, tie)
        want = ort_ref.qlinear_conv_depthwise(x, wt, bias, sa, za, sw, sy, zy, strides, pads, const_weights=const)
        args = dict(x_hwc=x, w_khkwc=wt, bias=bias, sa=sa, za=za, sw_vec=sw, sy=sy, zy=zy, stride=strides, pads=pads)
        name = (f"QLinearConv depthwise {h}x{w}x{c} k3 s{strides} p{pads} {kind}{' tie-prone' if tie else ''} "
                f"W {'const' if const else 'input'}")
        produced += want.size
        i += 1
        yield _pc_case(name, args, acc, want)


def _matrix_cases(target: int, rng, gemm: bool) -> Iterator[Case]:
    yield from _pc_probe_cases("qgemm" if gemm else "matmul_pc", rng)
    kinds = ["full", "full", "tiny", "extreme"]
    produced, i = 0, 0
    while produced < target:
        kind, tie, const = kinds[i % 4], i % 2 == 1, (i // 2) % 2 == 1
        m, k, nc = int(rng.integers(1, 300)), int(rng.integers(1, 300)), int(rng.integers(1, 65))
        za, zy = int(rng.integers(-128, 128)), int(rng.integers(-128, 128))
        a, w = _acts(rng, (m, k), "extreme" if kind == "extreme" else "full", za), _weights(rng, (k, nc), kind)
        bias = rng.integers(-(1 << 16), 1 << 16, nc).astype(np.int32) if gemm and i % 5 else None
        trans_b = gemm and (i // 4) % 2 == 1
        acc = gemm_acc(a, w, bias, za)
        sa, sw, sy = _pc_scales(rng, acc, tie)
        if gemm:
            want = ort_ref.qgemm(a, w, bias, sa, za, sw, sy, zy, trans_b=trans_b, const_weights=const)
            args = dict(a=a, w=w, bias=bias, sa=sa, za=za, sw_vec=sw, sy=sy, zy=zy)
            name = f"QGemm per-column {m}x{k}x{nc}{' transB' if trans_b else ''}{' bias' if bias is not None else ''}"
        else:
            want = ort_ref.qlinear_matmul_pc(a, w, sa, za, sw, sy, zy, const_weights=const)
            args = dict(a=a, w=w, sa=sa, za=za, sw_vec=sw, sy=sy, zy=zy)
            name = f"QLinearMatMul per-column {m}x{k}x{nc}"
        name += f" {kind}{' tie-prone' if tie else ''} W {'const' if const else 'input'}"
        produced += want.size
        i += 1
        yield _pc_case(name, args, acc, want)


def cases_matmul_pc(target: int, rng) -> Iterator[Case]:
    return _matrix_cases(target, rng, gemm=False)


def cases_qgemm(target: int, rng) -> Iterator[Case]:
    return _matrix_cases(target, rng, gemm=True)


# -- sections ----------------------------------------------------------------------------------------------
def section_matmul_conv(tally: Tally, target: int, rng) -> None:
    random_cases(tally, target, rng)


def section_requant_sweeps(tally: Tally, target: int, rng, window: int = 1 << 20) -> None:
    tie_sweeps(tally, window)


def _cases_section(name: str, cases) -> Callable:
    """A section that generates `cases(target, rng)` and checks them with every comparer of COMPARERS[name]."""
    def section(tally: Tally, target: int, rng) -> None:
        run_cases(tally, name, cases(target, rng))
    section.__name__ = f"section_{name}"
    return section


SECTIONS: dict[str, tuple[str, Callable]] = {
    "matmul_conv": ("random QLinearMatMul/QLinearConv (reference + ISA program)", section_matmul_conv),
    "requant_sweeps": ("accumulator tie sweeps (reference + STORE requant)", section_requant_sweeps),
    "qladd": ("QLinearAdd s8/u8 (random + 256x256 tie grids)", _cases_section("qladd", cases_qladd)),
    "maxpool": ("MaxPool s8/u8", _cases_section("maxpool", cases_maxpool)),
    "gap": ("QLinearGlobalAveragePool s8/u8 (random + accumulator sweeps)", _cases_section("gap", cases_gap)),
    "conv_pc": ("per-channel QLinearConv, group 1", _cases_section("conv_pc", cases_conv_pc)),
    "depthwise": ("per-channel QLinearConv, group = C (3x3)", _cases_section("depthwise", cases_depthwise)),
    "matmul_pc": ("per-column QLinearMatMul", _cases_section("matmul_pc", cases_matmul_pc)),
    "qgemm": ("per-column QGemm (com.microsoft)", _cases_section("qgemm", cases_qgemm)),
}


def run_section(name: str, target: int, seed: int, window: int = 1 << 20) -> Tally:
    tally = new_tally(name)
    if name == "matmul_conv":
        section_matmul_conv(tally, target, np.random.default_rng(seed))      # the original seeding
    elif name == "requant_sweeps":
        section_requant_sweeps(tally, target, None, window)
    else:
        SECTIONS[name][1](tally, target, _section_rng(seed, name))
    return tally


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--outputs", type=int, default=1_000_000,
                    help="random-case outputs to reach in each section (matmul_conv: counting both comparisons)")
    ap.add_argument("--window", type=int, default=1 << 20, help="accumulator values per requant tie sweep")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", action="append", default=None,
                    help=f"sections to run (comma-separated or repeated): {', '.join(SECTIONS)}")
    args = ap.parse_args(argv)
    names = list(SECTIONS) if not args.only else [n for o in args.only for n in o.split(",") if n]
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        ap.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    t0 = time.time()
    failed = False
    print(f"onnxruntime {version()} cross-check, seed {args.seed}, {args.outputs} outputs per section")
    for name in names:
        t1 = time.time()
        t = run_section(name, args.outputs, args.seed, args.window)
        sweep = f" ({t.sweep_outputs} in tie sweeps/grids)" if t.sweep_outputs else ""
        ties = f"; ties hit: {t.ties}" if t.ties else ""
        print(f"  {name}: {SECTIONS[name][0]}: {t.cases} comparisons, {t.outputs} outputs compared{sweep}, "
              f"{t.mismatches} mismatches{ties} [{time.time() - t1:.1f} s]", flush=True)
        for label, (n, why) in t.declined.items():
            print(f"    {label}: {n} case(s) outside what the lowering takes (not compared), first: {why}")
        if t.first_failure:
            print(f"    FIRST FAILURE: {t.first_failure}")
        if t.outputs == 0:
            print("    FAILURE: no outputs compared")
        failed |= bool(t.mismatches) or t.outputs == 0
    print(f"total {time.time() - t0:.1f} s: {'FAIL' if failed else 'all sections bit-exact'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
