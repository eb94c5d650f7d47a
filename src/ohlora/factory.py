"""Builds the engine from settings: picks an implementation for every role (design §1)."""

from __future__ import annotations

import random

from ohlora.clock import Clock, SystemClock
from ohlora.config import Settings
from ohlora.conversation.engine import Engine, Roles
from ohlora.conversation.length import EstimatedCounter
from ohlora.errors import MissingModel
from ohlora.ethics.sanctions import Sanctions
from ohlora.memory import MemoryBook
from ohlora.store import Store

FULL_NOT_AVAILABLE = (
    "'full' 백엔드에 필요한 모델 파일이 없어요. `ohlora models status` 로 확인하고 "
    "`ohlora models pull` 로 받아 주세요. 지금은 --backend embedded 로 쓸 수 있어요."
)


def build_engine(settings: Settings, *, clock: Clock | None = None, rng: random.Random | None = None) -> Engine:
    clock = clock or SystemClock()
    rng = rng or random.Random(settings.seed)
    if "full" in (settings.llm_backend, settings.embedding_backend):
        raise MissingModel(FULL_NOT_AVAILABLE)

    from ohlora.embedding.factory import make_embedder
    from ohlora.ethics.embedded import EmbeddedEthicsJudge
    from ohlora.mind.embedded.corpus import load_corpus
    from ohlora.mind.embedded.expression import EmbeddedExpressionTagger
    from ohlora.mind.embedded.memory import EmbeddedMemoryExtractor
    from ohlora.mind.embedded.replier import EmbeddedReplier
    from ohlora.mind.embedded.summary import EmbeddedSummariser

    store = Store(settings.db_url)
    embedder = make_embedder(settings.embedder)
    threshold = settings.memory_threshold if settings.memory_threshold is not None else embedder.memory_threshold
    judge = EmbeddedEthicsJudge.load()
    corpus = load_corpus()
    roles = Roles(
        reply=EmbeddedReplier(corpus, embedder, judge, random.Random(rng.random()), cache_dir=settings.home / "cache"),
        memory=EmbeddedMemoryExtractor(rng=random.Random(rng.random())),
        summary=EmbeddedSummariser(rng=random.Random(rng.random()), lookup=corpus.summary_lookup()),
        expression=EmbeddedExpressionTagger(rng=random.Random(rng.random())),
    )
    return Engine(
        settings=settings,
        store=store,
        memory=MemoryBook(store, embedder, threshold),
        sanctions=Sanctions(store),
        judge=judge,
        roles=roles,
        counter=EstimatedCounter(),
        clock=clock,
        rng=rng,
    )
