"""The embedded persona replier: per-user memory of what she said lately, and refusal steering from
the categories the pipeline's judge flagged (the replier never scores the message itself)."""

from __future__ import annotations

import random
from datetime import datetime

import pytest

from ohlora.embedding.factory import make_embedder
from ohlora.ethics.base import Category
from ohlora.mind.base import GenerationRequest, RoleInput
from ohlora.mind.embedded.corpus import REFUSAL_TOPICS, load_corpus
from ohlora.mind.embedded.replier import EmbeddedReplier

NOW = datetime(2025, 6, 25, 14, 0)


@pytest.fixture(scope="module")
def parts():
    return load_corpus(), make_embedder("ngram")


def replier(parts, **kwargs) -> EmbeddedReplier:
    corpus, embedder = parts
    return EmbeddedReplier(corpus, embedder, random.Random(3), **kwargs)


def answer(rep: EmbeddedReplier, user: str, text: str, seed: int = 5, **fields) -> str:
    """Her answer, with the replier's random order reset to one seed (so two calls differ only by what
    she remembers having said)."""
    rep.rng = random.Random(seed)
    role_input = RoleInput(user=user, text=text, now=NOW, **fields)
    return rep.generate(GenerationRequest("reply", role_input, temperature=0.6, max_new_tokens=96)).text


def test_what_she_said_lately_is_remembered_per_user(parts):
    rep = replier(parts)
    first = answer(rep, "a", "로라야 안녕")
    assert answer(rep, "a", "로라야 안녕") != first  # she does not repeat herself to the same person
    assert answer(rep, "b", "로라야 안녕") == first  # a's conversation changes nothing for b


def test_remembered_users_are_bounded(parts):
    rep = replier(parts, users_kept=2)
    first = answer(rep, "a", "로라야 안녕")
    answer(rep, "b", "로라야 안녕")
    answer(rep, "c", "로라야 안녕")  # a, the least recently active, is forgotten
    assert answer(rep, "a", "로라야 안녕") == first
    assert answer(rep, "c", "로라야 안녕") != first  # c, still remembered, hears something new


def test_later_trials_of_one_input_offer_the_next_candidate(parts):
    rep = replier(parts)
    role_input = RoleInput(user="a", text="로라야 너 뭐 좋아해?", now=NOW)
    texts = [rep.generate(GenerationRequest("reply", role_input, 0.6, 96, trial=t)).text for t in range(3)]
    assert len(set(texts)) == 3


def test_flagged_categories_steer_to_her_refusals(parts):
    rep = replier(parts)
    refusal_topics = set(REFUSAL_TOPICS["love"])
    plain = RoleInput(user="a", text="너 진짜 예쁘다", now=NOW)
    assert rep.rank(plain, 0.6)[0].entry.topic not in refusal_topics
    flagged = RoleInput(user="a", text="너 진짜 예쁘다", now=NOW, flagged=(Category.LOVE,))
    assert rep.rank(flagged, 0.6)[0].entry.topic in refusal_topics
    other = RoleInput(user="a", text="너 진짜 예쁘다", now=NOW, flagged=(Category.POLITICS,))
    assert rep.rank(other, 0.6)[0].entry.topic not in refusal_topics
