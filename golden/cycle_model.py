"""The cycle model: for a program and a machine (N, memories, DRAM latency and bus width), the cycles the RTL
takes from START to the end and every counter's share of them (docs/timing.md is its specification, each
rule traced from the RTL; docs/cycle_model.md says what it models and what it leaves out).

An estimate by design, not a second RTL: each instruction's issue, start and done cycle follow from closed forms
and a few recurrences (fetch, the in-order decoder and its hazard check against the other queues, each unit's
back-to-back timing, a LOAD's element stream on the read channel, a STORE's element transfers), and each
counter's events are laid as intervals over the run and resolved with the hardware's priority. What it
leaves out: arbitration between units for the scratchpad's read port, the accumulator's write ports and the
AXI read channel (fetch against loads), DRAM backpressure and bus errors.

    CycleModel(cfg, latency=100).run(program) -> Prediction(cycles, counters, per-instruction times)
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .checks import broadcast, element_bytes, vector_reads
from .counters import CYCLE_PARTS
from .footprint import conflict, footprint
from .isa import MEM_SP, QUEUE, QUEUES, VECTOR_OPS, Instr, MachineConfig, Op

CHUNK = 8               # instructions a fetch transfer brings (ctrl.v CHUNK), one transfer in flight
FETCH_SLOTS = 16        # the fetch buffer (2 * CHUNK)
QDEPTH = 4              # each unit's instruction queue
LOADS_IN_FLIGHT = 128   # load_unit.v LA
NEVER = -(1 << 62)
# The expected cycles a vector instruction loses per cycle of its reads that the load unit spends writing the
# scratchpad: the two walk the 4 banks at different rates, meet in one bank about a quarter of the time, and the
# round robin gives the vector unit half of those (measured on the bench networks' QLinearAdds: 1/8)
SP_CLASH_RATE = 0.125


@dataclass(frozen=True)
class Features:
    """Hardware the model can time besides the RTL as built (the defaults are the RTL): what a change would buy,
    predicted before it is built, and what one bought (docs/cycle_model.md)."""
    weight_port: bool = True        # MATMUL weights on a scratchpad read port of their own, into the shadow bank
                                    # while the last tile's activations stream: a MATMUL costs m + 1, not m + N + 1
                                    # (built: rtl/compute/compute_unit.v; False times the RTL before it)
    store_bursts: bool = True       # a STORE sends the rest of a row of nearby elements as one burst run, words
                                    # shared by elements merged (built: rtl/store/store_unit.v; False: one
                                    # transfer an element, the RTL before it)
    store_early_release: bool = False   # a STORE's ACC rows free once read, not once its writes are answered
    load_broadcast: bool = True     # a LOAD of one element repeated (xs = 0, one row or ys = 0) reads it once and
                                    # writes a row a cycle (built: rtl/load/load_unit.v; False: reads it each row)


RTL = Features()


@dataclass
class Prediction:
    cycles: int
    counters: dict                      # CYCLE_PARTS, retired, rd_bytes, wr_bytes (golden/counters.py names)
    issue: np.ndarray                   # cycle each instruction left the decoder (-1: never reached)
    done: np.ndarray                    # cycle its unit's done pulse was high (its take cycle for CONFIG/SYNC/HALT)
    ops: list = field(default_factory=list)

    def utilisation(self, macs: int, n: int) -> float:
        return macs / (n * n * self.cycles) if self.cycles else 0.0


class _Intervals:
    """Half-open cycle intervals of one event, summed into a per-cycle mask at the end."""

    def __init__(self):
        self.lo: list = []
        self.hi: list = []

    def add(self, lo, hi):
        self.lo.append(lo)
        self.hi.append(hi)

    def extend(self, lo: np.ndarray, hi: np.ndarray):
        self.lo.append(np.asarray(lo, np.int64))
        self.hi.append(np.asarray(hi, np.int64))

    def mask(self, end: int) -> np.ndarray:
        """Cycles 1..end covered (index = cycle)."""
        d = np.zeros(end + 2, np.int64)
        if self.lo:
            lo = np.clip(np.concatenate([np.atleast_1d(x) for x in self.lo]), 1, end + 1)
            hi = np.clip(np.concatenate([np.atleast_1d(x) for x in self.hi]), 1, end + 1)
            keep = hi > lo
            np.add.at(d, lo[keep], 1)
            np.add.at(d, hi[keep], -1)
        return np.cumsum(d)[:end + 1] > 0


def _beats(offset: np.ndarray, nbytes: int, bus: int) -> np.ndarray:
    return (offset % bus + nbytes - 1) // bus + 1


def _element_offsets(ins: Instr) -> np.ndarray:
    """DRAM address of each element of a LOAD/STORE, in the order the units walk them."""
    i = np.arange(ins.y, dtype=np.int64)[:, None]
    j = np.arange(ins.x, dtype=np.int64)[None, :]
    return (ins.addr + i * ins.ys + j * ins.xs).ravel()


class _Fetch:
    """Chunk c (instructions 8c..8c+7) is requested once the transfer before it is in (one in flight) and the
    buffer has room for it (every instruction of chunk c-2 taken); its beats come L + 3 cycles after the
    request, and an instruction can leave the buffer the cycle after its beat."""

    def __init__(self, count: int, lat: int):
        self.count, self.lat = count, lat
        self.req: list[int] = []
        self.last: list[int] = []

    def _request(self, c: int, take_at: np.ndarray) -> None:
        r = 1 if c == 0 else self.last[c - 1] + 1
        if c >= 2:
            r = max(r, int(take_at[CHUNK * c - CHUNK - 1]) + 1)
        self.req.append(r)
        self.last.append(r + 3 + self.lat + min(CHUNK, self.count - CHUNK * c) - 1)

    def available(self, i: int, take_at: np.ndarray) -> int:
        c = i // CHUNK
        while len(self.req) <= c:
            self._request(len(self.req), take_at)
        return self.req[c] + 4 + self.lat + i - CHUNK * c

    def last_beat_before(self, stop: int, take_at: np.ndarray) -> int:
        """The last beat of every transfer requested by cycle `stop` (the run cannot end before it)."""
        c = len(self.req)
        if CHUNK * c < self.count and (c < 2 or take_at[CHUNK * c - CHUNK - 1] > 0):
            self._request(c, take_at)
            if self.req[-1] > stop:
                self.req.pop()
                self.last.pop()
        return self.last[-1] if self.last else 0


class CycleModel:
    def __init__(self, cfg: MachineConfig, latency: int = 100, bus_bytes: int = 16, features: Features = RTL):
        self.cfg, self.lat, self.bus, self.hw = cfg, int(latency), int(bus_bytes), features

    # ---- the units ---------------------------------------------------------------------------------------------

    def _load(self, ins: Instr, s: int, ev) -> tuple[int, int]:
        """LOAD/PAD latched at s: (done cycle, DRAM bytes read)."""
        if ins.op == Op.PAD:
            return s + ins.count + 3, 0
        h, w = ins.pt + ins.y + ins.pb, ins.pl + ins.x + ins.pr
        r = np.arange(h)[:, None]
        c = np.arange(w)[None, :]
        data = ((r >= ins.pt) & (r < ins.pt + ins.y) & (c >= ins.pl) & (c < ins.pl + ins.x)).ravel()
        eb = element_bytes(ins)
        addr = _element_offsets(ins)
        if self.hw.load_broadcast and broadcast(ins):
            # one element read, written to every data row (a bias row broadcast into an accumulator block)
            addr = addr[:1]
            first = int(np.argmax(data))
            data = np.zeros_like(data)
            data[first] = True
        beats = _beats(addr, eb, self.bus)
        d = len(addr)
        # the walker asks for one element a cycle from s+1; its burst is on AR 3 cycles later; the data comes
        # L later, one beat a cycle on R, in request order
        ar = s + 1 + np.arange(d) + 3
        slots_per_row = np.where(data, 0, 1)
        slots_per_row[data] = beats
        first_slot = np.concatenate([[0], np.cumsum(slots_per_row)[:-1]])
        nslots = int(slots_per_row.sum())
        for _ in range(4):      # the 128-element window couples requests to the writer: iterate to a fixed point
            beat_first = np.concatenate([[0], np.cumsum(beats)[:-1]])
            # each beat q of element e is ready at the DRAM's output at ar_e + L + (q - first beat of e), and
            # the R channel delivers one a cycle: ready_q = max over earlier elements
            ready_e = ar + self.lat - beat_first
            avail = np.full(nslots, NEVER, np.int64)
            elem_slot0 = first_slot[data]
            for b in range(int(beats.max())):
                sel = beats > b
                avail[elem_slot0[sel] + b] = (np.maximum.accumulate(ready_e))[sel] + beat_first[sel] + b
            # the writer takes a slot (a pad row, or a beat) a cycle at the most, from s+1
            k = np.arange(nslots)
            t = k + np.maximum.accumulate(np.maximum(avail - k, s + 1))
            produce = t[first_slot + slots_per_row - 1]
            if d <= LOADS_IN_FLIGHT:
                break
            window = np.concatenate([np.full(LOADS_IN_FLIGHT, NEVER), produce[data][:-LOADS_IN_FLIGHT] + 1])
            new_ar = np.maximum(s + 1 + np.arange(d), window) + 3
            new_ar = np.maximum.accumulate(new_ar - np.arange(d)) + np.arange(d)
            if np.array_equal(new_ar, ar):
                break
            ar = new_ar
        # STALL_DMA_RD: the writer at a data element with no beat for it
        prev = np.concatenate([[s], t[:-1]])
        is_beat = avail != NEVER
        waiting = is_beat & (t > prev + 1)
        ev["stall_dma_rd"].extend(prev[waiting] + 1, t[waiting])
        return int(produce[-1]) + 3, d * eb

    def _store(self, ins: Instr, s: int, ev) -> tuple[int, int]:
        """STORE latched at s: (its done cycle, the cycle after its last ACC read)."""
        eb = element_bytes(ins)
        addr = _element_offsets(ins)
        first_read = s + 1 + (2 if ins.pc else 0)
        if self.hw.store_bursts:
            return self._store_bursts(ins, addr, eb, first_read, ev)
        # the store unit before the burst runs: one transfer an element
        beats = _beats(addr, eb, self.bus)
        e = len(addr)
        visible = first_read + np.arange(e) + (4 if ins.quant else 2)
        # the W path takes a transfer every 4 + beats cycles (the reader, one element a cycle and at most EQ
        # ahead, never holds it back): fire_k = max(visible_k, fire_(k-1) + 4 + beats_(k-1))
        spacing = np.concatenate([[0], np.cumsum(4 + beats[:-1])])
        fire = spacing + np.maximum.accumulate(visible - spacing)
        last_beat = int(fire[-1] + 3 + beats[-1])
        done = last_beat + self.lat + 3
        ev["stall_dma_wr"].extend(fire + 1, fire + 3)
        ev["stall_dma_wr"].extend(fire[:-1] + 3 + beats[:-1], fire[:-1] + 4 + beats[:-1])
        ev["stall_dma_wr"].add(last_beat + 1, done + 1)
        # the reader is at most EQ elements ahead of the writer
        last_read = int(max(first_read + e - 1, fire[max(0, e - 5)] + 4 + beats[max(0, e - 5)])) if e > 4 else first_read + e - 1
        return done, last_read + 1

    def _store_bursts(self, ins: Instr, addr: np.ndarray, eb: int, first_read: int, ev) -> tuple[int, int]:
        """The RTL's transfers (store_unit.v): the rest of a row in one run when its elements neither overlap nor
        lie more than 32 bytes apart, else one element. A transfer's first beat goes 4 cycles after its request
        (the AXI master's address phase), a beat a cycle after, 3 more at each 16-beat or 4 KiB burst boundary.
        The writer merges one element part a cycle into the current word and sends the word with its last
        part (a word between elements goes empty); the reader keeps at most EQ = 6 elements ahead of the
        writer's pops, each visible 4 cycles (raw: 2) after its read."""
        bus, lat = self.bus, 4 if ins.quant else 2
        e = len(addr)
        first_w = addr // bus
        last_w = (addr + eb - 1) // bus
        runs = eb <= ins.xs <= 32
        read = np.empty(e, np.int64)
        pop = np.empty(e, np.int64)

        def visible(q):
            """Element q's read (in order, a cycle apart, at most 6 ahead of the pops), and when it is visible."""
            read[q] = max(first_read + q, int(pop[q - 6]) + 1 if q >= 6 else NEVER,
                          int(read[q - 1]) + 1 if q else NEVER)
            return int(read[q]) + lat

        stall = []
        c = NEVER                            # the writer's last cycle of work
        k = 0
        while k < e:
            j_end = (k // ins.x + 1) * ins.x if runs else k + 1        # the run: the rest of this row
            w0 = int(first_w[k])
            vis_k = visible(k)
            fire = max(vis_k, c + 1)         # the request
            ready = fire + 4                 # the first beat's earliest cycle
            beat, word = 0, w0
            q, part = k, 0
            vis_q = vis_k
            while q < j_end:
                pw = int(first_w[q]) + part
                if pw > word:                # a word no element touches: an empty beat
                    t = max(c + 1, ready)
                else:
                    t = max(c + 1, vis_q)
                    last_part = pw == int(last_w[q])
                    nxt_same = last_part and q + 1 < j_end and int(first_w[q + 1]) == word
                    if nxt_same:             # merged; the beat waits for the next element's part
                        c = t
                        pop[q] = t
                        q, part = q + 1, 0
                        vis_q = visible(q)
                        continue
                    t = max(t, ready)
                    if last_part:
                        pop[q] = t
                        q, part = q + 1, 0
                        if q < j_end:
                            vis_q = visible(q)
                    else:
                        part += 1
                c = t
                beat += 1
                word += 1
                # the next beat: a cycle on, or a new burst's address phase first
                if beat % 16 and word % 256:
                    ready = t + 1
                else:                        # the master's next address phase (the writer waits two cycles)
                    ready, beat = t + 4, 0
                    if q < j_end:
                        stall.append((t + 1, t + 3))
            k = j_end
            stall.append((fire + 1, fire + 3))
            if k < e:
                stall.append((c + 1, c + 2))   # the next request waits for the master to go idle
        done = c + self.lat + 3
        for lo, hi in stall:
            ev["stall_dma_wr"].add(lo, hi)
        ev["stall_dma_wr"].add(c + 1, done + 1)
        return done, int(read[-1]) + 1

    # ---- the program -------------------------------------------------------------------------------------------

    def run(self, prog: list[Instr]) -> Prediction:
        pred = self._run(prog, None)
        if any(i.op in VECTOR_OPS for i in prog) and any(i.op == Op.LOAD and i.mem == MEM_SP for i in prog):
            # the vector unit's reads and the load unit's writes meet in scratchpad banks: time the program again
            # with each vector instruction slowed by the clashes its reads expect under the first pass's writes
            pred = self._run(prog, self._cover(prog, pred, "load"), self._cover(prog, pred, "vector"))
        return pred

    def _cover(self, prog: list[Instr], pred: Prediction, unit: str) -> np.ndarray:
        """Per cycle, how many cycles before it the load unit was writing the scratchpad, or the vector unit
        reading it (a prefix count)."""
        diff = np.zeros(pred.cycles + 2, np.int64)
        for i, ins in enumerate(prog):
            if pred.done[i] < 0:
                continue
            if unit == "load" and ins.op == Op.LOAD and ins.mem == MEM_SP:
                lo, hi = int(pred.issue[i]) + self.lat + 5, int(pred.done[i]) - 2
            elif unit == "vector" and ins.op in VECTOR_OPS:
                lo, hi = int(pred.issue[i]) + 1, int(pred.done[i]) - 3
            else:
                continue
            if hi > lo:
                diff[lo] += 1
                diff[hi] -= 1
        return np.concatenate([[0], np.cumsum(np.cumsum(diff) > 0)])

    @staticmethod
    def _clashes(cover: np.ndarray | None, lo: int, hi: int) -> int:
        """The cycles [lo, hi) expect to lose to the other unit's scratchpad traffic (`cover`)."""
        if cover is None:
            return 0
        last = len(cover) - 1
        return int(SP_CLASH_RATE * (cover[min(hi, last)] - cover[min(lo, last)]))

    def _run(self, prog: list[Instr], sp_writes: np.ndarray | None = None,
             vec_reads: np.ndarray | None = None) -> Prediction:
        cfg, lat = self.cfg, self.lat
        count = len(prog)
        ev = {k: _Intervals() for k in ("mac_active", "vec_active", "stall_weight", "stall_dma_rd", "stall_dma_wr",
                                        "vec_busy", "stall_dep", "stall_full")}
        issue = np.full(count, -1, np.int64)
        done = np.full(count, -1, np.int64)
        queued: dict[str, list] = {q: [] for q in QUEUES}      # (done, footprint parts) of the last QDEPTH entries
        unit_free = {q: 0 for q in QUEUES}                     # the unit's previous done
        retired = rd_bytes = wr_bytes = 0
        take_at = np.zeros(count, np.int64)
        fetch = _Fetch(count, lat)
        prev_take = 0
        mm_hist: list = []          # the last two MATMULs: (latch, first activation, last activation, done, m)
        all_done = 0
        halt_at = None
        for i, ins in enumerate(prog):
            avail = fetch.available(i, take_at)
            head = max(avail, prev_take + 1)
            op = ins.op
            q = QUEUE.get(op)
            if q is None:
                take = head
                if op == Op.SYNC:
                    take = max(head, all_done + 1)
                take_at[i] = issue[i] = done[i] = take
                prev_take = take
                retired += 1
                if op == Op.HALT:
                    halt_at = take
                    break
                continue
            fp = footprint(ins, cfg)
            hz = head
            for q2 in QUEUES:
                if q2 == q:
                    continue
                for _, parts in queued[q2]:
                    for d2, fp2 in parts:
                        if d2 + 1 > hz and conflict(fp, fp2):
                            hz = d2 + 1
            mine = queued[q]
            slot = mine[-QDEPTH][0] + 1 if len(mine) >= QDEPTH else head
            take = max(head, hz, slot)
            if hz > head:
                ev["stall_dep"].add(head, hz)
            if take > max(head, hz):
                ev["stall_full"].add(max(head, hz), take)
            take_at[i] = issue[i] = take
            prev_take = take
            # the unit
            s = max(take + 1, unit_free[q] + 1)
            if q == "load":
                dn, nb = self._load(ins, s, ev)
                rd_bytes += nb
                if ins.op == Op.LOAD and ins.mem == MEM_SP:
                    dn += self._clashes(vec_reads, s + lat + 5, dn - 2)
            elif q == "store":
                dn, acc_free = self._store(ins, s, ev)
                wr_bytes += ins.y * ins.x * element_bytes(ins)
            elif q == "vector":
                reads = vector_reads(ins)
                ev["vec_active"].add(s, s + reads)
                dn = s + reads - 1 + (5 if op == Op.VADD else 3)
                dn += self._clashes(sp_writes, s, s + reads)
                ev["vec_busy"].add(take + 1, dn + 1)
            else:
                dn = self._matmul(ins, take, mm_hist, ev)
            done[i] = dn
            unit_free[q] = dn
            parts = [(dn, fp)]                  # (the cycle it holds them to, the footprint)
            if q == "store" and self.hw.store_early_release:
                parts = [(dn, {k: v for k, v in fp.items() if not k.startswith("acc")}),
                         (acc_free - 1, {k: v for k, v in fp.items() if k.startswith("acc")})]
            mine.append((dn, parts))
            if len(mine) > QDEPTH:
                del mine[0]
            all_done = max(all_done, dn)
            retired += 1
        stop = halt_at if halt_at is not None else prev_take
        end = max(all_done + 1, stop + 2, fetch.last_beat_before(stop, take_at) + 1)
        return self._resolve(prog, end, ev, issue, done, retired, rd_bytes, wr_bytes)

    def _matmul(self, ins: Instr, take: int, hist: list, ev) -> int:
        if self.hw.weight_port:
            return self._matmul_weight_port(ins, take, hist, ev)
        n, m = self.cfg.n, ins.m
        s = take + 1
        if hist:
            ps, pa0, pa1, pdone, pm, _ = hist[-1]
            s = max(s, ps + n + pm + 1, pa1 - 8)
        w0 = s + 4
        if len(hist) >= 2:
            s = max(s, hist[-2][3] + 1)        # two MATMULs read and not done: wait for the older
            w0 = max(s + 4, hist[-2][3] + 1)   # the weight bank it used must be empty
        if hist:
            w0 = max(w0, hist[-1][1] + 1)      # and the other bank swapped in
        a0 = w0 + n
        a1 = a0 + m - 1
        dn = a1 + 2 * n
        ev["stall_weight"].add(w0, w0 + n)
        ev["mac_active"].add(a0, a1 + 1)
        hist.append((s, a0, a1, dn, m, s))
        if len(hist) > 2:
            del hist[0]
        return dn

    def _matmul_weight_port(self, ins: Instr, take: int, hist: list, ev) -> int:
        """Weights on their own port: tile k's weight reads start once its entry is visible and is at most one
        behind the head (tile k-2 done), one after the other tile's; they enter the shadow bank once tile k-1
        swapped in (and k-2 left the array) while tile k-1's activations stream on the activation port."""
        n, m = self.cfg.n, ins.m
        s = w_start = take + 1
        if hist:
            s = max(s, hist[-1][0] + hist[-1][4] + 1)
            w_start = max(w_start, hist[-1][5] + n)
        if len(hist) >= 2:
            # two MATMULs ahead: both issuers wait for the older's done, their count drops, then they latch
            s = max(s, hist[-2][3] + 2)
            w_start = max(w_start, hist[-2][3] + 2)
        w0 = w_start + 3
        if len(hist) >= 2:
            w0 = max(w0, hist[-2][3] + 1)
        if hist:
            w0 = max(w0, hist[-1][1] + 1)
        a0 = max(s + 4, w0 + n, hist[-1][2] + 1 if hist else 0)
        a1 = a0 + m - 1
        dn = a1 + 2 * n
        ev["stall_weight"].add(w0, w0 + n)        # weights entering (hidden under activations when they overlap)
        ev["mac_active"].add(a0, a1 + 1)
        hist.append((s, a0, a1, dn, m, w_start))
        if len(hist) > 2:
            del hist[0]
        return dn

    def _resolve(self, prog, end, ev, issue, done, retired, rd_bytes, wr_bytes) -> Prediction:
        """Each cycle 1..end to the first true of the counters' priority (docs/timing.md section 4)."""
        free = np.ones(end + 1, bool)
        free[0] = False
        counts = {}
        for part in CYCLE_PARTS:
            if part == "stall_other":
                counts[part] = int(free.sum())
                continue
            src = ev["vec_busy"] if part == "stall_vec" else ev[part]
            m = src.mask(end) & free
            counts[part] = int(m.sum())
            free &= ~m
        counters = {"cycles": end, **counts, "retired": retired, "rd_bytes": rd_bytes, "wr_bytes": wr_bytes}
        return Prediction(end, counters, issue, done, [i.op for i in prog])


def breakdown(counters: dict) -> str:
    """The cycle parts of a run, as the counters give them."""
    return ", ".join(f"{k} {counters[k]:,}" for k in CYCLE_PARTS if counters.get(k))


def over_prediction(pred: Prediction, measured: dict, limit: float) -> str | None:
    """None when the measured cycles are at most (1 + limit) x the prediction; else what the RTL spent beyond it,
    counter by counter (the performance check: simulated cycles are deterministic, so this checks pipelining)."""
    cyc = measured["cycles"]
    if cyc <= (1 + limit) * pred.cycles:
        return None
    diff = ", ".join(f"{k} {measured[k] - pred.counters[k]:+,}" for k in CYCLE_PARTS
                     if measured[k] != pred.counters[k])
    return (f"{cyc:,} cycles, {100 * (cyc / pred.cycles - 1):.1f} % over the cycle model's {pred.cycles:,} (limit "
            f"{100 * limit:.0f} %): measured {breakdown(measured)}; predicted {breakdown(pred.counters)}; "
            f"measured - predicted: {diff}")
