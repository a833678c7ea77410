"""Scoreboard base: every mismatch is a uvm_error AND fails the test.

pyuvm's report server counts errors, but a scoreboard that only logs can still leave a passing test; this
base keeps its own list and asserts in check_phase, naming the first mismatch, so an error always fails.
"""
from __future__ import annotations

from pyuvm import uvm_component


class ScoreboardBase(uvm_component):
    max_reported = 5

    def build_phase(self):
        self.mismatches: list[str] = []
        self.compared = 0

    def mismatch(self, text: str) -> None:
        self.mismatches.append(text)
        if len(self.mismatches) <= self.max_reported:
            self.logger.error(text)

    def pending(self) -> list[str]:
        """What is still expected but never arrived (or arrived unexpected); subclasses report it."""
        return []

    def check_phase(self):
        left = self.pending()
        for p in left:
            self.mismatch(p)
        self.logger.info(f"{self.compared} compared, {len(self.mismatches)} mismatches")
        assert not self.mismatches, (f"{self.get_full_name()}: {len(self.mismatches)} mismatch(es); first: "
                                     f"{self.mismatches[0]}")
