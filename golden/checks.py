"""Decode-time legality checks (docs/isa.md, section 5): every check one row of CHECKS, in the order the
decoder applies them; the first that fails names the error. Several checks share an error code (LOAD's
`y = 0`, `x = 0` and `len > N` are all BAD_FIELD), so coverage counts checks, not codes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .isa import INSTR_BYTES, MEM_ACC, MEM_SP, VMAC_MAX_TAPS, WINDOW_OPS, ErrorCode, Instr, MachineConfig, Op
from .qladd import FIXED_EXP, RATIO_EXP, constant_error


def element_bytes(ins: Instr) -> int:
    """Bytes one LOAD/STORE element moves in DRAM."""
    wide = (ins.op == Op.LOAD and ins.mem == MEM_ACC) or (ins.op == Op.STORE and ins.quant == 0)
    return ins.len * (4 if wide else 1)


def dram_span(ins: Instr) -> tuple[int, int]:
    """First and last DRAM byte a LOAD/STORE touches (unbounded integers: no wrap)."""
    last = ins.addr + (ins.y - 1) * ins.ys + (ins.x - 1) * ins.xs + element_bytes(ins) - 1
    return ins.addr, last


def load_rows(ins: Instr) -> int:
    return (ins.pt + ins.y + ins.pb) * (ins.pl + ins.x + ins.pr)


def window_last_row(ins: Instr) -> int:
    """The last SP row a VMAX/VSUM/VMAC window reads (unbounded integer)."""
    return ins.a_row + ((ins.y - 1) * ins.sy + ins.kh - 1) * ins.pitch + (ins.x - 1) * ins.sx + ins.kw - 1


def vector_reads(ins: Instr) -> int:
    """The scratchpad rows a vector instruction reads (its VEC_ACTIVE cycles): A and B of each VADD row, every
    tap of every window, and a VMAC's weight rows once."""
    if ins.op == Op.VADD:
        return 2 * ins.count
    taps = ins.kh * ins.kw
    return ins.y * ins.x * taps + (taps if ins.op == Op.VMAC else 0)


@dataclass(frozen=True)
class Program:
    """Where the program sits: what PROG_WRITE compares a STORE's span with."""
    inst_base: int
    inst_count: int

    @property
    def last_byte(self) -> int:
        return self.inst_base + INSTR_BYTES * self.inst_count - 1


Predicate = Callable[[Instr, MachineConfig, Program], bool]


@dataclass(frozen=True)
class Check:
    name: str              # "<OPCODE>.<what>", or "fetch.<what>" for the checks before decode
    op: Op | None          # the opcode it applies to (None: any word)
    code: ErrorCode
    rule: str              # the condition, as docs/isa.md section 5 states it
    fails: Predicate


def _store_over_program(ins: Instr, cfg: MachineConfig, p: Program) -> bool:
    first, last = dram_span(ins)
    return first <= p.last_byte and p.inst_base <= last


def _transfer(op: Op) -> list[Check]:
    """LOAD's and STORE's checks (they share their transfer fields)."""
    out = [Check(f"{op.name}.y_zero", op, ErrorCode.BAD_FIELD, "y = 0", lambda i, c, p: i.y == 0),
           Check(f"{op.name}.x_zero", op, ErrorCode.BAD_FIELD, "x = 0", lambda i, c, p: i.x == 0),
           Check(f"{op.name}.len_gt_n", op, ErrorCode.BAD_FIELD, "len > N", lambda i, c, p: i.len > c.n)]
    if op == Op.STORE:
        out.append(Check("STORE.pc_raw", op, ErrorCode.BAD_FIELD, "pc = 1 and quant = 0",
                         lambda i, c, p: i.pc == 1 and i.quant == 0))
    if op == Op.LOAD:
        out += [Check("LOAD.sp_rows", op, ErrorCode.SP_RANGE, "mem=sp and row + (pt+y+pb)(pl+x+pr) > SP_ROWS",
                      lambda i, c, p: i.mem == MEM_SP and i.row + load_rows(i) > c.sp_rows),
                Check("LOAD.acc_rows", op, ErrorCode.ACC_RANGE, "mem=acc and row + (pt+y+pb)(pl+x+pr) > ACC_ROWS",
                      lambda i, c, p: i.mem == MEM_ACC and i.row + load_rows(i) > c.acc_rows)]
    else:
        out += [Check("STORE.acc_rows", op, ErrorCode.ACC_RANGE, "row + y·x > ACC_ROWS",
                      lambda i, c, p: i.row + i.y * i.x > c.acc_rows),
                Check("STORE.qrow_range", op, ErrorCode.ACC_RANGE, "pc = 1 and qrow ≥ ACC_ROWS",
                      lambda i, c, p: i.pc == 1 and i.qrow >= c.acc_rows)]
    out.append(Check(f"{op.name}.dram_span", op, ErrorCode.DRAM_RANGE, "last byte of the span ≥ DRAM_BYTES",
                     lambda i, c, p: dram_span(i)[1] >= c.dram_bytes))
    if op == Op.STORE:
        out.append(Check("STORE.prog_write", op, ErrorCode.PROG_WRITE, "the span overlaps the program",
                         _store_over_program))
    return out


