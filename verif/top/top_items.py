"""What the top-level environment passes around: a program to run (the sequence item) with the DRAM model's
settings for it, and what its run left (status, counters, final DRAM)."""
from __future__ import annotations

from dataclasses import dataclass, field

from pyuvm import uvm_sequence_item

from golden.isa import INSTR_BYTES, Instr, MachineConfig, decode


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


class ProgramItem(uvm_sequence_item):
    """A program in a DRAM image, and how to run it. `stream` names the sequence that made it (coverage, logs);
    `bus_errors` are DRAM windows the model answers with SLVERR; `reset_after` asserts reset that many cycles
    after START (the program is abandoned and checked no further)."""

    def __init__(self, name: str, cfg: MachineConfig, dram: bytes, inst_base: int, inst_count: int,
                 stream: str, knobs: DramKnobs | None = None, bus_errors: tuple = (), reset_after: int | None = None,
                 origin: str = ""):
        super().__init__(name)
        # the whole memory: bytes an image leaves out are zero, for the DRAM model as for the golden model
        dram = bytes(dram) + bytes(max(0, cfg.dram_bytes - len(dram)))
        self.cfg, self.dram, self.inst_base, self.inst_count = cfg, dram, inst_base, inst_count
        self.stream, self.knobs, self.bus_errors, self.reset_after = stream, knobs or DramKnobs(), bus_errors, reset_after
        self.origin = origin               # how to rebuild it (generator and seed), for the failure report
        self.result: ProgramResult | None = None

    def instructions(self) -> list[Instr]:
        d = self.dram
        return [decode(int.from_bytes(d[a:a + INSTR_BYTES], "little"))
                for a in range(self.inst_base, self.inst_base + INSTR_BYTES * self.inst_count, INSTR_BYTES)
                if a + INSTR_BYTES <= len(d)]

    def __str__(self):
        return f"{self.get_name()} [{self.stream}{', ' + self.origin if self.origin else ''}]"


@dataclass
class ProgramResult:
    code: int
    index: int
    counters: dict
    dram: bytes
    start_cycle: int
    end_cycle: int
    dram_stalls: int = 0
    reset: bool = False               # the run was cut short by reset
    extra: dict = field(default_factory=dict)
