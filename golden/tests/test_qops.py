"""golden/qops.py: the network operators' integer references on hand-checkable cases, and proof that the
onnxruntime cross-check catches each kind of fault in them (a corrupted multiplier, an off-by-one window,
another float32 order of operations, a zero point left out of the padding)."""
import numpy as np
import pytest

from golden import crosscheck, onnx_reference, qladd, qops, requant
from golden.requant import decompose_float32, multiplier_from_scales, requantize


# -- u8 storage --------------------------------------------------------------------------------------------
def test_u8_storage_round_trips():
    u = np.arange(256, dtype=np.uint8)
    s = qops.u8_to_s8(u)
    assert s.dtype == np.int8 and s[0] == -128 and s[128] == 0 and s[255] == 127
    assert np.array_equal(qops.s8_to_u8(s), u)
    assert qops.u8_to_s8(200) == 72 and qops.s8_to_u8(-1) == 127
    with pytest.raises(ValueError):
        qops.u8_to_s8(256)


# -- MaxPool -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("size,k,s,head,tail,ceil,want", [
    (5, 2, 2, 0, 0, False, 2), (5, 2, 2, 0, 0, True, 3), (4, 3, 2, 1, 1, False, 2), (4, 3, 2, 1, 1, True, 3),
    (4, 2, 2, 0, 1, True, 2),      # ceil would give 3, but that window would start in the trailing pad
    (4, 2, 3, 1, 1, True, 2), (1, 1, 1, 0, 0, False, 1), (7, 7, 1, 0, 0, True, 1)])
def test_pool_output_size(size, k, s, head, tail, ceil, want):
    assert qops.pool_output_size(size, k, s, head, tail, ceil) == want


def test_maxpool_hand_case():
    x = np.arange(16, dtype=np.int8).reshape(4, 4, 1)
    assert qops.maxpool(x, 2, 2, 2, 2)[..., 0].tolist() == [[5, 7], [13, 15]]
    # pads (1, 1, 1, 1), stride 2: the corner windows see one real element
    assert qops.maxpool(x, 2, 2, 2, 2, (1, 1, 1, 1))[..., 0].tolist() == [[0, 2, 3], [8, 10, 11], [12, 14, 15]]
    # asymmetric pad, kernel 3x1, per-axis strides
    assert qops.maxpool(x, 3, 1, 1, 2, (1, 0, 0, 0))[..., 0].tolist() == [[4, 6], [8, 10], [12, 14]]


def test_maxpool_padding_never_wins():
    x = np.full((3, 3, 2), -128, np.int8)
    y = qops.maxpool(x, 3, 3, 2, 2, (2, 2, 2, 2), ceil_mode=True)
    assert y.shape == (3, 3, 2) and (y == -128).all()
    with pytest.raises(ValueError):
        qops.maxpool(x, 2, 2, 1, 1, (2, 0, 0, 0))       # onnxruntime: "Pad should be smaller than kernel"


# -- QLinearGlobalAveragePool ------------------------------------------------------------------------------
def test_global_avgpool_hand_case():
    x = np.array([[1, 2], [3, 4]], np.int8).reshape(2, 2, 1)
    assert qops.gap_multiplier(1.0, 1.0, 4) == (1 << 23, 25)             # 0.25 exactly
    assert qops.global_avgpool(x, 1.0, 0, 1.0, 0).tolist() == [2]         # 2.5 -> 2 (ties to even)
    assert qops.global_avgpool(x, 1.0, 0, 1.0, 1).tolist() == [3]
    assert qops.global_avgpool(x + 2, 1.0, 2, 1.0, 0).tolist() == [2]     # zero point taken out first
    assert qops.gap_acc(x, -3).tolist() == [22]                          # Σx − z·H·W = 10 + 12


def test_gap_multiplier_is_s_in_over_s_out_times_hw_in_float32():
    f = np.float32
    rng = np.random.default_rng(3)
    differs = 0
    for _ in range(2000):
        s_in, s_out, hw = f(2.0 ** rng.uniform(-9, 0)), f(2.0 ** rng.uniform(-9, 0)), int(rng.integers(2, 5000))
        want = f(s_in / f(s_out * f(hw)))
        if not 2.0 ** -32 <= want < 256:
            continue
        assert qops.gap_multiplier(s_in, s_out, hw) == decompose_float32(want)
        differs += want != f(f(s_in / s_out) / f(hw))
    assert differs > 100          # the orders really differ, so the probes in the cross-check can tell them apart


