"""Directed checks of the vector unit's instructions and the per-channel STORE on the vectorised simulator
(docs/isa.md 3.3, 3.7-3.9, 4.1, 4.2), and of the lowerings built on them (golden/vector_lowering.py)."""
import numpy as np
import pytest

from golden import isa
from golden.asm import AsmError, assemble, disassemble
from golden.compare import compare
from golden.isa import ErrorCode, MachineConfig, Op
from golden.ops import Requant, RequantPerChannel, conv2d_acc, gemm_acc, lower_conv2d, lower_gemm
from golden.qladd import constants_from_scales, qladd, qladd_scalar
from golden.random_program import random_program
from golden.requant import multiplier_from_scales, pack_lane_params, requantize
from golden.vector_lowering import lower_depthwise_conv, lower_global_avgpool, lower_maxpool, lower_qlinear_add

from .helpers import i32_bytes, run_asm


def _sp_rows(res, lo, hi):
    return res.sp[lo:hi].tolist()


def test_vadd_is_qlinear_add_lane_by_lane():
    ra, rb, fixed = constants_from_scales(0.05, 3, 0.07, -5, 0.09, 7)
    a = np.arange(-128, 128, 16, dtype=np.int8)            # 16 values: 4 rows of N = 4
    b = a[::-1].copy()
    dram = a.tobytes() + b.tobytes()
    res = run_asm(f"""
        LOAD mem=sp row=0 x=4 len=4 addr=0 xs=4
        LOAD mem=sp row=8 x=4 len=4 addr=16 xs=4
        VCONFIG ra={ra:#x} rb={rb:#x} fixed={fixed:#x}
        VADD acc_row=2 a_row=0 b_row=8 count=4
        HALT""", dram)
    assert res.status == "DONE"
    want = qladd(a, b, ra, rb, fixed).reshape(4, 4)
    assert res.acc[2:6].tolist() == want.astype(np.int32).tolist()
    assert [t.op for t in res.trace] == [Op.VADD]


def test_vadd_u8_offsets_inputs_and_result():
    ra, rb, fixed = constants_from_scales(0.1, 130, 0.2, 120, 0.25, 128)
    # stored s8 = u8 - 128
    assert qladd_scalar(-128, -128, ra, rb, fixed, u8=True) == \
        min(max(round(0.4 * -130 + 0.8 * -120 + 128), 0), 255) - 128


def test_window_instructions_reduce_their_window():
    # a 4x4 map of pixels, pixel p holds p in every lane; 2x2 windows, stride 2
    dram = np.repeat(np.arange(16, dtype=np.int8), 4).tobytes()
    w = np.array([[1, 2, 3, 4], [-1, -1, -1, -1], [0, 1, 0, 1], [2, 2, 2, 2]], np.int8).tobytes()
    res = run_asm("""
        LOAD mem=sp row=0 x=16 len=4 addr=0 xs=4
        LOAD mem=sp row=20 x=4 len=4 addr=64 xs=4
        VMAX acc_row=0 a_row=0 y=2 x=2 pitch=4 sy=2 sx=2 kh=2 kw=2
        VSUM acc_row=4 a_row=0 y=2 x=2 pitch=4 sy=2 sx=2 kh=2 kw=2
        PAD mem=acc row=8 count=4 value=100
        VMAC acc_row=8 a_row=0 w_row=20 y=2 x=2 pitch=4 sy=2 sx=2 kh=2 kw=2 acc=1
        HALT""", dram + w)
    assert res.status == "DONE", res.message()
    tops = [0, 2, 8, 10]                                   # each window's top-left pixel
    assert res.acc[0:4, 0].tolist() == [p + 5 for p in tops]
    assert res.acc[4:8, 0].tolist() == [4 * p + 10 for p in tops]
    wt = np.frombuffer(w, np.int8).reshape(4, 4).astype(int)
    for e, p in enumerate(tops):
        window = [p, p + 1, p + 4, p + 5]
        assert res.acc[8 + e].tolist() == [100 + sum(window[t] * wt[t, lane] for t in range(4)) for lane in range(4)]


def test_store_per_channel_takes_each_lanes_pair_from_its_parameter_row():
    mults, shifts = [1 << 23, 3 << 21, 5 << 20, 1 << 22], [23, 24, 25, 26]
    params = pack_lane_params(mults, shifts)
    accs = np.array([[1000, -1000, 777, 12345]], np.int32)
    res = run_asm("""
        LOAD mem=acc row=5 x=1 len=4 addr=0 xs=16
        LOAD mem=acc row=0 x=1 len=4 addr=16 xs=16
        CONFIG out_zp=3
        STORE row=0 x=1 len=4 addr=0x100 xs=4 quant=1 pc=1 qrow=5
        HALT""", i32_bytes(params) + i32_bytes(accs))
    got = np.frombuffer(bytes(res.dram[0x100:0x104]), np.int8)
    want = [requantize(accs[0, k], mults[k], shifts[k], 3) for k in range(4)]
    assert got.tolist() == [int(v) for v in want]


