"""Scoreboard of the store unit: the unit scoreboard (golden model from the input monitor, the DRAM window
compared byte for byte after each STORE), naming each STORE with the CONFIG it ran under."""
from __future__ import annotations

from golden.asm import disassemble_one
from verif.common.unit_items import Executed
from verif.common.unit_scoreboard import UnitScoreboard


class StoreScoreboard(UnitScoreboard):
    def describe(self, ex: Executed) -> str:
        return f"store {ex.index} `{disassemble_one(ex.ins)}` with `{disassemble_one(ex.conf)}`"