def test_gap_multiplier_range():
    with pytest.raises(ValueError):
        qops.gap_multiplier(256.0, 1.0, 1)          # scale >= 256
    with pytest.raises(ValueError):
        qops.gap_multiplier(2.0 ** -33, 1.0, 1)     # scale < 2^-32
    with pytest.raises(ValueError):
        qops.gap_multiplier(1.0, 1.0, 1 << 24)      # image too large
    m, s = qops.gap_multiplier(2.0 ** -32, 1.0, 1)
    assert (m, s) == (1 << 23, 55)
    m, s = qops.gap_multiplier(255.0, 1.0, 1)
    assert s == 16


# -- per-channel requantisation ----------------------------------------------------------------------------
def test_multipliers_from_scales_is_per_channel_multiplier_from_scales():
    sw = np.array([0.001, 0.0123, 3e-5, 0.5], np.float32)
    mults, shifts = qops.multipliers_from_scales(0.02, sw, 0.07)
    for c, w in enumerate(sw):
        assert (mults[c], shifts[c]) == multiplier_from_scales(0.02, float(w), 0.07)


def test_requantize_per_channel_hand_case():
    acc = np.array([[3, 3, -3, 5]])
    # lane 0: 3·0.5 = 1.5 -> 2; lane 1: 3·1 = 3; lane 2: -3·0.5 = -1.5 -> -2; lane 3: 5·0.25 = 1.25 -> 1
    mults = [1 << 23, 1 << 23, 1 << 23, 1 << 23]
    shifts = [24, 23, 24, 25]
    assert requant.requantize_lanes(acc, mults, shifts, 0).tolist() == [[2, 3, -2, 1]]
    assert requant.requantize_lanes(acc, mults, shifts, 10, relu=True).tolist() == [[12, 13, 10, 11]]
    assert requant.requantize_lanes(acc * 1000, mults, shifts, 0).tolist() == [[127, 127, -128, 127]]


def test_requantize_per_channel_matches_requantize_lane_by_lane():
    rng = np.random.default_rng(0)
    acc = rng.integers(-(1 << 31), 1 << 31, (50, 7)).astype(np.int64)
    acc[:, :3] //= 1 << 12
    mults = rng.integers(1 << 23, 1 << 24, 7)
    shifts = rng.integers(20, 50, 7)
    got = requant.requantize_lanes(acc, mults, shifts, -5)
    for c in range(7):
        assert np.array_equal(got[:, c], requantize(acc[:, c], int(mults[c]), int(shifts[c]), -5))
    with pytest.raises(ValueError):
        requant.requantize_lanes(acc, mults[:6], shifts[:6], 0)
    with pytest.raises(ValueError):
        requant.requantize_lanes(acc, mults + (1 << 24), shifts, 0)


# -- accumulators ------------------------------------------------------------------------------------------
def test_depthwise_acc_hand_case():
    x = np.ones((3, 3, 2), np.int8)
    w = np.ones((3, 3, 2), np.int8)
    w[..., 1] = 2
    acc = qops.depthwise_acc(x, w, [0, 100], 0, (1, 1), (1, 1, 1, 1))
    assert acc[..., 0].tolist() == [[4, 6, 4], [6, 9, 6], [4, 6, 4]]
    assert acc[..., 1].tolist() == [[108, 112, 108], [112, 118, 112], [108, 112, 108]]
    # padding takes the zero point: with x == za every tap, real or padded, contributes 0
    assert (qops.depthwise_acc(x + 4, w, [7, 7], 5, (2, 2), (1, 0, 1, 0)) == 7).all()
    assert qops.depthwise_acc(x, w, None, 0, (2, 1), (0, 0, 0, 0)).shape == (1, 1, 2)


def _conv_loops(x, w, bias, za, stride, pads):
    """Direct loops over output pixels: the definition, for checking the vectorised accumulators."""
    sy, sx = stride
    top, left, bottom, right = pads
    h, wd, _ = x.shape
    kh, kw, _, co = w.shape
    oh, ow = (h + top + bottom - kh) // sy + 1, (wd + left + right - kw) // sx + 1
    out = np.zeros((oh, ow, co), np.int64)
    for oy in range(oh):
        for ox in range(ow):
            for i in range(kh):
                for j in range(kw):
                    yy, xx = oy * sy + i - top, ox * sx + j - left
                    if 0 <= yy < h and 0 <= xx < wd:
                        out[oy, ox] += (x[yy, xx].astype(np.int64) - za) @ w[i, j].astype(np.int64)
    return out + (0 if bias is None else np.asarray(bias, np.int64))


