"""Encoding: the field tables, encode/decode round trips, field ranges."""
import pytest
from hypothesis import given, strategies as st

from golden import isa
from golden.isa import FIELDS, RESERVED_MASK, Op, decode, encode, make


def test_fields_do_not_overlap_and_fit_128_bits():
    for op, fields in FIELDS.items():
        used = isa.OPCODE_MASK
        for f in fields:
            assert used & f.mask == 0, f"{op.name}.{f.name} overlaps another field"
            assert f.lo + f.width <= 128
            used |= f.mask
        assert used | RESERVED_MASK[op] == (1 << 128) - 1


def test_layout_matches_the_documented_bits():
    # A few spot checks straight from docs/isa.md tables.
    w = encode(make(Op.LOAD, mem=1, row=0x1234, y=3, x=0x567, len=16, pt=1, pb=2, pl=3, pr=4,
                    addr=0xDEADBEEF, xs=0xABC, ys=0xFFFFF))
    assert w & 0xF == 1 and (w >> 4) & 1 == 1
    assert (w >> 8) & 0xFFFF == 0x1234 and (w >> 24) & 0xFF == 3 and (w >> 32) & 0xFFF == 0x567
    assert (w >> 44) & 0xF == 15 and (w >> 48) & 0xFFFF == 0x4321
    assert (w >> 64) & 0xFFFFFFFF == 0xDEADBEEF and (w >> 96) & 0xFFF == 0xABC and w >> 108 == 0xFFFFF
    c = encode(make(Op.CONFIG, relu=1, pad=-1, out_zp=-128, shift=63, multiplier=0xFFFFFF))
    assert c == 5 | 1 << 4 | 0xFF << 8 | 0x80 << 16 | 63 << 24 | 0xFFFFFF << 32


@given(st.integers(0, (1 << 128) - 1))
def test_decode_encode_round_trip_any_word(word):
    assert encode(decode(word)) == word


@pytest.mark.parametrize("op", list(Op))
def test_make_decode_round_trip_extremes(op):
    for pick in (0, 1):
        vals = {f.name: f.lo_hi()[pick] for f in FIELDS[op]}
        ins = make(op, **vals)
        back = decode(encode(ins))
        assert back.op == op and back.f == vals and back.reserved_bits() == 0


@pytest.mark.parametrize("op,field,value", [(Op.LOAD, "len", 0), (Op.LOAD, "len", 17), (Op.LOAD, "y", 256),
                                            (Op.CONFIG, "pad", 128), (Op.PAD, "value", 1 << 31),
                                            (Op.STORE, "ys", 1 << 20), (Op.MATMUL, "m", -1)])
def test_out_of_field_values_are_refused_with_the_field_named(op, field, value):
    with pytest.raises(ValueError, match=f"{op.name}.{field}"):
        make(op, **{field: value})


def test_unknown_field_is_named():
    with pytest.raises(ValueError, match="nope"):
        make(Op.MATMUL, nope=1)


def test_program_bytes_are_little_endian_and_16_bytes_each():
    prog = [make(Op.HALT), make(Op.PAD, row=1, count=2, value=-1)]
    blob = isa.encode_program(prog)
    assert len(blob) == 32 and blob[0] == 7 and blob[16] == 4
    assert isa.decode_program(blob)[1].f == prog[1].f
    with pytest.raises(ValueError, match="multiple of 16"):
        isa.decode_program(blob[:20])
    assert isa.to_hex_lines(prog).splitlines()[0] == "0" * 31 + "7"


def test_machine_config_validates():
    with pytest.raises(ValueError, match="N must be"):
        isa.MachineConfig(n=6)
    with pytest.raises(ValueError, match="sp_rows"):
        isa.MachineConfig(sp_rows=0)
