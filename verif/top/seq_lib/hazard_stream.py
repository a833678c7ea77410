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
  load_vector     a vector instruction reads SP rows (operands, window, weights) a LOAD just wrote
  vector_load     LOAD overwrites SP rows a vector instruction is still reading
  vector_store    STORE reads ACC rows a vector instruction just wrote
  store_vector    a vector instruction overwrites ACC rows a STORE is still reading
  matmul_vector   MATMUL and vector instruction on the same ACC rows, either order (and sharing the SP port)
  bias_vector     PAD/LOAD into ACC, then VSUM/VMAC accumulating onto it (read after write through port B)
  params_store    LOAD of a per-channel STORE's parameter row just before it; a LOAD over it just after
"""
from __future__ import annotations

import numpy as np

from golden import isa
from golden.checks import dram_span, load_rows, window_last_row
from golden.isa import MEM_ACC, MEM_SP, Instr, Op
from golden.random_program import Generator

from .program_seq import ProgramSeq, place

PATTERNS = ("store_load", "load_store", "load_matmul", "matmul_load", "acc_chain", "store_matmul", "pad_matmul",
            "bank_conflict", "load_vector", "vector_load", "vector_store", "store_vector", "matmul_vector",
            "bias_vector", "params_store")


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

    def vector(self) -> Instr:
        return self.vadd() if self.r(0, 3) == 0 else self.window()

    def _vector_at_sp(self, v: Instr, row: int) -> Instr:
        """The vector instruction moved so that its first SP read (A, B or a weight row) is `row`."""
        which = self.pick("a_row", "b_row" if v.op == Op.VADD else "w_row" if v.op == Op.VMAC else "a_row")
        if which == "a_row":
            span = v.count if v.op == Op.VADD else window_last_row(v) - v.a_row + 1
        else:
            span = v.count if which == "b_row" else v.kh * v.kw
        return _with(v, **{which: max(0, min(row, self.cfg.sp_rows - span))})

    def acc_row_load(self, row: int, count: int) -> Instr:
        """A LOAD of one int32 row replicated into ACC rows row … row+count-1 (a bias, a parameter row)."""
        n = self.cfg.n
        return isa.make(Op.LOAD, mem=MEM_ACC, row=row, y=1, x=count, len=n, xs=0,
                        addr=self.r(0, self.data_bytes - 4 * n))

    def _vector_at_acc(self, v: Instr, row: int) -> Instr:
        rows = v.count if v.op == Op.VADD else v.y * v.x
        return _with(v, acc_row=max(0, min(row, self.cfg.acc_rows - rows)))

    def _store_of(self, row: int, count: int) -> Instr:
        st = self.store()
        x = max(1, min(st.x, count, self.cfg.acc_rows - row))
        st = _with(st, row=row, y=1, x=x, ys=0)
        lo, hi = dram_span(st)
        if hi >= self.data_bytes:
            st = _with(st, addr=max(0, self.data_bytes - (hi - lo + 1)))
        return st

    def pattern(self, name: str) -> list[Instr]:
        cfg, n = self.cfg, self.cfg.n
        if name in ("load_vector", "vector_load"):
            ld = self.sp_load()
            v = self._vector_at_sp(self.vector(), ld.row)
            return [ld, v] if name == "load_vector" else [v, ld]
        if name in ("vector_store", "store_vector"):
            v = self.vector()
            row = v.acc_row
            if name == "vector_store":
                return [v, self._store_of(row, v.count if v.op == Op.VADD else v.y * v.x)]
            st = self.store()
            return [st, self._vector_at_acc(v, st.row)]
        if name == "matmul_vector":
            mm = self.matmul()
            v = self._vector_at_acc(self.vector(), mm.acc_row)
            return [mm, v] if self.r(0, 1) else [v, mm]
        if name == "bias_vector":
            op = self.pick(Op.VSUM, Op.VMAC)
            v = _with(self.window(op), acc=1)
            rows = v.y * v.x
            pre = isa.make(Op.PAD, mem=MEM_ACC, row=v.acc_row, count=rows, value=self.r(-(1 << 20), 1 << 20)) \
                if self.r(0, 1) else self.acc_row_load(v.acc_row, rows)
            return [pre, v]
        if name == "params_store":
            st = _with(self.store(), quant=1, pc=1)
            q = self.r(0, cfg.acc_rows - 1)
            st = _with(st, qrow=q)
            ld = self.acc_row_load(q, 1)
            after = isa.make(Op.PAD, mem=MEM_ACC, row=q, count=1, value=self.r(-(1 << 30), 1 << 30))
            return [ld, st, after]
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
            return chain + [self._store_of(mm.acc_row, mm.m)]
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
