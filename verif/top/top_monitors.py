"""Monitors of npu_top: each publishes what one of the BFM's sampling coroutines put into its queue
(top_bfm.py), so no monitor reads a signal itself.

- ProgramMonitor (in the program agent): what ran, in order. `ap_start` gets a ProgramStart for each START
  the DUT accepted (with the image and knobs in the DRAM model); `ap_end` gets its ProgramResult (status,
  counters and final DRAM; or reset; or no interrupt within the budget), whose `program` is that start.
- AccWriteMonitor: each array result row on its way into the accumulator, with the value the accumulator
  stores for it (AccRowWrite), in the order they land.
- DramWriteMonitor: each W beat of the DRAM bus, as the bytes it writes (DramWrite), in bus order.
"""
from __future__ import annotations

from pyuvm import uvm_analysis_port, uvm_monitor

from .top_config import TopEnvConfig
from .top_items import ProgramStart


class ProgramMonitor(uvm_monitor):
    def build_phase(self):
        self.ap_start = uvm_analysis_port("ap_start", self)
        self.ap_end = uvm_analysis_port("ap_end", self)

    async def run_phase(self):
        q = TopEnvConfig.get(self).bfm.programs()
        while True:
            rec = await q.get()
            (self.ap_start if isinstance(rec, ProgramStart) else self.ap_end).write(rec)


class _QueueMonitor(uvm_monitor):
    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)

    def queue(self, bfm):
        raise NotImplementedError

    async def run_phase(self):
        q = self.queue(TopEnvConfig.get(self).bfm)
        while True:
            self.ap.write(await q.get())


class AccWriteMonitor(_QueueMonitor):
    def queue(self, bfm):
        return bfm.acc_writes()


class DramWriteMonitor(_QueueMonitor):
    def queue(self, bfm):
        return bfm.dram_writes()
