"""The model as the compiler reads it: an ONNX graph with a fixed batch, its constants as numpy arrays, and the
shapes of its tensors (onnx shape inference). The QDQ form is first rewritten into the QOperator nodes that
quantize_static writes (compiler/qdq.py), so everything after this reads one form."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper, shape_inference

from .errors import CompileError

MS_DOMAIN = "com.microsoft"


def attributes(node) -> dict:
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


class Graph:
    """`nodes` in topological order; `const(name)` an initializer (or Constant node) as numpy, `shape(name)`
    the tensor's full ONNX shape (batch first), `producers`/`consumers` by tensor name."""

    def __init__(self, model: onnx.ModelProto, batch: int = 1):
        if not isinstance(batch, int) or batch < 1:
            raise CompileError(None, "batch", f"must be a positive integer, got {batch!r}")
        self.batch = batch
        from .qdq import to_qoperator
        model = to_qoperator(_with_batch(model, batch))
        try:
            model = shape_inference.infer_shapes(model, strict_mode=False)
        except Exception as e:      # noqa: BLE001 - onnx raises several kinds; the message is what matters
            raise CompileError(None, "shapes", f"onnx shape inference failed: {e}") from None
        self.model = model
        g = model.graph
        self.consts = {i.name: numpy_helper.to_array(i) for i in g.initializer}
        self.nodes = []
        for n in g.node:
            if n.op_type == "Constant" and n.domain in ("", "ai.onnx"):
                a = attributes(n)
                if "value" not in a:
                    raise CompileError(n, "value", "only a Constant with a tensor 'value' is supported")
                self.consts[n.output[0]] = numpy_helper.to_array(a["value"])
            else:
                self.nodes.append(n)
        self.shapes = {}
        for vi in list(g.input) + list(g.value_info) + list(g.output):
            t = vi.type.tensor_type
            if t.HasField("shape"):
                self.shapes[vi.name] = tuple(d.dim_value if d.HasField("dim_value") else None for d in t.shape.dim)
        self.inputs = [i for i in g.input if i.name not in self.consts]
        self.outputs = list(g.output)
        self.consumers: dict[str, list] = {}
        for n in self.nodes:
            for t in n.input:
                self.consumers.setdefault(t, []).append(n)

    def const(self, node, name: str, what: str) -> np.ndarray:
        if name not in self.consts:
            raise CompileError(node, what, f"'{name}' must be a constant (an initializer), it is computed at run time")
        return self.consts[name]

    def shape(self, node, name: str) -> tuple:
        s = self.shapes.get(name)
        if s is None or any(d is None or d < 1 for d in s):
            raise CompileError(node, name, f"shape {s} is not static after shape inference")
        return s


def _with_batch(model: onnx.ModelProto, batch: int) -> onnx.ModelProto:
    """The model with its inputs' symbolic first dimension set to `batch` (and every other inferred shape
    dropped, so that inference recomputes them)."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    inits = {i.name for i in m.graph.initializer}
    for vi in m.graph.input:
        if vi.name in inits:
            continue
        dims = vi.type.tensor_type.shape.dim
        if len(dims) and not dims[0].HasField("dim_value"):
            dims[0].dim_value = batch
        elif len(dims) and dims[0].dim_value != batch:
            raise CompileError(None, vi.name, f"the model's batch is fixed at {dims[0].dim_value}, asked for {batch}")
    for vi in m.graph.output:
        vi.type.tensor_type.ClearField("shape")
    del m.graph.value_info[:]
    return m


def load(model, batch: int = 1) -> Graph:
    """A Graph from a path, bytes or ModelProto."""
    if isinstance(model, onnx.ModelProto):
        proto = model
    else:
        try:
            proto = onnx.load_from_string(model) if isinstance(model, bytes) else onnx.load(str(model))
        except FileNotFoundError:
            raise CompileError(None, "model", f"no such file: {model}") from None
        except Exception as e:      # noqa: BLE001 - a protobuf DecodeError and friends
            raise CompileError(None, "model", f"{Path(str(model)).name} is not an ONNX model ({e})") from None
    try:
        onnx.checker.check_model(proto)
    except onnx.checker.ValidationError as e:
        raise CompileError(None, "model", f"fails onnx.checker: {str(e).splitlines()[0]}") from None
    return Graph(proto, batch)
