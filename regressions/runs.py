"""One run of a regression, wherever it executes: the builds before the runs, one RTL simulation under its
wall-clock watchdog and the row it leaves, one golden self-check, and the rows of runs that never ran or ended
without writing one. The local launcher calls run_rtl in a thread of the runner; a SLURM array task calls the
same run_rtl on its node (regressions/launchers/slurm_task.py), so a run's row, message and log do not depend on
where it ran.

A row is the run (test, block, cls, sim, seed, timeout, params, repeat, defines, expect, id) plus status (PASS,
FAIL, ERROR, TIMEOUT, CRASH; from a launcher also CANCELLED, NOT_RUN, LOST), message, seconds, reproduce and,
for an RTL run, dir (its run directory), log_tail when it did not pass, coverage and the cycle counts when written.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from regressions import golden_cases  # noqa: E402
from sim import blocks  # noqa: E402

KILL_GRACE_S = 10
RUN_FIELDS = ("id", "test", "block", "cls", "sim", "seed", "timeout", "params", "repeat", "defines", "expect")


def reproduce(r: dict) -> str:
    if r["block"] == "golden":
        return f"make regress TEST={r['test']} SEED={r['seed']}"
    from sim.run import reproduce_command
    defaults = blocks.BLOCKS[r["block"]].defaults
    params = {k: v for k, v in r["params"].items() if defaults.get(k) != v}
    cmd = reproduce_command(r["block"], r["sim"], r["seed"], params, r["cls"], tuple(r["defines"]))
    return cmd.replace("make sim", f"REPEAT={r['repeat']} make sim") if r["repeat"] > 1 else cmd


def config_key(r: dict) -> tuple:
    """The build configuration of an RTL run: (block, simulator, parameters, defines)."""
    return r["block"], r["sim"], json.dumps(r["params"], sort_keys=True), tuple(r["defines"])


def run_dir(r: dict, out: Path) -> Path:
    return out / "runs" / f"{r['id']}-{r['block']}-{r['cls']}-{r['sim']}-s{r['seed']}"


# -- builds --------------------------------------------------------------------------------------------------
def build_all(runs: list[dict], log, jobs: int = 1) -> dict:
    """Build each distinct (block, simulator, parameters, defines) once, before any run starts, `jobs` at a
    time (each build is its own directory and lock; Verilator's C++ compile dominates). Each build's output
    goes to its build.log; `log` gets one line per build as it ends. Returns {config_key: error} for the
    builds that failed (their runs become ERROR rows, build_error_row)."""
    from sim.runner import BuildFailed, build
    configs = {}
    for r in runs:
        if r["block"] != "golden":
            configs.setdefault(config_key(r), r)

    def one(item):
        i, (key, _) = item
        block, sim, params, defines = key
        b = blocks.BLOCKS[block]
        try:
            info = build(sim, b.toplevel, b.sources(), {**b.defaults, **json.loads(params)}, False,
                         {d: 1 for d in defines})
            log(f"build {i + 1}/{len(configs)} {info.line()}")
        except BuildFailed as e:                                 # reported as failed rows
            log(f"build {i + 1}/{len(configs)} {e.info.line()}")
            return key, f"build failed: {e}"
        except Exception as e:                                   # noqa: BLE001 - reported as failed rows
            log(f"build {i + 1}/{len(configs)} {b.toplevel} {sim}: FAILED {type(e).__name__}: {e}")
            return key, f"build failed: {type(e).__name__}: {e}"
        return key, None

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return {key: err for key, err in pool.map(one, enumerate(configs.items())) if err}


def build_error_row(r: dict, out: Path, build_errors: dict) -> dict | None:
    """The row of a run whose configuration did not build (None when it built)."""
    err = build_errors.get(config_key(r))
    if err is None:
        return None
    return {**r, "dir": str(run_dir(r, out)), "reproduce": reproduce(r), "status": "ERROR", "message": err,
            "seconds": 0.0}


# -- one RTL run ---------------------------------------------------------------------------------------------
class Stopper:
    """Set by a launcher to end its runs early (Ctrl-C): each running simulation is stopped like an overstaying
    one and its row says why."""

    def __init__(self):
        self.reason: str | None = None


def run_rtl(r: dict, out: Path, build_errors: dict | None = None, stopper: Stopper | None = None) -> dict:
    """One simulation in its own process and directory under OUT/runs/, under a wall-clock watchdog (the run's
    timeout: SIGTERM, so the test logs what it was waiting for, then SIGKILL); its row."""
    failed_build = build_error_row(r, out, build_errors or {})
    if failed_build:
        return failed_build
    rdir = run_dir(r, out)
    rdir.mkdir(parents=True, exist_ok=True)
    log = rdir / "runner.log"
    row = {**r, "dir": str(rdir), "reproduce": reproduce(r)}
    cmd = [sys.executable, "-m", "sim.run", "--block", r["block"], "--sim", r["sim"], "--seed", str(r["seed"]),
           "--test", r["cls"], "--out", str(rdir)]
    cmd += [a for k, v in sorted(r["params"].items()) for a in ("-P", f"{k}={v}")]
    cmd += [a for d in r["defines"] for a in ("--define", d)]
    env = child_env(r)
    t0 = time.time()
    timed_out = cancelled = False
    with log.open("w") as f:
        p = subprocess.Popen(cmd, cwd=ROOT, stdout=f, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        while True:
            try:
                code = p.wait(timeout=max(0.01, min(0.5, t0 + r["timeout"] - time.time())))
                break
            except subprocess.TimeoutExpired:
                if stopper is not None and stopper.reason:
                    cancelled = True
                elif time.time() >= t0 + r["timeout"]:
                    timed_out = True
                else:
                    continue
                _stop(p)
                code = p.returncode
                break
    row["seconds"] = round(time.time() - t0, 2)
    results = rdir / "results.xml"
    sim_log = rdir / "sim.log"
    if cancelled:
        row.update(status="CANCELLED", message=f"{stopper.reason}: ended the simulation after {row['seconds']:.0f} s")
    elif timed_out:
        pending = pending_lines(sim_log)
        row.update(status="TIMEOUT", message=f"wall-clock watchdog: no end after {r['timeout']} s; ended it"
                   + (f"; pending: {pending}" if pending else ""))
    elif results.exists():
        failures = _failures(results)
        row.update(status="FAIL" if failures else "PASS", message=failures[0] if failures else "")
        if not failures and code != 0:
            row.update(status="ERROR", message=f"exit status {code} with no failed test; see the log")
    else:
        row.update(status="CRASH", message=f"simulator exited with status {code} and wrote no results")
    if row["status"] != "PASS":
        row["log_tail"] = tail(sim_log if sim_log.exists() else log)
    if r["expect"] == "fail" and not cancelled:
        row["status"], row["message"] = ("PASS", f"failed as expected: {row['message']}") if row["status"] != "PASS" \
            else ("FAIL", "expected a failure (injected fault), but the test passed")
    cov = rdir / "coverage.yml"
    if cov.exists():
        row["coverage"] = str(cov)
    summary = _summary(rdir)
    if summary:
        row.update(summary)
    return row


def unrun_row(r: dict, out: Path, status: str, message: str, log: Path | None = None,
              seconds: float = 0.0) -> dict:
    """The row of a run that a launcher could not run, or that ended without writing its own row: its run
    directory (which may not exist), the log that says most (the simulation's, the run's, then `log`)."""
    rdir = run_dir(r, out) if r["block"] != "golden" else None
    row = {**{k: r[k] for k in RUN_FIELDS if k in r}, "status": status, "message": message,
           "seconds": round(seconds, 2), "reproduce": reproduce(r)}
    if rdir is not None:
        row["dir"] = str(rdir)
        pending = pending_lines(rdir / "sim.log")
        if pending and status == "TIMEOUT":
            row["message"] += f"; pending: {pending}"
        logs = [p for p in (rdir / "sim.log", rdir / "runner.log", log) if p is not None and p.exists()]
        row["log_tail"] = "\n".join(f"--- {p}\n{tail(p, 30)}" for p in logs) if logs else "(no log)"
    return row


def child_env(r: dict) -> dict:
    # COVERAGE (make's knob would leak it) makes cocotb measure Python coverage: never pass it on
    env = {k: v for k, v in os.environ.items() if k != "COVERAGE"}
    return {**env, "NPU8_REPEAT": str(r["repeat"]), "PYTHONPATH": str(ROOT)}


def _stop(p: subprocess.Popen):
    """SIGTERM to the run's process group first (the test logs what it was waiting for), SIGKILL after a grace
    period. Waits for the whole group, not only the child: the simulator outlives its parent by the time its
    handler takes to write the PENDING line that the row quotes."""
    for sig, wait in ((signal.SIGTERM, KILL_GRACE_S), (signal.SIGKILL, 5)):
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            break
        end = time.time() + wait
        while time.time() < end:
            if p.poll() is not None and not _group_alive(p.pid):
                return
            time.sleep(0.05)
    try:
        p.wait(timeout=1)
    except subprocess.TimeoutExpired:
        pass


def _group_alive(pgid: int) -> bool:
    """Whether a process of group `pgid` still runs (zombies do not count: nobody may reap them here)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] != "Z":
            return True
    return False


