"""Agent for one memory port: a driver that hands Access items to the port's BFM, a monitor that publishes
each completed access (request, acceptance cycle, wait, response), and a sequencer."""
from __future__ import annotations

from pyuvm import ConfigDB, uvm_agent, uvm_analysis_port, uvm_driver, uvm_monitor, uvm_sequence, uvm_sequencer


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


class MemPortAgent(uvm_agent):
    def build_phase(self):
        self.seqr = uvm_sequencer("seqr", self)
        self.driver = MemPortDriver("driver", self)
        self.monitor = MemPortMonitor("monitor", self)

    def connect_phase(self):
        self.driver.seq_item_port.connect(self.seqr.seq_item_export)


class AccessListSeq(uvm_sequence):
    """Sends a prepared list of accesses in order (the traffic generators in sram_seq_lib build the lists)."""

    def __init__(self, name, accesses):
        super().__init__(name)
        self.accesses = accesses

    async def body(self):
        for acc in self.accesses:
            await self.start_item(acc)
            await self.finish_item(acc)
