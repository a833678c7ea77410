"""What the internal-interface checkers (verif/common/hdl/*_checker.v) report, in words: a testbench joins its
checkers into one `hs_violation` and an 8-bit `hs_code` = {checker index, rule} (handshake_report.vh), and its
BFM names the checkers in the same order."""
from __future__ import annotations

RULES = {
    "queue": {1: "done while the head is not valid", 2: "err without done", 3: "done, err or push during reset",
              4: "the head changed while valid and not yet done", 5: "more dones than instructions issued",
              6: "a done whose index is not after the previous one",
              7: "the controller went idle with issued instructions never done"},
    "mem": {1: "a response with no request outstanding", 2: "a request waited too long for its response",
            3: "a request accepted or a response given during reset"},
    "stream": {1: "valid dropped before ready", 2: "the payload changed while valid and not ready",
               3: "a transfer during reset"},
}


def describe(checkers: tuple[tuple[str, str], ...], code: int) -> str:
    """`checkers`: (name, kind) in the testbench's order; `code`: its hs_code."""
    index, rule = code >> 4, code & 0xF
    if index >= len(checkers):
        return f"internal checker #{index} (unnamed): rule {rule}"
    name, kind = checkers[index]
    return f"internal checker {name} ({kind}): rule {rule}, {RULES[kind].get(rule, 'unknown rule')}"
