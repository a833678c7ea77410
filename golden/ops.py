"""int8 operators: reference integer implementations and their lowering to npu8 programs.

Reference operators compute what onnxruntime's QLinearMatMul / QLinearConv compute (weights symmetric), in
integers. Lowerings turn the same operator into a DRAM image plus an instruction stream; running that stream
on the simulator (or the RTL) must give the same bytes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import isa
from .isa import MEM_ACC, MEM_SP, Instr, MachineConfig, Op
from .requant import requantize
from .simulator import RunResult, Simulator


# -- reference operators ----------------------------------------------------------------------------------
def gemm_acc(a: np.ndarray, w: np.ndarray, bias=None, za: int = 0) -> np.ndarray:
    """int32 accumulators of (a - za) @ w + bias; a int8 [M,K], w int8 [K,Nc]."""
    acc = (a.astype(np.int64) - za) @ w.astype(np.int64)
    if bias is not None:
        acc = acc + np.asarray(bias, np.int64)
    return acc.astype(np.int32)


def conv2d_acc(x: np.ndarray, w: np.ndarray, bias=None, za: int = 0, stride: int = 1, pad: int = 0) -> np.ndarray:
    """int32 accumulators of a conv: x int8 [H,W,Cin] (NHWC, one image), w int8 [KH,KW,Cin,Cout] (HWIO).
    Padding takes the input zero point, so padded taps contribute (za - za) * w = 0, as in onnxruntime."""
    kh, kw = w.shape[:2]
    xp = np.pad(x.astype(np.int64) - za, ((pad, pad), (pad, pad), (0, 0)))
    win = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(0, 1))[::stride, ::stride]
    acc = np.einsum("hwcij,ijco->hwo", win, w.astype(np.int64))
    if bias is not None:
        acc = acc + np.asarray(bias, np.int64)
    return acc.astype(np.int32)


@dataclass(frozen=True)
class Requant:
    multiplier: int
    shift: int
    out_zp: int
    relu: bool = False

    def __call__(self, acc):
        return requantize(acc, self.multiplier, self.shift, self.out_zp, self.relu)


def folded_bias(w2d: np.ndarray, bias, za: int) -> np.ndarray:
    """bias - za * column sums of w, wrapped to int32: what the accumulator is preloaded with so that the
    array can multiply raw int8 activations (docs/isa.md, section 4)."""
    b = np.zeros(w2d.shape[1], np.int64) if bias is None else np.asarray(bias, np.int64)
    v = b - za * w2d.astype(np.int64).sum(axis=0)
    return ((v + (1 << 31)) % (1 << 32) - (1 << 31)).astype(np.int32)


# -- program building --------------------------------------------------------------------------------------
class DramImage:
    """A DRAM image with a bump allocator. Data is laid out first; the program goes after it, once its
    length is known."""

    def __init__(self, cfg: MachineConfig):
        self.cfg = cfg
        self.data = bytearray()
        self.top = 0

    def put(self, arr: np.ndarray, align: int = 16) -> int:
        addr = self.alloc(arr.nbytes, align)
        self.data[addr:addr + arr.nbytes] = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes()
        return addr

    def alloc(self, nbytes: int, align: int = 16) -> int:
        addr = -(-self.top // align) * align
        self.top = addr + nbytes
        if self.top > self.cfg.dram_bytes:
            raise ValueError(f"operator needs {self.top} bytes of DRAM, DRAM_BYTES is {self.cfg.dram_bytes}")
        if len(self.data) < self.top:
            self.data.extend(bytes(self.top - len(self.data)))
        return addr


@dataclass
class Lowered:
    """An operator lowered to a program: run it, then read the output tensor back from DRAM."""
    cfg: MachineConfig
    image: DramImage
    prog: list[Instr]
    out_addr: int
    out_shape: tuple
    out_dtype: np.dtype = field(default_factory=lambda: np.dtype(np.int8))
    inst_base: int = 0

    def __post_init__(self):
        blob = isa.encode_program(self.prog)
        self.inst_base = self.image.put(np.frombuffer(blob, np.uint8))

    def dram_bytes(self) -> bytes:
        return bytes(self.image.data)

    def run(self) -> tuple[np.ndarray, RunResult]:
        res = Simulator(self.cfg, self.dram_bytes()).run(self.inst_base, len(self.prog))
        if res.status != "DONE":
            raise RuntimeError(f"lowered program failed: {res.err_code.name} at instruction {res.err_index}")
        return self.read_output(res.dram), res

    def read_output(self, dram) -> np.ndarray:
        n = int(np.prod(self.out_shape)) * self.out_dtype.itemsize
        return np.frombuffer(bytes(dram[self.out_addr:self.out_addr + n]), self.out_dtype).reshape(self.out_shape)


def _config(rq: Requant, pad: int) -> Instr:
    return isa.make(Op.CONFIG, relu=int(rq.relu), pad=pad, out_zp=rq.out_zp, shift=rq.shift,
                    multiplier=rq.multiplier)


def _chunks(total: int, n: int):
    return [(c, min(n, total - c)) for c in range(0, total, n)]


def _weight_tile_load(row, addr, rows, lanes, stride, n) -> Instr:
    """k rows of weights (input channels) x `lanes` output lanes; the missing rows are zero pads so that
    activation lanes past the real channels multiply zeros whatever they hold."""
    return isa.make(Op.LOAD, mem=MEM_SP, row=row, y=1, x=rows, len=lanes, addr=addr, xs=stride, pr=n - rows)


def lower_gemm(cfg: MachineConfig, a: np.ndarray, w: np.ndarray, bias, za: int, rq: Requant) -> Lowered:
    """Y[M,Nc] = requant((a - za) @ w + bias). Weights of one output chunk stay resident; activations are
    loaded one M block at a time; every output chunk preloads the folded bias into the accumulator."""
    n = cfg.n
    m_total, k_total = a.shape
    nc_total = w.shape[1]
    kchunks, nchunks = _chunks(k_total, n), _chunks(nc_total, n)
    w_rows = len(kchunks) * n
    mb = min(m_total, cfg.acc_rows, 4095, (cfg.sp_rows - w_rows) // len(kchunks))
    if mb < 1:
        raise ValueError("GEMM does not fit the scratchpad: K too large for SP_ROWS")
    mblocks = _chunks(m_total, mb)
    img = DramImage(cfg)
    a_addr, w_addr = img.put(a.astype(np.int8)), img.put(w.astype(np.int8))
    b_addr = img.put(folded_bias(w, bias, za))
    y_addr = img.alloc(m_total * nc_total)
    prog = []
    for n0, ln in nchunks:
        prog.append(_config(rq, 0))
        for t, (k0, kk) in enumerate(kchunks):
            prog.append(_weight_tile_load(t * n, w_addr + k0 * nc_total + n0, kk, ln, nc_total, n))
        for m0, mm in mblocks:
            a_base = w_rows
            for t, (k0, kk) in enumerate(kchunks):
                prog.append(isa.make(Op.LOAD, mem=MEM_SP, row=a_base + t * mm, x=mm, len=kk, y=1,
                                     addr=a_addr + m0 * k_total + k0, xs=k_total))
            prog.append(isa.make(Op.LOAD, mem=MEM_ACC, row=0, y=1, x=mm, len=ln, addr=b_addr + 4 * n0, xs=0))
            for t in range(len(kchunks)):
                prog.append(isa.make(Op.MATMUL, acc=1, a_row=a_base + t * mm, w_row=t * n, acc_row=0, m=mm))
            prog.append(isa.make(Op.STORE, quant=1, row=0, y=1, x=mm, len=ln, addr=y_addr + m0 * nc_total + n0,
                                 xs=nc_total))
    prog.append(isa.make(Op.HALT))
    return Lowered(cfg, img, prog, y_addr, (m_total, nc_total))


def _valid_range(count: int, stride: int, offset: int, size: int) -> tuple[int, int]:
    """[lo, hi) of indices i < count with 0 <= i*stride + offset < size."""
    lo = max(0, -(offset // stride) if offset < 0 else 0)
    while lo < count and lo * stride + offset < 0:
        lo += 1
    hi = lo
    while hi < count and hi * stride + offset < size:
        hi += 1
    return lo, hi


def lower_conv2d(cfg: MachineConfig, x: np.ndarray, w: np.ndarray, bias, za: int, rq: Requant,
                 stride: int = 1, pad: int = 0) -> Lowered:
    """Y[OH,OW,Cout] = requant(conv(x - za, w) + bias), NHWC/HWIO, without im2col on the host: each kernel tap
    of each input-channel chunk is one padded, strided LOAD of the input window, then one MATMUL."""
    n = cfg.n
    h, wd, cin = x.shape
    kh, kw, _, cout = w.shape
    if pad > 15:
        raise ValueError("padding above 15 does not fit the LOAD pad fields")
    oh, ow = (h + 2 * pad - kh) // stride + 1, (wd + 2 * pad - kw) // stride + 1
    cchunks, nchunks = _chunks(cin, n), _chunks(cout, n)
    taps = [(i, j, c0, cc) for i in range(kh) for j in range(kw) for c0, cc in cchunks]
    w_rows = len(taps) * n
    rows_per_block = min(oh, 255, cfg.acc_rows // ow, 4095 // ow, (cfg.sp_rows - w_rows) // ow)
    if rows_per_block < 1:
        raise ValueError("convolution does not fit the scratchpad/accumulator at this N")
    oblocks = _chunks(oh, rows_per_block)
    img = DramImage(cfg)
    x_addr, w_addr = img.put(x.astype(np.int8)), img.put(w.astype(np.int8))
    b_addr = img.put(folded_bias(w.reshape(-1, cout), bias, za))
    y_addr = img.alloc(oh * ow * cout)
    prog = []
    for n0, ln in nchunks:
        prog.append(_config(rq, 0))
        for t, (i, j, c0, cc) in enumerate(taps):
            prog.append(_weight_tile_load(t * n, w_addr + ((i * kw + j) * cin + c0) * cout + n0, cc, ln, cout, n))
        prog.append(_config(rq, za))
        for o0, orows in oblocks:
            m = orows * ow
            prog.append(isa.make(Op.LOAD, mem=MEM_ACC, row=0, y=1, x=m, len=ln, addr=b_addr + 4 * n0, xs=0))
            for t, (i, j, c0, cc) in enumerate(taps):
                a_row = w_rows + (t % 2) * m   # two activation buffers: the next tap's load need not wait
                ylo, yhi = _valid_range(orows, stride, o0 * stride + i - pad, h)
                xlo, xhi = _valid_range(ow, stride, j - pad, wd)
                if yhi == ylo or xhi == xlo:   # the whole window lies in the padding
                    prog.append(isa.make(Op.PAD, mem=MEM_SP, row=a_row, count=m, value=za))
                else:
                    ih0, iw0 = (o0 + ylo) * stride + i - pad, xlo * stride + j - pad
                    prog.append(isa.make(Op.LOAD, mem=MEM_SP, row=a_row, y=yhi - ylo, x=xhi - xlo, len=cc,
                                         addr=x_addr + (ih0 * wd + iw0) * cin + c0, xs=stride * cin,
                                         ys=stride * wd * cin, pt=ylo, pb=orows - yhi, pl=xlo, pr=ow - xhi))
                prog.append(isa.make(Op.MATMUL, acc=1, a_row=a_row, w_row=t * n, acc_row=0, m=m))
            prog.append(isa.make(Op.STORE, quant=1, row=0, y=orows, x=ow, len=ln,
                                 addr=y_addr + o0 * ow * cout + n0, xs=cout, ys=ow * cout))
    prog.append(isa.make(Op.HALT))
    return Lowered(cfg, img, prog, y_addr, (oh, ow, cout))
