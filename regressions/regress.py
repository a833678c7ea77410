"""The regression runner (dvsim-like) behind `make regress`.

    python -m regressions.regress --suite smoke [--sim verilator] [--jobs 2] [--seeds N | --seed K]
    python -m regressions.regress --suite nightly --dry-run          # the planned runs, nothing run
    python -m regressions.regress --rerun failed                      # the last run's failures again
    python -m regressions.regress --test golden.random_program --seed 17   # one test, one seed, verbose

It expands a suite of regressions/testlist.yaml into runs (test x simulator x seed x parameters): --seeds N
runs N seeds per entry from the entry's first seed, --seed K runs every entry once with seed K. --test runs
one test (an entry with the block's default parameters) instead of a suite. The golden model's self-checks
(golden.<name>, regressions/golden_cases.py) are entries like any other and run in this process. It builds
every distinct RTL configuration once (one line per build: configuration, seconds, warnings, build log), then
runs JOBS simulations at a time, each a separate process in its own directory under OUT/runs/, under a
wall-clock watchdog (the tests carry their own simulated-time watchdog).
A run that overstays is sent SIGTERM (the test logs what it was waiting for) and then SIGKILL; a simulator
that dies leaves a failed row with its log. Every planned run gets a row in OUT/results.jsonl as it ends.
At the end: OUT/junit.xml, OUT/report.md and OUT/report.html (per test x simulator x seed, durations,
failures bucketed by message with numbers stripped, merged functional coverage, testplan status) and a
non-zero exit status when anything failed.
"""
from __future__ import annotations

import argparse
import html
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from xml.sax.saxutils import escape

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from regressions import golden_cases  # noqa: E402
from sim import blocks  # noqa: E402
from sim.runner import SIMULATORS  # noqa: E402

TESTLIST = ROOT / "regressions" / "testlist.yaml"
TESTPLAN = ROOT / "verif" / "testplan.yaml"
FIELDS = {"test", "sims", "seeds", "first_seed", "seed_list", "timeout", "params", "repeat", "defines", "expect"}
KILL_GRACE_S = 10


class ListError(ValueError):
    pass


# -- test lists ----------------------------------------------------------------------------------------------
def load_suite(path: Path, name: str, sims: list[str] | None = None, seeds: int | None = None,
               seed: int | None = None) -> list[dict]:
    """Expand suite `name` into runs. A malformed list stops with the file, line and field named.
    `seeds`: that many seeds per entry (from its first seed); `seed`: every entry once, with that seed."""
    _check_seed_knobs(seeds, seed)
    text = path.read_text()
    try:
        doc, data = yaml.compose(text), yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise ListError(f"{path}: not valid YAML: {e}") from None
    if not isinstance(data, dict):
        raise ListError(f"{path}: expected suites (a mapping of names to lists)")
    nodes = {k.value: v for k, v in doc.value}
    runs: list[dict] = []
    _expand(path, data, nodes, name, runs, [], sims, (seeds, seed))
    return _numbered(runs)


def load_test(test: str, sims: list[str] | None = None, seeds: int | None = None, seed: int | None = None) -> list[dict]:
    """One test outside any suite (the block's default parameters): what `make regress TEST=… SEED=…` runs.
    A bare golden name (random_program) or a test class that one block alone has (TopSmokeTest) is accepted."""
    _check_seed_knobs(seeds, seed)
    if "." not in test:
        owners = [b for b, blk in blocks.BLOCKS.items() if test in blk.tests]
        test = f"golden.{test}" if test in golden_cases.TESTS else f"{owners[0]}.{test}" if len(owners) == 1 else test
    return _numbered(_entry_runs("--test", {"test": test}, sims, (seeds, seed)))


def _check_seed_knobs(seeds, seed):
    if seeds is not None and seed is not None:
        raise ListError(f"give SEEDS (seeds per entry: {seeds}) or SEED (every entry once with seed {seed}), not both")
    if seeds is not None and seeds < 1:
        raise ListError(f"SEEDS (seeds per entry) must be a positive integer, not {seeds}")
    if seed is not None and seed < 0:
        raise ListError(f"SEED must be a non-negative integer, not {seed}")


def _numbered(runs: list[dict]) -> list[dict]:
    for i, r in enumerate(runs):
        r["id"] = f"{i:05d}"
    return runs


