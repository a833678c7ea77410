"""Agent of mac_array: driver (items -> BFM queues, without waiting, so the next tile's weights load while
the current tile computes), result monitor (BFM rows -> analysis port), sequencer."""
from __future__ import annotations

from pyuvm import ConfigDB, uvm_analysis_port, uvm_driver, uvm_monitor

from verif.common.components import DriverAgent

from .mac_array_item import TileItem


class MacArrayDriver(uvm_driver):
    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)       # the items as issued, for the predictor

    def start_of_simulation_phase(self):
        self.bfm = ConfigDB().get(self, "", "BFM")
        self.tiles = 0
        self.next_tag = 0
        self.weights = None

    async def run_phase(self):
        while True:
            item: TileItem = await self.seq_item_port.get_next_item()
            item.tile_id = self.tiles
            self.tiles += 1
            if item.weights is not None:
                self.weights = item.weights
                self.bfm.send_weights(item.weights)
            if self.weights is None:
                raise RuntimeError("the first tile of a test must carry weights")
            item.effective_weights = self.weights
            item.first_tag = self.next_tag
            self.next_tag = (self.next_tag + len(item.acts)) % (1 << self.bfm.tag_w)
            self.bfm.send_acts(item.acts, item.weights is not None, item.first_tag, item.gaps)
            self.ap.write(item)
            self.seq_item_port.item_done()


class MacArrayMonitor(uvm_monitor):
    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)

    def start_of_simulation_phase(self):
        self.bfm = ConfigDB().get(self, "", "BFM")

    async def run_phase(self):
        while True:
            self.ap.write(await self.bfm.results.get())


class MacArrayAgent(DriverAgent):
    driver_type = MacArrayDriver

    def build_phase(self):
        super().build_phase()
        self.monitor = MacArrayMonitor("monitor", self)
