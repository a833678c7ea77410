"""npu_top's probe file (hdl/tb_npu_top.probes.yaml) against live simulations: every probe resolves on both
simulators, a probe that names a missing signal fails a top test at its start naming it, and a failing run's
wave view (read from the simulator's own FST) fills every group and opens at the first bad tile."""
import json
import xml.etree.ElementTree as ET

import pytest
import yaml

from sim import blocks, probes, waves
from sim.run import run_block
from sim.runner import ROOT, SIMULATORS, run

BLOCK = blocks.get("npu_top")


@pytest.mark.parametrize("sim", SIMULATORS)
def test_every_probe_resolves_and_a_missing_one_raises(sim, tmp_path):
    results = run(sim, BLOCK.toplevel, BLOCK.sources(), "verif.common.probe_selftest", tmp_path,
                  parameters=BLOCK.defaults, seed=1, extra_env={"PYTHONPATH": str(ROOT)})
    cases = ET.parse(results).getroot().findall(".//testcase")
    bad = [(c.get("name"), f.get("message")) for c in cases for f in c.findall("failure") + c.findall("error")]
    assert len(cases) == 2 and not bad, bad or f"{len(cases)} test(s) ran; log {tmp_path}/sim.log"


def test_a_renamed_signal_fails_a_top_test_at_its_start(tmp_path, monkeypatch):
    pf = probes.for_block(BLOCK)
    data = yaml.safe_load(pf.path.read_text())
    data["probes"]["compute.phase"] = "u_npu.u_compute.state"          # the stale name the hang report had
    stale = tmp_path / "tb_npu_top.probes.yaml"
    stale.write_text(yaml.safe_dump(data, sort_keys=False))
    monkeypatch.setenv("NPU8_PROBE_FILE", str(stale))
    out = run_block("npu_top", "verilator", 1, test_dir=tmp_path / "run", tests=["TopSmokeTest"])
    assert out.failed == 1 and out.passed == 0, out
    msg = out.failures[0]
    for want in ("testbench tb_npu_top", "'compute.phase'", "tb_npu_top.u_npu.u_compute.state", str(stale)):
        assert want in msg, f"{want!r} not in: {msg}"
    assert "programs run" not in (tmp_path / "run" / "sim.log").read_text()     # failed before any program


def test_a_failing_runs_view_opens_at_the_first_bad_tile(tmp_path):
    out = run_block("npu_top", "icarus", 1, test_dir=tmp_path, tests=["TopLegalStreamTest"], waves=True,
                    defines=("NPU8_FAULT_STORE_STROBE",))
    assert out.failed == 1 and out.waves, out
    bad = json.loads((tmp_path / waves.FIRST_BAD_TILE).read_text())
    assert bad["test"] == "TopLegalStreamTest" and "STORE tile" in bad["message"]
    assert f"(cycle {bad['cycle']})" in bad["message"] and bad["time_ps"] == bad["cycle"] * 10_000 + 5_000
    view = waves.view_for("npu_top", out.waves[0], BLOCK.toplevel)
    assert not view.missing and all(sigs for _, sigs in view.groups), view.summary()
    assert view.marker.time_ps == bad["time_ps"]
    text = view.write().read_text()
    assert f" {bad['time_ps']} {bad['time_ps']} -1 " in text and "[markername] Afirst bad tile" in text
    # the marker sits on the rising edge that begins the bad beat's cycle: W valid and ready right after it
    import pywellen
    w = pywellen.Waveform(str(out.waves[0]))
    sig = {v.full_name: v.signal for v in w.all_vars()}
    pf = view.probe_file
    for name in ("axi.wvalid", "axi.wready"):
        assert sig[f"tb_npu_top.{pf.probes[name]}"].value_at(bad["time_ps"]) == 1, name
