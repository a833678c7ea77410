"""Scoreboard of ctrl, one program at a time. The predictor (fed by the input monitor's ProgramStart) runs the
golden simulator over the DRAM image the controller fetches from and derives, from the instructions it decodes
there, what each unit must execute and which pairs conflict; the comparator (fed by the output monitor's
ProgramResult) checks:
- the end: error code and index equal the golden simulator's (DONE: code 0);
- each unit executed exactly the golden model's instructions of its queue, in program order, with the raw
  word and the CONFIG values in force at that point (up to the faulting index);
- hazards: an instruction is issued only after every earlier conflicting instruction of another queue
  completed (footprints from golden/footprint.py, not from the RTL); after a SYNC, nothing is issued until
  everything before it completed; done rises after the last unit finished;
- no fetch outside DRAM; the counters against the events the unit models signalled, the cycle invariant,
  RETIRED against the golden count."""
from __future__ import annotations

from dataclasses import dataclass

from golden.asm import disassemble_one
from golden.footprint import conflict, footprint
from golden.isa import INSTR_BYTES, QUEUE, QUEUES, ErrorCode, Op, decode
from golden.layout import config_snapshot
from golden.simulator import RunResult, run_program
from verif.common.analysis import InOrderScoreboard
from verif.common.counters import cycle_invariant_error

from .ctrl_config import CtrlEnvConfig
from .ctrl_bfm import BEAT_BYTES
from .ctrl_items import ProgramResult, ProgramStart


@dataclass
class Prediction:
    label: str
    res: RunResult
    code: int                 # expected end code (0: DONE) and index
    index: int
    limit: int                # instructions before the end or the error
    want: dict                # queue -> [(index, word, cfg)] in program order
    fps: dict                 # index -> footprint, for the instructions that go to a queue
    queue_of: dict            # index -> queue
    syncs: list               # indices of the SYNCs before the limit


class CtrlScoreboard(InOrderScoreboard):
    def build_phase(self):
        super().build_phase()
        self.machine = CtrlEnvConfig.get(self).machine

    def predict(self, st: ProgramStart) -> Prediction:
        res = run_program(self.machine, st.image, st.inst_base, st.inst_count, bus_errors=st.faulty)
        error = res.status == "ERROR"
        limit = res.err_index if error else st.inst_count
        conf = vconf = None
        cfg, want, fps, queue_of, syncs = 0, {q: [] for q in QUEUES}, {}, {}, []
        for i in range(limit):     # every instruction before the limit was fetched and decoded legally
            a = st.inst_base + INSTR_BYTES * i
            word = int.from_bytes(st.image[a:a + INSTR_BYTES], "little")
            ins = decode(word)
            if ins.op in (Op.CONFIG, Op.VCONFIG):
                conf, vconf = (ins, vconf) if ins.op == Op.CONFIG else (conf, ins)
                cfg = config_snapshot(conf, vconf)
            elif ins.op == Op.SYNC:
                syncs.append(i)
            elif ins.op in QUEUE:
                want[QUEUE[ins.op]].append((i, word, cfg))
                fps[i], queue_of[i] = footprint(ins, self.machine), QUEUE[ins.op]
        return Prediction(st.label, res, int(res.err_code) if error else 0, res.err_index if error else 0, limit,
                          want, fps, queue_of, syncs)

    def describe(self, p: Prediction) -> str:
        return f"{p.label}: golden {p.res.message()}"

    def compare(self, p: Prediction, got: ProgramResult) -> None:
        where, res = p.label, p.res
        if (got.err_code, got.err_index) != (p.code, p.index):
            self.mismatch(f"{where}: ended with code {got.err_code} ({ErrorCode(got.err_code).name}) at index "
                          f"{got.err_index}, golden: {ErrorCode(p.code).name} at {p.index} ({res.message()})")
            return
        bus = res.err_code == ErrorCode.BUS
        for q, want in p.want.items():
            have = [(i, w, c) for i, w, c, _, _ in got.executed[q]]
            if bus:   # imprecise: later instructions may also have run; the ones before must all be there
                have = [g for g in have if g[0] < p.limit]
            if have != want:
                first = next((k for k, (a, b) in enumerate(zip(have, want)) if a != b), min(len(have), len(want)))
                g = have[first] if first < len(have) else None
                w = want[first] if first < len(want) else None
                self.mismatch(f"{where}: {q} unit item {first}: got {self._fmt(g)}, expected {self._fmt(w)} "
                              f"({len(have)} executed, {len(want)} expected)")
                return
        done_at = {i: d for q in got.executed for i, _, _, _, d in got.executed[q]}
        issue_at = dict(got.issued)
        for k, fk in p.fps.items():
            for i in range(k):
                if i in p.fps and p.queue_of[i] != p.queue_of[k] and conflict(p.fps[i], fk):
                    if not issue_at.get(k, 1 << 60) > done_at.get(i, -1):
                        self.mismatch(f"{where}: hazard: instruction {k} ({p.queue_of[k]}) issued at cycle "
                                      f"{issue_at.get(k)} before conflicting instruction {i} ({p.queue_of[i]}) "
                                      f"completed at cycle {done_at.get(i)}")
                        return
        for s in p.syncs:
            before = [done_at[i] for i in p.fps if i < s and i in done_at]
            after = [issue_at[k] for k in p.fps if k > s and k in issue_at]
            if before and after and min(after) <= max(before):
                self.mismatch(f"{where}: SYNC at {s}: an instruction after it was issued at cycle {min(after)}, "
                              f"before everything before it completed (cycle {max(before)})")
                return
        if done_at and got.done_cycle <= max(done_at.values()):
            self.mismatch(f"{where}: done at cycle {got.done_cycle} before the last unit finished "
                          f"({max(done_at.values())})")
        for addr, beats, c in got.fetches:
            if addr + BEAT_BYTES * beats > self.machine.dram_bytes:
                self.mismatch(f"{where}: fetch of {beats} beat(s) at {addr:#x} (cycle {c}) runs past the end of "
                              f"DRAM ({self.machine.dram_bytes:#x} bytes)")
                break
        # MAC-active has the first claim on a cycle, so it counts every signalled cycle; a stall cause counts
        # the signalled cycles no higher-priority cause took (at most all of them); bytes add up exactly.
        c = got.counters
        for k, v in got.events.items():
            exact = k in ("mac_active", "rd_bytes", "wr_bytes")
            if (c[k] != v) if exact else (c[k] > v):
                self.mismatch(f"{where}: counter {k} = {c[k]}, the units signalled {v}")
        if (bad := cycle_invariant_error(c)):
            self.mismatch(f"{where}: {bad}")
        if not bus and c["retired"] != res.executed:
            self.mismatch(f"{where}: retired counter {c['retired']}, golden executed {res.executed}")

    @staticmethod
    def _fmt(item):
        if item is None:
            return "nothing"
        i, w, c = item
        return f"#{i} {disassemble_one(decode(w))} cfg={c:#x}"
