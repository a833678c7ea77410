"""Items of the rtl/sram environments: an access a sequence asks a port for, and the barrier that ends a phase of
traffic on a port (its driver returns once everything sent there has been answered)."""
from __future__ import annotations

from pyuvm import uvm_sequence_item


class Access(uvm_sequence_item):
    """One memory access to issue: read or write (plain or accumulate) of a row, the lanes a write enables,
    its data, and the idle cycles to leave before it."""

    def __init__(self, port: str, write: bool, row: int, lanes: int = 0, data=None, acc: bool = False,
                 gap: int = 0):
        super().__init__(f"{port}_access")
        self.port, self.write, self.row, self.lanes, self.data, self.acc, self.gap = \
            port, write, row, lanes, data, acc, gap


class Drain(uvm_sequence_item):
    """Wait until the port has answered every access sent before."""

    def __init__(self, name="drain"):
        super().__init__(name)
