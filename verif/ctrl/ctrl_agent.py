"""Agent of ctrl: the driver (a ProgramItem -> the BFM's host: serve the image, START, wait for done), the input
monitor (ProgramStart: what the controller took) and the output monitor (ProgramResult: how the run went), and
the sequencer."""
from __future__ import annotations

from pyuvm import uvm_driver

from verif.common.analysis import QueueMonitor
from verif.common.components import DriverAgent

from .ctrl_config import CtrlEnvConfig
from .ctrl_items import ProgramItem


class CtrlDriver(uvm_driver):
    async def run_phase(self):
        bfm = CtrlEnvConfig.get(self).bfm
        while True:
            item: ProgramItem = await self.seq_item_port.get_next_item()
            await bfm.run_program(item.image, item.inst_base, item.inst_count, item.faulty, item.label)
            self.seq_item_port.item_done()


class CtrlStartMonitor(QueueMonitor):
    def source(self):
        return CtrlEnvConfig.get(self).bfm.starts


class CtrlResultMonitor(QueueMonitor):
    def source(self):
        return CtrlEnvConfig.get(self).bfm.results


class CtrlAgent(DriverAgent):
    driver_type = CtrlDriver

    def build_phase(self):
        super().build_phase()
        self.in_monitor = CtrlStartMonitor("in_monitor", self)
        self.out_monitor = CtrlResultMonitor("out_monitor", self)
