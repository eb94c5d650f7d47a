#!/usr/bin/env bash
# Set up (once) and start Oh-LoRA on the embedded default: no model download needed.
#   bash scripts/run.sh            -> the web page (http://127.0.0.1:8000, opened in your browser)
#   bash scripts/run.sh chat       -> the terminal chat instead
#   bash scripts/run.sh ask 안녕   -> any other ohlora command
# Python 3.10–3.13; PYTHON=/path/to/python picks the interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/venv.sh
make_venv
if [ ! -x .venv/bin/ohlora ] || needs_install .installed; then
  say "installing ohlora and its embedded default (about 30 s the first time)"
  pip_install -e .
  touch .venv/.installed
  say "ready"
fi
if [ "$#" -eq 0 ]; then
  exec .venv/bin/ohlora serve --open
fi
exec .venv/bin/ohlora "$@"
