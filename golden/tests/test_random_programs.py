"""Random programs through two independent implementations of docs/isa.md (the vectorised simulator and the
scalar reference interpreter): status, error, every trace tile, and final SP, ACC and DRAM must agree.
Plus properties of the machine that hold whatever the program (hypothesis)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from golden import isa, reference_interp
from golden.compare import compare
from golden.isa import MachineConfig, Op
from golden.random_program import ERROR_KINDS, random_program
from golden.simulator import run_program


@pytest.mark.parametrize("seed", range(120))
def test_legal_random_programs_agree(seed):
    rp = random_program(seed)
    assert compare(rp.cfg, rp.dram, rp.inst_base, rp.inst_count) is None


@pytest.mark.parametrize("kind", ERROR_KINDS)
def test_error_injected_programs_agree(kind):
    for seed in range(10):
        rp = random_program(1000 + seed, error_kind=kind)
        assert compare(rp.cfg, rp.dram, rp.inst_base, rp.inst_count) is None, f"seed {1000 + seed}"


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2 ** 32 - 1), st.integers(0, 2 ** 32 - 1))
def test_arbitrary_words_agree(seed, bits_seed):
    """Programs whose words are partly random bits: the two decoders and checkers agree on everything."""
    rp = random_program(seed, length=12)
    rng = np.random.default_rng(bits_seed)
    prog = list(rp.prog)
    for at in rng.integers(2, len(prog), 3):
        prog[at] = isa.decode(isa.encode(prog[at]) ^ (1 << int(rng.integers(0, 128))))
    dram = bytearray(rp.dram)
    blob = isa.encode_program(prog)
    dram[rp.inst_base:rp.inst_base + len(blob)] = blob
    assert compare(rp.cfg, bytes(dram), rp.inst_base, len(prog)) is None


def test_reference_interpreter_is_independent():
    """It must not reuse the simulator's code: that would make the comparison a rerun, not a check."""
    import ast
    import inspect
    tree = ast.parse(inspect.getsource(reference_interp))
    imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | \
               {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(m.startswith(("golden", ".", "numpy")) or m == "" for m in imported), imported


def test_comparison_catches_a_semantic_difference(monkeypatch):
    """The comparison can fail: break the simulator's accumulate (overwrite instead) and it is found."""
    from golden import simulator
    monkeypatch.setattr(simulator, "wrap32", lambda v: np.zeros_like(np.asarray(v), dtype=np.int32))
    diffs = [compare(rp.cfg, rp.dram, rp.inst_base, rp.inst_count)
             for rp in (random_program(s) for s in range(20))]
    assert any(d and "MATMUL" in d for d in diffs)


# -- properties ----------------------------------------------------------------------------------------------
small = MachineConfig(n=4, sp_rows=64, acc_rows=32, dram_bytes=4096)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2 ** 32 - 1))
def test_sync_anywhere_changes_no_result(seed):
    rp = random_program(seed, length=20)
    base = run_program(rp.cfg, rp.dram, rp.inst_base, rp.inst_count)
    rng = np.random.default_rng(seed)
    prog = list(rp.prog)
    for at in sorted(rng.integers(0, len(prog), 4), reverse=True):
        prog.insert(int(at), isa.make(Op.SYNC))
    dram = bytearray(rp.dram)
    blob = isa.encode_program(prog)
    dram[rp.inst_base:rp.inst_base + len(blob)] = blob
    synced = run_program(rp.cfg, bytes(dram), rp.inst_base, len(prog))
    assert synced.status == base.status == "DONE"
    assert np.array_equal(synced.acc, base.acc) and np.array_equal(synced.sp, base.sp)
    assert np.array_equal(synced.dram[:rp.inst_base], base.dram[:rp.inst_base])


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 32), st.integers(1, 31), st.integers(0, 2 ** 32 - 1))
def test_matmul_split_in_two_equals_one(m, split_at, seed):
    """MATMUL is row-wise: rows [0, k) then [k, m) give the same accumulator as rows [0, m) at once."""
    split_at = min(split_at, m - 1) if m > 1 else 0
    rng = np.random.default_rng(seed)
    sp = rng.integers(-128, 128, (small.sp_rows, 4)).astype(np.int8)
    acc = rng.integers(-(1 << 31), 1 << 31, (small.acc_rows, 4)).astype(np.int32)
    whole = [isa.make(Op.MATMUL, a_row=0, w_row=48, acc_row=0, m=m, acc=1)]
    parts = ([isa.make(Op.MATMUL, a_row=0, w_row=48, acc_row=0, m=split_at, acc=1)] if split_at else []) + \
            [isa.make(Op.MATMUL, a_row=split_at, w_row=48, acc_row=split_at, m=m - split_at, acc=1)]
    outs = []
    for prog in (whole, parts):
        prog = prog + [isa.make(Op.HALT)]
        image = bytearray(small.dram_bytes)
        image[:16 * len(prog)] = isa.encode_program(prog)
        r = run_program(small, bytes(image), 0, len(prog), sp=sp, acc=acc)
        assert r.status == "DONE", r.message()
        outs.append(r.acc)
    assert np.array_equal(outs[0], outs[1])


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=4, max_size=4 * 24), st.integers(1, 4), st.integers(0, 64))
def test_raw_load_then_raw_store_round_trips_int32(data, lanes, dst):
    """LOAD mem=acc then STORE quant=0 with the same shape copies int32 data exactly."""
    vals = np.frombuffer(data[:len(data) // 4 * 4], "<i4")
    rows = max(1, len(vals) // lanes)
    vals = vals[:rows * lanes]
    prog = [isa.make(Op.LOAD, mem=1, row=0, x=rows, y=1, len=lanes, addr=0x100, xs=4 * lanes),
            isa.make(Op.STORE, quant=0, row=0, x=rows, y=1, len=lanes, addr=0x400 + 4 * dst, xs=4 * lanes),
            isa.make(Op.HALT)]
    image = bytearray(small.dram_bytes)
    image[0x100:0x100 + vals.nbytes] = vals.tobytes()
    image[0xC00:0xC00 + 48] = isa.encode_program(prog)
    r = run_program(small, bytes(image), 0xC00, 3)
    assert r.status == "DONE"
    assert bytes(r.dram[0x400 + 4 * dst:0x400 + 4 * dst + vals.nbytes]) == vals.tobytes()
