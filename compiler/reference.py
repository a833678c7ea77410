"""onnxruntime's side: quantize a float model as the flow does (quantize_static on calibration inputs), and run
a quantized model on the CPU provider for the bytes the accelerator must match: the int8 (or uint8) tensor the
last DequantizeLinear reads, and the float output."""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import onnx


def session(model_bytes: bytes):
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.log_severity_level = 3
    return ort.InferenceSession(model_bytes, opts, providers=["CPUExecutionProvider"])


def quantize(float_model, calibration: list[dict], per_channel: bool = True, qdq: bool = False,
             activation_u8: bool = False) -> bytes:
    """quantize_static of a float model (path or ModelProto) -> the quantized model's bytes."""
    import logging
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.it = iter(calibration)

        def get_next(self):
            return next(self.it, None)

    logging.getLogger().setLevel(logging.ERROR)   # quantize_static's advice about pre-processing and QDQ
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "float.onnx"
        onnx.save(float_model if isinstance(float_model, onnx.ModelProto) else onnx.load(str(float_model)), src)
        dst = Path(d) / "int8.onnx"
        quantize_static(str(src), str(dst), Reader(), quant_format=QuantFormat.QDQ if qdq else QuantFormat.QOperator,
                        per_channel=per_channel, activation_type=QuantType.QUInt8 if activation_u8 else QuantType.QInt8,
                        weight_type=QuantType.QInt8)
        return dst.read_bytes()


def with_quantized_output(model_bytes: bytes) -> bytes:
    """The model with the input of its last DequantizeLinear as a second output."""
    m = onnx.load_from_string(model_bytes)
    out = m.graph.output[0].name
    dq = [n for n in m.graph.node if n.op_type == "DequantizeLinear" and n.output[0] == out]
    if dq:
        m.graph.output.append(onnx.helper.make_empty_tensor_value_info(dq[0].input[0]))
    return m.SerializeToString()


class Reference:
    """A quantized model on onnxruntime: run(x) -> (quantized output, float output)."""

    def __init__(self, model_bytes: bytes):
        self.sess = session(with_quantized_output(model_bytes))
        self.input = self.sess.get_inputs()[0].name
        self.two = len(self.sess.get_outputs()) == 2

    def run(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        outs = self.sess.run(None, {self.input: x})
        return (outs[1], outs[0]) if self.two else (outs[0], outs[0])
