"""The tile collectors' record files as the BFM reads them (collector_files.py): whole lines only, W beats
paired with their burst address even when W leads AW, a reset record voiding what was in flight, X/Z bits
reported, and a record of the wrong width refused."""
import pytest

from verif.top.collector_files import AccRowReader, DramWriteReader


def acc_line(cycle: int, row: int, written: int, values: list[int]) -> str:
    lanes = "".join(f"{v & 0xFFFFFFFF:08x}" for v in reversed(values))
    return f"{cycle:016x} {row:08x} {written:x} {lanes}\n"


def test_acc_rows_parse_a_batch_and_keep_a_half_line_for_later(tmp_path):
    f = tmp_path / "acc_rows.txt"
    rows = [acc_line(7, 3, 1, [1, -2, 3, -2**31]), acc_line(8, 4, 0, [0, 0, 0, 0])]
    f.write_text(rows[0] + rows[1][:20])                     # the simulator flushed half of the second line
    r = AccRowReader(f, 4)
    b = r.read()
    assert len(b) == 1 and b.rows.tolist() == [3] and b.cycles.tolist() == [7] and b.written.tolist() == [True]
    assert b.values.tolist() == [[1, -2, 3, -2**31]] and b.known.all()
    f.write_text(rows[0] + rows[1])
    b = r.read()
    assert b.rows.tolist() == [4] and b.written.tolist() == [False]
    assert r.read() is None


def test_acc_values_with_x_bits_are_marked_unknown(tmp_path):
    f = tmp_path / "acc_rows.txt"
    f.write_text(acc_line(1, 0, 1, [5, 6]).replace("00000005", "0000000x"))
    b = AccRowReader(f, 2).read()
    assert b.known.tolist() == [False]


def test_an_acc_record_of_the_wrong_width_is_refused(tmp_path):
    f = tmp_path / "acc_rows.txt"
    f.write_text(acc_line(1, 0, 1, [5, 6]))
    with pytest.raises(ValueError, match="not 61 characters long"):
        AccRowReader(f, 4).read()


def test_w_beats_pair_with_their_burst_even_ahead_of_aw(tmp_path):
    f = tmp_path / "dram_writes.txt"
    data = int.from_bytes(bytes(range(16)), "little")
    f.write_text(f"W {5:016x} {data:032x} 0003 0\n"                # beat 0 of a burst whose AW comes later
                 f"A {6:016x} {0x100:08x}\n"
                 f"W {7:016x} {data:032x} 8000 1\n")               # beat 1: only its last byte
    b = DramWriteReader(f).read()
    assert b.addrs.tolist() == [0x100, 0x101, 0x11F] and b.data.tolist() == [0, 1, 15]
    assert b.cycles.tolist() == [5, 5, 7]


def test_a_reset_voids_what_was_in_flight(tmp_path):
    f = tmp_path / "dram_writes.txt"
    data = 0xAB
    f.write_text(f"A {1:016x} {0x40:08x}\n"
                 f"R {2:016x}\n"                                    # its beats never came
                 f"A {3:016x} {0x80:08x}\n"
                 f"W {4:016x} {data:032x} 0001 1\n")
    b = DramWriteReader(f).read()
    assert b.addrs.tolist() == [0x80] and b.data.tolist() == [0xAB]


def test_a_w_beat_with_x_bits_is_an_error(tmp_path):
    f = tmp_path / "dram_writes.txt"
    f.write_text(f"A {1:016x} {0x40:08x}\nW {2:016x} {'x' * 32} ffff 1\n")
    with pytest.raises(ValueError, match="X/Z"):
        DramWriteReader(f).read()


def test_nothing_new_is_none(tmp_path):
    assert AccRowReader(tmp_path / "missing.txt", 8).read() is None
    assert DramWriteReader(tmp_path / "missing.txt").read() is None
