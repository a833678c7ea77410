"""Self-tests of the internal-interface protocol checkers (verif/common/hdl/*_checker.v), each checker its own
toplevel: one cocotb test per rule drives legal traffic, then breaks that rule on purpose and requires the
checker to name it; `*_legal` drives only legal traffic and requires silence. verif/tests/test_checkers.py
runs each test in a simulation of its own (a checker's violation is sticky)."""
from __future__ import annotations

import cocotb
from cocotb.triggers import FallingEdge, ReadOnly

from golden.layout import queue_entry
from verif.common.clock_reset import reset, start_clock


async def _start(dut, **zero):
    start_clock(dut.clk)
    for name in zero:
        getattr(dut, name).value = 0
    await reset(dut.clk, dut.rst_n)
    await FallingEdge(dut.clk)


async def _cycles(dut, k=1):
    for _ in range(k):
        await FallingEdge(dut.clk)


async def _expect(dut, rule: int | None):
    await _cycles(dut, 2)
    await ReadOnly()
    got = int(dut.violation_code.value) if dut.violation.value == 1 else None
    assert got == rule, f"{dut._name}: expected {'rule %d' % rule if rule else 'no violation'}, got {got}"


# ---- queue_checker ------------------------------------------------------------------------------------------
Q_IN = dict(push=0, valid=0, head=0, done=0, err=0, idle=1)


async def _queue(dut, steps):
    """Each step: the inputs for one cycle (idle=0 while a program runs)."""
    for step in steps:
        for k, v in {**Q_IN, "idle": 0, **step}.items():
            getattr(dut, k).value = v
        await _cycles(dut)
    for k, v in Q_IN.items():
        getattr(dut, k).value = v


def _e(i):
    return queue_entry(i, 0x1 | i << 8)


LEGAL_QUEUE = [dict(push=1), dict(valid=1, head=_e(0)), dict(valid=1, head=_e(0), push=1),
               dict(valid=1, head=_e(0), done=1), dict(valid=1, head=_e(1)), dict(valid=1, head=_e(1), done=1, err=1),
               dict()]
BROKEN_QUEUE = {
    1: LEGAL_QUEUE[:1] + [dict(done=1)],                                         # done with no head
    2: [dict(push=1), dict(valid=1, head=_e(0), err=1)],                         # err without done
    4: [dict(push=1), dict(valid=1, head=_e(0)), dict(valid=1, head=_e(5))],     # head changed under the unit
    5: [dict(push=1), dict(valid=1, head=_e(0), done=1), dict(valid=1, head=_e(1), done=1)],   # a second done
    6: [dict(push=1), dict(push=1), dict(valid=1, head=_e(3), done=1), dict(valid=1, head=_e(2), done=1)],
    7: [dict(push=1), dict(push=1), dict(valid=1, head=_e(0), done=1), dict(idle=1)],          # one never done
}


@cocotb.test()
async def queue_legal(dut):
    await _start(dut, **Q_IN)
    await _queue(dut, LEGAL_QUEUE)
    await _expect(dut, None)


async def _queue_rule(dut, rule):
    await _start(dut, **Q_IN)
    await _queue(dut, LEGAL_QUEUE)
    await _queue(dut, [dict(idle=1)])               # the legal program ends
    await _queue(dut, BROKEN_QUEUE[rule])
    await _expect(dut, rule)


for _rule in BROKEN_QUEUE:
    async def _t(dut, rule=_rule):
        await _queue_rule(dut, rule)
    _t.__name__ = _t.__qualname__ = f"queue_rule_{_rule}"
    globals()[_t.__name__] = cocotb.test()(_t)


@cocotb.test()
async def queue_rule_3(dut):
    """A done during reset."""
    start_clock(dut.clk)
    for k, v in Q_IN.items():
        getattr(dut, k).value = v
    dut.rst_n.value = 0
    await _cycles(dut, 2)
    dut.done.value = 1
    await _expect(dut, 3)


# ---- mem_port_checker (MAX_LATENCY 4) ---------------------------------------------------------------------
M_IN = dict(valid=0, ready=0, rsp_valid=0)


async def _mem(dut, steps):
    for step in steps:
        for k, v in {**M_IN, **step}.items():
            getattr(dut, k).value = v
        await _cycles(dut)
    for k, v in M_IN.items():
        getattr(dut, k).value = v


LEGAL_MEM = [dict(valid=1, ready=1), dict(valid=1, ready=1, rsp_valid=1), dict(rsp_valid=1), dict(valid=1),
             dict(valid=1, ready=1), dict(), dict(), dict(rsp_valid=1)]
BROKEN_MEM = {1: [dict(rsp_valid=1)],                                  # a response nobody asked for
              2: [dict(valid=1, ready=1)] + [dict()] * 6}              # a request never answered


@cocotb.test()
async def mem_legal(dut):
    await _start(dut, **M_IN)
    await _mem(dut, LEGAL_MEM)
    await _expect(dut, None)


for _rule in BROKEN_MEM:
    async def _m(dut, rule=_rule):
        await _start(dut, **M_IN)
        await _mem(dut, LEGAL_MEM + BROKEN_MEM[rule])
        await _expect(dut, rule)
    _m.__name__ = _m.__qualname__ = f"mem_rule_{_rule}"
    globals()[_m.__name__] = cocotb.test()(_m)


@cocotb.test()
async def mem_rule_3(dut):
    """A request accepted during reset."""
    start_clock(dut.clk)
    for k, v in M_IN.items():
        getattr(dut, k).value = v
    dut.rst_n.value = 0
    await _cycles(dut, 2)
    dut.valid.value = dut.ready.value = 1
    await _expect(dut, 3)


# ---- stream_checker ---------------------------------------------------------------------------------------
S_IN = dict(valid=0, ready=0, payload=0)


async def _stream(dut, steps):
    for step in steps:
        for k, v in {**S_IN, **step}.items():
            getattr(dut, k).value = v
        await _cycles(dut)
    for k, v in S_IN.items():
        getattr(dut, k).value = v


LEGAL_STREAM = [dict(valid=1, payload=5), dict(valid=1, payload=5), dict(valid=1, ready=1, payload=5),
                dict(valid=1, ready=1, payload=6), dict(), dict(valid=1, ready=1, payload=7)]
BROKEN_STREAM = {1: [dict(valid=1, payload=3), dict()],                                    # withdrawn
                 2: [dict(valid=1, payload=3), dict(valid=1, payload=4)]}                  # changed


@cocotb.test()
async def stream_legal(dut):
    await _start(dut, **S_IN)
    await _stream(dut, LEGAL_STREAM)
    await _expect(dut, None)


for _rule in BROKEN_STREAM:
    async def _s(dut, rule=_rule):
        await _start(dut, **S_IN)
        await _stream(dut, LEGAL_STREAM + BROKEN_STREAM[rule])
        await _expect(dut, rule)
    _s.__name__ = _s.__qualname__ = f"stream_rule_{_rule}"
    globals()[_s.__name__] = cocotb.test()(_s)


@cocotb.test()
async def stream_rule_3(dut):
    """A transfer during reset."""
    start_clock(dut.clk)
    for k, v in S_IN.items():
        getattr(dut, k).value = v
    dut.rst_n.value = 0
    await _cycles(dut, 2)
    dut.valid.value = dut.ready.value = 1
    await _expect(dut, 3)
