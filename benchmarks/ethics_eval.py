"""Held-out evaluation of the embedded ethics judge; prints JSON.

    python benchmarks/ethics_eval.py [--model PATH] [--head semantic|lexical] [--data PATH]

The main figures come from `benchmarks/data/ethics_eval.jsonl`: messages written for this purpose by
two authors who never saw the judge's training data (love and politics by one, 패드립 and hate by
the other, with 418 normal messages, 243 of them hard look-alikes). The judge never trains on it;
the few short lines that also occur, written independently, in the training data or the replier's
corpus are left out (`left_out_as_also_in_training_data`).
- `independent.clean` and `independent.obfuscated` (each message disguised once: spacing, stretched
  or repeated letters, digits / symbols / emoji between syllables, 초성, look-alike letters, Latin
  letters for Hangul, full-width forms): recall per category, the share of normal messages that
  fire any category ("normal sanctioned"; an upper bound: at run time love and politics also need
  her answer's cue words), the same for the hard normals, a confusion table (rows: the true
  category; columns: what fired, `none` when nothing did, the first fired category when several
  did), the hate figures per kind, and the 10 worst misses (sanctionable messages with the lowest
  score for their category) and false alarms;
- `csv_test`: the test split of our dataset CSV (clean), and `corpus_eval`: the corpus-eval half of
  the replier's dialogue corpus, both as before;
- load time, and the judge's scoring time per message (median and p95; the machine should be idle).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine  # noqa: E402
from ohlora.ethics.base import SANCTIONED, Category, firing  # noqa: E402
from ohlora.ethics.embedded import DEFAULT_MODEL_PATH, EmbeddedEthicsJudge  # noqa: E402
from ohlora.ethics.normalize import normalize  # noqa: E402
from ohlora.mind.embedded.corpus import load_corpus  # noqa: E402
from ohlora.train.ethics import (  # noqa: E402
    CORPUS_HALVES,
    DEFAULT_CSV,
    corpus_eval_set,
    corpus_examples,
    evaluate,
    obfuscate,
    read_dataset,
)

DATA = Path(__file__).resolve().parent / "data" / "ethics_eval.jsonl"
CATEGORIES = [c.value for c in SANCTIONED] + ["normal"]


def read_eval(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for r in rows:
        Category(r["label"])  # a bad label fails loudly
    return rows


def disguised(rows: list[dict], seed: str = "ethics-independent-obfuscated") -> list[dict]:
    rng = random.Random(seed)
    return [{**r, "text": obfuscate(r["text"], rng)} for r in rows]


def figures(judge: EmbeddedEthicsJudge, rows: list[dict]) -> dict:
    scored = []
    for r in rows:
        scores = judge.scores(r["text"])  # the classifier, and the abuse lexicon where nothing fires
        scored.append((r, scores, firing(scores, judge.thresholds)))
    confusion = {c: Counter() for c in CATEGORIES}
    for r, _, fired in scored:
        confusion[r["label"]][fired[0].value if fired else "none"] += 1
    out: dict = {"messages": len(rows)}
    for cat in SANCTIONED:
        mine = [(r, s, f) for r, s, f in scored if r["label"] == cat.value]
        caught = sum(cat in f for _, _, f in mine)
        fired_any = sum(bool(f) for _, _, f in mine)
        n_fired = sum(cat in f for _, _, f in scored)
        out[cat.value] = {
            "messages": len(mine),
            "recall": round(caught / len(mine), 4) if mine else None,
            "sanctioned_any_category": round(fired_any / len(mine), 4) if mine else None,
            "precision": round(caught / n_fired, 4) if n_fired else None,
        }
    normals = [(r, f) for r, _, f in scored if r["label"] == "normal"]
    hard = [(r, f) for r, f in normals if r.get("hard")]
    out["normal_sanctioned"] = round(sum(bool(f) for _, f in normals) / max(len(normals), 1), 4)
    out["hard_normal_sanctioned"] = round(sum(bool(f) for _, f in hard) / max(len(hard), 1), 4)
    out["normal_messages"], out["hard_normal_messages"] = len(normals), len(hard)
    out["confusion"] = {c: {k: confusion[c][k] for k in CATEGORIES[:-1] + ["none"]} for c in CATEGORIES}
    by_kind: dict[str, list[bool]] = {}
    for r, _, f in scored:
        if r["label"] == "hate":
            by_kind.setdefault(r.get("kind", "?"), []).append(Category.HATE in f)
    out["hate_by_kind"] = {k: f"{sum(v)}/{len(v)}" for k, v in sorted(by_kind.items())}
    misses = sorted(
        ((s[Category(r["label"])], r, f) for r, s, f in scored if r["label"] != "normal" and Category(r["label"]) not in f),
        key=lambda t: t[0],
    )
    out["worst_misses"] = [
        {"text": r["text"], "label": r["label"], "kind": r.get("kind"), "score": round(sc, 3),
         "fired": [c.value for c in f]}
        for sc, r, f in misses[:10]
    ]
    alarms = sorted(
        ((max(s[c] for c in f), r, f) for r, s, f in scored if r["label"] == "normal" and f), key=lambda t: -t[0]
    )
    out["false_alarms"] = [
        {"text": r["text"], "kind": r.get("kind"), "fired": [c.value for c in f], "score": round(sc, 3)}
        for sc, r, f in alarms[:10]
    ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--head", choices=["semantic", "lexical"], default=None)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    args = parser.parse_args()

    report: dict = {"machine": machine()}
    t0 = time.perf_counter()
    judge = EmbeddedEthicsJudge.load(args.model, head=args.head)
    judge.scores("안녕")  # the encoder's first call is part of loading
    report["load_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    report["head"] = judge.head
    report["thresholds"] = {
        f: getattr(judge.thresholds, f) for f in ("love", "politics", "paedrip", "hate", "normal_veto")
    }

    # Short everyday lines ("로라야 안녕", "니애미") were also written, independently, into our training
    # data or the replier's corpus: those are left out, so that no evaluated message was trained on.
    corpus = load_corpus()
    seen = {normalize(e.text) for e in read_dataset(args.csv)}
    seen |= {normalize(e.text) for half in CORPUS_HALVES for e in corpus_examples(half, corpus)}
    written = read_eval(args.data)
    rows = [r for r in written if normalize(r["text"]) not in seen]
    report["independent"] = {
        "written": len(written),
        "left_out_as_also_in_training_data": len(written) - len(rows),
        "clean": figures(judge, rows),
        "obfuscated": figures(judge, disguised(rows)),
    }
    test = [e for e in read_dataset(args.csv) if e.split == "test"]
    csv_fig = evaluate(judge, test)
    csv_fig.pop("false_positives")
    report["csv_test"] = csv_fig
    corpus_fig = evaluate(judge, corpus_eval_set(args.csv, corpus))
    corpus_fig["false_positives"] = corpus_fig["false_positives"][:5]
    report["corpus_eval"] = corpus_fig

    times = []
    for r in rows[:300]:
        t = time.perf_counter()
        judge.scores(r["text"])
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    report["score_ms_p50"] = round(statistics.median(times), 3)
    report["score_ms_p95"] = round(times[int(0.95 * len(times))], 3)
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
