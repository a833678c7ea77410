"""Block environment for rtl/ctrl: the controller against models of its fetch port and its three units,
checked against the golden model's decode, checks and hazard footprints."""