@pytest.mark.parametrize("text, code", [
    ("STORE row=0 x=1 len=1 quant=0 pc=1", ErrorCode.BAD_FIELD),
    ("STORE row=0 x=1 len=1 quant=1 pc=1 qrow=32", ErrorCode.ACC_RANGE),
    ("VMAC acc_row=0 a_row=0 w_row=0 kh=5 kw=4", ErrorCode.BAD_FIELD),
    ("VMAX acc_row=0 a_row=63 kw=2", ErrorCode.SP_RANGE),
    ("VSUM acc_row=31 a_row=0 x=2", ErrorCode.ACC_RANGE),
    ("VADD acc_row=0 a_row=0 b_row=0 count=0", ErrorCode.BAD_FIELD),
    ("VCONFIG ra=0xbf800000", ErrorCode.BAD_FIELD),             # negative
    ("VCONFIG fixed=0x7f800000", ErrorCode.BAD_FIELD),          # infinite
    ("VCONFIG ra=0x47800000", ErrorCode.BAD_FIELD),             # 2^16: too large
])
def test_vector_legality(text, code):
    """Range errors trap at run time; BAD_FIELD conditions the assembler already refuses, naming the check,
    and the raw word traps."""
    if code == ErrorCode.BAD_FIELD:
        with pytest.raises(AsmError, match="BAD_FIELD"):
            assemble(text, n=4)
        mnemonic, *args = text.split()
        ins = isa.make(Op[mnemonic], **{k: int(v, 0) for k, v in (a.split("=") for a in args)})
        text = f".word {isa.encode(ins):#x}"
    res = run_asm(text + "\nHALT")
    assert (res.status, res.err_code, res.err_index) == ("ERROR", code, 0), res.message()


def test_assembler_round_trips_the_new_instructions():
    text = """VCONFIG ra=0x3f000000 rb=0x3f400000 fixed=0xc0a00000
VADD u8=1 acc_row=3 a_row=1 b_row=9 count=7
VMAX acc_row=0 a_row=0 y=2 x=3 pitch=9 sy=2 sx=1 kh=3 kw=2
VSUM acc=1 acc_row=0 a_row=0 y=1 x=1 pitch=7 sy=1 sx=1 kh=7 kw=7
VMAC acc=1 w_row=40 acc_row=0 a_row=0 y=2 x=4 pitch=6 sy=1 sx=1 kh=3 kw=3
STORE quant=1 pc=1 qrow=9 row=0 y=1 x=2 len=4 addr=0x40 xs=4 ys=0
"""
    prog = assemble(text, n=4)
    assert assemble(disassemble(prog), n=4) == prog


def test_comparison_catches_a_wrong_vector_result(monkeypatch):
    """The two implementations are compared on the vector instructions too: break the simulator's VADD."""
    from golden import simulator
    monkeypatch.setattr(simulator, "qladd", lambda a, b, *k: np.zeros(np.shape(a), np.int8))
    diffs = [compare(rp.cfg, rp.dram, rp.inst_base, rp.inst_count) for rp in (random_program(s) for s in range(40))]
    assert any(d and "VADD" in d for d in diffs)


# -- lowerings on the simulator against numpy references -----------------------------------------------------
CFGS = [MachineConfig(n=n, sp_rows=2048, acc_rows=512, dram_bytes=1 << 22) for n in (4, 8, 16)]


def _ref_maxpool(x, kh, kw, sy, sx, pads):
    pt, pl, pb, pr = pads
    xp = np.pad(x.astype(np.int16), ((pt, pb), (pl, pr), (0, 0)), constant_values=-128)
    win = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(0, 1))[::sy, ::sx]
    return win.max(axis=(3, 4)).astype(np.int8)


def _ref_depthwise(x, w, bias, za, sy, sx, pads):
    pt, pl, pb, pr = pads
    xp = np.pad(x.astype(np.int64) - za, ((pt, pb), (pl, pr), (0, 0)))
    win = np.lib.stride_tricks.sliding_window_view(xp, w.shape[:2], axis=(0, 1))[::sy, ::sx]
    return np.einsum("hwcij,ijc->hwc", win, w.astype(np.int64)) + np.asarray(bias, np.int64)


