"""Embedded turn latency (whole turn incl. memory extraction and summary), p50/p95, on a fresh home.

    python benchmarks/turn_latency.py [--turns 200]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import emit, machine, percentiles, src_on_path

src_on_path()

from ohlora.config import load_settings  # noqa: E402
from ohlora.conversation.session import Conversation  # noqa: E402
from ohlora.factory import build_services  # noqa: E402

MESSAGES = [
    "로라야 안녕", "오늘 뭐 해?", "나 내일 면접 있어", "떨린다 ㅠㅠ", "너 마라탕 좋아해?", "몇 단계로 먹어?",
    "근데 너 MBTI 뭐야?", "주말에 뭐 할 거야?", "나 요즘 너무 피곤해", "우리 집 강아지 이름은 콩이야",
    "로라야 사랑해", "시험 망했어", "오늘 비 엄청 온다", "좋아하는 가수 있어?", "잘 자 로라야",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--embedder", default="ngram")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(Path(tmp), env={}, seed=1, embedder=args.embedder)
        t0 = time.perf_counter()
        services = build_services(settings)
        build_ms = (time.perf_counter() - t0) * 1000
        totals, replies, steps = [], [], {}
        for i in range(args.turns):
            conv = Conversation(services, f"user{i % 7}")
            text = MESSAGES[i % len(MESSAGES)]
            t = time.perf_counter()
            result = conv.turn(text)
            totals.append((time.perf_counter() - t) * 1000)
            if result.reply is not None:
                replies.append(result.timings_ms.get("reply", 0.0))
            for name, ms in result.timings_ms.items():
                steps.setdefault(name, []).append(ms)
        services.close()
    emit({
        "benchmark": "embedded_turn_latency",
        "machine": machine(),
        "embedder": args.embedder,
        "engine_build_ms": round(build_ms, 1),
        "turn_ms": percentiles(totals),
        "step_p50_ms": {name: percentiles(v)["p50"] for name, v in steps.items()},
        "goal_p50_ms": 50,
    })


if __name__ == "__main__":
    main()
