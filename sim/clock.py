"""The testbench clock period: every environment's clock generator runs at it, and the run summaries turn
simulated time into cycles with it."""
CLOCK_NS = 10
