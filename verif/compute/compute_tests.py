"""pyuvm tests of the compute unit (the cocotb test module sim/blocks.py names). A test builds the
configuration, publishes it, runs its stream and waits until the unit is idle; the scoreboard compares
(compute_env.py)."""
from __future__ import annotations

import cocotb
import pyuvm

from golden.isa import MachineConfig
from verif.common import context
from verif.common.unit_test_base import UnitBaseTest

from .compute_bfm import ComputeBfm
from .compute_config import DATA_BYTES, DRAM_BYTES, ComputeEnvConfig
from .compute_env import ComputeEnv
from .compute_seq_lib import ComputeExtremesSeq, ComputeRandomSeq


class ComputeBaseTest(UnitBaseTest):
    env_type = ComputeEnv

    def make_config(self) -> ComputeEnvConfig:
        p = context.params()
        machine = MachineConfig(n=p["N"], sp_rows=p["SP_ROWS"], acc_rows=p["ACC_ROWS"], dram_bytes=DRAM_BYTES)
        return ComputeEnvConfig(rng=self.rng, params=p, machine=machine, bfm=ComputeBfm(cocotb.top, machine),
                                data_bytes=DATA_BYTES)


@pyuvm.test()
class ComputeRandomTest(ComputeBaseTest):
    """Random MATMULs: overwrite and accumulate, weight tiles anywhere in the scratchpad."""
    sequence = ComputeRandomSeq


@pyuvm.test()
class ComputeExtremesTest(ComputeBaseTest):
    """A scratchpad of -128 and 127 only, and accumulate chains on the same rows."""
    sequence = ComputeExtremesSeq
