"""Every rule of the internal-interface protocol checkers fires when broken on purpose, and legal traffic
leaves each checker silent (verif/common/checker_selftest.py, one simulation per case, both simulators)."""
import xml.etree.ElementTree as ET

import pytest

from sim.runner import ROOT, SIMULATORS, run

HDL = ROOT / "verif" / "common" / "hdl"
CASES = [("queue_checker", f"queue_{c}") for c in ("legal", *(f"rule_{r}" for r in range(1, 8)))] + \
        [("mem_port_checker", f"mem_{c}") for c in ("legal", "rule_1", "rule_2", "rule_3")] + \
        [("stream_checker", f"stream_{c}") for c in ("legal", "rule_1", "rule_2", "rule_3")]


@pytest.mark.parametrize("sim", SIMULATORS)
@pytest.mark.parametrize("top,case", CASES, ids=[c for _, c in CASES])
def test_checker_rule(sim, top, case, tmp_path):
    params = {"W": 8} if top == "stream_checker" else {}
    results = run(sim, top, [HDL / f"{top}.v"], "verif.common.checker_selftest", tmp_path, parameters=params,
                  seed=1, testcase=case, extra_env={"PYTHONPATH": str(ROOT)})
    cases = ET.parse(results).getroot().findall(".//testcase")
    bad = [f.get("message") for c in cases for f in c.findall("failure") + c.findall("error")]
    assert len(cases) == 1 and not bad, bad or f"{len(cases)} test(s) ran; log {tmp_path}/sim.log"
