"""Filling and reading back memory rows through a valid/ready request port with a one-cycle response, as the
unit environments do around the DUT (slow, per-row Python: set-up and checking only)."""
from __future__ import annotations

import cocotb
from cocotb.triggers import ReadOnly, RisingEdge

from .bits import pack, unpack_signed


async def write_rows(valid, ready, row, data, rows, bits: int):
    """Writes rows[r] (lanes of `bits`) to row r, one request at a time."""
    clk = cocotb.top.clk
    for r, lanes in enumerate(rows):
        valid.value, row.value, data.value = 1, r, pack(lanes, bits)
        await RisingEdge(clk)
        while ready.value != 1:
            await RisingEdge(clk)
    valid.value = 0


async def read_rows(valid, ready, row, rsp_valid, data, count: int, lanes: int, bits: int) -> list:
    """Rows 0..count-1 as signed lane arrays; a row with X/Z bits comes back as its text."""
    clk, out = cocotb.top.clk, []
    for r in range(count):
        valid.value, row.value = 1, r
        await RisingEdge(clk)
        while ready.value != 1:
            await RisingEdge(clk)
        valid.value = 0
        await ReadOnly()
        while rsp_valid.value != 1:
            await RisingEdge(clk)
            await ReadOnly()
        raw = data.value
        out.append(unpack_signed(int(raw), lanes, bits) if raw.is_resolvable else str(raw))
        await RisingEdge(clk)
    return out
