"""npu8 golden model: ISA encoding, assembler, requantiser, instruction-level simulator and int8 operators.

Everything here is integer arithmetic; docs/isa.md is the specification it implements.
"""
from .isa import (ErrorCode, Instr, MachineConfig, Op, decode, decode_program, encode, encode_program)
from .simulator import RunResult, Simulator, TraceEntry, run_program

__all__ = ["ErrorCode", "Instr", "MachineConfig", "Op", "decode", "decode_program", "encode",
           "encode_program", "RunResult", "Simulator", "TraceEntry", "run_program"]
