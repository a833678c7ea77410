"""The SLURM launcher (regressions/launchers/slurm.py), against a real single-node SLURM of its own
(regressions/slurm_cluster.py: munged, slurmctld, slurmd from Debian's packages, state in a temporary directory)
and, for the scheduler's answers that take minutes to provoke, against canned ones.

On the cluster: the suite `selftest_cluster` (pass, hang, crash, a failing and an expected-failure run) gives the
same report through SLURM as locally, and RERUN=failed reruns its failures through SLURM; Ctrl-C on the runner
cancels its jobs; an unknown partition, a job the scheduler refuses, a task killed before it writes its row and
the controller stopped mid-run each give a clear message and a row per planned run, and the runner ends. Where
SLURM cannot be run here the cluster tests are skipped with the reason.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from regressions import regress, slurm_cluster
from regressions.launchers import slurm

ROOT = regress.ROOT


def rows(path: Path) -> dict[str, dict]:
    return {r["id"]: r for r in map(json.loads, path.read_text().splitlines())}


def normalized(report: str, out: Path) -> str:
    """A report without what differs between two runs of the same suite: durations, speeds, the output path."""
    text = report.replace(str(out), "OUT")
    text = re.sub(r"\d+ runs, (\d+) passed, (\d+) failed, \d+ s wall", r"runs, \1 passed, \2 failed", text)
    return re.sub(r"\| [\d.]+ \| ([\d.]+|-) \|$", "| S | K |", text, flags=re.M)


def runner(args: list[str], env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "regressions.regress", *args], cwd=ROOT, env=env or os.environ,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(p: subprocess.Popen, timeout: float = 120) -> tuple[int, str]:
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
        pytest.fail(f"the runner did not end in {timeout} s:\n{out}")
    return p.returncode, out


def wait_for(cond, timeout: float, what: str, proc: subprocess.Popen | None = None, cluster=None):
    """Until cond(); fails (with the runner's output and the cluster's logs) after `timeout` s or when the runner
    `proc` has ended first."""
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(0.2)
    out = ""
    if proc is not None:
        if proc.poll() is None:
            proc.kill()
        out = proc.communicate()[0]
    pytest.fail(f"{'the runner ended' if proc is not None and proc.returncode not in (None, -9) else 'timed out'} "
                f"waiting for {what}:\n{out}\n{cluster.logs() if cluster else ''}")


def processes_in(out: Path) -> list[int]:
    """Processes working in (or naming) a test's output directory: a run's simulator, a task."""
    found = []
    for p in Path("/proc").iterdir():
        if not p.name.isdigit() or int(p.name) == os.getpid():
            continue
        try:
            cmd = p.joinpath("cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cwd = os.readlink(p / "cwd")
        except OSError:
            continue
        if str(out) in cmd or cwd.startswith(str(out)):
            found.append(int(p.name))
    return found


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    why = slurm_cluster.unavailable()
    if why:
        pytest.skip(f"no local SLURM cluster: {why}")
    c = slurm_cluster.Cluster(tmp_path_factory.mktemp("slurm"))
    c.start()
    try:
        yield c
    finally:
        c.stop()
    assert not any(c.running().values()) and not c.leftover_steps(), c.running()


def hang_started(out: Path) -> bool:
    return (out / "runs" / "00000-planted-PlantedHangTest-icarus-s1" / "sim.log").exists()


# -- on a real cluster ---------------------------------------------------------------------------------------
def test_slurm_report_equals_local_and_reruns_failures(cluster, tmp_path):
    local, onslurm = tmp_path / "local", tmp_path / "slurm"
    args = ["--suite", "selftest_cluster", "--jobs", "2"]
    p_local = runner(args + ["--out", str(local)])
    p_slurm = runner(args + ["--out", str(onslurm), "--launcher", "slurm", "--slurm-poll", "1",
                             "--slurm-row-grace", "2"], cluster.env)
    (code_local, _), (code_slurm, log_slurm) = finish(p_local), finish(p_slurm)
    assert code_local == code_slurm == 1, log_slurm
    assert "slurm: array 1/2 job" in log_slurm and "--time=12 min" in log_slurm and "--time=2 min" in log_slurm
    a, b = rows(local / "results.jsonl"), rows(onslurm / "results.jsonl")
    assert {i: (r["cls"], r["seed"], r["status"], regress.bucket(r["message"])) for i, r in a.items()} == \
        {i: (r["cls"], r["seed"], r["status"], regress.bucket(r["message"])) for i, r in b.items()}
    assert sorted(r["status"] for r in b.values()) == ["CRASH", "FAIL", "PASS", "PASS", "TIMEOUT"]
    assert all(r["slurm"]["node"] == slurm_cluster.NODE and r["slurm"]["job"] for r in b.values())
    assert normalized((local / "report.md").read_text(), local) == normalized((onslurm / "report.md").read_text(),
                                                                               onslurm)
    for out in (local, onslurm):
        junit = (out / "junit.xml").read_text()
        assert 'tests="5"' in junit and 'failures="3"' in junit
    # RERUN=failed through the launcher: exactly the three failures, again on the cluster
    code, log = finish(runner(["--rerun", "failed", "--out", str(onslurm), "--launcher", "slurm", "--slurm-poll", "1"],
                              cluster.env))
    assert code == 1 and "slurm: array 1/2 job" in log, log
    rerun = rows(onslurm / "results.rerun.jsonl")
    assert {i: r["status"] for i, r in rerun.items()} == {i: r["status"] for i, r in b.items() if r["status"] != "PASS"}
    assert all(r["slurm"]["job"] for r in rerun.values())


def test_ctrl_c_cancels_the_jobs(cluster, tmp_path):
    out = tmp_path / "out"
    p = runner(["--suite", "selftest_hang", "--out", str(out), "--launcher", "slurm", "--slurm-poll", "1"], cluster.env)
    try:
        wait_for(lambda: hang_started(out), 60, "the hanging run to start on the cluster", p, cluster)
        t0 = time.time()
        p.send_signal(signal.SIGINT)
        code, log = finish(p, 60)
    finally:
        p.kill()
    assert code == 130, log
    assert time.time() - t0 < 30, log
    assert re.search(r"slurm: interrupted \(Ctrl-C\): scancel \d+", log), log
    (row,) = rows(out / "results.jsonl").values()
    assert row["status"] == "CANCELLED" and "by the runner (interrupted (Ctrl-C))" in row["message"], row
    assert "## Failures by bucket" in (out / "report.md").read_text()
    wait_for(lambda: not cluster.leftover_steps() and not processes_in(out), 30, "the cancelled task to end")


def test_unknown_partition_and_a_refused_job_give_a_row_per_run(cluster, tmp_path):
    code, log = finish(runner(["--suite", "selftest", "--out", str(tmp_path / "p"), "--launcher", "slurm",
                               "--partition", "nosuch"], cluster.env))
    assert code == 1 and "slurm: no partition 'nosuch' on this cluster (partitions: debug)" in log, log
    assert "build 1/1" not in log                                # nothing built for runs that cannot go
    got = rows(tmp_path / "p" / "results.jsonl")
    assert len(got) == 3 and {r["status"] for r in got.values()} == {"NOT_RUN"}
    assert "NOT_RUN: slurm: no partition" in (tmp_path / "p" / "report.md").read_text()
    # more memory than the node has: sbatch refuses it (the site's own options go through SLURM_ARGS)
    code, log = finish(runner(["--suite", "selftest", "--out", str(tmp_path / "m"), "--launcher", "slurm",
                               "--slurm-args=--mem=64T"], cluster.env))
    assert code == 1 and "refused" in log, log
    got = rows(tmp_path / "m" / "results.jsonl")
    assert len(got) == 3 and {r["status"] for r in got.values()} == {"NOT_RUN"}
    assert all("sbatch refused the job" in r["message"] and "node configuration is not available" in r["message"]
               for r in got.values()), got
    # a partition whose time limit is below the runs': accepted, then pending for good -> cancelled, NOT_RUN
    assert cluster.scontrol("create", "PartitionName=short", f"Nodes={slurm_cluster.NODE}", "MaxTime=1").returncode == 0
    code, log = finish(runner(["--suite", "selftest", "--out", str(tmp_path / "t"), "--launcher", "slurm",
                               "--partition", "short", "--slurm-poll", "1", "--slurm-row-grace", "1"], cluster.env))
    assert code == 1, log
    got = rows(tmp_path / "t" / "results.jsonl")
    assert len(got) == 3 and {r["status"] for r in got.values()} == {"NOT_RUN"}, got
    assert all(re.search(r"will never start this task \(job \d+_\d pending, Reason=Partition(TimeLimit|Config)\)",
                         r["message"]) for r in got.values()), got


def test_a_task_killed_before_its_row_is_classified_by_its_job_state(cluster, tmp_path):
    out = tmp_path / "out"
    p = runner(["--suite", "selftest_hang", "--out", str(out), "--launcher", "slurm", "--slurm-poll", "1",
                "--slurm-row-grace", "1"], cluster.env)
    try:
        wait_for(lambda: hang_started(out), 60, "the hanging run to start on the cluster", p, cluster)
        tasks = [pid for pid in processes_in(out)
                 if b"regressions.launchers.slurm_task" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert len(tasks) == 1, tasks
        os.kill(tasks[0], signal.SIGKILL)                        # the task dies: no row
        code, log = finish(p, 60)
    finally:
        p.kill()
    assert code == 1, log
    (row,) = rows(out / "results.jsonl").values()
    assert row["status"] == "CRASH", row
    assert re.search(r"slurm: the task ended FAILED \(exit code 0:9, job \d+_0\) without writing its result row",
                     row["message"]), row
    assert "npu8 slurm task" in row["log_tail"], row                 # the task's own output is in the row
    wait_for(lambda: not processes_in(out), 30, "the killed task's simulator to end with its job")


def test_the_controller_stopped_mid_run(tmp_path):
    why = slurm_cluster.unavailable()
    if why:
        pytest.skip(f"no local SLURM cluster: {why}")
    c = slurm_cluster.Cluster(tmp_path / "cluster").start()
    out = tmp_path / "out"
    try:
        p = runner(["--suite", "selftest_hang", "--out", str(out), "--launcher", "slurm", "--slurm-poll", "1",
                    "--slurm-lost-after", "3"], c.env)
        try:
            wait_for(lambda: hang_started(out), 60, "the hanging run to start on the cluster", p, c)
            assert c.stop_daemon("slurmctld")
            code, log = finish(p, 90)
        finally:
            p.kill()
    finally:
        c.stop()
    assert not any(c.running().values()) and not c.leftover_steps()
    assert code == 1, log
    assert "slurm: the controller does not answer" in log, log
    (row,) = rows(out / "results.jsonl").values()
    assert row["status"] == "LOST" and "the controller stopped answering" in row["message"], row
    # and a regression started against the stopped cluster: its preflight says so, a row per run
    code, log = finish(runner(["--suite", "selftest", "--out", str(tmp_path / "down"), "--launcher", "slurm"], c.env))
    assert code == 1 and "slurm: the controller does not answer (scontrol ping:" in log, log
    assert {r["status"] for r in rows(tmp_path / "down" / "results.jsonl").values()} == {"NOT_RUN"}
    wait_for(lambda: not processes_in(out), 30, "the orphaned task to be ended by the cluster's stop")


@pytest.mark.skipif(not os.environ.get("NPU8_SLURM_SLOW"),
                    reason="SLURM's own time limit takes 60-90 s to end a task: set NPU8_SLURM_SLOW=1 (the nightly)")
def test_slurm_time_limit_ends_a_task_that_outlives_it(cluster, tmp_path):
    out = tmp_path / "out"
    code, log = finish(runner(["--suite", "selftest_hang", "--out", str(out), "--launcher", "slurm",
                               "--slurm-args=--time=1", "--slurm-row-grace", "2"], cluster.env), 240)
    assert code == 1, log
    (row,) = rows(out / "results.jsonl").values()
    assert row["status"] == "TIMEOUT" and "time limit (00:01:00" in row["message"], row
    assert "planted hang" in row["message"], row                 # the test's SIGTERM handler: what it waited for


# -- no cluster needed ---------------------------------------------------------------------------------------
def test_no_sbatch_on_path_gives_a_row_per_run(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert regress.main(["--suite", "selftest", "--out", str(tmp_path), "--launcher", "slurm"]) == 1
    err = capsys.readouterr().err
    assert "LAUNCHER=slurm: slurm: sbatch, squeue, scontrol, scancel not found on PATH" in err, err
    got = rows(tmp_path / "results.jsonl")
    assert len(got) == 3 and {r["status"] for r in got.values()} == {"NOT_RUN"}
    assert all(r["reproduce"].startswith("make sim BLOCK=planted") for r in got.values())
    assert 'tests="3" failures="3"' in (tmp_path / "junit.xml").read_text()


def test_local_ctrl_c_stops_the_running_simulation(tmp_path):
    out = tmp_path / "out"
    p = runner(["--suite", "selftest_hang", "--out", str(out)])
    try:
        wait_for(lambda: hang_started(out), 60, "the hanging run to start", p)
        p.send_signal(signal.SIGINT)
        code, log = finish(p, 30)
    finally:
        p.kill()
    assert code == 130, log
    (row,) = rows(out / "results.jsonl").values()
    assert row["status"] == "CANCELLED" and row["message"].startswith("interrupted (Ctrl-C): ended the simulation")
    assert not processes_in(out)


def test_scheduler_states_become_rows(tmp_path):
    """Every way a task can end without its row, from the scheduler's (canned) answers: one array of 8 tasks."""
    lst = tmp_path / "list.yaml"
    lst.write_text("s:\n  - test: planted.PlantedPassTest\n    sims: [icarus]\n    seeds: 8\n")
    runs = regress.load_suite(lst, "s")
    squeue = ("100|0|TIMEOUT|TimeLimit|2:03\n100|1|FAILED|NonZeroExitCode|0:03\n100|2|CANCELLED|None|0:01\n"
              "100|3|COMPLETED|None|0:05\n100|4-5|PENDING|PartitionTimeLimit|0:00\n100|6|COMPLETED|None|0:02\n")
    show = {"0": "JobState=TIMEOUT Reason=TimeLimit ExitCode=0:15 RunTime=00:02:03 TimeLimit=00:02:00",
            "1": "JobState=FAILED Reason=NonZeroExitCode ExitCode=7:0 RunTime=00:00:03 TimeLimit=00:12:00",
            "2": "JobState=CANCELLED Reason=None ExitCode=0:15 RunTime=00:00:01 TimeLimit=00:12:00",
            "3": "JobState=COMPLETED Reason=None ExitCode=0:0 RunTime=00:00:05 TimeLimit=00:12:00"}
    calls = []

    def fake(*args, timeout=30):
        calls.append(args)
        if args[0] == "sbatch":
            return 0, "100\n", ""
        if args[0] == "squeue":
            return 0, squeue, ""
        if args[0] == "scontrol":
            return 0, "JobId=101 ArrayJobId=100 ArrayTaskId=x " + show[args[-1].split("_")[1]], ""
        return 0, "", ""

    la = slurm.SlurmLauncher(work=tmp_path / "slurm", poll=0.1, row_grace=0.3, log=lambda m: None)
    la._cmd = fake
    la.submit(runs, tmp_path, {})
    assert calls[0][:4] == ("sbatch", "--parsable", "--array=0-7", "--time=12")
    (tmp_path / "slurm" / "rows" / f"{runs[6]['id']}.json").write_text(json.dumps({**runs[6], "status": "PASS"}))
    got = []
    la.collect(got.append)
    by = {r["seed"]: r for r in got}
    assert sorted(by) == list(range(1, 9))
    assert by[1]["status"] == "TIMEOUT" and "time limit (00:02:00; job 100_0" in by[1]["message"]
    assert by[1]["seconds"] == 123
    assert by[2]["status"] == "CRASH" and "ended FAILED (exit code 7:0, job 100_1)" in by[2]["message"]
    assert by[3]["status"] == "CANCELLED" and "not by this runner" in by[3]["message"]
    assert by[4]["status"] == "ERROR" and "COMPLETED" in by[4]["message"] and "row never appeared" in by[4]["message"]
    assert by[5]["status"] == by[6]["status"] == "NOT_RUN" and "Reason=PartitionTimeLimit" in by[5]["message"]
    assert ("scancel", "100_4") in calls and ("scancel", "100_5") in calls
    assert by[7]["status"] == "PASS"                             # its own row
    assert by[8]["status"] == "LOST" and "no longer known to the controller" in by[8]["message"]
    assert all(r["reproduce"].startswith("make sim BLOCK=planted") for r in got if r["seed"] != 7)


