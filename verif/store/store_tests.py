"""pyuvm tests of the store unit (the cocotb test module sim/blocks.py names). A test builds the configuration,
publishes it, runs its stream and waits until the unit is idle; the scoreboard compares (store_env.py)."""
from __future__ import annotations

import cocotb
import pyuvm

from golden.isa import MachineConfig
from verif.common import context
from verif.common.unit_test_base import UnitBaseTest

from .store_bfm import StoreBfm
from .store_config import DATA_BYTES, DRAM_BYTES, StoreEnvConfig
from .store_env import StoreEnv
from .store_seq_lib import StoreRandomSeq, StoreUnalignedSeq


class StoreBaseTest(UnitBaseTest):
    env_type = StoreEnv
    backpressure = 0.2

    def make_config(self) -> StoreEnvConfig:
        machine = MachineConfig(n=context.param("N", 8), sp_rows=64, acc_rows=context.param("ROWS", 64),
                                dram_bytes=DRAM_BYTES)
        bfm = StoreBfm(cocotb.top, machine, DATA_BYTES, context.rng(self.get_type_name() + ".timing"),
                       self.backpressure)
        return StoreEnvConfig(rng=self.rng, params=context.params(), machine=machine, bfm=bfm, data_bytes=DATA_BYTES)


@pyuvm.test()
class StoreRandomTest(StoreBaseTest):
    """Random STOREs (raw and requantised) with random CONFIG, under write-channel backpressure."""
    sequence = StoreRandomSeq


@pyuvm.test()
class StoreUnalignedTest(StoreBaseTest):
    """Elements at every byte offset and of every length, some across the 4 KiB boundary: the strobes and the
    shifts of the aligner."""
    sequence = StoreUnalignedSeq
