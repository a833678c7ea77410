"""An agent for one request/response port (a memory port, a DMA client): a sequencer and a driver, an input
monitor and an output monitor that publish what the port's BFM sampled into its `requests` and `responses`
queues, and the check that those samplers saw every handshake the driver did (verif.common.sampling_tally)."""
from __future__ import annotations

from .components import BfmAgent


class PortAgent(BfmAgent):
    """Subclasses set `driver_type` and say which BFM is theirs (`bfm()`: one with `requests`, `responses` and a
    `tally`, usually the config's by the agent's name)."""
    input_queue, output_queue = "requests", "responses"

    def bfm(self):
        raise NotImplementedError