@pytest.mark.parametrize("cfg", CFGS, ids=lambda c: f"N{c.n}")
def test_vector_lowerings_match_references(cfg):
    rng = np.random.default_rng(cfg.n)
    for _ in range(3):
        h, w, c = (int(v) for v in rng.integers(3, 20, 3))
        x = rng.integers(-128, 128, (h, w, c)).astype(np.int8)
        b = rng.integers(-128, 128, (h, w, c)).astype(np.int8)
        ra, rb, fixed = constants_from_scales(0.05, 3, 0.07, -5, 0.09, 7)
        assert np.array_equal(lower_qlinear_add(cfg, x, b, ra, rb, fixed).run()[0], qladd(x, b, ra, rb, fixed))
        for kern, st, pads in (((3, 3), (2, 2), (1, 1, 1, 1)), ((2, 2), (2, 2), (0, 0, 0, 0)), ((3, 2), (1, 2), (1, 0, 2, 1))):
            assert np.array_equal(lower_maxpool(cfg, x, kern, st, pads).run()[0], _ref_maxpool(x, *kern, *st, pads))
        za = int(rng.integers(-20, 20))
        rq = Requant(*multiplier_from_scales(0.05, 1.0, 0.05 * h * w * 4), 3)
        acc = x.astype(np.int64).sum(axis=(0, 1)) - za * h * w
        assert np.array_equal(lower_global_avgpool(cfg, x, za, rq).run()[0], rq(acc))
        wt = rng.integers(-128, 128, (3, 3, c)).astype(np.int8)
        bias = rng.integers(-500, 500, c)
        ms = [multiplier_from_scales(0.02, float(rng.uniform(0.001, 0.01)), 0.3) for _ in range(c)]
        pc = RequantPerChannel(tuple(m for m, _ in ms), tuple(s for _, s in ms), 2)
        for st, pads in (((1, 1), (1, 1, 1, 1)), ((2, 2), (1, 1, 1, 1))):
            got = lower_depthwise_conv(cfg, x, wt, bias, za, pc, st, pads).run()[0]
            assert np.array_equal(got, pc(_ref_depthwise(x, wt, bias, za, *st, pads)))


def test_depthwise_kernels_above_16_taps_split_by_rows():
    cfg = CFGS[1]
    rng = np.random.default_rng(7)
    x = rng.integers(-128, 128, (20, 17, 11)).astype(np.int8)
    wt = rng.integers(-128, 128, (7, 7, 11)).astype(np.int8)
    rq = Requant(*multiplier_from_scales(0.02, 0.004, 0.5), -3)
    low = lower_depthwise_conv(cfg, x, wt, None, 7, rq, (1, 2), (2, 1, 2, 3))
    assert all(i.kh * i.kw <= 16 for i in low.prog if i.op == Op.VMAC)
    assert np.array_equal(low.run()[0], rq(_ref_depthwise(x, wt, np.zeros(11), 7, 1, 2, (2, 1, 2, 3))))


@pytest.mark.parametrize("cfg", CFGS, ids=lambda c: f"N{c.n}")
def test_per_channel_gemm_and_conv(cfg):
    rng = np.random.default_rng(100 + cfg.n)
    for _ in range(3):
        m, k, nc = (int(v) for v in rng.integers(1, 70, 3))
        a = rng.integers(-128, 128, (m, k)).astype(np.int8)
        w = rng.integers(-128, 128, (k, nc)).astype(np.int8)
        ms = [multiplier_from_scales(0.02, float(rng.uniform(0.001, 0.01)), 0.5) for _ in range(nc)]
        rq = RequantPerChannel(tuple(x for x, _ in ms), tuple(s for _, s in ms), int(rng.integers(-10, 10)))
        low = lower_gemm(cfg, a, w, None, 3, rq)
        assert any(i.op == Op.STORE and i.pc for i in low.prog)
        assert np.array_equal(low.run()[0], rq(gemm_acc(a, w, None, 3)))
        x = rng.integers(-128, 128, (9, 7, 5)).astype(np.int8)
        w = rng.integers(-128, 128, (3, 3, 5, nc)).astype(np.int8)
        assert np.array_equal(lower_conv2d(cfg, x, w, None, -4, rq, 2, 1).run()[0], rq(conv2d_acc(x, w, None, -4, 2, 1)))


def test_lowerings_refuse_bad_shapes():
    cfg = CFGS[0]
    x = np.zeros((4, 4, 3), np.int8)
    with pytest.raises(ValueError, match="differ in shape"):
        lower_qlinear_add(cfg, x, np.zeros((4, 4, 2), np.int8), 0, 0, 0)
    with pytest.raises(ValueError, match="pads"):
        lower_maxpool(cfg, x, (3, 3), (1, 1), (16, 0, 0, 0))
    with pytest.raises(ValueError, match=r"\[KH, KW, C=3\]"):
        lower_depthwise_conv(cfg, x, np.zeros((3, 3, 2), np.int8), None, 0, Requant(1, 0, 0))
    with pytest.raises(ValueError, match="outside int8"):
        lower_maxpool(cfg, np.full((4, 4, 3), 300, np.int16), (2, 2))


