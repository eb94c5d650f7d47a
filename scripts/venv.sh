# Shared by run.sh and test.sh (sourced, not run): choose a Python 3.10–3.13, create .venv with it,
# and install into it with the CPU torch pin, printing each step.
#   PYTHON=/path/to/python3.12 bash scripts/run.sh    -> use that interpreter (the .venv is rebuilt if
#                                                        it was made with another Python version)

say() { printf 'ohlora setup: %s\n' "$*" >&2; }

# Python versions the package supports (pyproject.toml's requires-python).
python_ok() {
  "$1" -c 'import sys; sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 13) else 1)' >/dev/null 2>&1
}

python_version() { "$1" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null; }

pick_python() {
  if [ -n "${PYTHON:-}" ]; then
    if ! python_ok "$PYTHON"; then
      say "PYTHON=$PYTHON is not a working Python 3.10–3.13 ($(python_version "$PYTHON" || echo "does not run"))."
      exit 2
    fi
    echo "$PYTHON"
    return
  fi
  local candidate
  for candidate in python3 python3.13 python3.12 python3.11 python3.10; do
    # `command -v` is not enough: a pyenv shim exists even where the version is not active
    if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
      echo "$candidate"
      return
    fi
  done
  say "no Python 3.10–3.13 found (python3 is $(python_version python3 || echo missing))."
  say "install one, or name it: PYTHON=/path/to/python3.12 bash $0"
  exit 2
}

# Creates .venv unless it exists with the chosen interpreter's version.
make_venv() {
  if [ -x .venv/bin/python ] && [ -z "${PYTHON:-}" ]; then
    return
  fi
  local py
  py=$(pick_python)
  if [ -x .venv/bin/python ]; then
    if [ "$(python_version .venv/bin/python)" = "$(python_version "$py")" ]; then
      return
    fi
    say "rebuilding .venv: it has Python $(python_version .venv/bin/python), PYTHON is $(python_version "$py")"
    rm -rf .venv
  fi
  say "creating .venv with Python $(python_version "$py") ($(command -v "$py" || echo "$py"))"
  "$py" -m venv .venv
}

# pip's output without the machine-specific "Location ... is ignored" lines of a local index
quiet_pip() { grep -v "^WARNING: Location '.*' is ignored" || true; }

# pip install -c constraints.txt ARGS..., quietly, failing when pip fails
pip_install() {
  .venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt "$@" 2>&1 | quiet_pip
}

# true when `pyproject.toml` is newer than the stamp or the stamp is missing
needs_install() { [ ! -f ".venv/$1" ] || [ pyproject.toml -nt ".venv/$1" ]; }

# True when torch==2.13.0 installs here as a CPU build (no CUDA wheels pulled in). Asks pip for a plan
# without installing anything (a few seconds).
cpu_torch_available() {
  local report
  report=$(mktemp)
  if ! .venv/bin/python -m pip install --dry-run --ignore-installed -q --disable-pip-version-check \
      --report "$report" -c constraints.txt torch==2.13.0 >/dev/null 2>&1; then
    rm -f "$report"
    return 1
  fi
  if .venv/bin/python - "$report" <<'PY'
import json, sys
names = [item["metadata"]["name"].lower() for item in json.load(open(sys.argv[1]))["install"]]
sys.exit(1 if any(n.startswith(("nvidia", "cuda", "triton")) for n in names) else 0)
PY
  then rm -f "$report"; return 0; fi
  rm -f "$report"
  return 1
}
