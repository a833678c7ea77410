"""Tile monitors of npu_top. Each wakes only while its valid is high (no Python on idle cycles).

- AccWriteMonitor: the MAC array's result rows on their way into the accumulator, reported with the value the
  accumulator stores for them (after an accumulate), one AccRowWrite per row, in the order they land.
- DramWriteMonitor: the AXI4 write channel: each W beat paired with its burst's address, reported as the
  bytes it writes (strobed lanes only), in bus order.
"""
from __future__ import annotations

from dataclasses import dataclass

import cocotb
import numpy as np
from cocotb.triggers import FallingEdge, ReadOnly, RisingEdge
from pyuvm import uvm_analysis_port, uvm_monitor

from verif.common import context
from verif.common.bits import unpack_signed
from verif.common.clock_reset import cycle
from verif.common.triggers import until_high

BEAT_BYTES = 16


@dataclass
class AccRowWrite:
    row: int
    values: np.ndarray | None     # None: the accumulator did not write the row the cycle after it was offered
    cycle: int


@dataclass
class DramWrite:
    addrs: list[int]
    data: bytes
    cycle: int


class AccWriteMonitor(uvm_monitor):
    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)

    async def run_phase(self):
        top = cocotb.top
        npu, n = top.u_npu, context.param("N")
        valid, row = npu.c_acc_valid, npu.c_acc_row
        s1_valid, s1_new = npu.u_acc.a_wb_valid, npu.u_acc.a_wb_data
        while True:
            await until_high(valid)
            pending = int(row.value)
            while pending is not None:
                # the array's row was accepted at this edge; the accumulator's stage 1 writes it now
                await RisingEdge(top.clk)
                await ReadOnly()
                if top.rst_n.value != 1:                 # reset cut the row short: it is nobody's result
                    break
                vals = unpack_signed(int(s1_new.value), n, 32) if s1_valid.value == 1 else None
                self.ap.write(AccRowWrite(pending, None if vals is None else np.array(vals, np.int64), cycle()))
                pending = int(row.value) if valid.value == 1 else None
            await RisingEdge(top.clk)


class DramWriteMonitor(uvm_monitor):
    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)
        self.bursts: list[int] = []            # AW addresses not yet matched by their last W beat
        self.beat = 0
        self.epoch = 0                         # bumped by reset: what was in flight before it is void

    async def run_phase(self):
        cocotb.start_soon(self._aw())
        cocotb.start_soon(self._reset())
        d = cocotb.top
        while True:
            await until_high(d.m_axi_wvalid)
            if d.m_axi_wready.value == 1 and d.rst_n.value == 1:          # nothing counts during reset
                data, strb, last = int(d.m_axi_wdata.value), int(d.m_axi_wstrb.value), d.m_axi_wlast.value == 1
                epoch = self.epoch
                while not self.bursts and epoch == self.epoch:   # W may lead AW: wait for the address
                    await RisingEdge(d.clk)
                    await ReadOnly()
                if epoch != self.epoch:
                    await RisingEdge(d.clk)
                    continue
                base = self.bursts[0] + BEAT_BYTES * self.beat
                lanes = [i for i in range(BEAT_BYTES) if strb >> i & 1]
                self.ap.write(DramWrite([base + i for i in lanes], bytes(data >> (8 * i) & 0xFF for i in lanes),
                                        cycle()))
                self.beat += 1
                if last:
                    self.bursts.pop(0)
                    self.beat = 0
            await RisingEdge(d.clk)

    async def _reset(self):
        d = cocotb.top
        while True:
            await FallingEdge(d.rst_n)
            self.bursts.clear()
            self.beat = 0
            self.epoch += 1

    async def _aw(self):
        d = cocotb.top
        while True:
            await until_high(d.m_axi_awvalid)
            if d.m_axi_awready.value == 1 and d.rst_n.value == 1:
                self.bursts.append(int(d.m_axi_awaddr.value))
            await RisingEdge(d.clk)
