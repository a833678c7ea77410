"""compile_model: a quantized ONNX model -> a CompiledNetwork, one DRAM image holding the weights, the
activation arena and a program per layer (run one after another on the same DRAM, as a driver launches
layers), plus what the host needs: where to write the quantized input and where to read the output."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from golden import isa
from golden.asm import disassemble_one
from golden.isa import MachineConfig, Op
from golden.ops import DramImage
from golden.simulator import RunResult, Simulator

from . import host
from .activations import QAct
from .dram_plan import Buffer, plan
from .errors import CompileError
from .graph import Graph, attributes, load
from .layers import HANDLERS, Context, Layer

MAX_PROGRAM = 0xFFFF            # instructions a START can run (INST_COUNT is 16 bits)
HOST_IN, HOST_OUT = "QuantizeLinear", "DequantizeLinear"


@dataclass
class Segment:
    """One program: the instructions of a layer (of all images of the batch), ending in HALT. A layer longer
    than one program holds is cut into several: each after the first `continues` (it runs on the scratchpad
    and accumulator the one before left, which the machine keeps between programs) and starts with the CONFIG
    and VCONFIG in force where it was cut (those registers clear when a program starts)."""
    layer: str
    op: str
    prog: list
    inst_base: int = 0
    continues: bool = False
    layer_index: int = 0          # which of the network's (non-alias) layers it belongs to

    @property
    def count(self) -> int:
        return len(self.prog)


@dataclass
class Region:
    name: str
    kind: str                    # "activation", "weights", "program"
    addr: int
    nbytes: int


@dataclass
class CompiledNetwork:
    cfg: MachineConfig
    batch: int
    layers: list[Layer]
    segments: list[Segment]
    image: bytes                              # DRAM with weights and programs; the input area zeroed
    input: QAct
    output: QAct
    input_addr: int
    output_addr: int
    regions: list[Region]
    arena_bytes: int
    activation_bytes: int                    # what the activations would take unshared

    # -- the host's side ---------------------------------------------------------------------------------
    def dram_for(self, x: np.ndarray) -> bytes:
        """The DRAM image with the batch `x` (float32, the model's input layout) quantized into place."""
        q = host.quantize(x, self.input)
        if q.shape[0] != self.batch or q[0].shape != self.input.stored_shape:
            raise CompileError(None, "input", f"got shape {list(np.shape(x))}, the network takes "
                                              f"{[self.batch, *self.input.onnx]}")
        img = bytearray(self.image)
        img[self.input_addr:self.input_addr + q.nbytes] = q.tobytes()
        return bytes(img)

    def read_output(self, dram) -> np.ndarray:
        """The quantized output (ONNX layout and dtype) from a DRAM after the last program."""
        n = self.output.nbytes * self.batch
        raw = np.frombuffer(bytes(dram[self.output_addr:self.output_addr + n]), np.int8)
        return host.from_storage(raw, self.output, self.batch)

    def run_golden(self, x: np.ndarray) -> tuple[np.ndarray, list[dict]]:
        """Every program on the ISA simulator, each on the DRAM (and, continuing, the SP and ACC) the one before
        left: the output, and each program's instructions executed and statistics."""
        dram, last, stats = self.dram_for(x), None, []
        for j in range(len(self.segments)):
            last = self.run_segment(dram, j, last)
            dram = last.dram
            stats.append({"executed": last.executed, **last.stats})
        return self.read_output(dram), stats

    def run_segment(self, dram, j: int, state: RunResult | None = None) -> RunResult:
        """Program j on `dram` (and, for a continuation, the scratchpad and accumulator of `state`)."""
        seg = self.segments[j]
        keep = {"sp": state.sp, "acc": state.acc} if seg.continues and state is not None else {}
        res = Simulator(self.cfg, dram, record=False, **keep).run(seg.inst_base, seg.count)
        if res.status != "DONE":
            raise RuntimeError(f"layer {seg.layer}: {res.message()}")
        return res

    # -- what make compile writes ------------------------------------------------------------------------
    def listing(self) -> str:
        out = [f"; npu8 program for N={self.cfg.n} SP_ROWS={self.cfg.sp_rows} ACC_ROWS={self.cfg.acc_rows}, batch "
               f"{self.batch}: {len(self.segments)} programs, {sum(s.count for s in self.segments)} instructions"]
        for k, s in enumerate(self.segments):
            out.append(f"\n; program {k}: layer {s.layer} ({s.op}), inst_base {s.inst_base:#x}, {s.count} instructions")
            out += [f"{i:6d}  {disassemble_one(ins):<90s} ; {s.layer}" for i, ins in enumerate(s.prog)]
        return "\n".join(out) + "\n"

    def layout_text(self) -> str:
        rows = [f"{'address':>10s}  {'bytes':>9s}  {'kind':<10s}  name"]
        rows += [f"{r.addr:#010x}  {r.nbytes:9d}  {r.kind:<10s}  {r.name}" for r in sorted(self.regions, key=lambda r: r.addr)]
        rows.append(f"activation arena {self.arena_bytes} bytes for {self.activation_bytes} bytes of activations "
                    f"({self.activation_bytes / max(1, self.arena_bytes):.2f}x reuse); image {len(self.image)} bytes")
        return "\n".join(rows) + "\n"

    def manifest(self) -> dict:
        """What a host driver needs, as JSON."""
        return {"n": self.cfg.n, "sp_rows": self.cfg.sp_rows, "acc_rows": self.cfg.acc_rows, "batch": self.batch,
                "input": {"addr": self.input_addr, "shape": [self.batch, *self.input.stored_shape],
                          "layout": self.input.patches.describe() if self.input.patches else "channels-last",
                          "scale": self.input.scale, "zero_point": self.input.zp, "u8": self.input.u8},
                "output": {"addr": self.output_addr, "shape": [self.batch, *self.output.onnx],
                           "stored_shape": [self.batch, *self.output.stored_shape],
                           "scale": self.output.scale, "zero_point": self.output.zp, "u8": self.output.u8},
                "programs": [{"layer": s.layer, "op": s.op, "inst_base": s.inst_base, "inst_count": s.count}
                             for s in self.segments]}


def _segments(layer: Layer, body: list, index: int) -> list[Segment]:
    """A layer's instructions as programs of at most MAX_PROGRAM (see Segment)."""
    out, k, state = [], 0, {}
    room = MAX_PROGRAM - 3                    # a continuation's CONFIG and VCONFIG, and the HALT
    while k < len(body) or not out:
        head = [state[op] for op in (Op.CONFIG, Op.VCONFIG) if op in state] if out else []
        part = body[k:k + room]
        for ins in part:
            if ins.op in (Op.CONFIG, Op.VCONFIG):
                state[ins.op] = ins
        out.append(Segment(layer.name, layer.node.op_type, head + part + [isa.make(Op.HALT)], continues=bool(out),
                           layer_index=index))
        k += room
    return out


def _host_input(graph: Graph) -> tuple[QAct, object]:
    if len(graph.inputs) != 1:
        raise CompileError(None, "inputs", f"the model has {len(graph.inputs)} inputs; the compiler takes one")
    name = graph.inputs[0].name
    users = graph.consumers.get(name, [])
    if len(users) != 1 or users[0].op_type != HOST_IN:
        raise CompileError(None, name, "the model input must feed exactly one QuantizeLinear (the host's); it feeds "
                                       f"{[u.op_type for u in users]} in float (a float model, or a first operator "
                                       f"the quantizer left unquantized)")
    q = users[0]
    attrs = attributes(q)
    if attrs.get("saturate", 1) != 1 or len(q.input) < 3 or not q.input[2]:
        raise CompileError(q, "zero point", "the input QuantizeLinear needs a zero point (int8 or uint8 output)")
    ctx = Context(graph, None)
    s, z, u8 = ctx.qparams(q, q.input[1], q.input[2], "input")
    shape = graph.shape(q, name)
    if len(shape) not in (2, 3, 4) or shape[0] != graph.batch:
        raise CompileError(q, name, f"input shape {list(shape)} must be [N, C, H, W], [N, C, L] or [N, K]")
    if len(shape) == 3:                      # a 1-D image (Conv1d's input), placed as [C, 1, L]
        return QAct(q.output[0], (shape[1], 1, shape[2]), s, z, u8, onnx_shape=tuple(shape[1:])), q
    return QAct(q.output[0], tuple(shape[1:]), s, z, u8), q


def compile_model(model, cfg: MachineConfig | None = None, batch: int = 1) -> CompiledNetwork:
    """A path, bytes or ModelProto of a quantized model (QOperator or QDQ) -> the compiled network."""
    cfg = cfg or MachineConfig()
    graph = load(model, batch)
    ctx = Context(graph, cfg)
    act_in, q_node = _host_input(graph)
    act_in.buffer = act_in.name
    ctx.acts[act_in.name] = act_in
    ctx.host_input = act_in.name
    layers: list[Layer] = []
    out_node = None
    for node in graph.nodes:
        if node is q_node:
            continue
        if node.op_type == HOST_OUT and node.domain in ("", "ai.onnx"):
            if out_node is not None or node.output[0] not in {o.name for o in graph.outputs}:
                floats = [u for u in graph.consumers.get(node.output[0], []) if u.op_type != HOST_IN]
                if floats:               # what the quantizer left in float is what the chip cannot run
                    f = floats[0]
                    raise CompileError(f, "operator", f"{f.op_type} runs in float (between a DequantizeLinear and a "
                                                      f"QuantizeLinear: the quantizer has no integer form of it); "
                                                      f"only the first QuantizeLinear and the last DequantizeLinear "
                                                      f"run on the host")
                raise CompileError(node, "output", "only the last DequantizeLinear, producing the model's output, runs "
                                                   "on the host")
            out_node = node
            continue
        handler = HANDLERS.get((node.domain if node.domain != "ai.onnx" else "", node.op_type))
        if handler is None:
            supported = ", ".join(sorted(op for _, op in HANDLERS))
            raise CompileError(node, "operator", f"{node.domain + '.' if node.domain else ''}{node.op_type} is not "
                                                 f"supported on the accelerator (it runs: {supported})")
        layer = handler(ctx, node)
        layer.output.buffer = layer.inputs[0].buffer if layer.alias else layer.output.name
        ctx.acts[layer.output.name] = layer.output
        layers.append(layer)
    if len(graph.outputs) != 1:
        raise CompileError(None, "outputs", f"the model has {len(graph.outputs)} outputs; the compiler takes one")
    if out_node is not None:
        act_out = ctx.input_act(out_node, out_node.input[0], out_node.input[1], out_node.input[2], "output")
    else:
        act_out = ctx.act(None if not layers else layers[-1].node, graph.outputs[0].name)
    if not any(not la.alias for la in layers):
        raise CompileError(None, "graph", "has no operator for the accelerator to run")

    # -- the DRAM plan -----------------------------------------------------------------------------------
    live: dict[str, Buffer] = {act_in.buffer: Buffer(act_in.buffer, act_in.nbytes * batch, -1, -1)}
    for i, la in enumerate(layers):
        for a in la.inputs:                  # an alias reads through to the buffer it shares
            live[a.buffer].last = max(live[a.buffer].last, i)
        if not la.alias:
            live[la.output.buffer] = Buffer(la.output.buffer, la.output.nbytes * batch, i, i)
    live[act_in.buffer].last = live[act_out.buffer].last = len(layers)
    arena = plan(list(live.values()))
    addr_of = {b.name: b.addr for b in live.values()}

    image = DramImage(cfg, shared=True)
    try:
        image.alloc(arena)
        regions = [Region(b.name, "activation", b.addr, b.nbytes) for b in live.values()]
        segments = []
        for index, la in enumerate(la for la in layers if not la.alias):
            w0 = -(-image.top // 16) * 16        # the first put's (aligned) address
            lowered = la.emit(cfg, image, addr_of)
            if image.top > w0:
                regions.append(Region(la.name, "weights", w0, image.top - w0))
            body = [ins for low in lowered for ins in low.prog if ins.op != Op.HALT]
            segments += _segments(la, body, index)
        for s in segments:
            blob = isa.encode_program(s.prog)
            s.inst_base = image.put(np.frombuffer(blob, np.uint8))
            regions.append(Region(s.layer, "program", s.inst_base, len(blob)))
    except ValueError as e:
        if isinstance(e, CompileError) or "bytes of DRAM" not in str(e):
            raise
        raise CompileError(None, "DRAM", f"{e} (compile with a larger dram_bytes)") from None
    act_bytes = sum(b.nbytes for b in live.values())
    return CompiledNetwork(cfg, batch, layers, segments, bytes(image.data), act_in, act_out, addr_of[act_in.buffer],
                           addr_of[act_out.buffer], regions, arena, act_bytes)


def compile_fitting(model, cfg: MachineConfig | None = None, batch: int = 1) -> CompiledNetwork:
    """compile_model for cfg's N and memories, DRAM_BYTES grown (from cfg's) to the power of two the image needs:
    the golden model and the testbench's DRAM model hold all of DRAM_BYTES, so it is kept no larger."""
    cfg = cfg or MachineConfig()
    probe = compile_model(model, MachineConfig(cfg.n, cfg.sp_rows, cfg.acc_rows, 1 << 32), batch)
    dram = cfg.dram_bytes
    while dram < len(probe.image):
        dram *= 2
    return compile_model(model, MachineConfig(cfg.n, cfg.sp_rows, cfg.acc_rows, dram), batch)

