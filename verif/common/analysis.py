"""Analysis plumbing of the one environment shape (docs/verification.md): a monitor that publishes what a BFM's
sampling coroutine put into one of its queues, an export that hands each item to a method of its owner, and a
scoreboard whose predictor is fed by the input monitor and whose comparator is fed by the output monitor."""
from __future__ import annotations

from collections import deque

from pyuvm import uvm_analysis_port, uvm_monitor, uvm_subscriber

from .scoreboard_base import ScoreboardBase


class QueueMonitor(uvm_monitor):
    """Publishes on `ap` every record a BFM's sampling coroutine puts into one of its queues (a cocotb Queue), as
    `convert(record)` makes it (the record itself unless a subclass says otherwise). The queue is the attribute
    named `queue` (the constructor's argument, else the class attribute) of the BFM its parent's `bfm()` returns;
    an attribute that is a method is called for the queue (the top BFM starts a queue's sampler when asked)."""
    queue = ""

    def __init__(self, name, parent, queue: str | None = None):
        super().__init__(name, parent)
        if queue is not None:
            self.queue = queue

    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)

    def source(self):
        q = getattr(self.get_parent().bfm(), self.queue)
        return q() if callable(q) else q

    def convert(self, record):
        return record

    async def run_phase(self):
        queue = self.source()
        while True:
            self.ap.write(self.convert(await queue.get()))


class ToMethod(uvm_subscriber):
    """An analysis export that calls `method(item)` for every item written to it (connect a port to its
    `analysis_export`)."""

    def __init__(self, name, parent, method):
        super().__init__(name, parent)
        self.method = method

    def write(self, item):
        self.method(item)


class InOrderScoreboard(ScoreboardBase):
    """The scoreboard of a block that answers its inputs in order. The input monitor writes to `predictor`;
    `predict(item)` (the golden model) returns the expectation. The output monitor writes to `comparator`;
    `compare(expected, item)` checks the output against the oldest expectation and reports through
    `mismatch()`. An output nothing was expected for, and an expectation no output answered by the end of the
    test, are mismatches (`describe(expected)` names the latter)."""

    def build_phase(self):
        super().build_phase()
        self.expected: deque = deque()
        self.predictor = ToMethod("predictor", self, self._predict)
        self.comparator = ToMethod("comparator", self, self._compare)

    def predict(self, item):
        raise NotImplementedError

    def compare(self, expected, item) -> None:
        raise NotImplementedError

    def describe(self, expected) -> str:
        return str(expected)

    def _predict(self, item):
        self.expected.append(self.predict(item))

    def _compare(self, item):
        if not self.expected:
            self.mismatch(f"output with no input to answer: {item}")
            return
        self.compared += 1
        self.compare(self.expected.popleft(), item)

    def pending(self) -> list[str]:
        return [f"{self.describe(e)}: predicted, but no output came" for e in self.expected]
