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

from pathlib import Path

from pyuvm import uvm_driver

from verif.common.components import DriverAgent
from verif.common.counters import COUNTERS

from .top_bfm import dram_hex
from .top_config import TopEnvConfig
from .top_items import ProgramItem
from .top_monitors import ProgramMonitor


def cycle_budget(item: ProgramItem) -> int:
    """Generous: every instruction and every DRAM byte as its own round trip, and every MAC row twice over."""
    w = item.work()
    moved = w.dram_read_bytes + w.dram_write_bytes + 16 * item.inst_count
    return 20_000 + moved * (2 * item.knobs.latency + 60) + 4 * w.macs // item.cfg.n


class ProgramRecord:
    """The programs a run drove, for the native baseline (sim/native.py, tb_npu_top_native.v): each image as
    the DRAM model reads it and a manifest line with how it was run. NPU8_RECORD=<dir> turns it on."""

    # programs this simulation recorded into each directory: the first test empties it, later ones append
    counts: dict[Path, int] = {}
    results: set = set()

    def __init__(self, where: Path):
        self.dir = Path(where)
        self.manifest = self.dir / "manifest.txt"

    def add(self, item: ProgramItem, budget: int):
        if self.dir not in ProgramRecord.counts:
            self.dir.mkdir(parents=True, exist_ok=True)
            self.manifest.write_text("")
            ProgramRecord.counts[self.dir] = 0
        name = f"prog{ProgramRecord.counts[self.dir]:05d}.hex"
        (self.dir / name).write_text(dram_hex(item.dram))
        k = item.knobs
        lo, hi = item.bus_errors[0] if item.bus_errors else (0, 0)
        fields = [name, item.inst_base, item.inst_count, k.latency, k.stall_ar, k.stall_r, k.stall_aw, k.stall_w,
                  k.stall_b, k.seed or 1, lo, hi, -1 if item.reset_after is None else item.reset_after,
                  min(budget, 2**31 - 1)]          # the native testbench reads a 32-bit integer
        with self.manifest.open("a") as f:
            f.write(" ".join(map(str, fields)) + "\n")
        ProgramRecord.counts[self.dir] += 1

    def write_results(self, runs: list) -> Path:
        """How each recorded program ended in this run, one line each as the native testbench prints it
        (`code <c> index <i> counters <11 values>`, `reset`, `hung`), for the bench to compare."""
        path = self.dir / "results.txt"
        with path.open("a" if path.exists() and self.dir in ProgramRecord.results else "w") as f:
            f.write("".join(f"{ending(r)}\n" for r in runs))
        ProgramRecord.results.add(self.dir)
        return path


def ending(r) -> str:
    """A ProgramResult in the native testbench's words (tb_npu_top_native.v)."""
    if r.reset:
        return "reset"
    if r.hung is not None:
        return "hung"
    return f"code {r.code} index {r.index} counters " + " ".join(str(r.counters[k]) for k in COUNTERS)


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
        budget = cycle_budget(item)
        if (record := TopEnvConfig.get(self).record) is not None:
            record.add(item, budget)
        await bfm.load(item.tag(), item.dram, item.knobs, item.bus_errors)
        await bfm.start(item.inst_base, item.inst_count)
        if item.reset_after is not None:
            await bfm.reset_mid_program(item.reset_after)
            return
        if await bfm.wait_irq(budget):
            await bfm.collect(item.cfg.dram_bytes)
        else:
            await bfm.hung(budget)


class ProgramAgent(DriverAgent):
    driver_type = ProgramDriver

    def build_phase(self):
        super().build_phase()
        self.monitor = ProgramMonitor("monitor", self)
