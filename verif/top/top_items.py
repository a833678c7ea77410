"""What the top-level environment passes around.

- `ProgramItem` (the sequence item): a program in a DRAM image, with the DRAM model's settings for it.
- What the BFM observed, in the order it happened, for the monitors: `ProgramStart` (the START the DUT took on
  the CSR bus, with the image and knobs the BFM had loaded), `ProgramResult` (how the run ended: status,
  counters, final DRAM, or a reset, or no interrupt within the budget), `AccRows` and `DramWrites` (tiles, in
  batches as the testbench's collectors hand them over).
- `program_work`: what a program asks of the machine, from its instructions alone (the cycle budget's input).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from pyuvm import uvm_sequence_item

from golden.checks import broadcast, check, dram_span, element_bytes, vector_reads
from golden.isa import INSTR_BYTES, VECTOR_OPS, ErrorCode, Instr, MachineConfig, Op, decode


@dataclass
class DramKnobs:
    """dram_model.v's run-time settings: read/write latency in cycles, and per-channel stall chances /256."""
    latency: int = 100
    stall_ar: int = 0
    stall_r: int = 0
    stall_aw: int = 0
    stall_w: int = 0
    stall_b: int = 0
    seed: int = 1

    def level(self) -> str:
        worst = max(self.stall_ar, self.stall_r, self.stall_aw, self.stall_w, self.stall_b)
        return "none" if worst == 0 else "light" if worst < 64 else "heavy"


@dataclass(frozen=True)
class ProgramTag:
    """Which program a run is, as reports and coverage name it: the item's name, the stream that made it and
    how to rebuild it (generator and seed). The DUT never sees it; the driver hands it to the BFM with the image."""
    name: str
    stream: str
    origin: str = ""
    continues: bool = False     # runs on the scratchpad and accumulator the previous program left (no reset)
    # what the outside reference (onnxruntime) says the program's output bytes are: (DRAM address, bytes, who)
    reference: tuple | None = field(default=None, repr=False, compare=False)

    def __str__(self):
        return f"{self.name} [{self.stream}{', ' + self.origin if self.origin else ''}]"


def instructions_at(dram: bytes, inst_base: int, inst_count: int) -> list[Instr]:
    return [decode(int.from_bytes(dram[a:a + INSTR_BYTES], "little"))
            for a in range(inst_base, inst_base + INSTR_BYTES * inst_count, INSTR_BYTES) if a + INSTR_BYTES <= len(dram)]


@dataclass
class Work:
    executed: int               # instructions it runs, HALT included (to the first one the machine refuses)
    dram_read_bytes: int
    dram_write_bytes: int
    macs: int
    vector_macs: int = 0        # VMAC's: N per tap of each output element
    vector_reads: int = 0       # the vector unit's scratchpad reads (its peak is one a cycle)


def program_work(cfg: MachineConfig, dram: bytes, inst_base: int, inst_count: int, bus_errors=()) -> Work:
    """What a program asks of the machine, from its instructions alone: it runs to its first HALT or to the
    first instruction (or fetch) the golden simulator refuses (golden.checks, the bus-error windows); its DRAM
    bytes and MACs are those the golden simulator counts. No data is computed: the program region cannot be
    written (PROG_WRITE), so the instructions are those of the image."""
    def bus(first, last):
        return any(first < hi and lo <= last for lo, hi in bus_errors)

    rd = wr = macs = vmacs = vreads = 0

    def work(executed):
        return Work(executed, rd, wr, macs, vmacs, vreads)

    for i in range(inst_count):
        addr = inst_base + INSTR_BYTES * i
        if addr + INSTR_BYTES > cfg.dram_bytes or bus(addr, addr + INSTR_BYTES - 1):
            return work(i)
        ins = decode(int.from_bytes(dram[addr:addr + INSTR_BYTES], "little"))
        if check(ins, cfg, inst_base, inst_count) != ErrorCode.NONE or (
                ins.op in (Op.LOAD, Op.STORE) and bus(*dram_span(ins))):
            return work(i)
        if ins.op == Op.HALT:
            return work(i + 1)
        if ins.op == Op.LOAD:       # a broadcast reads its one element once
            rd += element_bytes(ins) * (1 if broadcast(ins) else ins.y * ins.x)
        elif ins.op == Op.STORE:
            wr += ins.y * ins.x * element_bytes(ins)
        elif ins.op == Op.MATMUL:
            macs += ins.m * cfg.n * cfg.n
        elif ins.op in VECTOR_OPS:
            vreads += vector_reads(ins)
            vmacs += ins.y * ins.x * ins.kh * ins.kw * cfg.n if ins.op == Op.VMAC else 0
    return work(inst_count)


