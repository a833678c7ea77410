"""Agent of mac_array: the driver (items -> BFM queues, without waiting, so the next tile's weights load while the
current tile computes), the input monitor (the rows the array accepted, each with the weight tile it computes
with), the output monitor (result rows) and the sequencer."""
from __future__ import annotations

import numpy as np
from pyuvm import uvm_analysis_port, uvm_driver, uvm_monitor

from verif.common.analysis import QueueMonitor
from verif.common.components import DriverAgent

from .mac_array_config import MacArrayEnvConfig
from .mac_array_items import ActRow, TileItem


class MacArrayDriver(uvm_driver):
    async def run_phase(self):
        bfm = MacArrayEnvConfig.get(self).bfm
        rows = 0
        loaded = False
        while True:
            item: TileItem = await self.seq_item_port.get_next_item()
            if item.weights is not None:
                loaded = True
                bfm.send_weights(item.weights)
            if not loaded:
                raise RuntimeError("the first tile of a test must carry weights")
            m = len(item.acts)
            bfm.send_acts(item.acts, item.weights is not None, [bfm.tag(rows + i, i == m - 1) for i in range(m)],
                          item.gaps)
            rows += m
            self.seq_item_port.item_done()


class MacArrayInputMonitor(uvm_monitor):
    """Each accepted activation row as an ActRow. A swap row activates the next N weight rows the array accepted
    (they were all accepted before it: the array holds a swap until the shadow bank is full)."""

    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)

    async def run_phase(self):
        bfm = MacArrayEnvConfig.get(self).bfm
        tile = row = 0
        weights = None
        while True:
            a = await bfm.acts_in.get()
            overlapped = 0
            if a.swap and bfm.weights_in.qsize() < bfm.n:
                weights = None                      # the predictor reports it
            elif a.swap:
                loaded = [bfm.weights_in.get_nowait() for _ in range(bfm.n)]
                weights, overlapped = np.array([w.data for w in loaded]), sum(w.busy for w in loaded)
            last = bfm.is_last(a.tag)
            self.ap.write(ActRow(tile, row, last, a.data, a.swap, a.tag, a.cycle, a.idle, weights, overlapped))
            tile, row = (tile + 1, 0) if last else (tile, row + 1)


class MacArrayOutputMonitor(QueueMonitor):
    def source(self):
        return MacArrayEnvConfig.get(self).bfm.results


class MacArrayAgent(DriverAgent):
    driver_type = MacArrayDriver

    def build_phase(self):
        super().build_phase()
        self.input_monitor = MacArrayInputMonitor("input_monitor", self)
        self.output_monitor = MacArrayOutputMonitor("output_monitor", self)

    def check_phase(self):
        MacArrayEnvConfig.get(self).bfm.tally.check(self.get_full_name())
