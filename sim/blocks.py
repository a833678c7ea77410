"""The simulatable units: each names its top module, its RTL, its cocotb/pyuvm test module and default
parameters. `make sim BLOCK=…`, the regression runner and the pytest wrappers all start simulations from here.

A block's tests are not listed here: they are discovered in its test module (every class decorated
`@pyuvm.test()` and every function decorated `@cocotb.test()`), read as source, so a test is declared once,
where it is written."""
from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RTL = ROOT / "rtl"


@dataclass(frozen=True)
class Block:
    name: str
    toplevel: str
    rtl_dirs: tuple[str, ...]
    test_module: str
    defaults: dict = field(default_factory=dict)
    tb_dirs: tuple[str, ...] = ()      # testbench HDL (wrappers, protocol checkers) under verif/

    @property
    def tests(self) -> tuple[str, ...]:
        return discover_tests(self.test_module)

    def sources(self) -> list[Path]:
        return sorted(p for d in self.rtl_dirs for p in (RTL / d).glob("*.v")) + \
            sorted(p for d in self.tb_dirs for p in (ROOT / "verif" / d).glob("*.v"))


def _is_test_decorator(d: ast.expr) -> bool:
    """`@pyuvm.test()`, `@cocotb.test()` (with or without arguments or the call)."""
    f = d.func if isinstance(d, ast.Call) else d
    return isinstance(f, ast.Attribute) and f.attr == "test" and getattr(f.value, "id", None) in ("pyuvm", "cocotb")


@functools.cache
def discover_tests(module: str) -> tuple[str, ...]:
    """The tests a cocotb test module declares, in source order."""
    path = ROOT / (module.replace(".", "/") + ".py")
    if not path.exists():
        raise FileNotFoundError(f"test module {module} not found ({path})")
    return tuple(n.name for n in ast.parse(path.read_text()).body
                 if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                 and any(_is_test_decorator(d) for d in n.decorator_list))


BLOCKS = {b.name: b for b in [
    Block("mac_array", "mac_array", ("mac_array",), "verif.mac_array.mac_array_tests",
          {"N": 8, "TAG_W": 24}),
    Block("scratchpad", "scratchpad", ("sram",), "verif.sram.scratchpad_tests", {"N": 8, "ROWS": 64, "NB": 4}),
    Block("accumulator", "accumulator", ("sram",), "verif.sram.accumulator_tests",
          {"N": 8, "ROWS": 64, "WRITE_PRIORITY": 0, "DEDICATED_READ": 0}),
    Block("accumulator_banks", "tb_accumulator_banks", ("sram",), "verif.sram.accumulator_banks_tests",
          {"N": 8, "ROWS": 64}, tb_dirs=("sram/hdl",)),
    Block("axi_master", "tb_axi_master", ("interconnect",), "verif.interconnect.interconnect_tests",
          {"DW": 128, "MAX_OUT": 4}, tb_dirs=("interconnect/hdl",)),
    Block("ctrl", "ctrl", ("ctrl",), "verif.ctrl.ctrl_tests",
          {"N": 8, "SP_ROWS": 256, "ACC_ROWS": 128, "DRAM_BYTES": 16384}),
    Block("csr_regs", "csr_regs", ("interconnect",), "verif.csr.csr_tests",
          {"N": 8, "SP_ROWS": 4096, "ACC_ROWS": 1024, "DRAM_BYTES": 1 << 20}),
    Block("requant", "tb_requant", ("store",), "verif.requant.requant_tests", {}, tb_dirs=("requant/hdl",)),
    Block("store_unit", "tb_store", ("store", "sram", "interconnect", "common"), "verif.store.store_tests", {"N": 8, "ROWS": 48},
          tb_dirs=("store/hdl", "interconnect/hdl", "common/hdl")),
    Block("load_unit", "tb_load", ("load", "sram", "interconnect"), "verif.load.load_tests",
          {"N": 8, "SP_ROWS": 64, "ACC_ROWS": 48}, tb_dirs=("load/hdl", "interconnect/hdl", "common/hdl")),
    Block("compute_unit", "tb_compute", ("compute", "mac_array", "sram", "common"), "verif.compute.compute_tests",
          {"N": 8, "SP_ROWS": 64, "ACC_ROWS": 48}, tb_dirs=("compute/hdl", "common/hdl")),
    Block("vector_unit", "tb_vector", ("vector", "sram"), "verif.vector.vector_tests",
          {"N": 8, "SP_ROWS": 64, "ACC_ROWS": 48}, tb_dirs=("vector/hdl", "common/hdl")),
    Block("npu_top", "tb_npu_top", ("", "ctrl", "interconnect", "load", "compute", "store", "sram", "mac_array", "vector", "common"),
          "verif.top.top_tests", {"N": 8, "SP_ROWS": 256, "ACC_ROWS": 128, "DRAM_BYTES": 16384},
          tb_dirs=("top/hdl", "interconnect/hdl", "common/hdl")),
    # the regression runner's self-test: a pass, a hang only the wall-clock watchdog ends, a simulator crash
    Block("planted", "csr_regs", ("interconnect",), "verif.common.planted_tests", {}),
    # make bench: the same testbench at the sizes the benchmark programs need (sim/bench.py)
    Block("npu_top_bench", "tb_npu_top", ("", "ctrl", "interconnect", "load", "compute", "store", "sram", "mac_array", "vector", "common"),
          "verif.top.bench_tests", {"N": 8, "SP_ROWS": 16384, "ACC_ROWS": 1024, "DRAM_BYTES": 0x100000},
          tb_dirs=("top/hdl", "interconnect/hdl", "common/hdl")),
]}


def get(name: str) -> Block:
    try:
        return BLOCKS[name]
    except KeyError:
        raise KeyError(f"unknown block {name!r} (blocks: {', '.join(BLOCKS)})") from None
