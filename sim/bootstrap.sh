#!/usr/bin/env bash
# Set-up for a fresh machine: the project venv from pinned requirements and the simulators.
# Called by `make setup` (and so by every other target); safe to re-run, and fast when nothing changed.
#   sim/bootstrap.sh venv    build .venv from requirements.txt
#   sim/bootstrap.sh tools   check the system tools, installing Debian packages when root and allowed
#                            (and SLURM, optional: only the cluster launcher's test needs it)
# Set NPU8_NO_APT=1 to forbid apt-get; the script then only names what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "npu8 setup: $*" >&2; exit 1; }

find_python() {
  for py in "${PYTHON:-}" python3.11 python3.12 python3.13 python3; do
    [ -n "$py" ] || continue
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
      echo "$py"; return 0
    fi
  done
  return 1
}

can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ -z "${NPU8_NO_APT:-}" ]; }

# apt-get, retried with its download sandbox off: apt drops to the _apt user to fetch, and on machines where
# that user cannot write /dev/null (mode 0755) `update` fails with "gpgv ... not installed" and `install` cannot
# fetch. Only reached as root (can_apt), where the sandbox buys nothing the retry would lose.
apt_get() {
  DEBIAN_FRONTEND=noninteractive apt-get -qq "$@" >/dev/null 2>&1 \
    || DEBIAN_FRONTEND=noninteractive apt-get -qq -o APT::Sandbox::User=root "$@" >/dev/null
}

apt_install() {  # apt_install <why> [--no-install-recommends] <package...>
  local why=$1 opts=(); shift
  if [ "${1:-}" = --no-install-recommends ]; then opts=("$1"); shift; fi
  if can_apt; then
    echo "npu8 setup: installing Debian package(s) $* ($why)"
    if [ ! -f /tmp/.npu8-apt-updated ]; then apt_get update && touch /tmp/.npu8-apt-updated; fi
    apt_get install -y "${opts[@]}" "$@"
  else
    die "$why is missing: install the Debian package(s) '$*' (sudo apt-get install $*), or run as root to let setup do it"
  fi
}

# A single-node SLURM for the cluster launcher's test (regressions/slurm_cluster.py): optional. Installed when
# missing and allowed; otherwise named, and that test is skipped with the same reason.
slurm() {
  local missing=() c PATH="$PATH:/usr/sbin:/sbin"               # the daemons live in sbin
  for c in slurmctld slurmd sbatch squeue scontrol scancel munged; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
  [ ${#missing[@]} = 0 ] && return 0
  if can_apt; then
    apt_install "SLURM for the cluster launcher's test; missing: ${missing[*]}" --no-install-recommends slurmctld slurmd slurm-client munge \
      || echo "npu8 setup: note: could not install SLURM (slurmctld slurmd slurm-client munge); the local-cluster test will be skipped" >&2
  else
    echo "npu8 setup: note: SLURM is missing (${missing[*]}): the local-cluster test will be skipped;" \
      "install the Debian packages slurmctld slurmd slurm-client munge (as root, without NPU8_NO_APT, setup does it)" >&2
  fi
}

venv() {
  local py
  py=$(find_python) || die "Python 3.10 or newer is missing (set PYTHON=/path/to/python3.11)"
  if [ ! -x .venv/bin/python ]; then
    echo "npu8 setup: creating .venv with $py ($("$py" --version 2>&1))"
    "$py" -m venv .venv || die "'$py -m venv' failed: install the Debian package python3-venv"
  fi
  echo "npu8 setup: installing pinned requirements into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt \
    || die "pip could not install requirements.txt (is PyPI reachable?)"
  touch .venv/.installed
}

tools() {
  command -v iverilog >/dev/null 2>&1 || apt_install "Icarus Verilog (iverilog)" iverilog
  local v
  v=$(iverilog -V 2>/dev/null | head -n1 | sed -n 's/.*version \([0-9]*\).*/\1/p')
  [ -n "$v" ] && [ "$v" -ge 11 ] || die "Icarus Verilog 11 or newer is required, found: $(iverilog -V 2>&1 | head -n1)"
  command -v g++ >/dev/null 2>&1 || apt_install "a C++ compiler for Verilator builds (g++)" g++
  command -v make >/dev/null 2>&1 || apt_install "GNU make" make
  # Verilator's FST tracing needs lz4's header; optional until waves are asked for, so only when we may install.
  if [ ! -f /usr/include/lz4.h ] && can_apt; then apt_install "lz4 headers for Verilator FST waves" liblz4-dev; fi
  slurm
  .venv/bin/python -m sim.tools check
}

case "${1:-all}" in
  venv) venv ;;
  tools) tools ;;
  all) venv; tools ;;
  *) die "unknown step '$1' (venv, tools, all)" ;;
esac
