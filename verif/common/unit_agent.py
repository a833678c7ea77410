"""The agent of an execution-unit environment: the driver turns items into BFM calls (a preload, or one queue
entry packed with golden.layout, indexed in the order driven); the input monitor publishes what went in (the
memory fills, and each instruction as the unit held it at its queue head when done pulsed, with its err and
event counts); the output monitor publishes what came out (the memories read back after each instruction, and
any AXI4 protocol violation). The scoreboard and coverage hear only the monitors."""
from __future__ import annotations

from pyuvm import uvm_driver

from golden import isa
from golden.layout import config_snapshot, queue_entry

from .analysis import QueueMonitor
from .components import BfmAgent
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
                await self.bfm.execute(queue_entry(self.index, isa.encode(item.ins), config_snapshot(item.conf, item.vconf)))
                self.index += 1
            else:
                raise TypeError(f"{self.get_full_name()}: cannot drive a {type(item).__name__}")
            self.seq_item_port.item_done()


class UnitInputMonitor(QueueMonitor):
    """Written (memory fills) as they are, Done decoded into Executed."""

    def convert(self, record):
        if isinstance(record, Done):
            return Executed.from_entry(record.entry, record.err, record.counters, record.cycle)
        return record


class UnitAgent(BfmAgent):
    """The output monitor publishes Readback (the memories after each instruction) and Violation (the AXI4
    protocol checker)."""
    driver_type = UnitDriver
    config_type = UnitEnvConfig
    input_monitor_type = UnitInputMonitor
