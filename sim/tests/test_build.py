"""Quiet builds: a build's output goes to its build.log and the console gets one line (configuration,
seconds, warnings, log); parameters are passed as literals of their declared width, so an override into a
`parameter [33:0]` is no width warning; lint runs each build configuration with the options the build uses,
and would report such a warning."""
import subprocess

import pytest
import yaml

from sim import blocks, lint
from sim.hdl_params import declared_widths, hdl_parameters
from sim.runner import BuildFailed, build, count_warnings, lint_command, option_args
from sim.tools import verilator_env

WIDE = """// a 34-bit parameter, as npu_top's DRAM_BYTES
`timescale 1ns / 1ps
module wide #(
    parameter integer N     = 8,       // 32 bits: passed as a plain integer
    parameter [33:0]  BYTES = 34'h100000,
    parameter signed [7:0] S = -1, T = 2   /* T shares the range */
) (
    output wire [33:0] bytes_out,
    output wire [31:0] n_out
);
    parameter [3:0] BODY = 4'd1;
    localparam [15:0] LOCAL = 16'd3;
    assign bytes_out = BYTES;
    assign n_out = N + {28'd0, BODY} + {16'd0, LOCAL} + {{24{S[7]}}, S} + {{24{T[7]}}, T};
endmodule
"""


@pytest.fixture()
def wide(tmp_path):
    p = tmp_path / "wide.v"
    p.write_text(WIDE)
    return p


def test_declared_widths_of_the_top_module(wide):
    assert declared_widths("wide", [wide]) == {"BYTES": (34, False), "S": (8, True), "T": (8, True),
                                               "BODY": (4, False)}
    assert declared_widths("absent", [wide]) == {}


def test_parameters_are_literals_of_their_declared_width(wide):
    assert hdl_parameters("wide", [wide], {"N": 16, "BYTES": 16384, "S": 3, "BODY": 2}) == \
        {"N": 16, "BYTES": "34'd16384", "S": "8'sd3", "BODY": "4'd2"}
    assert option_args("icarus", "wide", {"BYTES": "34'd16384"})[-1] == "-Pwide.BYTES=34'd16384"
    assert option_args("verilator", "wide", {"BYTES": "34'd16384"})[-1] == "-GBYTES=34'd16384"


def test_the_real_tops_get_a_sized_dram_size():
    for name in ("npu_top", "ctrl", "csr_regs", "npu_top_bench"):
        b = blocks.BLOCKS[name]
        assert hdl_parameters(b.toplevel, b.sources(), b.defaults)["DRAM_BYTES"].startswith("34'd"), name


def _lint(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True, env=verilator_env())
    return [ln for ln in (out.stderr + out.stdout).splitlines() if ln.startswith("%Warning") or "warning" in ln]


def test_lint_reports_an_unsized_override_and_not_a_sized_one(wide):
    """What `make regress` printed before: -GDRAM_BYTES=16384 into a 34-bit parameter is a WIDTHEXPAND."""
    sized = lint_command("verilator", "wide", [wide], {"BYTES": 16384, "N": 4})
    assert "-GBYTES=34'd16384" in sized and _lint(sized) == []
    unsized = [a if a != "-GBYTES=34'd16384" else "-GBYTES=16384" for a in sized]
    assert any("WIDTHEXPAND" in ln for ln in _lint(unsized))
    icarus = lint_command("icarus", "wide", [wide], {"BYTES": 16384})
    assert "-Pwide.BYTES=34'd16384" in icarus and _lint(icarus) == []


