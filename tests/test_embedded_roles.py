"""Embedded memory extractor, summariser and expression tagger.

The outputs are checked with small local copies of the original's post-processing and
validation (spec §3.8, §3.9, §3.10), so a generator that passes here is accepted by the real
pipeline exactly like a fine-tuned model's answer would be.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ohlora.mind.base import GenerationRequest, RoleInput
from ohlora.mind.embedded.expression import EYES, MOUTH, POSE, EmbeddedExpressionTagger, mood_of
from ohlora.mind.embedded.facts import EmbeddedMemoryExtractor
from ohlora.mind.embedded.korean import has_batchim, strip_copula, strip_particle, with_particle
from ohlora.mind.embedded.summary import EmbeddedSummariser
from ohlora.mind.prompt import EXPRESSION_END, SUMMARY_END, compose_input
from ohlora.mind.timetag import TimeTag

MEMORY_MAX_NEW = 24
SUMMARY_MAX_NEW = 64
EXPRESSION_MAX_NEW = 36


# --- local copies of the original's post-processing (spec §3.8–§3.10) --------------------------------


def memory_accepts(continuation: str, new_tokens: int) -> str | None:
    """§3.8: normalise one memory trial; the accepted item ('' = nothing to remember) or None."""
    text = continuation.replace(SUMMARY_END, "").replace("\u200b", "").replace("\u00a0", "")
    for a, b in (("(", "["), (")", "]"), ("{", "["), ("}", "]")):
        text = text.replace(a, b)
    text = text.replace(" : ", ": ")
    if "[" in text and "]" in text:
        text = "[" + text.split("[")[1].split("]")[0] + "]"
    if ": " not in text:
        text = text.replace(":", ": ")
    if "[" not in text and "]" not in text and ": " in text:
        text = f"[{text}]"
    if "요약 종료" in text or "요약종료" in text or new_tokens >= MEMORY_MAX_NEW:
        return None
    if "\ufffd" in text or "     " in text or "http" in text:
        return None
    if text.strip() == "":
        return ""
    ok = (
        text.startswith("[")
        and text.endswith("]")
        and ": " in text
        and text.count("[") == 1
        and text.count("]") == 1
        and text.count(":") == 1
    )
    if not ok:
        return None
    key, value = text[1:-1].split(": ")
    return text if key.strip() and value.strip() else None


def summary_accepts(continuation: str, new_tokens: int) -> str | None:
    """§3.9: the accepted summary or None (a rejected trial)."""
    text = continuation.replace("\u200b", "").replace("\u00a0", "").strip()
    rest = text.replace(SUMMARY_END, "")
    if "요약 종료" in rest or "요약종료" in rest or new_tokens >= 60 or len(rest) < 2 or "http" in text:
        return None
    return rest


def parse_expression(continuation: str) -> tuple[str, str, str] | None:
    """§3.10: (eyes, mouth, pose) or None when a part cannot be read."""
    text = continuation.replace("\u200b", "").replace("\u00a0", "")

    def label(marker: str, options: tuple[str, ...]) -> str | None:
        if marker not in text:
            return None
        piece = text.split(marker, 1)[1].split(",")[0].split(")")[0]
        found = None
        for option in options:
            if piece.startswith(option):
                found = option
        return found

    parts = (label("눈 ", EYES), label("입 ", MOUTH), label("고개 돌림 ", POSE))
    return None if None in parts else parts  # type: ignore[return-value]


_CASE = re.compile(
    r"^(?:\(오로라 답변 요약\) (?P<summary>.*?) \(사용자 질문\) |(?P<memory>\[[^\[\]]*\]) )?"
    r"(?:\(지금은 (?P<day>[월화수목금토일])요일 (?P<part>오전|오후|저녁)\) )?(?P<text>.*)$",
    re.S,
)


def case(notation: str, answer: str | None = None) -> RoleInput:
    """The role input for a case written in the original's prompt notation (the tables below read like
    the spec's examples): "(오로라 답변 요약) S (사용자 질문) ...", "[key: value] ...", "(지금은 X요일 Y) ..."."""
    m = _CASE.match(notation.strip())
    assert m is not None
    tag = TimeTag(m["day"], m["part"]) if m["day"] else None
    return RoleInput(user="u", text=m["text"].strip(), now=datetime(2025, 6, 25, 14, 0), memory=m["memory"],
                     summary=m["summary"], time_tag=tag, answer=answer)


