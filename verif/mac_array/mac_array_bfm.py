"""Signal level of mac_array (cocotb only): two driving coroutines (weight rows, activation rows) fed by queues
of whole rows, and three sampling coroutines, one per interface, that put what the DUT accepted (weight rows,
activation rows) and what it produced (result rows) into the queues the monitors read.

The tag is the testbench's to choose (the array only carries it to the result): its top bit marks the last row
of a tile, the bits below count rows, so the monitors see where each tile ends."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import cocotb
import numpy as np
from cocotb.queue import Queue
from cocotb.triggers import ClockCycles, Event, ReadOnly, RisingEdge

from verif.common.bits import pack, unpack_signed
from verif.common.clock_reset import cycle, reset, start_clock
from verif.common.sampling_tally import SamplingTally
from verif.common.triggers import until_high


@dataclass
class WeightRowIn:
    """A weight row the array accepted, and whether rows were in flight then (double buffering)."""
    data: np.ndarray
    busy: bool


@dataclass
class ActRowIn:
    """An activation row the array accepted: its data, swap flag and tag, the cycle, and the idle cycles
    (valid low) since the row before it."""
    data: np.ndarray
    swap: bool
    tag: int
    cycle: int
    idle: int


@dataclass
class ResultRowOut:
    tag: int
    data: np.ndarray

    def __str__(self):
        return f"result row with tag {self.tag}: {self.data.tolist()}"


class MacArrayBfm:
    def __init__(self, dut, n: int, tag_w: int):
        self.dut, self.n, self.tag_w = dut, n, tag_w
        self.last_bit = 1 << (tag_w - 1)      # the tag bit that marks a tile's last row
        self.weights: deque = deque()         # packed rows to drive
        self.acts: deque = deque()            # (packed row, swap, tag, idle cycles before)
        self.weights_in: Queue[WeightRowIn] = Queue()
        self.acts_in: Queue[ActRowIn] = Queue()
        self.results: Queue[ResultRowOut] = Queue()
        self.w_event, self.a_event = Event(), Event()
        self.tasks = []
        self.tally = SamplingTally()

    async def start(self):
        """Clock, inputs idle, reset; then the driving and sampling coroutines."""
        d = self.dut
        if not self.tasks:
            self.tasks.append(start_clock(d.clk))
        d.w_valid.value = 0
        d.a_valid.value = 0
        d.a_swap.value = 0
        d.w_data.value = 0
        d.a_data.value = 0
        d.a_tag.value = 0
        await reset(d.clk, d.rst_n)
        self.tasks += [cocotb.start_soon(c) for c in (self._drive_weights(), self._drive_acts(),
                                                       self._sample_weights(), self._sample_acts(),
                                                       self._sample_results())]

    def stop(self):
        for t in self.tasks:
            t.cancel()
        self.tasks = []

    def tag(self, count: int, last: bool) -> int:
        return count % self.last_bit | (self.last_bit if last else 0)

    def is_last(self, tag: int) -> bool:
        return bool(tag & self.last_bit)

    def send_weights(self, tile: np.ndarray):
        for row in tile:
            self.weights.append(pack(row, 8))
        self.w_event.set()

    def send_acts(self, rows: np.ndarray, swap: bool, tags: list[int], gaps: np.ndarray):
        for i, row in enumerate(rows):
            self.acts.append((pack(row, 8), swap and i == 0, tags[i], int(gaps[i])))
        self.a_event.set()

    def idle(self) -> bool:
        return not self.weights and not self.acts and int(self.dut.busy.value) == 0

    async def drain(self):
        """Until every row sent has been accepted and every result has left the array."""
        while not self.idle():
            await RisingEdge(self.dut.clk)
        await ClockCycles(self.dut.clk, 2)

    async def _drive_weights(self):
        d = self.dut
        while True:
            if not self.weights:
                self.w_event.clear()
                await self.w_event.wait()
                await RisingEdge(d.clk)
            d.w_data.value = self.weights[0]
            d.w_valid.value = 1
            await ReadOnly()
            fire = d.w_ready.value == 1
            await RisingEdge(d.clk)
            if fire:
                self.weights.popleft()
                self.tally.driven["weight rows"] += 1
                if not self.weights:
                    d.w_valid.value = 0

    async def _drive_acts(self):
        d = self.dut
        while True:
            if not self.acts:
                self.a_event.clear()
                await self.a_event.wait()
                await RisingEdge(d.clk)
            data, swap, tag, gap = self.acts[0]
            if gap:
                d.a_valid.value = 0
                for _ in range(gap):
                    await RisingEdge(d.clk)
                self.acts[0] = (data, swap, tag, 0)
            d.a_data.value = data
            d.a_swap.value = int(swap)
            d.a_tag.value = tag
            d.a_valid.value = 1
            await ReadOnly()
            fire = d.a_ready.value == 1
            await RisingEdge(d.clk)
            if fire:
                self.acts.popleft()
                self.tally.driven["activation rows"] += 1
                if not self.acts:
                    d.a_valid.value = 0

    async def _sample_weights(self):
        d = self.dut
        while True:
            await until_high(d.w_valid)
            if d.w_ready.value == 1:
                self.tally.sampled["weight rows"] += 1
                self.weights_in.put_nowait(WeightRowIn(unpack_signed(int(d.w_data.value), self.n, 8),
                                                       d.busy.value == 1))
            await RisingEdge(d.clk)

    async def _sample_acts(self):
        d = self.dut
        last = stalled = None          # cycle of the row accepted before; cycles valid waited since
        while True:
            await until_high(d.a_valid)
            now = cycle()
            if d.a_ready.value == 1:
                idle = 0 if last is None else now - last - 1 - stalled
                self.tally.sampled["activation rows"] += 1
                self.acts_in.put_nowait(ActRowIn(unpack_signed(int(d.a_data.value), self.n, 8),
                                                 d.a_swap.value == 1, int(d.a_tag.value), now, idle))
                last, stalled = now, 0
            elif last is not None:
                stalled += 1
            await RisingEdge(d.clk)

    async def _sample_results(self):
        d = self.dut
        while True:
            await until_high(d.o_valid)
            self.results.put_nowait(ResultRowOut(int(d.o_tag.value), unpack_signed(int(d.o_data.value), self.n, 32)))
            await RisingEdge(d.clk)
