#!/usr/bin/env bash
# Set up (once) and run the whole test suite: lint, then pytest (in a random order; the seed is printed
# and `--randomly-seed=N` repeats it, `-p no:randomly` turns it off). Arguments go to pytest.
#
# Installs the project with its test extras into .venv. Where torch 2.13.0 installs as a CPU build
# (constraints.txt), that is everything (`.[test]`: the full path on tiny models too); elsewhere, e.g. on
# Python 3.13 where PyPI only has CUDA builds of that torch (several GB), the embedded default and its
# tests (`.[test-embedded]`; full-path tests are skipped and say why). OHLORA_TEST_EXTRAS=test|test-embedded
# chooses by hand. Debian's Chromium and Hangul fonts are installed for the browser tests
# (scripts/install-browser.sh). PYTHON=/path/to/python picks the interpreter (3.10–3.13).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh
make_venv
if [ ! -x .venv/bin/pytest ] || needs_install .installed-test; then
  extras=${OHLORA_TEST_EXTRAS:-}
  if [ -z "$extras" ]; then
    say "checking whether torch 2.13.0 installs as a CPU build here"
    if cpu_torch_available; then
      extras=test
    else
      extras=test-embedded
      say "no CPU build of torch 2.13.0 for Python $(python_version .venv/bin/python) here: installing the embedded"
      say "default and its tests only (full-path tests will be skipped; OHLORA_TEST_EXTRAS=test installs them)"
    fi
  fi
  case "$extras" in
    test) say "installing ohlora with every extra: torch (CPU), transformers, peft, ... (1-2 minutes)" ;;
    *) say "installing ohlora with the extras [$extras] (about a minute)" ;;
  esac
  pip_install -e ".[$extras]"
  echo "$extras" > .venv/.installed-test
  touch .venv/.installed
fi
bash scripts/install-browser.sh
say "ruff check"
.venv/bin/ruff check src tests benchmarks
say "pytest ($(cat .venv/.installed-test 2>/dev/null || echo test) extras)"
.venv/bin/pytest -q "$@"
