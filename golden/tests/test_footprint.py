"""Footprints: what the hardware's hazard tracking must order. MATMUL's activations and weights are two SP
ranges, so a LOAD into rows between them is independent (the double-buffered convolution relies on it)."""
from golden import isa
from golden.footprint import conflict, footprint
from golden.isa import MEM_SP, MachineConfig, Op

CFG = MachineConfig(n=8, sp_rows=4096, acc_rows=1024, dram_bytes=1 << 20)


def mm(a_row, w_row, m=16, acc_row=0, acc=1):
    return footprint(isa.make(Op.MATMUL, acc=acc, a_row=a_row, w_row=w_row, acc_row=acc_row, m=m), CFG)


def load_sp(row, x):
    return footprint(isa.make(Op.LOAD, mem=MEM_SP, row=row, y=1, x=x, len=8, addr=0, xs=8), CFG)


def test_a_load_between_weights_and_activations_is_independent():
    assert not conflict(mm(a_row=600, w_row=0), load_sp(300, 100))


def test_a_load_over_the_weights_or_the_activations_conflicts():
    assert conflict(mm(a_row=600, w_row=0), load_sp(4, 2))          # weights (rows 0..7)
    assert conflict(mm(a_row=600, w_row=0), load_sp(610, 2))        # activations (rows 600..615)
    assert conflict(load_sp(4, 2), mm(a_row=600, w_row=0))          # either order


def test_two_matmuls_reading_the_same_rows_do_not_conflict_but_accumulating_the_same_acc_rows_do():
    assert not conflict(mm(600, 0, acc_row=0), mm(600, 0, acc_row=100))
    assert conflict(mm(600, 0, acc_row=0), mm(700, 8, acc_row=8))