def _window(op: Op) -> list[Check]:
    """VMAX's, VSUM's and VMAC's checks (they share their window fields)."""
    n = op.name
    out = [Check(f"{n}.y_zero", op, ErrorCode.BAD_FIELD, "y = 0", lambda i, c, p: i.y == 0),
           Check(f"{n}.x_zero", op, ErrorCode.BAD_FIELD, "x = 0", lambda i, c, p: i.x == 0),
           Check(f"{n}.kh_zero", op, ErrorCode.BAD_FIELD, "kh = 0", lambda i, c, p: i.kh == 0),
           Check(f"{n}.kw_zero", op, ErrorCode.BAD_FIELD, "kw = 0", lambda i, c, p: i.kw == 0)]
    if op == Op.VMAC:
        out.append(Check("VMAC.taps_gt_16", op, ErrorCode.BAD_FIELD, f"kh·kw > {VMAC_MAX_TAPS}",
                         lambda i, c, p: i.kh * i.kw > VMAC_MAX_TAPS))
    out.append(Check(f"{n}.a_rows", op, ErrorCode.SP_RANGE,
                     "a_row + ((y−1)·sy + kh−1)·pitch + (x−1)·sx + kw−1 ≥ SP_ROWS",
                     lambda i, c, p: window_last_row(i) >= c.sp_rows))
    if op == Op.VMAC:
        out.append(Check("VMAC.w_rows", op, ErrorCode.SP_RANGE, "w_row + kh·kw > SP_ROWS",
                         lambda i, c, p: i.w_row + i.kh * i.kw > c.sp_rows))
    out.append(Check(f"{n}.acc_rows", op, ErrorCode.ACC_RANGE, "acc_row + y·x > ACC_ROWS",
                     lambda i, c, p: i.acc_row + i.y * i.x > c.acc_rows))
    return out


def _vconfig(name: str) -> Check:
    lo, hi = FIXED_EXP if name == "fixed" else RATIO_EXP          # golden/qladd.py's ranges, stated once
    span = f"[2^−{-lo}, 2^{hi + 1})"
    rule = f"±0, or normal with magnitude in {span}" if name == "fixed" else f"+0, or positive normal in {span}"
    return Check(f"VCONFIG.{name}_range", Op.VCONFIG, ErrorCode.BAD_FIELD, f"{name} is not {rule}",
                 lambda i, c, p: constant_error(name, i.f[name]) is not None)


