"""Operator lowerings: the ISA programs compute what the reference int8 operators compute, across N, shapes that
leave partial chunks, several M/output-row blocks, strides and pads."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from golden.isa import MachineConfig, Op
from golden.ops import Requant, conv2d_acc, gemm_acc, lower_conv2d, lower_gemm
from golden.requant import requantize

RQ = Requant(multiplier=0xA3D70B, shift=31, out_zp=-5)


@pytest.mark.parametrize("n", [4, 8, 16])
@pytest.mark.parametrize("relu", [False, True])
def test_gemm_lowering(n, relu):
    rng = np.random.default_rng(n)
    cfg = MachineConfig(n=n, sp_rows=512, acc_rows=64, dram_bytes=1 << 20)   # forces several M blocks
    a = rng.integers(-128, 128, (150, 45), dtype=np.int8)
    w = rng.integers(-128, 128, (45, 21), dtype=np.int8)
    bias = rng.integers(-10000, 10000, 21)
    rq = Requant(RQ.multiplier, RQ.shift, RQ.out_zp, relu)
    low = lower_gemm(cfg, a, w, bias, 11, rq)
    got, res = low.run()
    assert np.array_equal(got, rq(gemm_acc(a, w, bias, 11)))
    assert res.stats["ops"]["MATMUL"] > 0 and len({t.index for t in res.trace}) == len(res.trace)


@pytest.mark.parametrize("n", [4, 8, 16])
@pytest.mark.parametrize("k,stride,pad", [(3, 1, 1), (3, 2, 1), (1, 1, 0), (3, 1, 0), (1, 2, 0), (5, 2, 2)])
def test_conv_lowering(n, k, stride, pad):
    rng = np.random.default_rng(k * 10 + stride)
    cfg = MachineConfig(n=n, sp_rows=2048, acc_rows=48, dram_bytes=1 << 20)
    x = rng.integers(-128, 128, (13, 10, 11), dtype=np.int8)
    w = rng.integers(-128, 128, (k, k, 11, 9), dtype=np.int8)
    bias = rng.integers(-10000, 10000, 9)
    low = lower_conv2d(cfg, x, w, bias, -17, RQ, stride, pad)
    got, res = low.run()
    assert np.array_equal(got, RQ(conv2d_acc(x, w, bias, -17, stride, pad)))
    if pad:
        loads = [i for i in low.prog if i.op == Op.LOAD and i.mem == 0 and (i.pt or i.pb or i.pl or i.pr)]
        assert loads, "padding must come from LOAD pad fields, not host im2col"


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 70), st.integers(1, 40), st.integers(1, 30), st.sampled_from([4, 8, 16]),
       st.integers(-128, 127), st.integers(0, 2 ** 32 - 1))
def test_gemm_lowering_any_shape(m, k, nc, n, za, seed):
    rng = np.random.default_rng(seed)
    cfg = MachineConfig(n=n, sp_rows=1024, acc_rows=32, dram_bytes=1 << 18)
    a = rng.integers(-128, 128, (m, k), dtype=np.int8)
    w = rng.integers(-128, 128, (k, nc), dtype=np.int8)
    got, _ = lower_gemm(cfg, a, w, None, za, RQ).run()
    assert np.array_equal(got, RQ(gemm_acc(a, w, None, za)))


def test_reference_conv_matches_a_direct_loop():
    """The reference conv itself, against the textbook loop nest on a tiny case."""
    rng = np.random.default_rng(3)
    x = rng.integers(-128, 128, (5, 4, 3), dtype=np.int8)
    w = rng.integers(-128, 128, (3, 3, 3, 2), dtype=np.int8)
    za, stride, pad = 7, 2, 1
    got = conv2d_acc(x, w, None, za, stride, pad)
    oh, ow = (5 + 2 - 3) // 2 + 1, (4 + 2 - 3) // 2 + 1
    for o in range(2):
        for i in range(oh):
            for j in range(ow):
                s = 0
                for di in range(3):
                    for dj in range(3):
                        yy, xx = i * stride + di - pad, j * stride + dj - pad
                        for c in range(3):
                            v = int(x[yy, xx, c]) if 0 <= yy < 5 and 0 <= xx < 4 else za
                            s += (v - za) * int(w[di, dj, c, o])
                assert got[i, j, o] == s


@pytest.mark.parametrize("seed", range(12))
def test_a_gemm_whose_k_does_not_fit_is_split_and_accumulated(seed):
    """K longer than the scratchpad holds: the lowering goes part by part, accumulating in ACC, and the bytes
    are the reference's (per tensor and per channel)."""
    from golden.qops import per_channel_requant
    from golden.requant import requantize_lanes
    rng = np.random.default_rng(seed)
    n = (4, 8, 16)[seed % 3]
    cfg = MachineConfig(n=n, sp_rows=int(rng.integers(3 * n, 6 * n)), acc_rows=64, dram_bytes=1 << 18)
    m, k, nc = int(rng.integers(1, 7)), int(rng.integers(6 * n, 40 * n)), int(rng.integers(1, 3 * n))
    a = rng.integers(-128, 128, (m, k)).astype(np.int8)
    w = rng.integers(-127, 128, (k, nc)).astype(np.int8)
    bias, za = rng.integers(-9000, 9000, nc), int(rng.integers(-128, 128))
    rq = RQ if seed % 2 else per_channel_requant(0.02, rng.uniform(0.002, 0.006, nc).astype(np.float32), 3.0, 2)
    low = lower_gemm(cfg, a, w, bias, za, rq)
    assert (k + n - 1) // n * n > cfg.sp_rows           # the weights of one chunk alone exceed the scratchpad
    got, _ = low.run()
    acc = gemm_acc(a, w, bias, za)
    want = (requantize(acc, rq.multiplier, rq.shift, rq.out_zp, rq.relu) if seed % 2 else
            requantize_lanes(acc, np.array(rq.multipliers), np.array(rq.shifts), rq.out_zp))
    assert np.array_equal(got, want)