def test_an_unreachable_controller_ends_the_wait(tmp_path):
    runs = regress.load_suite(regress.TESTLIST, "selftest")
    la = slurm.SlurmLauncher(work=tmp_path / "slurm", poll=0.1, lost_after=0.5, log=lambda m: None)
    ids = iter(range(7, 100))
    la._cmd = lambda *a, timeout=30: (0, f"{next(ids)}\n", "") if a[0] == "sbatch" else \
        (1, "", "slurm_load_jobs error: Unable to contact slurm controller (connect failure)")
    la.submit(runs, tmp_path, {})
    got = []
    t0 = time.time()
    la.collect(got.append)
    assert time.time() - t0 < 5 and len(got) == 3
    assert all(r["status"] == "LOST" and "stopped answering (slurm_load_jobs error: Unable to contact" in r["message"]
               and "scancel 7 8 once the controller is back" in r["message"] for r in got), got


def test_parsing_the_schedulers_answers():
    assert slurm.task_indices("3") == [3] and slurm.task_indices("0-3%2") == [0, 1, 2, 3]
    assert slurm.task_indices("1,4-5") == [1, 4, 5] and slurm.task_indices("N/A") == []
    assert slurm.parse_squeue("9|2-3|PENDING|Resources|0:00\n9|0|COMPLETING+|None|1:02\n") == {
        ("9", 2): ("PENDING", "Resources", "0:00"), ("9", 3): ("PENDING", "Resources", "0:00"),
        ("9", 0): ("COMPLETING", "None", "1:02")}
    assert slurm.seconds("1-02:03:04") == 93784 and slurm.seconds("2:03") == 123
    assert slurm.time_limit_minutes(8) == 2 and slurm.time_limit_minutes(600) == 12
    assert slurm.parse_show_job("JobId=5 JobState=FAILED ExitCode=7:0")["ExitCode"] == "7:0"
