"""An agent for one request/response port (a memory port, a DMA client): a sequencer and a driver, a request
monitor and a response monitor that publish what the port's BFM sampled into its `requests` and `responses`
queues, and the check that those samplers saw every handshake the driver did (verif.common.sampling_tally)."""
from __future__ import annotations

from .analysis import QueueMonitor
from .components import DriverAgent


class RequestMonitor(QueueMonitor):
    def source(self):
        return self.get_parent().bfm().requests


class ResponseMonitor(QueueMonitor):
    def source(self):
        return self.get_parent().bfm().responses


class PortAgent(DriverAgent):
    """Subclasses set `driver_type` and say which BFM is theirs (`bfm()`: one with `requests`, `responses` and a
    `tally`, usually the config's by the agent's name)."""

    def build_phase(self):
        super().build_phase()
        self.request_monitor = RequestMonitor("request_monitor", self)
        self.response_monitor = ResponseMonitor("response_monitor", self)

    def bfm(self):
        raise NotImplementedError

    def check_phase(self):
        self.bfm().tally.check(self.get_full_name())
