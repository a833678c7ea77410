"""Block environment for rtl/mac_array (the systolic array): agent, sequences, scoreboard, coverage, tests."""
