"""Lowerings of the operators the vector unit runs (docs/isa.md 3.7-3.9): QLinearAdd, MaxPool,
QLinearGlobalAveragePool and depthwise QLinearConv, each an image plus a program whose output bytes equal
the reference operators (golden/qladd.py, golden/qops.py) and so onnxruntime's.

Tensors are HWC (one image), channels in chunks of N lanes: a pixel's chunk is one scratchpad row. A window
operator loads a band of input rows once, padded by the LOAD (pads take CONFIG's pad value: −128 for a max
pool, the input zero point for a convolution), and its window instruction walks the band inside the
scratchpad. Bands alternate between two scratchpad buffers and two accumulator buffers (one in each bank),
software-pipelined as the GEMM lowering is: the next band's LOAD goes in before this band's STORE, so the
STORE, which waits for this band's vector instruction, holds up nothing the vector unit needs next.
"""
from __future__ import annotations

import numpy as np

from . import isa
from .isa import MEM_ACC, MEM_SP, VMAC_MAX_TAPS, Instr, MachineConfig, Op
from .operand_checks import OperandError, int8_tensor, int_scalar, lowering, pads4, pair, requantiser
from .qladd import constant_error
from .ops import (DramImage, Lowered, Requant, _acc_buffer, _acc_capacity, _chunks, _config, _param_rows,
                  _store_requant, folded_bias)
from .placement import Placement

IDENTITY = Requant(1 << 23, 23, 0)          # a STORE that writes int8 ACC values unchanged


def _out_size(name: str, size: int, k: int, stride: int, lo: int, hi: int) -> int:
    if size + lo + hi < k:
        raise OperandError(name, "kernel", f"{k} larger than the padded input {size + lo + hi}")
    if stride > 15:
        raise OperandError(name, "strides", f"{stride} above 15 (the window instructions' sy/sx fields)")
    return (size + lo + hi - k) // stride + 1


