"""`make waves`: find the waveform of a run and open it in GTKWave with a saved view for its block.

    python -m sim.waves --block npu_top --sim verilator --seed 3 [-P 'N=16'] [--define …] [--no-open]

The run is the one `make sim … WAVES=1` wrote (the command every failing test prints). The view (a .gtkw
next to the waves) groups the signals a debugger wants -- for npu_top: the CSR bus, the controller, the DRAM
read and write channels, each unit, the array's inputs and outputs, the accumulator writes and the counters --
with the widths read from the wave file itself, so one view serves both simulators. Without a display (or
without gtkwave) it prints where the files are and the command to open them."""
from __future__ import annotations

import argparse
import fnmatch
import os
import shutil
import subprocess
import sys
from pathlib import Path

from sim import blocks
from sim.run import _params, default_run_dir

# block -> [(group, [signal patterns relative to the testbench top])]; fnmatch patterns
VIEWS = {
    "npu_top": [
        ("CSR bus (AXI4-Lite) and interrupt", ["irq", "s_axil_*valid", "s_axil_*ready", "s_axil_awaddr",
                                               "s_axil_wdata", "s_axil_araddr", "s_axil_rdata", "s_axil_*resp"]),
        ("controller", ["u_npu.u_ctrl.state", "u_npu.u_ctrl.d_idx", "u_npu.u_ctrl.f_busy", "u_npu.u_ctrl.issue",
                        "u_npu.u_ctrl.hazard", "u_npu.u_ctrl.q_full", "u_npu.u_ctrl.stop", "u_npu.lq_valid",
                        "u_npu.cq_valid", "u_npu.sq_valid", "u_npu.lq_done", "u_npu.cq_done", "u_npu.sq_done",
                        "u_npu.err_code", "u_npu.err_index"]),
        ("DRAM read (AR, R)", ["m_axi_ar*", "m_axi_r*"]),
        ("DRAM write (AW, W, B)", ["m_axi_aw*", "m_axi_w*", "m_axi_b*"]),
        ("load unit", ["u_npu.u_load.state", "u_npu.u_load.sp_valid", "u_npu.u_load.sp_ready", "u_npu.u_load.sp_row",
                       "u_npu.u_load.acc_valid", "u_npu.u_load.acc_row", "u_npu.u_load.rq_valid",
                       "u_npu.u_load.rq_addr"]),
        ("compute unit", ["u_npu.u_compute.phase", "u_npu.u_compute.ahead", "u_npu.u_compute.ik",
                          "u_npu.u_compute.f_count", "u_npu.u_compute.sp_valid", "u_npu.u_compute.sp_ready",
                          "u_npu.u_compute.sp_row", "u_npu.u_compute.outs"]),
        ("MAC array in/out", ["u_npu.w_valid", "u_npu.w_ready", "u_npu.a_valid", "u_npu.a_ready", "u_npu.a_swap",
                              "u_npu.a_tag", "u_npu.o_valid", "u_npu.o_tag", "u_npu.o_data"]),
        ("accumulator writes", ["u_npu.u_acc.a_valid", "u_npu.u_acc.a_acc", "u_npu.u_acc.a_row",
                                "u_npu.u_acc.a_wb_valid", "u_npu.u_acc.a_wb_data", "u_npu.u_acc.b_valid",
                                "u_npu.u_acc.b_ready", "u_npu.u_acc.b_row"]),
        ("store unit", ["u_npu.u_store.state", "u_npu.u_store.r_valid", "u_npu.u_store.r_row",
                        "u_npu.u_store.wq_valid", "u_npu.u_store.wq_addr", "u_npu.u_store.wd_valid",
                        "u_npu.u_store.wd_strb"]),
        ("counters", ["u_npu.cycles", "u_npu.mac_active", "u_npu.stall_*", "u_npu.retired"]),
        ("AXI4 checker", ["violation", "violation_code"]),
    ],
}
DEFAULT_VIEW = [("ports", ["*"])]


def signals(wave: Path, top: str) -> dict[str, int]:
    """path under `top` -> width, from the wave file's header (fst2vcd for FST)."""
    if wave.suffix == ".fst":
        if not shutil.which("fst2vcd"):
            return {}
        p = subprocess.Popen(["fst2vcd", str(wave)], stdout=subprocess.PIPE, text=True, errors="replace")
        lines = []
        for ln in p.stdout:
            if ln.startswith("$enddefinitions"):
                break
            lines.append(ln)
        p.kill()
    else:
        lines = wave.read_text(errors="replace").split("$enddefinitions")[0].splitlines()
    scope, out = [], {}
    for ln in lines:
        t = ln.split()
        if not t:
            continue
        if t[0] == "$scope":
            scope.append(t[2])
        elif t[0] == "$upscope":
            scope.pop()
        elif t[0] == "$var" and len(scope) >= 1 and top in scope:
            rel = ".".join(scope[scope.index(top) + 1:] + [t[4]])
            out.setdefault(rel, int(t[2]))
    return out


def write_view(block: str, wave: Path, top: str) -> Path:
    sigs = signals(wave, top)
    view = wave.with_name(f"{block}.gtkw")
    lines = [f'[dumpfile] "{wave}"', f'[savefile] "{view}"', "[timestart] 0", "[size] 1600 1000", "[pos] -1 -1",
             "*-24.000000 0 -1 -1"]
    for title, patterns in VIEWS.get(block, DEFAULT_VIEW):
        chosen = [s for pat in patterns for s in sorted(sigs) if fnmatch.fnmatchcase(s, pat) and "." not in
                  s[len(pat.rsplit(".", 1)[0]) + 1 if "." in pat else 0:]]
        if not chosen and sigs:
            continue
        lines += ["@800200", f"-{title}"]
        for s in dict.fromkeys(chosen):
            w = sigs[s]
            lines += ["@22" if w > 1 else "@28", f"{top}.{s}" + (f"[{w - 1}:0]" if w > 1 else "")]
        lines += ["@1000200", f"-{title}"]
    view.write_text("\n".join(lines) + "\n")
    return view


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--block", required=True, choices=sorted(blocks.BLOCKS))
    ap.add_argument("--sim", default="icarus")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-P", "--param", action="append", default=[])
    ap.add_argument("--define", action="append", default=[])
    ap.add_argument("--no-open", action="store_true")
    args = ap.parse_args(argv)
    defines = tuple(d for item in args.define for d in item.split())
    run_dir = default_run_dir(args.block, args.sim, args.seed, _params(args.param), defines)
    waves = sorted(run_dir.glob("*.fst")) + sorted(run_dir.glob("*.vcd"))
    if not waves:
        print(f"waves: none in {run_dir}\n  write them first: make sim BLOCK={args.block} SIM={args.sim} "
              f"SEED={args.seed} WAVES=1 (the command a failing test prints)")
        return 1
    wave = max(waves, key=lambda p: p.stat().st_mtime)
    view = write_view(args.block, wave, blocks.get(args.block).toplevel)
    cmd = f"gtkwave {wave} {view}"
    print(f"waves: {wave}\nview:  {view}")
    if args.no_open or not shutil.which("gtkwave") or not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        why = "no gtkwave on PATH (apt-get install gtkwave)" if not shutil.which("gtkwave") else \
            "no display" if not args.no_open else "--no-open"
        print(f"open with: {cmd}   ({why})")
        return 0
    subprocess.Popen(cmd.split(), start_new_session=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
