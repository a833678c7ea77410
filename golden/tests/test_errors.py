"""Every error code is reachable, stops execution with no effect of the faulting instruction, and the message
names it (docs/isa.md, section 5)."""
import pytest

from golden import isa
from golden.isa import ErrorCode, MachineConfig
from golden.random_program import ERROR_KINDS, random_program
from golden.simulator import run_program

from .helpers import CFG, PROG_BASE, run_asm

CASES = {
    ErrorCode.ILLEGAL_OPCODE: ".word 0x0",
    ErrorCode.RESERVED_BITS: ".word 0x" + "0" * 30 + "17",                 # HALT with bit 4 set
    # the assembler refuses BAD_FIELD conditions: the word is written raw
    ErrorCode.BAD_FIELD: f".word {isa.encode(isa.make(isa.Op.PAD, mem=0, row=0, count=1, value=200)):#x}",
    ErrorCode.SP_RANGE: "MATMUL a_row=0 w_row=61 acc_row=0 m=1",
    ErrorCode.ACC_RANGE: "STORE row=31 x=2 len=1 addr=0",
    ErrorCode.DRAM_RANGE: "LOAD addr=4093 x=1 len=4",
    ErrorCode.PROG_WRITE: f"STORE row=0 x=1 len=1 addr={PROG_BASE + 20}",
    ErrorCode.NO_HALT: "SYNC",
}


def program_for(code):
    return "SYNC\n" + CASES[code]


@pytest.mark.parametrize("code", [c for c in ErrorCode if c not in (ErrorCode.NONE, ErrorCode.BUS)])
def test_each_error_code_is_reachable_and_named(code):
    text = program_for(code) + ("\nHALT" if code != ErrorCode.NO_HALT else "")
    r = run_asm(text)
    want_index = 2 if code == ErrorCode.NO_HALT else 1
    assert (r.status, r.err_code, r.err_index) == ("ERROR", code, want_index)
    assert r.executed == want_index
    msg = r.message()
    assert code.name in msg and f"code {int(code)}" in msg and f"instruction {want_index}" in msg


def test_bus_error_from_a_faulty_memory_region_names_the_instruction():
    r = run_asm("PAD mem=acc row=0 count=1 value=5\nSTORE row=0 x=1 addr=0x300\nHALT", bus_errors=[(0x302, 0x303)])
    assert (r.err_code, r.err_index) == (ErrorCode.BUS, 1) and "BUS" in r.message() and "STORE" in r.message()
    fetch = run_asm("SYNC\nHALT", bus_errors=[(PROG_BASE + 16, PROG_BASE + 17)])
    assert (fetch.err_code, fetch.err_index) == (ErrorCode.BUS, 1)


def test_fetch_beyond_dram_is_a_dram_range_error():
    cfg = MachineConfig(n=4, sp_rows=8, acc_rows=8, dram_bytes=64)
    image = bytearray(64)
    image[48:64] = isa.encode_program([isa.make(isa.Op.SYNC)])
    r = run_program(cfg, bytes(image), 48, 2)
    assert (r.err_code, r.err_index, r.executed) == (ErrorCode.DRAM_RANGE, 1, 1)


def test_faulting_instruction_has_no_effect():
    r = run_asm("PAD mem=sp row=0 count=4 value=3\nLOAD row=0 addr=4093 x=1 len=4\nHALT")
    assert r.err_code == ErrorCode.DRAM_RANGE and (r.sp[0:4] == 3).all()


def test_span_that_wraps_past_4gib_is_an_error_not_a_wrap():
    r = run_asm(f"STORE row=0 x=1 y=2 len=1 addr={(1 << 32) - 8} ys={(1 << 20) - 1} quant=1\nHALT")
    assert r.err_code == ErrorCode.DRAM_RANGE


def test_error_precedence_follows_the_table():
    # Reserved bit and a bad field together: RESERVED_BITS wins; bad field and range together: BAD_FIELD.
    word = isa.encode(isa.make(isa.Op.MATMUL, m=0, a_row=0xFFFF)) | (1 << 100)
    assert run_asm(f".word {word:#x}\nHALT").err_code == ErrorCode.RESERVED_BITS
    word = isa.encode(isa.make(isa.Op.MATMUL, m=0, a_row=0xFFFF))      # the assembler refuses m=0: raw
    assert run_asm(f".word {word:#x}\nHALT").err_code == ErrorCode.BAD_FIELD
    assert run_asm("LOAD mem=acc row=40 addr=5000 x=1 len=1\nHALT").err_code == ErrorCode.ACC_RANGE


@pytest.mark.parametrize("kind", ERROR_KINDS)
def test_injected_errors_end_with_the_intended_code_and_index(kind):
    for seed in range(30):
        rp = random_program(seed, error_kind=kind)
        r = run_program(rp.cfg, rp.dram, rp.inst_base, rp.inst_count)
        assert (r.err_code, r.err_index) == rp.expect_error, f"seed {seed}: {r.message()}"


def test_host_errors_raise():
    cfg = CFG
    with pytest.raises(ValueError, match="multiple of 16"):
        run_program(cfg, b"", 8, 1)
    with pytest.raises(ValueError, match="inst_count"):
        run_program(cfg, b"", 0, 0)
    with pytest.raises(ValueError, match="exceeds DRAM_BYTES"):
        run_program(cfg, bytes(cfg.dram_bytes + 1), 0, 1)
