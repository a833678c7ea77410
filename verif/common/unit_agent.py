"""The agent of an execution-unit environment: the driver turns items into BFM calls (a preload, or one queue
entry packed with golden.layout, indexed in the order driven); the input monitor publishes what went in (the
memory fills, and each instruction as the unit held it at its queue head when done pulsed, with its err and
event counts); the output monitor publishes what came out (the memories read back after each instruction, and
any AXI4 protocol violation). The scoreboard and coverage hear only the monitors."""
from __future__ import annotations

from pyuvm import uvm_analysis_port, uvm_driver, uvm_monitor

from golden import isa
from golden.layout import config_snapshot, queue_entry

from .components import DriverAgent
from .unit_env_config import UnitEnvConfig
from .unit_items import Executed, InstrItem, PreloadItem
from .unit_queue_bfm import Done


class UnitDriver(uvm_driver):
    def start_of_simulation_phase(self):
        self.bfm = UnitEnvConfig.get(self).bfm
        self.index = 0

    async def run_phase(self):
        while True:
            item = await self.seq_item_port.get_next_item()
            if isinstance(item, PreloadItem):
                await self.bfm.preload(item.mem, item.base, item.data)
            elif isinstance(item, InstrItem):
                await self.bfm.execute(queue_entry(self.index, isa.encode(item.ins), config_snapshot(item.conf)))
                self.index += 1
            else:
                raise TypeError(f"{self.get_full_name()}: cannot drive a {type(item).__name__}")
            self.seq_item_port.item_done()


class _QueueMonitor(uvm_monitor):
    queue = ""                  # the BFM queue this monitor empties

    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)

    def start_of_simulation_phase(self):
        self.source = getattr(UnitEnvConfig.get(self).bfm, self.queue)

    def convert(self, record):
        return record

    async def run_phase(self):
        while True:
            self.ap.write(self.convert(await self.source.get()))


class UnitInputMonitor(_QueueMonitor):
    """Written (memory fills) as they are, Done decoded into Executed."""
    queue = "inputs"

    def convert(self, record):
        if isinstance(record, Done):
            return Executed.from_entry(record.entry, record.err, record.counters, record.cycle)
        return record


class UnitOutputMonitor(_QueueMonitor):
    """Readback (the memories after each instruction) and Violation (the AXI4 protocol checker)."""
    queue = "outputs"


class UnitAgent(DriverAgent):
    driver_type = UnitDriver

    def build_phase(self):
        super().build_phase()
        self.input_monitor = UnitInputMonitor("input_monitor", self)
        self.output_monitor = UnitOutputMonitor("output_monitor", self)