@pytest.mark.parametrize("seed", range(8))
def test_a_conv_whose_weights_do_not_fit_streams_them_tap_by_tap(seed):
    from golden.qops import conv_acc
    rng = np.random.default_rng(seed)
    n = (4, 8, 16)[seed % 3]
    cin = int(rng.integers(4 * n, 9 * n))
    cfg = MachineConfig(n=n, sp_rows=int(rng.integers(cin + 2 * n, 2 * cin)), acc_rows=64, dram_bytes=1 << 18)
    h, wd, cout, kh, kw = int(rng.integers(2, 6)), int(rng.integers(2, 6)), int(rng.integers(1, 2 * n)), 3, 2
    x = rng.integers(-128, 128, (h, wd, cin)).astype(np.int8)
    w = rng.integers(-127, 128, (kh, kw, cin, cout)).astype(np.int8)
    pads, strides = (1, 1, 1, 0), (1, 2)
    low = lower_conv2d(cfg, x, w, None, 7, RQ, strides, pads)
    assert kh * kw * -(-cin // n) * n > cfg.sp_rows     # every tap's weights do not fit at once
    got, _ = low.run()
    want = requantize(conv_acc(x, w, None, 7, strides, pads), RQ.multiplier, RQ.shift, RQ.out_zp, RQ.relu)
    assert np.array_equal(got, want)


@pytest.mark.parametrize("kind", ["gemm", "conv"])
def test_double_buffers_alternate_between_accumulator_banks(kind):
    """With room for two accumulator buffers, consecutive output tiles use different halves of the
    accumulator (rtl/sram/accumulator_banks.v: a bias then loads into one while the array works on the other),
    and the program still computes the operator."""
    rng = np.random.default_rng(5)
    cfg = MachineConfig(n=8, sp_rows=4096, acc_rows=256, dram_bytes=1 << 20)
    if kind == "gemm":
        a, w = rng.integers(-128, 128, (96, 40), dtype=np.int8), rng.integers(-128, 128, (40, 24), dtype=np.int8)
        low, want = lower_gemm(cfg, a, w, None, 3, RQ), RQ(gemm_acc(a, w, None, 3))
    else:
        x, w = rng.integers(-128, 128, (12, 10, 9), dtype=np.int8), rng.integers(-128, 128, (3, 3, 9, 20), dtype=np.int8)
        low, want = lower_conv2d(cfg, x, w, None, 3, RQ, 1, 1), RQ(conv2d_acc(x, w, None, 3, 1, 1))
    halves = [int(i.acc_row >= cfg.acc_rows // 2) for i in low.prog if i.op == Op.MATMUL]
    switches = sum(halves[k] != halves[k + 1] for k in range(len(halves) - 1))
    assert set(halves) == {0, 1} and switches >= 2, halves     # tile after tile, the halves take turns
    got, _ = low.run()
    assert np.array_equal(got, want)


@pytest.mark.parametrize("m, k", [(2, 24), (3, 600)])
def test_a_gemm_wider_than_a_load_stride_lays_its_weights_out_chunk_by_chunk(m, k):
    """Nc = 4100 output columns: beyond xs's 4095, so the weights go in DRAM chunk-major and the outputs are
    stored row by row (resident, and K split)."""
    rng = np.random.default_rng(m)
    cfg = MachineConfig(n=16, sp_rows=512, acc_rows=1024, dram_bytes=1 << 24)
    a = rng.integers(-128, 128, (m, k)).astype(np.int8)
    w = rng.integers(-127, 128, (k, 4100)).astype(np.int8)
    got, _ = lower_gemm(cfg, a, w, None, 3, RQ).run()
    assert np.array_equal(got, requantize(gemm_acc(a, w, None, 3), RQ.multiplier, RQ.shift, RQ.out_zp, RQ.relu))
