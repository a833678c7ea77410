"""A guard for the one environment shape: the scoreboard sees only what a BFM's sampling coroutines record, so a
sampler that misses handshakes (a wrong signal, a trigger that never fires on one simulator) would leave it
nothing to check and the test passing. The BFM counts each kind of handshake twice, where its driving coroutine
sees it complete and where its sampler records it; the agent checks that the two agree."""
from __future__ import annotations

from collections import Counter


class SamplingTally:
    def __init__(self):
        self.driven: Counter = Counter()      # kind -> handshakes the driving coroutines saw complete
        self.sampled: Counter = Counter()     # kind -> handshakes the sampling coroutines recorded

    def missed(self) -> list[str]:
        return [f"{k}: {self.driven[k]} completed, {self.sampled[k]} sampled"
                for k in sorted(set(self.driven) | set(self.sampled)) if self.driven[k] != self.sampled[k]]

    def check(self, who: str) -> None:
        """Call in check_phase: fails the test when the samplers and the drivers disagree."""
        missed = self.missed()
        assert not missed, (f"{who}: the sampling coroutines disagree with the driving ones ({'; '.join(missed)}): "
                            f"what they missed was never checked")
