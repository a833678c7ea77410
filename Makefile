# npu8: make targets. Every target bootstraps what it needs (make setup); `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
SETUP_STAMP := $(VENV)/.installed
TOOLS_STAMP := $(VENV)/.tools-ok

# Regression knobs (regressions/regress.py over regressions/testlist.yaml). SEEDS=N: N seeds per entry;
# SEED=K: every entry once with seed K (both at once is refused); TEST=<test> runs that one test, not a suite.
SUITE ?= smoke
SEEDS ?=
JOBS ?= 2
SEED ?=
OUT ?= out
# The suites, as the test list names them (its top-level keys), for `make help`.
SUITES := $(shell sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\):.*/\1/p' regressions/testlist.yaml | paste -sd'|')

.DEFAULT_GOAL := help
# One block simulation (what a failing test prints to reproduce it).
BLOCK ?= mac_array
SIM ?=
REPEAT ?=
RERUN ?=
DRY_RUN ?=
CODE_COVERAGE ?=
REGRESS_FLAGS ?=
# Where the RTL runs execute (docs/cluster.md): local (JOBS at a time here) or slurm (job arrays; PARTITION and
# SLURM_ARGS, the site's own sbatch options, e.g. SLURM_ARGS='--account=dv --mem=4G').
LAUNCHER ?= local
PARTITION ?=
SLURM_ARGS ?=
WAVES ?= 0
# The compiler (compiler/, docs/compiler.md): MODEL=m.onnx (default: the built-in digits network), N, IMAGES, BATCH.
MODEL ?=
N ?= 8
IMAGES ?=
BATCH ?= 1
COMPILER_ARGS = $(if $(MODEL),--model "$(MODEL)") --n $(N) --batch $(BATCH) $(if $(SEED),--seed $(SEED)) $(if $(OUT_DIR),--out "$(OUT_DIR)")

.PHONY: help setup doctor test crosscheck regress sim waves bench lint compile infer clean distclean

help:
	@echo "npu8 make targets"
	@echo "  make regress [SUITE=$(SUITES)]"
	@echo "               [SIM=…] [SEEDS=N | SEED=K] [JOBS=2] [RERUN=failed] [DRY_RUN=1] [CODE_COVERAGE=1]"
	@echo "                           the regression (main job; default SUITE=smoke). SEEDS=N: N seeds per entry;"
	@echo "                           SEED=K: every entry of the suite once, with seed K. CODE_COVERAGE=1 adds"
	@echo "                           Verilator code coverage. Builds print one line each; their output is in build.log"
	@echo "  make regress SUITE=… LAUNCHER=slurm [PARTITION=…] [SLURM_ARGS='--account=… --mem=4G']"
	@echo "                           the same regression as SLURM job arrays (builds here first; docs/cluster.md)"
	@echo "  make regress TEST=golden.random_program SEED=k   one test of the list, one seed (golden: verbose, with"
	@echo "                           its program listing; RTL: TEST=npu_top.TopSmokeTest [SIM=…], default parameters)"
	@echo "  make waves BLOCK=… [SIM=…] [SEED=…] [DIR=run dir | WAVE=file]   open the waves of a run with its saved view"
	@echo "  make test                 the test suite (what CI runs)"
	@echo "  make compile [MODEL=m.onnx] [N=8] [BATCH=1]   a quantized (or float) ONNX model to npu8 programs: the"
	@echo "                           DRAM image, programs.json, the DRAM layout and an annotated listing"
	@echo "  make infer [MODEL=m.onnx] [SIM=golden|verilator|icarus] [IMAGES=n] [N=8] [BATCH=1]   run images,"
	@echo "                           compare every output byte with onnxruntime, accuracy and a per-layer table"
	@echo "  make bench [CASES=gemm_sp,gemm_dram,conv]   MAC utilisation, simulation and generation speed"
	@echo "  make sim BLOCK=mac_array SIM=icarus|verilator SEED=1 [TEST=…] [PARAMS='N=16'] [WAVES=1]"
	@echo "  make crosscheck           golden requantiser and operators vs onnxruntime, with counts"
	@echo "  make lint                 verilator -Wall and iverilog -Wall over rtl/, and every build configuration"
	@echo "  make doctor               every tool's version and where it came from"
	@echo "  make setup                build .venv and check/install the simulators (implied by the others)"
	@echo "  make clean / distclean    remove outputs / also the venv"

setup: $(SETUP_STAMP) $(TOOLS_STAMP)

$(SETUP_STAMP): requirements.txt
	PYTHON=$(PYTHON) sim/bootstrap.sh venv

$(TOOLS_STAMP): $(SETUP_STAMP) sim/bootstrap.sh
	sim/bootstrap.sh tools
	@touch $@

doctor: setup
	$(VPY) -m sim.tools doctor

test: setup
	$(VPY) -m sim.lint
	$(VPY) -m pytest

crosscheck: setup
	$(VPY) -m golden.crosscheck

REGRESS_ARGS = $(if $(TEST),--test $(TEST),--suite $(SUITE)) --jobs $(JOBS) --out $(OUT)/regress/$(or $(TEST),$(SUITE)) \
  $(if $(SIM),--sim $(SIM)) $(if $(SEEDS),--seeds $(SEEDS)) $(if $(SEED),--seed $(SEED)) $(if $(RERUN),--rerun $(RERUN)) \
  $(if $(filter 1,$(DRY_RUN)),--dry-run) $(if $(filter 1,$(CODE_COVERAGE)),--code-coverage) \
  $(if $(filter-out local,$(LAUNCHER)),--launcher $(LAUNCHER)) $(if $(PARTITION),--partition $(PARTITION)) \
  $(if $(SLURM_ARGS),--slurm-args='$(SLURM_ARGS)') $(REGRESS_FLAGS)

regress: setup
	$(VPY) -m regressions.regress $(strip $(REGRESS_ARGS))

sim: setup
	$(if $(REPEAT),NPU8_REPEAT=$(REPEAT)) $(VPY) -m sim.run --block $(BLOCK) --sim $(or $(SIM),icarus) --seed $(or $(SEED),1) $(if $(TEST),--test $(TEST)) \
	  $(if $(PARAMS),-P "$(PARAMS)") $(if $(DEFINES),--define "$(DEFINES)") $(if $(filter 1,$(WAVES)),--waves)

waves: setup
	$(VPY) -m sim.waves --block $(BLOCK) --sim $(or $(SIM),icarus) --seed $(or $(SEED),1) \
	  $(if $(PARAMS),-P "$(PARAMS)") $(if $(DEFINES),--define "$(DEFINES)") $(if $(DIR),--dir "$(DIR)") $(if $(WAVE),--wave "$(WAVE)")

bench: setup
	$(VPY) -m sim.bench $(if $(CASES),--cases $(CASES))

lint: setup
	$(VPY) -m sim.lint

compile: setup
	$(VPY) -m compiler compile $(COMPILER_ARGS)

infer: setup
	$(VPY) -m compiler infer --sim $(or $(SIM),golden) $(if $(IMAGES),--images $(IMAGES)) $(COMPILER_ARGS)

clean:
	rm -rf $(OUT) build .pytest_cache .hypothesis
	find . -name __pycache__ -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
