"""`ohlora ask` cold start: process start to answer, in a fresh process each time (no torch import).

    python benchmarks/cold_start.py [--runs 7] [--no-bytecode]

Python keeps compiled modules (.pyc) as it does on a user's machine: one untimed run writes them
first, and PYTHONDONTWRITEBYTECODE (set in some sandboxes) is dropped for the runs. `--no-bytecode`
measures every run compiling the sources again.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import emit, machine, percentiles


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-bytecode", action="store_true", help="compile every module again in every run")
    args = parser.parse_args()
    base_env = dict(os.environ)
    if args.no_bytecode:
        base_env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        base_env.pop("PYTHONDONTWRITEBYTECODE", None)
    exe = shutil.which("ohlora") or str(Path(sys.executable).parent / "ohlora")
    runs_first, runs_warm = [], []
    torch_loaded = None
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([exe, "ask", "안녕"], env=dict(base_env, OHLORA_HOME=str(Path(tmp) / "warm")), check=True,
                       capture_output=True)  # writes the .pyc files (unless --no-bytecode)
        for i in range(args.runs):
            home = Path(tmp) / f"h{i}"
            env = dict(base_env, OHLORA_HOME=str(home))
            t = time.perf_counter()
            subprocess.run([exe, "ask", "로라야 안녕"], env=env, check=True, capture_output=True)
            runs_first.append((time.perf_counter() - t) * 1000)  # first start in a new home (builds caches)
            t = time.perf_counter()
            subprocess.run([exe, "ask", "오늘 뭐 해?"], env=env, check=True, capture_output=True)
            runs_warm.append((time.perf_counter() - t) * 1000)
        probe = subprocess.run(
            [sys.executable, "-c",
             "import sys; from ohlora.cli import app; from ohlora.factory import build_services; "
             "from ohlora.config import load_settings; import tempfile, pathlib; "
             "build_services(load_settings(pathlib.Path(tempfile.mkdtemp()), env={})); print('torch' in sys.modules)"],
            capture_output=True, text=True, check=True,
        )
        torch_loaded = probe.stdout.strip() == "True"
    emit({
        "benchmark": "ask_cold_start",
        "machine": machine(),
        "first_run_in_new_home_ms": percentiles(runs_first),
        "later_run_ms": percentiles(runs_warm),
        "torch_imported": torch_loaded,
        "bytecode_cache": not args.no_bytecode,
        "goal_ms": 1500,
    })


if __name__ == "__main__":
    main()
