"""The local launcher (the default): JOBS simulations at a time on this machine, each a child process in its own
directory and session under its wall-clock watchdog (regressions/runs.py). Ctrl-C stops the running ones (as
the watchdog would) and cancels the queued ones; each gets a CANCELLED row."""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Callable

from regressions.runs import Stopper, reproduce, run_rtl, unrun_row


class LocalLauncher:
    name = "local"

    def __init__(self, jobs: int = 2):
        self.jobs = max(1, jobs)
        self.stopper = Stopper()
        self.pool: ThreadPoolExecutor | None = None
        self.futures: dict[Future, dict] = {}
        self.delivered: set[Future] = set()
        self.out = Path(".")

    def preflight(self, runs: list[dict]) -> str | None:
        return None

    def submit(self, runs: list[dict], out: Path, build_errors: dict) -> None:
        self.out = out
        self.pool = ThreadPoolExecutor(max_workers=self.jobs)
        self.futures = {self.pool.submit(run_rtl, r, out, build_errors, self.stopper): r for r in runs}

    def collect(self, on_row: Callable[[dict], None]) -> None:
        for fut in as_completed([f for f in self.futures if f not in self.delivered]):
            r = self.futures[fut]
            if fut.cancelled():
                row = unrun_row(r, self.out, "CANCELLED", f"{self.stopper.reason}: never started")
            else:
                try:
                    row = fut.result()
                except Exception as e:                           # noqa: BLE001 - never a missing row
                    row = {**r, "status": "ERROR", "message": f"runner: {type(e).__name__}: {e}", "seconds": 0.0,
                           "reproduce": reproduce(r)}
            self.delivered.add(fut)
            on_row(row)
        if self.pool is not None:
            self.pool.shutdown(wait=True)

    def cancel(self, reason: str) -> None:
        self.stopper.reason = reason
        for fut in self.futures:
            fut.cancel()                                         # the queued ones; the running ones see the stopper
