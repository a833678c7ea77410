"""The cycle model against cycle counts the RTL measured (make bench's counters, docs/timing.md section 6: these
are simulated cycles, deterministic), its counter invariant, and the rules it must not lose (a hazard
serialises, independent units overlap). compiler/tests/test_cycle_model_rtl.py holds it to the RTL on networks."""
from __future__ import annotations

import pytest

from golden import isa
from golden.counters import CYCLE_PARTS
from golden.cycle_model import CycleModel, Features
from golden.isa import MEM_SP, MachineConfig, Op
from golden.qladd import constants_from_scales
from golden.random_program import random_program

BENCH = MachineConfig(8, 16384, 1024, 1 << 20)


def _gemm_sp(size: int = 256) -> list:
    """make bench's gemm_sp program: 256^3 as 1024 MATMULs from the scratchpad, output chunk by chunk."""
    n, kc = 8, size // 8
    mm = [isa.make(Op.MATMUL, acc=int(t > 0), a_row=t * size, w_row=kc * size + (j * kc + t) * n,
                   acc_row=(j % 4) * size, m=size) for j in range(kc) for t in range(kc)]
    return mm + [isa.make(Op.HALT)]


def test_gemm_from_the_scratchpad_matches_the_rtl():
    """As built (weights on their own port): 263,299 cycles measured, 99.6 % of peak."""
    p = CycleModel(BENCH, latency=100).run(_gemm_sp())
    assert abs(p.cycles - 263_299) <= 10 and p.counters["mac_active"] == 262_144
    assert p.counters["stall_weight"] <= 16, "the weight tiles load under the activations"


def test_gemm_from_the_scratchpad_before_the_weight_port_is_the_rtl_cycle_for_cycle():
    """The RTL before the weight port (one read port for weights and activations) measured 271,485 cycles."""
    p = CycleModel(BENCH, latency=100, features=Features(weight_port=False)).run(_gemm_sp())
    assert p.cycles == 271_485
    want = {"mac_active": 262_144, "vec_active": 0, "stall_weight": 8_192, "stall_dma_rd": 0, "stall_dma_wr": 0,
            "stall_vec": 0, "stall_dep": 0, "stall_full": 1_021, "stall_other": 128}
    assert {k: p.counters[k] for k in CYCLE_PARTS} == want
    assert p.counters["retired"] == 1025


def test_vector_streams_are_the_rtl_cycle_for_cycle():
    ra, rb, fixed = constants_from_scales(0.05, 3, 0.07, -5, 0.09, 7)
    vadd = [isa.make(Op.VCONFIG, ra=ra, rb=rb, fixed=fixed)] + [
        isa.make(Op.VADD, acc_row=(k % 2) * 512, a_row=0, b_row=4096, count=512) for k in range(8)]
    vmax = [isa.make(Op.VMAX, acc_row=(k % 2) * 512, a_row=k * 8 * 58, y=8, x=56, pitch=58, sy=1, sx=1, kh=3, kw=3)
            for k in range(8)]
    model = CycleModel(BENCH, latency=100)
    assert model.run(vadd + [isa.make(Op.HALT)]).cycles == 8_339
    assert model.run(vmax + [isa.make(Op.HALT)]).cycles == 32_386


def test_latency_moves_the_start_by_itself():
    prog = _gemm_sp(64)
    a, b = CycleModel(BENCH, latency=100).run(prog), CycleModel(BENCH, latency=40).run(prog)
    assert a.cycles - b.cycles == 60


def test_a_hazard_serialises_and_independent_units_overlap():
    load = isa.make(Op.LOAD, mem=MEM_SP, row=0, y=1, x=64, len=8, addr=0, xs=8)
    reads_it = isa.make(Op.MATMUL, a_row=0, w_row=64, acc_row=0, m=64)
    elsewhere = isa.make(Op.MATMUL, a_row=128, w_row=64, acc_row=0, m=64)
    model = CycleModel(BENCH)
    dependent = model.run([load, reads_it, isa.make(Op.HALT)])
    independent = model.run([load, elsewhere, isa.make(Op.HALT)])
    assert dependent.counters["stall_dep"] > 0 == independent.counters["stall_dep"]
    assert dependent.cycles > independent.cycles + 64


@pytest.mark.parametrize("seed", range(40))
def test_every_cycle_is_one_counter_on_random_programs(seed):
    cfg = MachineConfig(8, 256, 128, 16384)
    prog = random_program(seed, cfg).prog
    p = CycleModel(cfg).run(prog)
    assert sum(p.counters[k] for k in CYCLE_PARTS) == p.cycles > 0
    issued = p.issue[p.issue >= 0]
    assert (issued[1:] > issued[:-1]).all(), "the decoder issues in order, one instruction a cycle at most"
