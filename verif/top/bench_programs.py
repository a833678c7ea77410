"""The programs `make bench` measures (N=8 by default): a 256x256x256 GEMM with its operands already in the
scratchpad, the same GEMM from DRAM (golden/ops.py's lowering: loads, matmuls, requantised stores), a 3x3
pad-1 convolution layer 56x56x64 -> 64, each vector operation streaming from operands already in the
scratchpad (VADD, VMAX, VSUM, VMAC: the vector unit alone), and a depthwise 3x3 pad-1 layer 56x56x64 from DRAM
(golden/vector_lowering.py). Each case is a list of (item, measured) pairs: only the measured programs'
counters make the figures; the others set up the scratchpad."""
from __future__ import annotations

import numpy as np

from golden import isa
from golden.isa import MEM_ACC, MEM_SP, MachineConfig, Op
from golden.ops import DramImage, Requant, conv2d_acc, gemm_acc, lower_conv2d, lower_gemm
from golden.qladd import constants_from_scales
from golden.qops import per_channel_requant
from golden.vector_lowering import lower_depthwise_conv

from .seq_lib.directed_streams import fitted_requant
from .top_items import DramKnobs, ProgramItem

CASES = ("gemm_sp", "gemm_dram", "conv", "vadd_sp", "vmax_sp", "vsum_sp", "vmac_sp", "depthwise")
VECTOR_CASES = ("vadd_sp", "vmax_sp", "vsum_sp", "vmac_sp")


def _item(name, cfg, dram, base, count, origin, continues=False) -> ProgramItem:
    stream = "gemm" if "gemm" in name else "conv" if name.startswith("conv") else "vector"
    return ProgramItem(name, cfg, dram, base, count, stream, DramKnobs(), origin=origin, continues=continues)


def gemm_from_sp(cfg: MachineConfig, rng, size: int = 256) -> list[tuple[ProgramItem, bool]]:
    """Program 1 loads A (K-chunk after K-chunk) and every weight tile into the scratchpad; program 2 is the
    MATMULs alone, output chunk by chunk, K-chunk after K-chunk, accumulating; the accumulator rows of four
    output chunks are reused in turn (nothing is stored: this measures the array's feed, not the DMA)."""
    n = cfg.n
    a = rng.integers(-128, 128, (size, size), dtype=np.int64).astype(np.int8)
    w = rng.integers(-128, 128, (size, size), dtype=np.int64).astype(np.int8)
    kc = size // n
    a_base, w_base = 0, kc * size
    if w_base + kc * kc * n > cfg.sp_rows or 4 * size > cfg.acc_rows:
        raise ValueError("gemm_sp needs SP_ROWS >= 2*size*size/N and ACC_ROWS >= 4*size")
    img = DramImage(cfg)
    a_addr, w_addr = img.put(a), img.put(w)
    load = [isa.make(Op.LOAD, mem=MEM_SP, row=a_base + t * size, y=1, x=size, len=n, addr=a_addr + t * n, xs=size)
            for t in range(kc)]
    load += [isa.make(Op.LOAD, mem=MEM_SP, row=w_base + (j * kc + t) * n, y=1, x=n, len=n,
                      addr=w_addr + t * n * size + j * n, xs=size) for j in range(kc) for t in range(kc)]
    load.append(isa.make(Op.HALT))
    mm = [isa.make(Op.MATMUL, acc=int(t > 0), a_row=a_base + t * size, w_row=w_base + (j * kc + t) * n,
                   acc_row=(j % 4) * size, m=size) for j in range(kc) for t in range(kc)]
    mm.append(isa.make(Op.HALT))
    b1 = img.put(np.frombuffer(isa.encode_program(load), np.uint8))
    b2 = img.put(np.frombuffer(isa.encode_program(mm), np.uint8))
    dram = bytes(img.data)
    return [(_item("gemm_sp.load", cfg, dram, b1, len(load), "operands into SP"), False),
            (_item("gemm_sp", cfg, dram, b2, len(mm), f"{size}^3 MATMULs from SP", continues=True), True)]


def gemm_from_dram(cfg: MachineConfig, rng, size: int = 256):
    a = rng.integers(-128, 128, (size, size), dtype=np.int64).astype(np.int8)
    w = rng.integers(-128, 128, (size, size), dtype=np.int64).astype(np.int8)
    bias = rng.integers(-1000, 1001, size)
    rq = fitted_requant(rng, gemm_acc(a[:16], w, bias, 0), False)
    low = lower_gemm(cfg, a, w, bias, 0, rq)
    return [(_item("gemm_dram", cfg, low.dram_bytes(), low.inst_base, len(low.prog), f"{size}^3 lowered"), True)]


