"""Best-match memory retrieval with 10,000 stored items (vectors cached), per embedder.

    python benchmarks/memory_retrieval.py [--items 10000] [--embedder ngram]

`measure()` is also used by `full_path.py` for the S-BERT embedder.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from _common import emit, machine, percentiles, src_on_path

src_on_path()

from ohlora.memory import MemoryBook  # noqa: E402
from ohlora.store import Store  # noqa: E402

KEYS = ["오늘 일정", "내일 일정", "주말 일정", "좋아하는 음식", "싫어하는 음식", "반려동물", "사는 곳", "직업", "상태", "취미"]
VALUES = ["면접", "시험", "여행", "떡볶이", "오이", "강아지 콩이", "부산", "간호사", "피곤함", "등산", "데이트", "병원"]
QUERIES = ["아 내일 너무 떨린다", "오늘 저녁 뭐 먹지?", "우리 콩이 산책 가야 해", "요즘 너무 피곤해", "주말에 어디 가지"]


def measure(embedder, items: int = 10000, queries: int = 200) -> dict:
    """Store `items` memories for one user, then time best-match queries as after a restart."""
    rng = random.Random(0)
    texts = [f"[{rng.choice(KEYS)} {i}: {rng.choice(VALUES)} {i}]" for i in range(items)]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        book = MemoryBook(store, embedder, embedder.memory_threshold)
        t = time.perf_counter()
        for start in range(0, len(texts), 500):
            book.add("bench", texts[start:start + 500], 0.0)
        add_ms = (time.perf_counter() - t) * 1000
        fresh = MemoryBook(store, embedder, embedder.memory_threshold)  # a new process: loads cached vectors
        t = time.perf_counter()
        fresh.best("bench", QUERIES[0])
        first_ms = (time.perf_counter() - t) * 1000
        times, encode_times = [], []
        for i in range(queries):
            query = QUERIES[i % len(QUERIES)]
            t = time.perf_counter()
            embedder.encode([query])
            encode_times.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            fresh.best("bench", query)
            times.append((time.perf_counter() - t) * 1000)
        store.close()
    return {
        "embedder": embedder.name,
        "dim": embedder.dim,
        "items": items,
        "add_all_ms": round(add_ms, 1),
        "encode_per_item_ms": round(add_ms / items, 3),
        "first_query_after_start_ms": round(first_ms, 2),
        "query_encode_ms": percentiles(encode_times),
        "query_ms": percentiles(times),
    }


def main() -> None:
    from ohlora.embedding.factory import make_embedder

    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--embedder", default="ngram")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    emit({"benchmark": "memory_best_match", "machine": machine(),
          **measure(make_embedder(args.embedder), args.items, args.queries), "goal_ms": 10})


if __name__ == "__main__":
    main()
