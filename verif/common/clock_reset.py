"""Clock and synchronous active-low reset, shared by every block environment."""
from __future__ import annotations

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge, Timer
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


async def clock_cycles(clk, n: int):
    """`n` rising edges of a clock the HDL makes, with Python asleep in between: a timer to the falling edge
    before the n-th, then that edge (the same as ClockCycles, without waking on every edge)."""
    if n <= 0:
        return
    period = CLOCK_NS * 1000
    now = get_sim_time("ps")
    last = (now - period // 2) // period                 # the last rising edge at or before now
    target = (last + n) * period + period // 2           # the n-th rising edge after it
    if target - period // 2 > now:
        await Timer(target - period // 2 - now, unit="ps")
    await RisingEdge(clk)
