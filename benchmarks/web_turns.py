"""Turn latency through HTTP (`ohlora serve`, embedded default), p50/p95: one user at a time, and
several users at once. Measures the time to the `reply` event (when the page shows the answer) and
to `done` (memory and summary stored), over a real loopback connection.

    python benchmarks/web_turns.py [--turns 60] [--users 10] [--turns-per-user 5]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from pathlib import Path

from _common import cpu_busy_fraction, emit, machine, percentiles, src_on_path

src_on_path()

import httpx  # noqa: E402

from ohlora.config import load_settings  # noqa: E402
from ohlora.web.app import create_app  # noqa: E402
from ohlora.web.options import RateRule, WebOptions  # noqa: E402
from ohlora.web.server import ServerThread  # noqa: E402

MESSAGES = [
    "로라야 안녕", "오늘 뭐 해?", "나 내일 면접 있어", "떨린다 ㅠㅠ", "너 마라탕 좋아해?", "몇 단계로 먹어?",
    "근데 너 MBTI 뭐야?", "주말에 뭐 할 거야?", "나 요즘 너무 피곤해", "우리 집 강아지 이름은 콩이야",
    "시험 망했어", "오늘 비 엄청 온다", "좋아하는 가수 있어?", "잘 자 로라야",
]


def one_turn(client: httpx.Client, text: str) -> tuple[float, float]:
    """(ms to the reply event, ms to the done event) for one streamed turn."""
    t0 = time.perf_counter()
    reply_ms = None
    with client.stream("POST", "/api/chat", json={"text": text}) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if not line.strip():
                continue
            kind = json.loads(line)["type"]
            if kind == "reply" and reply_ms is None:
                reply_ms = (time.perf_counter() - t0) * 1000
            elif kind in ("done", "error"):
                done_ms = (time.perf_counter() - t0) * 1000
                return (reply_ms if reply_ms is not None else done_ms), done_ms
    raise RuntimeError("the turn ended without a done event")


def user_run(url: str, turns: int, offset: int, out: list, barrier: threading.Barrier | None) -> None:
    with httpx.Client(base_url=url, timeout=120) as client:
        client.get("/")
        if barrier is not None:
            barrier.wait()
        for k in range(turns):
            out.append(one_turn(client, MESSAGES[(offset + k) % len(MESSAGES)]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=60, help="turns of the one-user run")
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--turns-per-user", type=int, default=5)
    args = parser.parse_args()
    info = machine()
    many = RateRule(burst=10_000, per_second=10_000)
    options = WebOptions(turn_rate=many, api_rate=many, new_user_rate=many, address_turn_rate=many)
    result: dict = {"machine": info, "backend": "embedded (default)"}
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(Path(tmp), env={}, seed=3)
        t0 = time.perf_counter()
        app = create_app(settings, options=options)
        with ServerThread(app) as url:
            result["server_start_ms"] = round((time.perf_counter() - t0) * 1000, 1)
            warm: list = []
            user_run(url, 3, 0, warm, None)

            sequential: list = []
            t0 = time.perf_counter()
            user_run(url, args.turns, 1, sequential, None)
            wall = time.perf_counter() - t0
            result["one_user"] = {
                "turns": len(sequential),
                "reply_ms": percentiles([r for r, _ in sequential]),
                "done_ms": percentiles([d for _, d in sequential]),
                "turns_per_s": round(len(sequential) / wall, 2),
                "cpu_busy_after": cpu_busy_fraction(0.3),
            }

            parallel: list = []
            barrier = threading.Barrier(args.users)
            threads = [threading.Thread(target=user_run, args=(url, args.turns_per_user, i, parallel, barrier))
                       for i in range(args.users)]
            t0 = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - t0
            result["concurrent_users"] = {
                "users": args.users,
                "turns": len(parallel),
                "reply_ms": percentiles([r for r, _ in parallel]),
                "done_ms": percentiles([d for _, d in parallel]),
                "turns_per_s": round(len(parallel) / wall, 2),
            }
    result["cpu_busy_after"] = cpu_busy_fraction()
    result["loadavg"] = os.getloadavg()
    emit(result)


if __name__ == "__main__":
    main()
