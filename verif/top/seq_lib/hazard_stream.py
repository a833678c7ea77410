"""Hazard-seeking streams: programs built from short patterns in which an instruction of one queue touches
what an instruction of another queue, just before it, reads or writes -- the orderings the controller's
hazard tracking must enforce -- plus bank conflicts (different rows of one scratchpad bank at once).

  store_load      LOAD reads DRAM bytes a STORE just wrote (read after write through DRAM)
  load_store      STORE overwrites DRAM bytes a LOAD is still reading (write after read)
  load_matmul     MATMUL reads SP rows (activations or weights) a LOAD just wrote
  matmul_load     LOAD overwrites SP rows a MATMUL is still reading
  acc_chain       MATMULs accumulating into the same ACC rows back to back, then a STORE of them
  store_matmul    MATMUL overwrites ACC rows a STORE is still reading
  pad_matmul      PAD under the rows a MATMUL reads
  bank_conflict   a LOAD and a MATMUL on different rows of the same SP bank (no hazard; port contention)
"""
from __future__ import annotations

import numpy as np

from golden import isa
from golden.checks import dram_span, load_rows
from golden.isa import MEM_SP, Instr, Op
from golden.random_program import Generator

from .program_seq import ProgramSeq, place

PATTERNS = ("store_load", "load_store", "load_matmul", "matmul_load", "acc_chain", "store_matmul", "pad_matmul",
            "bank_conflict")


def _with(ins: Instr, **changes) -> Instr:
    return isa.make(ins.op, **{**ins.f, **changes})


class HazardGenerator(Generator):
    def __init__(self, rng, cfg, data_bytes, banks: int = 4):
        super().__init__(rng, cfg, data_bytes)
        self.banks = banks

    def sp_load(self) -> Instr:
        while True:
            ins = self.load()
            if ins.mem == MEM_SP:
                return ins

    def pattern(self, name: str) -> list[Instr]:
        cfg, n = self.cfg, self.cfg.n
        if name in ("store_load", "load_store"):
            s, ld = self.store(), self.load()
            lo, hi = dram_span(ld)
            addr = min(s.addr + self.r(0, 8), self.data_bytes - (hi - lo + 1))
            ld = _with(ld, addr=max(0, addr))
            return [s, ld] if name == "store_load" else [ld, s]
        if name in ("load_matmul", "matmul_load", "bank_conflict"):
            ld, mm = self.sp_load(), self.matmul()
            rows = load_rows(ld)
            if name == "bank_conflict":
                # same bank (row mod banks), rows the load does not write
                a = ld.row + rows + self.banks * self.r(0, 3)
                a += (ld.row - a) % self.banks
                if a + mm.m > cfg.sp_rows:
                    return [ld, mm]
                return [ld, _with(mm, a_row=a)]
            if self.r(0, 1):
                mm = _with(mm, a_row=min(ld.row, cfg.sp_rows - mm.m))
            else:
                mm = _with(mm, w_row=min(ld.row, cfg.sp_rows - n))
            return [ld, mm] if name == "load_matmul" else [mm, ld]
        if name == "acc_chain":
            mm = self.matmul()
            chain = [_with(mm, acc=self.r(0, 1))]
            for _ in range(self.r(1, 3)):
                chain.append(_with(self.matmul(), acc=1, acc_row=mm.acc_row, m=mm.m)
                             if self.cfg.sp_rows >= mm.m else _with(mm, acc=1))
            chain = [c if c.a_row + c.m <= cfg.sp_rows else _with(c, a_row=cfg.sp_rows - c.m) for c in chain]
            st = self.store()
            x = min(st.x, mm.m)
            st = _with(st, row=mm.acc_row, y=1, x=x, ys=0)
            lo, hi = dram_span(st)
            if hi >= self.data_bytes:
                st = _with(st, addr=max(0, self.data_bytes - (hi - lo + 1)))
            return chain + [st]
        if name == "store_matmul":
            st, mm = self.store(), self.matmul()
            return [st, _with(mm, acc=0, acc_row=min(st.row, cfg.acc_rows - mm.m))]
        if name == "pad_matmul":
            mm = self.matmul()
            return [isa.make(Op.PAD, mem=MEM_SP, row=mm.a_row, count=min(mm.m, 32), value=self.r(-128, 127)), mm]
        raise ValueError(name)


def hazard_program(seed: int, cfg, length: int, data_bytes: int):
    rng = np.random.default_rng(seed)
    gen = HazardGenerator(rng, cfg, data_bytes)
    prog = gen.init_memories() + [gen.config()]
    while len(prog) < length:
        prog += gen.pattern(PATTERNS[int(rng.integers(0, len(PATTERNS)))])
    prog.append(isa.make(Op.HALT))
    return prog, rng


class HazardStreamSeq(ProgramSeq):
    stream = "hazard"
    max_latency = 40

    def items(self):
        for k in range(self.count):
            seed = int(self.rng.integers(0, 1 << 31))
            prog, prng = hazard_program(seed, self.cfg, self.opts.get("length", 30), self.data_bytes())
            dram, base = place(self.cfg, prog, prng, self.data_bytes())
            yield self.item(k, dram, base, len(prog), f"hazard_program(seed={seed})")