def _expand(path, data, nodes, name, runs, stack, sims, seed_override):
    if name not in data:
        where = f"{path}: included from suite {stack[-1]!r}" if stack else str(path)
        raise ListError(f"{where}: no suite named {name!r} (have: {', '.join(data)})")
    if name in stack:
        raise ListError(f"{path}: suite {name!r} includes itself ({' -> '.join(stack + [name])})")
    if not isinstance(data[name], list):
        raise ListError(f"{path}:{nodes[name].start_mark.line + 1}: suite {name!r} must be a list of entries")
    for entry, node in zip(data[name], nodes[name].value):
        where = f"{path}:{node.start_mark.line + 1}"
        if isinstance(entry, dict) and set(entry) == {"include"}:
            _expand(path, data, nodes, entry["include"], runs, stack + [name], sims, seed_override)
            continue
        runs.extend(_entry_runs(where, entry, sims, seed_override))


def _entry_runs(where: str, e, sims_filter, seed_override: tuple) -> list[dict]:
    if not isinstance(e, dict) or "test" not in e:
        raise ListError(f"{where}: an entry needs a 'test' field (or is `include: <suite>`)")
    unknown = set(e) - FIELDS
    if unknown:
        raise ListError(f"{where}: unknown field(s) {sorted(unknown)} (fields: {', '.join(sorted(FIELDS))})")
    test = e["test"]
    if not isinstance(test, str) or "." not in test:
        raise ListError(f"{where}: field 'test': {test!r} is not <block>.<TestClass> or golden.<name>")
    block, cls = test.split(".", 1)
    if block == "golden":
        if cls not in golden_cases.TESTS:
            raise ListError(f"{where}: field 'test': unknown golden test {cls!r} "
                            f"(have: {', '.join(golden_cases.TESTS)})")
        sims = ["golden"]
    else:
        if block not in blocks.BLOCKS:
            raise ListError(f"{where}: field 'test': unknown block {block!r} (have: {', '.join(blocks.BLOCKS)})")
        if cls not in blocks.BLOCKS[block].tests:
            raise ListError(f"{where}: field 'test': block {block!r} has no test {cls!r} "
                            f"(have: {', '.join(blocks.BLOCKS[block].tests)})")
        sims = e.get("sims", list(SIMULATORS))
        if not isinstance(sims, list) or not sims or any(s not in SIMULATORS for s in sims):
            raise ListError(f"{where}: field 'sims': {sims!r} is not a list of {', '.join(SIMULATORS)}")
        if sims_filter:
            sims = [s for s in sims if s in sims_filter]
    if "seed_list" in e:
        seeds = e["seed_list"]
        if not isinstance(seeds, list) or not seeds or not all(isinstance(s, int) for s in seeds):
            raise ListError(f"{where}: field 'seed_list' must be a non-empty list of integers")
    else:
        count, first = e.get("seeds", 1), e.get("first_seed", 1)
        if not isinstance(count, int) or count < 1:
            raise ListError(f"{where}: field 'seeds' must be a positive integer (or give 'seed_list')")
        if not isinstance(first, int):
            raise ListError(f"{where}: field 'first_seed' must be an integer")
        seeds = list(range(first, first + count))
    count, one = seed_override
    if one is not None:
        seeds = [one]
    elif count:
        seeds = seeds[:count] if "seed_list" in e else list(range(seeds[0], seeds[0] + count))
    timeout = e.get("timeout", 600)
    if not isinstance(timeout, (int, float)) or timeout <= 0:
        raise ListError(f"{where}: field 'timeout' must be a positive number of seconds")
    params = e.get("params", {})
    if not isinstance(params, dict) or not all(isinstance(k, str) and isinstance(v, int) for k, v in params.items()):
        raise ListError(f"{where}: field 'params' must map parameter names to integers")
    repeat = e.get("repeat", 1)
    if not isinstance(repeat, int) or repeat < 1:
        raise ListError(f"{where}: field 'repeat' must be a positive integer")
    defines = e.get("defines", [])
    if not isinstance(defines, list) or not all(isinstance(d, str) for d in defines):
        raise ListError(f"{where}: field 'defines' must be a list of names")
    expect = e.get("expect", "pass")
    if expect not in ("pass", "fail"):
        raise ListError(f"{where}: field 'expect' must be pass or fail")
    return [{"test": test, "block": block, "cls": cls, "sim": s, "seed": seed, "timeout": timeout,
             "params": params, "repeat": repeat, "defines": defines, "expect": expect}
            for s in sims for seed in seeds]


