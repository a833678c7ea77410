"""The npu8 compiler: quantized ONNX models to npu8 programs (issue 14; in progress).

`compiler.models` holds the built-in digits network: its training script and its float ONNX model."""
