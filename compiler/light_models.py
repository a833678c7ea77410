"""The onnx package's light models (onnx/backend/test/data/light/: real topologies, no trained weights) through
the whole flow, each either compiled and bit-exact with onnxruntime on the golden model for one input, or
refused with the node and the reason named.

    python -m compiler.light_models [--models resnet50,squeezenet | nodes] [--seed 1]

`--models nodes` runs the PyTorch-converted node tests of the same package instead (test_Conv2d_depthwise*,
test_Conv2d_groups, test_MaxPool2d*, test_Linear*, …), each on its own recorded input.

What is done to each model before quantization, and why:
- its weights are `ConstantOfShape` nodes (every weight 0.02): they become seeded random initializers of the
  same shapes (He-normal convolution and dense weights, BatchNormalization statistics near identity), so that
  activations neither vanish nor saturate;
- opset 9 is converted to 13, a two-input `Sum` becomes the `Add` it is (quantize_static quantizes Add), and an
  `AveragePool` whose window is its whole input the `GlobalAveragePool` it is (quantize_static gives that one
  the integer kernel, QLinearGlobalAveragePool; QLinearAveragePool onnxruntime computes in float);
- onnxruntime's `quant_pre_process` folds BatchNormalization into the convolutions and drops Dropout;
- `quantize_static` (QOperator, per channel, int8) on 4 random calibration inputs.
When the full model is refused, the longest prefix that compiles (up to the refused node, its output
dequantized) is run too, so the table says how far the chip gets."""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper, version_converter

from golden.isa import MachineConfig

from . import reference
from .errors import CompileError
from .network import compile_fitting

LIGHT = Path(onnx.__file__).resolve().parent / "backend" / "test" / "data" / "light"
MODELS = ("squeezenet", "resnet50", "shufflenet", "vgg19", "bvlc_alexnet", "zfnet512", "inception_v1",
          "inception_v2", "densenet121")
MACHINE = MachineConfig(n=8, sp_rows=4096, acc_rows=1024)      # DRAM grown to what each model needs


def _role(consumers, name) -> tuple[str, int]:
    for n in consumers.get(name, []):
        return n.op_type, list(n.input).index(name)
    return "", -1


def materialize(model: onnx.ModelProto, seed: int) -> onnx.ModelProto:
    """ConstantOfShape weights -> random initializers; opset 13; Sum of two -> Add."""
    rng = np.random.default_rng(seed)
    g = model.graph
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    consumers: dict[str, list] = {}
    for n in g.node:
        for t in n.input:
            consumers.setdefault(t, []).append(n)
    new_inits, keep = [], []
    for n in g.node:
        if n.op_type != "ConstantOfShape" or n.input[0] not in inits:
            keep.append(n)
            continue
        shape = tuple(int(d) for d in inits[n.input[0]])
        op, k = _role(consumers, n.output[0])
        if op in ("Conv", "Gemm") and k == 1:
            fan_in = int(np.prod(shape[1:])) if op == "Conv" else shape[1] if len(shape) == 2 else shape[0]
            v = rng.normal(0, np.sqrt(2.0 / max(1, fan_in)), shape)
        elif op == "BatchNormalization":
            v = {1: lambda: rng.uniform(0.7, 1.3, shape), 2: lambda: rng.normal(0, 0.1, shape),
                 3: lambda: rng.normal(0, 0.1, shape), 4: lambda: rng.uniform(0.7, 1.3, shape)}[k]()
        else:
            v = rng.normal(0, 0.05, shape)
        new_inits.append(numpy_helper.from_array(v.astype(np.float32), n.output[0]))
    for n in keep:
        if n.op_type == "Sum" and len(n.input) == 2:
            n.op_type = "Add"
    _global_pools(keep, g, [numpy_helper.from_array(v, k) for k, v in inits.items()] + new_inits, model.opset_import)
    g_inits = [numpy_helper.from_array(v, k) for k, v in inits.items()] + new_inits
    used = {t for n in keep for t in n.input}
    init_names = {i.name for i in g_inits}
    graph = helper.make_graph(keep, g.name, [i for i in g.input if i.name not in init_names], list(g.output),
                              [i for i in g_inits if i.name in used])
    out = helper.make_model(graph, opset_imports=list(model.opset_import))
    out.ir_version = 7          # initializers need not be graph inputs (they must below IR 4)
    out = version_converter.convert_version(out, 13)
    return out


