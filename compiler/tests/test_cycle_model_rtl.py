"""The cycle model (golden/cycle_model.py) held to the RTL: every program of the digits network and of random
networks, run natively on Verilator (sim/network_perf.py), within 5 % of its prediction; and the check fails
when the prediction is wrong."""
from __future__ import annotations

import numpy as np

from compiler import workload
from compiler.network import compile_fitting
from compiler.random_network import random_network
from golden.cycle_model import CycleModel, over_prediction
from golden.isa import MachineConfig
from sim import network_perf

CFG = MachineConfig(8, 16384, 1024, 1 << 20)
LIMIT = 0.05


def _worst(perfs) -> tuple[float, str]:
    worst = max(perfs, key=lambda p: abs(p.error))
    return abs(worst.error), f"{worst.layer} ({worst.op}): predicted {worst.predicted.cycles}, measured " \
                             f"{worst.measured['cycles']}"


def test_digits_network_every_layer_within_5_percent(tmp_path):
    wl = workload.digits(1)
    net = compile_fitting(wl.quantized, CFG)
    perfs = network_perf.measure(net, wl.images[:1], tmp_path)
    err, which = _worst(perfs)
    assert err <= LIMIT, which


def test_random_networks_every_program_within_5_percent(tmp_path):
    perfs = []
    for seed in range(12):
        model, x, _ = random_network(seed)
        net = compile_fitting(model, CFG)
        perfs += network_perf.measure(net, x, tmp_path / str(seed))
    err, which = _worst(perfs)
    assert len(perfs) > 40 and err <= LIMIT, which


def test_a_wrong_prediction_is_caught(tmp_path):
    """The same comparison with a model that believes DRAM answers in 10 cycles, not 100: it must fail, and
    the performance check names what the RTL spent beyond the prediction."""
    wl = workload.digits(1)
    net = compile_fitting(wl.quantized, CFG)
    perfs = network_perf.measure(net, wl.images[:1], tmp_path, measured=[0])
    wrong = CycleModel(net.cfg, latency=10).run(net.segments[0].prog)
    err = abs(wrong.cycles / perfs[0].measured["cycles"] - 1)
    assert err > LIMIT
    msg = over_prediction(wrong, perfs[0].measured, 0.10)
    assert msg and "over the cycle model's" in msg and "stall_dma_rd +" in msg
    assert over_prediction(perfs[0].predicted, perfs[0].measured, 0.10) is None
    assert np.isclose(perfs[0].error, perfs[0].predicted.cycles / perfs[0].measured["cycles"] - 1)
