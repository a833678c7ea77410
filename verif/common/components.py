"""Small pyuvm pieces every environment uses: a sequence that sends a prepared list of items, an agent that
pairs a sequencer with a driver, the agent of the one environment shape (that pair and the monitors that read
its BFM's queues), the environment of a block with one such agent, and a subscriber that keeps what it is
written."""
from __future__ import annotations

from pyuvm import uvm_agent, uvm_env, uvm_sequence, uvm_sequencer, uvm_subscriber

from .analysis import QueueMonitor


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


class BfmAgent(DriverAgent):
    """A sequencer and a driver (`driver_type`), an input monitor and an output monitor publishing the BFM queues
    named `input_queue` and `output_queue` (QueueMonitor, or the block's `input_monitor_type`), the BFM
    (`bfm()`: the config's, `config_type.get(self).bfm`, unless a subclass says otherwise), and, when the BFM
    keeps a sampling tally (verif.common.sampling_tally), its check in check_phase."""
    config_type = None
    input_queue, output_queue = "inputs", "outputs"
    input_monitor_type = output_monitor_type = QueueMonitor

    def build_phase(self):
        super().build_phase()
        self.input_monitor = self.input_monitor_type("input_monitor", self, self.input_queue)
        self.output_monitor = self.output_monitor_type("output_monitor", self, self.output_queue)

    def bfm(self):
        return self.config_type.get(self).bfm

    def check_phase(self):
        tally = getattr(self.bfm(), "tally", None)
        if tally is not None:
            tally.check(self.get_full_name())


class AgentEnv(uvm_env):
    """The environment of a block with one BfmAgent: builds the agent, the scoreboard and, when the block has one,
    the coverage; connects the input monitor to the scoreboard's predictor, the output monitor to its comparator,
    and the coverage to the monitor `coverage_of` names (a block with another wiring overrides
    `connect_coverage`)."""
    agent_type = scoreboard_type = coverage_type = None
    coverage_of = "input_monitor"

    def build_phase(self):
        self.agent = self.agent_type("agent", self)
        self.scoreboard = self.scoreboard_type("scoreboard", self)
        self.coverage = self.coverage_type("coverage", self) if self.coverage_type else None

    def connect_phase(self):
        self.agent.input_monitor.ap.connect(self.scoreboard.predictor.analysis_export)
        self.agent.output_monitor.ap.connect(self.scoreboard.comparator.analysis_export)
        if self.coverage:
            self.connect_coverage()

    def connect_coverage(self):
        getattr(self.agent, self.coverage_of).ap.connect(self.coverage.analysis_export)


class Collector(uvm_subscriber):
    """Keeps every item written to it, for a scoreboard that checks at the end (in cycle order)."""

    def build_phase(self):
        self.items = []

    def write(self, item):
        self.items.append(item)