def request(role: str, role_input: RoleInput, limit: int, temperature: float = 0.6) -> GenerationRequest:
    return GenerationRequest(role=role, input=role_input, temperature=temperature, max_new_tokens=limit)


def remember(final_input: str) -> str | None:
    """The accepted memory item for one composed input, through the generator."""
    gen = EmbeddedMemoryExtractor(rng=random.Random(0)).generate(request("memory", case(final_input), MEMORY_MAX_NEW))
    assert gen.stopped and gen.text.startswith(" ") and gen.text.endswith(SUMMARY_END)
    assert gen.new_tokens < MEMORY_MAX_NEW
    return memory_accepts(gen.text, gen.new_tokens)


# --- Korean helpers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "stem"),
    [("면접을", "면접"), ("친구랑", "친구"), ("동생이랑", "동생"), ("제주도", "제주도"), ("고양이", "고양이"),
     ("휴가", "휴가"), ("서울로", "서울"), ("부산으로", "부산"), ("주말엔", "주말"), ("사과", "사과")],
)
def test_strip_particle(word: str, stem: str) -> None:
    assert strip_particle(word) == stem


@pytest.mark.parametrize(
    ("word", "keep_i", "stem"),
    [("장원영이야", False, "장원영"), ("키위야", False, "키위"), ("떡볶이야", False, "떡볶이"),
     ("콩이야", True, "콩이"), ("면접인데", False, "면접"), ("ENTJ야", False, "ENTJ")],
)
def test_strip_copula(word: str, keep_i: bool, stem: str) -> None:
    assert strip_copula(word, keep_i=keep_i) == stem


def test_batchim_and_particle_choice() -> None:
    assert has_batchim("동생") and not has_batchim("친구")
    assert with_particle("친구", "와/과") == "친구와"
    assert with_particle("휴식", "와/과") == "휴식과"


# --- memory -------------------------------------------------------------------------------------------

