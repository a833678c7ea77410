"""One agent per DMA client: the driver runs each transfer to completion on the client's BFM and publishes
it, results included, on its analysis port; the clients' sequences run concurrently."""
from __future__ import annotations

from pyuvm import ConfigDB, uvm_analysis_port, uvm_driver

from verif.common.components import DriverAgent

from .interconnect_items import ReadXfer


class ClientDriver(uvm_driver):
    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)

    def start_of_simulation_phase(self):
        self.bfm = ConfigDB().get(self, "", "CLIENT_BFM")

    async def run_phase(self):
        while True:
            x = await self.seq_item_port.get_next_item()
            if isinstance(x, ReadXfer):
                x.accepted, x.data, x.errs, x.lasts = await self.bfm.transfer(x.addr, x.beats)
            else:
                x.err, x.cycles = await self.bfm.transfer(x.addr, x.data, x.strb)
            self.ap.write(x)
            self.seq_item_port.item_done()


class ClientAgent(DriverAgent):
    driver_type = ClientDriver
