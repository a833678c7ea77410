"""Test base: prints the seed and the command that reproduces the run with waves, runs the main sequence under
an objection with a simulated-time watchdog, exports functional coverage, and stops the BFM's coroutines so
the next test in the same simulation starts clean."""
from __future__ import annotations

import logging
import os
import signal

import cocotb
from cocotb.triggers import Timer, with_timeout
from cocotb_coverage.coverage import coverage_db
from pyuvm import uvm_root, uvm_test

from . import context


class BaseTest(uvm_test):
    timeout_us = 2000           # simulated-time watchdog for the main sequence

    def build_phase(self):
        # the regression runner's wall-clock watchdog sends SIGTERM first: say what the test was waiting for
        signal.signal(signal.SIGTERM, self._on_term)
        self.rng = context.rng(self.get_type_name())
        self.logger.info(f"seed {context.seed()} -- reproduce with waves: {context.reproduce_command()}")

    async def run_phase(self):
        self.raise_objection()
        try:
            await with_timeout(self.body(), self.timeout_us, "us")
        except cocotb.triggers.SimTimeoutError:
            raise AssertionError(f"{self.get_type_name()}: simulated-time watchdog ({self.timeout_us} us) fired; "
                                 f"reproduce: {context.reproduce_command()}") from None
        finally:
            self.drop_objection()

    async def body(self):
        raise NotImplementedError

    def pending(self) -> str:
        """What the test is waiting for (subclasses report the DUT's and the scoreboard's state)."""
        return "(no state reported)"

    def _on_term(self, signum, frame):
        self.logger.error(f"PENDING: {self.pending()}")
        logging.shutdown()
        os._exit(128 + signum)

    def report_phase(self):
        path = context.out_dir() / "coverage.yml"
        coverage_db.export_to_yaml(str(path))

    def final_phase(self):
        self.stop()

    def stop(self):
        """Stop the BFMs' coroutines and the clock, so the next test in the same simulation starts clean."""
        raise NotImplementedError(f"{type(self).__name__} must say how its BFMs stop")


async def settle(ns: int = 100):
    await Timer(ns, unit="ns")


__all__ = ["BaseTest", "settle", "uvm_root"]