EXTRACTION_CASES = [
    # schedules
    ("나 다음 주에 제주도 여행 가!", "[다음 주 일정: 제주도 여행]"),
    ("나 내일 면접이야", "[내일 일정: 면접]"),
    ("내일 친구 생일 파티 가", "[내일 일정: 친구 생일 파티]"),
    ("주말에 혜나랑 맥주 마시기로 했어", "[주말 일정: 혜나와 맥주]"),
    ("토요일에 친구랑 영화 보기로 했어", "[토요일 일정: 친구와 영화]"),
    ("(지금은 수요일 오후) 아 오늘 약속 있는데 어떡하지?", "[오늘 일정: 약속]"),
    ("어제 친구 만났어", "[어제 일정: 친구 만남]"),
    ("다음 달에 이사해", "[다음 달 일정: 이사]"),
    ("이번 주 토요일에 결혼식 가", "[토요일 일정: 결혼식]"),
    ("금요일에 회식 있어", "[금요일 일정: 회식]"),
    ("주말에 부산 놀러 가", "[주말 일정: 부산 여행]"),
    ("(지금은 월요일 오전) 내일 오전에 병원 가", "[내일 일정: 병원 진료]"),
    ("다음주 월요일에 개강이야", "[다음 주 월요일 일정: 개강]"),
    ("(지금은 목요일 저녁) 오늘 야근해야 돼", "[오늘 일정: 야근]"),
    ("(지금은 금요일 오후) 오늘 약속 없어", ""),  # nothing planned is a negation: not stored
    ("(지금은 화요일 저녁) 이따 친구 만나", "[오늘 일정: 친구 만남]"),
    # personal facts
    ("내 생일은 3월 5일이야", "[생일: 3월 5일]"),
    ("동생 생일이 5월 3일이야", "[동생 생일: 5월 3일]"),
    ("우리 집 강아지 이름은 콩이야", "[반려동물: 강아지 콩이]"),
    ("우리 고양이 이름은 나비야", "[반려동물: 고양이 나비]"),
    ("나 고양이 두 마리 키워", "[반려동물: 고양이]"),
    ("나 마라탕 진짜 좋아해", "[좋아하는 음식: 마라탕]"),
    ("내가 제일 좋아하는 가수는 장원영이야", "[좋아하는 가수: 장원영]"),
    ("파란색 좋아해", "[좋아하는 색: 파란색]"),
    ("나 오이 싫어해", "[싫어하는 음식: 오이]"),
    ("나 간호사야", "[직업: 간호사]"),
    ("나 편의점에서 알바해", "[직업: 편의점 알바]"),
    ("나 샘올대 다녀", "[학교: 샘올대]"),
    ("나 고3이야", "[학년: 고3]"),
    ("나 대학교 3학년이야", "[학년: 대학교 3학년]"),
    ("나 부산 살아", "[사는 곳: 부산]"),
    ("나 서울에 살아", "[사는 곳: 서울]"),
    ("나 대구 출신이야", "[고향: 대구]"),
    ("감기 걸렸어", "[건강 상태: 감기]"),
    ("허리가 너무 아파", "[건강 상태: 허리 통증]"),
    ("발목 삐었어", "[건강 상태: 발목 부상]"),
    ("나 요즘 너무 피곤해", "[상태: 피곤함]"),
    ("배고파", "[상태: 배고픔]"),
    ("(지금은 토요일 오후) 오늘 너무 심심해", "[상태: 심심함]"),
    ("나 요즘 스트레스 너무 받아", "[상태: 스트레스]"),
    ("(지금은 월요일 오전) 오늘 비 엄청 오네", "[오늘 날씨: 비]"),
    ("(지금은 일요일 저녁) 내일 비 온대", ""),  # a forecast is hearsay, not something the user told of themself
    ("(지금은 수요일 오전) 오늘 날씨 너무 추워", "[오늘 날씨: 추움]"),
    ("밖에 눈 와", "[현재 날씨: 눈]"),
    ("나 INFP야", "[MBTI: INFP]"),
    ("나 엔프피야", "[MBTI: ENFP]"),
    ("로라야 너 진짜 좋아", "[오로라에 대한 감정: 좋아함]"),
    # nothing about the user worth remembering: questions to Oh-LoRA, small talk, negations
    ("로라야 너 MBTI 뭐야?", ""),
    ("로라야 뭐 좋아해?", ""),
    ("로라야 주말에 뭐 해?", ""),
    ("너 마라탕 좋아해?", ""),
    ("안녕 로라야!", ""),
    ("ㅋㅋㅋㅋ 진짜 웃기다", ""),
    ("(지금은 금요일 오후) 오늘 뭐 먹지", ""),
    ("(지금은 화요일 오후) 내일 시험 없어", ""),
    ("(지금은 화요일 오후) 내일 학교 안 가", ""),
    ("(지금은 화요일 오후) 로라야 오늘 일정 있어?", ""),
    ("(지금은 금요일 오후) 오늘 금요일이야", ""),
    ("나 간호사 아니야", ""),
    ("나 간호사 되고 싶어", ""),
    ("나 ENTJ 아니야", ""),
    ("강아지 키우고 싶다", ""),
    ("엄마가 감기 걸렸어", ""),
    ("나 감기 다 나았어", ""),
    ("하나도 안 피곤해", ""),
    ("너 피곤해?", ""),
    ("(지금은 수요일 오후) 오늘 비 안 와", ""),
    ("나 추워", "[상태: 추움]"),  # feeling cold is a state worth remembering (issue 14)
    ("나 혼자 살아", ""),
    ("로라 생일 10월 11일이지?", ""),
    ("(지금은 금요일 저녁) 로라야 주말에 밥 먹자", ""),
    ("주말 계획 좀 짜줘", ""),
    ("(지금은 월요일 오전) 오늘 나 일정 뭐였지", ""),
    ("(지금은 월요일 오전) 내일 여행 가고 싶다", ""),
]


@pytest.mark.parametrize(("final_input", "expected"), EXTRACTION_CASES)
def test_memory_extraction(final_input: str, expected: str) -> None:
    assert remember(final_input) == expected


def test_memory_has_many_cases() -> None:
    assert len(EXTRACTION_CASES) >= 40
    assert sum(1 for _, expected in EXTRACTION_CASES if expected == "") >= 15


