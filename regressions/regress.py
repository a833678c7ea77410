"""The regression runner (dvsim-like) behind `make regress`.

    python -m regressions.regress --suite smoke [--sim verilator] [--jobs 2] [--seeds N | --seed K]
    python -m regressions.regress --suite nightly --dry-run          # the planned runs, nothing run
    python -m regressions.regress --rerun failed                      # the last run's failures again
    python -m regressions.regress --test golden.random_program --seed 17   # one test, one seed, verbose
    python -m regressions.regress --suite nightly --launcher slurm [--partition P] [--slurm-args '…']

It expands a suite of regressions/testlist.yaml into runs (test x simulator x seed x parameters): --seeds N
runs N seeds per entry from the entry's first seed, --seed K runs every entry once with seed K. --test runs
one test (an entry with the block's default parameters) instead of a suite. The golden model's self-checks
(golden.<name>, regressions/golden_cases.py) are entries like any other and run in this process. It builds
every distinct RTL configuration once (one line per build: configuration, seconds, warnings, build log), then
hands the RTL runs to a launcher (regressions/launchers/): locally JOBS simulations at a time, or SLURM job
arrays (--launcher slurm, docs/cluster.md). Each run is a separate process in its own directory under
OUT/runs/, under a wall-clock watchdog (the tests carry their own simulated-time watchdog; regressions/runs.py).
A run that overstays is sent SIGTERM (the test logs what it was waiting for) and then SIGKILL; a simulator
that dies leaves a failed row with its log. Every planned run gets a row in OUT/results.jsonl as it ends, also
one the launcher could not run or lost (NOT_RUN, LOST, CANCELLED); Ctrl-C stops and cancels what was started.
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
import sys
import threading
import time
from pathlib import Path
from xml.sax.saxutils import escape

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from regressions import golden_cases, launchers  # noqa: E402
from regressions.runs import RUN_FIELDS, build_all, rerun_with_waves, run_golden, unrun_row  # noqa: E402
from sim import blocks  # noqa: E402
from sim.runner import SIMULATORS  # noqa: E402

TESTLIST = ROOT / "regressions" / "testlist.yaml"
TESTPLAN = ROOT / "verif" / "testplan.yaml"
FIELDS = {"test", "sims", "seeds", "first_seed", "seed_list", "timeout", "params", "repeat", "defines", "expect"}


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
        for sig, rs in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
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
    la = ap.add_argument_group("launcher (where the RTL runs execute; docs/cluster.md)")
    la.add_argument("--launcher", choices=launchers.LAUNCHERS, default="local",
                    help="local: JOBS at a time on this machine (default); slurm: job arrays on a SLURM cluster")
    la.add_argument("--partition", help="slurm: the partition to submit to (default: the cluster's default)")
    la.add_argument("--slurm-args", default="", help="slurm: the site's own sbatch options, e.g. "
                    "'--account=dv --qos=regress --mem=4G' (appended after the launcher's, so they win)")
    la.add_argument("--slurm-poll", type=float, default=5.0, help="slurm: seconds between queries of the scheduler")
    la.add_argument("--slurm-lost-after", type=float, default=120.0,
                    help="slurm: give up on a controller that has not answered for this many seconds")
    la.add_argument("--slurm-row-grace", type=float, default=10.0,
                    help="slurm: seconds to wait for the row of a task that ended (a shared file system's lag)")
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
            runs = [{k: r[k] for k in RUN_FIELDS} for r in runs if r["status"] != "PASS"]
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
    launcher = launchers.make(args.launcher, jobs=args.jobs, work=out / ("slurm-rerun" if args.rerun else "slurm"),
                              partition=args.partition, slurm_args=args.slurm_args, poll=args.slurm_poll,
                              lost_after=args.slurm_lost_after, row_grace=args.slurm_row_grace,
                              log=lambda m: print(m, flush=True))
    rtl = [r for r in runs if r["block"] != "golden"]
    problem = launcher.preflight(rtl) if rtl else None
    if problem:                                                  # no builds: a row per run says why
        print(f"regress: LAUNCHER={args.launcher}: {problem}", file=sys.stderr, flush=True)
    build_errors = build_all(rtl, lambda m: print(m, flush=True), args.jobs) if rtl and not problem else {}
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

    interrupted = False
    with results.open("w") as f, _sigterm_as_interrupt():
        def on_row(row):
            finished(row, f)
        try:
            if problem:
                for r in rtl:
                    on_row(unrun_row(r, out, "NOT_RUN", problem))
            elif rtl:
                launcher.submit(rtl, out, build_errors)
            for r in runs:                                       # in this process, while the launcher's run
                if r["block"] == "golden":
                    on_row(run_golden(r, out, verbose=bool(args.test)))
            if rtl and not problem:
                launcher.collect(on_row)
        except KeyboardInterrupt:
            interrupted = True
            print(f"\nregress: interrupted: stopping the {args.launcher} runs (Ctrl-C again to leave at once)",
                  flush=True)
            try:
                launcher.cancel("interrupted (Ctrl-C)")
                launcher.collect(on_row)
            except KeyboardInterrupt:
                pass
        seen = {row["id"] for row in rows}
        for r in runs:                                           # never a planned run without a row
            if r["id"] not in seen:
                on_row(unrun_row(r, out, "CANCELLED", "interrupted (Ctrl-C) before it ran") if interrupted else
                       unrun_row(r, out, "ERROR", f"runner: the {args.launcher} launcher returned no row"))
    rows.sort(key=lambda row: row["id"])
    if args.waves_on_fail:
        for row in rows:
            if row["status"] in ("FAIL", "CRASH", "ERROR") and row.get("dir"):
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
    if interrupted:
        return 130
    return 1 if any(r["status"] != "PASS" for r in rows) else 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


class _sigterm_as_interrupt:
    """SIGTERM (a CI job cancelled, `kill`) ends the runner as Ctrl-C does: its launcher stops what it started."""

    def __enter__(self):
        self.old = None
        if threading.current_thread() is threading.main_thread():
            self.old = signal.signal(signal.SIGTERM, _interrupt)
        return self

    def __exit__(self, *exc):
        if self.old is not None:
            signal.signal(signal.SIGTERM, self.old)


if __name__ == "__main__":
    sys.exit(main())
