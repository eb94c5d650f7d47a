#!/usr/bin/env bash
# Set up (once) and start Oh-LoRA on the embedded default: no model download needed.
#   bash scripts/run.sh            -> the web page (http://127.0.0.1:8000, opened in your browser)
#   bash scripts/run.sh chat       -> the terminal chat instead
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
  exec .venv/bin/ohlora serve --open
fi
exec .venv/bin/ohlora "$@"
