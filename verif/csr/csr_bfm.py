"""Signal level around csr_regs (cocotb only): the AXI4-Lite master (cocotbext-axi's AxiLiteMaster), the
controller-side inputs and the done pulse; and one sampling coroutine that, every cycle out of reset, puts what the
registers took into `inputs` (a write once both AW and W are accepted, a read with the inputs it sees, a done
pulse) and what they did into `outputs` (B and R responses with the request they answer and the irq pin, START
pulses, irq edges)."""
from __future__ import annotations

from collections import deque

import cocotb
from cocotb.queue import Queue
from cocotb.triggers import ReadOnly, RisingEdge
from cocotbext.axi import AxiLiteBus, AxiLiteMaster

from verif.common.clock_reset import cycle, reset, start_clock

from .csr_items import CsrResponse, DonePulseSeen, IrqEdge, ReadSeen, StartPulse, WriteSeen
from .csr_model import NCNT


def _fire(valid, ready) -> bool:
    return valid.value == 1 and ready.value == 1


class CsrBfm:
    def __init__(self, dut):
        self.dut = dut
        self.inputs: Queue = Queue()
        self.outputs: Queue = Queue()
        self.tasks = []
        self.master: AxiLiteMaster | None = None

    async def start(self):
        d = self.dut
        self.tasks.append(start_clock(d.clk))
        d.done_pulse.value = 0
        self.drive_inputs(0, 0, 0, 0, [0] * NCNT)
        self.master = AxiLiteMaster(AxiLiteBus.from_prefix(d, "s_axil"), d.clk, d.rst_n, reset_active_level=False)
        await reset(d.clk, d.rst_n)
        self.tasks.append(cocotb.start_soon(self._sample()))

    def stop(self):
        for t in self.tasks:
            t.cancel()
        self.tasks = []

    # -- driving ----------------------------------------------------------------------------------------------
    async def write(self, addr: int, data: bytes) -> None:
        await self.master.write(addr, data)

    async def read(self, addr: int, nbytes: int = 4) -> None:
        await self.master.read(addr, nbytes)

    def drive_inputs(self, busy: int, done: int, err_code: int, err_index: int, counters: list[int]) -> None:
        d = self.dut
        d.busy.value, d.done.value, d.err_code.value, d.err_index.value = busy, done, err_code, err_index
        d.counters.value = sum(v << (32 * k) for k, v in enumerate(counters))

    async def pulse_done(self, wait: int = 1) -> None:
        d = self.dut
        for _ in range(wait):
            await RisingEdge(d.clk)
        d.done_pulse.value = 1
        await RisingEdge(d.clk)
        d.done_pulse.value = 0

    # -- sampling ---------------------------------------------------------------------------------------------
    def _status(self) -> dict:
        d = self.dut
        packed = int(d.counters.value)
        return {"busy": int(d.busy.value), "done": int(d.done.value), "err_code": int(d.err_code.value),
                "err_index": int(d.err_index.value),
                "counters": [packed >> (32 * k) & 0xFFFFFFFF for k in range(NCNT)]}

    async def _sample(self):
        d = self.dut
        p = "s_axil_"
        aw, w, ar, b, r = ((getattr(d, p + ch + "valid"), getattr(d, p + ch + "ready")) for ch in "aw w ar b r".split())
        aw_addr = w_beat = None            # accepted halves of a write not yet taken
        writes, reads = deque(), deque()   # requests waiting for their response
        start_at, irq = None, 0
        while True:
            await RisingEdge(d.clk)
            await ReadOnly()
            if d.rst_n.value != 1:
                aw_addr = w_beat = start_at = None
                writes.clear()
                reads.clear()
                irq = 0
                continue
            c = cycle()
            # inputs, in the order the registers see them within a cycle: a read returns what they hold before
            # this edge; a write, then a done pulse (which wins a write-1-to-clear), change them at the edge
            if _fire(*ar):
                addr = int(d.s_axil_araddr.value)
                self.inputs.put_nowait(ReadSeen(c, addr, self._status()))
                reads.append(addr)
            if _fire(*aw):
                aw_addr = int(d.s_axil_awaddr.value)
            if _fire(*w):
                w_beat = (int(d.s_axil_wdata.value), int(d.s_axil_wstrb.value))
            if aw_addr is not None and w_beat is not None:
                self.inputs.put_nowait(WriteSeen(c, aw_addr, *w_beat))
                writes.append((aw_addr, w_beat[1]))
                aw_addr = w_beat = None
            if d.done_pulse.value == 1:
                self.inputs.put_nowait(DonePulseSeen(c))
            # outputs
            now_irq = int(d.irq.value)
            if _fire(*b):
                addr, strb = writes.popleft() if writes else (None, 0)
                self.outputs.put_nowait(CsrResponse(c, "write", addr, strb, 0, int(d.s_axil_bresp.value), now_irq))
            if _fire(*r):
                addr = reads.popleft() if reads else None
                self.outputs.put_nowait(CsrResponse(c, "read", addr, 0xF, int(d.s_axil_rdata.value),
                                                    int(d.s_axil_rresp.value), now_irq))
            if d.start.value == 1:
                start_at = c if start_at is None else start_at
            elif start_at is not None:
                self.outputs.put_nowait(StartPulse(start_at, c - start_at))
                start_at = None
            if now_irq != irq:
                self.outputs.put_nowait(IrqEdge(c, now_irq))
                irq = now_irq
