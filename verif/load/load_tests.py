"""pyuvm tests of the load unit (the cocotb test module sim/blocks.py names). A test builds the configuration,
publishes it, runs its stream and waits until the unit is idle; the scoreboard compares (load_env.py)."""
from __future__ import annotations

import cocotb
import pyuvm

from golden.isa import MachineConfig
from verif.common import context
from verif.common.unit_test_base import UnitBaseTest

from .load_bfm import LoadBfm
from .load_config import DATA_BYTES, DRAM_BYTES, LoadEnvConfig
from .load_env import LoadEnv
from .load_seq_lib import LoadPaddedWindowSeq, LoadRandomSeq


class LoadBaseTest(UnitBaseTest):
    env_type = LoadEnv
    backpressure = 0.2

    def make_config(self) -> LoadEnvConfig:
        p = context.params()
        machine = MachineConfig(n=p["N"], sp_rows=p["SP_ROWS"], acc_rows=p["ACC_ROWS"], dram_bytes=DRAM_BYTES)
        bfm = LoadBfm(cocotb.top, machine, context.rng(self.get_type_name() + ".timing"), self.backpressure)
        return LoadEnvConfig(rng=self.rng, params=p, machine=machine, bfm=bfm, data_bytes=DATA_BYTES)


@pyuvm.test()
class LoadRandomTest(LoadBaseTest):
    """Random LOADs (SP and ACC, pads, strides) and PADs, under read-channel backpressure."""
    sequence = LoadRandomSeq


@pyuvm.test()
class LoadPaddedWindowTest(LoadBaseTest):
    """Convolution-style windows: every pad combination around strided data, as the conv lowering issues (some
    across the 4 KiB boundary)."""
    sequence = LoadPaddedWindowSeq
