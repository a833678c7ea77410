"""Signal level around the requantiser lane's testbench (verif/requant/hdl/tb_requant.v, cocotb only): a batch
of accumulators goes in through requant_in.hex and a `go` pulse, streams through the lane with no Python per
cycle, and comes back in requant_out.hex when `finished` rises. Sampling coroutines put what went in (at `go`:
the accumulators loaded and the configuration pins) into `inputs` and what came out into `outputs`."""
from __future__ import annotations

from pathlib import Path

import cocotb
import numpy as np
from cocotb.queue import Queue
from cocotb.triggers import Event, RisingEdge

from golden.ops import Requant
from verif.common.clock_reset import cycle, start_clock
from verif.common.triggers import until_high

from .requant_items import RequantIn, RequantOut

IN_FILE, OUT_FILE = Path("requant_in.hex"), Path("requant_out.hex")


class RequantBfm:
    def __init__(self, dut):
        self.dut = dut
        self.inputs: Queue = Queue()
        self.outputs: Queue = Queue()
        self.finished = Event()
        self.loaded = np.zeros(0, np.int64)      # what requant_in.hex holds
        self.label = ""
        self.tasks = []

    async def start(self):
        d = self.dut
        d.go.value = 0
        self.tasks.append(start_clock(d.clk))
        self.tasks += [cocotb.start_soon(self._sample_go()), cocotb.start_soon(self._sample_finished())]

    def stop(self):
        for t in self.tasks:
            t.cancel()
        self.tasks = []

    async def run_batch(self, acc: np.ndarray, rq: Requant, label: str = ""):
        """Load `acc`, set the configuration pins, pulse go; return once the outputs are back."""
        d = self.dut
        IN_FILE.write_text("".join(f"{int(v) & 0xFFFFFFFF:08x}\n" for v in acc))
        self.loaded, self.label = np.asarray(acc, np.int64), label
        d.count.value, d.multiplier.value, d.shift.value = len(acc), rq.multiplier, rq.shift
        d.out_zp.value, d.relu.value = rq.out_zp & 0xFF, int(rq.relu)
        self.finished.clear()
        await RisingEdge(d.clk)
        d.go.value = 1
        await RisingEdge(d.clk)
        d.go.value = 0
        await self.finished.wait()

    async def _sample_go(self):
        d = self.dut
        while True:
            await until_high(d.go)
            zp = int(d.out_zp.value)
            rq = Requant(int(d.multiplier.value), int(d.shift.value), zp - 256 if zp > 127 else zp,
                         bool(d.relu.value == 1))
            self.inputs.put_nowait(RequantIn(self.label, self.loaded[:int(d.count.value)], rq, cycle()))
            await RisingEdge(d.clk)

    async def _sample_finished(self):
        d = self.dut
        while True:
            await RisingEdge(d.finished)
            await RisingEdge(d.clk)             # $writememh has run
            # $writememh may add "// 0x…" address comments (Icarus does); only the data lines count
            lines = [ln.split("//")[0].strip() for ln in OUT_FILE.read_text().splitlines()]
            y = np.array([int(w, 16) for ln in lines for w in ln.split()], np.int64)
            self.outputs.put_nowait(RequantOut(np.where(y > 127, y - 256, y), cycle()))
            self.finished.set()
