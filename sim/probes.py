"""A testbench's probe file: its hierarchy paths, named, written once.

A probe file sits beside the testbench it describes (verif/top/hdl/tb_npu_top.probes.yaml for tb_npu_top; a block
without a wrapper may keep one in its verif/<block>/ folder) and holds

    testbench: tb_npu_top
    probes:       {name: path under the testbench top, ...}
    hang_report:  [probe names a hung run prints]
    views:        [{group: title, show: [probe names or fnmatch patterns over probe names]}, ...]

This module only reads and checks the file as data (the simulator flow, `make waves`, uses it by path). The
verification environment resolves the probes against the running simulation (verif/common/probes.py), the wave
view finds them in the wave file (sim/waves.py); both fail naming the probe, its path and the testbench."""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
VERIF = ROOT / "verif"
SUFFIX = ".probes.yaml"


class ProbeError(LookupError):
    """A probe that names no signal (in the simulation or the wave file), or a probe file that does not hold."""


@dataclass(frozen=True)
class ProbeFile:
    path: Path
    testbench: str
    probes: dict[str, str]                                  # name -> path under the testbench top, in file order
    hang_report: tuple[str, ...]
    views: tuple[tuple[str, tuple[str, ...]], ...]          # (group title, probe names), patterns expanded

    def path_of(self, name: str) -> str:
        try:
            return self.probes[name]
        except KeyError:
            raise ProbeError(f"{self.testbench}: no probe named {name!r} in {self.where()}") from None

    def where(self) -> str:
        try:
            return str(self.path.relative_to(ROOT))
        except ValueError:
            return str(self.path)


def _fail(path: Path, text: str):
    raise ProbeError(f"{path}: {text}")


def load(path: Path | str) -> ProbeFile:
    """Read and check a probe file: every name a hang report or a view uses is a probe, every view pattern
    matches at least one, and no group is empty."""
    path = Path(path)
    data = yaml.safe_load(path.read_text()) or {}
    if not isinstance(data, dict):
        _fail(path, "not a mapping")
    unknown = set(data) - {"testbench", "probes", "hang_report", "views"}
    if unknown:
        _fail(path, f"unknown key(s) {', '.join(sorted(unknown))}")
    tb = data.get("testbench")
    if not isinstance(tb, str) or not tb:
        _fail(path, "no 'testbench:' (the testbench top module the paths are relative to)")
    probes = data.get("probes") or {}
    if not isinstance(probes, dict) or not all(isinstance(k, str) and isinstance(v, str) and v
                                               for k, v in probes.items()):
        _fail(path, "'probes:' must map each probe name to a path string")
    for name, p in probes.items():
        if any(c in name for c in "*?[]"):
            _fail(path, f"probe name {name!r} contains a pattern character")
        if p.startswith(".") or p.endswith(".") or ".." in p:
            _fail(path, f"probe {name!r}: malformed path {p!r}")
    hang = tuple(data.get("hang_report") or ())
    for name in hang:
        if name not in probes:
            _fail(path, f"hang_report names {name!r}, which is not a probe")
    views = []
    for i, v in enumerate(data.get("views") or ()):
        if not isinstance(v, dict) or not isinstance(v.get("group"), str) or not v.get("show"):
            _fail(path, f"views[{i}] needs 'group:' (a title) and 'show:' (probe names or patterns)")
        chosen: list[str] = []
        for item in v["show"]:
            hits = [n for n in probes if fnmatch.fnmatchcase(n, item)] if any(c in item for c in "*?[") else \
                ([item] if item in probes else [])
            if not hits:
                _fail(path, f"view group {v['group']!r}: {item!r} matches no probe")
            chosen += [h for h in hits if h not in chosen]
        views.append((v["group"], tuple(chosen)))
    return ProbeFile(path, tb, dict(probes), hang, tuple(views))


def find(toplevel: str, dirs=()) -> Path | None:
    """The probe file of testbench `toplevel`: <toplevel>.probes.yaml in one of `dirs` (a block's testbench
    folders), else the only one of that name under verif/. None when the testbench has none."""
    name = toplevel + SUFFIX
    for d in dirs:
        if (Path(d) / name).is_file():
            return Path(d) / name
    hits = sorted(VERIF.rglob(name))
    if len(hits) > 1:
        raise ProbeError(f"{len(hits)} probe files for {toplevel}: {', '.join(map(str, hits))} (keep one)")
    return hits[0] if hits else None


def for_toplevel(toplevel: str, dirs=()) -> ProbeFile | None:
    p = find(toplevel, dirs)
    return load(p) if p else None


def for_block(block) -> ProbeFile | None:
    """The probe file of a sim.blocks.Block (looked for in its testbench folders first)."""
    dirs = [VERIF / d for d in getattr(block, "tb_dirs", ())]
    pf = for_toplevel(block.toplevel, dirs)
    if pf is not None and pf.testbench != block.toplevel:
        raise ProbeError(f"{pf.where()}: testbench {pf.testbench!r}, but block {block.name} simulates "
                         f"{block.toplevel!r}")
    return pf


def all_files() -> list[Path]:
    return sorted(VERIF.rglob("*" + SUFFIX))
