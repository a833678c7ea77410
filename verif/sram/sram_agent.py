"""Agent for one memory port: a driver that hands Access items to the port's BFM, a monitor that publishes
each completed access (request, acceptance cycle, wait, response), and a sequencer."""
from __future__ import annotations

from pyuvm import ConfigDB, uvm_analysis_port, uvm_driver, uvm_monitor

from verif.common.components import DriverAgent


class MemPortDriver(uvm_driver):
    def start_of_simulation_phase(self):
        self.bfm = ConfigDB().get(self, "", "PORT_BFM")

    async def run_phase(self):
        while True:
            item = await self.seq_item_port.get_next_item()
            self.bfm.send(item)
            self.seq_item_port.item_done()


class MemPortMonitor(uvm_monitor):
    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)

    def start_of_simulation_phase(self):
        ConfigDB().get(self, "", "PORT_BFM").on_complete = self.ap.write


class MemPortAgent(DriverAgent):
    driver_type = MemPortDriver

    def build_phase(self):
        super().build_phase()
        self.monitor = MemPortMonitor("monitor", self)
