"""The items of the execution-unit environments (load, store, compute): what a sequence asks the driver for
(`InstrItem`, `PreloadItem`) and what the input monitor reports the unit executed (`Executed`)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pyuvm import uvm_sequence_item

from golden import isa
from golden.asm import disassemble_one
from golden.isa import Instr
from golden.layout import QUEUE_ENTRY, snapshot_configs


class InstrItem(uvm_sequence_item):
    """One instruction for the unit's queue, with the CONFIG and VCONFIG in force (their snapshot travels in the
    entry; None: the all-zero registers a program starts with)."""

    def __init__(self, ins: Instr, conf: Instr | None = None, vconf: Instr | None = None):
        super().__init__(getattr(ins.op, "name", "illegal").lower())
        self.ins, self.conf, self.vconf = ins, conf, vconf

    def __str__(self):
        return disassemble_one(self.ins) + "".join(f" with `{disassemble_one(c)}`" for c in (self.conf, self.vconf) if c)


class PreloadItem(uvm_sequence_item):
    """A memory filled before the instructions run: "DRAM" bytes from address `base`, "SP"/"ACC" rows from row
    `base` (as the RTL memories start undefined, every row an instruction reads must be filled or written)."""

    def __init__(self, mem: str, data: bytes | np.ndarray, base: int = 0):
        super().__init__(f"preload_{mem.lower()}")
        self.mem, self.data, self.base = mem, data, base


@dataclass
class Executed:
    """An entry the unit finished, decoded from its queue head as sampled when done pulsed."""
    index: int
    ins: Instr
    conf: Instr                   # the CONFIG whose snapshot the entry carried
    err: int
    counters: dict
    cycle: int
    vconf: Instr | None = None    # ... and the VCONFIG

    @classmethod
    def from_entry(cls, entry: int, err: int, counters: dict, cycle: int) -> "Executed":
        f = QUEUE_ENTRY.unpack(entry)
        conf, vconf = snapshot_configs(f["cfg"])
        return cls(f["index"], isa.decode(f["word"]), conf, err, counters, cycle, vconf)
