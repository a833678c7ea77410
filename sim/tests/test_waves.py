"""The probe files hold, and `make waves` writes a complete view (no empty group, every probe, the first bad
tile's marker) from a tiny VCD made from npu_top's probe file, and says so when a probe is not in the wave."""
import json
import os
import re

import pytest

from sim import blocks, probes, wave_probe, waves
from sim.probes import ProbeError

TOP = "tb_npu_top"


def _ids():
    n = 0
    while True:
        k, s = n, ""
        while True:
            s += chr(33 + k % 94)
            k //= 94
            if not k:
                break
        yield s
        n += 1


def tiny_vcd(path, paths: dict, timescale="1ps", top=TOP, period=10_000, cycles=40):
    """A VCD whose hierarchy holds `paths` (path under `top` -> width), with a clock and a counter on every
    vector; Verilator-style: the top's ports repeated under $rootio."""
    tree: dict = {}
    for p, w in paths.items():
        node = tree
        *scopes, leaf = p.split(".")
        for s in scopes:
            node = node.setdefault(s, {})
        node[leaf] = w
    ids, vars_ = _ids(), {}
    out = [f"$timescale {timescale} $end"]

    def emit(name, node, prefix):
        out.append(f"$scope module {name} $end")
        for k, v in node.items():
            if isinstance(v, dict):
                emit(k, v, prefix + k + ".")
        for k, v in node.items():
            if not isinstance(v, dict):
                i = next(ids)
                vars_[prefix + k] = (i, v)
                out.append(f"$var wire {v} {i} {k}" + (f" [{v - 1}:0]" if v > 1 else "") + " $end")
        out.append("$upscope $end")

    emit("$rootio", {k: v for k, v in tree.items() if not isinstance(v, dict)}, "$rootio.")
    emit(top, tree, "")
    out.append("$enddefinitions $end")
    for c in range(cycles):
        for half in (0, 1):
            out.append(f"#{c * period + half * period // 2}")
            for name, (i, w) in vars_.items():
                if name.endswith("clk"):
                    out.append(f"{half}{i}")
                elif half == 0 and w > 1:
                    out.append(f"b{c:b} {i}")
                elif half == 0 and c == 0:
                    out.append(f"0{i}")
    path.write_text("\n".join(out) + "\n")
    return path


def npu_top_paths(drop=()):
    pf = probes.for_block(blocks.get("npu_top"))
    return {p: (1 if n in ("clk", "rst_n") or n.endswith(("valid", "ready", "last")) else 16)
            for n, p in pf.probes.items() if n not in drop}


def groups(gtkw: str) -> dict[str, list[str]]:
    out, cur = {}, None
    lines = gtkw.splitlines()
    for flag, name in zip(lines, lines[1:]):
        if flag == "@800200":
            cur = name[1:]
            out[cur] = []
        elif flag == "@1000200":
            cur = None
        elif cur is not None and flag in ("@22", "@28"):
            out[cur].append(name)
    return out


def test_every_probe_file_holds():
    files = probes.all_files()
    assert files, "no probe file under verif/"
    for f in files:
        pf = probes.load(f)
        assert pf.probes and all(names for _, names in pf.views), f
    for name in ("npu_top", "npu_top_bench"):
        assert probes.for_block(blocks.get(name)).testbench == TOP


@pytest.mark.parametrize("bad, why", [
    ({"hang_report": ["nope"]}, "hang_report names 'nope'"),
    ({"views": [{"group": "g", "show": ["nope.*"]}]}, "matches no probe"),
    ({"views": [{"group": "g", "show": ["nope"]}]}, "matches no probe"),
    ({"probes": {"a*": "x"}}, "pattern character"),
    ({"colour": 1}, "unknown key"),
])
def test_a_broken_probe_file_is_refused(tmp_path, bad, why):
    data = {"testbench": "tb", "probes": {"clk": "clk", "u.x": "u_a.x"}, **bad}
    f = tmp_path / "tb.probes.yaml"
    f.write_text(json.dumps(data))
    with pytest.raises(ProbeError, match=re.escape(why)):
        probes.load(f)


def test_npu_top_view_fills_every_group(tmp_path):
    wave = tiny_vcd(tmp_path / "dump.vcd", npu_top_paths())
    view = waves.write_view("npu_top", wave, TOP, strict=True)
    text = view.read_text()
    g = groups(text)
    pf = probes.for_block(blocks.get("npu_top"))
    assert list(g) == [title for title, _ in pf.views]
    assert all(g.values()), f"empty group(s): {[k for k, v in g.items() if not v]}"
    shown = {s for v in g.values() for s in v}
    for p in pf.probes.values():                  # every probe, once, with the vector range GTKWave expects
        assert f"{TOP}.{p}" in shown or f"{TOP}.{p}[15:0]" in shown, p
    assert "$rootio" not in text
    assert "[markername]" not in text and "*-24.000000 -1 " in text       # no failure: no marker


