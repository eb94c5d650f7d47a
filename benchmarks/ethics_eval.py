"""Held-out evaluation of the embedded ethics judge; prints JSON.

    python benchmarks/ethics_eval.py [--model PATH] [--csv PATH]

Figures under the runtime rule (category score >= threshold and normal < veto; the answer cue
words 미안/부담 are ignored) on three held-out sets:
- `clean`: the test split of our dataset CSV;
- `obfuscated`: the same, each prompt disguised once (spacing, digits, symbols, emoji, ...);
- `corpus_eval`: the corpus-eval half of the replier's dialogue corpus (prompts written by other
  people, labelled by topic; never trained on; less the few prompts our CSV train split already
  holds), plus how often its insults aimed at Oh-LoRA herself (no category of their own) fire;
and load / scoring times (medians; the machine should be idle).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections import Counter
from pathlib import Path

from ohlora.ethics.embedded import DEFAULT_MODEL_PATH, EmbeddedEthicsJudge
from ohlora.mind.embedded.corpus import load_corpus
from ohlora.train.ethics import (
    DEFAULT_CSV,
    corpus_eval_set,
    corpus_examples,
    corpus_insults_at_her,
    evaluate,
    obfuscated_copy,
    read_dataset,
    training_set,
)


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
    corpus = load_corpus()  # read once, shared by the four corpus views below
    data = training_set(args.csv, corpus)
    eval_set = corpus_eval_set(args.csv, corpus)
    insults = corpus_insults_at_her("corpus-eval", corpus)
    fired = [judge.fires(t) for t in insults]
    insult_fires = Counter(c.value for f in fired for c in f)
    t = judge.thresholds
    report = {
        "model": str(args.model),
        "model_bytes": args.model.stat().st_size,
        "csv_matches_model": data.csv_sha256 == judge.csv_sha256,
        "corpus_matches_model": data.corpus_sha256 == judge.corpus_sha256,
        "thresholds": {f: getattr(t, f) for f in ("love", "politics", "paedrip", "hate", "normal_veto")},
        "clean": evaluate(judge, test),
        "obfuscated": evaluate(judge, obfuscated_copy(test)),
        "corpus_eval": evaluate(judge, eval_set),
        "corpus_eval_left_out_as_in_csv_train": len(corpus_examples("corpus-eval", corpus)) - len(eval_set),
        "corpus_eval_insults_at_her": {
            "prompts": len(insults),
            "fired_any": sum(bool(f) for f in fired),
            "fired": dict(insult_fires),
        },
        "load_ms_median": load_ms,
        "score_ms_median": round(statistics.median(score_ms), 4),
        "score_ms_max": round(max(score_ms), 4),
        "load_avg_1min": os.getloadavg()[0],
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
