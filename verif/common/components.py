"""Small pyuvm pieces every environment uses: a sequence that sends a prepared list of items, an agent that
pairs a sequencer with a driver, and a subscriber that keeps what it is written."""
from __future__ import annotations

from pyuvm import uvm_agent, uvm_env, uvm_sequence, uvm_sequencer, uvm_subscriber

from .scoreboard_base import ScoreboardBase


class ItemListSeq(uvm_sequence):
    """Sends prepared items in order (the environments' generators build the lists from the test's rng)."""

    def __init__(self, name, items):
        super().__init__(name)
        self.items = items

    async def body(self):
        for item in self.items:
            await self.start_item(item)
            await self.finish_item(item)


class DriverAgent(uvm_agent):
    """A sequencer and a driver of class `driver_type`, connected; subclasses may add a monitor."""
    driver_type = None

    def build_phase(self):
        self.seqr = uvm_sequencer("seqr", self)
        self.driver = self.driver_type("driver", self)

    def connect_phase(self):
        self.driver.seq_item_port.connect(self.seqr.seq_item_export)


class ScoreboardEnv(uvm_env):
    """An environment whose test checks directly against the golden model through one scoreboard (the unit
    and top-level environments, where the test body is the predictor)."""

    def build_phase(self):
        self.scoreboard = ScoreboardBase("scoreboard", self)


class Collector(uvm_subscriber):
    """Keeps every item written to it, for a scoreboard that checks at the end (in cycle order)."""

    def build_phase(self):
        self.items = []

    def write(self, item):
        self.items.append(item)
