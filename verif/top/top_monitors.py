"""Tile monitors of npu_top. Each wakes only while its valid is high (no Python on idle cycles).

- AccWriteMonitor: the MAC array's result rows on their way into the accumulator, reported with the value the
  accumulator stores for them (after an accumulate), one AccRowWrite per row, in the order they land.
- DramWriteMonitor: the AXI4 write channel: each W beat paired with its burst's address, reported as the
  bytes it writes (strobed lanes only), in bus order.

Signals are read by probe name (hdl/tb_npu_top.probes.yaml), never by a hierarchy path written here.
"""
from __future__ import annotations

from dataclasses import dataclass

import cocotb
import numpy as np
from cocotb.triggers import FallingEdge, ReadOnly, RisingEdge
from pyuvm import uvm_analysis_port, uvm_monitor

from verif.common import context, probes
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
        p, n = probes.of(), context.param("N")
        clk, rst_n = p["clk"], p["rst_n"]
        valid, row = p["acc.in_valid"], p["acc.in_row"]
        s1_valid, s1_new = p["acc.wb_valid"], p["acc.wb_data"]
        while True:
            await until_high(valid)
            pending = int(row.value)
            while pending is not None:
                # the array's row was accepted at this edge; the accumulator's stage 1 writes it now
                await RisingEdge(clk)
                await ReadOnly()
                if rst_n.value != 1:                     # reset cut the row short: it is nobody's result
                    break
                vals = unpack_signed(int(s1_new.value), n, 32) if s1_valid.value == 1 else None
                self.ap.write(AccRowWrite(pending, None if vals is None else np.array(vals, np.int64), cycle()))
                pending = int(row.value) if valid.value == 1 else None
            await RisingEdge(clk)


class DramWriteMonitor(uvm_monitor):
    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)
        self.bursts: list[int] = []            # AW addresses not yet matched by their last W beat
        self.beat = 0
        self.epoch = 0                         # bumped by reset: what was in flight before it is void

    async def run_phase(self):
        cocotb.start_soon(self._aw())
        cocotb.start_soon(self._reset())
        p = probes.of()
        clk, rst_n = p["clk"], p["rst_n"]
        wvalid, wready, wdata, wstrb, wlast = (p[f"axi.w{k}"] for k in ("valid", "ready", "data", "strb", "last"))
        while True:
            await until_high(wvalid)
            if wready.value == 1 and rst_n.value == 1:                    # nothing counts during reset
                data, strb, last = int(wdata.value), int(wstrb.value), wlast.value == 1
                epoch = self.epoch
                while not self.bursts and epoch == self.epoch:   # W may lead AW: wait for the address
                    await RisingEdge(clk)
                    await ReadOnly()
                if epoch != self.epoch:
                    await RisingEdge(clk)
                    continue
                base = self.bursts[0] + BEAT_BYTES * self.beat
                lanes = [i for i in range(BEAT_BYTES) if strb >> i & 1]
                self.ap.write(DramWrite([base + i for i in lanes], bytes(data >> (8 * i) & 0xFF for i in lanes),
                                        cycle()))
                self.beat += 1
                if last:
                    self.bursts.pop(0)
                    self.beat = 0
            await RisingEdge(clk)

    async def _reset(self):
        rst_n = probes.of()["rst_n"]
        while True:
            await FallingEdge(rst_n)
            self.bursts.clear()
            self.beat = 0
            self.epoch += 1

    async def _aw(self):
        p = probes.of()
        clk, rst_n, awvalid, awready, awaddr = (p[k] for k in ("clk", "rst_n", "axi.awvalid", "axi.awready",
                                                                "axi.awaddr"))
        while True:
            await until_high(awvalid)
            if awready.value == 1 and rst_n.value == 1:
                self.bursts.append(int(awaddr.value))
            await RisingEdge(clk)