def _global_pools(nodes, g, initializers, opsets):
    """An AveragePool whose window is its whole input (no pads) is the GlobalAveragePool it computes: it becomes
    one, so that the quantizer gives it the integer kernel (QLinearGlobalAveragePool) rather than
    QLinearAveragePool, which onnxruntime computes in float. The input sizes come from onnx shape inference."""
    names = {i.name for i in initializers}
    m = helper.make_model(helper.make_graph(nodes, "s", [i for i in g.input if i.name not in names], list(g.output),
                                            initializers), opset_imports=list(opsets))
    m.ir_version = 7
    shapes = {}
    try:
        for vi in onnx.shape_inference.infer_shapes(m).graph.value_info:
            shapes[vi.name] = [d.dim_value for d in vi.type.tensor_type.shape.dim]
    except Exception:               # noqa: BLE001 - without shapes nothing is rewritten
        return
    for n in nodes:
        if n.op_type != "AveragePool":
            continue
        a = {x.name: helper.get_attribute_value(x) for x in n.attribute}
        s = shapes.get(n.input[0])
        if s and len(s) == 4 and list(a.get("kernel_shape", [])) == s[2:] and not any(a.get("pads", [0])):
            n.op_type = "GlobalAveragePool"
            del n.attribute[:]


NODE_TESTS_DIR = LIGHT.parent / "pytorch-converted"
NODE_FAMILIES = ("test_Conv2d", "test_MaxPool2d", "test_AvgPool2d", "test_Linear", "test_ReLU", "test_LeakyReLU",
                 "test_PReLU_2d", "test_ZeroPad2d", "test_ConstantPad2d", "test_ConvTranspose2d", "test_Conv1d")


def node_tests() -> list[str]:
    """The onnx package's PyTorch-converted node tests of the operator families a CNN uses (2-D, and Conv1d)."""
    return sorted(p.name for p in NODE_TESTS_DIR.iterdir() if p.name.startswith(NODE_FAMILIES))


def _model_path(name: str) -> Path:
    return NODE_TESTS_DIR / name / "model.onnx" if name.startswith("test_") else LIGHT / f"light_{name}.onnx"


def prepare(name: str, seed: int = 1) -> tuple[bytes, np.ndarray]:
    """(the quantized model, one input): a node test's own input (and 3 random ones calibrate), a light model's
    random one."""
    from onnxruntime.quantization.shape_inference import quant_pre_process
    m = materialize(onnx.load(str(_model_path(name))), seed)
    with tempfile.TemporaryDirectory() as d:
        src, pre = Path(d) / "m.onnx", Path(d) / "pre.onnx"
        onnx.save(m, src)
        quant_pre_process(str(src), str(pre), skip_symbolic_shape=True)
        m = onnx.load(str(pre))
    inp = m.graph.input[0]
    shape = [d.dim_value or 1 for d in inp.type.tensor_type.shape.dim]
    rng = np.random.default_rng(seed)
    given = NODE_TESTS_DIR / name / "test_data_set_0" / "input_0.pb"
    if given.is_file():
        t = onnx.TensorProto()
        t.ParseFromString(given.read_bytes())
        x = numpy_helper.to_array(t).astype(np.float32)
        cal = [{inp.name: x}] + [{inp.name: rng.normal(0, 1, x.shape).astype(np.float32)} for _ in range(3)]
    else:
        x = rng.random(shape, dtype=np.float32)
        cal = [{inp.name: rng.random(shape, dtype=np.float32)} for _ in range(4)]
    return reference.quantize(m, cal, per_channel=True), x


def _prefix(model_bytes: bytes, upto: str) -> bytes | None:
    """The model cut before node `upto`: its last quantized input becomes the output, dequantized."""
    m = onnx.load_from_string(model_bytes)
    names = [n.name for n in m.graph.node]
    if upto not in names:
        return None
    cut = names.index(upto)
    nodes = list(m.graph.node[:cut])
    # the last node producing an int8 tensor that is an activation: its output, with the scale its consumer reads
    for k in range(len(nodes) - 1, -1, -1):
        n = nodes[k]
        if n.op_type in ("QLinearConv", "QGemm", "QLinearMatMul", "QLinearAdd", "QLinearGlobalAveragePool", "MaxPool"):
            break
    else:
        return None
    nodes = nodes[:k + 1]
    t = nodes[-1].output[0]
    scale_zp = _quant_of(m, nodes, t)
    if scale_zp is None:
        return None
    nodes.append(helper.make_node("DequantizeLinear", [t, *scale_zp], ["prefix_output"], name="prefix_dequant"))
    out = onnx.ModelProto()
    out.CopyFrom(m)
    del out.graph.node[:]
    out.graph.node.extend(nodes)
    del out.graph.output[:]
    inferred = onnx.shape_inference.infer_shapes(m)
    dims = next((vi.type.tensor_type.shape.dim for vi in inferred.graph.value_info if vi.name == t), None)
    rank = len(dims) if dims is not None else 4
    out.graph.output.append(helper.make_tensor_value_info("prefix_output", onnx.TensorProto.FLOAT,
                                                          [f"d{k}" for k in range(rank)]))
    used = {i for n in nodes for i in n.input}
    inits = [i for i in out.graph.initializer if i.name in used]
    del out.graph.initializer[:]
    out.graph.initializer.extend(inits)
    del out.graph.value_info[:]
    return out.SerializeToString()


