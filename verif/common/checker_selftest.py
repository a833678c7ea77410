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


async def _drive(dut, idle: dict, steps, during: dict | None = None):
    """Each step: the inputs that differ from `idle` (overlaid on `during`) for one cycle; then `idle`."""
    for step in steps:
        for k, v in {**idle, **(during or {}), **step}.items():
            getattr(dut, k).value = v
        await _cycles(dut)
    for k, v in idle.items():
        getattr(dut, k).value = v


async def _in_reset(dut, idle: dict, bad: dict):
    """Hold reset past its first edge, then drive `bad`: the checker's reset rule (3) must name it."""
    start_clock(dut.clk)
    for k, v in idle.items():
        getattr(dut, k).value = v
    dut.rst_n.value = 0
    await _cycles(dut, 2)
    for k, v in bad.items():
        getattr(dut, k).value = v
    await _expect(dut, 3)


def _tests(prefix: str, idle: dict, legal: list, broken: dict, reset_bad: dict, during: dict | None = None):
    """The checker's cocotb tests: `<prefix>_legal`, `<prefix>_rule_<r>` for each broken rule, and
    `<prefix>_rule_3` (something during reset)."""
    async def legal_test(dut):
        await _start(dut, **idle)
        await _drive(dut, idle, legal, during)
        await _expect(dut, None)

    def rule_test(rule):
        async def t(dut):
            await _start(dut, **idle)
            await _drive(dut, idle, legal + broken[rule], during)
            await _expect(dut, rule)
        return t

    async def reset_test(dut):
        await _in_reset(dut, idle, reset_bad)

    made = {f"{prefix}_legal": legal_test, f"{prefix}_rule_3": reset_test}
    made.update({f"{prefix}_rule_{r}": rule_test(r) for r in broken})
    for name, fn in made.items():
        fn.__name__ = fn.__qualname__ = name
        globals()[name] = cocotb.test()(fn)


async def _expect(dut, rule: int | None):
    await _cycles(dut, 2)
    await ReadOnly()
    got = int(dut.violation_code.value) if dut.violation.value == 1 else None
    assert got == rule, f"{dut._name}: expected {'rule %d' % rule if rule else 'no violation'}, got {got}"


# ---- queue_checker ------------------------------------------------------------------------------------------
def _e(i):
    return queue_entry(i, 0x1 | i << 8)


_tests("queue", dict(push=0, valid=0, head=0, done=0, err=0, idle=1), during=dict(idle=0),   # a program runs
       legal=[dict(push=1), dict(valid=1, head=_e(0)), dict(valid=1, head=_e(0), push=1),
              dict(valid=1, head=_e(0), done=1), dict(valid=1, head=_e(1)),
              dict(valid=1, head=_e(1), done=1, err=1), dict(), dict(idle=1)],
       broken={1: [dict(push=1), dict(done=1)],                                          # done with no head
               2: [dict(push=1), dict(valid=1, head=_e(0), err=1)],                      # err without done
               4: [dict(push=1), dict(valid=1, head=_e(0)), dict(valid=1, head=_e(5))],  # head changed under it
               5: [dict(push=1), dict(valid=1, head=_e(0), done=1), dict(valid=1, head=_e(1), done=1)],  # 2nd done
               6: [dict(push=1), dict(push=1), dict(valid=1, head=_e(3), done=1),
                   dict(valid=1, head=_e(2), done=1)],                                 # out of order
               7: [dict(push=1), dict(push=1), dict(valid=1, head=_e(0), done=1), dict(idle=1)]},      # one left
       reset_bad=dict(done=1))

# ---- mem_port_checker (MAX_LATENCY 4) ---------------------------------------------------------------------
_tests("mem", dict(valid=0, ready=0, rsp_valid=0),
       legal=[dict(valid=1, ready=1), dict(valid=1, ready=1, rsp_valid=1), dict(rsp_valid=1), dict(valid=1),
              dict(valid=1, ready=1), dict(), dict(), dict(rsp_valid=1)],
       broken={1: [dict(rsp_valid=1)],                                   # a response nobody asked for
               2: [dict(valid=1, ready=1)] + [dict()] * 6},              # a request never answered
       reset_bad=dict(valid=1, ready=1))

# ---- stream_checker ---------------------------------------------------------------------------------------
_tests("stream", dict(valid=0, ready=0, payload=0),
       legal=[dict(valid=1, payload=5), dict(valid=1, payload=5), dict(valid=1, ready=1, payload=5),
              dict(valid=1, ready=1, payload=6), dict(), dict(valid=1, ready=1, payload=7)],
       broken={1: [dict(valid=1, payload=3), dict()],                    # withdrawn before ready
               2: [dict(valid=1, payload=3), dict(valid=1, payload=4)]},  # changed before ready
       reset_bad=dict(valid=1, ready=1))
