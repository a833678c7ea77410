"""What a simulation was started with (sim/run.py passes it in the environment) and the seeded generators.

cocotb seeds only Python's `random` from COCOTB_RANDOM_SEED; numpy is seeded here from the same seed, so a
test reproduces from its seed alone.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import cocotb
import numpy as np


def params() -> dict:
    return json.loads(os.environ.get("NPU8_PARAMS", "{}"))


def param(name: str, default=None):
    return params().get(name, default)


def seed() -> int:
    return int(cocotb.RANDOM_SEED)


def rng(stream: str = "") -> np.random.Generator:
    """A numpy generator from the test seed; `stream` separates independent draws (stimulus vs. timing)."""
    return np.random.default_rng([seed() & 0xFFFFFFFF, seed() >> 32 & 0xFFFFFFFF, sum(map(ord, stream))])


def reproduce_command() -> str:
    return os.environ.get("NPU8_REPRODUCE", f"(seed {seed()})")


def out_dir() -> Path:
    p = Path(os.environ.get("NPU8_OUT", "."))
    p.mkdir(parents=True, exist_ok=True)
    return p
