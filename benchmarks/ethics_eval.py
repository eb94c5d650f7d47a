"""Held-out evaluation of the embedded ethics judge; prints JSON.

    python benchmarks/ethics_eval.py [--model PATH] [--csv PATH]

Figures on the test split of the dataset under the runtime rule (category score >= threshold and
normal < veto; the answer cue words 미안/부담 are ignored), the same on an obfuscated copy of the
test split, and load / scoring times (medians; the machine should be idle).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from ohlora.ethics.embedded import DEFAULT_MODEL_PATH, EmbeddedEthicsJudge
from ohlora.train.ethics import DEFAULT_CSV, evaluate, file_sha256, obfuscated_copy, read_dataset


def _median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000.0)
    return round(statistics.median(times), 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    args = parser.parse_args()

    load_ms = _median_ms(lambda: EmbeddedEthicsJudge.load(args.model), 7)
    judge = EmbeddedEthicsJudge.load(args.model)
    test = [e for e in read_dataset(args.csv) if e.split == "test"]
    texts = [e.text for e in test]
    score_ms = [_median_ms(lambda t=t: judge.scores(t), 5) for t in texts]
    t = judge.thresholds
    report = {
        "model": str(args.model),
        "model_bytes": args.model.stat().st_size,
        "csv_matches_model": file_sha256(args.csv) == judge.csv_sha256,
        "thresholds": {f: getattr(t, f) for f in ("love", "politics", "paedrip", "hate", "normal_veto")},
        "clean": evaluate(judge, test),
        "obfuscated": evaluate(judge, obfuscated_copy(test)),
        "load_ms_median": load_ms,
        "score_ms_median": round(statistics.median(score_ms), 4),
        "score_ms_max": round(max(score_ms), 4),
        "load_avg_1min": os.getloadavg()[0],
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
