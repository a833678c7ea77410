"""The SLURM launcher: `make regress LAUNCHER=slurm [PARTITION=…] [SLURM_ARGS='…']`.

The runner builds every configuration on the submitting host first (as locally; builds land in build/, which the
nodes must see, like the repository, its .venv and OUT). Then one job array per build configuration and time
limit: each task is one run (its seed), executed by regressions/launchers/slurm_task.py with the same watchdog
as a local run, and writes its own row to OUT/slurm/rows/<run id>.json. The array's --time is the run's
timeout plus the watchdog's grace and a start-up margin, in whole minutes (SLURM's smallest limit is one minute
and it checks limits about every 30 s), so the test list's timeout still ends a hung run first, with the same
message as locally; SLURM's limit is the backstop.

The runner polls: the rows directory every half second, and the scheduler every POLL seconds with one
`squeue -t all -j <array ids>` for the tasks' JobState (one call however many arrays). A task that ended without
writing a row is classified from its JobState, after a grace for a shared file system to show a late row, with
`scontrol -o show job <id>_<task>` for its exit code: TIMEOUT -> TIMEOUT, FAILED / NODE_FAIL / OUT_OF_MEMORY /
BOOT_FAIL -> CRASH, CANCELLED / PREEMPTED / DEADLINE -> CANCELLED, COMPLETED -> ERROR (the row never appeared);
a task the controller no longer knows, or whose controller stops answering for LOST_AFTER seconds, -> LOST; a
task the scheduler will never start (e.g. Reason=PartitionTimeLimit) is cancelled -> NOT_RUN. Each such row
carries the task's output file. Every external command has a timeout, so the runner never hangs.

Ctrl-C (or SIGTERM) on the runner: scancel of every array it submitted; the tasks' rows say CANCELLED.
"""
from __future__ import annotations

import json
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from regressions.runs import KILL_GRACE_S, ROOT, config_key, unrun_row

CLIENTS = ("sbatch", "squeue", "scontrol", "scancel")
START_MARGIN_S = 60                   # Python, cocotb and the cached-build check before the watchdog's timeout
TERMINAL = {"COMPLETED", "FAILED", "TIMEOUT", "CANCELLED", "NODE_FAIL", "OUT_OF_MEMORY", "PREEMPTED", "BOOT_FAIL",
            "DEADLINE", "REVOKED", "SPECIAL_EXIT"}
