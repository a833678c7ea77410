"""Probe self-test (cocotb): run on a testbench that has a probe file (verif/top/test_probes.py runs it on
tb_npu_top with both simulators). Every probe must resolve in the live simulation and be readable, and a probe
whose path names no signal must raise ProbeError naming the probe, its path, the testbench and the file."""
from __future__ import annotations

import dataclasses

import cocotb
from cocotb.triggers import Timer

from sim.probes import ProbeError, for_toplevel
from verif.common import probes


@cocotb.test()
async def every_probe_resolves(dut):
    p = probes.resolve(dut)
    await Timer(1, unit="ns")
    values = {n: p.read(n) for n in p.file.probes}
    assert len(values) == len(p.file.probes) > 0
    dut._log.info(f"{len(values)} probes of {dut._name} resolved ({p.file.where()}); hang report: {p.report()}")


@cocotb.test()
async def a_probe_naming_a_missing_signal_raises(dut):
    pf = for_toplevel(dut._name)
    name, path = next((n, p) for n, p in pf.probes.items() if "." in p)
    renamed = path + "_renamed"
    bogus = dataclasses.replace(pf, probes={**pf.probes, name: renamed, "selftest.no_scope": "u_no_such_scope.x"})
    try:
        probes.resolve(dut, bogus)
    except ProbeError as e:
        msg = str(e)
    else:
        raise AssertionError(f"resolving {name} -> {renamed} did not raise")
    for want in (name, renamed, dut._name, pf.where(), "selftest.no_scope", "u_no_such_scope.x", "2 probe(s)"):
        assert want in msg, f"{want!r} not in the error: {msg}"
    dut._log.info(f"as expected: {msg}")