def describe(r: dict) -> str:
    extra = "".join([f" {k}={v}" for k, v in sorted(r["params"].items())] +
                    ([f" repeat={r['repeat']}"] if r["repeat"] > 1 else []) +
                    ([" defines=" + ",".join(r["defines"])] if r["defines"] else []))
    return f"{r['test']:40s} {r['sim']:9s} seed {r['seed']:<7d}{extra}"


def reproduce(r: dict) -> str:
    if r["block"] == "golden":
        return f"make regress TEST={r['test']} SEED={r['seed']}"
    from sim.run import reproduce_command
    defaults = blocks.BLOCKS[r["block"]].defaults
    params = {k: v for k, v in r["params"].items() if defaults.get(k) != v}
    cmd = reproduce_command(r["block"], r["sim"], r["seed"], params, r["cls"], tuple(r["defines"]))
    return cmd.replace("make sim", f"REPEAT={r['repeat']} make sim") if r["repeat"] > 1 else cmd


# -- running -------------------------------------------------------------------------------------------------
def build_all(runs: list[dict], log, jobs: int = 1) -> dict:
    """Build each distinct (block, simulator, parameters, defines) once, before any run starts, `jobs` at a
    time (each build is its own directory and lock; Verilator's C++ compile dominates). Each build's output
    goes to its build.log; `log` gets one line per build as it ends."""
    from sim.runner import BuildFailed, build
    configs = {}
    for r in runs:
        if r["block"] != "golden":
            configs.setdefault((r["block"], r["sim"], json.dumps(r["params"], sort_keys=True),
                                tuple(r["defines"])), r)

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


def run_rtl(r: dict, out: Path, build_errors: dict) -> dict:
    rdir = out / "runs" / f"{r['id']}-{r['block']}-{r['cls']}-{r['sim']}-s{r['seed']}"
    rdir.mkdir(parents=True, exist_ok=True)
    log = rdir / "runner.log"
    row = {**r, "dir": str(rdir), "reproduce": reproduce(r)}
    key = (r["block"], r["sim"], json.dumps(r["params"], sort_keys=True), tuple(r["defines"]))
    if key in build_errors:
        return {**row, "status": "ERROR", "message": build_errors[key], "seconds": 0.0}
    cmd = [sys.executable, "-m", "sim.run", "--block", r["block"], "--sim", r["sim"], "--seed", str(r["seed"]),
           "--test", r["cls"], "--out", str(rdir)]
    cmd += [a for k, v in sorted(r["params"].items()) for a in ("-P", f"{k}={v}")]
    cmd += [a for d in r["defines"] for a in ("--define", d)]
    env = child_env(r)
    t0 = time.time()
    with log.open("w") as f:
        p = subprocess.Popen(cmd, cwd=ROOT, stdout=f, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        try:
            code = p.wait(timeout=r["timeout"])
            timed_out = False
        except subprocess.TimeoutExpired:
            timed_out = True
            _stop(p)
            code = p.returncode
    row["seconds"] = round(time.time() - t0, 2)
    results = rdir / "results.xml"
    sim_log = rdir / "sim.log"
    if timed_out:
        pending = _pending_lines(sim_log)
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
        row["log_tail"] = _tail(sim_log if sim_log.exists() else log)
    if r["expect"] == "fail":
        row["status"], row["message"] = ("PASS", f"failed as expected: {row['message']}") if row["status"] != "PASS" \
            else ("FAIL", "expected a failure (injected fault), but the test passed")
    cov = rdir / "coverage.yml"
    if cov.exists():
        row["coverage"] = str(cov)
    summary = _summary(rdir)
    if summary:
        row.update(summary)
    return row


def child_env(r: dict) -> dict:
    # COVERAGE (make's knob would leak it) makes cocotb measure Python coverage: never pass it on
    env = {k: v for k, v in os.environ.items() if k != "COVERAGE"}
    return {**env, "NPU8_REPEAT": str(r["repeat"]), "PYTHONPATH": str(ROOT)}


def _stop(p: subprocess.Popen):
    """SIGTERM first (the test logs what it was waiting for), SIGKILL after a grace period."""
    for sig, wait in ((signal.SIGTERM, KILL_GRACE_S), (signal.SIGKILL, 5)):
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            return
        try:
            p.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


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


def _pending_lines(log: Path) -> str:
    if not log.exists():
        return ""
    lines = [ln for ln in log.read_text(errors="replace").splitlines() if "PENDING" in ln]
    return lines[-1].split("PENDING", 1)[1].strip(" :") if lines else ""


def _tail(path: Path, n: int = 60) -> str:
    if not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-n:])


