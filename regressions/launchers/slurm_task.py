"""One SLURM array task: one run of the regression (what the array's batch script executes on its node).

    python -m regressions.launchers.slurm_task SPEC.json TASK_INDEX

SPEC is the array's run list (written by slurm.py on the submitting host, on a file system the nodes share);
the task runs entry TASK_INDEX with regressions/runs.py's run_rtl (the same watchdog, messages and run
directory as a local run) and writes its row to SPEC's rows directory as <run id>.json, atomically (a temporary
file renamed), so the runner reads either the whole row or none. It exits 0 when the row is written, whatever
the run's status: a task that ends otherwise (killed, out of time, cancelled, its node lost) leaves no row, and
the runner classifies it from the scheduler's JobState. On SIGTERM (SLURM's time limit, scancel) it stops the
simulation as the local watchdog does and exits 143 without a row.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time
from pathlib import Path


def write_row(rows: Path, row: dict) -> Path:
    rows.mkdir(parents=True, exist_ok=True)
    final = rows / f"{row['id']}.json"
    tmp = rows / f".{row['id']}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(row) + "\n")
    os.replace(tmp, final)
    return final


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2 or not argv[1].isdigit():
        print("usage: python -m regressions.launchers.slurm_task SPEC.json TASK_INDEX", file=sys.stderr)
        return 2
    spec = json.loads(Path(argv[0]).read_text())
    r = spec["runs"][int(argv[1])]
    os.environ.update(spec.get("env", {}))                       # the runner's NPU8_* (code coverage)
    where = {"job": os.environ.get("SLURM_JOB_ID"), "array_job": os.environ.get("SLURM_ARRAY_JOB_ID"),
             "task": int(argv[1]), "node": os.environ.get("SLURMD_NODENAME") or socket.gethostname()}
    print(f"npu8 slurm task {where}: run {r['id']} {r['test']} {r['sim']} seed {r['seed']}", flush=True)
    t0 = time.time()
    from regressions.runs import Stopper, reproduce, run_rtl
    # SIGTERM is the scheduler ending the task (its time limit, scancel): stop the simulation as the watchdog
    # would, so that the test logs what it was waiting for, and leave no row: the runner classifies the task by
    # its JobState (TIMEOUT, CANCELLED). Were the task to die at once, the scheduler would SIGKILL the simulation
    # with it, before its own handler ran.
    stopper = Stopper()
    signal.signal(signal.SIGTERM, lambda signum, frame: setattr(stopper, "reason", f"signal {signum}"))
    try:
        row = run_rtl(r, Path(spec["out"]), None, stopper)
    except Exception as e:                                       # noqa: BLE001 - a row, not a lost task
        row = {**r, "status": "ERROR", "message": f"runner (slurm task): {type(e).__name__}: {e}",
               "seconds": round(time.time() - t0, 2), "reproduce": reproduce(r)}
    if stopper.reason:
        print(f"npu8 slurm task: ended by {stopper.reason} (a time limit or scancel) after {time.time() - t0:.0f} s; "
              "no row: the runner reads the job's state", flush=True)
        return 128 + signal.SIGTERM
    row["slurm"] = where
    path = write_row(Path(spec["rows"]), row)
    print(f"npu8 slurm task: {row['status']} in {row['seconds']} s; row {path}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