class ProgramItem(uvm_sequence_item):
    """A program in a DRAM image, and how to run it. `stream` names the sequence that made it (coverage, logs);
    `bus_errors` are DRAM windows the model answers with SLVERR; `reset_after` asserts reset that many cycles
    after START (the program is abandoned and checked no further)."""

    def __init__(self, name: str, cfg: MachineConfig, dram: bytes, inst_base: int, inst_count: int,
                 stream: str, knobs: DramKnobs | None = None, bus_errors: tuple = (), reset_after: int | None = None,
                 origin: str = "", continues: bool = False, reference: tuple | None = None):
        super().__init__(name)
        # the whole memory: bytes an image leaves out are zero, for the DRAM model as for the golden model
        dram = bytes(dram) + bytes(max(0, cfg.dram_bytes - len(dram)))
        self.cfg, self.dram, self.inst_base, self.inst_count = cfg, dram, inst_base, inst_count
        self.stream, self.knobs, self.bus_errors, self.reset_after = stream, knobs or DramKnobs(), bus_errors, reset_after
        self.origin = origin               # how to rebuild it (generator and seed), for the failure report
        self.continues = continues         # its operands are in SP/ACC from the program before it
        self.reference = reference         # (addr, bytes, who): the output onnxruntime computed for it

    def tag(self) -> ProgramTag:
        return ProgramTag(self.get_name(), self.stream, self.origin, self.continues, self.reference)

    def instructions(self) -> list[Instr]:
        return instructions_at(self.dram, self.inst_base, self.inst_count)

    def work(self) -> Work:
        return program_work(self.cfg, self.dram, self.inst_base, self.inst_count, self.bus_errors)

    def __str__(self):
        return str(self.tag())


# -- what the BFM observed ---------------------------------------------------------------------------------
@dataclass
class ProgramStart:
    """A START the DUT accepted on the CSR bus (a CTRL write with START set), with INST_BASE and INST_COUNT as
    last written, and the image, DRAM knobs and SLVERR windows the BFM had loaded into the DRAM model."""
    tag: ProgramTag
    dram: bytes
    inst_base: int
    inst_count: int
    knobs: DramKnobs
    bus_errors: tuple
    cycle: int

    @property
    def name(self) -> str:
        return self.tag.name

    @property
    def stream(self) -> str:
        return self.tag.stream

    def instructions(self) -> list[Instr]:
        return instructions_at(self.dram, self.inst_base, self.inst_count)

    def __str__(self):
        return str(self.tag)


@dataclass
class ProgramResult:
    """How a started program ended, as the BFM read it: after the interrupt, the error code and index, every
    counter and the whole DRAM; or the idle state read after a reset cut it short (`reset`, `extra`); or no
    interrupt within `hung` cycles, with what the hardware was waiting for then (`pending`). `violation`: the
    AXI4 checker's rule code when it flagged one by the end; `handshake`: what an internal-interface checker
    flagged by then, in words."""
    program: ProgramStart | None
    code: int
    index: int
    counters: dict
    dram: bytes
    start_cycle: int
    end_cycle: int
    dram_stalls: int = 0
    reset: bool = False               # the run was cut short by reset
    extra: dict = field(default_factory=dict)
    violation: int | None = None
    handshake: str | None = None
    hung: int | None = None
    pending: str = ""


@dataclass
class AccRows:
    """A batch of array result rows going into the accumulator, in the order they landed, each with the value
    the accumulator stored for it (after an accumulate) and the cycle it did. `written[k]` False: the
    accumulator did not write row k the cycle after it was offered; `known[k]` False: its value had X/Z bits."""
    rows: np.ndarray        # (k,) accumulator row
    written: np.ndarray     # (k,) bool
    known: np.ndarray       # (k,) bool
    values: np.ndarray      # (k, N) int64
    cycles: np.ndarray      # (k,) int64

    def __len__(self):
        return len(self.rows)


@dataclass
class DramWrites:
    """A batch of the DRAM bus's W beats, in bus order, as the bytes they write (strobed lanes only) at their
    addresses, each byte with the cycle of its beat."""
    addrs: np.ndarray       # (k,) int64
    data: np.ndarray        # (k,) uint8
    cycles: np.ndarray      # (k,) int64

    def __len__(self):
        return len(self.addrs)