# -- QLinearAdd --------------------------------------------------------------------------------------------
@lowering("QLinearAdd")
def lower_qlinear_add(cfg: MachineConfig, a: np.ndarray, b: np.ndarray, ra: int, rb: int, fixed: int,
                      u8: bool = False, at: Placement | None = None) -> Lowered:
    """y = QLinearAdd(a, b) elementwise (same shape, any layout: the bytes are added in place); `ra`, `rb`,
    `fixed` are the float32 bit patterns of golden.qladd.constants_from_scales."""
    op = "QLinearAdd"
    if getattr(a, "shape", None) != getattr(b, "shape", None):
        raise OperandError(op, "operands", f"differ in shape, {getattr(a, 'shape', a)} vs {getattr(b, 'shape', b)}")
    a = int8_tensor(op, "A", a, a.ndim, "(any layout)")
    b = int8_tensor(op, "B", b, b.ndim, "(any layout)")
    for name, bits in (("ra", ra), ("rb", rb), ("fixed", fixed)):
        why = constant_error(name, bits) if isinstance(bits, (int, np.integer)) else f"{name}={bits!r} is not a bit pattern"
        if why:
            raise OperandError(op, "scales", f"{why}: outside what VCONFIG takes (docs/isa.md 3.9)")
    n = cfg.n
    total = int(a.size)
    full, tail = divmod(total, n)
    rows = full + (1 if tail else 0)
    block = max(1, min(4095, cfg.sp_rows // 4, _acc_capacity(cfg, 2, 0), rows))
    img = DramImage.for_lowering(cfg, at)
    a_addr, b_addr = img.place(a), img.place(b)
    y_addr = img.output(total, at)
    prog = [_config(IDENTITY, 0), isa.make(Op.VCONFIG, ra=ra, rb=rb, fixed=fixed)]
    pending: list[Instr] = []
    for s, (r0, count) in enumerate(_chunks(rows, block)):
        sp0 = (s % 2) * 2 * block
        acc0 = _acc_buffer(cfg, s, 2)
        # whole rows of N bytes, and the last partial one
        parts = [(r0, min(count, full - r0), n)] if r0 < full else []
        if r0 + count > full and tail:
            parts.append((full, 1, tail))
        for src, base in ((a_addr, sp0), (b_addr, sp0 + block)):
            for p0, cnt, ln in parts:
                if cnt > 0:
                    prog.append(isa.make(Op.LOAD, mem=MEM_SP, row=base + p0 - r0, y=1, x=cnt, len=ln,
                                         addr=src + p0 * n, xs=n))
        prog.append(isa.make(Op.VADD, u8=int(u8), acc_row=acc0, a_row=sp0, b_row=sp0 + block, count=count))
        prog += pending
        pending = [isa.make(Op.STORE, quant=1, row=acc0 + p0 - r0, y=1, x=cnt, len=ln, addr=y_addr + p0 * n, xs=n)
                   for p0, cnt, ln in parts if cnt > 0]
    prog += pending + [isa.make(Op.HALT)]
    return Lowered(cfg, img, prog, y_addr, a.shape)


# -- window operators: bands of output rows --------------------------------------------------------------
def _band_load(x_addr: int, h: int, w: int, c: int, c0: int, cc: int, o0: int, orows: int, kh: int, sy: int,
               pt: int, pl: int, pr: int, row: int) -> Instr:
    """The LOAD of the input rows output rows o0 … o0+orows-1 read, padded: band row 0 is input row
    o0·sy − pt (a pad row above the image when negative)."""
    lo = o0 * sy - pt
    hi = (o0 + orows - 1) * sy + kh - 1 - pt
    top, bottom = max(0, -lo), max(0, hi - (h - 1))
    first, last = max(lo, 0), min(hi, h - 1)
    if last < first:
        raise OperandError("window operator", "pads", "a band of output rows reads no input row (padding larger "
                                                      "than the kernel)")
    return isa.make(Op.LOAD, mem=MEM_SP, row=row, y=last - first + 1, x=w, len=cc, addr=x_addr + (first * w) * c + c0,
                    xs=c, ys=w * c, pt=top, pb=bottom, pl=pl, pr=pr)


def _band_rows(cfg: MachineConfig, oh: int, ow: int, kh: int, sy: int, pitch: int, sp_budget: int,
               acc_budget: int) -> int:
    """Output rows per band: the band's input rows fit half the scratchpad budget, its outputs one accumulator
    buffer, and LOAD's and the window instructions' fields (a band's bias preload is one LOAD of r·ow
    elements, at most 4095)."""
    best = 0
    for r in range(1, min(oh, 255) + 1):
        rows_in = (r - 1) * sy + kh
        if rows_in * pitch > sp_budget or r * ow > min(acc_budget, 4095) or rows_in > 255:
            break
        best = r
    if best == 0:
        raise OperandError("window operator", "shapes", f"one output row of {ow} elements (input pitch {pitch}) does "
                                                        f"not fit the scratchpad and accumulator buffers at N={cfg.n}, "
                                                        f"SP_ROWS={cfg.sp_rows}, ACC_ROWS={cfg.acc_rows}")
    return best


def _pipelined(steps, emit_inputs, emit_vector, emit_store, prog: list[Instr]) -> list[Instr]:
    """steps: per band (step index, band); inputs, then the vector instructions, then the previous band's
    STOREs (see the module docstring)."""
    pending: list[Instr] = []
    for s, band in enumerate(steps):
        prog += emit_inputs(s, band)
        prog += emit_vector(s, band)
        prog += pending
        pending = emit_store(s, band)
    return prog + pending + [isa.make(Op.HALT)]


@lowering("MaxPool")
def lower_maxpool(cfg: MachineConfig, x: np.ndarray, kernel, strides=(1, 1), pads=(0, 0, 0, 0),
                  at: Placement | None = None) -> Lowered:
    """MaxPool on int8 HWC: `kernel` (kh, kw), `strides` (sy, sx), `pads` (top, left, bottom, right), padding
    that never wins (−128)."""
    op = "MaxPool"
    x = int8_tensor(op, "input", x, 3, "HWC [H, W, C]")
    h, w, c = x.shape
    kh, kw = pair(op, "kernel", kernel, 1, 255)
    sy, sx = pair(op, "strides", strides, 1, 15)
    pt, pl, pb, pr = pads4(op, pads)
    oh, ow = _out_size("MaxPool", h, kh, sy, pt, pb), _out_size("MaxPool", w, kw, sx, pl, pr)
    n = cfg.n
    pitch = pl + w + pr
    rows = _band_rows(cfg, oh, ow, kh, sy, pitch, cfg.sp_rows // 2, _acc_capacity(cfg, 2, 0))
    img = DramImage.for_lowering(cfg, at)
    x_addr = img.place(x)
    y_addr = img.output(oh * ow * c, at)
    steps = [(c0, cc, o0, orows) for c0, cc in _chunks(c, n) for o0, orows in _chunks(oh, rows)]
    half = cfg.sp_rows // 2

    def inputs(s, band):
        c0, cc, o0, orows = band
        return [_band_load(x_addr, h, w, c, c0, cc, o0, orows, kh, sy, pt, pl, pr, (s % 2) * half)]

    def vector(s, band):
        c0, cc, o0, orows = band
        return [isa.make(Op.VMAX, acc_row=_acc_buffer(cfg, s, 2), a_row=(s % 2) * half, y=orows, x=ow, pitch=pitch,
                         sy=sy, sx=sx, kh=kh, kw=kw)]

    def store(s, band):
        c0, cc, o0, orows = band
        return [isa.make(Op.STORE, quant=1, row=_acc_buffer(cfg, s, 2), y=orows, x=ow, len=cc,
                         addr=y_addr + (o0 * ow) * c + c0, xs=c, ys=ow * c)]

    prog = _pipelined(steps, inputs, vector, store, [_config(IDENTITY, -128)])
    return Lowered(cfg, img, prog, y_addr, (oh, ow, c))


@lowering("QLinearGlobalAveragePool")
def lower_global_avgpool(cfg: MachineConfig, x: np.ndarray, z_in: int, rq: Requant,
                         at: Placement | None = None) -> Lowered:
    """QLinearGlobalAveragePool on int8 HWC -> [C]: acc = Σx − z_in·H·W (a PAD of the accumulator, then
    VSUMs accumulating onto it), requantised by `rq` (golden.qops.gap_multiplier's pair and the output zero
    point). R channel chunks at once: a LOAD puts P pixels × R chunks into the scratchpad (pixel-major: row
    p·R + q holds chunk q of pixel p, contiguous in HWC), and one VSUM with pitch R sums each chunk's column
    of P rows, R outputs in a row; larger maps take several pixel groups accumulating."""
    op = "QLinearGlobalAveragePool"
    x = int8_tensor(op, "input", x, 3, "HWC [H, W, C]")
    h, w, c = x.shape
    z_in = int_scalar(op, "input zero point", z_in, -128, 127)
    if w > 4095:
        raise OperandError(op, "input", f"width {w} above 4095 pixels (a LOAD row)")
    n, hw = cfg.n, h * w
    full, tail = divmod(c, n)
    cap = _acc_capacity(cfg, 2, 0)
    sp_half = cfg.sp_rows // 2
    groups = [(q0 * n, r, n) for q0, r in _chunks(full, max(1, min(4095, cap, sp_half)))] if full else []
    if tail:
        groups.append((full * n, 1, tail))
    img = DramImage.for_lowering(cfg, at)
    x_addr = img.place(x)
    y_addr = img.output(c, at)
    prog = [_config(rq, 0)]
    s = 0
    for g, (c0, r, ln) in enumerate(groups):
        acc0 = _acc_buffer(cfg, g, 2)
        prog.append(isa.make(Op.PAD, mem=MEM_ACC, row=acc0, count=r, value=-z_in * hw))
        for p0, p in _chunks(hw, max(1, min(255, sp_half // r))):
            base = (s % 2) * sp_half
            prog.append(isa.make(Op.LOAD, mem=MEM_SP, row=base, y=p, x=r, len=ln, addr=x_addr + p0 * c + c0, xs=n,
                                 ys=c))
            prog.append(isa.make(Op.VSUM, acc=1, acc_row=acc0, a_row=base, y=1, x=r, pitch=r, sx=1, kh=p, kw=1))
            s += 1
        prog.append(isa.make(Op.STORE, quant=1, row=acc0, y=1, x=r, len=ln, addr=y_addr + c0, xs=n))
    prog.append(isa.make(Op.HALT))
    return Lowered(cfg, img, prog, y_addr, (c,))


@lowering("QLinearConv (depthwise)")
def lower_depthwise_conv(cfg: MachineConfig, x: np.ndarray, w: np.ndarray, bias, za: int, rq,
                         strides=(1, 1), pads=(0, 0, 0, 0), at: Placement | None = None) -> Lowered:
    """QLinearConv with group = C on HWC: `w` [KH, KW, C] int8 (one filter per channel, symmetric), `bias`
    int32 [C] or None, `rq` per tensor (Requant) or per channel (RequantPerChannel). The folded bias
    (bias − za·Σ taps) is preloaded into each band's accumulator buffer; VMAC accumulates the window onto it;
    a kernel of more than 16 taps is split by kernel rows into several VMACs."""
    op = "QLinearConv (depthwise)"
    x = int8_tensor(op, "input", x, 3, "HWC [H, W, C]")
    h, wd, c = x.shape
    w = int8_tensor(op, "weights", w, 3, "[KH, KW, C]")
    if w.shape[2] != c:
        raise OperandError(op, "weights", f"must be [KH, KW, C={c}], got {w.shape}")
    za = int_scalar(op, "input zero point", za, -128, 127)
    rq = requantiser(op, rq, c)
    kh, kw = w.shape[:2]
    sy, sx = pair(op, "strides", strides, 1, 15)
    pt, pl, pb, pr = pads4(op, pads)
    oh, ow = _out_size("QLinearConv", h, kh, sy, pt, pb), _out_size("QLinearConv", wd, kw, sx, pl, pr)
    if kw > VMAC_MAX_TAPS:
        raise OperandError(op, "weights", f"kernel width {kw} above {VMAC_MAX_TAPS} (VMAC's weight rows)")
    n = cfg.n
    chunks = _chunks(c, n)
    taps = kh * kw
    # kernel rows per VMAC: at most 16 taps each
    krows = max(1, VMAC_MAX_TAPS // kw)
    kparts = _chunks(kh, krows)
    pitch = pl + wd + pr
    reserved = len(chunks) if rq.per_channel else 0
    w_area = 2 * taps
    sp_half = (cfg.sp_rows - w_area) // 2
    rows = _band_rows(cfg, oh, ow, kh, sy, pitch, sp_half, _acc_capacity(cfg, 2, reserved))
    img = DramImage.for_lowering(cfg, at)
    x_addr = img.place(x)
    w_addr = img.put(w)
    b_addr = img.put(folded_bias(w.reshape(taps, c), bias, za))
    y_addr = img.output(oh * ow * c, at)
    params, q0 = _param_rows(cfg, img, rq, len(chunks))
    prog = [_config(rq, za)] + params
    steps = [(k, c0, cc, o0, orows) for k, (c0, cc) in enumerate(chunks) for o0, orows in _chunks(oh, rows)]

    def inputs(s, band):
        k, c0, cc, o0, orows = band
        out = []
        if o0 == 0:              # the chunk's weights: tap t of its cc channels in SP row (k % 2)·taps + t
            out.append(isa.make(Op.LOAD, mem=MEM_SP, row=(k % 2) * taps, y=1, x=taps, len=cc, addr=w_addr + c0, xs=c))
        out.append(_band_load(x_addr, h, wd, c, c0, cc, o0, orows, kh, sy, pt, pl, pr, w_area + (s % 2) * sp_half))
        out.append(isa.make(Op.LOAD, mem=MEM_ACC, row=_acc_buffer(cfg, s, 2), y=1, x=orows * ow, len=cc,
                            addr=b_addr + 4 * c0, xs=0))
        return out

    def vector(s, band):
        k, c0, cc, o0, orows = band
        a0 = w_area + (s % 2) * sp_half
        return [isa.make(Op.VMAC, acc=1, acc_row=_acc_buffer(cfg, s, 2), a_row=a0 + u0 * pitch,
                         w_row=(k % 2) * taps + u0 * kw, y=orows, x=ow, pitch=pitch, sy=sy, sx=sx, kh=ku, kw=kw)
                for u0, ku in kparts]

    def store(s, band):
        k, c0, cc, o0, orows = band
        return [isa.make(Op.STORE, row=_acc_buffer(cfg, s, 2), y=orows, x=ow, len=cc, addr=y_addr + (o0 * ow) * c + c0,
                         xs=c, ys=ow * c, **_store_requant(rq, q0, k))]

    prog = _pipelined(steps, inputs, vector, store, prog)
    return Lowered(cfg, img, prog, y_addr, (oh, ow, c))


@lowering("requantising copy")
def lower_channel_copy(cfg: MachineConfig, x: np.ndarray, z_in: int, rq: Requant, channels_out: int,
                       channel_offset: int, at: Placement | None = None) -> Lowered:
    """x [H, W, C] (int8 HWC), requantised, into channels channel_offset … +C of a [H, W, channels_out]
    output: acc = x − z_in (a PAD of −z_in, then a 1×1 VSUM accumulating onto it), then STORE through `rq`, every
    pixel's row to its slice (the element stride is channels_out). A concatenation along channels is one such
    copy per input; with rq = (2^23, 23, z_in) the copy is exact."""
    op = "requantising copy"
    x = int8_tensor(op, "input", x, 3, "HWC [H, W, C]")
    h, w, c = x.shape
    z_in = int_scalar(op, "input zero point", z_in, -128, 127)
    if not (0 <= channel_offset and channel_offset + c <= channels_out):
        raise OperandError(op, "channels", f"{c} channels at offset {channel_offset} outside {channels_out}")
    n, hw = cfg.n, h * w
    block = max(1, min(4095, cfg.sp_rows // 2, _acc_capacity(cfg, 2, 0), hw))
    img = DramImage.for_lowering(cfg, at)
    x_addr = img.place(x)
    y_addr = img.output(hw * channels_out, at)
    prog = [_config(rq, 0)]
    steps = [(c0, cc, p0, p) for c0, cc in _chunks(c, n) for p0, p in _chunks(hw, block)]

    def inputs(s, band):
        c0, cc, p0, p = band
        return [isa.make(Op.LOAD, mem=MEM_SP, row=(s % 2) * block, y=1, x=p, len=cc, addr=x_addr + p0 * c + c0, xs=c),
                isa.make(Op.PAD, mem=MEM_ACC, row=_acc_buffer(cfg, s, 2), count=p, value=-z_in)]

    def vector(s, band):
        c0, cc, p0, p = band
        return [isa.make(Op.VSUM, acc=1, acc_row=_acc_buffer(cfg, s, 2), a_row=(s % 2) * block, y=1, x=p, pitch=1,
                         sy=1, sx=1, kh=1, kw=1)]

    def store(s, band):
        c0, cc, p0, p = band
        return [isa.make(Op.STORE, quant=1, row=_acc_buffer(cfg, s, 2), y=1, x=p, len=cc,
                         addr=y_addr + p0 * channels_out + channel_offset + c0, xs=channels_out)]

    prog = _pipelined(steps, inputs, vector, store, prog)
    return Lowered(cfg, img, prog, y_addr, (h, w, channels_out))

