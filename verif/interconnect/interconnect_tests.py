"""pyuvm tests of the AXI master (rtl/interconnect/axi_master.v) inside tb_axi_master with the protocol checker."""
from __future__ import annotations

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles
from pyuvm import ConfigDB

from verif.common import context
from verif.common.base_test import BaseTest
from verif.common.axi_memory import axi_ram
from verif.common.clock_reset import reset, start_clock
from verif.common.components import ItemListSeq

from .axi_client_bfm import ArMonitor, ReadClientBfm, SharedVectors, WriteClientBfm
from .interconnect_env import InterconnectEnv
from .interconnect_seq_lib import MEM_BYTES, READ_REGION, WRITE_REGION, XferGen


class InterconnectBaseTest(BaseTest):
    backpressure = 0.2          # probability a channel pauses in a cycle
    client_ready = 0.9
    faulty: list = []

    def build_phase(self):
        super().build_phase()
        d = cocotb.top
        self.dw = context.param("DW", 128)
        sh = SharedVectors(d, {"rq_valid": 1, "rq_addr": 32, "rq_beats": 16, "rd_ready": 1})
        self.read_bfms = [ReadClientBfm(d, c, sh, self.rng, self.dw) for c in (0, 1)]
        self.write_bfm = WriteClientBfm(d, self.rng, self.dw)
        for name, bfm in (("read0", self.read_bfms[0]), ("read1", self.read_bfms[1]), ("write", self.write_bfm)):
            ConfigDB().set(None, f"*env.{name}.*", "CLIENT_BFM", bfm)
        ConfigDB().set(None, "*", "BFM", self)
        self.env = InterconnectEnv("env", self)
        self.gen = XferGen(self.rng, self.dw // 8)
        self.clock, self.ar_mon = None, ArMonitor(d)

    def traffic(self):
        g = self.gen
        return {"read0": g.reads(0, 12), "read1": g.reads(1, 12), "write": g.writes(10)}

    def _memory(self):
        d = cocotb.top
        ram = axi_ram(d, MEM_BYTES, self.rng, self.backpressure)
        faulty = self.faulty
        for side, attr in ((ram.read_if, "_read"), (ram.write_if, "_write")):
            real = getattr(side, attr)

            async def guarded(address, arg, real=real):
                # An access to a faulty range raises, which cocotbext-axi answers with SLVERR.
                if any(lo <= address < hi for lo, hi in faulty):
                    raise IOError(f"injected bus error at {address:#x}")
                return await real(address, arg)
            setattr(side, attr, guarded)
        init = bytes(self.rng.integers(0, 256, MEM_BYTES, dtype="uint8"))
        ram.write(0, init)
        return ram, bytearray(init)

    async def body(self):
        d = cocotb.top
        self.clock = start_clock(d.clk)
        d.rst_n.value = 0          # the memory model attaches while the bus is in reset
        for name in ("rq_valid", "rq_addr", "rq_beats", "rd_ready", "wq_valid", "wd_valid", "wq_addr", "wq_beats",
                     "wd_data", "wd_strb"):
            getattr(d, name).value = 0
        ram, shadow = self._memory()
        await reset(d.clk, d.rst_n)
        for bfm in self.read_bfms:
            bfm.ready_p = self.client_ready
        self.write_bfm.valid_p = self.client_ready
        self.ar_mon.start()
        tasks = [cocotb.start_soon(ItemListSeq(f"{c}_seq", xs).start(self.env.agents[c].seqr))
                 for c, xs in self.traffic().items()]
        for t in tasks:
            await t
        await ClockCycles(d.clk, 5)
        sb = self.env.scoreboard
        sb.shadow, sb.ram, sb.faulty, sb.bytes, sb.ar_log = shadow, ram, list(self.faulty), self.dw // 8, self.ar_mon.seen
        sb.violation = int(d.violation_code.value) if d.violation.value == 1 else None

    def stop(self):
        self.ar_mon.stop()
        if self.clock:
            self.clock.cancel()


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
    backpressure = 0.1

    def traffic(self):
        return {"read0": self.gen.reads(0, 6, long=True), "read1": self.gen.reads(1, 6, long=True)}


@pyuvm.test()
class AxiErrorTest(InterconnectBaseTest):
    """Parts of memory answer SLVERR: read beats from there carry rd_err, writes there end with wr_err."""
    faulty = [(READ_REGION[0] + 0x2000, READ_REGION[0] + 0x2400), (READ_REGION[0] + 0x5000, READ_REGION[0] + 0x7000),
              (WRITE_REGION[0] + 0x1000, WRITE_REGION[0] + 0x3000)]
