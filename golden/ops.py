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
from .operand_checks import OperandError, int32_vector, int8_tensor, int_scalar, isa_limits, pads4, pair, requantiser
from .placement import DramTensor, Placement
from .requant import pack_lane_params, requantize, requantize_lanes
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

    per_channel = False


@dataclass(frozen=True)
class RequantPerChannel:
    """Per-output-channel requantisation (docs/isa.md 4.1): channel c's (multipliers[c], shifts[c]), one zero
    point and relu for the tensor. Lowered as parameter rows in ACC that a `STORE pc=1` reads."""
    multipliers: tuple
    shifts: tuple
    out_zp: int
    relu: bool = False

    per_channel = True
    multiplier = 0                     # CONFIG's per-tensor pair is unused by a per-channel STORE
    shift = 0

    def __call__(self, acc):
        return requantize_lanes(acc, self.multipliers, self.shifts, self.out_zp, self.relu)

    def param_rows(self, n: int) -> np.ndarray:
        """The ACC rows a lowering loads: output chunk k's N lanes in row k (lanes past the channels 0)."""
        c = len(self.multipliers)
        rows = -(-c // n)
        m = np.zeros(rows * n, np.int64)
        s = np.zeros(rows * n, np.int64)
        m[:c], s[:c] = self.multipliers, self.shifts
        return pack_lane_params(m, s).reshape(rows, n)


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

    def __init__(self, cfg: MachineConfig, shared: bool = False):
        self.cfg = cfg
        self.data = bytearray()
        self.top = 0
        self.shared = shared          # a network's image: its layers' programs are placed by the compiler

    @staticmethod
    def for_lowering(cfg: MachineConfig, at: Placement | None) -> "DramImage":
        return DramImage(cfg) if at is None else at.image

    def place(self, arr) -> int:
        """An input operand's address: where it already is (a DramTensor), else a copy put here."""
        return arr.addr if isinstance(arr, DramTensor) else self.put(arr)

    def output(self, nbytes: int, at: Placement | None) -> int:
        return self.alloc(nbytes) if at is None else at.out

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
        if len(self.prog) > 0xFFFF and not self.image.shared:     # a network's layers are split by the compiler
            raise ValueError(f"the program needs {len(self.prog)} instructions, more than one START runs (65535, "
                             f"INST_COUNT's width)")
        if not self.image.shared:
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


def _weight_column_loads(row, addr, k_total, lanes, stride, n) -> list[Instr]:
    """All K rows of one output chunk's weights, tile t at rows row + t*n: the whole tiles as 2-D LOADs (a tile
    a LOAD row, up to 255 at once: one instruction pays the DRAM latency once), the partial last tile padded."""
    full, rest = divmod(k_total, n)
    out = []
    for t0 in range(0, full, 255):
        y = min(255, full - t0)
        out.append(isa.make(Op.LOAD, mem=MEM_SP, row=row + t0 * n, y=y, x=n, len=lanes,
                            addr=addr + t0 * n * stride, xs=stride, ys=n * stride))
    if rest:
        out.append(_weight_tile_load(row + full * n, addr + full * n * stride, rest, lanes, stride, n))
    return out


def _acc_capacity(cfg: MachineConfig, buffers: int, reserved: int) -> int:
    """Rows of one accumulator buffer when `reserved` rows at the top of ACC hold per-channel parameters."""
    top = cfg.acc_rows - (-(-cfg.acc_rows // 2) if buffers == 2 else 0)
    return top - reserved


def _param_rows(cfg: MachineConfig, img: "DramImage", rq, nchunks: int) -> tuple[list[Instr], int]:
    """A per-channel requantiser's parameter rows: the LOAD that puts them at the top of ACC (once, before
    anything else) and the first of those rows; nothing for a per-tensor one."""
    if not rq.per_channel:
        return [], 0
    rows = rq.param_rows(cfg.n)
    if len(rows) != nchunks:
        raise ValueError(f"per-channel requantiser has {len(rq.multipliers)} channels, the operator "
                         f"{nchunks} output chunk(s) of {cfg.n}")
    q0 = cfg.acc_rows - nchunks
    addr = img.put(rows.astype(np.int32))
    return [isa.make(Op.LOAD, mem=MEM_ACC, row=q0, y=1, x=nchunks, len=cfg.n, addr=addr, xs=4 * cfg.n)], q0


def _store_requant(rq, q0: int, chunk: int) -> dict:
    """The STORE fields that select the requantiser: per tensor (CONFIG's), or chunk's parameter row."""
    return {"quant": 1, "pc": 1, "qrow": q0 + chunk} if rq.per_channel else {"quant": 1}


def _acc_buffer(cfg: MachineConfig, k: int, buffers: int) -> int:
    """First ACC row of accumulator buffer k of `buffers` (1 or 2). The accumulator is two banks, rows
    [0, ceil(ACC_ROWS/2)) and the rest, each with its own write port (rtl/sram/accumulator_banks.v); double
    buffers go one in each, so that a bias loads into one while the array accumulates into the other (in one
    bank the load would only get the cycles the array leaves free)."""
    return (k % buffers) * -(-cfg.acc_rows // 2)


class _GemmWeights:
    """The weights in DRAM, and where output chunk n0's rows start with what row stride: row-major [K, Nc]
    (stride Nc), or, when Nc is wider than a LOAD's element stride reaches (xs ≤ 4095), chunk-major, each
    chunk's [K, ln] block contiguous (stride ln)."""

    def __init__(self, img: "DramImage", w: np.ndarray, n: int):
        self.k, self.nc = w.shape
        self.tiled = self.nc > 4095
        blob = np.concatenate([w[:, n0:n0 + ln].reshape(-1) for n0, ln in _chunks(self.nc, n)]) if self.tiled else w
        self.addr = img.put(np.ascontiguousarray(blob).astype(np.int8))

    def at(self, n0: int, ln: int, k0: int = 0) -> tuple[int, int]:
        if self.tiled:
            return self.addr + self.k * n0 + k0 * ln, ln
        return self.addr + k0 * self.nc + n0, self.nc


def _gemm_store(row: int, mm: int, ln: int, addr: int, nc_total: int, **requant) -> Instr:
    """A chunk's mm output rows: one LOAD row of mm elements (xs = Nc), or, when Nc is beyond xs, mm rows of one
    element (ys is 20 bits)."""
    if nc_total > 4095:
        return isa.make(Op.STORE, row=row, y=mm, x=1, len=ln, addr=addr, xs=0, ys=nc_total, **requant)
    return isa.make(Op.STORE, row=row, y=1, x=mm, len=ln, addr=addr, xs=nc_total, **requant)


def _gemm_plan(cfg: MachineConfig, m_total: int, kc: int, reserved: int = 0, nc_total: int = 0) -> tuple[int, int, int]:
    """(weight buffers, accumulator buffers, M block): double buffers when a useful block still fits, so that
    the next output chunk's weights and bias load, and the last one's STORE drains, while the array works."""
    n = cfg.n
    plans = []
    for wb, ab in ((2, 2), (2, 1), (1, 2), (1, 1)):
        mb = min(m_total, _acc_capacity(cfg, ab, reserved), 4095 if nc_total <= 4095 else 255,
                 (cfg.sp_rows - wb * kc * n) // kc)
        if mb >= 1:
            plans.append((wb, ab, mb))
            if mb >= min(m_total, 64):
                return wb, ab, mb
    if not plans:
        return None                   # K does not fit: _lower_gemm_ksplit
    return max(plans, key=lambda p: p[2])


def lower_gemm(cfg: MachineConfig, a: np.ndarray, w: np.ndarray, bias, za: int, rq,
               at: Placement | None = None) -> Lowered:
    """Y[M,Nc] = requant((a - za) @ w + bias). An M block of activations stays resident while every output
    chunk streams past it: the chunk's weights (double-buffered) and its folded bias (accumulator
    double-buffered) load while the previous chunk computes, and its STORE drains while the next computes.
    The next chunk's loads come before this chunk's STORE in program order, so that the STORE, which waits
    for the chunk's last MATMUL, does not hold them up."""
    op = "GEMM"
    a = int8_tensor(op, "activations", a, 2, "[M, K]")
    w = int8_tensor(op, "weights", w, 2, "[K, Nc]")
    if a.shape[1] != w.shape[0]:
        raise OperandError(op, "shapes", f"activations have K={a.shape[1]}, weights K={w.shape[0]}")
    bias = int32_vector(op, "bias", bias, w.shape[1])
    za = int_scalar(op, "activation zero point", za, -128, 127)
    rq = requantiser(op, rq, w.shape[1])
    with isa_limits(op, f"activations {a.shape}, weights {w.shape}"):
        return _lower_gemm(cfg, a, w, bias, za, rq, at)


def _lower_gemm(cfg: MachineConfig, a: np.ndarray, w: np.ndarray, bias, za: int, rq, at) -> Lowered:
    n = cfg.n
    m_total, k_total = a.shape
    nc_total = w.shape[1]
    kchunks, nchunks = _chunks(k_total, n), _chunks(nc_total, n)
    kc = len(kchunks)
    reserved = len(nchunks) if rq.per_channel else 0
    resident = _gemm_plan(cfg, m_total, kc, reserved, nc_total)
    if resident is None:
        return _lower_gemm_ksplit(cfg, a, w, bias, za, rq, at)
    wb, ab, mb = resident
    mb = -(-m_total // -(-m_total // mb))          # blocks of one size (no short last block)
    mblocks = _chunks(m_total, mb)
    img = DramImage.for_lowering(cfg, at)
    a_addr, wts = img.place(a), _GemmWeights(img, w, n)
    b_addr = img.put(folded_bias(w, bias, za))
    y_addr = img.output(m_total * nc_total, at)
    a_base = wb * kc * n
    # two activation buffers where the scratchpad has room: the next M block loads while this one computes
    abufs = 2 if len(mblocks) > 1 and a_base + 2 * kc * mb <= cfg.sp_rows else 1
    params, q0 = _param_rows(cfg, img, rq, len(nchunks))
    prog = [_config(rq, 0)] + params
    steps = [(bi, c) for bi in range(len(mblocks)) for c in range(len(nchunks))]   # one output chunk of a block each
    pending: list[Instr] = []                 # the last chunk's STORE, when it goes in after the next MATMUL
    loaded = [False] * len(mblocks)

    def a_row(bi, t):
        return a_base + (bi % abufs) * kc * mb + t * mblocks[bi][1]

    def a_load(bi, t):
        (m0, mm), (k0, kk) = mblocks[bi], kchunks[t]
        return isa.make(Op.LOAD, mem=MEM_SP, row=a_row(bi, t), x=mm, len=kk, y=1, addr=a_addr + m0 * k_total + k0,
                        xs=k_total)

    def inputs(s):
        """Step s's folded bias (into its accumulator buffer) and weights (into its weight buffer)."""
        bi, c = steps[s]
        n0, ln = nchunks[c]
        addr, stride = wts.at(n0, ln)
        return ([isa.make(Op.LOAD, mem=MEM_ACC, row=_acc_buffer(cfg, s, ab), y=1, x=mblocks[bi][1], len=ln,
                          addr=b_addr + 4 * n0, xs=0)]
                + _weight_column_loads((s % wb) * kc * n, addr, k_total, ln, stride, n))

    # The first chunk's bias and weights first, then each activation chunk just before the first MATMUL that
    # reads it. The controller issues in order and an instruction waiting on a hazard holds up all behind it,
    # so with double buffers the next chunk's bias and weights go in halfway through this chunk's MATMULs (they
    # then load while the second half computes), with them the next M block's activations when this is its
    # block's last chunk, and this chunk's STORE goes in after the next chunk's first MATMUL (it waits for this
    # chunk's last while the array keeps busy).
    piped = wb == 2 and ab == 2
    prog += inputs(0)
    for s, (bi, c) in enumerate(steps):
        m0, mm = mblocks[bi]
        n0, ln = nchunks[c]
        nxt = s + 1 if s + 1 < len(steps) else None
        for t in range(kc):
            if not loaded[bi]:
                prog.append(a_load(bi, t))
            prog.append(isa.make(Op.MATMUL, acc=1, a_row=a_row(bi, t), w_row=(s % wb) * kc * n + t * n,
                                 acc_row=_acc_buffer(cfg, s, ab), m=mm))
            if piped and t == 0 and pending:
                prog.append(pending.pop())
            if piped and t == kc // 2 and nxt:
                prog += inputs(nxt)
                nb = steps[nxt][0]
                if abufs == 2 and nb != bi:
                    prog += [a_load(nb, u) for u in range(kc)]
                    loaded[nb] = True
        loaded[bi] = True
        store = _gemm_store(_acc_buffer(cfg, s, ab), mm, ln, y_addr + m0 * nc_total + n0, nc_total,
                            **_store_requant(rq, q0, c))
        if piped:
            pending.append(store)
        else:                                  # one buffer of either kind: strictly one chunk after another
            prog.append(store)
            if nxt:
                prog += inputs(nxt)
    prog += pending
    prog.append(isa.make(Op.HALT))
    return Lowered(cfg, img, prog, y_addr, (m_total, nc_total))


def _lower_gemm_ksplit(cfg: MachineConfig, a, w: np.ndarray, bias, za: int, rq, at) -> Lowered:
    """A GEMM whose K is too long for the scratchpad to hold a chunk's weights and an activation row: K goes in
    parts that do fit, accumulating in ACC. An M block keeps every output chunk's accumulator tile resident
    (its folded bias preloaded); each K part's activations load once and meet each output chunk's weights for
    that part (double-buffered), and after the last part every tile is stored."""
    n = cfg.n
    m_total, k_total = a.shape
    nc_total = w.shape[1]
    kchunks, nchunks = _chunks(k_total, n), _chunks(nc_total, n)
    reserved = len(nchunks) if rq.per_channel else 0
    cap = _acc_capacity(cfg, 1, reserved)
    mb = min(m_total, 255, 4095, cap // len(nchunks))
    if mb < 1:
        raise OperandError("GEMM", "weights", f"{len(nchunks)} output chunks of {n} need more accumulator rows than "
                                              f"ACC_ROWS={cfg.acc_rows} holds (K split keeps each chunk's tile resident)")
    kp = min(len(kchunks), 255, (cfg.sp_rows - 0) // (2 * n + mb))
    if kp < 1:
        raise OperandError("GEMM", "weights", f"SP_ROWS={cfg.sp_rows} holds no K part of {n} (two weight tiles and "
                                              f"{mb} activation rows)")
    img = DramImage.for_lowering(cfg, at)
    a_addr, wts = img.place(a), _GemmWeights(img, w, n)
    b_addr = img.put(folded_bias(w, bias, za))
    y_addr = img.output(m_total * nc_total, at)
    params, q0 = _param_rows(cfg, img, rq, len(nchunks))
    prog = [_config(rq, 0)] + params
    a_base = 2 * kp * n
    parts = _chunks(len(kchunks), kp)
    step = 0
    for m0, mm in _chunks(m_total, mb):
        for c, (n0, ln) in enumerate(nchunks):
            prog.append(isa.make(Op.LOAD, mem=MEM_ACC, row=c * mb, y=1, x=mm, len=ln, addr=b_addr + 4 * n0, xs=0))
        for p0, pk in parts:
            for t in range(pk):
                k0, kk = kchunks[p0 + t]
                # the block's rows as LOAD rows (ys is 20 bits): K may be longer than xs's 4095
                prog.append(isa.make(Op.LOAD, mem=MEM_SP, row=a_base + t * mb, y=mm, x=1, len=kk,
                                     addr=a_addr + m0 * k_total + k0, xs=0, ys=k_total))
            k_lo = kchunks[p0][0]
            k_hi = kchunks[p0 + pk - 1][0] + kchunks[p0 + pk - 1][1]
            for c, (n0, ln) in enumerate(nchunks):
                w_row = (step % 2) * kp * n
                step += 1
                addr, stride = wts.at(n0, ln, k_lo)
                prog += _weight_column_loads(w_row, addr, k_hi - k_lo, ln, stride, n)
                for t in range(pk):
                    prog.append(isa.make(Op.MATMUL, acc=1, a_row=a_base + t * mb, w_row=w_row + t * n,
                                         acc_row=c * mb, m=mm))
        for c, (n0, ln) in enumerate(nchunks):
            prog.append(_gemm_store(c * mb, mm, ln, y_addr + m0 * nc_total + n0, nc_total, **_store_requant(rq, q0, c)))
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


# Rough costs the conv lowering plans with (cycles; the RTL's, docs/architecture.md): a LOAD pays the DRAM
# latency once, then its element reads stream with READS_IN_FLIGHT outstanding; a MATMUL costs m + N.
DRAM_LATENCY, READS_IN_FLIGHT = 150, 128   # the bench's 100-cycle DRAM, as the load unit sees it


def _conv_plan(cfg: MachineConfig, oh: int, ow: int, taps: int, nc: int, reserved: int = 0,
               streamed: bool = False) -> tuple[int, int, int] | None:
    """(output chunks per pass g, output rows per block, accumulator buffers). A block's input window of each
    tap is loaded once and multiplied by the weights of g output chunks, so larger g means fewer loads per
    MAC; the block's g accumulator tiles (double-buffered when they fit, so the STOREs drain while the next
    block computes) and all g chunks' weights bound it. Picks the plan with the fewest estimated cycles.
    `streamed`: the weights of every tap do not fit (None is returned without it), so each tap's are loaded
    just before it, into one of two slots: K split across the taps, the accumulator tiles resident while the
    weights stream past them, block after block."""
    n = cfg.n
    best = None
    for g in range(1, nc + 1):
        for ab in (2, 1):
            w_rows = (min(2, taps) if streamed else taps) * g * n
            rows = min(oh, 255, 4095 // ow, _acc_capacity(cfg, ab, reserved) // (g * ow),
                       (cfg.sp_rows - w_rows) // (2 * ow))
            if rows < 1:
                continue
            m = rows * ow
            load = DRAM_LATENCY + m * DRAM_LATENCY / READS_IN_FLIGHT
            per_tap = max(load, g * (m + n))
            blocks = -(-oh // rows)
            passes = -(-nc // g)
            store = 0 if ab == 2 else 4 * g * m      # a single buffer: the STOREs do not overlap
            if streamed:
                per_tap = max(per_tap, DRAM_LATENCY + g * n * DRAM_LATENCY / READS_IN_FLIGHT)
            cost = passes * blocks * (taps * per_tap + store)
            if best is None or cost < best[0]:
                best = (cost, g, rows, ab)
    if best is None:
        if not streamed:
            return None
        raise OperandError("QLinearConv", "shapes", f"one output row of {ow} pixels and the weights of {min(2, taps)} "
                                                    f"tap(s) do not fit SP_ROWS={cfg.sp_rows} / ACC_ROWS={cfg.acc_rows} "
                                                    f"at N={n}")
    return best[1], best[2], best[3]


def lower_conv2d(cfg: MachineConfig, x: np.ndarray, w: np.ndarray, bias, za: int, rq,
                 stride=1, pad=0, at: Placement | None = None) -> Lowered:
    """Y[OH,OW,Cout] = requant(conv(x - za, w) + bias), NHWC/HWIO, without im2col on the host: each kernel tap
    of each input-channel chunk is one padded, strided LOAD of the input window, then one MATMUL per output
    chunk of the pass (the window is loaded once for all of them). Windows alternate between two buffers so
    that the next tap's load runs while this one computes; a pass's weights load tap by tap just before the
    first block needs them."""
    op = "QLinearConv"
    x = int8_tensor(op, "input", x, 3, "HWC [H, W, Cin]")
    w = int8_tensor(op, "weights", w, 4, "HWIO [KH, KW, Cin, Cout]")
    if x.shape[2] != w.shape[2]:
        raise OperandError(op, "shapes", f"input has Cin={x.shape[2]}, weights Cin={w.shape[2]}")
    bias = int32_vector(op, "bias", bias, w.shape[3])
    za = int_scalar(op, "input zero point", za, -128, 127)
    rq = requantiser(op, rq, w.shape[3])
    sy, sx = pair(op, "strides", stride, 1, 1 << 16)
    pt, pl, pb, pr = pads4(op, pad)
    h, wd, _ = x.shape
    kh, kw = w.shape[:2]
    if h + pt + pb < kh or wd + pl + pr < kw:
        raise OperandError(op, "weights", f"kernel {kh}x{kw} larger than the padded input {h + pt + pb}x{wd + pl + pr}")
    with isa_limits(op, f"input {x.shape}, weights {w.shape}, strides {(sy, sx)}, pads {(pt, pl, pb, pr)}"):
        args = (cfg, x, w, bias, za, rq, (sy, sx), (pt, pl, pb, pr))
        return _lower_conv2d(*args, at, **_fastest_schedule(args))


# How a conv's resident weights and input windows are scheduled: (taps per weight LOAD, window buffers). The
# cycle model (golden/cycle_model.py) times each on the layer and the fastest is kept; a layer of more than
# MODEL_SEARCH_LIMIT instructions keeps the first (at that size the loads hide under the MATMULs anyway).
CONV_SCHEDULES = ((8, 3), (2, 3), (32, 3), (8, 2))
MODEL_SEARCH_LIMIT = 6000
MODEL_LATENCY = 100          # the DRAM latency the schedules are timed at (make bench's)


def _fastest_schedule(args) -> dict:
    from .cycle_model import CycleModel
    best = None
    for k, (taps, windows) in enumerate(CONV_SCHEDULES):
        low = _lower_conv2d(*args, None, taps_per_load=taps, window_buffers=windows)
        if k == 0 and len(low.prog) > MODEL_SEARCH_LIMIT:
            return {"taps_per_load": taps, "window_buffers": windows}
        cycles = CycleModel(args[0], MODEL_LATENCY).run(low.prog).cycles
        if best is None or cycles < best[0]:
            best = (cycles, taps, windows)
    return {"taps_per_load": best[1], "window_buffers": best[2]}


def _lower_conv2d(cfg: MachineConfig, x: np.ndarray, w: np.ndarray, bias, za: int, rq, stride, pad, at,
                  taps_per_load: int = 8, window_buffers: int = 3) -> Lowered:
    n = cfg.n
    h, wd, cin = x.shape
    kh, kw, _, cout = w.shape
    sy, sx = stride
    pt, pl, pb, pr = pad
    oh, ow = (h + pt + pb - kh) // sy + 1, (wd + pl + pr - kw) // sx + 1
    cchunks, nchunks = _chunks(cin, n), _chunks(cout, n)
    taps = [(i, j, c0, cc) for i in range(kh) for j in range(kw) for c0, cc in cchunks]
    reserved = len(nchunks) if rq.per_channel else 0
    plan = _conv_plan(cfg, oh, ow, len(taps), len(nchunks), reserved)
    streamed = plan is None
    g, rows_per_block, ab = plan or _conv_plan(cfg, oh, ow, len(taps), len(nchunks), reserved, streamed=True)
    w_rows = (min(2, len(taps)) if streamed else len(taps)) * g * n
    m_max = rows_per_block * ow
    # input windows rotate through `window_buffers` buffers where the scratchpad has room (else two): with three
    # a tap's LOAD waits for the MATMULs of the tap three back, not of the one before last
    windows = window_buffers if w_rows + window_buffers * m_max <= cfg.sp_rows else 2
    oblocks = _chunks(oh, rows_per_block)
    img = DramImage.for_lowering(cfg, at)
    x_addr = img.place(x)
    w_addr = img.put(w.astype(np.int8)) if streamed else None     # HWIO, for the tap-by-tap loads
    b_addr = img.put(folded_bias(w.reshape(-1, cout), bias, za))
    y_addr = img.output(oh * ow * cout, at)
    prog, q0 = _param_rows(cfg, img, rq, len(nchunks))
    pad_value = [None]

    def config(value):                        # LOAD pads take CONFIG's pad value: 0 for weights, za for windows
        if pad_value[0] != value:
            prog.append(_config(rq, value))
            pad_value[0] = value

    # Resident weights go to DRAM pre-tiled in the scratchpad's order (pass, tap, chunk, row: N lanes, zero
    # where a chunk is short or a pass has fewer than g), so that one LOAD brings `taps_per_load` taps: a LOAD a
    # tap would pay the DRAM latency once per tap, which small layers cannot hide (docs/cycle_model.md).
    tiles = {}
    if not streamed:
        nci, nco = len(cchunks), -(-cout // n)
        wp = np.zeros((kh, kw, nci * n, (-(-nco // g)) * g * n), np.int8)
        wp[:, :, :cin, :cout] = w
        wp = wp.reshape(kh, kw, nci, n, -1, n).transpose(0, 1, 2, 4, 3, 5)       # [i, j, ci, co, k, lane]
        for p0 in range(0, len(nchunks), g):
            tiles[p0] = img.put(np.ascontiguousarray(wp[:, :, :, p0:p0 + g]).reshape(-1))
    per_load = max(1, min(taps_per_load, 4095 // (g * n)))

    def tiled_loads(p0, k):
        t0, t1 = k * per_load, min(len(taps), (k + 1) * per_load)
        if t0 >= t1:
            return []
        return [isa.make(Op.LOAD, mem=MEM_SP, row=t0 * g * n, y=1, x=(t1 - t0) * g * n, len=n,
                         addr=tiles[p0] + t0 * g * n * n, xs=n)]

    def weight_loads(t, group):
        i, j, c0, cc = taps[t]
        tap_addr = w_addr + ((i * kw + j) * cin + c0) * cout
        row = (t % 2 if streamed else t) * g * n
        if all(ln == n for _, ln in group):   # the tap's tiles of the whole pass: one 2-D LOAD
            return [isa.make(Op.LOAD, mem=MEM_SP, row=row, y=len(group), x=cc, len=n, addr=tap_addr + group[0][0],
                             xs=cout, ys=n, pr=n - cc)]
        return [_weight_tile_load(row + q * n, tap_addr + n0, cc, ln, cout, n) for q, (n0, ln) in enumerate(group)]

    # With two accumulator buffers the blocks are software-pipelined as in lower_gemm: the next block's bias
    # goes in halfway through this block's taps, this block's STOREs after the next block's first tap.
    piped = ab == 2
    blocks = [(p0, b, o0, orows) for p0 in range(0, len(nchunks), g) for b, (o0, orows) in enumerate(oblocks)]

    def bias_loads(step):
        p0, _, _, orows = blocks[step]
        acc0 = _acc_buffer(cfg, step, ab)
        return [isa.make(Op.LOAD, mem=MEM_ACC, row=acc0 + q * orows * ow, y=1, x=orows * ow, len=ln,
                         addr=b_addr + 4 * n0, xs=0) for q, (n0, ln) in enumerate(nchunks[p0:p0 + g])]

    pending: list[Instr] = []
    for step, (p0, b, o0, orows) in enumerate(blocks):
        group = nchunks[p0:p0 + g]
        m = orows * ow
        acc0 = _acc_buffer(cfg, step, ab)
        if step == 0 or not piped:
            prog += bias_loads(step)
        for t, (i, j, c0, cc) in enumerate(taps):
            if streamed:
                config(0)
                prog += weight_loads(t, group)
            elif b == 0 and t % per_load == 0:        # this pass's weights, a group of taps ahead
                prog += (tiled_loads(p0, 0) if t == 0 else []) + tiled_loads(p0, t // per_load + 1)
            a_row = w_rows + (t % windows) * m_max
            ylo, yhi = _valid_range(orows, sy, o0 * sy + i - pt, h)
            xlo, xhi = _valid_range(ow, sx, j - pl, wd)
            if yhi == ylo or xhi == xlo:   # the whole window lies in the padding
                prog.append(isa.make(Op.PAD, mem=MEM_SP, row=a_row, count=m, value=za))
            else:
                config(za)
                ih0, iw0 = (o0 + ylo) * sy + i - pt, xlo * sx + j - pl
                prog.append(isa.make(Op.LOAD, mem=MEM_SP, row=a_row, y=yhi - ylo, x=xhi - xlo, len=cc,
                                     addr=x_addr + (ih0 * wd + iw0) * cin + c0, xs=sx * cin,
                                     ys=sy * wd * cin, pt=ylo, pb=orows - yhi, pl=xlo, pr=ow - xhi))
            for q in range(len(group)):
                prog.append(isa.make(Op.MATMUL, acc=1, a_row=a_row, w_row=((t % 2 if streamed else t) * g + q) * n,
                                     acc_row=acc0 + q * m, m=m))
            if piped and t == 0:
                prog += pending
                pending = []
            if piped and t == len(taps) // 2 and step + 1 < len(blocks):
                prog += bias_loads(step + 1)
        stores = [isa.make(Op.STORE, row=acc0 + q * m, y=orows, x=ow, len=ln, addr=y_addr + o0 * ow * cout + n0,
                           xs=cout, ys=ow * cout, **_store_requant(rq, q0, p0 + q)) for q, (n0, ln) in enumerate(group)]
        if piped:
            pending = stores
        else:
            prog += stores
    prog += pending
    prog.append(isa.make(Op.HALT))
    return Lowered(cfg, img, prog, y_addr, (oh, ow, cout))
