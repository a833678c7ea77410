"""The DRAM model every AXI environment uses: cocotbext-axi's AxiRam with random backpressure."""
from __future__ import annotations

from cocotbext.axi import AxiBus, AxiRam


def pauses(rng, p: float):
    """A pause generator: each cycle the channel stalls with probability p (drawn from the test's rng)."""
    while True:
        yield bool(rng.random() < p)


def axi_ram(dut, size: int, rng, backpressure: float, prefix: str = "m_axi") -> AxiRam:
    """An AxiRam on `prefix`_* (reset active low on rst_n), every channel pausing with `backpressure`."""
    ram = AxiRam(AxiBus.from_prefix(dut, prefix), dut.clk, dut.rst_n, reset_active_level=False, size=size)
    for ch in (ram.read_if.ar_channel, ram.read_if.r_channel, ram.write_if.aw_channel, ram.write_if.w_channel,
               ram.write_if.b_channel):
        ch.set_pause_generator(pauses(rng, backpressure))
    return ram