@pytest.mark.parametrize("k,stride,pads", [(3, (1, 2), (1, 0, 2, 1)), (5, (2, 2), (0, 2, 1, 3)),
                                           (1, (2, 1), (0, 0, 0, 0)), (3, (1, 1), (2, 2, 0, 0))])
def test_conv_acc_matches_loops(k, stride, pads):
    rng = np.random.default_rng(k)
    x = rng.integers(-128, 128, (7, 9, 3)).astype(np.int8)
    w = rng.integers(-128, 128, (k, k, 3, 4)).astype(np.int8)
    bias = rng.integers(-1000, 1000, 4)
    assert np.array_equal(qops.conv_acc(x, w, bias, -17, stride, pads), _conv_loops(x, w, bias, -17, stride, pads))


def test_depthwise_acc_is_a_conv_with_a_diagonal_filter():
    rng = np.random.default_rng(1)
    x = rng.integers(-128, 128, (8, 6, 5)).astype(np.int8)
    w = rng.integers(-128, 128, (3, 3, 5)).astype(np.int8)
    full = np.zeros((3, 3, 5, 5), np.int8)
    for c in range(5):
        full[:, :, c, c] = w[:, :, c]
    for stride, pads in [((1, 1), (1, 1, 1, 1)), ((2, 2), (0, 0, 1, 1)), ((2, 1), (1, 0, 0, 2))]:
        assert np.array_equal(qops.depthwise_acc(x, w, None, 33, stride, pads),
                              qops.conv_acc(x, full, None, 33, stride, pads))


def test_per_channel_operators_hand_case():
    # 1x1 conv of a single pixel: acc = (x − za)·w + bias per channel; s_a = 1, s_w = [1/2, 1/4], s_y = 1
    x = np.array([[[9]]], np.int8)
    w = np.array([[[[1, 3]]]], np.int8)
    y = qops.qlinear_conv_pc(x, w, [1, 0], 1.0, 4, [0.5, 0.25], 1.0, -1)
    assert y.tolist() == [[[2, 3]]]                 # (5+1)/2 − 1 = 2; 15/4 = 3.75 -> 4, − 1 = 3
    a = np.array([[9, 4]], np.int8)
    wm = np.array([[1, 3], [2, -1]], np.int8)
    assert qops.qlinear_matmul_pc(a, wm, 1.0, 4, [0.5, 0.25], 1.0, 0).tolist() == [[2, 4]]     # 5/2, 15/4
    assert qops.qgemm(a, wm, [1, 1], 1.0, 4, [0.5, 0.25], 1.0, 0).tolist() == [[3, 4]]         # 6/2, 16/4


def test_qlinear_add_wraps_qladd():
    rng = np.random.default_rng(2)
    a, b = rng.integers(-128, 128, (2, 300)).astype(np.int8)
    for u8, zps in ((False, (3, -7, 11)), (True, (130, 121, 200))):
        consts = qladd.constants_from_scales(0.02, zps[0], 0.03, zps[1], 0.04, zps[2])
        assert np.array_equal(qops.qlinear_add(a, b, 0.02, zps[0], 0.03, zps[1], 0.04, zps[2], u8),
                              qladd.qladd(a, b, *consts, u8))


# -- the cross-check catches faults in each reference ------------------------------------------------------
def _run(section, cases):
    tally = crosscheck.new_tally(section)
    crosscheck.run_cases(tally, section, cases)
    assert tally.outputs > 0
    return tally


def _rng(seed=11):
    return np.random.default_rng(seed)


_ACCUMULATORS = {
    "conv_pc": lambda a: qops.conv_acc(a["x_hwc"], a["w_hwio"], a["bias"], a["za"]),
    "depthwise": lambda a: qops.depthwise_acc(a["x_hwc"], a["w_khkwc"], a["bias"], a["za"], (1, 1), a["pads"]),
    "matmul_pc": lambda a: qops.gemm_acc(a["a"], a["w"], None, a["za"]),
    "qgemm": lambda a: qops.gemm_acc(a["a"], a["w"], a["bias"], a["za"]),
}


@pytest.mark.parametrize("section", list(_ACCUMULATORS))
def test_multiplier_probes_pass_and_hit_their_accumulators(section):
    cases = list(crosscheck._pc_probe_cases(section, _rng(), 2))
    for case in cases:                                  # the probe built the accumulators it meant to
        assert np.array_equal(_ACCUMULATORS[section](case.args), case.acc)
    t = _run(section, iter(cases))
    assert t.mismatches == 0, t.first_failure


