"""The golden model's self-checks, as entries `golden.<name>` of regressions/testlist.yaml: each seed's random
program runs on the vectorised simulator and on the independent scalar reference interpreter, which must agree
on everything (status, error code and index, every MATMUL/STORE tile, final SP, ACC and DRAM); an injected
error must also be reported with the intended code at the intended index.

This module only says what a case runs and checks. The runner (regressions/regress.py) loads the lists, runs
the cases, buckets the failures and writes the reports; `make regress TEST=golden.random_program SEED=17` runs
one case through it, verbosely, with the program's listing.
"""
from __future__ import annotations

import time
import traceback
from pathlib import Path

from golden.asm import disassemble
from golden.compare import compare
from golden.isa import ErrorCode, MachineConfig
from golden.random_program import ERROR_KINDS, RandomProgram, random_program

TESTS = ("random_program", "error_program", "long_program")


def program(test: str, seed: int) -> RandomProgram:
    """The program case `test` runs for `seed`."""
    if test == "random_program":                   # legal random programs
        return random_program(seed)
    if test == "error_program":                    # one injected error each, every kind in turn
        return random_program(seed, error_kind=ERROR_KINDS[seed % len(ERROR_KINDS)])
    if test == "long_program":                     # long streams on the big memories, N = 4, 8, 16 in turn
        return random_program(seed, cfg=MachineConfig(n=(4, 8, 16)[seed % 3], dram_bytes=1 << 16), length=400)
    raise KeyError(f"unknown golden test {test!r} (have: {', '.join(TESTS)})")


def run_one(test: str, seed: int) -> dict:
    """Run one case: status PASS, FAIL (with the first difference) or ERROR (a crash, with its traceback in
    `log`); never raises."""
    t0 = time.time()
    row: dict = {}
    try:
        rp = program(test, seed)
        diff = compare(rp.cfg, rp.dram, rp.inst_base, rp.inst_count)
        if diff is None and rp.expect_error is not None:
            from golden.simulator import run_program
            res = run_program(rp.cfg, rp.dram, rp.inst_base, rp.inst_count)
            if (res.err_code, res.err_index) != rp.expect_error:
                code, index = rp.expect_error
                diff = f"expected {ErrorCode(code).name} at {index}, got {res.message()}"
        row.update(status="FAIL" if diff else "PASS", message=diff or "", n=rp.cfg.n, instructions=rp.inst_count)
    except Exception as e:                                      # noqa: BLE001 - a crash is a failed row
        row.update(status="ERROR", message=f"{type(e).__name__}: {e}", log=traceback.format_exc())
    row["seconds"] = round(time.time() - t0, 4)
    return row


def write_listing(test: str, seed: int, path: Path) -> Path:
    """The case's program as assembly, with the machine configuration it runs on."""
    rp = program(test, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {test} seed {seed}: N={rp.cfg.n} SP_ROWS={rp.cfg.sp_rows} ACC_ROWS={rp.cfg.acc_rows} "
                    f"DRAM_BYTES={rp.cfg.dram_bytes} inst_base={rp.inst_base:#x}\n" + disassemble(rp.prog, rp.cfg.n))
    return path
