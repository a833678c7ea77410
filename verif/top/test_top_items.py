"""The cycle budget's input, `program_work` (a program's work read from its instructions alone), against the
golden simulator's own counts on the programs every stream makes: legal, each decode-error kind, SLVERR
windows, hazard patterns and lowered operators. No simulator needed."""
import numpy as np
import pytest

from golden.isa import MachineConfig
from golden.ops import Requant, lower_gemm
from golden.random_program import ERROR_KINDS, random_program
from golden.simulator import run_program
from verif.top.seq_lib.hazard_stream import hazard_program
from verif.top.seq_lib.program_seq import place
from verif.top.top_items import program_work

CFG = MachineConfig(n=8, sp_rows=256, acc_rows=128, dram_bytes=16384)


def _same(dram, base, count, bus_errors=()):
    g = run_program(CFG, dram, base, count, bus_errors=bus_errors)
    w = program_work(CFG, dram, base, count, bus_errors)
    assert (w.executed, w.dram_read_bytes, w.dram_write_bytes, w.macs) == (
        g.executed, g.stats["dram_read_bytes"], g.stats["dram_write_bytes"], g.stats["macs"]), g.message()


@pytest.mark.parametrize("kind", [None, *ERROR_KINDS])
def test_work_matches_the_golden_counts(kind):
    for seed in range(12):
        rp = random_program(seed, cfg=CFG, error_kind=kind, length=30, data_bytes=2048)
        _same(rp.dram, rp.inst_base, rp.inst_count)


def test_work_matches_with_bus_error_windows_hazards_and_operators():
    for seed in range(12):
        rp = random_program(100 + seed, cfg=CFG, length=30, data_bytes=2048)
        lo = 16 * (seed * 37 % 128)
        _same(rp.dram, rp.inst_base, rp.inst_count, [(lo, lo + 16)])
        prog, prng = hazard_program(seed, CFG, 30, 2048)
        dram, base = place(CFG, prog, prng, 2048)
        _same(dram, base, len(prog))
    r = np.random.default_rng(1)
    a = r.integers(-128, 128, (19, 13)).astype(np.int8)
    w = r.integers(-128, 128, (13, 11)).astype(np.int8)
    low = lower_gemm(CFG, a, w, r.integers(-1000, 1000, 11), 3, Requant(1 << 23, 30, 0, False))
    _same(low.dram_bytes(), low.inst_base, len(low.prog))
