"""The ctrl environment's typed configuration: the test builds one CtrlEnvConfig and publishes it once;
every component reads it with `CtrlEnvConfig.get(self)`. A module of its own, because the components that read it
are the ones ctrl_env.py imports."""
from __future__ import annotations

from dataclasses import dataclass

from golden.isa import MachineConfig
from verif.common.env_config import EnvConfig

from .ctrl_bfm import CtrlBfm


@dataclass(kw_only=True)
class CtrlEnvConfig(EnvConfig):
    bfm: CtrlBfm                  # the signal level (its own timing generator, apart from `rng`)
    machine: MachineConfig        # the build's N, SP_ROWS, ACC_ROWS, DRAM_BYTES, for the golden model
    programs: int = 30            # programs per test

    @property
    def data_bytes(self) -> int:
        """The random programs' data window (they sit after it)."""
        return min(2048, self.machine.dram_bytes // 4)
