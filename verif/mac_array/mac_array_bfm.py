"""Signal-level driving and sampling of mac_array. The only per-cycle Python in this environment:
three coroutines (weight rows, activation rows, result rows) fed by and feeding queues of whole rows."""
from __future__ import annotations

from collections import deque

import cocotb
import numpy as np
from cocotb.queue import Queue
from cocotb.triggers import Event, ReadOnly, RisingEdge

from verif.common.bits import pack, unpack_signed
from verif.common.clock_reset import reset, start_clock
from verif.common.triggers import until_high


class MacArrayBfm:
    def __init__(self, dut, n: int, tag_w: int):
        self.dut, self.n, self.tag_w = dut, n, tag_w
        self.weights: deque = deque()      # int rows (packed)
        self.acts: deque = deque()         # (packed row, swap, tag, idle cycles before)
        self.results: Queue = Queue()      # (tag, np.ndarray of N int32)
        self.w_event, self.a_event = Event(), Event()
        self.tasks = []
        self.weight_rows_sent = 0
        self.overlapped_weight_rows = 0    # weight rows accepted while the array was busy (double buffering)

    async def start(self):
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
        self.tasks += [cocotb.start_soon(self._drive_weights()), cocotb.start_soon(self._drive_acts()),
                       cocotb.start_soon(self._monitor_results())]

    def stop(self):
        for t in self.tasks:
            t.cancel()
        self.tasks = []

    def send_weights(self, tile: np.ndarray):
        for row in tile:
            self.weights.append(pack(row, 8))
        self.w_event.set()

    def send_acts(self, rows: np.ndarray, swap: bool, first_tag: int, gaps: np.ndarray):
        for i, row in enumerate(rows):
            self.acts.append((pack(row, 8), swap and i == 0, (first_tag + i) % (1 << self.tag_w), int(gaps[i])))
        self.a_event.set()

    def idle(self) -> bool:
        return not self.weights and not self.acts and int(self.dut.busy.value) == 0

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
            busy = d.busy.value == 1
            await RisingEdge(d.clk)
            if fire:
                self.weights.popleft()
                self.weight_rows_sent += 1
                self.overlapped_weight_rows += busy
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
                if not self.acts:
                    d.a_valid.value = 0

    async def _monitor_results(self):
        d = self.dut
        while True:
            await until_high(d.o_valid)
            self.results.put_nowait((int(d.o_tag.value), unpack_signed(int(d.o_data.value), self.n, 32)))
            await RisingEdge(d.clk)