def test_gap_probes_pass_and_hit_their_accumulators():
    cases = list(crosscheck._gap_probe_cases(_rng(), 6))
    for case in cases:
        assert np.array_equal(qops.gap_acc(case.args["x_hwc"], case.args["z_in"]), case.acc)
    t = _run("gap", iter(cases))
    assert t.mismatches == 0, t.first_failure


def test_maxpool_off_by_one_window_is_caught(monkeypatch):
    real = qops.maxpool

    def one_row_late(x_hwc, kh, kw, sy, sx, pads, ceil_mode):     # every window starts one row too low
        x = np.asarray(x_hwc)
        return real(np.concatenate([x[1:], x[-1:]]), kh, kw, sy, sx, pads, ceil_mode)
    monkeypatch.setattr(qops, "maxpool", one_row_late)
    t = _run("maxpool", crosscheck.cases_maxpool(20_000, _rng()))
    assert t.mismatches > 0


def test_maxpool_without_the_ceil_mode_drop_rule_is_caught(monkeypatch):
    def no_drop(size, k, stride, pad_head, pad_tail, ceil_mode=False):
        return (size + pad_head + pad_tail - k + (stride - 1 if ceil_mode else 0)) // stride + 1
    x = np.random.default_rng(4).integers(-128, 128, (6, 8, 3)).astype(np.int8)
    cases = [crosscheck.Case(f"MaxPool ceil k{k} s{s} p{p}",
                             dict(x_hwc=x, kh=k, kw=k, sy=s, sx=s, pads=p, ceil_mode=True),
                             onnx_reference.maxpool(x, k, k, (s, s), p, 1))
             for k, s, p in [(2, 2, (0, 0, 1, 1)), (2, 3, (1, 1, 1, 1)), (3, 2, (1, 1, 1, 1))]]
    assert _run("maxpool", iter(cases)).mismatches == 0
    monkeypatch.setattr(qops, "pool_output_size", no_drop)
    t = _run("maxpool", iter(cases))
    assert t.mismatches > 0 and "output shape" in t.first_failure


@pytest.mark.parametrize("alt", list(crosscheck.GAP_ALTERNATIVES))
def test_gap_scale_in_another_order_is_caught(monkeypatch, alt):
    fn = crosscheck.GAP_ALTERNATIVES[alt]
    monkeypatch.setattr(qops, "gap_multiplier", lambda s_in, s_out, hw: decompose_float32(fn(s_in, s_out, hw)))
    t = _run("gap", crosscheck._gap_probe_cases(_rng(), 12))
    assert t.mismatches > 0


def test_gap_without_the_input_zero_point_is_caught(monkeypatch):
    real = qops.gap_acc
    monkeypatch.setattr(qops, "gap_acc", lambda x_hwc, z_in: real(x_hwc, 0))
    t = _run("gap", crosscheck.cases_gap(5_000, _rng(), sweeps=[], probes=0))
    assert t.mismatches > 0


@pytest.mark.parametrize("section", ["conv_pc", "depthwise", "matmul_pc", "qgemm"])
def test_corrupted_per_channel_multiplier_is_caught(monkeypatch, section):
    real = qops.multipliers_from_scales

    def off_by_one(sa, sw, sy):
        m, s = real(sa, sw, sy)
        return m - 1, s                      # every multiplier one unit (one float32 ulp) low
    monkeypatch.setattr(qops, "multipliers_from_scales", off_by_one)
    t = _run(section, crosscheck._pc_probe_cases(section, _rng(), 2))
    assert t.mismatches > 0


@pytest.mark.parametrize("alt", list(crosscheck.PC_ALTERNATIVES))
def test_per_channel_multiplier_in_another_order_is_caught(monkeypatch, alt):
    fn = crosscheck.PC_ALTERNATIVES[alt]

    def other_order(sa, sw, sy):
        pairs = [decompose_float32(fn(sa, w, sy)) for w in np.asarray(sw, np.float32).reshape(-1)]
        return np.array([p[0] for p in pairs], np.int64), np.array([p[1] for p in pairs], np.int64)
    monkeypatch.setattr(qops, "multipliers_from_scales", other_order)
    for section in ("conv_pc", "qgemm"):
        t = _run(section, crosscheck._pc_probe_cases(section, _rng(), 2))
        assert t.mismatches > 0, section


