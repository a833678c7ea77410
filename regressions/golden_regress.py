"""The golden model's random-program regression: every seed's program runs on the vectorised simulator and on
the independent scalar reference interpreter, which must agree on everything (status, error code and index,
every MATMUL/STORE tile, final SP, ACC and DRAM).

    python -m regressions.golden_regress --suite smoke --jobs 2
    python -m regressions.golden_regress --test random_program --seed 17     # one case, verbose, with listing

Writes out/regress/results.jsonl (a row per run, as it finishes), report.md and junit.xml.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import re
import sys
import time
import traceback
from pathlib import Path
from xml.sax.saxutils import escape

import yaml

ROOT = Path(__file__).resolve().parent.parent
SUITES = ROOT / "regressions" / "suites.yaml"
sys.path.insert(0, str(ROOT))

from golden.asm import disassemble  # noqa: E402
from golden.isa import ErrorCode, MachineConfig  # noqa: E402
from golden.random_program import ERROR_KINDS, random_program  # noqa: E402
from golden.compare import compare  # noqa: E402


def _program(test: str, seed: int):
    if test == "random_program":
        return random_program(seed)
    if test == "error_program":
        return random_program(seed, error_kind=ERROR_KINDS[seed % len(ERROR_KINDS)])
    if test == "long_program":
        return random_program(seed, cfg=MachineConfig(n=(4, 8, 16)[seed % 3], dram_bytes=1 << 16), length=400)
    raise KeyError(test)


TESTS = ("random_program", "error_program", "long_program")


class SuiteError(ValueError):
    pass


def load_suite(path: Path, name: str) -> list[dict]:
    """Expand a suite into runs; a malformed list stops with the file, line and field named."""
    text = path.read_text()
    try:
        doc = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise SuiteError(f"{path}: not valid YAML: {e}") from None
    if not isinstance(data, dict) or name not in data:
        raise SuiteError(f"{path}: no suite named {name!r} (have: {', '.join(data or {})})")
    nodes = {k.value: v for k, v in doc.value}
    runs = []
    for entry, node in zip(data[name], nodes[name].value):
        where = f"{path}:{node.start_mark.line + 1}"
        if not isinstance(entry, dict) or "test" not in entry:
            raise SuiteError(f"{where}: an entry needs a 'test' field")
        unknown = set(entry) - {"test", "seeds", "first_seed", "seed_list", "params"}
        if unknown:
            raise SuiteError(f"{where}: unknown field(s) {sorted(unknown)}")
        if entry["test"] not in TESTS:
            raise SuiteError(f"{where}: field 'test': unknown test {entry['test']!r} (tests: {', '.join(TESTS)})")
        if "seed_list" in entry:
            seeds = entry["seed_list"]
            if not isinstance(seeds, list) or not all(isinstance(s, int) for s in seeds):
                raise SuiteError(f"{where}: field 'seed_list' must be a list of integers")
        else:
            count, first = entry.get("seeds"), entry.get("first_seed", 1)
            if not isinstance(count, int) or count < 1 or not isinstance(first, int):
                raise SuiteError(f"{where}: field 'seeds' must be a positive integer (or give 'seed_list')")
            seeds = range(first, first + count)
        runs += [{"test": entry["test"], "seed": s} for s in seeds]
    return runs


def run_one(run: dict) -> dict:
    t0 = time.time()
    row = dict(run)
    try:
        rp = _program(run["test"], run["seed"])
        diff = compare(rp.cfg, rp.dram, rp.inst_base, rp.inst_count)
        if diff is None and rp.expect_error is not None:
            from golden.simulator import run_program
            res = run_program(rp.cfg, rp.dram, rp.inst_base, rp.inst_count)
            if (res.err_code, res.err_index) != rp.expect_error:
                code, index = rp.expect_error
                diff = f"expected {ErrorCode(code).name} at {index}, got {res.message()}"
        row.update(status="FAIL" if diff else "PASS", message=diff or "", n=rp.cfg.n,
                   instructions=rp.inst_count)
    except Exception as e:  # a crash is a failed row with its traceback, never a missing row
        row.update(status="ERROR", message=f"{type(e).__name__}: {e}", log=traceback.format_exc())
    row["seconds"] = round(time.time() - t0, 4)
    row["reproduce"] = f"make regress TEST={run['test']} SEED={run['seed']}"
    return row


def bucket(message: str) -> str:
    """Failure signature with numbers stripped, as dvsim buckets them."""
    return re.sub(r"0x[0-9a-fA-F]+|\d+", "N", message)


def write_reports(out: Path, rows: list[dict], suite: str, wall: float) -> None:
    fails = [r for r in rows if r["status"] != "PASS"]
    lines = [f"# Regression `{suite}`", "", f"{len(rows)} runs, {len(rows) - len(fails)} passed, {len(fails)} failed, "
             f"{wall:.1f} s", "", "| test | runs | passed | failed | seconds |", "|---|---|---|---|---|"]
    for test in sorted({r["test"] for r in rows}):
        rs = [r for r in rows if r["test"] == test]
        bad = sum(r["status"] != "PASS" for r in rs)
        lines.append(f"| {test} | {len(rs)} | {len(rs) - bad} | {bad} | {sum(r['seconds'] for r in rs):.1f} |")
    if fails:
        lines += ["", "## Failures by bucket", ""]
        groups: dict[str, list] = {}
        for r in fails:
            groups.setdefault(bucket(r["message"]), []).append(r)
        for sig, rs in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            lines.append(f"- **{len(rs)}×** `{sig}` — first: `{rs[0]['reproduce']}`")
    (out / "report.md").write_text("\n".join(lines) + "\n")
    cases = "".join(
        f'<testcase classname="golden.{r["test"]}" name="seed{r["seed"]}" time="{r["seconds"]}">'
        + (f'<failure message="{escape(r["message"], {chr(34): "&quot;"})}">{escape(r.get("log", r["reproduce"]))}'
           f"</failure>" if r["status"] != "PASS" else "") + "</testcase>" for r in rows)
    (out / "junit.xml").write_text(f'<?xml version="1.0"?><testsuite name="{suite}" tests="{len(rows)}" '
                                   f'failures="{len(fails)}">{cases}</testsuite>\n')


def single(test: str, seed: int, out: Path) -> int:
    if test not in TESTS:
        print(f"unknown test {test!r} (tests: {', '.join(TESTS)})", file=sys.stderr)
        return 2
    rp = _program(test, seed)
    listing = out / f"{test}-seed{seed}.S"
    listing.write_text(f"# {test} seed {seed}: N={rp.cfg.n} SP_ROWS={rp.cfg.sp_rows} ACC_ROWS={rp.cfg.acc_rows} "
                       f"DRAM_BYTES={rp.cfg.dram_bytes} inst_base={rp.inst_base:#x}\n" + disassemble(rp.prog))
    row = run_one({"test": test, "seed": seed})
    print(f"{test} seed {seed}: {row['status']} {row['message']}\n  program listing: {listing}")
    if row.get("log"):
        print(row["log"])
    return 0 if row["status"] == "PASS" else 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--suite", default="smoke")
    ap.add_argument("--suites-file", type=Path, default=SUITES)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seeds", type=int, help="override every entry's seed count")
    ap.add_argument("--test", help="run one test (with --seed) verbosely")
    ap.add_argument("--seed", type=int)
    ap.add_argument("--out", type=Path, default=ROOT / "out" / "regress")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.seed is not None:
        return single(args.test or "random_program", args.seed, args.out)
    try:
        runs = load_suite(args.suites_file, args.suite)
    except (SuiteError, OSError) as e:
        print(f"regress: {e}", file=sys.stderr)
        return 2
    if args.seeds:
        per_test: dict[str, int] = {}
        runs = [r for r in runs if per_test.setdefault(r["test"], 0) < args.seeds and not per_test.update(
            {r["test"]: per_test[r["test"]] + 1})]
    t0 = time.time()
    rows = []
    results = args.out / "results.jsonl"
    with results.open("w") as f, mp.get_context("fork").Pool(max(1, args.jobs)) as pool:
        for row in pool.imap_unordered(run_one, runs, chunksize=4):
            rows.append(row)
            f.write(json.dumps(row) + "\n")
            f.flush()
            if row["status"] != "PASS":
                print(f"\nFAIL {row['test']} seed {row['seed']}: {row['message']}\n  reproduce: {row['reproduce']}")
            if sys.stdout.isatty() or len(rows) % max(1, len(runs) // 10) == 0 or len(rows) == len(runs):
                end = "" if sys.stdout.isatty() else "\n"
                print(f"\r[{len(rows)}/{len(runs)}] {sum(r['status'] != 'PASS' for r in rows)} failed, "
                      f"{time.time() - t0:.0f} s", end=end, flush=True)
    wall = time.time() - t0
    write_reports(args.out, rows, args.suite, wall)
    print("\n" + (args.out / "report.md").read_text())
    print(f"results: {results}\nreport: {args.out / 'report.md'}\njunit: {args.out / 'junit.xml'}")
    fails = sum(r["status"] != "PASS" for r in rows)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
