"""Functional coverage of the top level (cocotb-coverage), sampled once per instruction that ran and once per
program: opcode x flags x size class, the hazards the program set up between queues, the stall causes the
counters saw, the DRAM model's backpressure and latency, the error codes, and the streams that ran.

TopCoverage subscribes to the program monitor's endings: each carries the program the DUT was started on and
how it ended, which say which instructions completed (those before the reported error, or through HALT)."""
from __future__ import annotations

from cocotb_coverage.coverage import CoverCross, CoverPoint, coverage_section
from pyuvm import uvm_subscriber

from golden.checks import CHECKS, Program, ending_check, load_rows
from golden.footprint import conflict, footprint, memory
from golden.isa import MEM_ACC, QUEUE, VECTOR_OPS, WINDOW_OPS, ErrorCode, Instr, MachineConfig, Op

from .top_config import TopEnvConfig
from .top_items import ProgramResult, ProgramStart

OPS = [op.name for op in Op]
FLAGS = ["sp", "acc", "sp.padded", "acc.padded", "quant", "quant.per_channel", "raw", "overwrite", "accumulate",
         "relu", "plain", "s8", "u8", "-"]
SIZES = ["1", "2..N", "N+1..4N", ">4N"]
TAPS = ["1", "2..9", "10..16", ">16"]
HAZARDS = ["dram.load_after_store", "dram.store_after_load", "sp.matmul_after_load", "sp.load_after_matmul",
           "acc.store_after_matmul", "acc.matmul_after_store", "acc.matmul_after_load", "acc.load_after_store",
           "acc.accumulate_chain", "sp.pad_under_matmul",
           # between the vector unit and the other queues
           "sp.vector_after_load", "sp.load_after_vector", "acc.store_after_vector", "acc.vector_after_store",
           "acc.vector_after_matmul", "acc.matmul_after_vector", "acc.vector_after_load", "acc.load_after_vector",
           # a per-channel STORE's parameter row
           "acc.params_after_write", "acc.write_after_params"]
STALLS = ["weight", "dma_rd", "dma_wr", "vec", "dep", "full", "other"]
STREAMS = ["legal", "hazard", "solver", "gemm", "conv", "chain", "vector_ops", "network", "random_network", "error", "checks", "bus", "reset"]
CHECK_NAMES = [c.name for c in CHECKS]
VALID_FLAGS = {"LOAD": {"sp", "acc", "sp.padded", "acc.padded"}, "STORE": {"quant", "quant.per_channel", "raw"},
               "MATMUL": {"overwrite", "accumulate"}, "PAD": {"sp", "acc"}, "CONFIG": {"relu", "plain"},
               "SYNC": {"-"}, "HALT": {"-"}, "VADD": {"s8", "u8"}, "VMAX": {"overwrite"},
               "VSUM": {"overwrite", "accumulate"}, "VMAC": {"overwrite", "accumulate"}, "VCONFIG": {"-"}}
UNSIZED = ("CONFIG", "SYNC", "HALT", "VCONFIG")


def _category(op: Op) -> str:
    return "vector" if op in VECTOR_OPS else "load" if op in (Op.LOAD, Op.PAD) else op.name.lower()


def flags(ins: Instr) -> str:
    if ins.op == Op.LOAD:
        padded = ins.pt or ins.pb or ins.pl or ins.pr
        return ("acc" if ins.mem == MEM_ACC else "sp") + (".padded" if padded else "")
    if ins.op == Op.STORE:
        return ("quant.per_channel" if ins.pc else "quant") if ins.quant else "raw"
    if ins.op in (Op.MATMUL, Op.VSUM, Op.VMAC):
        return "accumulate" if ins.acc else "overwrite"
    if ins.op == Op.VMAX:
        return "overwrite"
    if ins.op == Op.VADD:
        return "u8" if ins.u8 else "s8"
    if ins.op == Op.PAD:
        return "acc" if ins.mem == MEM_ACC else "sp"
    if ins.op == Op.CONFIG:
        return "relu" if ins.relu else "plain"
    return "-"


