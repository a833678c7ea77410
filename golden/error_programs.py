"""Directed error programs: for every legality check of golden/checks.py, an instruction that fails it and
passes every check before it, and a short program around it, so that each check (not only each error code)
is hit on purpose."""
from __future__ import annotations

import numpy as np

from . import isa
from .checks import Check, Program
from .isa import INSTR_BYTES, MEM_ACC, MEM_SP, Instr, MachineConfig, Op
from .random_program import Generator, RandomProgram, dram_image


def violation(check: Check, cfg: MachineConfig, prog: Program, rng) -> Instr | None:
    """An instruction that fails `check` and passes every earlier one (None where the machine makes it
    impossible: `len > N` at N = 16); `rng` (a numpy Generator) picks among the ways to fail it."""
    n, r = cfg.n, lambda lo, hi: int(rng.integers(lo, hi + 1))
    name = check.name
    if name == "opcode.illegal":
        return isa.decode((r(0, (1 << 62) - 1) << 4) | isa.ILLEGAL_OPCODES[r(0, len(isa.ILLEGAL_OPCODES) - 1)])
    if name.endswith(".reserved"):
        base = isa.encode(isa.make(check.op, **({"m": 1} if check.op == Op.MATMUL else {})))
        bits = [b for b in range(isa.INSTR_BITS) if isa.RESERVED_MASK[check.op] >> b & 1]
        return isa.decode(base | 1 << bits[r(0, len(bits) - 1)])
    if check.op in (Op.LOAD, Op.STORE):
        kw = {"y": 1, "x": 1, "len": 1, "xs": 1}
        if check.op == Op.STORE:
            kw["quant"] = 1
        what = name.split(".")[1]
        if what == "pc_raw":
            kw.update(quant=0, pc=1, xs=4)
        elif what == "qrow_range":
            if cfg.acc_rows >= 1 << 16:
                return None
            kw.update(pc=1, qrow=r(cfg.acc_rows, (1 << 16) - 1))
        if what == "y_zero":
            kw["y"] = 0
        elif what == "x_zero":
            kw["x"] = 0
        elif what == "len_gt_n":
            if n >= 16:
                return None
            kw["len"] = r(n + 1, 16)
        elif what == "sp_rows":
            kw.update(mem=MEM_SP, row=cfg.sp_rows - 1, pr=1)
        elif what == "acc_rows":
            kw.update(row=cfg.acc_rows - 1, x=2) if check.op == Op.STORE else kw.update(mem=MEM_ACC, row=cfg.acc_rows - 1, pb=1)
        elif what == "dram_span":
            kw.update(addr=cfg.dram_bytes - 1, len=min(n, 2), xs=2)
        elif what == "prog_write":
            kw.update(addr=prog.inst_base + r(0, INSTR_BYTES * prog.inst_count - 1))
        return isa.make(check.op, **kw)
    if check.op == Op.MATMUL:
        kw = {"m": 1}
        if name == "MATMUL.m_zero":
            kw["m"] = 0
        elif name == "MATMUL.a_rows":
            kw.update(a_row=cfg.sp_rows - 1, m=2)
        elif name == "MATMUL.w_rows":
            kw.update(w_row=cfg.sp_rows - n + 1)
        elif name == "MATMUL.acc_rows":
            kw.update(acc_row=cfg.acc_rows - 1, m=2)
        return isa.make(Op.MATMUL, **kw)
    if check.op == Op.PAD:
        kw = {"count": 1}
        if name == "PAD.count_zero":
            kw["count"] = 0
        elif name == "PAD.value_int8":
            kw.update(mem=MEM_SP, value=(128, -129, r(128, 1 << 30))[r(0, 2)])
        elif name == "PAD.sp_rows":
            kw.update(mem=MEM_SP, row=cfg.sp_rows - 1, count=2)
        elif name == "PAD.acc_rows":
            kw.update(mem=MEM_ACC, row=cfg.acc_rows - 1, count=2)
        return isa.make(Op.PAD, **kw)
    if check.op == Op.VADD:
        kw = {"count": 1}
        what = name.split(".")[1]
        if what == "count_zero":
            kw["count"] = 0
        elif what in ("a_rows", "b_rows"):
            kw.update({what[0] + "_row": r(cfg.sp_rows - 1, (1 << 16) - 1) if cfg.sp_rows < 1 << 16 else cfg.sp_rows - 1,
                       "count": 2})
        elif what == "acc_rows":
            kw.update(acc_row=cfg.acc_rows - 1, count=2)
        return isa.make(Op.VADD, **kw)
    if check.op in isa.WINDOW_OPS:
        kw = {"y": 1, "x": 1, "kh": 1, "kw": 1}
        what = name.split(".")[1]
        if what in ("y_zero", "x_zero", "kh_zero", "kw_zero"):
            kw[what[:-5]] = 0
        elif what == "taps_gt_16":
            kh = r(1, 16)
            kw.update(kh=kh, kw=r(16 // kh + 1, 255))
        elif what == "a_rows":
            # the window's last row past SP: by its start, its width, or its row pitch
            way = r(0, 2)
            if way == 0:
                kw.update(a_row=cfg.sp_rows - 1, kw=2)
            elif way == 1:
                kw.update(x=r(2, 4095), sx=r(1, 15), a_row=max(cfg.sp_rows - 1, 0))
            else:
                kw.update(y=2, sy=1, pitch=min(cfg.sp_rows, 65535), a_row=int(cfg.sp_rows > 65535))
        elif what == "w_rows":
            kw.update(w_row=cfg.sp_rows - 1, kw=2)
        elif what == "acc_rows":
            kw.update(acc_row=cfg.acc_rows - 1, x=2)
        return isa.make(check.op, **kw)
    if check.op == Op.VCONFIG:
        kw = {"ra": 0x3F800000, "rb": 0x3F800000, "fixed": 0}
        which = name.split(".")[1][:-6]
        bad_ratio = [0xBF800000, 0x80000000, 0x7F800000, 0x7FC00000, r(1, 0x7FFFFF), 0x47800000, 0x2F000000]
        bad_fixed = [0x7F800000, 0xFFC00000, r(1, 0x7FFFFF), 0x4C800000, 0xCC800000, 0x23000000]
        pool = bad_fixed if which == "fixed" else bad_ratio
        kw[which] = pool[r(0, len(pool) - 1)]
        return isa.make(Op.VCONFIG, **kw)
    raise ValueError(f"{name} is a property of the fetch, not of an instruction word")


def check_program(check: Check, cfg: MachineConfig, seed: int, data_bytes: int = 2048):
    """A reproducible program from `seed` that ends at `check`: a random legal prefix, then the violating
    instruction (a program that runs past DRAM's end for fetch.dram_range, one without its HALT for
    fetch.no_halt). None where the machine makes the check unreachable. The RandomProgram expects the
    check's error code at the violating index."""
    rng = np.random.default_rng(seed)
    gen = Generator(rng, cfg, data_bytes)
    prog = gen.init_memories() + [gen.random_instr() for _ in range(int(rng.integers(0, 6)))]
    inst_base = data_bytes + INSTR_BYTES * int(rng.integers(0, 8))
    at = len(prog)                        # the index that must end the program
    if check.name == "fetch.dram_range":
        # the program's first words are the last of DRAM: index `at` is the first one past its end
        inst_base = cfg.dram_bytes - INSTR_BYTES * at
        prog = prog + [isa.make(Op.HALT)]
    elif check.name != "fetch.no_halt":
        ins = violation(check, cfg, Program(inst_base, len(prog) + 2), rng)
        if ins is None:
            return None
        prog = prog + [ins, isa.make(Op.HALT)]
    return RandomProgram(cfg, dram_image(cfg, rng, prog, inst_base), prog, inst_base, (check.code, at))
