"""Block environment for rtl/store/requant_lane.v: batches of accumulators streamed through the lane from
files (no per-cycle Python), compared with golden/requant.py, the arithmetic proven against onnxruntime."""
