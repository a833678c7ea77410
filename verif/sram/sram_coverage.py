"""Functional coverage of rtl/sram accesses, one covergroup per memory (its own kinds of access): kind x row
region, lane masks, waits (bank or read-port conflicts) and distance to the last write of the row (0: the
same cycle, 1 and 2: the forwarding window). Sampled from the request monitors, in the order the memory's
contract applies the requests (the distance needs every port's writes)."""
from __future__ import annotations

from cocotb_coverage.coverage import CoverCross, CoverPoint, coverage_section
from pyuvm import uvm_subscriber

from .sram_config import SramEnvConfig
from .sram_scoreboard import replay


def kind(a):
    return ("acc" if a.acc else "write") if a.write else "read"


def region(a, rows):
    if a.row >= rows:
        return "out_of_range"
    return "first" if a.row == 0 else "last" if a.row == rows - 1 else "middle"


def _group(name: str, kinds: list[str]):
    p = f"{name}.access"
    return coverage_section(
        CoverPoint(f"{p}.kind", xf=lambda a, rows, d: kind(a), bins=kinds),
        CoverPoint(f"{p}.region", xf=lambda a, rows, d: region(a, rows),
                   bins=["first", "middle", "last", "out_of_range"]),
        CoverPoint(f"{p}.lanes", xf=lambda a, rows, d: "n/a" if not a.write else
                   "all" if a.lanes == (1 << len(a.data)) - 1 else "some" if a.lanes else "none",
                   bins=["all", "some", "none", "n/a"]),
        CoverPoint(f"{p}.waited", xf=lambda a, rows, d: min(a.waited, 2), bins=[0, 1]),
        CoverPoint(f"{p}.after_write", xf=lambda a, rows, d: d if d in (0, 1, 2) else "far", bins=[0, 1, 2, "far"]),
        CoverCross(f"{p}.kind_x_region", items=[f"{p}.kind", f"{p}.region"]),
        CoverCross(f"{p}.kind_x_after_write", items=[f"{p}.kind", f"{p}.after_write"],
                   ign_bins=[(k, 0) for k in kinds if k != "read"]),   # distance 0 is a read beside a write
    )(lambda a, rows, d: None)


KINDS = {"scratchpad": ["read", "write"], "accumulator": ["read", "write", "acc"]}
_groups: dict = {}


def sample_access(memory: str, a, rows, distance):
    # Created on first use, so a simulation exports only the memory it tested.
    if memory not in _groups:
        _groups[memory] = _group(memory, KINDS[memory])
    _groups[memory](a, rows, distance)


class SramCoverage(uvm_subscriber):
    def build_phase(self):
        self.requests = []

    def write(self, request):
        self.requests.append(request)

    def check_phase(self):
        cfg = SramEnvConfig.get(self)
        for a, distance in replay(self.requests, cfg.rows):
            sample_access(cfg.memory, a, cfg.rows, distance)
