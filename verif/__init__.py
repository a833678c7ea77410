"""pyuvm verification environments: common/ holds what every environment shares; one folder per block."""
