"""The npu_top environment's typed configuration: the test builds one TopEnvConfig in its build phase and
publishes it once; every component and sequence reads it with `TopEnvConfig.get(...)`.

It lives in its own module, not in top_env.py, because the components that read it are the ones top_env.py
imports (a config class in top_env.py would make every component import its own importer)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cocotb.triggers import Event

from golden.isa import MachineConfig
from verif.common.env_config import EnvConfig

if TYPE_CHECKING:
    from .top_bfm import TopBfm
    from .top_items import DramKnobs
    from .top_driver import ProgramRecord


@dataclass(kw_only=True)
class TopEnvConfig(EnvConfig):
    machine: MachineConfig      # the machine the simulation was built as (N, SP_ROWS, ACC_ROWS, DRAM_BYTES)
    bfm: TopBfm                 # the testbench's signal level: the driver drives it, the monitors read its queues
    tile_monitors: bool = True  # the tile monitors and collectors (a benchmark turns them off; final checks stay)
    record: ProgramRecord | None = None   # every program driven, for the native baseline (NPU8_RECORD=<dir>)
    knobs: DramKnobs | None = None        # every program's DRAM settings when set (a performance test's fixed ones)
    # set by the tile scoreboard at its first mismatch: the sequences and the test stop issuing programs, so
    # that a failing test's report is its first bad tile (or its hang)
    stop: Event = field(default_factory=Event)
