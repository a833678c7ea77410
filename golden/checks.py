"""Decode-time legality checks (docs/isa.md, section 5), in the order that names the error."""
from __future__ import annotations

from .isa import MEM_ACC, MEM_SP, ErrorCode, Instr, MachineConfig, Op


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


def check(ins: Instr, cfg: MachineConfig, inst_base: int, inst_count: int) -> ErrorCode:
    if not ins.legal_opcode:
        return ErrorCode.ILLEGAL_OPCODE
    if ins.reserved_bits():
        return ErrorCode.RESERVED_BITS
    op = ins.op
    if op in (Op.LOAD, Op.STORE):
        if ins.y == 0 or ins.x == 0 or ins.len > cfg.n:
            return ErrorCode.BAD_FIELD
    elif op == Op.MATMUL:
        if ins.m == 0:
            return ErrorCode.BAD_FIELD
    elif op == Op.PAD:
        if ins.count == 0 or (ins.mem == MEM_SP and not -128 <= ins.value <= 127):
            return ErrorCode.BAD_FIELD
    # Row ranges: (memory, first row, row count) the instruction touches.
    rows: list[tuple[int, int, int]] = []
    if op == Op.LOAD:
        rows.append((ins.mem, ins.row, load_rows(ins)))
    elif op == Op.PAD:
        rows.append((ins.mem, ins.row, ins.count))
    elif op == Op.MATMUL:
        rows += [(MEM_SP, ins.a_row, ins.m), (MEM_SP, ins.w_row, cfg.n), (MEM_ACC, ins.acc_row, ins.m)]
    elif op == Op.STORE:
        rows.append((MEM_ACC, ins.row, ins.y * ins.x))
    for mem, code, limit in ((MEM_SP, ErrorCode.SP_RANGE, cfg.sp_rows), (MEM_ACC, ErrorCode.ACC_RANGE, cfg.acc_rows)):
        if any(m == mem and first + count > limit for m, first, count in rows):
            return code
    if op in (Op.LOAD, Op.STORE):
        first, last = dram_span(ins)
        if last >= cfg.dram_bytes:
            return ErrorCode.DRAM_RANGE
        if op == Op.STORE and first <= inst_base + 16 * inst_count - 1 and inst_base <= last:
            return ErrorCode.PROG_WRITE
    return ErrorCode.NONE
