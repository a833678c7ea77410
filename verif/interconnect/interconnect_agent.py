"""Agents of the AXI master's environment. One per DMA client (named after it): the driver runs each transfer to
completion on the client's BFM, the input monitor publishes the requests the master accepted (a write with the
data beats it took), the output monitor the answers (read beats, write done). One passive agent on the AXI side:
the AR bursts, the protocol checker's violation, and the DRAM as the run left it (published in extract_phase)."""
from __future__ import annotations

from pyuvm import uvm_agent, uvm_analysis_port, uvm_driver, uvm_monitor

from verif.common.analysis import QueueMonitor
from verif.common.port_agent import PortAgent

from .interconnect_config import InterconnectEnvConfig
from .interconnect_items import ReadXfer


class ClientDriver(uvm_driver):
    async def run_phase(self):
        bfm = self.get_parent().bfm()
        while True:
            x = await self.seq_item_port.get_next_item()
            if isinstance(x, ReadXfer):
                await bfm.transfer(x.addr, x.beats)
            else:
                await bfm.transfer(x.addr, x.data, x.strb)
            self.seq_item_port.item_done()


class ClientAgent(PortAgent):
    driver_type = ClientDriver

    def bfm(self):
        return InterconnectEnvConfig.get(self).bfms[self.get_name()]


class DramMonitor(uvm_monitor):
    """The whole DRAM once the traffic is over."""

    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)

    def extract_phase(self):
        self.ap.write(self.get_parent().bfm().dump())


class BusAgent(uvm_agent):
    def build_phase(self):
        self.ar_monitor = QueueMonitor("ar_monitor", self, "ar_bursts")
        self.checker_monitor = QueueMonitor("checker_monitor", self, "violations")
        self.dram_monitor = DramMonitor("dram_monitor", self)

    def bfm(self):
        return InterconnectEnvConfig.get(self).bus