def test_depthwise_padding_with_zero_instead_of_the_zero_point_is_caught(monkeypatch):
    real = qops.depthwise_acc

    def pad_zero(x_hwc, w_khkwc, bias, za, stride=(1, 1), pads=(0, 0, 0, 0)):
        t, l, b, r = pads
        xp = np.pad(np.asarray(x_hwc, np.int16), ((t, b), (l, r), (0, 0)))       # 0, not za
        return real(np.clip(xp, -128, 127).astype(np.int8), w_khkwc, bias, za, stride, (0, 0, 0, 0))
    monkeypatch.setattr(qops, "depthwise_acc", pad_zero)
    t = _run("depthwise", crosscheck.cases_depthwise(20_000, _rng()))
    assert t.mismatches > 0


def test_qladd_fma_order_and_unfused_fixed_term_are_caught(monkeypatch):
    real_add, real_consts = qops.qladd, qops.constants_from_scales
    grid = crosscheck.QLADD_GRIDS[2:4]                    # T1/T2-tie grids: the two FMAs are not symmetric
    monkeypatch.setattr(qops, "qladd", lambda a, b, ra, rb, fixed, u8=False: real_add(b, a, rb, ra, fixed, u8))
    t = _run("qladd", crosscheck.cases_qladd(0, _rng(), grids=grid, probes=[]))
    assert t.mismatches > 0
    monkeypatch.setattr(qops, "qladd", real_add)

    def unfused(sa, za, sb, zb, sc, zc):
        f = np.float32
        ra, rb = f(f(sa) / f(sc)), f(f(sb) / f(sc))
        return qladd.f32_bits(ra), qladd.f32_bits(rb), qladd.f32_bits(f(f(zc) - f(f(ra * f(za)) + f(rb * f(zb)))))
    monkeypatch.setattr(qops, "constants_from_scales", unfused)
    t = _run("qladd", crosscheck.cases_qladd(0, _rng(), grids=[], probes=crosscheck.QLADD_FMA_PROBES[:3]))
    assert t.mismatches > 0
    monkeypatch.setattr(qops, "constants_from_scales", real_consts)
    t = _run("qladd", crosscheck.cases_qladd(0, _rng(), grids=[], probes=crosscheck.QLADD_FMA_PROBES[:3]))
    assert t.mismatches == 0, t.first_failure


# -- QLinearConcat's lookup table ----------------------------------------------------------------------------
def _ort_concat_table(sx, zx, sy, zy, u8: bool) -> np.ndarray:
    """onnxruntime's QLinearConcat of every value of the type (one input re-quantised, the other copied)."""
    from onnx import TensorProto, helper
    t = TensorProto.UINT8 if u8 else TensorProto.INT8
    dt = np.uint8 if u8 else np.int8
    v = (np.arange(256) + (0 if u8 else -128)).astype(dt).reshape(1, 256, 1, 1)
    inits = [helper.make_tensor("ys", TensorProto.FLOAT, [], [sy]), helper.make_tensor("yz", t, [], [zy]),
             helper.make_tensor("xs", TensorProto.FLOAT, [], [sx]), helper.make_tensor("xz", t, [], [zx])]
    node = helper.make_node("QLinearConcat", ["ys", "yz", "x", "xs", "xz", "x", "ys", "yz"], ["y"], axis=1,
                            domain="com.microsoft")
    sess = onnx_reference._session(node, [helper.make_tensor_value_info("x", t, [1, 256, 1, 1])],
                                   [helper.make_tensor_value_info("y", t, [1, 512, 1, 1])], inits, ms=True)
    y = sess.run(None, {"x": v})[0].reshape(-1)[:256]
    return qops.u8_to_s8(y) if u8 else y


@pytest.mark.parametrize("u8", [False, True])
def test_the_lookup_table_is_onnxruntimes_and_the_requantiser_reproduces_it(u8):
    """QLinearConcat's re-quantisation: golden.qops.lookup_table is onnxruntime's table on every one of the 256
    inputs, for 60 random scale pairs; and table_requantizer's multiplier gives the same 256 bytes."""
    rng = np.random.default_rng(11 + u8)
    for _ in range(60):
        sx, sy = np.float32(rng.uniform(0.001, 0.2)), np.float32(rng.uniform(0.001, 0.2))
        zx, zy = (int(rng.integers(0, 256)), int(rng.integers(0, 256))) if u8 else \
            (int(rng.integers(-128, 128)), int(rng.integers(-128, 128)))
        table = qops.lookup_table(sx, zx, sy, zy, u8)
        assert np.array_equal(table, _ort_concat_table(sx, zx, sy, zy, u8))
        m, sh = qops.table_requantizer(table, zx - 128 * u8, zy - 128 * u8, sx, sy)
        acc = np.arange(-128, 128) - (zx - 128 * u8)
        assert np.array_equal(requantize(acc, m, sh, zy - 128 * u8), table)