def conv_layer(cfg: MachineConfig, rng, hw: int = 56, c: int = 64):
    x = rng.integers(-128, 128, (hw, hw, c), dtype=np.int64).astype(np.int8)
    w = rng.integers(-128, 128, (3, 3, c, c), dtype=np.int64).astype(np.int8)
    bias = rng.integers(-1000, 1001, c)
    rq = fitted_requant(rng, conv2d_acc(x[:4, :4], w, bias, 0, 1, 1), True)
    low = lower_conv2d(cfg, x, w, bias, 0, rq, stride=1, pad=1)
    return [(_item("conv", cfg, low.dram_bytes(), low.inst_base, len(low.prog),
                   f"conv3x3 {hw}x{hw}x{c}->{c} pad 1"), True)]


def _vector_from_sp(case: str, cfg: MachineConfig, rng) -> list[tuple[ProgramItem, bool]]:
    """Program 1 fills the scratchpad with random rows; program 2 is vector instructions alone on them, into
    the accumulator (nothing is stored: this measures the vector unit's streaming, not the DMA). Peak: one
    scratchpad read a cycle (a VADD needs two a row)."""
    n, rows = cfg.n, min(cfg.sp_rows, 8192)
    data = rng.integers(-128, 128, (rows, n), dtype=np.int64).astype(np.int8)
    img = DramImage(cfg)
    addr = img.put(data)
    load = [isa.make(Op.LOAD, mem=MEM_SP, row=r0, y=1, x=min(4095, rows - r0), len=n, addr=addr + r0 * n, xs=n)
            for r0 in range(0, rows, 4095)]
    load += [isa.make(Op.PAD, mem=MEM_ACC, row=0, count=cfg.acc_rows, value=0), isa.make(Op.HALT)]
    half = cfg.acc_rows // 2
    if case == "vadd_sp":                 # 4 x 2048 rows, the two accumulator halves in turn
        ra, rb, fixed = constants_from_scales(0.05, 3, 0.07, -5, 0.09, 7)
        ops = [isa.make(Op.VCONFIG, ra=ra, rb=rb, fixed=fixed)]
        count = min(half, rows // 2)
        ops += [isa.make(Op.VADD, acc_row=(k % 2) * half, a_row=0, b_row=rows // 2, count=count) for k in range(8)]
        what = f"8 VADDs of {count} rows"
    elif case == "vsum_sp":               # global sums of a 56x56 map, 8 times
        ops = [isa.make(Op.VSUM, acc=1, acc_row=k, a_row=0, y=1, x=1, pitch=56, kh=56, kw=56) for k in range(8)]
        what = "8 VSUMs of 56x56 windows"
    else:                                 # 3x3 windows over 8 output rows of a 56-wide map (pitch 58), 8 bands
        op = Op.VMAX if case == "vmax_sp" else Op.VMAC
        extra = {"w_row": rows - 9, "acc": 1} if op == Op.VMAC else {}
        ops = [isa.make(op, acc_row=(k % 2) * half, a_row=k * 8 * 58, y=8, x=56, pitch=58, sy=1, sx=1, kh=3, kw=3,
                        **extra) for k in range(8)]
        what = f"8 {op.name}s of 8x56 outputs, 3x3 windows"
    ops.append(isa.make(Op.HALT))
    b1 = img.put(np.frombuffer(isa.encode_program(load), np.uint8))
    b2 = img.put(np.frombuffer(isa.encode_program(ops), np.uint8))
    dram = bytes(img.data)
    return [(_item(f"{case}.load", cfg, dram, b1, len(load), "operands into SP"), False),
            (_item(case, cfg, dram, b2, len(ops), what, continues=True), True)]


def depthwise_layer(cfg: MachineConfig, rng, hw: int = 56, c: int = 64):
    x = rng.integers(-128, 128, (hw, hw, c), dtype=np.int64).astype(np.int8)
    w = rng.integers(-128, 128, (3, 3, c), dtype=np.int64).astype(np.int8)
    bias = rng.integers(-1000, 1001, c)
    rq = per_channel_requant(0.02, rng.uniform(0.001, 0.01, c), 0.4, 0)
    low = lower_depthwise_conv(cfg, x, w, bias, 0, rq, (1, 1), (1, 1, 1, 1))
    return [(_item("depthwise", cfg, low.dram_bytes(), low.inst_base, len(low.prog),
                   f"depthwise conv3x3 {hw}x{hw}x{c} pad 1, per-channel"), True)]


def build(case: str, cfg: MachineConfig, rng) -> list[tuple[ProgramItem, bool]]:
    if case in VECTOR_CASES:
        return _vector_from_sp(case, cfg, rng)
    return {"gemm_sp": gemm_from_sp, "gemm_dram": gemm_from_dram, "conv": conv_layer,
            "depthwise": depthwise_layer}[case](cfg, rng)


__all__ = ["CASES", "Requant", "build"]