def size_class(ins: Instr, n: int) -> str:
    rows = {Op.LOAD: lambda: load_rows(ins), Op.STORE: lambda: ins.y * ins.x, Op.MATMUL: lambda: ins.m,
            Op.PAD: lambda: ins.count, Op.VADD: lambda: ins.count}.get(
        ins.op, lambda: ins.y * ins.x if ins.op in WINDOW_OPS else 1)()
    return "1" if rows <= 1 else "2..N" if rows <= n else "N+1..4N" if rows <= 4 * n else ">4N"


def taps_class(ins: Instr) -> str:
    t = ins.kh * ins.kw
    return "1" if t == 1 else "2..9" if t <= 9 else "10..16" if t <= 16 else ">16"


def hazard_kinds(prog: list[Instr], cfg: MachineConfig, window: int = 8) -> set[str]:
    """Conflicts between instructions close enough to be in flight together (the hardware must order them)."""
    fps = [(i, ins, footprint(ins, cfg)) for i, ins in enumerate(prog) if ins.op in QUEUE]
    kinds = set()
    for a in range(len(fps)):
        i, x, fx = fps[a]
        for b in range(a + 1, min(len(fps), a + window)):
            k, y, fy = fps[b]
            if not conflict(fx, fy):
                continue
            pair = (x.op, y.op)
            shared = {memory(ka) for ka in fx for kb in fy if memory(ka) == memory(kb)
                      and fx[ka][0] <= fy[kb][1] and fy[kb][0] <= fx[ka][1]}
            # a parameter row one side reads that the other writes
            params = [(ka, kb) for ka in fx for kb in fy if "acc.params" in (ka, kb) and memory(ka) == memory(kb)
                      and fx[ka][0] <= fy[kb][1] and fy[kb][0] <= fx[ka][1] and (fx[ka][3] or fy[kb][3])]
            if params:
                kinds.add("acc.params_after_write" if params[0][1] == "acc.params" else "acc.write_after_params")
            if x.op in VECTOR_OPS or y.op in VECTOR_OPS:
                for mem in shared & {"sp", "acc"}:
                    kinds.add(f"{mem}.{_category(y.op)}_after_{_category(x.op)}")
                continue
            if "dram" in shared:
                kinds.add("dram.load_after_store" if pair == (Op.STORE, Op.LOAD) else "dram.store_after_load")
            if "sp" in shared:
                kinds.add({(Op.LOAD, Op.MATMUL): "sp.matmul_after_load", (Op.MATMUL, Op.LOAD): "sp.load_after_matmul",
                           (Op.PAD, Op.MATMUL): "sp.pad_under_matmul"}.get(pair, "sp.load_after_matmul"))
            if "acc" in shared:
                kinds.add({(Op.MATMUL, Op.STORE): "acc.store_after_matmul",
                           (Op.STORE, Op.MATMUL): "acc.matmul_after_store",
                           (Op.LOAD, Op.MATMUL): "acc.matmul_after_load", (Op.PAD, Op.MATMUL): "acc.matmul_after_load",
                           (Op.STORE, Op.LOAD): "acc.load_after_store", (Op.STORE, Op.PAD): "acc.load_after_store",
                           (Op.MATMUL, Op.MATMUL): "acc.accumulate_chain"}.get(pair, "acc.load_after_store"))
    return kinds


_instr = coverage_section(
    CoverPoint("top.instr.opcode", xf=lambda ins, n: ins.op.name, bins=OPS),
    CoverPoint("top.instr.flags", xf=lambda ins, n: flags(ins), bins=FLAGS),
    CoverPoint("top.instr.size", xf=lambda ins, n: size_class(ins, n), bins=SIZES),
    CoverCross("top.instr.opcode_x_flags_x_size", items=["top.instr.opcode", "top.instr.flags", "top.instr.size"],
               ign_bins=[(op, f, None) for op in OPS for f in FLAGS if f not in VALID_FLAGS[op]]
               + [(op, None, s) for op in UNSIZED for s in SIZES[1:]]
               + [("LOAD", f, "1") for f in ("sp.padded", "acc.padded")]),       # pads add rows
)(lambda ins, n: None)