def test_a_failing_runs_view_opens_at_the_first_bad_tile(tmp_path):
    wave = tiny_vcd(tmp_path / "dump.vcd", npu_top_paths())
    (tmp_path / waves.FIRST_BAD_TILE).write_text(json.dumps(
        {"cycle": 30, "time_ps": 305_000, "time_ns": 305.0, "clock_ns": 10, "message": "#6 MATMUL tile ..."}))
    text = waves.write_view("npu_top", wave, TOP, strict=True).read_text()
    star = next(ln for ln in text.splitlines() if ln.startswith("*"))
    zoom, primary, named_a, *rest = star[1:].split()
    assert int(primary) == int(named_a) == 305_000 and all(x == "-1" for x in rest) and len(rest) == 25
    assert "[markername] Afirst bad tile" in text
    start = int(re.search(r"^\[timestart\] (\d+)$", text, re.M).group(1))
    assert start == 305_000 - waves.CYCLES_BEFORE * 10_000
    # about CYCLES_SHOWN cycles across the wave pane (GTKWave: 2**-zoom time units per pixel)
    assert 0.5 < 2 ** -float(zoom) * waves.VIEW_WIDTH_PX * 0.75 / (waves.CYCLES_SHOWN * 10_000) < 2
    assert all(groups(text).values())


def test_a_first_bad_tile_newer_than_the_waves_is_not_used(tmp_path, capsys):
    wave = tiny_vcd(tmp_path / "dump.vcd", npu_top_paths())
    bad = tmp_path / waves.FIRST_BAD_TILE
    bad.write_text(json.dumps({"cycle": 30, "time_ps": 305_000}))
    os.utime(wave, (bad.stat().st_mtime - 60,) * 2)          # the waves of an earlier run
    assert "[markername]" not in waves.write_view("npu_top", wave, TOP).read_text()
    assert "ignoring" in capsys.readouterr().err


def test_the_marker_is_in_the_waves_time_unit(tmp_path):
    wave = tiny_vcd(tmp_path / "dump.vcd", {"clk": 1, "x": 4}, timescale="1ns", period=10)
    m = waves.Marker(time_ps=305_000, cycle=30)
    v = waves.view_for("csr_regs", wave, TOP, marker=m)          # csr_regs: no probe file -> the top's ports
    text = v.render()
    assert " 305 305 " in text and f"[timestart] {305 - waves.CYCLES_BEFORE * 10}" in text
    assert groups(text) == {f"{TOP} ports": [f"{TOP}.clk", f"{TOP}.x[3:0]"]}


def test_a_probe_missing_from_the_wave_file_is_an_error(tmp_path, capsys):
    wave = tiny_vcd(tmp_path / "dump.vcd", npu_top_paths(drop=("compute.phase",)))
    with pytest.raises(ProbeError) as e:
        waves.write_view("npu_top", wave, TOP, strict=True)
    for want in ("compute.phase", "tb_npu_top.u_npu.u_compute.phase", str(wave), "tb_npu_top.probes.yaml"):
        assert want in str(e.value), want
    text = (tmp_path / "npu_top.gtkw").read_text()          # still written, the gap named where it would be
    assert "-MISSING from the wave file: compute.phase (u_npu.u_compute.phase)" in text
    assert waves.main(["--block", "npu_top", "--wave", str(wave), "--no-open"]) == 1
    assert "compute.phase" in capsys.readouterr().out
    waves.write_view("npu_top", wave, TOP)                   # not strict (the regression's CI path): says so
    assert "compute.phase" in capsys.readouterr().err


def test_make_waves_without_gtkwave_says_where_the_view_is(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))                # no gtkwave, no fst2vcd
    tiny_vcd(tmp_path / "dump.vcd", npu_top_paths())
    assert waves.main(["--block", "npu_top", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    pf = probes.for_block(blocks.get("npu_top"))
    assert f"{len(pf.views)} groups, {len(pf.probes)} signals" in out, out
    assert "gtkwave is not on PATH" in out and "open with: gtkwave" in out


def test_wave_probe_reads_probe_names_and_paths(tmp_path):
    wave = tiny_vcd(tmp_path / "dump.vcd", npu_top_paths())
    rows = wave_probe.probe(wave, ["compute.phase", "u_npu.u_ctrl.state"], 20, 40)
    # the clock rises at 5, 15, 25 ... ns; a vector counts cycles, so just before the edge at 25 ns it is 2
    assert rows == [(25.0, {"compute.phase": 2, "u_npu.u_ctrl.state": 2}),
                    (35.0, {"compute.phase": 3, "u_npu.u_ctrl.state": 3})]
    with pytest.raises(SystemExit, match="not in dump.vcd: nope"):
        wave_probe.probe(wave, ["nope"], 0, 10)