def _failures(results: Path) -> list[str]:
    try:
        root = ET.parse(results).getroot()
    except ET.ParseError as e:
        return [f"unreadable results file: {e}"]
    out = []
    for case in root.iter("testcase"):
        for bad in list(case.iter("failure")) + list(case.iter("error")):
            out.append(f"{case.get('name')}: {bad.get('message') or (bad.text or '').strip()[:500]}")
    return out


def _summary(rdir: Path) -> dict:
    try:
        from sim.summary import run_summary
        s = run_summary(rdir)
        return {"cycles": int(s["cycles"]), "cycles_per_s": round(s["cycles_per_s"])}
    except Exception:                                            # noqa: BLE001 - a summary is optional
        return {}


def pending_lines(log: Path) -> str:
    if not log.exists():
        return ""
    lines = [ln for ln in log.read_text(errors="replace").splitlines() if "PENDING" in ln]
    return lines[-1].split("PENDING", 1)[1].strip(" :") if lines else ""


def tail(path: Path, n: int = 60) -> str:
    if not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-n:])


def rerun_with_waves(row: dict) -> None:
    """The failing run again with WAVES=1, into <run dir>/waves (its FST is what CI uploads). On the
    submitting host, whichever launcher ran the regression."""
    wdir = Path(row["dir"]) / "waves"
    cmd = [sys.executable, "-m", "sim.run", "--block", row["block"], "--sim", row["sim"], "--seed", str(row["seed"]),
           "--test", row["cls"], "--out", str(wdir), "--waves"]
    cmd += [a for k, v in sorted(row["params"].items()) for a in ("-P", f"{k}={v}")]
    cmd += [a for d in row["defines"] for a in ("--define", d)]
    env = child_env(row)
    wdir.mkdir(parents=True, exist_ok=True)
    with (wdir / "runner.log").open("w") as f:
        try:
            subprocess.run(cmd, cwd=ROOT, stdout=f, stderr=subprocess.STDOUT, env=env, timeout=row["timeout"] * 3)
        except subprocess.TimeoutExpired:
            pass
    row["waves"] = [str(w) for w in sorted(wdir.glob("*.fst"))]
    if row["waves"]:
        from sim.waves import write_view
        write_view(row["block"], Path(row["waves"][0]), blocks.BLOCKS[row["block"]].toplevel)


# -- one golden self-check -----------------------------------------------------------------------------------
def run_golden(r: dict, out: Path, verbose: bool = False) -> dict:
    """One golden self-check in this process. A failing case (or any case, verbose) leaves its program
    listing under OUT/runs/."""
    row = golden_cases.run_one(r["cls"], r["seed"])
    row = {**r, **{k: v for k, v in row.items() if k != "log"}, "reproduce": reproduce(r),
           **({"log_tail": row["log"]} if row.get("log") else {})}
    if verbose or row["status"] != "PASS":
        try:
            row["listing"] = str(golden_cases.write_listing(
                r["cls"], r["seed"], out / "runs" / f"{r['id']}-golden-{r['cls']}-s{r['seed']}.S"))
        except Exception as e:                                   # noqa: BLE001 - the program itself crashed
            row["listing"] = f"(none: {type(e).__name__}: {e})"
    return row
