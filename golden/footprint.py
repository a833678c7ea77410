"""Which SP rows, ACC rows and DRAM bytes an instruction reads and writes: what the hardware's hazard
tracking must respect (two instructions conflict when they touch overlapping locations of one memory and
at least one of them writes there)."""
from __future__ import annotations

from .checks import dram_span, load_rows, window_last_row
from .isa import MEM_ACC, WINDOW_OPS, Instr, MachineConfig, Op


def footprint(ins: Instr, cfg: MachineConfig) -> dict[str, tuple[int, int, bool, bool]]:
    """range -> (first, last, reads, writes) for a legal instruction; a range is named by its memory ("sp",
    "acc", "dram"), a second range of one memory by a suffix: MATMUL's and VMAC's weights and VADD's second
    operand "sp.weights", a per-channel STORE's parameter row "acc.params"."""
    fp = {}
    if ins.op == Op.LOAD:
        mem = "acc" if ins.mem == MEM_ACC else "sp"
        fp[mem] = (ins.row, ins.row + load_rows(ins) - 1, False, True)
        fp["dram"] = (*dram_span(ins), True, False)
    elif ins.op == Op.PAD:
        fp["acc" if ins.mem == MEM_ACC else "sp"] = (ins.row, ins.row + ins.count - 1, False, True)
    elif ins.op == Op.MATMUL:
        # activations and weights are two ranges of SP (a write between them is no conflict)
        fp["sp"] = (ins.a_row, ins.a_row + ins.m - 1, True, False)
        fp["sp.weights"] = (ins.w_row, ins.w_row + cfg.n - 1, True, False)
        fp["acc"] = (ins.acc_row, ins.acc_row + ins.m - 1, bool(ins.acc), True)
    elif ins.op == Op.STORE:
        fp["acc"] = (ins.row, ins.row + ins.y * ins.x - 1, True, False)
        fp["dram"] = (*dram_span(ins), False, True)
        if ins.pc:
            fp["acc.params"] = (ins.qrow, ins.qrow, True, False)
    elif ins.op == Op.VADD:
        fp["sp"] = (ins.a_row, ins.a_row + ins.count - 1, True, False)
        fp["sp.weights"] = (ins.b_row, ins.b_row + ins.count - 1, True, False)
        fp["acc"] = (ins.acc_row, ins.acc_row + ins.count - 1, False, True)
    elif ins.op in WINDOW_OPS:
        fp["sp"] = (ins.a_row, window_last_row(ins), True, False)
        if ins.op == Op.VMAC:
            fp["sp.weights"] = (ins.w_row, ins.w_row + ins.kh * ins.kw - 1, True, False)
        fp["acc"] = (ins.acc_row, ins.acc_row + ins.y * ins.x - 1, ins.op != Op.VMAX and bool(ins.acc), True)
    return fp


def memory(key: str) -> str:
    """"sp.weights" is a second range of "sp"."""
    return key.split(".")[0]


def conflict(a: dict, b: dict) -> bool:
    for ka, (lo, hi, rd, wr) in a.items():
        for kb, (lo2, hi2, rd2, wr2) in b.items():
            if memory(ka) == memory(kb) and lo <= hi2 and lo2 <= hi and ((wr and (rd2 or wr2)) or (wr2 and rd)):
                return True
    return False

