"""Clock and synchronous active-low reset, shared by every block environment."""
from __future__ import annotations

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge
from cocotb.utils import get_sim_time

from sim.clock import CLOCK_NS


def cycle() -> int:
    """The current clock cycle (cycle k is the time after the k-th rising edge)."""
    return int(get_sim_time("ns") // CLOCK_NS)


def cycle_time_ps(k: int) -> int:
    """Simulated time (ps) of cycle k's rising edge: the clock starts low at time 0, so it rises at
    k * CLOCK_NS + CLOCK_NS / 2 (what a waveform viewer shows for cycle k)."""
    return k * CLOCK_NS * 1000 + CLOCK_NS * 500


def start_clock(clk):
    # The GPI clock is 1.5-3x faster than cocotb's Python clock on Icarus.
    return cocotb.start_soon(Clock(clk, CLOCK_NS, unit="ns").start(start_high=False))


async def reset(clk, rst_n, cycles: int = 4):
    rst_n.value = 0
    await ClockCycles(clk, cycles)
    rst_n.value = 1
    await RisingEdge(clk)
