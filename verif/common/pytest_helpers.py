"""How pytest runs a block environment: one simulation per (simulator, parameters, seed), failing with the
scoreboard's first mismatch and the command that reproduces it."""
from __future__ import annotations

from sim.run import Outcome, reproduce_command, run_block


def run_and_check(block: str, sim: str, seed: int, tmp_path, params: dict | None = None,
                  tests: list[str] | None = None) -> Outcome:
    out = run_block(block, sim, seed, test_dir=tmp_path, params=params, tests=tests)
    assert out.ok, (f"{out.failed} failed, {out.passed} passed: " + "; ".join(out.failures)
                    + f"\nreproduce: {reproduce_command(block, sim, seed, params or {})}\nlog: {out.test_dir}/sim.log")
    return out


def run_expecting_fault(block: str, sim: str, define: str, test: str, tmp_path, params: dict | None = None,
                        seed: int = 1) -> str:
    """Run with an injected RTL fault; the test must fail, and its first failure message is returned."""
    out = run_block(block, sim, seed, test_dir=tmp_path, params=params, tests=[test], defines=(define,))
    assert out.failed == 1 and out.failures, f"the injected fault {define} went unnoticed by {test}"
    return out.failures[0]