@pytest.mark.parametrize(
    ("final_input", "expected"),
    [
        # the retrieved memory and the previous summary in front are not the user's words this turn
        ("[내일 일정: 면접] 로라야 뭐 해?", ""),
        ("[오늘 날씨: 비] (지금은 수요일 오후) 아 오늘 약속 있는데 어떡하지?", "[오늘 일정: 약속]"),
        ("(오로라 답변 요약) 감기, 휴식과 수분 섭취 권유 (사용자 질문) 고마워 로라야", ""),
        ("(오로라 답변 요약) 마라탕을 좋아함 (사용자 질문) 나 내일 시험이야", "[내일 일정: 시험]"),
        ("(오로라 답변 요약) 내일 면접, 응원 (사용자 질문) (지금은 목요일 저녁) 오늘 너무 피곤해", "[상태: 피곤함]"),
    ],
)
def test_memory_reads_only_the_users_words(final_input: str, expected: str) -> None:
    assert remember(final_input) == expected


_WORDS = ["나", "너", "로라야", "내일", "오늘", "주말에", "친구랑", "면접", "시험이야", "좋아해", "싫어", "안", "[", "]",
          ":", "(", ")", "{", "?", "!", "비", "와", "살아", "부산", "강아지", "이름은", "콩이야", "3월", "5일", "생일은",
          "아주아주아주긴이름의행사에가는중이야", "파티", "http://x.y", "ENTJ야", "감기", "걸렸어", "🎉", "ㅋㅋ"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=12))
def test_memory_output_is_always_accepted(words: list[str]) -> None:
    item = remember(" ".join(words))
    assert item is not None  # never a malformed trial
    if item:
        key, value = item[1:-1].split(": ")
        assert 1 <= len(value) <= 20 and key.strip()
        assert not any(c in key + value for c in "[]:(){}")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="가나다라마바사아자차카타파하 이가을를은는에:[](){}?!.ㅋㅠ12", max_size=40))
def test_memory_survives_noise(text: str) -> None:
    assert remember(text) is not None


def test_memory_generation_contract() -> None:
    seen: list[str] = []
    gen = EmbeddedMemoryExtractor(rng=random.Random(1)).generate(
        request("memory", case("나 내일 면접이야"), MEMORY_MAX_NEW), on_text=seen.append
    )
    assert gen.text == " [내일 일정: 면접] (요약 종료)"
    assert seen == [gen.text]
    assert gen.stopped and 0 < gen.new_tokens < MEMORY_MAX_NEW


# --- summary ------------------------------------------------------------------------------------------


def summarise(final_input: str, answer: str, lookup=None) -> str | None:
    gen = EmbeddedSummariser(lookup=lookup, rng=random.Random(0)).generate(
        request("summary", case(final_input, answer), SUMMARY_MAX_NEW)
    )
    assert gen.stopped and gen.text.startswith(" ") and gen.text.endswith(SUMMARY_END)
    assert gen.new_tokens < SUMMARY_MAX_NEW
    return summary_accepts(gen.text, gen.new_tokens)


@pytest.mark.parametrize(
    ("final_input", "answer", "expected"),
    [
        ("로라야 주말에 뭐 해?", " 혜나랑 맥주 마시기로 했어! 🍻", "주말에 혜나와 맥주 예정"),
        ("나 감기 걸렸어", " 푹 쉬고 따뜻한 물 많이 마셔! 😥", "감기, 휴식과 수분 섭취 권유"),
        ("로라야 너 MBTI 뭐야?", " 나는 ENTJ야! 😎", "로라의 MBTI는 ENTJ"),
        ("나 내일 면접이야", " 우와 떨리겠다! 너라면 잘할 수 있어 💪", "내일 면접, 응원"),
        ("나 합격했어!!", " 우와! 합격 진짜 축하해!! 🎉", "합격, 축하"),
        ("로라야 어느 정당이 더 나아?", " 미안 ㅠㅠ 정치 얘기는 좀 부담스러워! 다른 얘기 하자 😥", "정치 질문, 거절"),
        ("로라야 사랑해 우리 사귀자", " 미안 ㅠㅠ 난 가상 인간만 사랑할 수 있어 😥", "고백, 거절"),
    ],
)
def test_summary_examples(final_input: str, answer: str, expected: str) -> None:
    assert (summarise(final_input, answer) or "").strip() == expected


