"""pyuvm tests of the AXI master (rtl/interconnect/axi_master.v) inside tb_axi_master with the protocol checker
(the cocotb test module sim/blocks.py names): each builds the BFMs (with its backpressure, client stalls and
SLVERR ranges), the DRAM image and the config, runs its sequence and lets the bus settle; the scoreboard does
the checking."""
from __future__ import annotations

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles

from verif.common import context
from verif.common.base_test import BaseTest

from .interconnect_bfm import AxiBusBfm, ClientPorts
from .interconnect_config import InterconnectEnvConfig
from .interconnect_env import InterconnectEnv
from .interconnect_seq_lib import MEM_BYTES, READ_REGION, WRITE_REGION, AxiContentionSeq, AxiTrafficSeq


class InterconnectBaseTest(BaseTest):
    sequence = AxiTrafficSeq
    backpressure = 0.2          # probability a channel pauses in a cycle
    client_ready = 0.9          # probability a client takes (read) or offers (write) a data beat in a cycle
    faulty: list = []

    def build_phase(self):
        super().build_phase()
        d, dw = cocotb.top, context.param("DW", 128)
        image = bytes(self.rng.integers(0, 256, MEM_BYTES, dtype="uint8"))
        self.clients = ClientPorts(d, self.rng, dw, self.client_ready)
        self.bus = AxiBusBfm(d, self.rng, self.backpressure, list(self.faulty), image)
        InterconnectEnvConfig(rng=self.rng, params=context.params(), bfms=self.clients.by_agent, bus=self.bus,
                              dram_image=image, faulty=list(self.faulty), nbytes=dw // 8).publish()
        self.env = InterconnectEnv("env", self)

    async def body(self):
        await self.bus.start()
        self.clients.start()
        await self.sequence("seq", {c: a.seqr for c, a in self.env.agents.items()}).start()
        await ClockCycles(cocotb.top.clk, 5)

    def stop(self):
        self.clients.stop()
        self.bus.stop()


@pyuvm.test()
class AxiRandomTest(InterconnectBaseTest):
    """Both read clients and the write client at once: lengths 1..130 beats, 4 KiB crossings, strobes."""


@pyuvm.test()
class AxiBackpressureTest(InterconnectBaseTest):
    """The memory pauses every channel half the time and the clients stall too: handshakes must hold."""
    backpressure = 0.5
    client_ready = 0.5


@pyuvm.test()
class AxiContentionTest(InterconnectBaseTest):
    """Long transfers from both read clients at once: bursts must alternate, neither client starves."""
    sequence = AxiContentionSeq
    backpressure = 0.1


@pyuvm.test()
class AxiErrorTest(InterconnectBaseTest):
    """Parts of memory answer SLVERR: read beats from there carry rd_err, writes there end with wr_err."""
    faulty = [(READ_REGION[0] + 0x2000, READ_REGION[0] + 0x2400), (READ_REGION[0] + 0x5000, READ_REGION[0] + 0x7000),
              (WRITE_REGION[0] + 0x1000, WRITE_REGION[0] + 0x3000)]
