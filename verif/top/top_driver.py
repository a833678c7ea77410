"""Program agent of npu_top: the sequencer, the driver and the program monitor (top_monitors.py).

The driver only drives: for each ProgramItem it loads the DRAM model (knobs, SLVERR window, image), starts the
accelerator through the CSRs and waits for the interrupt under a cycle budget (or asserts reset part-way when
the item asks), then reads the status and every counter and dumps DRAM. It publishes nothing and judges
nothing: the BFM records what ran and how it ended, the program monitor publishes that, and the scoreboard
decides -- a run that timed out is a "hung" ending, reported by the scoreboard with what was pending.

The budget is a function of the item alone (`cycle_budget`): the program's work as the golden model's rules
count it from its instructions (top_items.program_work), not the predictor's run, so it does not depend on
which subscriber ran first, or at all."""
from __future__ import annotations

from pyuvm import uvm_driver

from verif.common.components import DriverAgent

from .top_config import TopEnvConfig
from .top_items import ProgramItem
from .top_monitors import ProgramMonitor


def cycle_budget(item: ProgramItem) -> int:
    """Generous: every instruction and every DRAM byte as its own round trip, and every MAC row twice over."""
    w = item.work()
    moved = w.dram_read_bytes + w.dram_write_bytes + 16 * item.inst_count
    return 20_000 + moved * (2 * item.knobs.latency + 60) + 4 * w.macs // item.cfg.n


class ProgramDriver(uvm_driver):
    def start_of_simulation_phase(self):
        self.bfm = TopEnvConfig.get(self).bfm

    async def run_phase(self):
        while True:
            item: ProgramItem = await self.seq_item_port.get_next_item()
            await self.run_item(item)
            self.seq_item_port.item_done()

    async def run_item(self, item: ProgramItem):
        bfm = self.bfm
        await bfm.load(item.tag(), item.dram, item.knobs, item.bus_errors)
        await bfm.start(item.inst_base, item.inst_count)
        if item.reset_after is not None:
            await bfm.reset_mid_program(item.reset_after)
            return
        budget = cycle_budget(item)
        if await bfm.wait_irq(budget):
            await bfm.collect(item.cfg.dram_bytes)
        else:
            await bfm.hung(budget)


class ProgramAgent(DriverAgent):
    driver_type = ProgramDriver

    def build_phase(self):
        super().build_phase()
        self.monitor = ProgramMonitor("monitor", self)
