"""Transfers a DMA client asks the AXI master for (what the monitors saw of them is in interconnect_bfm.py:
ReadRequest/ReadResponse, WriteRequest/WriteResponse)."""
from __future__ import annotations

from pyuvm import uvm_sequence_item


class ReadXfer(uvm_sequence_item):
    def __init__(self, client: int, addr: int, beats: int):
        super().__init__(f"read{client}")
        self.client, self.addr, self.beats = client, addr, beats


class WriteXfer(uvm_sequence_item):
    def __init__(self, addr: int, data: bytes, strb: list[int]):
        super().__init__("write")
        self.addr, self.data, self.strb = addr, data, strb
