"""Waiting on signals without polling every clock."""
from cocotb.triggers import ReadOnly, RisingEdge


async def until_high(sig):
    """Return in the ReadOnly phase of the first cycle in which `sig` is 1: at once if it already is,
    otherwise at its next rising edge (a monitor wakes on valid, not on every clock). A combinational signal
    can glitch high and settle low within a time step (Icarus evaluates a FIFO head's read mux that way): only
    the settled value counts."""
    await ReadOnly()
    while sig.value != 1:
        await RisingEdge(sig)
        await ReadOnly()
