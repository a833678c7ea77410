"""cocotb test for the toolchain probe: the counter counts down from 0, read back as signed."""
import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge


@cocotb.test()
async def counts_down(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.rst_n.value = 0
    await ClockCycles(dut.clk, 2)
    dut.rst_n.value = 1
    await RisingEdge(dut.clk)
    for expect in range(-2, -20, -1):   # the edge that saw rst_n rise already counted to -1
        await RisingEdge(dut.clk)
        await cocotb.triggers.ReadOnly()
        got = dut.count.value.to_signed()
        assert got == expect, f"count {got}, expected {expect}"
