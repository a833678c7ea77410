"""One request/response memory port at signal level: drive requests with valid/ready, record when each was
accepted (and how long it waited), and sample the response the next cycle. One coroutine per port."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import cocotb
import numpy as np
from cocotb.triggers import Event, ReadOnly, RisingEdge
from pyuvm import uvm_sequence_item

from verif.common.clock_reset import cycle
from verif.common.bits import pack, unpack_signed


@dataclass
class PortMap:
    """Signal names of one port; a role the port lacks is None."""
    valid: str
    ready: str
    row: str
    rsp_valid: str
    rsp_err: str
    we: str | None = None          # 1 = write (scratchpad); absent = the port's fixed direction
    acc: str | None = None         # accumulate flag (accumulator write port)
    lane_en: str | None = None
    wdata: str | None = None
    rdata: str | None = None
    writes: bool = False           # a write-only port


class Access(uvm_sequence_item):
    """One memory access: what to issue, and what the BFM saw happen to it."""

    def __init__(self, port: str, write: bool, row: int, lanes: int = 0, data=None, acc: bool = False,
                 gap: int = 0):
        super().__init__(f"{port}_access")
        self.port, self.write, self.row, self.lanes, self.data, self.acc, self.gap = \
            port, write, row, lanes, data, acc, gap
        self.cycle = -1             # cycle the request was accepted
        self.waited = 0             # cycles valid was high before acceptance
        self.rsp_cycle = -1
        self.rsp_err = False
        self.rsp_data: np.ndarray | None = None


class MemPortBfm:
    def __init__(self, dut, name: str, pm: PortMap, lanes: int, lane_bits: int):
        self.dut, self.name, self.pm, self.lanes, self.bits = dut, name, pm, lanes, lane_bits
        self.queue: deque[Access] = deque()
        self.done: deque[Access] = deque()         # accepted, awaiting the response
        self.completed: list[Access] = []
        self.event = Event()
        self.task = None
        self.on_complete = None                    # callback(Access), set by the monitor

    def sig(self, role):
        return getattr(self.dut, getattr(self.pm, role))

    def start(self):
        self.sig("valid").value = 0
        self.task = cocotb.start_soon(self._run())

    def stop(self):
        if self.task:
            self.task.cancel()

    def send(self, acc: Access):
        self.queue.append(acc)
        self.event.set()

    def idle(self) -> bool:
        return not self.queue and not self.done

    async def _run(self):
        d, pm = self.dut, self.pm
        clk = d.clk
        while True:
            if not self.queue and not self.done:
                self.event.clear()
                await self.event.wait()
                await RisingEdge(clk)
            req = self.queue[0] if self.queue else None
            if req is not None and req.gap > 0:
                req.gap -= 1
                self.sig("valid").value = 0
                req = None
            elif req is not None:
                self.sig("valid").value = 1
                self.sig("row").value = req.row
                if pm.we:
                    self.sig("we").value = int(req.write)
                if pm.acc:
                    self.sig("acc").value = int(req.acc)
                if pm.lane_en:
                    self.sig("lane_en").value = req.lanes
                if pm.wdata:
                    self.sig("wdata").value = pack(req.data if req.data is not None else [0] * self.lanes, self.bits)
            else:
                self.sig("valid").value = 0
            await ReadOnly()
            now = cycle()
            if self.sig("rsp_valid").value == 1:
                acc = self.done.popleft() if self.done else None
                if acc is None:
                    raise AssertionError(f"{self.name}: response at cycle {now} with no request outstanding")
                acc.rsp_cycle = now
                acc.rsp_err = self.sig("rsp_err").value == 1
                if pm.rdata and not acc.write:
                    raw = self.sig("rdata").value
                    # X/Z data is kept as its text; the scoreboard decides whether it matters.
                    acc.rsp_data = (unpack_signed(int(raw), self.lanes, self.bits) if raw.is_resolvable
                                    else str(raw))
                self.completed.append(acc)
                if self.on_complete:
                    self.on_complete(acc)
            if req is not None:
                if self.sig("ready").value == 1:
                    req.cycle = now
                    self.done.append(self.queue.popleft())
                else:
                    req.waited += 1
            await RisingEdge(clk)
