"""Assembler and disassembler: round trips and errors that name the line."""
import pytest
from hypothesis import given, settings, strategies as st

from golden.asm import AsmError, assemble, disassemble
from golden.isa import Op, decode, encode
from golden.random_program import ERROR_KINDS, random_program

DOC_EXAMPLE = """
LOAD   mem=sp row=0 addr=0x1000 y=1 x=16 len=8 xs=8 ys=0 pt=0 pb=0 pl=0 pr=0
MATMUL a_row=0 w_row=64 acc_row=0 m=16 acc=0
STORE  row=0 addr=0x2000 y=1 x=16 len=8 xs=8 ys=0 quant=1
PAD    mem=sp row=0 count=32 value=0   # zero padding
CONFIG multiplier=0x800000 shift=30 out_zp=-3 relu=0 pad=5 ; comment
SYNC
HALT
"""


def words(prog):
    return [encode(i) for i in prog]


def test_doc_example_assembles_and_round_trips():
    prog = assemble(DOC_EXAMPLE)
    assert [i.op for i in prog] == [Op.LOAD, Op.MATMUL, Op.STORE, Op.PAD, Op.CONFIG, Op.SYNC, Op.HALT]
    assert prog[4].out_zp == -3 and prog[4].pad == 5 and prog[1].w_row == 64
    assert words(assemble(disassemble(prog))) == words(prog)


def test_defaults_follow_the_doc():
    load, store = assemble("LOAD mem=acc row=2 x=3 addr=64\nSTORE x=2 addr=0 quant=0", n=4)
    assert (load.y, load.len, load.xs, load.ys) == (1, 4, 16, 0)
    assert (store.len, store.xs) == (4, 16)
    assert assemble("store x=2", n=8)[0].xs == 8 and assemble("store x=2", n=8)[0].quant == 1


@pytest.mark.parametrize("seed", range(20))
def test_random_programs_round_trip(seed):
    kind = ERROR_KINDS[seed % len(ERROR_KINDS)] if seed % 2 else None
    prog = random_program(seed, error_kind=kind).prog
    assert words(assemble(disassemble(prog))) == words(prog)


@settings(max_examples=300)
@given(st.lists(st.integers(0, (1 << 128) - 1), min_size=1, max_size=8))
def test_any_words_round_trip(ws):
    prog = [decode(w) for w in ws]
    assert words(assemble(disassemble(prog))) == ws


@pytest.mark.parametrize("text,msg", [
    ("HALT\nFROB x=1", "line 2: unknown mnemonic 'FROB'"),
    ("LOAD x=0x1g", "line 1: x='0x1g' is not a number"),
    ("LOAD bogus=1", "LOAD has no field 'bogus'"),
    ("LOAD x=1 x=2", "field 'x' given twice"),
    ("LOAD x", "expected key=value"),
    ("LOAD x=5000", "LOAD.x=5000 outside 1..4095|LOAD.x=5000 outside 0..4095"),
    ("CONFIG out_zp=200", "CONFIG.out_zp=200"),
    (".word 0x1" + "0" * 32, "does not fit 128 bits"),
])
def test_errors_name_the_line_and_the_problem(text, msg):
    with pytest.raises(AsmError, match=msg):
        assemble(text)
