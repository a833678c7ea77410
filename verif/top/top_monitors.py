"""Monitors of npu_top: each publishes what the BFM put into one of its queues (top_bfm.py), so no monitor
reads a signal itself. The program monitor is here; the three tile monitors are verif.common.analysis.QueueMonitor
on the BFM's `acc_writes`, `vec_writes` and `dram_writes` (top_env.py).

- ProgramMonitor (in the program agent): what ran, in order. `ap_start` gets a ProgramStart for each START
  the DUT accepted (with the image and knobs in the DRAM model); `ap_end` gets its ProgramResult (status,
  counters and final DRAM; or reset; or no interrupt within the budget), whose `program` is that start.
- the acc monitor: batches of array result rows on their way into the accumulator, each with the value the
  accumulator stores for it (AccRows), in the order they land, as the testbench's acc_row_collector recorded.
- the vec monitor: the same for the vector unit's result rows (VADD, VMAX, VSUM, VMAC), as its own collector
  recorded them.
- the dram monitor: batches of the DRAM bus's W beats, as the bytes they write (DramWrites), in bus order, as
  the testbench's axi_write_collector recorded.
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

