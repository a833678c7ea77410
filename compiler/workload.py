"""What `make infer` runs: a quantized model, the images to run and, for the built-in digits network, their
labels and the float model to compare accuracy with.

- no model: the digits network, quantized in the flow (quantize_static, per channel, on the first 100 training
  images), its held-out test split as the images;
- a quantized model (it has a QuantizeLinear): taken as is;
- a float model: quantized the same way on random calibration inputs.
Images other than the digits' are drawn uniformly in [0, 1) from the seed."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx

from . import reference
from .errors import CompileError

CALIBRATION = 100


@dataclass
class Workload:
    name: str
    quantized: bytes                  # the model the compiler and onnxruntime run
    float_model: bytes | None         # for the float accuracy (digits), or None
    images: np.ndarray                # float32 [count, *input shape without batch]
    labels: np.ndarray | None


def _input_shape(model: onnx.ModelProto) -> tuple:
    inits = {i.name for i in model.graph.initializer}
    ins = [i for i in model.graph.input if i.name not in inits]
    if len(ins) != 1:
        raise CompileError(None, "inputs", f"the model has {len(ins)} inputs; the compiler takes one")
    dims = ins[0].type.tensor_type.shape.dim
    shape = tuple(d.dim_value if d.HasField("dim_value") else 1 for d in dims)
    if not shape or any(d < 1 for d in shape[1:]):
        raise CompileError(None, ins[0].name, f"input shape {shape} is not static past the batch")
    return shape[1:]


def digits(count: int | None = None, offset: int = 0) -> Workload:
    from .models import train_digits as td
    xtr, _, xte, yte = td.digits_split()
    cal = [{"input": xtr[i:i + 1]} for i in range(CALIBRATION)]
    q = reference.quantize(td.MODEL, cal, per_channel=True)
    end = len(xte) if count is None else offset + count
    if not 0 <= offset < end <= len(xte):
        raise CompileError(None, "images", f"{offset}..{end} outside the {len(xte)} test images")
    return Workload("digits", q, td.MODEL.read_bytes(), xte[offset:end], yte[offset:end])


def from_file(path, count: int = 1, seed: int = 1) -> Workload:
    path = Path(path)
    if not path.is_file():
        raise CompileError(None, "model", f"no such file: {path}")
    try:
        m = onnx.load(str(path))
    except Exception as e:          # noqa: BLE001 - protobuf's decode errors
        raise CompileError(None, "model", f"{path.name} is not an ONNX model ({e})") from None
    shape = _input_shape(m)
    rng = np.random.default_rng(seed)
    images = rng.random((count, *shape), dtype=np.float32)
    if any(n.op_type == "QuantizeLinear" for n in m.graph.node):
        return Workload(path.stem, path.read_bytes(), None, images, None)
    name = [i for i in m.graph.input if i.name not in {t.name for t in m.graph.initializer}][0].name
    cal = [{name: rng.random((1, *shape), dtype=np.float32)} for _ in range(16)]
    return Workload(path.stem, reference.quantize(m, cal), path.read_bytes(), images, None)


def load(model=None, count: int | None = None, seed: int = 1, offset: int = 0) -> Workload:
    return digits(count, offset) if model in (None, "", "digits") else from_file(model, count or 1, seed)
