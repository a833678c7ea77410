"""Signal-level clients of axi_master: two read clients and one write client, plus an AR-channel monitor.
The read clients share vector ports (rq_valid[1:0] …), so their bits are driven through one shadow copy."""
from __future__ import annotations

import cocotb
import numpy as np
from cocotb.triggers import ReadOnly, RisingEdge
from verif.common.clock_reset import cycle
from verif.common.triggers import until_high


class SharedVectors:
    """Python-side copies of vector inputs that several coroutines drive a field of."""

    def __init__(self, dut, widths: dict[str, int]):
        self.dut, self.widths, self.vals = dut, widths, {k: 0 for k in widths}

    def set(self, name: str, index: int, value: int):
        w = self.widths[name]
        mask = ((1 << w) - 1) << (index * w)
        self.vals[name] = (self.vals[name] & ~mask) | ((value << (index * w)) & mask)
        getattr(self.dut, name).value = self.vals[name]


class ReadClientBfm:
    def __init__(self, dut, client: int, shared: SharedVectors, rng: np.random.Generator, dw: int):
        self.dut, self.c, self.sh, self.rng, self.bytes = dut, client, shared, rng, dw // 8
        self.ready_p = 1.0

    async def transfer(self, addr: int, beats: int):
        """Returns (accepted cycle, data bytes, error flags per beat, index of the beat flagged last)."""
        d, sh, c = self.dut, self.sh, self.c
        await RisingEdge(d.clk)
        sh.set("rq_valid", c, 1)
        sh.set("rq_addr", c, addr)
        sh.set("rq_beats", c, beats)
        while True:
            await ReadOnly()
            fire = (int(d.rq_ready.value) >> c) & 1
            await RisingEdge(d.clk)
            if fire:
                break
        accepted = cycle() - 1
        sh.set("rq_valid", c, 0)
        data, errs, lasts = bytearray(), [], []
        while len(errs) < beats:
            sh.set("rd_ready", c, int(self.rng.random() < self.ready_p))
            await ReadOnly()
            if (int(d.rd_valid.value) >> c) & 1 and (sh.vals["rd_ready"] >> c) & 1:
                data += int(d.rd_data.value).to_bytes(self.bytes, "little")
                errs.append(int(d.rd_err.value))
                if (int(d.rd_last.value) >> c) & 1:
                    lasts.append(len(errs) - 1)
            await RisingEdge(d.clk)
        sh.set("rd_ready", c, 0)
        return accepted, bytes(data), errs, lasts


class WriteClientBfm:
    def __init__(self, dut, rng: np.random.Generator, dw: int):
        self.dut, self.rng, self.bytes = dut, rng, dw // 8
        self.valid_p = 1.0

    async def transfer(self, addr: int, data: bytes, strb: list[int]):
        """Returns (error flag, cycles from request to done)."""
        d = self.dut
        beats = len(strb)
        await RisingEdge(d.clk)
        start = cycle()
        d.wq_valid.value, d.wq_addr.value, d.wq_beats.value = 1, addr, beats
        while True:
            await ReadOnly()
            fire = d.wq_ready.value == 1
            await RisingEdge(d.clk)
            if fire:
                break
        d.wq_valid.value = 0
        sent = 0
        done = err = None
        while done is None:
            offer = sent < beats and self.rng.random() < self.valid_p
            d.wd_valid.value = int(offer)
            if offer:
                d.wd_data.value = int.from_bytes(data[sent * self.bytes:(sent + 1) * self.bytes], "little")
                d.wd_strb.value = strb[sent]
            await ReadOnly()
            if offer and d.wd_ready.value == 1:
                sent += 1
            if d.wr_done.value == 1:
                done, err = cycle(), int(d.wr_err.value)
            await RisingEdge(d.clk)
        d.wd_valid.value = 0
        if sent != beats:
            raise AssertionError(f"write transfer finished after {sent} of {beats} data beats")
        return err, done - start


class ArMonitor:
    """Every AR handshake: (cycle, id, address, len). Wakes on ARVALID, not every clock."""

    def __init__(self, dut):
        self.dut, self.seen, self.task = dut, [], None

    def start(self):
        self.task = cocotb.start_soon(self._run())

    def stop(self):
        if self.task:
            self.task.cancel()

    async def _run(self):
        d = self.dut
        while True:
            await until_high(d.m_axi_arvalid)
            if d.m_axi_arready.value == 1:
                self.seen.append((cycle(), int(d.m_axi_arid.value), int(d.m_axi_araddr.value),
                                  int(d.m_axi_arlen.value)))
            await RisingEdge(d.clk)
