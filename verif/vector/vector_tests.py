"""pyuvm tests of the vector unit (the cocotb test module sim/blocks.py names). A test builds the configuration,
publishes it, runs its stream and waits until the unit is idle; the scoreboard compares (vector_env.py)."""
from __future__ import annotations

import cocotb
import pyuvm

from golden.isa import MachineConfig
from verif.common import context
from verif.common.unit_test_base import UnitBaseTest

from .vector_bfm import VectorBfm
from .vector_config import DATA_BYTES, DRAM_BYTES, VectorEnvConfig
from .vector_env import VectorEnv
from .vector_seq_lib import VectorExtremesSeq, VectorRandomSeq, VectorTiesSeq


class VectorBaseTest(UnitBaseTest):
    env_type = VectorEnv
    bp_sp = bp_acc = 0          # backpressure: ready withheld in that many of 16 cycles (tb_vector's LFSR)

    def make_config(self) -> VectorEnvConfig:
        p = context.params()
        machine = MachineConfig(n=p["N"], sp_rows=p["SP_ROWS"], acc_rows=p["ACC_ROWS"], dram_bytes=DRAM_BYTES)
        bfm = VectorBfm(cocotb.top, machine, self.bp_sp, self.bp_acc,
                        int(context.rng(self.get_type_name() + ".timing").integers(1, 1 << 16)))
        return VectorEnvConfig(rng=self.rng, params=p, machine=machine, bfm=bfm, data_bytes=DATA_BYTES)


@pyuvm.test()
class VectorRandomTest(VectorBaseTest):
    """Random VADD/VMAX/VSUM/VMAC mixes, random VCONFIG, with full read and write throughput checked."""
    sequence = VectorRandomSeq


@pyuvm.test()
class VectorBackpressureTest(VectorBaseTest):
    """The random mix with the SP read port refused 4 of 16 cycles and the ACC write port 9 of 16 (the result
    FIFO fills and the credits hold the reader back)."""
    sequence = VectorRandomSeq
    bp_sp, bp_acc = 4, 9


@pyuvm.test()
class VectorExtremesTest(VectorBaseTest):
    """SP of -128 and 127 only, VCONFIG constants at their range edges, the largest windows, 16-tap VMACs."""
    sequence = VectorExtremesSeq


@pyuvm.test()
class VectorTiesTest(VectorBaseTest):
    """VADDs whose constants make ties at every rounding step (ties to even), u8 on and off."""
    sequence = VectorTiesSeq
