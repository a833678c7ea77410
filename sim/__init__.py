"""Simulator flows for npu8: tool discovery, cocotb runners, waves and lint."""
