"""Transfers a DMA client asks the AXI master for."""
from __future__ import annotations

from pyuvm import uvm_sequence_item


class ReadXfer(uvm_sequence_item):
    def __init__(self, client: int, addr: int, beats: int):
        super().__init__(f"read{client}")
        self.client, self.addr, self.beats = client, addr, beats
        self.accepted = -1
        self.data, self.errs, self.lasts = b"", [], []


class WriteXfer(uvm_sequence_item):
    def __init__(self, addr: int, data: bytes, strb: list[int]):
        super().__init__("write")
        self.client, self.addr, self.data, self.strb = "w", addr, data, strb
        self.err, self.cycles = None, 0

    @property
    def beats(self):
        return len(self.strb)
