"""Program sequences of the top-level environment (the stream layer): random legal streams, hazard-seeking
streams, solver-backed streams, directed GEMM / convolution / bias-ReLU-requant chains, the vector unit's
lowered operators against onnxruntime, a compiled network image by image against onnxruntime, error-injection
streams (decode errors, one program per legality check, bus errors), and reset in the middle of a program."""
from .directed_streams import ChainSeq, ConvSeq, GemmSeq, VectorOpSeq
from .hazard_stream import HazardStreamSeq
from .network_seq import NetworkSeq, RandomNetworkSeq
from .random_streams import BusErrorStreamSeq, ErrorStreamSeq, LegalityCheckSeq, LegalStreamSeq, ResetMidProgramSeq
from .solver_stream import SolverStreamSeq

__all__ = ["BusErrorStreamSeq", "ChainSeq", "ConvSeq", "ErrorStreamSeq", "GemmSeq", "HazardStreamSeq",
           "LegalityCheckSeq", "LegalStreamSeq", "NetworkSeq", "RandomNetworkSeq", "ResetMidProgramSeq", "SolverStreamSeq", "VectorOpSeq"]
