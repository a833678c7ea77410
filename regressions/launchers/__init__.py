"""Where a regression's RTL runs execute (`make regress LAUNCHER=local|slurm`), as OpenTitan's dvsim has its
launchers. The runner (regressions/regress.py) expands the suite, builds every configuration once on the
submitting host, runs the golden self-checks in its own process, and hands the RTL runs to a launcher:

    launcher.preflight(runs)               -> None, or why it cannot run them (each becomes a NOT_RUN row)
    launcher.submit(runs, out, build_errors)  start them (returns at once)
    launcher.collect(on_row)               call on_row(row) once per submitted run as it ends; returns when all
                                           have a row. Resumable: after cancel() it delivers the rest.
    launcher.cancel(reason)                Ctrl-C: stop what runs, cancel what waits (their rows say why)

local.py runs JOBS simulations at a time as child processes; slurm.py submits job arrays to SLURM. Both run one
run with regressions/runs.py's run_rtl, so a row does not depend on the launcher.
"""
from __future__ import annotations

import shlex
from pathlib import Path
from typing import Callable, Protocol

LAUNCHERS = ("local", "slurm")


class Launcher(Protocol):
    name: str

    def preflight(self, runs: list[dict]) -> str | None: ...

    def submit(self, runs: list[dict], out: Path, build_errors: dict) -> None: ...

    def collect(self, on_row: Callable[[dict], None]) -> None: ...

    def cancel(self, reason: str) -> None: ...


def make(name: str, *, jobs: int = 2, work: Path | None = None, partition: str | None = None,
         slurm_args: str = "", poll: float = 2.0, lost_after: float = 120.0, row_grace: float = 10.0,
         log: Callable[[str], None] = print) -> Launcher:
    if name == "local":
        from .local import LocalLauncher
        return LocalLauncher(jobs)
    if name == "slurm":
        from .slurm import SlurmLauncher
        return SlurmLauncher(work=work, partition=partition, extra_args=shlex.split(slurm_args or ""), poll=poll,
                             lost_after=lost_after, row_grace=row_grace, log=log)
    raise ValueError(f"unknown launcher {name!r} (have: {', '.join(LAUNCHERS)})")