CHECKS: tuple[Check, ...] = tuple(
    [Check("fetch.dram_range", None, ErrorCode.DRAM_RANGE, "inst_base + 16·i + 15 ≥ DRAM_BYTES",
           lambda i, c, p: False),      # a property of the fetch, not of a word: see fetch_check
     Check("fetch.no_halt", None, ErrorCode.NO_HALT, "execution reached inst_count without a HALT",
           lambda i, c, p: False),
     Check("opcode.illegal", None, ErrorCode.ILLEGAL_OPCODE, "opcode 0 or 13 … 15",
           lambda i, c, p: not i.legal_opcode)]
    + [Check(f"{op.name}.reserved", op, ErrorCode.RESERVED_BITS, "a reserved bit is 1",
             lambda i, c, p: bool(i.reserved_bits())) for op in Op]
    + _transfer(Op.LOAD) + _transfer(Op.STORE)
    + [Check("MATMUL.m_zero", Op.MATMUL, ErrorCode.BAD_FIELD, "m = 0", lambda i, c, p: i.m == 0),
       Check("MATMUL.a_rows", Op.MATMUL, ErrorCode.SP_RANGE, "a_row + m > SP_ROWS",
             lambda i, c, p: i.a_row + i.m > c.sp_rows),
       Check("MATMUL.w_rows", Op.MATMUL, ErrorCode.SP_RANGE, "w_row + N > SP_ROWS",
             lambda i, c, p: i.w_row + c.n > c.sp_rows),
       Check("MATMUL.acc_rows", Op.MATMUL, ErrorCode.ACC_RANGE, "acc_row + m > ACC_ROWS",
             lambda i, c, p: i.acc_row + i.m > c.acc_rows),
       Check("PAD.count_zero", Op.PAD, ErrorCode.BAD_FIELD, "count = 0", lambda i, c, p: i.count == 0),
       Check("PAD.value_int8", Op.PAD, ErrorCode.BAD_FIELD, "mem=sp and value outside −128 … 127",
             lambda i, c, p: i.mem == MEM_SP and not -128 <= i.value <= 127),
       Check("PAD.sp_rows", Op.PAD, ErrorCode.SP_RANGE, "mem=sp and row + count > SP_ROWS",
             lambda i, c, p: i.mem == MEM_SP and i.row + i.count > c.sp_rows),
       Check("PAD.acc_rows", Op.PAD, ErrorCode.ACC_RANGE, "mem=acc and row + count > ACC_ROWS",
             lambda i, c, p: i.mem == MEM_ACC and i.row + i.count > c.acc_rows),
       Check("VADD.count_zero", Op.VADD, ErrorCode.BAD_FIELD, "count = 0", lambda i, c, p: i.count == 0),
       Check("VADD.a_rows", Op.VADD, ErrorCode.SP_RANGE, "a_row + count > SP_ROWS",
             lambda i, c, p: i.a_row + i.count > c.sp_rows),
       Check("VADD.b_rows", Op.VADD, ErrorCode.SP_RANGE, "b_row + count > SP_ROWS",
             lambda i, c, p: i.b_row + i.count > c.sp_rows),
       Check("VADD.acc_rows", Op.VADD, ErrorCode.ACC_RANGE, "acc_row + count > ACC_ROWS",
             lambda i, c, p: i.acc_row + i.count > c.acc_rows)]
    + [c for op in WINDOW_OPS for c in _window(op)]
    + [_vconfig(name) for name in ("ra", "rb", "fixed")])

BY_NAME = {c.name: c for c in CHECKS}
DECODE_CHECKS = tuple(c for c in CHECKS if not c.name.startswith("fetch."))


def failing_check(ins: Instr, cfg: MachineConfig, prog: Program) -> Check | None:
    """The first check the decoder applies that `ins` fails, or None for a legal instruction."""
    for c in DECODE_CHECKS:
        if c.op is not None and c.op != ins.op:
            continue
        if c.fails(ins, cfg, prog):
            return c
    return None


def check(ins: Instr, cfg: MachineConfig, inst_base: int, inst_count: int) -> ErrorCode:
    c = failing_check(ins, cfg, Program(inst_base, inst_count))
    return ErrorCode.NONE if c is None else c.code


def ending_check(prog_words: list[Instr], cfg: MachineConfig, prog: Program, code: ErrorCode,
                 index: int) -> Check | None:
    """The check that ended a program with (code, index), as the hardware reported it: what a coverage bin
    per check samples. None for DONE, BUS, or a code that no check of that instruction explains."""
    if code == ErrorCode.NO_HALT:
        return BY_NAME["fetch.no_halt"]
    if code == ErrorCode.DRAM_RANGE and prog.inst_base + INSTR_BYTES * (index + 1) > cfg.dram_bytes:
        return BY_NAME["fetch.dram_range"]
    if not 0 <= index < len(prog_words):
        return None
    c = failing_check(prog_words[index], cfg, prog)
    return c if c is not None and c.code == code else None


def broadcast(ins) -> bool:
    """A LOAD of one DRAM element repeated in every data row (xs = 0, and one row or ys = 0): the load unit reads
    it once (rtl/load/load_unit.v)."""
    return ins.op == Op.LOAD and ins.xs == 0 and (ins.y == 1 or ins.ys == 0)
