"""Waiting on signals without polling every clock."""
from cocotb.triggers import ReadOnly, RisingEdge


async def until_high(sig):
    """Return in the ReadOnly phase of the first cycle in which `sig` is 1: at once if it already is,
    otherwise at its next rising edge (a monitor wakes on valid, not on every clock)."""
    await ReadOnly()
    if sig.value != 1:
        await RisingEdge(sig)
        await ReadOnly()
