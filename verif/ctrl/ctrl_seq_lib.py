"""Program streams for ctrl: golden random programs (golden/random_program.py), back to back (the controller
returns to idle after each), legal or with each kind of error in turn, with bus-error windows, or placed at the
end of DRAM. Every draw comes from the config's seeded generator; a program's own content from its seed, which
its label names."""
from __future__ import annotations

from pyuvm import uvm_sequence

from golden.isa import INSTR_BYTES, encode_program
from golden.random_program import ERROR_KINDS, RandomProgram, random_program

from .ctrl_config import CtrlEnvConfig
from .ctrl_items import ProgramItem


class ProgramSeq(uvm_sequence):
    """`cfg.programs` random programs; subclasses choose the error kinds, the bus-error windows and the
    placement."""
    error_kinds: tuple = (None,)

    async def body(self):
        self.cfg = cfg = CtrlEnvConfig.get()
        self.rng = cfg.rng
        base_seed = int(self.rng.integers(0, 1 << 30))
        for k in range(cfg.programs):
            kind = self.error_kinds[k % len(self.error_kinds)]
            rp = random_program(base_seed + k, cfg=cfg.machine, error_kind=kind, data_bytes=cfg.data_bytes)
            faulty = self.faulty(rp, k)
            image, inst_base = self.place(rp, k)
            item = ProgramItem(f"program{k}", image, inst_base, rp.inst_count, faulty,
                               label=f"program {k} (random_program seed {base_seed + k}, {kind or 'legal'})")
            await self.start_item(item)
            await self.finish_item(item)

    def faulty(self, rp: RandomProgram, k: int) -> list:
        """DRAM byte windows [lo, hi) that answer with a bus error."""
        return []

    def place(self, rp: RandomProgram, k: int) -> tuple[bytes, int]:
        """The DRAM image and INST_BASE (where the generator put the program, unless a subclass moves it)."""
        return rp.dram, rp.inst_base


class LegalProgramSeq(ProgramSeq):
    """Legal random programs: every instruction reaches its unit, in order, hazards respected."""


class ErrorProgramSeq(ProgramSeq):
    """One injected error per program, each kind in turn."""
    error_kinds = tuple(ERROR_KINDS)


class BusErrorSeq(ProgramSeq):
    """A bus-error window on part of the program itself (even programs) or under the data a LOAD/STORE may
    move (odd ones)."""

    def faulty(self, rp, k):
        if k % 2 == 0:
            at = rp.inst_base + INSTR_BYTES * int(self.rng.integers(2, rp.inst_count))
            return [(at, at + INSTR_BYTES)]
        lo = int(self.rng.integers(0, self.cfg.data_bytes - 64))
        return [(lo, lo + 64)]


class BusBeforeDecodeErrorSeq(ProgramSeq):
    """The whole data window answers bus errors and each program also has a decode error later."""
    error_kinds = tuple(ERROR_KINDS)

    def faulty(self, rp, k):
        return [(0, self.cfg.data_bytes)]


class ProgramAtDramEndSeq(ProgramSeq):
    """Programs placed past the end of DRAM (even programs), or running off it (odd ones)."""

    def place(self, rp, k):
        dram_bytes = self.cfg.machine.dram_bytes
        if k % 2 == 0:
            return rp.dram, dram_bytes + INSTR_BYTES * int(self.rng.integers(0, 64))
        keep = int(self.rng.integers(1, rp.inst_count))          # instructions that fit
        base = dram_bytes - INSTR_BYTES * keep
        image = bytearray(rp.dram[:dram_bytes])
        image[base:dram_bytes] = encode_program(rp.prog)[:INSTR_BYTES * keep]
        return bytes(image), base
