"""Program agent of npu_top: its driver takes a ProgramItem, loads the DRAM model, starts the accelerator
through the CSRs and waits for the interrupt (or asserts reset mid-program when the item asks), reads the
status and every counter, dumps DRAM, and publishes the item before it starts (the predictor's input) and
after it ends (with its result). A program that never raises the interrupt within its cycle budget fails the
test with what the hardware and the scoreboard were still waiting for."""
from __future__ import annotations

from cocotb.triggers import RisingEdge, SimTimeoutError, with_timeout
from pyuvm import ConfigDB, uvm_analysis_port, uvm_driver

from verif.common import context
from verif.common.clock_reset import CLOCK_NS, cycle
from verif.common.components import DriverAgent

from .top_items import ProgramItem, ProgramResult


def cycle_budget(item: ProgramItem) -> int:
    """Generous: every instruction and every DRAM byte as its own round trip, and every MAC row twice over."""
    g = item.golden
    moved = g.stats["dram_read_bytes"] + g.stats["dram_write_bytes"] + 16 * item.inst_count
    return 20_000 + moved * (2 * item.knobs.latency + 60) + 4 * g.stats["macs"] // item.cfg.n


class ProgramDriver(uvm_driver):
    def build_phase(self):
        self.ap_start = uvm_analysis_port("ap_start", self)
        self.ap_done = uvm_analysis_port("ap_done", self)

    async def run_phase(self):
        bfm = ConfigDB().get(self, "", "BFM")
        while True:
            item: ProgramItem = await self.seq_item_port.get_next_item()
            await self.run_item(bfm, item)
            self.seq_item_port.item_done()

    async def run_item(self, bfm, item: ProgramItem):
        bfm.set_knobs(item.knobs, item.bus_errors)
        await bfm.load_dram(item.dram)
        self.ap_start.write(item)                           # the scoreboard predicts; item.golden is set
        start = cycle()
        await bfm.start(item.inst_base, item.inst_count)
        if item.reset_after is not None:
            await bfm.cycles(item.reset_after)
            await bfm.reset()
            after = await bfm.idle_after_reset()
            item.result = ProgramResult(-1, -1, {}, b"", start, cycle(), reset=True, extra=after)
        else:
            budget = cycle_budget(item)
            try:
                await with_timeout(RisingEdge(bfm.dut.irq), budget * CLOCK_NS, "ns")
            except SimTimeoutError:
                sb = ConfigDB().get(self, "", "SCOREBOARD")
                raise AssertionError(
                    f"{item}: no interrupt within {budget} cycles of START (hung). Pending: {bfm.pending()}; "
                    f"scoreboard: {sb.backlog()}; reproduce: {context.reproduce_command()}") from None
            code, index, counters = await bfm.finish()
            dram = await bfm.dump_dram(item.cfg.dram_bytes)
            item.result = ProgramResult(code, index, counters, dram, start, cycle(),
                                        dram_stalls=int(bfm.dut.dram_stalled.value))
        if bfm.dut.violation.value == 1:
            ConfigDB().get(self, "", "SCOREBOARD").mismatch(
                f"{item}: AXI4 protocol checker: rule {int(bfm.dut.violation_code.value)} violated on the DRAM bus")
        self.ap_done.write(item)


class ProgramAgent(DriverAgent):
    driver_type = ProgramDriver
