"""Helpers shared by the benchmark scripts (each script prints one JSON object)."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path


def cpu_busy_fraction(seconds: float = 0.5) -> float:
    """How busy the CPUs were over a short window (0..1), read from /proc/stat; -1 where unknown."""
    def sample() -> tuple[int, int]:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        idle = fields[3] + fields[4]
        return idle, sum(fields)

    try:
        idle0, total0 = sample()
        time.sleep(seconds)
        idle1, total1 = sample()
    except OSError:
        return -1.0
    total = total1 - total0
    return round(1 - (idle1 - idle0) / total, 3) if total else -1.0


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "cpu_busy_before": cpu_busy_fraction(),
        "platform": platform.platform(),
    }


def percentiles(values_ms: list[float]) -> dict:
    ordered = sorted(values_ms)
    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)
    return {
        "n": len(ordered),
        "p50": round(statistics.median(ordered), 3),
        "p95": pick(0.95),
        "min": round(ordered[0], 3),
        "max": round(ordered[-1], 3),
    }


def emit(data: dict) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def src_on_path() -> None:
    root = Path(__file__).resolve().parent.parent / "src"
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
