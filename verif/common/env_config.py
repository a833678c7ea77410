"""One typed configuration object per environment. The test builds it in its build phase and publishes it once;
every component reads it with `<Its>EnvConfig.get(self)`, so a field is a name the type checker and a reader can
follow, not a string key in ConfigDB."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
from pyuvm import ConfigDB


@dataclass(kw_only=True)
class EnvConfig:
    rng: np.random.Generator            # the test's seeded stimulus generator (verif.common.context.rng)
    params: dict = field(default_factory=dict)   # the Verilog parameters the simulation was built with
    KEY: ClassVar[str] = "env_cfg"

    def publish(self) -> None:
        ConfigDB().set(None, "*", self.KEY, self)

    @classmethod
    def get(cls, component=None):
        cfg = ConfigDB().get(component, "", cls.KEY)
        if not isinstance(cfg, cls):
            who = component.get_full_name() if component is not None else "ConfigDB"
            raise TypeError(f"{who}: expected a {cls.__name__}, the test published a {type(cfg).__name__}")
        return cfg
