# Two commands on a fresh Debian 12 machine (root, no GPU):
#   make run    install everything, then run the main job
#   make test   install everything, then run the test suite
# Both are idempotent: a second run reinstalls nothing.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.nsr-installed

.PHONY: run test setup sysdeps venv frameworks val lint bench clean

# The main job: the engines' demo, then NSR trained on SCAN's length split from scratch (from
# (command, actions) pairs only) and its accuracy on the official test file. --force: train
# refuses to replace a checkpoint unasked, and a second `make run` is asked to start afresh.
run: setup
	$(VENV)/bin/nsr demo
	$(VENV)/bin/nsr train scan --split length --seed 0 --out runs/scan-length --force
	$(VENV)/bin/nsr eval scan --checkpoint runs/scan-length --split length
	$(VENV)/bin/nsr programs scan --checkpoint runs/scan-length

test: setup frameworks val
	$(VENV)/bin/pytest

# VAL, the plan validator the planning tests compare against, compiled once from
# ../shared/vendor into ~/.cache/nsr/val before the tests start: a compile on a loaded machine
# must not count against one test's timeout. Without the tarball the VAL tests skip (reason given).
val: setup
	@$(PY) -m nsr.backends.pddl.val

setup: sysdeps venv

# SWI-Prolog from Debian (core + core packages: library(time), library(sandbox), mqi).
sysdeps:
	@if ! command -v swipl >/dev/null 2>&1 || ! swipl -g "use_module(library(time)),halt" -t "halt(1)" >/dev/null 2>&1; then \
	  echo "installing SWI-Prolog (apt)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends swi-prolog-core swi-prolog-core-packages; \
	fi
	@# VAL (the reference plan validator, built from ../shared/vendor by tests and benchmarks
	@# into ~/.cache/nsr/val) needs cmake, make and g++; flex/bison are not needed
	@if ! command -v cmake >/dev/null 2>&1 || ! command -v g++ >/dev/null 2>&1 || ! command -v make >/dev/null 2>&1; then \
	  echo "installing cmake, make and g++ (apt, for building VAL)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends cmake make g++; \
	fi

venv: $(STAMP)

# torch==2.13.0 is pinned here on purpose: it resolves to a local CPU build; any other spec
# pulls gigabytes of CUDA packages.
$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q "torch==2.13.0" -e ".[dev]"
	@touch $(STAMP)

# The RL frameworks for the reward contract tests (tests/reward/frameworks, marker
# `frameworks`; they skip with a reason without them): TRL and reasoning-gym with their deps,
# verl and OpenRLHF without theirs (vllm, deepspeed, flash-attn are GPU-only). ~40 s, ~250 MB.
FRAMEWORKS_STAMP := $(VENV)/.nsr-frameworks
frameworks: $(FRAMEWORKS_STAMP)

$(FRAMEWORKS_STAMP): $(STAMP)
	$(PY) -m pip install -q "torch==2.13.0" -e ".[dev,frameworks]"
	$(PY) -m pip install -q --no-deps "verl==0.9.1" "openrlhf==0.11.2"
	@touch $(FRAMEWORKS_STAMP)

lint: setup
	$(VENV)/bin/ruff check nsr tests benchmarks grammars prototypes

bench: setup
	$(PY) benchmarks/backends.py
	$(PY) benchmarks/verify.py
	$(PY) benchmarks/prototypes.py
	$(PY) benchmarks/nsr_scan.py

clean:
	rm -rf $(VENV) build *.egg-info
