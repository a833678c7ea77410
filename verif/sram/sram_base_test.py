"""Test base for the rtl/sram memories: builds a BFM per port, runs each port's traffic concurrently, waits
until every access has its response."""
from __future__ import annotations

import cocotb
from cocotb.triggers import ClockCycles, RisingEdge
from pyuvm import ConfigDB

from verif.common import context
from verif.common.base_test import BaseTest
from verif.common.clock_reset import reset, start_clock
from verif.common.components import ItemListSeq

from .mem_port_bfm import MemPortBfm
from .sram_seq_lib import Traffic


class SramBaseTest(BaseTest):
    ports: dict = {}           # name -> PortMap
    bits = 8
    memory = "scratchpad"
    traffic_class = Traffic
    limits: dict | None = None  # the scoreboard's max_wait / write_never_waits, when the defaults do not apply

    def build_phase(self):
        super().build_phase()
        self.n, self.rows = context.param("N", 8), context.param("ROWS", 64)
        self.write_priority = bool(context.param("WRITE_PRIORITY", 0))
        dut = cocotb.top
        self.bfms = {name: MemPortBfm(dut, name, pm, self.n, self.bits) for name, pm in self.ports.items()}
        for name, bfm in self.bfms.items():
            ConfigDB().set(None, f"*env.{name}.*", "PORT_BFM", bfm)
        ConfigDB().set(None, "*", "SRAM_CFG", {"ports": list(self.ports), "rows": self.rows, "lanes": self.n,
                                               "bits": self.bits, "memory": self.memory,
                                               "write_priority": self.write_priority, "limits": self.limits})
        ConfigDB().set(None, "*", "BFM", self)
        from .sram_env import SramEnv
        self.env = SramEnv("env", self)
        self.clock = None

    def traffic(self, t: Traffic) -> list[dict]:
        """Phases of traffic: each a dict port -> accesses; a phase starts when the previous one is done."""
        raise NotImplementedError

    async def body(self):
        dut = cocotb.top
        self.clock = start_clock(dut.clk)
        for bfm in self.bfms.values():
            bfm.sig("valid").value = 0
        await reset(dut.clk, dut.rst_n)
        for bfm in self.bfms.values():
            bfm.start()
        for phase in self.traffic(self.traffic_class(self.rng, self.rows, self.n, self.bits)):
            tasks = [cocotb.start_soon(ItemListSeq(f"{port}_seq", accs).start(self.env.agents[port].seqr))
                     for port, accs in phase.items()]
            for t in tasks:
                await t
            while not all(b.idle() for b in self.bfms.values()):
                await RisingEdge(dut.clk)
        await ClockCycles(dut.clk, 2)

    def stop(self):
        for bfm in self.bfms.values():
            bfm.stop()
        if self.clock:
            self.clock.cancel()
