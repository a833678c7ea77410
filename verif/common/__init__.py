"""Pieces every npu8 environment shares: seeding, test base, scoreboard base, clock/reset, coverage export."""
