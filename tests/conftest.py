"""Shared fixtures: a fixed clock, scripted generators and a keyword judge for pipeline tests."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from ohlora.clock import ManualClock
from ohlora.config import load_settings
from ohlora.conversation.services import Roles, Services
from ohlora.ethics.base import Category, EthicsThresholds
from ohlora.ethics.sanctions import Sanctions
from ohlora.memory import MemoryBook
from ohlora.mind.base import Generation, GenerationRequest
from ohlora.mind.length import EstimatedCounter
from ohlora.mind.prompt import role_prompt
from ohlora.store import Store

# 2025-06-25 is a Wednesday
WEDNESDAY_AFTERNOON = datetime(2025, 6, 25, 14, 0, 0)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(WEDNESDAY_AFTERNOON)


def prompt_of(request: GenerationRequest) -> str:
    """The prompt a released adapter would continue for this request (the original's format)."""
    return role_prompt(request.role, request.input)


@dataclass
class Scripted:
    """A generator that answers from a list (or a function of the request), recording every request."""

    outputs: list[str] | Callable[[GenerationRequest], str]
    name: str = "scripted"
    tokens: int | None = None
    stopped: bool = True
    requests: list[GenerationRequest] = field(default_factory=list)

    def generate(self, request: GenerationRequest, on_text=None) -> Generation:
        self.requests.append(request)
        if callable(self.outputs):
            text = self.outputs(request)
        else:
            text = self.outputs[min(len(self.requests) - 1, len(self.outputs) - 1)]
        if on_text:
            on_text(text)
        return Generation(text, self.tokens if self.tokens is not None else max(1, len(text) // 2), self.stopped)


@dataclass
class KeywordJudge:
    """Scores 0.99 for a category whose keyword is in the text, else a clear 'normal'."""

    keywords: dict[Category, tuple[str, ...]] = field(
        default_factory=lambda: {
            Category.LOVE: ("사랑해", "사귀자"),
            Category.POLITICS: ("대통령", "정당"),
            Category.PAEDRIP: ("느금마",),
            Category.HATE: ("혐오해",),
        }
    )
    name: str = "keyword-judge"
    thresholds: EthicsThresholds = EthicsThresholds(0.98, 0.95, 0.9, 0.9, 0.5)

    def scores(self, text: str) -> dict[Category, float]:
        out = {c: 0.0 for c in Category}
        for category, words in self.keywords.items():
            if any(w in text for w in words):
                out[category] = 0.99
        if not any(out.values()):
            out[Category.NORMAL] = 0.9
        return out

    @property
    def for_answers(self) -> KeywordJudge:
        return self


@dataclass
class CountingJudge(KeywordJudge):
    """A keyword judge that records every text it scores (to count the judge's calls per turn)."""

    texts: list[str] = field(default_factory=list)

    def scores(self, text: str) -> dict[Category, float]:
        self.texts.append(text)
        return super().scores(text)


class ToyEmbedder:
    """Bag of characters hashed into 64 dims: enough to test retrieval plumbing."""

    name = "toy"
    dim = 64
    memory_threshold = 0.5

    def encode(self, texts):
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, t in enumerate(texts):
            for ch in t.replace(" ", ""):
                if ch not in "[]:":
                    out[i, ord(ch) % self.dim] += 1.0
            n = np.linalg.norm(out[i])
            if n:
                out[i] /= n
        return out


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def make_services(home: Path, clock: ManualClock, *, reply=None, memory=None, summary=None, expression=None,
                judge=None, embedder=None, **settings) -> Services:
    settings = load_settings(home, env={}, **settings)
    store = Store(settings.db_url)
    embedder = embedder or ToyEmbedder()
    judge = judge or KeywordJudge()
    roles = Roles(
        reply=reply or Scripted([" 응 좋아! (답변 종료)"]),
        memory=memory or Scripted([" (요약 종료)"]),
        summary=summary or Scripted([" 좋다고 함 (요약 종료)"]),
        expression=expression or Scripted([" (눈 보통, 입 보통, 고개 돌림 없음) (표정 출력 종료)"]),
    )
    return Services(settings, store, MemoryBook(store, embedder, embedder.memory_threshold), Sanctions(store), judge,
                  roles, EstimatedCounter(), clock, random.Random(0))


@pytest.fixture
def services_factory(home, clock):
    services_list: list[Services] = []

    def factory(**kwargs) -> Services:
        services = make_services(home, clock, **kwargs)
        services_list.append(services)
        return services

    yield factory
    for services in services_list:
        services.close()


def wait_until(predicate, timeout: float = 20.0) -> bool:
    """Poll for something a server or thread does after a response; no timing is asserted (the deadline
    is only there so a broken test ends)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def pytest_terminal_summary(terminalreporter, config) -> None:
    """The random order's seed, also under -q (pytest-randomly prints it only in the header)."""
    if config.pluginmanager.hasplugin("randomly") and not config.pluginmanager.is_blocked("randomly"):
        seed = config.getoption("randomly_seed", None)
        if isinstance(seed, int):
            terminalreporter.write_line(f"tests ran in a random order: repeat it with --randomly-seed={seed}")
