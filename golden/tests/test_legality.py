"""Every legality check of docs/isa.md section 5 is a row of golden.checks.CHECKS, and each has a directed
program that ends at exactly that check, on both golden implementations."""
import numpy as np
import pytest

from golden import reference_interp
from golden.checks import BY_NAME, CHECKS, Program, ending_check, failing_check
from golden.error_programs import check_program, violation
from golden.isa import ErrorCode, MachineConfig, Op
from golden.simulator import run_program

CONFIGS = [MachineConfig(n=n, sp_rows=64, acc_rows=32, dram_bytes=1 << 14) for n in (4, 8, 16)]


def test_every_error_code_of_the_decoder_has_its_checks():
    codes = {c.code for c in CHECKS}
    assert codes == {ErrorCode(k) for k in range(1, 9)}          # BUS is the memory's, not a check
    assert [c.name for c in CHECKS if c.op == Op.LOAD][:3] == ["LOAD.reserved", "LOAD.y_zero", "LOAD.x_zero"]
    assert len(BY_NAME) == len(CHECKS) == 64


@pytest.mark.parametrize("cfg", CONFIGS, ids=lambda c: f"N{c.n}")
@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.name)
def test_each_check_has_a_program_that_ends_there(check, cfg):
    for seed in range(3):
        rp = check_program(check, cfg, seed)
        if rp is None:
            assert check.name == "LOAD.len_gt_n" or check.name == "STORE.len_gt_n", check.name
            assert cfg.n == 16
            return
        code, at = rp.expect_error
        if not check.name.startswith("fetch."):
            assert failing_check(rp.prog[at], cfg, Program(rp.inst_base, rp.inst_count)) is check
        res = run_program(cfg, rp.dram, rp.inst_base, rp.inst_count)
        assert (res.status, res.err_code, res.err_index) == ("ERROR", code, at), (check.name, seed, res.message())
        ref = reference_interp.run(cfg.n, cfg.sp_rows, cfg.acc_rows, cfg.dram_bytes, rp.dram, rp.inst_base,
                                   rp.inst_count)
        assert (ref["status"], ref["err_code"], ref["err_index"]) == ("ERROR", int(code), at), check.name


def test_a_violation_passes_every_earlier_check():
    """The instruction fails its own check, so every check before it in the decoder's order passed."""
    rng = np.random.default_rng(7)
    cfg = CONFIGS[1]
    for check in CHECKS:
        if check.name.startswith("fetch."):
            continue
        for _ in range(5):
            ins = violation(check, cfg, Program(4096, 8), rng)
            assert failing_check(ins, cfg, Program(4096, 8)) is check, check.name


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.name)
def test_the_ending_names_the_check(check):
    cfg = CONFIGS[1]
    rp = check_program(check, cfg, 5)
    res = run_program(cfg, rp.dram, rp.inst_base, rp.inst_count)
    got = ending_check(rp.prog, cfg, Program(rp.inst_base, rp.inst_count), res.err_code, res.err_index)
    assert got is check


def test_isa_md_lists_every_check_in_the_decoders_order():
    from pathlib import Path
    text = (Path(__file__).resolve().parents[2] / "docs" / "isa.md").read_text()
    section = text[text.index("### 5.1"):]
    listed = [line.split("`")[1] for line in section.splitlines() if line.startswith("| ") and "`" in line]
    assert listed == [c.name for c in CHECKS]