def rerun_with_waves(row: dict) -> None:
    """The failing run again with WAVES=1, into <run dir>/waves (its FST is what CI uploads)."""
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


# -- reports -------------------------------------------------------------------------------------------------
def bucket(message: str) -> str:
    """Failure signature with numbers and addresses stripped (as dvsim buckets them)."""
    return re.sub(r"0x[0-9a-fA-F]+|\d+", "N", message)[:240]


def merged_coverage(rows: list[dict], out: Path) -> dict:
    from sim.coverage_merge import merge
    files = [Path(r["coverage"]) for r in rows if r.get("coverage")]
    if not files:
        return {}
    merged = merge(files)
    (out / "coverage.yml").write_text(yaml.safe_dump(merged, sort_keys=True))
    return merged


def testplan_status(rows: list[dict], cov: dict) -> list[dict]:
    if not TESTPLAN.exists():
        return []
    plan = yaml.safe_load(TESTPLAN.read_text()) or {}
    out = []
    for item in plan.get("features", []):
        tests = item.get("tests", [])
        ran = [r for r in rows if r["test"] in tests]
        passed = [r for r in ran if r["status"] == "PASS"]
        groups = item.get("covergroups", [])
        hit = [g for g in groups if g in cov and cov[g]["coverage"] == cov[g]["size"]]
        partial = {g: cov[g]["cover_percentage"] for g in groups if g in cov}
        if not ran:
            status = "not run"
        elif len(passed) < len(ran):
            status = "failing"
        elif groups and len(hit) < len(groups):
            status = "coverage open"
        else:
            status = "verified"
        out.append({"name": item["name"], "status": status, "tests": f"{len(passed)}/{len(ran)}",
                    "coverage": ", ".join(f"{g} {p:.0f} %" for g, p in partial.items()) or "-"})
    return out


def write_reports(out: Path, rows: list[dict], suite: str, wall: float) -> str:
    fails = [r for r in rows if r["status"] != "PASS"]
    cov = merged_coverage(rows, out)
    plan = testplan_status(rows, cov)
    md = [f"# Regression `{suite}`", "",
          f"{len(rows)} runs, {len(rows) - len(fails)} passed, {len(fails)} failed, {wall:.0f} s wall", "",
          "| test | sim | seeds | passed | failed | seconds | k cycles/s |", "|---|---|---|---|---|---|---|"]
    for (test, sim) in sorted({(r["test"], r["sim"]) for r in rows}):
        rs = [r for r in rows if r["test"] == test and r["sim"] == sim]
        bad = sum(r["status"] != "PASS" for r in rs)
        speed = [r["cycles_per_s"] for r in rs if r.get("cycles_per_s")]
        md.append(f"| {test} | {sim} | {len(rs)} | {len(rs) - bad} | {bad} | {sum(r['seconds'] for r in rs):.1f} | "
                  f"{(sum(speed) / len(speed) / 1000):.1f} |" if speed else
                  f"| {test} | {sim} | {len(rs)} | {len(rs) - bad} | {bad} | {sum(r['seconds'] for r in rs):.1f} | - |")
    if fails:
        md += ["", "## Failures by bucket", ""]
        groups: dict[str, list] = {}
        for r in fails:
            groups.setdefault(f"{r['status']}: {bucket(r['message'])}", []).append(r)
        for sig, rs in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            md.append(f"- **{len(rs)}×** `{sig}`")
            for r in rs[:3]:
                md.append(f"  - {r['test']} {r['sim']} seed {r['seed']}: `{r['reproduce']}`"
                          + (f" (log: {r['dir']})" if r.get("dir") else "")
                          + (f" (listing: {r['listing']})" if r.get("listing") else ""))
    if cov:
        md += ["", "## Functional coverage (merged)", "", "| covergroup | bins hit | % |", "|---|---|---|"]
        for k in sorted(k for k, v in cov.items() if "bins:_hits" not in v and k.count(".") <= 1):
            md.append(f"| {k} | {cov[k]['coverage']}/{cov[k]['size']} | {cov[k]['cover_percentage']:.1f} |")
    if plan:
        md += ["", "## Testplan", "", "| feature | status | tests passed | coverage |", "|---|---|---|---|"]
        md += [f"| {p['name']} | {p['status']} | {p['tests']} | {p['coverage']} |" for p in plan]
    text = "\n".join(md) + "\n"
    (out / "report.md").write_text(text)
    (out / "report.html").write_text(_html(text, suite))
    cases = "".join(
        f'<testcase classname="{escape(r["test"])}.{r["sim"]}" name="seed{r["seed"]}" time="{r["seconds"]}">'
        + (f'<failure message="{escape(r["message"], {chr(34): "&quot;"})}">'
           f'{escape(r["reproduce"] + chr(10) + r.get("log_tail", ""))}</failure>' if r["status"] != "PASS" else "")
        + "</testcase>" for r in rows)
    (out / "junit.xml").write_text(f'<?xml version="1.0"?><testsuite name="{escape(suite)}" tests="{len(rows)}" '
                                   f'failures="{len(fails)}">{cases}</testsuite>\n')
    return text


