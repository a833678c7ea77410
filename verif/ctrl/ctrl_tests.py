"""pyuvm tests of the controller (the cocotb test module sim/blocks.py names): many golden random programs per
simulation, back to back, legal ones and ones with each kind of error, plus bus errors on fetch and on unit
transfers. A test builds the configuration, publishes it, runs its program stream and waits; the scoreboard
checks."""
from __future__ import annotations

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles

from golden.isa import MachineConfig
from verif.common import context
from verif.common.base_test import BaseTest

from .ctrl_bfm import CtrlBfm
from .ctrl_config import CtrlEnvConfig
from .ctrl_env import CtrlEnv
from .ctrl_seq_lib import (BusBeforeDecodeErrorSeq, BusErrorSeq, ErrorProgramSeq, LegalProgramSeq,
                           ProgramAtDramEndSeq)


class CtrlBaseTest(BaseTest):
    sequence = LegalProgramSeq
    programs = 30
    max_delay = 6                 # the unit models' longest delay (cycles)
    timeout_us = 20000

    def build_phase(self):
        super().build_phase()
        p = context.params()
        self.cfg = CtrlEnvConfig(
            rng=self.rng, params=p, programs=self.programs,
            machine=MachineConfig(n=p["N"], sp_rows=p["SP_ROWS"], acc_rows=p["ACC_ROWS"], dram_bytes=p["DRAM_BYTES"]),
            bfm=CtrlBfm(cocotb.top, context.rng(self.get_type_name() + ".timing"), self.max_delay))
        self.cfg.publish()
        self.env = CtrlEnv("env", self)

    async def body(self):
        await self.cfg.bfm.start()
        await self.sequence("programs").start(self.env.agent.seqr)
        await ClockCycles(cocotb.top.clk, 2)

    def pending(self) -> str:
        return f"{self.cfg.bfm.state()}; scoreboard: {self.env.scoreboard.pending()}"

    def stop(self):
        self.cfg.bfm.stop()


@pyuvm.test()
class CtrlLegalProgramsTest(CtrlBaseTest):
    """Legal random programs: every instruction reaches its unit, in order, hazards respected."""


@pyuvm.test()
class CtrlErrorProgramsTest(CtrlBaseTest):
    """One injected error per program, each kind in turn: the right code and index, nothing after it runs."""
    sequence = ErrorProgramSeq
    programs = 24


@pyuvm.test()
class CtrlBusErrorTest(CtrlBaseTest):
    """Memory answering with bus errors: on the program's fetch, or under a LOAD/STORE's transfer."""
    sequence = BusErrorSeq
    programs = 12


@pyuvm.test()
class CtrlBusBeforeDecodeErrorTest(CtrlBaseTest):
    """The whole data window answers bus errors and each program also has a decode error later: the unit's
    bus error (an earlier instruction) must win even when the decoder finds its error first."""
    sequence = BusBeforeDecodeErrorSeq
    programs = 16


@pyuvm.test()
class CtrlProgramAtDramEndTest(CtrlBaseTest):
    """Programs placed past the end of DRAM, or running off it: DRAM_RANGE at the first instruction that
    does not fit, and no fetch outside DRAM."""
    sequence = ProgramAtDramEndSeq
    programs = 8


@pyuvm.test()
class CtrlFastUnitsTest(CtrlBaseTest):
    """Units that finish at once: the queues drain as fast as decode issues, hazards are tested back to back."""
    max_delay = 0