def runnable_prefix(name: str, seed: int = 1) -> tuple[bytes, np.ndarray]:
    """(the quantized model, or the part of it before the first node the accelerator refuses; one input)."""
    q, x = prepare(name, seed)
    try:
        compile_fitting(q, MACHINE, batch=int(x.shape[0]))
        return q, x
    except CompileError as e:
        pre = _prefix(q, e.node[0]) if e.node is not None else None
        if pre is None:
            raise
        return pre, x


def _quant_of(m, nodes, t):
    """(scale, zero point) names tensor t is quantized with (its producer's output parameters)."""
    for n in nodes:
        if n.output and n.output[0] == t:
            if n.op_type == "QLinearConv":
                return [n.input[6], n.input[7]]
            if n.op_type in ("QGemm",):
                return [n.input[7], n.input[8]]
            if n.op_type in ("QLinearMatMul", "QLinearAdd"):
                return [n.input[6], n.input[7]]
            if n.op_type == "QLinearGlobalAveragePool":
                return [n.input[3], n.input[4]]
            if n.op_type == "MaxPool":
                return _quant_of(m, nodes, n.input[0])
    return None


def _run(model_bytes: bytes, x: np.ndarray) -> dict:
    t = time.time()
    net = compile_fitting(model_bytes, MACHINE, batch=int(x.shape[0]))     # a node test's batch is fixed (2-4)
    got, _ = net.run_golden(x)
    want, _ = reference.Reference(model_bytes).run(x)
    return {"layers": len({s.layer_index for s in net.segments}), "programs": len(net.segments),
            "instructions": sum(s.count for s in net.segments),
            "macs": sum(la.macs for la in net.layers), "bytes": int(want.size),
            "differing": int((got != want).sum()), "seconds": time.time() - t}


def evaluate(name: str, seed: int = 1) -> dict:
    row = {"model": name}
    try:
        q, x = prepare(name, seed)
    except Exception as e:          # noqa: BLE001 - a model the flow before the compiler cannot take
        row["verdict"] = f"not quantized: {type(e).__name__}: {str(e).splitlines()[0][:160]}"
        return row
    try:
        row.update(_run(q, x))
        row["verdict"] = "bit-exact" if row["differing"] == 0 else f"{row['differing']} bytes differ"
        return row
    except CompileError as e:
        row["verdict"] = f"refused: {e}"
        if e.node is not None:
            pre = _prefix(q, e.node[0])
            if pre is not None:
                try:
                    p = _run(pre, x)
                    row["prefix_differing"] = p["differing"]
                    row["prefix"] = (f"up to '{e.node[0]}': {p['layers']} layers ({p['programs']} programs, "
                                     f"{p['instructions']} instructions), {p['macs'] / 1e6:.0f} M MACs, "
                                     f"{p['bytes']} output bytes, {p['differing']} differing, {p['seconds']:.0f} s")
                except CompileError as e2:
                    row["prefix"] = f"prefix refused too: {e2}"
    return row


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default=",".join(MODELS), help="light model names, or 'nodes' for the node tests")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    bad = 0
    names = node_tests() if args.models == "nodes" else args.models.split(",")
    for name in names:
        r = evaluate(name, args.seed)
        line = f"{name}: {r['verdict']}"
        if "layers" in r:
            line += f" ({r['layers']} layers, {r['programs']} programs, {r['instructions']} instructions, " \
                    f"{r['macs'] / 1e6:.0f} M MACs, {r['bytes']} output bytes, {r['seconds']:.0f} s)"
        if "prefix" in r:
            line += f"; {r['prefix']}"
        print(line, flush=True)
        bad += bool(r.get("differing") or r.get("prefix_differing"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
