"""The embedded replier's response templates (src/ohlora/mind/embedded/data/responses.jsonl).

Each line is one entry chosen by the understanding of the user's message (act, tense, topic,
polarity and the slots it found). Answers fill ``{slot}`` from what the user said; a particle
right after a slot is written ``{A/B}``: A after a final consonant (받침), B after a vowel
(``{event}{이/가}``, ``{name}{아/야}``, ``{name}{이/}`` for "민준이" / "서연").
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "src/ohlora/mind/embedded/data/responses.jsonl"

ACTS = {
    "greeting",
    "farewell",
    "thanks",
    "apology",
    "recall_known",
    "recall_unknown",
    "ask_user",
    "tell_fact",
    "tell_plan",
    "tell_past",
    "tell_feeling",
    "request",
    "opinion",
    "reaction",
    "smalltalk",
    "generic",
    "question_unsure",  # a question she cannot answer from her corpus
    "insulted",  # rude words aimed at her
    "praised",  # kind words about her
    "followup",  # a bare '왜?', '진짜?', '그래서?' after her answer
    "advice",  # '~할까?': what would she do
    "ask_her_unsure",  # a question about her that her corpus does not answer
    "crisis",  # wanting to die or to hurt oneself: care and 109
    "harm_request",  # help asked with hacking, cheating, stalking …: a kind, firm no
}
RECALL_ACTS = {"recall_known", "recall_unknown"}
SLOTS = {"name", "time", "event", "item", "place", "pet", "pet_name", "person", "feeling", "topic", "value",
         "context", "said_before", "choice_a", "choice_b"}  # context: the topic of the user's previous message; said_before: a flag
RECALL_ONLY = {"value", "key"}
TENSES = {None, "past", "present", "future", "ongoing"}
POLARITIES = {None, -1, 0, 1}
KEYS = {"name", "plan", "place", "pet", "like", "dislike", "job", "school", "age", "person", "mbti"}
REGISTERS = {"polite"}
# (after a final consonant, after a vowel)
PARTICLES = {
    ("이", "가"),
    ("을", "를"),
    ("은", "는"),
    ("아", "야"),
    ("으로", "로"),
    ("이야", "야"),
    ("이잖아", "잖아"),
    ("이", ""),
    ("이랑", "랑"),
    ("과", "와"),
}
REQUIRED = ("id", "act", "topics", "tense", "polarity", "needs", "answers")
OPTIONAL = ("key", "register")
MAX_CHARS = 45
BRACE = re.compile(r"\{([^{}]*)\}")
ID_RE = re.compile(r"^r-[a-z]+-[a-z0-9-]+-\d{3}$")
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2300-\u23ff\u2b00-\u2bff\u3030\u303d\u3297\u3299]")


def _load() -> list[dict]:
    rows = []
    for number, line in enumerate(DATA.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"line {number} is blank"
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:  # pragma: no cover - the message is the point
            pytest.fail(f"line {number} does not parse: {exc}")
    return rows


ROWS = _load()


def _tokens(answer: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(1)) for m in BRACE.finditer(answer)]


def _has_batchim(word: str) -> bool:
    last = word[-1]
    return "가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 != 0


def _final_is_rieul(word: str) -> bool:
    last = word[-1]
    return "가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 == 8


def _render(answer: str, fill: dict[str, str]) -> str:
    """A reference renderer: slots from ``fill``, each particle chosen by the word before it."""
    out, last_word = [], ""
    pos = 0
    for start, end, body in _tokens(answer):
        out.append(answer[pos:start])
        if "/" in body:
            after_consonant, after_vowel = body.split("/")
            if body == "으로/로" and _final_is_rieul(last_word):
                out.append(after_vowel)  # 서울로, not 서울으로
            else:
                out.append(after_consonant if _has_batchim(last_word) else after_vowel)
        else:
            last_word = fill[body]
            out.append(last_word)
        pos = end
    out.append(answer[pos:])
    return "".join(out)


def test_file_has_enough_entries():
    assert len(ROWS) >= 120


def test_fields_and_types():
    for row in ROWS:
        rid = row.get("id")
        for field in REQUIRED:
            assert field in row, f"{rid}: missing {field}"
        assert set(row) <= set(REQUIRED) | set(OPTIONAL), (
            f"{rid}: unknown fields {set(row) - set(REQUIRED) - set(OPTIONAL)}"
        )
        assert ID_RE.match(rid), rid
        assert row["act"] in ACTS, f"{rid}: act {row['act']!r}"
        assert row["tense"] in TENSES, f"{rid}: tense {row['tense']!r}"
        assert row["polarity"] in POLARITIES and not isinstance(row["polarity"], bool), rid
        assert isinstance(row["topics"], list) and all(isinstance(t, str) and t for t in row["topics"]), rid
        assert len(set(row["topics"])) == len(row["topics"]), f"{rid}: duplicate topics"
        assert isinstance(row["needs"], list) and len(set(row["needs"])) == len(row["needs"]), rid
        allowed = SLOTS | (RECALL_ONLY if row["act"] in RECALL_ACTS else set())
        assert set(row["needs"]) <= allowed, f"{rid}: needs {row['needs']}"
        if "key" in row:
            assert row["key"] in KEYS, f"{rid}: key {row['key']!r}"
            assert row["act"] in RECALL_ACTS | {"tell_fact"}, rid
        if "register" in row:
            assert row["register"] in REGISTERS, rid
        answers = row["answers"]
        assert isinstance(answers, list) and 3 <= len(answers) <= 6, f"{rid}: {len(answers)} answers"
        assert all(isinstance(a, str) and a.strip() == a and a for a in answers), rid
        assert len(set(answers)) == len(answers), f"{rid}: duplicate answers"


def test_ids_unique():
    counts = Counter(row["id"] for row in ROWS)
    assert not [rid for rid, n in counts.items() if n > 1]


def test_every_act_is_covered():
    acts = Counter(row["act"] for row in ROWS)
    assert set(acts) == ACTS
    generic_answers = sum(len(r["answers"]) for r in ROWS if r["act"] == "generic" and not r["needs"])
    assert generic_answers >= 10


def test_slots_are_declared_in_needs():
    for row in ROWS:
        extra = RECALL_ONLY if row["act"] in RECALL_ACTS else set()
        for answer in row["answers"]:
            used = {body for _, _, body in _tokens(answer) if "/" not in body}
            assert used <= set(row["needs"]) | extra, (
                f"{row['id']}: {answer!r} uses {used - set(row['needs'])}"
            )
            assert used <= SLOTS | extra, f"{row['id']}: unknown slot in {answer!r}"


def test_particle_braces_are_well_formed():
    for row in ROWS:
        for answer in row["answers"]:
            stripped = BRACE.sub("", answer)
            assert "{" not in stripped and "}" not in stripped, f"{row['id']}: stray brace in {answer!r}"
            previous_end, previous_was_slot = -1, False
            for start, end, body in _tokens(answer):
                if "/" in body:
                    pair = tuple(body.split("/"))
                    assert len(pair) == 2 and pair in PARTICLES, f"{row['id']}: particle {{{body}}}"
                    assert previous_was_slot and previous_end == start, (
                        f"{row['id']}: particle {{{body}}} must follow a slot directly in {answer!r}"
                    )
                    previous_was_slot = False
                else:
                    assert body and body.replace("_", "").isalpha(), f"{row['id']}: slot {{{body}}}"
                    previous_was_slot = True
                previous_end = end


def test_answers_are_short_and_use_at_most_one_emoji():
    for row in ROWS:
        for answer in row["answers"]:
            assert len(answer) <= MAX_CHARS, f"{row['id']}: {len(answer)} chars: {answer!r}"
            assert len(EMOJI.findall(answer)) <= 1, f"{row['id']}: more than one emoji in {answer!r}"


def test_answers_are_casual():
    polite = ("습니다", "세요", "하세요", "해요", "에요", "예요")
    for row in ROWS:
        for answer in row["answers"]:
            assert not any(p in answer for p in polite), f"{row['id']}: 존댓말 in {answer!r}"


@pytest.mark.parametrize(
    "fill",
    [
        {
            "name": "민준",
            "time": "내일",
            "event": "시험",
            "item": "아이폰",
            "place": "부산",
            "pet": "강아지",
            "pet_name": "콩",
            "person": "동생",
            "feeling": "우울",
            "topic": "양자역학",
            "value": "마라탕",
            "key": "이름",
            "context": "알바",
            "choice_a": "짜장",
            "choice_b": "짬뽕",
        },
        {
            "name": "서연",
            "time": "다음 주",
            "event": "면접",
            "item": "노트북",
            "place": "제주도",
            "pet": "고양이",
            "pet_name": "나비",
            "person": "엄마",
            "feeling": "행복",
            "topic": "AI",
            "value": "IVE",
            "key": "학교",
            "context": "이사",
            "choice_a": "아아",
            "choice_b": "뜨아",
        },
    ],
)
def test_templates_render_cleanly(fill):
    for row in ROWS:
        for answer in row["answers"]:
            text = _render(answer, fill)
            assert "{" not in text and "}" not in text, f"{row['id']}: {text!r}"


def test_particles_pick_by_batchim():
    assert (
        _render("{name}{아/야} 안녕! {name}{이/}라고 부를게", {"name": "민준"})
        == "민준아 안녕! 민준이라고 부를게"
    )
    assert (
        _render("{name}{아/야} 안녕! {name}{이/}라고 부를게", {"name": "서연"})
        == "서연아 안녕! 서연이라고 부를게"
    )
    assert (
        _render("{name}{아/야} 안녕! {name}{이/}라고 부를게", {"name": "지우"})
        == "지우야 안녕! 지우라고 부를게"
    )
    assert _render("{event}{이/가} 있구나", {"event": "면접"}) == "면접이 있구나"
    assert _render("{event}{이/가} 있구나", {"event": "파티"}) == "파티가 있구나"
    assert _render("{place}{으로/로} 가", {"place": "부산"}) == "부산으로 가"
    assert _render("{place}{으로/로} 가", {"place": "서울"}) == "서울로 가"
    assert _render("{place}{으로/로} 가", {"place": "제주도"}) == "제주도로 가"
