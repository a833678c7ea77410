"""Instruction-level simulator of npu8 over a DRAM image (vectorised numpy, integers only).

It records a trace of every tile result, in program order, for the scoreboards: each MATMUL's and each vector
instruction's accumulator tile (the rows it wrote) and each STORE's output tile (the `y × x × len` values it
wrote to DRAM).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .asm import disassemble_one
from .checks import broadcast, check, dram_span, element_bytes, load_rows, vector_reads
from .isa import INSTR_BYTES, MEM_ACC, ErrorCode, Instr, MachineConfig, Op, decode
from .qladd import qladd
from .requant import requantize, requantize_lanes


@dataclass
class TraceEntry:
    index: int            # instruction index in the program
    op: Op                # MATMUL, STORE, or a vector instruction (VADD, VMAX, VSUM, VMAC)
    data: np.ndarray      # MATMUL and vector: (rows, N) int32 ACC rows; STORE: (y, x, len) int8 (quant) or int32 (raw)
    where: dict           # MATMUL and vector: acc_row; STORE: addr, xs, ys

    def describe(self) -> str:
        loc = ", ".join(f"{k}={v:#x}" if k == "addr" else f"{k}={v}" for k, v in self.where.items())
        return f"#{self.index} {self.op.name} tile {tuple(self.data.shape)} ({loc})"


@dataclass
class RunResult:
    status: str                   # "DONE" or "ERROR"
    err_code: ErrorCode
    err_index: int
    executed: int                 # instructions that completed, HALT included
    trace: list[TraceEntry]
    dram: np.ndarray              # uint8
    sp: np.ndarray                # (SP_ROWS, N) int8
    acc: np.ndarray               # (ACC_ROWS, N) int32
    stats: dict = field(default_factory=dict)
    faulting: Instr | None = None  # the instruction that raised the error, when it was fetched

    def message(self) -> str:
        if self.status == "DONE":
            return f"DONE after {self.executed} instructions"
        what = f": {disassemble_one(self.faulting)}" if self.faulting is not None else ""
        return f"ERROR {self.err_code.name} (code {int(self.err_code)}) at instruction {self.err_index}{what}"


def wrap32(v: np.ndarray) -> np.ndarray:
    return ((np.asarray(v, dtype=np.int64) + (1 << 31)) % (1 << 32) - (1 << 31)).astype(np.int32)


class Simulator:
    """`bus_errors`: DRAM byte ranges [lo, hi) whose every access the memory answers with an AXI error; the
    first instruction (or fetch) touching one ends the program with BUS, as the hardware reports it."""

    def __init__(self, cfg: MachineConfig, dram, sp=None, acc=None, bus_errors=(), record: bool = True):
        self.cfg = cfg
        self.record = record          # the tile trace (the scoreboards'); a network run on the host needs none
        self.bus_errors = list(bus_errors)
        d = np.frombuffer(bytes(dram), dtype=np.uint8) if isinstance(dram, (bytes, bytearray)) else np.asarray(dram)
        if d.dtype != np.uint8 or d.ndim != 1:
            raise TypeError("dram must be bytes or a 1-D uint8 array")
        if len(d) > cfg.dram_bytes:
            raise ValueError(f"DRAM image of {len(d)} bytes exceeds DRAM_BYTES={cfg.dram_bytes}")
        self.dram = np.zeros(cfg.dram_bytes, dtype=np.uint8)
        self.dram[:len(d)] = d
        self.sp = np.zeros((cfg.sp_rows, cfg.n), np.int8) if sp is None else np.array(sp, np.int8)
        self.acc = np.zeros((cfg.acc_rows, cfg.n), np.int32) if acc is None else np.array(acc, np.int32)
        if self.sp.shape != (cfg.sp_rows, cfg.n) or self.acc.shape != (cfg.acc_rows, cfg.n):
            raise ValueError("sp/acc shapes do not match the machine configuration")

    # -- one program ---------------------------------------------------------------------------------------
    def run(self, inst_base: int, inst_count: int) -> RunResult:
        if inst_base % INSTR_BYTES or inst_base < 0:
            raise ValueError(f"inst_base {inst_base:#x} is not a non-negative multiple of {INSTR_BYTES}")
        if not 1 <= inst_count <= 0xFFFF:
            raise ValueError(f"inst_count {inst_count} outside 1..65535")
        self.config = dict(relu=0, pad=0, out_zp=0, shift=0, multiplier=0, ra=0, rb=0, fixed=0)
        self.trace: list[TraceEntry] = []
        self.stats = {"macs": 0, "dram_read_bytes": 0, "dram_write_bytes": 0, "ops": {op.name: 0 for op in Op}}
        for i in range(inst_count):
            addr = inst_base + INSTR_BYTES * i
            if addr + INSTR_BYTES > self.cfg.dram_bytes:
                return self._result("ERROR", ErrorCode.DRAM_RANGE, i, i)
            if self._bus_error(addr, addr + INSTR_BYTES - 1):
                return self._result("ERROR", ErrorCode.BUS, i, i)
            word = int.from_bytes(self.dram[addr:addr + INSTR_BYTES].tobytes(), "little")
            ins = decode(word)
            err = check(ins, self.cfg, inst_base, inst_count)
            if err == ErrorCode.NONE and ins.op in (Op.LOAD, Op.STORE) and self._bus_error(*dram_span(ins)):
                err = ErrorCode.BUS
            if err != ErrorCode.NONE:
                return self._result("ERROR", err, i, i, ins)
            self.stats["ops"][ins.op.name] += 1
            if ins.op == Op.HALT:
                return self._result("DONE", ErrorCode.NONE, 0, i + 1)
            self.execute(i, ins)
        return self._result("ERROR", ErrorCode.NO_HALT, inst_count, inst_count)

    def _bus_error(self, first: int, last: int) -> bool:
        return any(first < hi and lo <= last for lo, hi in self.bus_errors)

    def _result(self, status, code, index, executed, faulting=None) -> RunResult:
        return RunResult(status, ErrorCode(code), index, executed, self.trace, self.dram, self.sp, self.acc,
                         self.stats, faulting)

    # -- instructions (already checked legal) --------------------------------------------------------------
    def execute(self, index: int, ins: Instr) -> None:
        HANDLERS[ins.op](self, index, ins)

    def _addresses(self, ins: Instr) -> np.ndarray:
        """(y, x, element bytes) DRAM byte addresses of a LOAD/STORE's elements."""
        i = np.arange(ins.y, dtype=np.int64)[:, None, None] * ins.ys
        j = np.arange(ins.x, dtype=np.int64)[None, :, None] * ins.xs
        b = np.arange(element_bytes(ins), dtype=np.int64)[None, None, :]
        return ins.addr + i + j + b

    def _load(self, index, ins):
        raw = self.dram[self._addresses(ins)]
        # one element repeated is read once (the load unit's broadcast)
        self.stats["dram_read_bytes"] += raw.size // (ins.x * ins.y) if broadcast(ins) else raw.size
        if ins.mem == MEM_ACC:
            mem, data, pad = self.acc, raw.reshape(-1).view("<i4").reshape(ins.y, ins.x, ins.len), 0
        else:
            mem, data, pad = self.sp, raw.view(np.int8), self.config["pad"]
        h, w = ins.pt + ins.y + ins.pb, ins.pl + ins.x + ins.pr
        block = np.zeros((h, w, self.cfg.n), dtype=mem.dtype)
        block[:, :, :ins.len] = pad
        block[ins.pt:ins.pt + ins.y, ins.pl:ins.pl + ins.x, :ins.len] = data
        mem[ins.row:ins.row + load_rows(ins)] = block.reshape(h * w, self.cfg.n)

    def _matmul(self, index, ins):
        n = self.cfg.n
        a = self.sp[ins.a_row:ins.a_row + ins.m].astype(np.int64)
        w = self.sp[ins.w_row:ins.w_row + n].astype(np.int64)
        s = a @ w
        dst = slice(ins.acc_row, ins.acc_row + ins.m)
        self.acc[dst] = wrap32(s + self.acc[dst]) if ins.acc else s.astype(np.int32)
        self.stats["macs"] += ins.m * n * n
        if self.record:
            self.trace.append(TraceEntry(index, Op.MATMUL, self.acc[dst].copy(), {"acc_row": ins.acc_row}))

    def _store(self, index, ins):
        rows = self.acc[ins.row:ins.row + ins.y * ins.x].reshape(ins.y, ins.x, self.cfg.n)[:, :, :ins.len]
        c = self.config
        if ins.quant and ins.pc:
            params = self.acc[ins.qrow, :ins.len].astype(np.int64) & 0xFFFFFFFF
            vals = requantize_lanes(rows, params & 0xFFFFFF, (params >> 24) & 0x3F, c["out_zp"], bool(c["relu"]))
        elif ins.quant:
            vals = requantize(rows, c["multiplier"], c["shift"], c["out_zp"], bool(c["relu"]))
        else:
            vals = rows.astype("<i4")
        # Flattened in element order, so that overlapping elements resolve with the later one winning.
        self.dram[self._addresses(ins).reshape(-1)] = vals.reshape(-1).view(np.uint8)
        self.stats["dram_write_bytes"] += vals.nbytes
        if self.record:
            self.trace.append(TraceEntry(index, Op.STORE, vals.copy(), {"addr": ins.addr, "xs": ins.xs, "ys": ins.ys}))

    def _pad(self, index, ins):
        mem = self.acc if ins.mem == MEM_ACC else self.sp
        mem[ins.row:ins.row + ins.count] = ins.value

    def _config(self, index, ins):
        self.config.update(ins.f)

    _vconfig = _config               # each sets its own registers

    def _vector_result(self, index, ins, rows: np.ndarray) -> None:
        self.stats["vector_reads"] = self.stats.get("vector_reads", 0) + vector_reads(ins)
        dst = slice(ins.acc_row, ins.acc_row + len(rows))
        self.acc[dst] = wrap32(rows + self.acc[dst]) if ins.f.get("acc") else wrap32(rows)
        if self.record:
            self.trace.append(TraceEntry(index, ins.op, self.acc[dst].copy(), {"acc_row": ins.acc_row}))

    def _vadd(self, index, ins):
        c = self.config
        a, b = self.sp[ins.a_row:ins.a_row + ins.count], self.sp[ins.b_row:ins.b_row + ins.count]
        self._vector_result(index, ins, qladd(a, b, c["ra"], c["rb"], c["fixed"], bool(ins.u8)).astype(np.int64))

    def _window(self, ins) -> np.ndarray:
        """(y·x, kh·kw, N) int64: every output element's window of SP rows."""
        i = np.arange(ins.y)[:, None, None, None]
        j = np.arange(ins.x)[None, :, None, None]
        u = np.arange(ins.kh)[None, None, :, None]
        v = np.arange(ins.kw)[None, None, None, :]
        rows = ins.a_row + (i * ins.sy + u) * ins.pitch + j * ins.sx + v
        return self.sp[rows.reshape(ins.y * ins.x, ins.kh * ins.kw)].astype(np.int64)

    def _vmax(self, index, ins):
        self._vector_result(index, ins, self._window(ins).max(axis=1))

    def _vsum(self, index, ins):
        self._vector_result(index, ins, self._window(ins).sum(axis=1))

    def _vmac(self, index, ins):
        w = self.sp[ins.w_row:ins.w_row + ins.kh * ins.kw].astype(np.int64)
        self._vector_result(index, ins, (self._window(ins) * w[None]).sum(axis=1))

    def _sync(self, index, ins):
        pass


def _handlers() -> dict:
    """Every opcode's handler (`_<mnemonic>`), looked up once: an opcode added to isa.Op without one fails at
    import, not in the middle of a program. HALT ends the run in `run` itself."""
    missing = [op.name for op in Op if op != Op.HALT and not hasattr(Simulator, "_" + op.name.lower())]
    if missing:
        raise ImportError(f"golden.simulator: no handler Simulator._{missing[0].lower()} for opcode(s) "
                          f"{', '.join(missing)} (docs/adding-an-instruction.md)")
    return {op: getattr(Simulator, "_" + op.name.lower()) for op in Op if op != Op.HALT}


HANDLERS = _handlers()


def run_program(cfg: MachineConfig, dram, inst_base: int, inst_count: int, sp=None, acc=None,
                bus_errors=()) -> RunResult:
    return Simulator(cfg, dram, sp, acc, bus_errors).run(inst_base, inst_count)
