"""Planted failures for the regression runner's self-test (regressions/testlist.yaml, suite `selftest`):
a test that passes, one that hangs without advancing simulated time (only the runner's wall-clock watchdog can
end it), and one that kills the simulator process. They drive nothing: any small toplevel will do."""
from __future__ import annotations

import os
import time

import cocotb
from cocotb.triggers import Timer


@cocotb.test()
async def PlantedPassTest(dut):
    await Timer(10, unit="ns")


@cocotb.test()
async def PlantedHangTest(dut):
    import signal
    signal.signal(signal.SIGTERM, lambda s, f: (dut._log.error("PENDING: planted hang in Python, no sim time"),
                                                os._exit(128 + s)))
    while True:                       # no await: simulated time never advances
        time.sleep(0.05)


@cocotb.test()
async def PlantedCrashTest(dut):
    await Timer(10, unit="ns")
    os.abort()