CRASHED = {"FAILED", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL", "SPECIAL_EXIT"}
# pending reasons that no amount of waiting changes (the job asks for what the partition or account never gives)
HOPELESS = {"PartitionTimeLimit", "PartitionNodeLimit", "PartitionConfig", "BadConstraints", "InvalidAccount",
            "InvalidQOS", "DependencyNeverSatisfied", "QOSMaxWallDurationPerJobLimit",
            "AssocMaxWallDurationPerJobLimit", "QOSMaxCpuPerJobLimit", "AssocMaxCpuPerJobLimit",
            "QOSMaxNodePerJobLimit", "AssocMaxNodePerJobLimit",
            "launch failed requeued held"}                # the node could not start it: held until an admin acts
CANCEL_WAIT_S = 20                    # after Ctrl-C: how long to wait for the scheduler to confirm the tasks ended


def time_limit_minutes(timeout: float) -> int:
    """SLURM's --time for a run: its timeout, the watchdog's SIGTERM/SIGKILL grace and a start-up margin."""
    return max(1, math.ceil((timeout + KILL_GRACE_S + 5 + START_MARGIN_S) / 60))


def task_indices(spec: str) -> list[int]:
    """squeue's %K: '3', '0-5', '1,3,7-9', '0-99%4' (a throttle), 'N/A' (not an array)."""
    out: list[int] = []
    for part in spec.split("%")[0].split(","):
        a, _, b = part.partition("-")
        if a.isdigit():
            out.extend(range(int(a), int(b) + 1) if b.isdigit() else [int(a)])
    return out


def parse_squeue(text: str) -> dict[tuple[str, int], tuple[str, str, str]]:
    """`squeue -h -t all -o %F|%K|%T|%r|%M` lines -> {(array job id, task): (JobState, Reason, time used)}."""
    states = {}
    for line in text.splitlines():
        parts = line.strip().split("|")
        if len(parts) < 5:
            continue
        job, tasks, state, reason, used = parts[:5]
        for i in task_indices(tasks):
            states[(job, i)] = (state.split()[0].rstrip("+"), reason, used)
    return states


def parse_show_job(text: str) -> dict[str, str]:
    """One line of `scontrol -o show job`: its Key=Value fields (the first of each)."""
    fields: dict[str, str] = {}
    for m in re.finditer(r"(\w+)=(\S*)", text.splitlines()[0] if text.strip() else ""):
        fields.setdefault(m.group(1), m.group(2))
    return fields


def seconds(used: str) -> float:
    """SLURM's [days-]hours:minutes:seconds (or minutes:seconds) -> seconds."""
    days, _, hms = used.rpartition("-")
    try:
        parts = [int(p) for p in hms.split(":")]
    except ValueError:
        return 0.0
    while len(parts) < 3:
        parts.insert(0, 0)
    return (int(days) if days.isdigit() else 0) * 86400 + parts[0] * 3600 + parts[1] * 60 + parts[2]


@dataclass
class Array:
    k: int
    runs: list[dict]
    minutes: int
    job: str | None = None
    what: str = ""
    ended: dict = field(default_factory=dict)          # run id -> when first seen ended without a row
    missing: dict = field(default_factory=dict)        # run id -> when first not found in the controller
    hopeless: dict = field(default_factory=dict)       # run id -> when first seen pending for good


class SlurmLauncher:
    name = "slurm"

    def __init__(self, work: Path | None = None, partition: str | None = None, extra_args: list[str] | None = None,
                 poll: float = 2.0, lost_after: float = 120.0, row_grace: float = 10.0,
                 log: Callable[[str], None] = print):
        self.work = work
        self.partition = partition
        self.extra = list(extra_args or [])
        self.poll, self.lost_after, self.row_grace = poll, lost_after, row_grace
        self.log = log
        self.arrays: list[Array] = []
        self.ready: list[dict] = []                    # rows known before any task ran (refused submissions)
        self.done: set[str] = set()
        self.out = Path(".")
        self.max_array = 1001
        self.cancel_reason: str | None = None
        self.cancel_deadline = 0.0
        self.unreachable_since: float | None = None
        self.unreachable_why = ""
        self.next_query = 0.0

    # -- commands ------------------------------------------------------------------------------------------
    def _cmd(self, *args: str, timeout: float = 30) -> tuple[int, str, str]:
        """A SLURM client command: (exit status, stdout, stderr); 124 when it did not answer in `timeout` s."""
        try:
            p = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return 124, "", f"{args[0]} did not answer in {timeout:.0f} s"
        except OSError as e:
            return 127, "", f"{args[0]}: {e}"
        return p.returncode, p.stdout, p.stderr.strip()

    @staticmethod
    def _last_line(text: str) -> str:
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        return "; ".join(lines[-2:]) if lines else "(no message)"

    # -- before the builds ---------------------------------------------------------------------------------
    def preflight(self, runs: list[dict]) -> str | None:
        missing = [c for c in CLIENTS if not shutil.which(c)]
        if missing:
            return (f"slurm: {', '.join(missing)} not found on PATH (SLURM's client commands: on a cluster, load "
                    f"the site's SLURM environment; on Debian, the package slurm-client)")
        code, out, err = self._cmd("scontrol", "ping", timeout=60)
        if code != 0:
            return f"slurm: the controller does not answer (scontrol ping: {self._last_line(out + chr(10) + err)})"
        if self.partition:
            code, out, err = self._cmd("scontrol", "-o", "show", "partition", self.partition)
            if code != 0:
                _, every, _ = self._cmd("scontrol", "-o", "show", "partition")
                names = re.findall(r"PartitionName=(\S+)", every)
                return f"slurm: no partition {self.partition!r} on this cluster (partitions: {', '.join(names) or '-'})"
        code, out, _ = self._cmd("scontrol", "show", "config")
        m = re.search(r"^MaxArraySize\s*=\s*(\d+)", out, re.M)
        if code == 0 and m:
            self.max_array = max(1, int(m.group(1)))
        return None

    # -- submission ----------------------------------------------------------------------------------------
    def submit(self, runs: list[dict], out: Path, build_errors: dict) -> None:
        from regressions.runs import build_error_row
        self.out = out
        self.work = Path(self.work or out / "slurm")
        shutil.rmtree(self.work, ignore_errors=True)
        (self.work / "rows").mkdir(parents=True)
        groups: dict[tuple, list[dict]] = {}
        for r in runs:
            failed = build_error_row(r, out, build_errors)
            if failed:
                self.ready.append(failed)
                continue
            groups.setdefault((config_key(r), time_limit_minutes(r["timeout"])), []).append(r)
        chunks = [(minutes, rs[i:i + self.max_array]) for (_, minutes), rs in groups.items()
                  for i in range(0, len(rs), self.max_array)]
        for k, (minutes, rs) in enumerate(chunks, 1):
            a = Array(k, rs, minutes, what=f"{rs[0]['block']} {rs[0]['sim']}" + "".join(
                f" {p}={v}" for p, v in sorted(rs[0]["params"].items())) + "".join(f" +{d}" for d in rs[0]["defines"]))
            self.arrays.append(a)
            self._submit(a, len(chunks))

    def _submit(self, a: Array, of: int):
        spec = self.work / f"array{a.k}.json"
        # the runner's NPU8_* settings (code coverage) travel in the spec too: a site's SLURM_ARGS may say
        # --export=NONE
        env = {k: v for k, v in os.environ.items() if k.startswith("NPU8_")}
        spec.write_text(json.dumps({"out": str(self.out), "rows": str(self.work / "rows"), "env": env,
                                    "runs": a.runs}))
        (self.work / f"array{a.k}").mkdir()
        script = self.work / f"array{a.k}.sh"
        script.write_text(
            "#!/bin/bash\n"
            f"# npu8 regression: {len(a.runs)} run(s) of {a.what}, one a task (regressions/launchers/slurm.py)\n"
            f"cd {shlex.quote(str(ROOT))} || exit 3\n"
            f"exec {shlex.quote(sys.executable)} -m regressions.launchers.slurm_task {shlex.quote(str(spec))} "
            '"${SLURM_ARRAY_TASK_ID:?not a SLURM array task}"\n')
        script.chmod(0o755)
        cmd = ["sbatch", "--parsable", f"--array=0-{len(a.runs) - 1}", f"--time={a.minutes}",
               f"--job-name=npu8-{a.runs[0]['block']}-{a.runs[0]['sim']}",
               f"--output={self.work / f'array{a.k}' / '%a.out'}", f"--chdir={ROOT}"]
        cmd += [f"--partition={self.partition}"] if self.partition else []
        cmd += self.extra + [str(script)]
        code, out, err = self._cmd(*cmd, timeout=120)
        job = out.strip().split(";")[0]
        if code != 0 or not job.isdigit():
            why = self._last_line(err or out)
            self.log(f"slurm: array {a.k}/{of} ({len(a.runs)} run(s) of {a.what}) refused: {why}")
            msg = f"slurm: sbatch refused the job: {why}"
            self.ready += [unrun_row(r, self.out, "NOT_RUN", msg) for r in a.runs]
            a.runs = []
            return
        a.job = job
        self.log(f"slurm: array {a.k}/{of} job {job}: {len(a.runs)} run(s) of {a.what}, --time={a.minutes} min; "
                 f"task logs {self.work / f'array{a.k}'}/<task>.out")

    # -- results -------------------------------------------------------------------------------------------
    def _outstanding(self, a: Array) -> list[tuple[int, dict]]:
        return [(i, r) for i, r in enumerate(a.runs) if r["id"] not in self.done]

    def _deliver(self, row: dict, on_row):
        if row["id"] in self.done:
            return
        self.done.add(row["id"])
        on_row(row)

    def _task_log(self, a: Array, i: int) -> Path:
        return self.work / f"array{a.k}" / f"{i}.out"

    def _read_rows(self, on_row):
        rows = self.work / "rows"
        try:
            names = set(p.name for p in rows.iterdir())
        except OSError:
            return
        for a in self.arrays:
            for i, r in self._outstanding(a):
                if f"{r['id']}.json" in names:
                    try:
                        row = json.loads((rows / f"{r['id']}.json").read_text())
                    except (OSError, ValueError):
                        continue
                    self._deliver(row, on_row)

    def collect(self, on_row: Callable[[dict], None]) -> None:
        for row in self.ready:
            self._deliver(row, on_row)
        while any(self._outstanding(a) for a in self.arrays):
            self._read_rows(on_row)
            now = time.time()
            if now >= self.next_query and any(self._outstanding(a) for a in self.arrays):
                self._query(on_row)
                self.next_query = time.time() + (min(self.poll, 1.0) if self.cancel_reason else self.poll)
            if self.cancel_reason and time.time() > self.cancel_deadline:
                for a in self.arrays:
                    for i, r in self._outstanding(a):
                        self._deliver(unrun_row(r, self.out, "CANCELLED", f"slurm: {self.cancel_reason}: scancel "
                                                f"{a.job}; its end was not confirmed in {CANCEL_WAIT_S} s",
                                                self._task_log(a, i)), on_row)
                break
            time.sleep(0.5)

    def _query(self, on_row):
        arrays = [a for a in self.arrays if a.job and self._outstanding(a)]
        if self.unreachable_since is not None:         # a cheap `scontrol ping` until it answers again
            code, out, err = self._cmd("scontrol", "ping")
            if code != 0:
                err = self.unreachable_why
        if self.unreachable_since is None or code == 0:
            code, out, err = self._cmd("squeue", "-h", "-t", "all", "-j", ",".join(a.job for a in arrays),
                                       "-o", "%F|%K|%T|%r|%M")
        now = time.time()
        if code != 0 and "Invalid job id" not in err:
            if self.unreachable_since is None:
                self.unreachable_since, self.unreachable_why = now, err
                self.log(f"slurm: the controller does not answer ({self._last_line(err)}); "
                         f"retrying for {self.lost_after:.0f} s")
            elif now - self.unreachable_since >= self.lost_after:
                self._lost(arrays, f"slurm: the controller stopped answering ({self._last_line(err)}) "
                           f"for {self.lost_after:.0f} s before the task wrote its row; its fate is unknown", on_row)
            return
        if self.unreachable_since is not None:
            self.log(f"slurm: the controller answers again after {now - self.unreachable_since:.0f} s")
            self.unreachable_since = None
        states = parse_squeue(out) if code == 0 else {}
        self._read_rows(on_row)                        # rows that landed while squeue ran
        for a in arrays:
            for i, r in self._outstanding(a):
                st = states.get((a.job, i))
                if st is None:                         # not (or no longer) known to the controller
                    first = a.missing.setdefault(r["id"], now)
                    if now - first >= self.row_grace:
                        self._deliver(unrun_row(r, self.out, "LOST", f"slurm: job {a.job} task {i} is no longer "
                                                "known to the controller and wrote no result row",
                                                self._task_log(a, i)), on_row)
                    continue
                a.missing.pop(r["id"], None)
                state, reason, used = st
                if state in TERMINAL:
                    first = a.ended.setdefault(r["id"], now)
                    if now - first >= self.row_grace or (self.cancel_reason and state == "CANCELLED"):
                        self._classify(a, i, r, state, used, on_row)
                elif state == "PENDING" and reason in HOPELESS:
                    first = a.hopeless.setdefault(r["id"], now)
                    if now - first >= self.row_grace:
                        self._cmd("scancel", f"{a.job}_{i}")
                        self._deliver(unrun_row(r, self.out, "NOT_RUN", f"slurm: the scheduler will never start "
                                                f"this task (job {a.job}_{i} pending, Reason={reason}); cancelled "
                                                "it", self._task_log(a, i)), on_row)

    def _classify(self, a: Array, i: int, r: dict, state: str, used: str, on_row):
        """A task that ended without writing its row: a row from the scheduler's account of it."""
        code, out, _ = self._cmd("scontrol", "-o", "show", "job", f"{a.job}_{i}")
        info = parse_show_job(out) if code == 0 else {}
        state = info.get("JobState", state)
        job = f"{a.job}_{i}"
        exit_code = info.get("ExitCode", "?")
        if state == "TIMEOUT":
            limit = info.get("TimeLimit", f"{a.minutes}:00")
            status, msg = "TIMEOUT", (f"slurm: the scheduler ended the task at its time limit ({limit}; job {job}, "
                                      "JobState=TIMEOUT) before it wrote its row")
        elif state in CRASHED:
            status, msg = "CRASH", (f"slurm: the task ended {state} (exit code {exit_code}, job {job}) without "
                                    "writing its result row")
        elif state == "COMPLETED":
            status, msg = "ERROR", (f"slurm: the task COMPLETED (job {job}) but its row never appeared in "
                                    f"{self.work / 'rows'} (is OUT on a file system the nodes share?)")
        else:
            by = f" by the runner ({self.cancel_reason})" if self.cancel_reason else " (not by this runner)"
            status, msg = "CANCELLED", f"slurm: the task was {state}{by} (job {job}) before it wrote its row"
        self._deliver(unrun_row(r, self.out, status, msg, self._task_log(a, i),
                                seconds(info.get("RunTime", used))), on_row)

    def _lost(self, arrays: list[Array], msg: str, on_row):
        """The controller has not answered for LOST_AFTER s: a row for every task still out (scancel would not
        reach the controller either; the message names the jobs to cancel once it is back)."""
        note = f"; scancel {' '.join(a.job for a in arrays)} once the controller is back, if they still run"
        self.log(msg + note)
        for a in arrays:
            for i, r in self._outstanding(a):
                self._deliver(unrun_row(r, self.out, "LOST", msg + note, self._task_log(a, i)), on_row)

    # -- Ctrl-C --------------------------------------------------------------------------------------------
    def cancel(self, reason: str) -> None:
        self.cancel_reason = reason
        self.cancel_deadline = time.time() + CANCEL_WAIT_S
        self.next_query = 0.0
        jobs = [a.job for a in self.arrays if a.job and self._outstanding(a)]
        if jobs:
            code, _, err = self._cmd("scancel", *jobs, timeout=30)
            self.log(f"slurm: {reason}: scancel {' '.join(jobs)}" + ("" if code == 0 else f" failed: {err}"))