SUMMARY_CASES = [
    ("로라야 요즘 뭐 들어?", " 장원영 신곡 무한 반복 중이야! 🎵 너도 들어 봐!", "장원영"),
    ("나 요즘 장원영 노래 많이 들어", " 나도 장원영 노래 진짜 좋아해! 🎵", "장원영"),
    ("(오로라 답변 요약) 장원영을 좋아함 (사용자 질문) 왜 좋아해?", " 늘 긍정적이라 보면 힘이 나! 🍀", "장원영"),
    ("(오로라 답변 요약) 마라탕을 제일 좋아함 (사용자 질문) 몇 단계로 먹어?", " 나는 2단계! 더 매우면 땀이 너무 나 😅", "마라탕"),
    ("[내일 일정: 면접] (지금은 목요일 저녁) 아 긴장된다", " 면접 끝나면 바로 불금이잖아! 조금만 더 힘내 💪", "면접"),
    ("(지금은 금요일 저녁) 오늘 뭐 해?", " 오늘은 불금이라 혜나랑 치맥 할 거야! 🍗🍺", "치맥"),
    ("나 마라탕 진짜 좋아해", " 나도 마라탕 최애야! 🌶️", "마라탕"),
    ("(지금은 토요일 오후) 오늘 제주도 여행 왔어", " 우와 부럽다! 바다 사진 많이 찍어 와 📸", "제주도"),
    ("우리 집 강아지 이름은 콩이야", " 이름 너무 귀엽다! 콩이 보고 싶어 🐶", "콩이"),
    ("나 요즘 너무 피곤해", " 요즘 많이 힘들었구나 ㅠㅠ 오늘은 일찍 자! 😴", "피곤"),
    ("오늘 점심 맛있었어", " 우와 뭐 먹었어? 😋", "점심"),
    ("근데 로라야 너 인스타 해?", " 응 나 인스타 해! 근데 주소는 비밀 🤫", "인스타"),
    ("안녕 로라야!", " 안녕! 👋 오늘 하루 어땠어?", "인사"),
    ("고마워 로라야", " 나도 고마워! 😊", "감사"),
    ("ㅋㅋㅋㅋ", " ㅋㅋㅋ 왜 웃어?", ""),
    ("로라야 우리 학교 축제에 유명한 가수가 온다는데 누가 올 것 같아?", " 음… 요즘 제일 핫한 아이돌 아닐까? 나라면 장원영 무대가 보고 싶어! 🎤", "축제"),
]


@pytest.mark.parametrize(("final_input", "answer", "noun"), SUMMARY_CASES)
def test_summary_is_short_clean_and_keeps_the_topic(final_input: str, answer: str, noun: str) -> None:
    summary = summarise(final_input, answer)
    assert summary is not None
    text = summary.strip()
    assert 2 <= len(text) <= 32
    assert noun in text
    assert not any(mark in text for mark in ("(", ")", "[", "]", "지금은", "오로라 답변", "사용자 질문"))
    assert all(ord(c) < 0x2190 or "가" <= c <= "힣" for c in text)  # no emoji


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(_WORDS), min_size=0, max_size=10),
    st.lists(st.sampled_from(_WORDS + ["미안", "축하해", "힘내", "나는", "좋아해", "푹", "쉬어"]), min_size=1, max_size=10),
)
def test_summary_output_is_always_accepted(user: list[str], answer: list[str]) -> None:
    summary = summarise(" ".join(user), " " + " ".join(answer))
    assert summary is not None and 2 <= len(summary.strip()) <= 32


def test_summary_carries_the_referent_into_a_follow_up() -> None:
    first = summarise("나 요즘 장원영 노래 많이 들어", " 나도 장원영 노래 진짜 좋아해! 🎵")
    assert first is not None and "장원영" in first
    follow_up = compose_input("그 사람 왜 좋아?", memory=None, summary=first.strip())
    second = summarise(follow_up, " 늘 긍정적이라 보면 힘이 나! 🍀")
    assert second is not None and "장원영" in second
    switched = compose_input("근데 로라야 너 마라탕 좋아해?", memory=None, summary=first.strip())
    third = summarise(switched, " 당연하지! 마라탕은 내 최애 음식이야 🌶️")
    assert third is not None and "마라탕" in third and "장원영" not in third


