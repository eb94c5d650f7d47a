#!/usr/bin/env bash
# Set up (once) and run the whole test suite: lint, then pytest.
# Installs the project with its test extras (CPU torch pinned by constraints.txt) into .venv, and
# Debian's Chromium + Hangul fonts for the browser tests (scripts/install-browser.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/pytest ] || [ pyproject.toml -nt .venv/.installed-test ]; then
  "$PY" -m venv .venv
  .venv/bin/pip install -q -c constraints.txt -e '.[test]'
  touch .venv/.installed-test .venv/.installed
fi
bash scripts/install-browser.sh
.venv/bin/ruff check src tests benchmarks
.venv/bin/pytest -q "$@"
