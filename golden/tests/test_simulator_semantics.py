"""Directed checks of each instruction's semantics on the vectorised simulator (docs/isa.md, section 3)."""
import numpy as np

from golden.isa import ErrorCode, Op

from .helpers import CFG, PROG_BASE, i32_bytes, run_asm


def test_load_pads_and_zero_lanes():
    dram = bytes(range(1, 65))
    r = run_asm("CONFIG pad=-7\nLOAD row=2 addr=4 y=2 x=2 len=3 xs=8 ys=16 pt=1 pb=0 pl=1 pr=1\nHALT", dram)
    assert r.status == "DONE"
    block = r.sp[2:2 + 3 * 4]
    pad = [-7, -7, -7, 0]
    assert block[:5].tolist() == [pad] * 5                        # top pad row (4) + left pad of data row 0
    assert block[5].tolist() == [5, 6, 7, 0] and block[6].tolist() == [13, 14, 15, 0]
    assert block[7].tolist() == pad and block[8].tolist() == pad
    assert block[9].tolist() == [21, 22, 23, 0] and block[10].tolist() == [29, 30, 31, 0]
    assert r.sp[1].tolist() == [0] * 4 and r.sp[14].tolist() == [0] * 4   # nothing outside the region


def test_load_acc_broadcast_with_zero_stride_and_zero_pads():
    r = run_asm("CONFIG pad=9\nLOAD mem=acc row=1 addr=0 x=3 len=2 xs=0 pl=1\nHALT", i32_bytes([-5, 1 << 30]))
    assert r.acc[1].tolist() == [0, 0, 0, 0]                        # ACC pads are 0, not pad_value
    assert r.acc[2:5].tolist() == [[-5, 1 << 30, 0, 0]] * 3


def test_matmul_overwrite_accumulate_and_wrap():
    sp = np.zeros((CFG.sp_rows, 4), np.int8)
    sp[0:2] = [[-128] * 4, [1, 2, 3, 4]]
    sp[8:12] = -128
    acc = np.zeros((CFG.acc_rows, 4), np.int32)
    acc[0] = (1 << 31) - 1
    r = run_asm("MATMUL a_row=0 w_row=8 acc_row=0 m=2 acc=1\nMATMUL a_row=0 w_row=8 acc_row=4 m=2\nHALT",
                sp=sp, acc=acc)
    assert r.acc[4].tolist() == [4 * 16384] * 4                      # -128 * -128 summed over N=4
    assert r.acc[5].tolist() == [-128 * 10] * 4
    assert r.acc[0].tolist() == [((1 << 31) - 1 + 65536) - (1 << 32)] * 4   # wraps like a 32-bit adder
    assert [t.op for t in r.trace] == [Op.MATMUL, Op.MATMUL] and r.trace[1].data.shape == (2, 4)
    assert r.stats["macs"] == 2 * 2 * 16


def test_store_raw_is_little_endian_and_requant_uses_config():
    text = """PAD mem=acc row=0 count=2 value=-2
              STORE row=0 x=2 len=1 addr=0x100 quant=0 xs=4
              CONFIG multiplier=0x800000 shift=24 out_zp=10 relu=1
              PAD mem=acc row=0 count=1 value=-100
              STORE row=0 x=1 len=4 addr=0x200 xs=4
              HALT"""
    r = run_asm(text)
    assert bytes(r.dram[0x100:0x108]) == i32_bytes([-2, -2])
    assert r.dram[0x200:0x204].view(np.int8).tolist() == [10] * 4       # -50 + 10 clamped at zp by relu
    assert [t.op for t in r.trace] == [Op.STORE, Op.STORE] and r.trace[1].data.dtype == np.int8


def test_overlapping_store_elements_later_wins_bytewise():
    r = run_asm("PAD mem=acc row=0 count=1 value=0x11111111\nPAD mem=acc row=1 count=1 value=0x22222222\n"
                "STORE row=0 x=2 len=1 quant=0 addr=0x100 xs=2\nHALT")
    assert bytes(r.dram[0x100:0x106]) == bytes([0x11, 0x11, 0x22, 0x22, 0x22, 0x22])


def test_config_starts_cleared_and_sync_changes_nothing():
    a = run_asm("PAD mem=acc row=0 count=1 value=1000\nSTORE row=0 x=1 addr=0x100\nHALT")
    assert a.dram[0x100:0x104].tolist() == [0] * 4                  # multiplier 0 -> clamp(out_zp = 0)
    b = run_asm("PAD mem=acc row=0 count=1 value=1000\nSYNC\nSTORE row=0 x=1 addr=0x100\nSYNC\nHALT")
    assert bytes(a.dram[:PROG_BASE]) == bytes(b.dram[:PROG_BASE]) and a.executed == 3 and b.executed == 5


def test_no_halt_and_fetch_beyond_dram():
    r = run_asm("SYNC\nSYNC")
    assert (r.status, r.err_code, r.err_index, r.executed) == ("ERROR", ErrorCode.NO_HALT, 2, 2)