# The vector unit's window instructions: operation x window size (a VMAC window has at most 16 taps).
_window = coverage_section(
    CoverPoint("top.vector.window_op", xf=lambda ins: ins.op.name, bins=[op.name for op in WINDOW_OPS]),
    CoverPoint("top.vector.taps", xf=lambda ins: taps_class(ins), bins=TAPS),
    CoverPoint("top.vector.strided", xf=lambda ins: ins.sy > 1 or ins.sx > 1, bins=[True, False]),
    CoverCross("top.vector.op_x_taps", items=["top.vector.window_op", "top.vector.taps"],
               ign_bins=[("VMAC", ">16")]),
)(lambda ins: None)

_program = coverage_section(
    CoverPoint("top.program.stream", xf=lambda it, r, hz: it.stream, bins=STREAMS),
    CoverPoint("top.program.end", xf=lambda it, r, hz: "reset" if r.reset else ErrorCode(r.code).name,
               bins=[e.name for e in ErrorCode] + ["reset"]),
    CoverPoint("top.program.hazard", xf=lambda it, r, hz: hz, bins=HAZARDS,
               rel=lambda val, b: b in val, inj=False),          # a program hits several bins
    CoverPoint("top.program.stall_cause", xf=lambda it, r, hz: {s for s in STALLS if r.counters.get(
        "stall_" + s, 0) > 0}, bins=STALLS, rel=lambda val, b: b in val, inj=False),
    CoverPoint("top.program.dram_backpressure", xf=lambda it, r, hz: it.knobs.level(),
               bins=["none", "light", "heavy"]),
    CoverPoint("top.program.dram_latency", xf=lambda it, r, hz: "1" if it.knobs.latency <= 1 else
               "2..16" if it.knobs.latency <= 16 else "17..99" if it.knobs.latency < 100 else ">=100",
               bins=["1", "2..16", "17..99", ">=100"]),
    CoverPoint("top.program.bus_stalled", xf=lambda it, r, hz: r.dram_stalls > 0, bins=[True, False]),
    CoverCross("top.program.latency_x_backpressure",
               items=["top.program.dram_latency", "top.program.dram_backpressure"]),
)(lambda it, r, hz: None)


# One bin per legality check of docs/isa.md section 5, in the decoder's order: several checks share an error
# code, so a code's bin says nothing about which of its checks the hardware applied.
_check = coverage_section(
    CoverPoint("top.checks.check", xf=lambda name: name, bins=CHECK_NAMES),
)(lambda name: None)


def completed(prog: list[Instr], result: ProgramResult) -> int:
    """How many instructions completed: those before the one the error names, or through the first HALT."""
    if result.code:
        return result.index
    return next((i + 1 for i, ins in enumerate(prog) if ins.legal_opcode and ins.op == Op.HALT), len(prog))


def sample(program: ProgramStart, result: ProgramResult, cfg: MachineConfig):
    """The instructions that completed and the program as a whole."""
    if result.reset:
        _program(program, result, set())
        return
    prog = program.instructions()
    if result.code:
        check = ending_check(prog, cfg, Program(program.inst_base, program.inst_count), ErrorCode(result.code),
                             result.index)
        if check is not None:
            _check(check.name)
    ran = [ins for ins in prog[:completed(prog, result)] if ins.legal_opcode]
    for ins in ran:
        _instr(ins, cfg.n)
        if ins.op in WINDOW_OPS:
            _window(ins)
    _program(program, result, hazard_kinds([ins for ins in ran if ins.op in QUEUE], cfg))


class TopCoverage(uvm_subscriber):
    """Fed by the program monitor's endings (a hung run has no ending to cover)."""

    def write(self, r: ProgramResult):
        if r.program is not None and r.hung is None:
            sample(r.program, r, TopEnvConfig.get(self).machine)
