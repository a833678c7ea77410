"""Scoreboard of the load unit: the unit scoreboard (golden model from the input monitor, whole SP and ACC
compared after each instruction), naming each instruction with the pad value its CONFIG set."""
from __future__ import annotations

from golden.asm import disassemble_one
from verif.common.unit_items import Executed
from verif.common.unit_scoreboard import UnitScoreboard


class LoadScoreboard(UnitScoreboard):
    def describe(self, ex: Executed) -> str:
        return f"instruction {ex.index} `{disassemble_one(ex.ins)}` (pad value {ex.conf.pad})"