def test_icarus_build_is_quiet_logged_and_counted(wide, capfd, monkeypatch, tmp_path):
    monkeypatch.setattr("sim.runner.ROOT", tmp_path)        # build dirs under tmp_path/build
    info = build("icarus", "wide", [wide], {"BYTES": 16384})
    assert capfd.readouterr() == ("", "")                   # nothing from the compiler or cocotb on the console
    text = info.log.read_text()
    assert info.log == info.bdir / "build.log" and "iverilog" in text
    assert "-Pwide.BYTES=34'd16384" in text.replace("'\"'\"'", "'")     # the command, as cocotb shell-quotes it
    assert not info.cached and info.warnings == 0
    line = info.line()
    assert line.startswith("wide icarus BYTES=16384: built in ") and "0 warning(s)" in line and "build.log" in line
    assert "\n" not in line
    again = build("icarus", "wide", [wide], {"BYTES": 16384})
    assert capfd.readouterr() == ("", "")
    assert again.cached and again.log.read_text() == text and "cached" in again.line()


def test_a_build_warning_is_counted(tmp_path, monkeypatch):
    monkeypatch.setattr("sim.runner.ROOT", tmp_path)
    src = tmp_path / "warns.v"
    src.write_text("module sub(input wire [7:0] a); endmodule\n"
                   "module warns; wire [3:0] x = 4'd1; sub u(.a(x)); endmodule\n")
    info = build("icarus", "warns", [src])
    assert info.warnings == count_warnings(info.log.read_text()) >= 1, info.log.read_text()
    assert f"{info.warnings} warning(s)" in info.line()


def test_a_failed_build_names_its_log_and_first_error(tmp_path, monkeypatch):
    monkeypatch.setattr("sim.runner.ROOT", tmp_path)
    src = tmp_path / "broken.v"
    src.write_text("module broken; wire x = ; endmodule\n")
    with pytest.raises(BuildFailed) as e:
        build("icarus", "broken", [src])
    msg = str(e.value)
    assert "build failed" in msg and str(e.value.info.log) in msg and "broken.v:1" in msg
    assert "FAILED" in e.value.info.log.read_text()


def test_count_warnings():
    assert count_warnings("%Warning-WIDTHEXPAND: x.v:1: …\n   : … note\n%Warning-UNUSED: y\n") == 2
    assert count_warnings("x.v:3: warning: Port 1 (a) of sub expects 8 bits, got 4.\nok\n") == 1
    assert count_warnings("- V e r i l a t i o n   R e p o r t\n") == 0


def test_lint_covers_every_build_configuration(tmp_path):
    lst = tmp_path / "testlist.yaml"
    lst.write_text(yaml.safe_dump({"a": [{"test": "npu_top.TopSmokeTest", "sims": ["verilator"],
                                          "params": {"N": 16, "DRAM_BYTES": 1 << 16}},
                                         {"test": "golden.random_program"}, {"include": "b"}],
                                   "b": [{"test": "ctrl.CtrlLegalProgramsTest", "defines": ["NPU8_FAULT_X"]}]}))
    configs = lint.build_configs(lst)
    for name, b in blocks.BLOCKS.items():
        for sim in ("icarus", "verilator"):
            assert (name, sim, b.defaults, ()) in configs
    assert ("npu_top", "verilator", {**blocks.BLOCKS["npu_top"].defaults, "N": 16, "DRAM_BYTES": 1 << 16}, ()) \
        in configs
    assert not any(c[0] == "npu_top" and c[1] == "icarus" and c[2]["N"] == 16 for c in configs)
    assert ("ctrl", "icarus", blocks.BLOCKS["ctrl"].defaults, ("NPU8_FAULT_X",)) in configs
    assert len(lint.build_configs()) > 2 * len(blocks.BLOCKS)   # the real list adds N=16 configurations


def test_lint_passes_parameters_as_the_build_does(wide, tmp_path, monkeypatch):
    monkeypatch.setattr("sim.runner.ROOT", tmp_path)
    info = build("icarus", "wide", [wide], {"BYTES": 16384, "N": 4})
    built = next(ln for ln in info.log.read_text().splitlines() if "Running command iverilog" in ln)
    for arg in lint_command("icarus", "wide", [wide], {"BYTES": 16384, "N": 4}):
        if arg.startswith(("-P", "-I", "-D")):
            assert arg in built.replace("'\"'\"'", "'"), arg

