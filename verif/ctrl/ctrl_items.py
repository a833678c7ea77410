"""What the ctrl environment passes around: the program a sequence asks for (ProgramItem), what the input monitor
saw go in when the controller took START (ProgramStart), and what the output monitor saw come out of the run
(ProgramResult)."""
from __future__ import annotations

from dataclasses import dataclass, field

from pyuvm import uvm_sequence_item

from golden.isa import QUEUES


class ProgramItem(uvm_sequence_item):
    """One program to run: the DRAM image the fetch port serves (program included), where the program starts
    and how many instructions it has, and the DRAM byte windows [lo, hi) that answer with a bus error."""

    def __init__(self, name, image: bytes, inst_base: int, inst_count: int, faulty=(), label: str = ""):
        super().__init__(name)
        self.image, self.inst_base, self.inst_count = image, inst_base, inst_count
        self.faulty = list(faulty)
        self.label = label or name

    def __str__(self):
        return f"{self.label}: {self.inst_count} instructions at {self.inst_base:#x}, bus errors {self.faulty}"


@dataclass
class ProgramStart:
    """The controller took START: INST_BASE and INST_COUNT as its pins held them at that edge, with the memory
    the BFM's models serve during the run (DRAM image and bus-error windows)."""
    label: str
    inst_base: int
    inst_count: int
    image: bytes
    faulty: list
    cycle: int

    def __str__(self):
        return f"{self.label} (started at cycle {self.cycle})"


@dataclass
class ProgramResult:
    """The run as the controller's pins showed it, up to done."""
    err_code: int
    err_index: int
    done_cycle: int
    counters: dict
    # queue -> [(index, word, cfg, head_cycle, done_cycle)] in the order the unit models completed them
    executed: dict = field(default_factory=lambda: {q: [] for q in QUEUES})
    issued: list = field(default_factory=list)      # (index, cycle) of every issue
    fetches: list = field(default_factory=list)     # (addr, beats, cycle) of every fetch request taken
    events: dict = field(default_factory=dict)      # counter name -> what the unit models signalled

    def __str__(self):
        return f"run ended at cycle {self.done_cycle} with code {self.err_code} at index {self.err_index}"
