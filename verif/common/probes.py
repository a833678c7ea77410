"""The running testbench's probes as simulator handles: what monitors and hang reports read, by name.

The names and paths come from the testbench's probe file (sim/probes.py: <top>.probes.yaml beside the testbench
HDL). `resolve()` looks every probe up in the live simulation; one that names a missing signal (a renamed or
removed RTL net) raises ProbeError naming the probe, its path, the testbench and the file, so the test fails at
its start instead of reading a stale name later (or printing "?" in a hang report)."""
from __future__ import annotations

import os
import re

import cocotb

from sim.probes import ProbeError, ProbeFile, for_toplevel, load

__all__ = ["ProbeError", "Probes", "resolve", "of"]

_INDEX = re.compile(r"^(\w+)\[(\d+)\]$")


class Probes:
    """Handles of one testbench's probes, by probe name."""

    def __init__(self, file: ProbeFile, handles: dict):
        self.file = file
        self.handles = handles

    def __getitem__(self, name: str):
        try:
            return self.handles[name]
        except KeyError:
            raise ProbeError(f"{self.file.testbench}: no probe named {name!r} in {self.file.where()}") from None

    def read(self, name: str) -> str:
        """The probe's value as an unsigned integer, or its bits when some are X/Z."""
        v = self[name].value
        try:
            return str(v.to_unsigned())
        except (ValueError, AttributeError):
            return str(v).lower()

    def report(self, names=None) -> str:
        """`name=value, ...` for `names` (default: the file's hang_report)."""
        out = []
        for n in self.file.hang_report if names is None else names:
            try:
                out.append(f"{n}={self.read(n)}")
            except Exception as e:                     # noqa: BLE001 - a report must not raise (SIGTERM path)
                out.append(f"{n}=<unreadable: {type(e).__name__}: {e}>")
        return ", ".join(out)


def _lookup(top, path: str):
    h = top
    for part in path.split("."):
        m = _INDEX.match(part)
        h = getattr(h, m.group(1))[int(m.group(2))] if m else getattr(h, part)
    return h


def resolve(dut, file: ProbeFile | None = None) -> Probes:
    """Every probe of `dut`'s testbench, looked up now; raises ProbeError listing each probe that names no
    signal (with its path), the testbench and the probe file."""
    tb = dut._name
    if file is None and os.environ.get("NPU8_PROBE_FILE"):      # a self-test's stand-in for the testbench's file
        file = load(os.environ["NPU8_PROBE_FILE"])
    if file is None:
        file = for_toplevel(tb)
        if file is None:
            raise ProbeError(f"{tb}: no probe file ({tb}.probes.yaml beside the testbench) under verif/")
    if file.testbench != tb:
        raise ProbeError(f"{file.where()} describes testbench {file.testbench!r}, but the simulation's top is {tb!r}")
    handles, missing = {}, []
    for name, path in file.probes.items():
        try:
            handles[name] = _lookup(dut, path)
        except (AttributeError, IndexError, KeyError, TypeError) as e:
            missing.append(f"probe {name!r} -> {tb}.{path} ({type(e).__name__}: {e})")
    if missing:
        raise ProbeError(f"testbench {tb}: {len(missing)} probe(s) name no signal in the simulation "
                         f"(a renamed or removed RTL signal? fix {file.where()}): " + "; ".join(missing))
    return Probes(file, handles)


_resolved: dict[tuple[int, str], Probes] = {}


def of(dut=None) -> Probes:
    """The probes of the running testbench, resolved once per simulation (tests in one simulation share it)."""
    dut = cocotb.top if dut is None else dut
    key = (id(dut), dut._name)
    if key not in _resolved:
        _resolved[key] = resolve(dut)
    return _resolved[key]