def _html(md: str, suite: str) -> str:
    body, in_table = [], False
    for ln in md.splitlines():
        if ln.startswith("|"):
            cells = [html.escape(c.strip()) for c in ln.strip("|").split("|")]
            if set("".join(cells)) <= set("-"):
                continue
            tag = "th" if not in_table else "td"
            if not in_table:
                body.append("<table>")
                in_table = True
            cls = ' class="bad"' if any(c in ("failing", "FAIL") for c in cells) else ""
            body.append(f"<tr{cls}>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>")
            continue
        if in_table:
            body.append("</table>")
            in_table = False
        if ln.startswith("#"):
            level = len(ln) - len(ln.lstrip("#"))
            body.append(f"<h{level}>{html.escape(ln.lstrip('# '))}</h{level}>")
        elif ln.strip():
            body.append(f"<p>{html.escape(ln)}</p>")
    if in_table:
        body.append("</table>")
    return ("<!doctype html><meta charset=utf-8><title>npu8 regression " + html.escape(suite) + "</title>"
            "<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #999;"
            "padding:2px 6px}tr.bad{background:#fdd}</style>" + "".join(body))


# -- main ----------------------------------------------------------------------------------------------------
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    what = ap.add_mutually_exclusive_group()
    what.add_argument("--suite", help="a suite of the test list (default: smoke)")
    what.add_argument("--test", help="one test, e.g. golden.random_program or npu_top.TopSmokeTest, instead of a "
                      "suite (default parameters; verbose, with the program listing for golden tests)")
    ap.add_argument("--list", type=Path, default=TESTLIST, help="test list file")
    ap.add_argument("--sim", action="append", choices=SIMULATORS, help="only these simulators")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seeds", type=int, help="seeds per entry, from each entry's first seed (overrides the list)")
    ap.add_argument("--seed", type=int, help="every entry once, with this seed (overrides the list)")
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "regress")
    ap.add_argument("--dry-run", action="store_true", help="list the planned runs and stop")
    ap.add_argument("--rerun", choices=["failed"], help="rerun the last results' failures")
    ap.add_argument("--waves-on-fail", action="store_true",
                    help="rerun each failed simulation with waves into its run directory (for CI artifacts)")
    ap.add_argument("--code-coverage", action="store_true",
                    help="Verilator line/branch/toggle coverage, merged and reported per RTL file")
    args = ap.parse_args(argv)
    if args.code_coverage:
        os.environ["NPU8_CODE_COVERAGE"] = "1"               # read by sim/runner.py in builds and runs
    out = args.out.resolve()
    try:
        if args.rerun:
            if args.seed is not None or args.seeds is not None or args.test:
                raise ListError("RERUN=failed reruns the last failures with their own seeds: drop SEED, SEEDS and TEST")
            last = out / "results.jsonl"
            if not last.exists():
                raise ListError(f"{last}: no earlier results to rerun")
            runs = [json.loads(ln) for ln in last.read_text().splitlines() if ln.strip()]
            runs = [{k: r[k] for k in ("id", "test", "block", "cls", "sim", "seed", "timeout", "params", "repeat",
                                       "defines", "expect")} for r in runs if r["status"] != "PASS"]
            suite = f"rerun of failures ({len(runs)})"
        elif args.test:
            runs = load_test(args.test, args.sim, args.seeds, args.seed)
            suite = f"{runs[0]['test']}" + (f" seed {args.seed}" if args.seed is not None else "")
        else:
            runs = load_suite(args.list, args.suite or "smoke", args.sim, args.seeds, args.seed)
            suite = (args.suite or "smoke") + (f" seed {args.seed}" if args.seed is not None else "")
    except (ListError, OSError) as e:
        print(f"regress: {e}", file=sys.stderr)
        return 2
    if args.dry_run:
        for r in runs:
            print(describe(r))
        print(f"{len(runs)} planned runs in suite {suite!r} (dry run: nothing was run)")
        return 0
    if not runs:
        print("regress: nothing to run")
        return 0
    out.mkdir(parents=True, exist_ok=True)
    if not args.rerun:
        import shutil
        shutil.rmtree(out / "runs", ignore_errors=True)
    t0 = time.time()
    rtl = [r for r in runs if r["block"] != "golden"]
    build_errors = build_all(rtl, lambda m: print(m, flush=True), args.jobs) if rtl else {}
    rows: list[dict] = []
    lock = threading.Lock()
    results = out / ("results.rerun.jsonl" if args.rerun else "results.jsonl")
    tty = sys.stdout.isatty()

    def finished(row, f):
        with lock:
            rows.append(row)
            f.write(json.dumps(row) + "\n")
            f.flush()
            if row["status"] != "PASS" or (args.test and row.get("listing")):
                print(f"\n{row['status']} {row['test']} {row['sim']} seed {row['seed']}"
                      + (f" (N={row['n']}, {row['instructions']} instructions)" if args.test and "n" in row else "")
                      + (f": {row['message'][:400]}" if row["message"] else "")
                      + f"\n  reproduce: {row['reproduce']}" + (f"\n  log: {row['dir']}" if row.get("dir") else "")
                      + (f"\n  program listing: {row['listing']}" if row.get("listing") else "")
                      + (f"\n{row['log_tail']}" if args.test and row.get("log_tail") else ""), flush=True)
            if tty or len(rows) % max(1, len(runs) // 20) == 0 or len(rows) == len(runs):
                print(f"\r[{len(rows)}/{len(runs)}] {sum(r['status'] != 'PASS' for r in rows)} failed, "
                      f"{time.time() - t0:.0f} s", end="" if tty else "\n", flush=True)

    with results.open("w") as f, ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(run_rtl, r, out, build_errors): r for r in rtl}
        for r in runs:
            if r["block"] == "golden":
                finished(run_golden(r, out, verbose=bool(args.test)), f)
        for fut in as_completed(futures):
            try:
                row = fut.result()
            except Exception as e:                               # noqa: BLE001 - never a missing row
                r = futures[fut]
                row = {**r, "status": "ERROR", "message": f"runner: {type(e).__name__}: {e}", "seconds": 0.0,
                       "reproduce": reproduce(r)}
            finished(row, f)
    if args.waves_on_fail:
        for row in rows:
            if row["status"] != "PASS" and row.get("dir") and row["status"] != "TIMEOUT":
                rerun_with_waves(row)
    wall = time.time() - t0
    text = write_reports(out, rows, suite, wall)
    if args.code_coverage:
        from sim.code_coverage import report as code_report
        dats = [Path(r["dir"]) / "coverage.dat" for r in rows if r.get("dir") and (Path(r["dir"]) / "coverage.dat").exists()]
        if dats:
            code = code_report(dats, out)
            text += "\n## Verilator code coverage\n\n" + code
            (out / "report.md").write_text(text)
            (out / "report.html").write_text(_html(text, suite))
    # one test: its rows, not the whole testplan (the report has it)
    print("\n" + (text.split("\n## Testplan")[0] + "\n" if args.test else text))
    print(f"results: {results}\nreport: {out / 'report.md'} ({out / 'report.html'})\njunit: {out / 'junit.xml'}")
    return 1 if any(r["status"] != "PASS" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
