"""The csr environment's typed configuration: the test builds one CsrEnvConfig and publishes it once;
every component reads it with `CsrEnvConfig.get(self)`. A module of its own, because the components that read it
are the ones csr_env.py imports."""
from __future__ import annotations

from dataclasses import dataclass

from verif.common.env_config import EnvConfig

from .csr_bfm import CsrBfm


@dataclass(kw_only=True)
class CsrEnvConfig(EnvConfig):
    bfm: CsrBfm
    accesses: int = 400           # random accesses per test
    inputs_rate: float = 0.3      # chance, before an access, of new controller-side inputs
    done_rate: float = 0.1        # chance, before an access, of a done pulse
