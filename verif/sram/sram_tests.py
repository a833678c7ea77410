"""The test base the rtl/sram memories' test modules share (scratchpad_tests, accumulator_tests,
accumulator_banks_tests): it builds the memory's BFM and the config, starts the test's sequence on the port
agents and waits until every port has answered; the scoreboard does the checking."""
from __future__ import annotations

import cocotb
from cocotb.triggers import ClockCycles

from verif.common import context
from verif.common.base_test import BaseTest

from .sram_bfm import PortMap, SramBfm
from .sram_config import SramEnvConfig
from .sram_env import SramEnv
from .sram_seq_lib import PhasesSeq


class SramBaseTest(BaseTest):
    ports: dict[str, PortMap] = {}      # agent name -> signals
    bits = 8                            # of a lane
    memory = "scratchpad"
    sequence: type[PhasesSeq]

    def limits(self) -> dict:
        """The config's max_wait / write_never_waits, when the defaults do not apply."""
        return {}

    def build_phase(self):
        super().build_phase()
        n = context.param("N", 8)
        self.bfm = SramBfm(cocotb.top, self.ports, n, self.bits)
        SramEnvConfig(rng=self.rng, params=context.params(), bfms=self.bfm.ports, memory=self.memory,
                      rows=context.param("ROWS", 64), lanes=n, bits=self.bits, **self.limits()).publish()
        self.env = SramEnv("env", self)

    async def body(self):
        await self.bfm.start()
        await self.sequence("seq", {name: agent.seqr for name, agent in self.env.agents.items()}).start()
        await ClockCycles(cocotb.top.clk, 2)

    def stop(self):
        self.bfm.stop()
