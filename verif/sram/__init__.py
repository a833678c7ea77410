"""Block environment for rtl/sram: the banked scratchpad and the accumulator memory (and the RAM macros
inside them), checked against a reference memory model."""