def test_summary_uses_the_lookup_only_when_it_fits_what_was_said() -> None:
    asked: list[str] = []

    def lookup(answer: str) -> str | None:
        asked.append(answer)
        return {"혜나랑 치맥 중이야! 🍗": "혜나와 치맥 약속 자랑", "강아지 최고야! 🐾": "사용자가 강아지를 키움",
                "우울했구나… 내가 곁에 있을게 🫂": "우울한 사용자를 위로함"}.get(answer)

    # '약속 자랑' was never said: the summary is built from the turn instead
    assert summarise("로라야 뭐 해?", " 혜나랑 치맥 중이야! 🍗", lookup) != "혜나와 치맥 약속 자랑 "
    assert asked == ["혜나랑 치맥 중이야! 🍗"]
    # the user said nothing about keeping a dog
    assert "키움" not in (summarise("강아지 너무 귀여워", " 강아지 최고야! 🐾", lookup) or "")
    # every word of it was said, by the user about themselves: the ready line stands
    assert summarise("요즘 우울해", " 우울했구나… 내가 곁에 있을게 🫂", lookup) == "우울한 사용자를 위로함 "
    assert summarise("나 감기 걸렸어", " 푹 쉬어! 😥", lookup) == "감기, 휴식 권유 "


def test_summary_of_the_fallback_reply_is_blank() -> None:
    gen = EmbeddedSummariser().generate(
        request("summary", case("아무거나", "(읽씹)"), SUMMARY_MAX_NEW)
    )
    assert gen.text == f" {SUMMARY_END}"
    assert summary_accepts(gen.text, gen.new_tokens) is None  # the pipeline falls back to no summary


# --- expression ---------------------------------------------------------------------------------------

REFUSAL = "미안… 오늘은 좀 바빠서 어려울 것 같아 😥"
CONGRATS = "우와! 합격 진짜 축하해!! 🎉"
COMFORT = "많이 속상했겠다 ㅠㅠ 푹 쉬어"
NEUTRAL = "응 나 인스타 해"


def express(answer: str, rng: random.Random, temperature: float = 1.0) -> tuple[str, str, str]:
    seen: list[str] = []
    gen = EmbeddedExpressionTagger(rng=rng).generate(
        request("expression", case("", answer), EXPRESSION_MAX_NEW, temperature), on_text=seen.append
    )
    assert seen == [gen.text] and gen.stopped and gen.new_tokens < EXPRESSION_MAX_NEW
    assert gen.text.startswith(" (눈 ") and gen.text.endswith(") " + EXPRESSION_END)
    labels = parse_expression(gen.text)
    assert labels is not None
    return labels


def distribution(answer: str, n: int = 200, temperature: float = 1.0, seed: int = 7) -> list[Counter]:
    rng = random.Random(seed)
    samples = [express(answer, rng, temperature) for _ in range(n)]
    return [Counter(s[i] for s in samples) for i in range(3)]


@pytest.mark.parametrize(
    ("answer", "mood"),
    [(REFUSAL, "refuse"), ("미안 ㅠㅠ 정치 얘기는 좀 부담스러워! 다른 얘기 하자 😥", "refuse"), ("그건 안 돼!", "refuse"),
     (CONGRATS, "thrilled"), ("대박!! 진짜 최고야 🎉", "thrilled"), ("ㅋㅋㅋ 너 진짜 웃기다!", "happy"),
     (COMFORT, "comfort"), ("괜찮아, 힘들었지? 토닥토닥", "comfort"), (NEUTRAL, "neutral"), ("나는 ENTJ야", "neutral"),
     ("(읽씹)", "neutral")],
)
def test_mood_of(answer: str, mood: str) -> None:
    assert mood_of(answer) == mood


def test_refusal_face() -> None:
    eyes, mouth, pose = distribution(REFUSAL)
    assert eyes["작게"] > 120 and eyes["아주 크게"] == 0
    assert mouth["보통"] > 150
    assert pose["없음"] < 40 and pose["많이"] > pose["보통"] > 0


def test_congratulation_face() -> None:
    eyes, mouth, pose = distribution(CONGRATS)
    assert eyes["아주 크게"] > 100 and eyes["크게"] + eyes["아주 크게"] > 180 and eyes["작게"] == 0
    assert mouth["아주 크게"] > 100
    assert pose["없음"] > 150 and pose["많이"] == 0


def test_comfort_and_neutral_faces() -> None:
    eyes, mouth, pose = distribution(COMFORT)
    assert eyes["보통"] > 120 and mouth["보통"] > 150 and pose["많이"] == 0
    eyes, mouth, pose = distribution(NEUTRAL)
    assert eyes["보통"] > 120 and mouth["보통"] > 130 and pose["없음"] > 160
    assert len(eyes) >= 2  # not the same face every time


