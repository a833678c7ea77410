"""Agent of mac_array: the driver (items -> BFM queues, without waiting, so the next tile's weights load while the
current tile computes), the input monitor (the rows the array accepted, each with the weight tile it computes
with), the output monitor (result rows) and the sequencer."""
from __future__ import annotations

import numpy as np
from pyuvm import uvm_driver

from verif.common.analysis import QueueMonitor
from verif.common.components import BfmAgent

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


class MacArrayInputMonitor(QueueMonitor):
    """Each accepted activation row (the BFM's `acts_in`) as an ActRow. A swap row activates the next N weight
    rows the array accepted (they were all accepted before it: the array holds a swap until the shadow bank is
    full). The tag's top bit (the driver's) marks each tile's last row."""

    def start_of_simulation_phase(self):
        self.bfm = self.get_parent().bfm()
        self.tile = self.row = 0
        self.weights = None

    def convert(self, a):
        bfm = self.bfm
        overlapped = 0
        if a.swap and bfm.weights_in.qsize() < bfm.n:
            self.weights = None                     # the predictor reports it
        elif a.swap:
            loaded = [bfm.weights_in.get_nowait() for _ in range(bfm.n)]
            self.weights, overlapped = np.array([w.data for w in loaded]), sum(w.busy for w in loaded)
        last = bfm.is_last(a.tag)
        row = ActRow(self.tile, self.row, last, a.data, a.swap, a.tag, a.cycle, a.idle, self.weights, overlapped)
        self.tile, self.row = (self.tile + 1, 0) if last else (self.tile, self.row + 1)
        return row


class MacArrayAgent(BfmAgent):
    """The output monitor publishes the result rows (the BFM's `results`); the agent checks the BFM's sampling
    tally (weight and activation rows)."""
    driver_type = MacArrayDriver
    config_type = MacArrayEnvConfig
    input_queue, output_queue = "acts_in", "results"
    input_monitor_type = MacArrayInputMonitor
