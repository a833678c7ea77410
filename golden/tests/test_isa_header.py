"""The one ISA source: rtl/npu8_isa.vh is what golden/isa.py and golden/layout.py generate, the layouts pack
and unpack as the hardware slices them, and no RTL or testbench file cuts an ISA layout by hand."""
import importlib
import re
import sys
from pathlib import Path

import pytest

from golden import isa, isa_header, reference_interp
from golden.isa import FIELDS, Op
from golden.layout import CONFIG_SNAPSHOT, FOOTPRINT, QUEUE_ENTRY, config_snapshot, queue_entry, snapshot_configs

ROOT = Path(__file__).resolve().parents[2]


def test_checked_in_header_is_current():
    assert isa_header.HEADER.read_text() == isa_header.render(), \
        "rtl/npu8_isa.vh is stale: run `python -m golden.isa_header` and commit it"


def test_check_mode_catches_a_stale_header(tmp_path, capsys):
    stale = tmp_path / "npu8_isa.vh"
    stale.write_text(isa_header.render().replace("`define NPU8_OP_LOAD                 4'd1",
                                                 "`define NPU8_OP_LOAD                 4'd9"))
    assert isa_header.main(["--check", "--out", str(stale)]) == 1
    assert "stale" in capsys.readouterr().err
    fresh = tmp_path / "fresh.vh"
    assert isa_header.main(["--out", str(fresh)]) == 0
    assert isa_header.main(["--check", "--out", str(fresh)]) == 0


def _defines(text: str) -> dict[str, str]:
    return dict(re.findall(r"^`define (\S+)\s+(.*)$", text, re.M))


def test_header_field_macros_match_the_field_table():
    d = _defines(isa_header.render())
    for op, fields in FIELDS.items():
        assert d[f"NPU8_OP_{op.name}"] == f"4'd{int(op)}"
        for f in fields:
            assert d[f"NPU8_{op.name}_{f.name.upper()}"] == f"{f.lo + f.width - 1}:{f.lo}"
        assert int(d[f"NPU8_{op.name}_RESERVED"].split("'h")[1], 16) == isa.RESERVED_MASK[op]
    assert d["NPU8_QE_W"] == str(QUEUE_ENTRY.width) == "287"
    assert d["NPU8_FP_W"] == str(FOOTPRINT.width) == "268"
    assert d["NPU8_QE_CFG_RELU"] == "174:174" and d["NPU8_QE_INDEX"] == "286:271"
    assert d["NPU8_QE_CFG_RA"] == "270:239" and d["NPU8_CFG_VCONFIG_PART"] == "142:47"


def test_config_snapshot_and_queue_entry_round_trip():
    conf = isa.make(Op.CONFIG, relu=1, pad=-5, out_zp=-128, shift=63, multiplier=0xABCDEF)
    snap = config_snapshot(conf)
    assert CONFIG_SNAPSHOT.unpack(snap) == {"relu": 1, "pad": -5, "out_zp": -128, "shift": 63, "multiplier": 0xABCDEF,
                                            "ra": 0, "rb": 0, "fixed": 0}
    # the snapshot reads {relu, pad, out_zp, shift, multiplier} from its top bit down
    assert snap >> 46 == 1 and snap & 0xFFFFFF == 0xABCDEF
    assert config_snapshot(None) == 0
    word = isa.encode(isa.make(Op.MATMUL, m=3, a_row=7))
    qe = QUEUE_ENTRY.unpack(queue_entry(513, word, snap))
    assert qe == {"word": word, "cfg": snap, "index": 513}
    with pytest.raises(ValueError, match="qe.index=70000 outside 0..65535"):
        queue_entry(70000, word)
    with pytest.raises(ValueError, match="from CONFIG or VCONFIG"):
        config_snapshot(isa.make(Op.SYNC))
    # VCONFIG sets its own part, above CONFIG's; each instruction replaces only its part
    vconf = isa.make(Op.VCONFIG, ra=0x3F000000, rb=0x40000000, fixed=0xC1200000)
    both = config_snapshot(conf, vconf)
    assert both & ((1 << 47) - 1) == snap and CONFIG_SNAPSHOT.unpack(both)["ra"] == 0x3F000000
    assert snapshot_configs(both) == (conf, vconf)


def test_reference_interpreter_transcribes_the_same_fields():
    """The scalar interpreter keeps its own table (it is the independent implementation); it must say the same."""
    assert set(reference_interp.FIELDS) == {int(op) for op in Op}
    for op, fields in FIELDS.items():
        ref = sorted((lo, hi, signed) for _, hi, lo, signed in reference_interp.FIELDS[int(op)])
        assert ref == sorted((f.lo, f.lo + f.width - 1, f.signed) for f in fields), op.name


def test_simulator_without_a_handler_fails_at_import(monkeypatch):
    import golden.simulator as sim
    monkeypatch.delattr(sim.Simulator, "_pad")
    with pytest.raises(ImportError, match="no handler Simulator._pad for opcode"):
        sim._handlers()


# A numeric part-select or index on a signal carrying an ISA layout (a queue head, an instruction word, a
# footprint, the CONFIG snapshot), or an opcode compared with a literal: what the header replaced.
_HAND_SLICE = re.compile(r"\b(\w*_head|\w*_next|entry|record|\w*word|d_fp|fp|cfg|hw|ew|head_w)\[\s*\d")
_OP_LITERAL = re.compile(r"\b\w*op\w*\s*[!=]=\s*4'd\d")


def _verilog_files():
    return sorted(p for d in ("rtl", "verif") for p in (ROOT / d).rglob("*.v"))


@pytest.mark.parametrize("pattern", [_HAND_SLICE, _OP_LITERAL], ids=["field-slice", "opcode-literal"])
def test_no_hand_written_isa_layout_in_verilog(pattern):
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}" for p in _verilog_files()
             for n, line in enumerate(p.read_text().splitlines(), 1)
             if pattern.search(line.split("//")[0])]
    assert not found, "use rtl/npu8_isa.vh:\n" + "\n".join(found)


def test_the_slice_check_can_fail():
    assert _HAND_SLICE.search("    row <= lq_head[23:8];")
    assert _OP_LITERAL.search("wire c = d_op == 4'd5;")
    assert not _HAND_SLICE.search("    row <= hw[`NPU8_LOAD_ROW];")


def test_python_never_packs_a_queue_entry_by_hand():
    hand = re.compile(r"[<>]{2}\s*175\b|<<\s*(46|38)\b|1 << 47\b")
    found = [f"{p.relative_to(ROOT)}:{n}" for p in sorted((ROOT / "verif").rglob("*.py"))
             for n, line in enumerate(p.read_text().splitlines(), 1) if hand.search(line)]
    assert not found, "use golden.layout:\n" + "\n".join(found)


def test_header_module_runs_standalone(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["isa_header", "--out", str(tmp_path / "h.vh")])
    mod = importlib.import_module("golden.isa_header")
    assert mod.main() == 0 and (tmp_path / "h.vh").read_text() == mod.render()
