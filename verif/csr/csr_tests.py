"""pyuvm tests of csr_regs (the cocotb test module sim/blocks.py names): random AXI4-Lite reads and writes (byte
strobes, unmapped addresses) while the controller-side inputs change between accesses, and the START pulse and
interrupt protocol. A test builds the configuration, publishes it, runs its stream and waits; the scoreboard
checks."""
from __future__ import annotations

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles

from verif.common import context
from verif.common.base_test import BaseTest

from .csr_bfm import CsrBfm
from .csr_config import CsrEnvConfig
from .csr_env import CsrEnv
from .csr_seq_lib import IrqSeq, RandomAccessSeq


class CsrBaseTest(BaseTest):
    sequence = RandomAccessSeq

    def build_phase(self):
        super().build_phase()
        self.cfg = CsrEnvConfig(rng=self.rng, params=context.params(), bfm=CsrBfm(cocotb.top))
        self.cfg.publish()
        self.env = CsrEnv("env", self)

    async def body(self):
        await self.cfg.bfm.start()
        await self.sequence("accesses").start(self.env.agent.seqr)
        await ClockCycles(cocotb.top.clk, 3)      # the last START pulse and irq edge

    def pending(self) -> str:
        return f"scoreboard: {self.env.scoreboard.pending()}"

    def stop(self):
        self.cfg.bfm.stop()


@pyuvm.test()
class CsrRandomAccessTest(CsrBaseTest):
    """Random reads and writes of every register and of unmapped addresses, with partial strobes, while the
    controller-side inputs change and programs end between accesses."""


@pyuvm.test()
class CsrIrqTest(CsrBaseTest):
    """A program ends (done_pulse): IRQ_STATUS sets, irq follows IRQ_EN, write-1 clears it, START pulses once."""
    sequence = IrqSeq
