"""Scoreboard of ctrl, one program at a time, against the golden model:
- the end: error code and index equal the golden simulator's (DONE: code 0);
- each unit executed exactly the golden model's instructions of its queue, in program order, with the raw
  word and the CONFIG values in force at that point (up to the faulting index);
- hazards: an instruction is issued only after every earlier conflicting instruction of another queue
  completed (footprints from golden/footprint.py, not from the RTL); after a SYNC, nothing is issued until
  everything before it completed; done rises after the last unit finished."""
from __future__ import annotations

from golden.footprint import conflict, footprint
from golden.layout import config_snapshot
from golden.isa import QUEUE, ErrorCode, Op
from golden.simulator import run_program
from verif.common.counters import cycle_invariant_error
from verif.common.scoreboard_base import ScoreboardBase

from .ctrl_coverage import sample_program


class CtrlScoreboard(ScoreboardBase):
    def check_program(self, name, rp, faulty, got_code, got_index, done_cycle, executed, issued, counters,
                      events=None):
        res = run_program(rp.cfg, rp.dram, rp.inst_base, rp.inst_count, bus_errors=faulty)
        where = f"{name}"
        self.compared += 1
        want_code = int(res.err_code) if res.status == "ERROR" else 0
        want_index = res.err_index if res.status == "ERROR" else 0
        sample_program(rp, res, counters)
        if (got_code, got_index) != (want_code, want_index):
            self.mismatch(f"{where}: ended with code {got_code} ({ErrorCode(got_code).name}) at index {got_index}, "
                          f"golden: {ErrorCode(want_code).name} at {want_index} ({res.message()})")
            return
        # what each queue must have executed, with the CONFIG in force
        limit = rp.inst_count if res.status == "DONE" else res.err_index
        cfg = 0
        want = {"load": [], "compute": [], "store": []}
        fps, queue_of, sync_before = {}, {}, []
        from golden.isa import encode
        for i, ins in enumerate(rp.prog[:limit]):
            if ins.op == Op.CONFIG:
                cfg = config_snapshot(ins)
            elif ins.op == Op.SYNC:
                sync_before.append(i)
            elif ins.op in QUEUE:
                want[QUEUE[ins.op]].append((i, encode(ins), cfg))
                fps[i], queue_of[i] = footprint(ins, rp.cfg), QUEUE[ins.op]
        bus = res.err_code == ErrorCode.BUS
        for q in want:
            got = [(i, w, c) for i, w, c, _, _ in executed[q]]
            if bus:   # imprecise: later instructions may also have run; the ones before must all be there
                got = [g for g in got if g[0] < limit]
            if got != want[q]:
                first = next((k for k, (a, b) in enumerate(zip(got, want[q])) if a != b), min(len(got), len(want[q])))
                g = got[first] if first < len(got) else None
                w = want[q][first] if first < len(want[q]) else None
                self.mismatch(f"{where}: {q} unit item {first}: got {self._fmt(g)}, expected {self._fmt(w)} "
                              f"({len(got)} executed, {len(want[q])} expected)")
                return
        done_at = {i: d for q in executed for i, _, _, _, d in executed[q]}
        issue_at = dict(issued)
        for k, fk in fps.items():
            for i in range(k):
                if i in fps and queue_of[i] != queue_of[k] and conflict(fps[i], fk):
                    if not issue_at.get(k, 1 << 60) > done_at.get(i, -1):
                        self.mismatch(f"{where}: hazard: instruction {k} ({queue_of[k]}) issued at cycle "
                                      f"{issue_at.get(k)} before conflicting instruction {i} ({queue_of[i]}) "
                                      f"completed at cycle {done_at.get(i)}")
                        return
        for s in sync_before:
            before = [done_at[i] for i in fps if i < s and i in done_at]
            after = [issue_at[k] for k in fps if k > s and k in issue_at]
            if before and after and min(after) <= max(before):
                self.mismatch(f"{where}: SYNC at {s}: an instruction after it was issued at cycle {min(after)}, "
                              f"before everything before it completed (cycle {max(before)})")
                return
        if done_at and done_cycle <= max(done_at.values()):
            self.mismatch(f"{where}: done at cycle {done_cycle} before the last unit finished ({max(done_at.values())})")
        # MAC-active has the first claim on a cycle, so it counts every signalled cycle; a stall cause counts
        # the signalled cycles no higher-priority cause took (at most all of them); bytes add up exactly.
        for k, v in (events or {}).items():
            exact = k in ("mac_active", "rd_bytes", "wr_bytes")
            if (counters[k] != v) if exact else (counters[k] > v):
                self.mismatch(f"{where}: counter {k} = {counters[k]}, the units signalled {v}")
        if (bad := cycle_invariant_error(counters)):
            self.mismatch(f"{where}: {bad}")
        if res.err_code != ErrorCode.BUS and counters["retired"] != res.executed:
            self.mismatch(f"{where}: retired counter {counters['retired']}, golden executed {res.executed}")

    @staticmethod
    def _fmt(item):
        if item is None:
            return "nothing"
        from golden.asm import disassemble_one
        from golden.isa import decode
        i, w, c = item
        return f"#{i} {disassemble_one(decode(w))} cfg={c:#x}"
