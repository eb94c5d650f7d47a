"""Best-match memory retrieval with 10,000 stored items (vectors cached), per embedder.

    python benchmarks/memory_retrieval.py [--items 10000] [--embedder ngram]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from _common import emit, machine, percentiles, src_on_path

src_on_path()

from ohlora.embedding.factory import make_embedder  # noqa: E402
from ohlora.memory import MemoryBook  # noqa: E402
from ohlora.store import Store  # noqa: E402

KEYS = ["오늘 일정", "내일 일정", "주말 일정", "좋아하는 음식", "싫어하는 음식", "반려동물", "사는 곳", "직업", "상태", "취미"]
VALUES = ["면접", "시험", "여행", "떡볶이", "오이", "강아지 콩이", "부산", "간호사", "피곤함", "등산", "데이트", "병원"]
QUERIES = ["아 내일 너무 떨린다", "오늘 저녁 뭐 먹지?", "우리 콩이 산책 가야 해", "요즘 너무 피곤해", "주말에 어디 가지"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--embedder", default="ngram")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(0)
    embedder = make_embedder(args.embedder)
    items = [f"[{rng.choice(KEYS)} {i}: {rng.choice(VALUES)} {i}]" for i in range(args.items)]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        book = MemoryBook(store, embedder, embedder.memory_threshold)
        t = time.perf_counter()
        for start in range(0, len(items), 500):
            book.add("bench", items[start:start + 500], 0.0)
        add_ms = (time.perf_counter() - t) * 1000
        fresh = MemoryBook(store, embedder, embedder.memory_threshold)  # a new process: loads cached vectors
        t = time.perf_counter()
        fresh.best("bench", QUERIES[0])
        first_ms = (time.perf_counter() - t) * 1000
        times = []
        for i in range(args.queries):
            t = time.perf_counter()
            fresh.best("bench", QUERIES[i % len(QUERIES)])
            times.append((time.perf_counter() - t) * 1000)
        store.close()
    emit({
        "benchmark": "memory_best_match",
        "machine": machine(),
        "embedder": embedder.name,
        "items": args.items,
        "add_all_ms": round(add_ms, 1),
        "first_query_after_start_ms": round(first_ms, 2),
        "query_ms": percentiles(times),
        "goal_ms": 10,
    })


if __name__ == "__main__":
    main()
