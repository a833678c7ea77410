"""pyuvm tests of csr_regs: random AXI4-Lite reads and writes (byte strobes, unmapped addresses) while the
controller-side inputs change between accesses, and the START pulse and interrupt protocol."""
from __future__ import annotations

import cocotb
import pyuvm
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge
from cocotbext.axi import AxiLiteBus, AxiLiteMaster
from pyuvm import ConfigDB, uvm_env

from verif.common import context
from verif.common.base_test import BaseTest
from verif.common.clock_reset import reset, start_clock
from verif.common.scoreboard_base import ScoreboardBase

from .csr_coverage import sample_access
from .csr_model import NCNT, CsrModel

ADDRS = [0x00, 0x04, 0x08, 0x0C, 0x10, 0x14, 0x18, 0x1C, 0x20, 0x24, 0x28] + [0x40 + 4 * k for k in range(NCNT)]
UNMAPPED = [0x2C, 0x30, 0x3C, 0x40 + 4 * NCNT, 0x100, 0xFFC]


class CsrScoreboard(ScoreboardBase):
    def expect(self, what: str, got, want):
        self.compared += 1
        if got != want:
            self.mismatch(f"{what}: expected {want:#x}, got {got:#x}" if isinstance(want, int) else
                          f"{what}: expected {want}, got {got}")


class CsrEnv(uvm_env):
    def build_phase(self):
        self.scoreboard = CsrScoreboard("scoreboard", self)


class CsrBaseTest(BaseTest):
    accesses = 400

    def build_phase(self):
        super().build_phase()
        self.params = context.params()
        self.model = CsrModel(self.params)
        ConfigDB().set(None, "*", "BFM", self)
        self.env = CsrEnv("env", self)
        self.tasks = []

    async def start_pulses(self):
        d = cocotb.top
        while True:
            await RisingEdge(d.start)
            self.pulses += 1
            await RisingEdge(d.clk)
            await ReadOnly()
            self.env.scoreboard.expect("START pulse width (still high a cycle later)", int(d.start.value), 0)

    def drive_status(self):
        d, r = cocotb.top, self.rng
        self.status = {"busy": int(r.integers(0, 2)), "done": int(r.integers(0, 2)), "err_code": int(r.integers(0, 16)),
                       "err_index": int(r.integers(0, 1 << 16)),
                       "counters": [int(v) for v in r.integers(0, 1 << 32, NCNT, dtype="uint64")]}
        d.busy.value, d.done.value = self.status["busy"], self.status["done"]
        d.err_code.value, d.err_index.value = self.status["err_code"], self.status["err_index"]
        d.counters.value = sum(v << (32 * k) for k, v in enumerate(self.status["counters"]))

    async def body(self):
        d = cocotb.top
        self.tasks.append(start_clock(d.clk))
        d.done_pulse.value = 0
        self.drive_status()
        self.master = AxiLiteMaster(AxiLiteBus.from_prefix(d, "s_axil"), d.clk, d.rst_n, reset_active_level=False)
        await reset(d.clk, d.rst_n)
        self.pulses = 0
        self.tasks.append(cocotb.start_soon(self.start_pulses()))
        await self.traffic()
        await ClockCycles(d.clk, 3)
        self.env.scoreboard.expect("START pulses", self.pulses, self.model.starts)

    async def access(self):
        r, sb, m = self.rng, self.env.scoreboard, self.model
        addr = int(r.choice(ADDRS)) if r.random() < 0.9 else int(r.choice(UNMAPPED))
        if r.random() < 0.5:
            nbytes = int(r.choice([4, 4, 1, 2]))
            offset = int(r.integers(0, 5 - nbytes)) if nbytes < 4 else 0
            data = int(r.integers(0, 1 << 32, dtype="uint64"))
            if addr == 0x00 and r.random() < 0.7:
                data &= ~1          # keep START rare
            chunk = (data >> (8 * offset) & ((1 << (8 * nbytes)) - 1)).to_bytes(nbytes, "little")
            rsp = await self.master.write(addr + offset, chunk)
            strb = ((1 << nbytes) - 1) << offset
            want = m.write(addr, data & (((1 << (8 * nbytes)) - 1) << (8 * offset)), strb)
            sb.expect(f"BRESP of write {addr:#x} strb {strb:#x}", int(rsp.resp), want)
            sample_access("write", addr, strb, int(rsp.resp))
        else:
            rsp = await self.master.read(addr, 4)
            want_data, want_resp = m.read(addr, self.status)
            sb.expect(f"RRESP of read {addr:#x}", int(rsp.resp), want_resp)
            sample_access("read", addr, 0xF, int(rsp.resp))
            if want_resp == 0:
                sb.expect(f"read {addr:#x}", int.from_bytes(rsp.data, "little"), want_data)

    async def traffic(self):
        for _ in range(self.accesses):
            if self.rng.random() < 0.3:
                self.drive_status()
            await self.access()

    def stop(self):
        for t in self.tasks:
            t.cancel()


@pyuvm.test()
class CsrRandomAccessTest(CsrBaseTest):
    """Random reads and writes of every register and of unmapped addresses, with partial strobes."""


@pyuvm.test()
class CsrIrqTest(CsrBaseTest):
    """A program ends (done_pulse): IRQ_STATUS sets, irq follows IRQ_EN, write-1 clears it, START pulses once."""
    accesses = 0

    async def traffic(self):
        d, sb, m = cocotb.top, self.env.scoreboard, self.model
        for en in (1, 0, 1):
            await self.master.write(0x00, bytes([en << 1 | 1, 0, 0, 0]))
            m.write(0x00, en << 1 | 1, 0xF)
            await RisingEdge(d.clk)
            d.done_pulse.value = 1
            await RisingEdge(d.clk)
            d.done_pulse.value = 0
            m.done_pulse()
            await ReadOnly()
            sb.expect(f"irq with IRQ_EN={en} after done", int(d.irq.value), m.irq)
            await RisingEdge(d.clk)
            rsp = await self.master.read(0x18, 4)
            sb.expect("IRQ_STATUS after done", int.from_bytes(rsp.data, "little"), 1)
            await self.master.write(0x18, bytes([1, 0, 0, 0]))
            m.write(0x18, 1, 0xF)
            await ReadOnly()
            sb.expect("irq after write-1-to-clear", int(d.irq.value), m.irq)
            await RisingEdge(d.clk)
            rsp = await self.master.read(0x18, 4)
            sb.expect("IRQ_STATUS after write-1-to-clear", int.from_bytes(rsp.data, "little"), 0)