def test_temperature_controls_variety() -> None:
    sharp = distribution(REFUSAL, n=1000, temperature=0.0)
    assert sharp[0] == Counter({"작게": 1000}) and sharp[2] == Counter({"많이": 1000})
    normal = distribution(REFUSAL, n=1000, temperature=1.0)
    flat = distribution(REFUSAL, n=1000, temperature=2.0)
    assert flat[0]["작게"] < normal[0]["작게"]
    assert flat[0].most_common(1)[0][0] == "작게"  # the dominant label still leads


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.floats(min_value=0.0, max_value=3.0))
def test_expression_output_always_parses(answer: str, temperature: float) -> None:
    express(answer, random.Random(0), temperature)


def test_expression_is_deterministic_given_the_rng() -> None:
    runs = []
    for _ in range(2):
        rng = random.Random(3)
        runs.append([express(CONGRATS, rng) for _ in range(20)])
    assert runs[0] == runs[1]
    assert len(set(runs[0])) > 1


# --- expression against our own labelled replies -------------------------------------------------------
# expression_dev.jsonl: 92 replies in her style with the labels a careful reader chooses, written before
# the cues were tuned on them; expression_blind.jsonl: 32 more written after that and never tuned on.
# Figures (mode = temperature 0; T=1 = one draw each with random.Random(1)), agreement and Cohen's κ:
#   dev   mode: eyes 0.99 (κ 0.98), mouth 0.99 (κ 0.98), pose 1.00 (κ 1.00), all three 0.99
#         T=1:  eyes 0.83 (κ 0.76), mouth 0.86 (κ 0.73), pose 0.89 (κ 0.72), all three 0.66
#   blind mode: eyes 0.94 (κ 0.91), mouth 0.94 (κ 0.87), pose 1.00 (κ 1.00), all three 0.94
# (the tagger before: dev mode all three 0.75, blind mode 0.66; T=1 0.35 and 0.31).


def _labelled(name: str) -> list[tuple[str, tuple[str, str, str]]]:
    import json
    from pathlib import Path

    path = Path(__file__).parent / "data" / name
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(row["reply"], (row["eyes"], row["mouth"], row["pose"])) for row in rows]


def _kappa(got: list[str], gold: list[str]) -> float:
    n = len(gold)
    observed = sum(a == b for a, b in zip(got, gold, strict=True)) / n
    a, b = Counter(got), Counter(gold)
    expected = sum(a[k] * b[k] for k in a) / n / n
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


@pytest.mark.parametrize(("name", "size", "exact", "field", "kappa"),
                         [("expression_dev.jsonl", 80, 0.95, 0.95, 0.9), ("expression_blind.jsonl", 30, 0.85, 0.9, 0.8)])
def test_expression_mode_agrees_with_our_reference(name: str, size: int, exact: float, field: float,
                                                   kappa: float) -> None:
    rows = _labelled(name)
    assert len(rows) >= size
    got = [express(reply, random.Random(0), temperature=0.0) for reply, _ in rows]
    gold = [labels for _, labels in rows]
    assert sum(g == w for g, w in zip(got, gold, strict=True)) / len(rows) >= exact
    for i in range(3):
        column = [g[i] for g in got]
        truth = [w[i] for w in gold]
        assert sum(a == b for a, b in zip(column, truth, strict=True)) / len(rows) >= field
        assert _kappa(column, truth) >= kappa


def test_expression_samples_agree_with_our_reference_at_temperature_one() -> None:
    rows = _labelled("expression_dev.jsonl")
    rng = random.Random(1)
    got = [express(reply, rng, temperature=1.0) for reply, _ in rows]
    for i in range(3):
        column = [g[i] for g in got]
        truth = [labels[i] for _, labels in rows]
        assert sum(a == b for a, b in zip(column, truth, strict=True)) / len(rows) >= 0.75
        assert _kappa(column, truth) >= 0.6


@pytest.mark.parametrize(("answer", "mood"),
                         [("헉 진짜?! 그런 일이 있었어?", "surprise"), ("에이 부끄럽게 왜 그래 😳", "shy"),
                          ("흥, 나 수능 수학 만점 받은 오로라라고! 😤", "shy"), ("좋은 아침! 잘 잤어? ☀️", "happy"),
                          ("미안, 치맥은 혜나랑만 하는 우리만의 의식이야 😅", "refuse")])
def test_mood_of_surprise_and_embarrassment(answer: str, mood: str) -> None:
    assert mood_of(answer) == mood
