"""The programs `make bench` measures (N=8 by default): a 256x256x256 GEMM with its operands already in the
scratchpad, the same GEMM from DRAM (golden/ops.py's lowering: loads, matmuls, requantised stores), and a
3x3 pad-1 convolution layer 56x56x64 -> 64. Each case is a list of (item, measured) pairs: only the measured
programs' counters make the figures; the others set up the scratchpad."""
from __future__ import annotations

import numpy as np

from golden import isa
from golden.isa import MEM_SP, MachineConfig, Op
from golden.ops import DramImage, Requant, conv2d_acc, gemm_acc, lower_conv2d, lower_gemm

from .seq_lib.directed_streams import fitted_requant
from .top_items import DramKnobs, ProgramItem

CASES = ("gemm_sp", "gemm_dram", "conv")


def _item(name, cfg, dram, base, count, origin, continues=False) -> ProgramItem:
    return ProgramItem(name, cfg, dram, base, count, "gemm" if "gemm" in name else "conv", DramKnobs(),
                       origin=origin, continues=continues)


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


def build(case: str, cfg: MachineConfig, rng) -> list[tuple[ProgramItem, bool]]:
    return {"gemm_sp": gemm_from_sp, "gemm_dram": gemm_from_dram, "conv": conv_layer}[case](cfg, rng)


__all__ = ["CASES", "Requant", "build"]
