#!/usr/bin/env bash
# Set up (once) and start Oh-LoRA on the embedded default: no model download needed.
#   bash scripts/run.sh            -> interactive chat in this terminal
#   bash scripts/run.sh ask 안녕   -> any other ohlora command
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/ohlora ] || [ pyproject.toml -nt .venv/.installed ]; then
  "$PY" -m venv .venv
  .venv/bin/pip install -q -c constraints.txt -e .
  touch .venv/.installed
fi
if [ "$#" -eq 0 ]; then
  exec .venv/bin/ohlora chat
fi
exec .venv/bin/ohlora "$@"
