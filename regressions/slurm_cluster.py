"""A single-node SLURM cluster of its own: for the SLURM launcher's tests, and to try `LAUNCHER=slurm` on one
machine.

    python -m regressions.slurm_cluster start DIR    # munged, slurmctld, slurmd; prints `export SLURM_CONF=...`
    python -m regressions.slurm_cluster status DIR
    python -m regressions.slurm_cluster stop DIR     # cancels its jobs, stops exactly the daemons it started

Everything lives in DIR (slurm.conf and cgroup.conf, the controller's state, the logs, the pid files) but the
sockets: munged's (with its key) and slurmd's spool (where each slurmstepd makes one) go to a short
/tmp/npu8-slurm-* directory that DIR/short.dir names, since a socket's path is limited to 107 bytes and munged
wants every parent of its socket open to all. Nothing is read from or written to /etc; clients find the
cluster through SLURM_CONF. The ports are free ones picked at start and job ids start at a random first id, so
two clusters on one machine (two pytest workers) do not meet. Stopping signals only the pids of this cluster's
pid files (after checking that each still is the daemon started with its configuration), then any slurmstepd
left over from its jobs (the steps carry its SLURM_CONF in their environment), with their processes.

Debian's packages (slurmctld, slurmd, slurm-client, munge; sim/bootstrap.sh installs them when allowed) start no
service themselves. slurmd must run as root to start jobs, so the cluster needs root.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DAEMONS = ("slurmctld", "slurmd", "munged")
CLIENTS = ("sbatch", "scontrol", "scancel", "squeue")
PACKAGES = "slurmctld slurmd slurm-client munge"
NODE = "localhost"


class ClusterError(RuntimeError):
    pass


def unavailable() -> str | None:
    """Why a cluster cannot be started here (None when it can): what is missing, or not root."""
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"               # the daemons live in sbin
    missing = [c for c in DAEMONS + CLIENTS if not shutil.which(c, path=path)]
    if missing:
        who = "setup did not install them: not root" if os.geteuid() != 0 else \
            "setup did not install them: NPU8_NO_APT is set" if os.environ.get("NPU8_NO_APT") else \
            "setup could not install them (see `make setup`)"
        return f"SLURM is not installed (missing: {', '.join(missing)}; Debian packages {PACKAGES}; {who})"
    if os.geteuid() != 0:
        return "a single-node SLURM needs root here (slurmd starts jobs as their user)"
    return None


def _which(name: str) -> str:
    found = shutil.which(name, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    if not found:
        raise ClusterError(f"{name} not found (Debian packages {PACKAGES})")
    return found


def _free_ports(n: int) -> list[int]:
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:                                      # a zombie has exited
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return False


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _job_processes(step: int) -> list[int]:
    """The processes of the job a slurmstepd runs: its job's cgroups (proctrack/cgroup) and its descendants."""
    found: set[int] = set()
    m = _cmdline(step).split("[", 1)[-1].split(".", 1)[0]      # "slurmstepd: [1234.batch]"
    if m.isdigit():
        for procs in Path("/sys/fs/cgroup/freezer").glob(f"slurm*/uid_*/job_{m}/**/cgroup.procs"):
            try:
                found.update(int(x) for x in procs.read_text().split())
            except (OSError, ValueError):
                pass
    children: dict[int, list[int]] = {}
    for p in Path("/proc").iterdir():
        try:
            if p.name.isdigit():
                ppid = int(p.joinpath("stat").read_text().rsplit(") ", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(p.name))
        except (OSError, ValueError, IndexError):
            continue
    todo = [step]
    while todo:
        for c in children.get(todo.pop(), []):
            if c not in found:
                found.add(c)
                todo.append(c)
    found.discard(step)
    return sorted(found)


class Cluster:
    """One single-node cluster in `root` (created if missing)."""

    def __init__(self, root: Path | str):
        self.root = Path(root).resolve()
        self.conf = self.root / "slurm.conf"
        self.log_dir = self.root / "log"

    @property
    def short_dir(self) -> Path:
        """Where the sockets go (munged's, with its key and seed; slurmd's spool, where each slurmstepd makes
        one): a short path, since a socket's is limited to 107 bytes, whose every parent all may traverse
        (munged insists), so not under a private temporary directory such as pytest's. DIR/short.dir names it."""
        f = self.root / "short.dir"
        return Path(f.read_text().strip()) if f.exists() else self.root

    @property
    def munge_dir(self) -> Path:
        return self.short_dir / "munge"

    @property
    def munge_socket(self) -> Path:
        return self.munge_dir / "munge.socket"

    # -- what clients need ---------------------------------------------------------------------------------
    @property
    def env(self) -> dict:
        """The environment for SLURM clients (sbatch, scontrol, the regression runner) of this cluster."""
        return {**os.environ, "SLURM_CONF": str(self.conf)}

    def pid(self, daemon: str) -> int | None:
        """The pid of one of this cluster's daemons when it is running (checked against its command line)."""
        f = self.root / f"{daemon}.pid"
        try:
            pid = int(f.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        mark = str(self.munge_socket) if daemon == "munged" else str(self.conf)
        return pid if _alive(pid) and daemon in _cmdline(pid) and mark in _cmdline(pid) else None

    def scontrol(self, *args: str, timeout: float = 15) -> subprocess.CompletedProcess:
        return subprocess.run([_which("scontrol"), *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout)

    # -- start ---------------------------------------------------------------------------------------------
    def start(self, timeout: float = 30) -> "Cluster":
        why = unavailable()
        if why:
            raise ClusterError(why)
        if any(self.pid(d) for d in DAEMONS):
            raise ClusterError(f"{self.root}: a cluster is already running here (stop it first)")
        for d in ("state", "log"):
            (self.root / d).mkdir(parents=True, exist_ok=True)
        if (self.root / "short.dir").exists():                # left by a cluster that was not stopped
            shutil.rmtree(self.short_dir, ignore_errors=True)
        short = Path(tempfile.mkdtemp(prefix="npu8-slurm-", dir="/tmp" if Path("/tmp").is_dir() else None))
        (self.root / "short.dir").write_text(f"{short}\n")
        for d in (short, self.munge_dir, short / "spool"):
            d.mkdir(exist_ok=True)
            d.chmod(0o755)                                       # munged: its socket directory must be 0755
        self._write_conf()
        try:
            self._start_munged()
            self._run([_which("slurmctld"), "-f", str(self.conf), "-c"], "slurmctld")
            self._wait(lambda: self.scontrol("ping").returncode == 0, timeout, "slurmctld to answer")
            self._run([_which("slurmd"), "-f", str(self.conf), "-N", NODE], "slurmd")
            self._wait(self._node_idle, timeout, f"node {NODE} to become idle")
        except BaseException:
            self.stop()
            raise
        return self

    def _write_conf(self):
        ctld_port, slurmd_port = _free_ports(2)
        topo = subprocess.run([_which("slurmd"), "-C"], capture_output=True, text=True, timeout=30).stdout
        node = next((ln for ln in topo.splitlines() if ln.startswith("NodeName=")), "")
        fields = dict(kv.split("=", 1) for kv in node.split()[1:] if "=" in kv)
        fields = {k: v for k, v in fields.items() if k in ("CPUs", "Boards", "SocketsPerBoard", "CoresPerSocket",
                                                            "ThreadsPerCore", "RealMemory")} or {"CPUs": "1"}
        # proctrack/cgroup keeps a job's processes in its cgroup, so a task's simulator (its own session) ends
        # with the task; without a cgroup v1 freezer, follow the process tree instead
        cgroup = Path("/sys/fs/cgroup/freezer").is_dir()
        r = self.root
        conf = {
            "ClusterName": "npu8", "SlurmctldHost": f"{NODE}(127.0.0.1)",
            "SlurmctldPort": ctld_port, "SlurmdPort": slurmd_port, "SlurmUser": "root", "SlurmdUser": "root",
            "AuthType": "auth/munge", "CredType": "cred/munge", "AuthInfo": f"socket={self.munge_socket}",
            "StateSaveLocation": r / "state", "SlurmdSpoolDir": self.short_dir / "spool",
            "SlurmctldPidFile": r / "slurmctld.pid", "SlurmdPidFile": r / "slurmd.pid",
            "SlurmctldLogFile": r / "log" / "slurmctld.log", "SlurmdLogFile": r / "log" / "slurmd.log",
            "ProctrackType": "proctrack/cgroup" if cgroup else "proctrack/linuxproc", "TaskPlugin": "task/none",
            "SelectType": "select/cons_tres", "SelectTypeParameters": "CR_Core",
            "SchedulerParameters": "batch_sched_delay=0",          # no 3 s pause between waves of array tasks
            "JobCompType": "jobcomp/filetxt", "JobCompLoc": r / "log" / "jobcomp.txt",
            "AccountingStorageType": "accounting_storage/none", "JobAcctGatherType": "jobacct_gather/none",
            "MpiDefault": "none", "MailProg": "/bin/true", "ReturnToService": 2, "KillWait": 5,
            "MinJobAge": 300, "InactiveLimit": 0, "SlurmdTimeout": 30,
            "MessageTimeout": 5,                                   # clients give up on a stopped controller in ~4 s
            "FirstJobId": random.randint(1000, 400_000) * 10,      # distinct cgroup paths for concurrent clusters
        }
        lines = [f"{k}={v}" for k, v in conf.items()]
        lines.append(f"NodeName={NODE} NodeAddr=127.0.0.1 " + " ".join(f"{k}={v}" for k, v in fields.items())
                     + " State=UNKNOWN")
        lines.append(f"PartitionName=debug Nodes={NODE} Default=YES MaxTime=INFINITE State=UP")
        self.conf.write_text("# a single-node cluster of regressions/slurm_cluster.py\n" + "\n".join(lines) + "\n")
        (r / "cgroup.conf").write_text("CgroupPlugin=autodetect\nCgroupMountpoint=/sys/fs/cgroup\n"
                                       "ConstrainCores=no\nConstrainRAMSpace=no\n")

    def _start_munged(self):
        key = self.munge_dir / "munge.key"
        if not key.exists():
            key.write_bytes(os.urandom(1024))
        key.chmod(0o400)
        self._run([_which("munged"), f"--socket={self.munge_socket}", f"--key-file={key}",
                   f"--pid-file={self.root / 'munged.pid'}", f"--log-file={self.log_dir / 'munged.log'}",
                   f"--seed-file={self.munge_dir / 'munged.seed'}"], "munged")

    def _run(self, cmd: list[str], daemon: str, timeout: float = 30):
        """Start a daemon (each forks into the background and writes its pid file) and wait for that pid."""
        with (self.log_dir / f"{daemon}.start.log").open("w") as f:
            code = subprocess.run(cmd, env=self.env, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  timeout=timeout).returncode
        if code != 0:
            raise ClusterError(f"{daemon} did not start (exit status {code}):\n{self.logs(daemon)}")
        self._wait(lambda: self.pid(daemon) is not None, timeout, f"{daemon}'s pid file")

    def _node_idle(self) -> bool:
        p = self.scontrol("-o", "show", "node", NODE)
        return p.returncode == 0 and any(f"State={s}" in p.stdout for s in ("IDLE", "MIXED", "ALLOCATED"))

    def _wait(self, ready, timeout: float, what: str):
        end = time.time() + timeout
        while time.time() < end:
            if ready():
                return
            time.sleep(0.2)
        raise ClusterError(f"timed out after {timeout:.0f} s waiting for {what}:\n{self.logs()}")

    def logs(self, daemon: str | None = None, n: int = 15) -> str:
        out = []
        for f in sorted(self.log_dir.glob(f"{daemon or ''}*.log")):
            lines = f.read_text(errors="replace").splitlines()[-n:]
            out.append(f"--- {f}\n" + "\n".join(lines))
        return "\n".join(out)

    # -- stop ----------------------------------------------------------------------------------------------
    def stop_daemon(self, daemon: str, grace: float = 10) -> bool:
        """SIGTERM one of this cluster's daemons (by its pid file), SIGKILL after `grace` s; True if it ran."""
        pid = self.pid(daemon)
        if pid is None:
            return False
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5)):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                break
            end = time.time() + wait
            while _alive(pid) and time.time() < end:
                time.sleep(0.1)
            if not _alive(pid):
                break
        return True

    def leftover_steps(self) -> list[int]:
        """slurmstepd processes of this cluster (their environment names its slurm.conf)."""
        mark = f"SLURM_CONF={self.conf}".encode()
        pids = []
        for p in Path("/proc").iterdir():
            if not p.name.isdigit():
                continue
            try:
                if p.joinpath("comm").read_text().startswith("slurmstepd") and \
                        mark in p.joinpath("environ").read_bytes().split(b"\0"):
                    pids.append(int(p.name))
            except OSError:
                continue
        return [p for p in pids if _alive(p)]

    def _jobs(self) -> list[str]:
        """This cluster's jobs (array job ids, each once) while its controller answers."""
        p = subprocess.run([_which("squeue"), "-h", "-o", "%F"], env=self.env, capture_output=True, text=True,
                           timeout=15)
        return sorted(set(p.stdout.split())) if p.returncode == 0 else []

    def stop(self, timeout: float = 20) -> None:
        """Cancel this cluster's jobs (if its controller answers), then stop its daemons and any step left."""
        if self.pid("slurmctld"):
            try:
                jobs = self._jobs()
                if jobs:
                    subprocess.run([_which("scancel"), *jobs], env=self.env, capture_output=True, timeout=15)
                    end = time.time() + timeout
                    while time.time() < end and (self.leftover_steps() or self._jobs()):
                        time.sleep(0.3)
            except (subprocess.TimeoutExpired, ClusterError):
                pass
        for d in ("slurmd", "slurmctld"):
            self.stop_daemon(d)
        for step in self.leftover_steps():         # steps whose controller went away: end their jobs with them
            job = _cmdline(step).split("[", 1)[-1].split(".", 1)[0]
            for pid in _job_processes(step) + [step]:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.5)
            for d in sorted(Path("/sys/fs/cgroup/freezer").glob(f"slurm*/uid_*/job_{job}/**"), reverse=True) \
                    if job.isdigit() else []:
                try:
                    d.rmdir()                       # the job's (now empty) cgroups
                except OSError:
                    pass
        self.stop_daemon("munged")
        if (self.root / "short.dir").exists() and not any(self.running().values()):
            shutil.rmtree(self.short_dir, ignore_errors=True)     # munge's key, seed and socket; slurmd's spool
            (self.root / "short.dir").unlink()

    def running(self) -> dict:
        return {d: self.pid(d) for d in DAEMONS}

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("action", choices=["start", "stop", "status"])
    ap.add_argument("dir", type=Path, help="the cluster's directory (configuration, state, logs, pid files)")
    args = ap.parse_args(argv)
    c = Cluster(args.dir)
    try:
        if args.action == "start":
            t0 = time.time()
            c.start()
            print(f"slurm_cluster: node {NODE} idle after {time.time() - t0:.1f} s; logs in {c.log_dir}\n"
                  f"export SLURM_CONF={c.conf}")
        elif args.action == "stop":
            t0 = time.time()
            c.stop()
            print(f"slurm_cluster: stopped in {time.time() - t0:.1f} s")
        else:
            state = c.running()
            print(" ".join(f"{d}={pid or '-'}" for d, pid in state.items()))
            return 0 if all(state.values()) else 1
    except ClusterError as e:
        print(f"slurm_cluster: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
