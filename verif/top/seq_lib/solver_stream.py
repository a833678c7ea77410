"""Solver-backed stream: LOAD and STORE placements drawn by pyvsc where their fields are coupled (the row
range must hold every destination row, the DRAM span -- strides times extents plus the element -- must fit
the data window, strides relate to the element size), with the independent fields (shape, pads, the other
instructions, the data) drawn by numpy. The solver runs about 150 placements a second, so this stream is a
small part of any suite; SolverStreamSeq.rate records the instructions per second it generated.

pyvsc is seeded from the test's numpy generator (RandState.mkFromSeed), so the stream reproduces from the
test seed like every other."""
from __future__ import annotations

import time

import numpy as np
import vsc

from golden import isa
from golden.isa import MEM_ACC, MEM_SP, Op
from golden.random_program import Generator

from .program_seq import ProgramSeq, place


@vsc.randobj
class Placement:
    """Where a transfer of shape y x x goes: first row, lanes, strides and DRAM address."""

    def __init__(self):
        self.row = vsc.rand_bit_t(32)
        self.len = vsc.rand_bit_t(8)
        self.xs = vsc.rand_bit_t(32)
        self.ys = vsc.rand_bit_t(32)
        self.addr = vsc.rand_bit_t(32)


class SolverGenerator(Generator):
    def __init__(self, rng, cfg, data_bytes, seed: int):
        super().__init__(rng, cfg, data_bytes)
        self.p = Placement()
        self.p.set_randstate(vsc.RandState.mkFromSeed(seed))

    def _place(self, y: int, x: int, rows_needed: int, rows: int, lane_bytes: int):
        p, n, data = self.p, self.cfg.n, self.data_bytes
        with p.randomize_with():
            p.len >= 1
            p.len <= n
            # explicit bounds first: the solver's 32-bit sums would otherwise wrap around
            p.row <= rows - rows_needed
            p.addr <= data
            p.xs <= 3 * lane_bytes * n
            p.ys <= 4 * x * lane_bytes * n
            p.xs <= 3 * lane_bytes * p.len
            p.ys <= 4 * x * lane_bytes * p.len
            p.addr + (y - 1) * p.ys + (x - 1) * p.xs + lane_bytes * p.len <= data
        return int(p.row), int(p.len), int(p.xs), int(p.ys), int(p.addr)

    def load(self):
        mem = MEM_ACC if self.r(0, 4) == 0 else MEM_SP
        rows = self.cfg.acc_rows if mem == MEM_ACC else self.cfg.sp_rows
        y, x = self.r(1, 4), self.r(1, 16)
        pads = [self.r(0, 2) for _ in range(4)] if self.r(0, 2) == 0 else [0, 0, 0, 0]
        need = (pads[0] + y + pads[1]) * (pads[2] + x + pads[3])
        if need > rows:
            y, x, pads, need = 1, 1, [0, 0, 0, 0], 1
        row, ln, xs, ys, addr = self._place(y, x, need, rows, 4 if mem == MEM_ACC else 1)
        return isa.make(Op.LOAD, mem=mem, row=row, y=y, x=x, len=ln, pt=pads[0], pb=pads[1], pl=pads[2],
                        pr=pads[3], xs=xs, ys=ys, addr=addr)

    def store(self):
        quant = self.r(0, 3) != 0
        y, x = self.r(1, 4), self.r(1, 16)
        if y * x > self.cfg.acc_rows:
            y, x = 1, 1
        row, ln, xs, ys, addr = self._place(y, x, y * x, self.cfg.acc_rows, 1 if quant else 4)
        return isa.make(Op.STORE, quant=int(quant), row=row, y=y, x=x, len=ln, xs=xs, ys=ys, addr=addr)


class SolverStreamSeq(ProgramSeq):
    stream = "solver"
    max_latency = 40
    rate: list[float] = []          # instructions per second, one figure per program

    def items(self):
        for k in range(self.count):
            seed = int(self.rng.integers(0, 1 << 31))
            prng = np.random.default_rng(seed)
            gen = SolverGenerator(prng, self.cfg, self.data_bytes(), seed)
            t0 = time.perf_counter()
            body = [gen.random_instr() for _ in range(self.opts.get("length", 24))]
            SolverStreamSeq.rate.append(len(body) / (time.perf_counter() - t0))
            prog = gen.init_memories() + body + [isa.make(Op.HALT)]
            dram, base = place(self.cfg, prog, prng, self.data_bytes())
            yield self.item(k, dram, base, len(prog), f"solver stream (seed={seed})")
