"""Layers point one way: regressions/ -> verif/ -> compiler/ -> sim/ -> golden/ (each may import the ones after
it, never one before). The golden model is called, never calls back; the simulator flows run the environment by
module name (as cocotb does), never by import; the compiler builds on the golden model (and runs the simulators
through sim/), and the environments run what it compiles."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("golden", "sim", "compiler", "verif", "regressions")     # lowest first


def imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text())
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append((node.lineno, node.module))
    return out


def upward_imports(files: list[Path], root: Path = ROOT) -> list[str]:
    bad = []
    for f in files:
        here = f.relative_to(root).parts[0]
        for line, module in imports(f):
            top = module.split(".")[0]
            if top in LAYERS and LAYERS.index(top) > LAYERS.index(here):
                bad.append(f"{f.relative_to(root)}:{line}: {here}/ imports {module} ({top}/ is above it)")
    return bad


def test_every_arrow_between_top_level_folders_runs_downward():
    files = sorted(p for d in LAYERS for p in (ROOT / d).rglob("*.py"))
    bad = upward_imports(files)
    assert not bad, "\n".join(bad)


def test_the_layer_check_can_fail(tmp_path):
    (tmp_path / "golden").mkdir()
    fake = tmp_path / "golden" / "ops.py"
    fake.write_text("import numpy\nfrom golden import isa\n\ndef f():\n    from verif.common import context\n")
    assert upward_imports([fake], tmp_path) == ["golden/ops.py:5: golden/ imports verif.common (verif/ is above it)"]
