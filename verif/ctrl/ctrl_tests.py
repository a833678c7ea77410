"""pyuvm tests of the controller: many golden random programs per simulation, back to back (the controller
returns to idle after each), legal ones and ones with each kind of error, plus bus errors on fetch and on
unit transfers."""
from __future__ import annotations

import cocotb
import pyuvm
from pyuvm import ConfigDB, uvm_env

from golden.isa import MachineConfig
from golden.random_program import ERROR_KINDS, random_program
from verif.common import context
from verif.common.base_test import BaseTest

from .ctrl_bfm import CtrlBfm
from .ctrl_scoreboard import CtrlScoreboard


class CtrlEnv(uvm_env):
    def build_phase(self):
        self.scoreboard = CtrlScoreboard("scoreboard", self)


class CtrlBaseTest(BaseTest):
    programs = 30
    error_kinds: tuple = (None,)
    max_delay = 6
    timeout_us = 20000

    def build_phase(self):
        super().build_phase()
        p = context.params()
        self.cfg = MachineConfig(n=p["N"], sp_rows=p["SP_ROWS"], acc_rows=p["ACC_ROWS"], dram_bytes=p["DRAM_BYTES"])
        self.bfm = CtrlBfm(cocotb.top, self.rng)
        self.bfm.max_delay = self.max_delay
        ConfigDB().set(None, "*", "BFM", self.bfm)
        self.env = CtrlEnv("env", self)

    def faulty_for(self, rp, k):
        return []

    def place(self, rp, k):
        """Where the program goes (a test may move it); returns (image, inst_base)."""
        return rp.dram, rp.inst_base

    async def body(self):
        await self.bfm.start()
        base_seed = int(self.rng.integers(0, 1 << 30))
        for k in range(self.programs):
            kind = self.error_kinds[k % len(self.error_kinds)]
            rp = random_program(base_seed + k, cfg=self.cfg, error_kind=kind, data_bytes=min(2048, self.cfg.dram_bytes // 4))
            faulty = self.faulty_for(rp, k)
            rp.dram, rp.inst_base = self.place(rp, k)
            code, index, done_cycle, counters = await self.bfm.run_program(rp.dram, rp.inst_base, rp.inst_count, faulty)
            self.env.scoreboard.check_program(f"program {k} (random_program seed {base_seed + k}, {kind or 'legal'})",
                                              rp, faulty, code, index, done_cycle, self.bfm.executed,
                                              list(self.bfm.issued), counters, dict(self.bfm.events))


@pyuvm.test()
class CtrlLegalProgramsTest(CtrlBaseTest):
    """Legal random programs: every instruction reaches its unit, in order, hazards respected."""


@pyuvm.test()
class CtrlErrorProgramsTest(CtrlBaseTest):
    """One injected error per program, each kind in turn: the right code and index, nothing after it runs."""
    error_kinds = tuple(ERROR_KINDS)
    programs = 24


@pyuvm.test()
class CtrlBusErrorTest(CtrlBaseTest):
    """Memory answering with bus errors: on the program's fetch, or under a LOAD/STORE's transfer."""
    programs = 12

    def faulty_for(self, rp, k):
        if k % 2 == 0:   # part of the program itself
            at = rp.inst_base + 16 * int(self.rng.integers(2, rp.inst_count))
            return [(at, at + 16)]
        lo = int(self.rng.integers(0, 2048 - 64))
        return [(lo, lo + 64)]


@pyuvm.test()
class CtrlBusBeforeDecodeErrorTest(CtrlBaseTest):
    """The whole data window answers bus errors and each program also has a decode error later: the unit's
    bus error (an earlier instruction) must win even when the decoder finds its error first."""
    error_kinds = tuple(ERROR_KINDS)
    programs = 16

    def faulty_for(self, rp, k):
        return [(0, min(2048, self.cfg.dram_bytes // 4))]


@pyuvm.test()
class CtrlProgramAtDramEndTest(CtrlBaseTest):
    """Programs placed past the end of DRAM, or running off it: DRAM_RANGE at the first instruction that
    does not fit, and no fetch outside DRAM."""
    programs = 8

    def place(self, rp, k):
        from golden.isa import encode_program
        blob = encode_program(rp.prog)
        dram_bytes = self.cfg.dram_bytes
        if k % 2 == 0:
            base = dram_bytes + 16 * int(self.rng.integers(0, 64))
            return rp.dram, base
        keep = int(self.rng.integers(1, rp.inst_count))          # instructions that fit
        base = dram_bytes - 16 * keep
        image = bytearray(rp.dram[:dram_bytes])
        image[base:dram_bytes] = blob[:16 * keep]
        return bytes(image), base


@pyuvm.test()
class CtrlFastUnitsTest(CtrlBaseTest):
    """Units that finish at once: the queues drain as fast as decode issues, hazards are tested back to back."""
    max_delay = 0
