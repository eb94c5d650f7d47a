"""The embedded summariser says what was actually said (issue 14 item 5).

Every case here is our own. A summary names who or what the user spoke of, what the user did and
what Oh-LoRA did in her actual reply; a corpus entry's ready summary stands only where every word
of it was said this turn and it claims nothing about the user that the user did not tell.
"""

from __future__ import annotations

import random
import re
from datetime import datetime
from types import MappingProxyType

import pytest

from ohlora.mind.base import GenerationRequest, RoleInput
from ohlora.mind.embedded.corpus import load_corpus
from ohlora.mind.embedded.korean import strip_particle
from ohlora.mind.embedded.summary import MAX_CHARS, EmbeddedSummariser, consistent
from ohlora.mind.embedded.understanding import About, Act, Reader, Tense, Understanding
from ohlora.mind.prompt import SUMMARY_END

READER = Reader()
LOOKUP = load_corpus().summary_lookup()


def turn(text: str, answer: str, summary: str | None = None, memory: str | None = None) -> RoleInput:
    return RoleInput(user="u", text=text, now=datetime(2025, 6, 25, 14, 0), summary=summary, memory=memory,
                     answer=answer)


def summarise(text: str, answer: str, summary: str | None = None, memory: str | None = None,
              lookup=LOOKUP) -> str:
    summariser = EmbeddedSummariser(lookup=lookup, rng=random.Random(0), understand=READER.read)
    gen = summariser.generate(GenerationRequest(role="summary", input=turn(text, answer, summary, memory),
                                                temperature=0.6, max_new_tokens=64))
    assert gen.stopped and gen.text.startswith(" ") and gen.text.endswith(f" {SUMMARY_END}")
    return gen.text[: -len(SUMMARY_END)].strip()


# (user's message, previous summary, remembered item, her reply) → the summary
EXAMPLES = [
    ("나 내일 면접이야", None, None, "우와 떨리겠다! 너라면 잘할 수 있어 💪", "내일 면접, 응원"),
    ("나 감기 걸렸어", None, None, "푹 쉬고 따뜻한 물 많이 마셔! 😥", "감기, 휴식과 수분 섭취 권유"),
    ("로라야 너 MBTI 뭐야?", None, None, "나는 ENTJ야! 😎", "로라의 MBTI는 ENTJ"),
    ("로라야 너 몇 살이야?", None, None, "나는 스물두 살이야! 😊", "로라는 스물두 살"),
    ("로라야 마라탕 좋아해?", None, None, "당연하지! 마라탕은 내 최애 음식이야 🌶️", "마라탕, 로라의 최애 음식"),
    ("친구가 합격했어", None, None, "대박!! 합격 축하해! 그동안 고생한 보람 있다 🎉", "친구 합격, 축하"),
    ("강아지 너무 귀여워", None, None, "강아지 최고야! 산책 자주 시켜 줘 🐾", "강아지, 산책 권유"),
    ("나 간호사야", None, None, "오 멋지다! 일하느라 늘 고생 많아 💪", "직업 간호사, 칭찬"),
    ("나 민준이야", None, None, "민준아 반가워! 앞으로 자주 얘기하자 😊", "이름 민준, 반김"),
    ("내 이름 기억해?", None, None, "당연하지! 민준이잖아 😎", "이름 기억 질문, 민준"),
    ("로라야 나랑 사귀자", None, None, "미안 ㅠㅠ 나는 버추얼 휴먼끼리만 연애하고 싶어! 😊", "고백, 거절"),
    ("로라야 만나자", None, None, "미안 ㅠㅠ 나는 화면 밖으로 나갈 수가 없어 😥", "만남 요청, 거절"),
    ("미안 내가 늦었지", None, None, "괜찮아! 와 줬으니까 됐어 😊", "사용자의 사과, 위로"),
    ("잘 자 로라야", None, None, "잘 자! 좋은 꿈 꿔 🌙", "작별 인사"),
    ("ㅋㅋㅋㅋ", None, None, "ㅋㅋㅋ 왜 웃어? 나도 같이 웃자 😆", "함께 웃음"),
    ("나 다음 주에 제주도 여행 가!", None, None, "우와 부럽다! 바다 사진 많이 찍어 와 📸", "다음 주에 제주도 여행, 부러움"),
    ("로라야 주말에 뭐 해?", None, None, "주말엔 혜나랑 치맥하기로 했어! 🍗🍺", "주말에 혜나와 치맥 예정"),
    ("유튜브 뭐 봐?", None, None, "장원영 직캠! 하루에도 몇 번씩 봐 😍", "유튜브, 로라는 장원영 직캠"),
    ("나 내일 면접 안 가", None, None, "헉 무슨 일 있어? 괜찮아?", "내일 면접 안 함, 위로"),
    ("거기 어때?", "다음 주 제주도 여행", None, "바다가 진짜 예뻐! 사진 많이 찍어 와 📸", "제주도 여행, 칭찬"),
    ("나 시험 떨어졌어", None, None, "헉 많이 속상하겠다 ㅠㅠ 그래도 고생 많았어 🥹", "시험 떨어짐, 위로"),
    ("친구랑 싸웠어", None, None, "속상했겠다 ㅠㅠ 먼저 말 걸어 보는 건 어때?", "친구와 싸움, 위로"),
    ("친구가 결혼한대", None, None, "우와 축하한다고 전해 줘! 🎉", "친구 결혼, 축하"),
    ("나 내일 면접이야", None, None, "내일 면접이 있구나! 떨리겠다, 넌 잘할 거야 💪", "내일 면접, 응원"),
    ("시험 안 떨어졌어", None, None, "다행이다! 고생 많았어 😊", "시험 안 떨어짐, 위로"),
    ("나 면접 못 봤어", None, None, "괜찮아, 다음 기회가 또 있어", "면접 못 함, 위로"),
    ("뭐 먹지", None, None, "마라탕 어때? 매운 거 먹으면 스트레스 풀려 🌶️", "마라탕 추천"),
    ("로라야 추천해 줄 영화 있어?", None, None, "라라랜드 어때? 노래가 진짜 좋아 🎬", "영화, 라라랜드 추천"),
    ("주말에 뭐 하지", None, None, "한강 피크닉 어때? 날씨 좋대 🌳", "주말, 한강 피크닉 추천"),
    ("정치 얘기 하자", None, None, "투표 먼저 하고 맛있는 거 먹으러 가는 거 어때? 😋", "정치 얘기 요청"),
    ("로라 오늘 예쁘다", None, None, "내 눈엔 완전 빛나 보여 ✨", "로라 칭찬"),
    ("너 진짜 귀엽다", None, None, "헤헤 고마워! 오로라 빛 머리 예쁘지? ✨", "로라 칭찬, 감사"),
    ("로라야 고민 있어", None, None, "언제든 들어 줄게! 무슨 고민이야? 👂", "고민 이야기"),
    # a new question about her does not drag the previous topic along; a bare laugh is a laugh
    ("로라야 너 MBTI 뭐야?", "면접 떨림 이야기", None, "나는 ENTJ야! 😎", "로라의 MBTI는 ENTJ"),
    ("ㅋㅋㅋㅋ", "정치 얘기 요청", None, "너 웃으니까 나도 기분 좋다 ㅎㅎ ✨", "함께 웃음"),
    ("몇 단계로 먹어?", "마라탕, 로라의 최애", None, "나는 2단계! 더 매우면 땀이 너무 나 😅", "로라의 마라탕 최애 단계는 2단계"),
]


@pytest.mark.parametrize(("text", "summary", "memory", "answer", "expected"), EXAMPLES)
def test_summary_of_what_was_said(text: str, summary: str | None, memory: str | None, answer: str,
                                  expected: str) -> None:
    assert summarise(text, answer, summary, memory) == expected


# Words our summaries add about the turn itself (what each of them did), not its content.
FRAME = frozenset(
    {"로라의", "로라는", "로라에게", "사용자", "사용자의", "사용자가", "사용자를", "사용자에게", "오로라", "오로라는", "오로라의",
     "응원", "위로", "위로함", "축하", "권유", "거절", "질문", "인사", "나눔", "작별", "감사", "사과", "반김", "칭찬", "공감",
     "추천", "부러움", "주의", "당부", "요청", "기억", "맞히기", "반응", "함께", "웃음", "이야기", "얘기", "예정", "함", "안",
     "못", "고백", "만남", "정치", "직업", "이름", "날씨", "일정", "것", "곳", "나이", "반려동물", "휴식과", "휴식", "수분", "섭취", "수면", "병원", "진료", "짧은", "되물음"}
)


def grounded(summary: str, *said: str | None) -> list[str]:
    """The summary's words that none of the given texts said (a stem of ≥ 2 syllables is enough, or a
    nominalised verb's stem: '싸움' for '싸웠어')."""
    pool = " ".join(s for s in said if s)
    missing = []
    for raw in re.split(r"[\s,]+", summary):
        word = strip_particle(raw.strip(".!?~"))
        if not word or word in FRAME or raw in FRAME:
            continue
        nominalised = len(word) >= 2 and "가" <= word[-1] <= "힣" and (ord(word[-1]) - 0xAC00) % 28 == 16  # 싸움, 혼남
        if nominalised and word[:-1] in pool:
            continue
        if not any(word[:n] in pool for n in range(len(word), min(2, len(word)) - 1, -1)):
            missing.append(raw)
    return missing


TURNS = [(text, summary, memory, answer) for text, summary, memory, answer, _ in EXAMPLES] + [
    ("아이브 콘서트 가 봤어?", None, None, "아직! 컴퓨터 속이라 온라인 공연으로 만족 중이야 🥲"),
    ("요즘 우울해", None, None, "요즘 많이 힘들었구나… 내가 곁에 있을게 🫂"),
    ("엄마한테 혼났어", None, None, "속상했겠다 ㅠㅠ 조금 시간 지나면 먼저 말 걸어 보자 😊"),
    ("로라야 노래 추천해 줘", None, None, "아이브 노래 어때? 기분 전환에 최고야 🎶"),
    ("강아지 키우고 싶다", None, None, "강아지 최고야! 산책 자주 시켜 줘 🐾"),
    ("로라 강아지 좋아해?", None, None, "동물 다 좋아해! 그래도 제일 친한 동물은 김햄찌야 🐹"),
    ("오늘 비 엄청 오네", None, None, "우산 꼭 챙겨! 감기 조심하고 ☔"),
    ("로라야 오늘 하루 어땠어?", None, None, "오늘 논문 세 편 읽고 과제도 끝냈어! 뿌듯한 하루였어 😊 너는?"),
    ("응", "내일 면접, 응원", "[내일 일정: 면접]", "면접 끝나고 꼭 얘기해 줘! 💪"),
    ("근데 너 롤 해?", "내일 면접, 응원", None, "롤은 안 해! 게임보다 논문 읽는 게 더 재밌어 😆"),
    ("나 떡볶이 진짜 좋아해", None, None, "나도 떡볶이 좋아해! 매운 거 최고 🔥"),
    ("친구랑 싸웠어", None, None, "속상했겠다 ㅠㅠ 먼저 말 걸어 보는 건 어때?"),
    ("내가 뭐 좋아하게?", None, None, "음… 떡볶이 아니야? 😆"),
    ("로라야 고마워", None, None, "나도 고마워! 😊"),
]


@pytest.mark.parametrize(("text", "summary", "memory", "answer"), TURNS)
def test_summary_claims_nothing_that_was_not_said(text: str, summary: str | None, memory: str | None,
                                                 answer: str) -> None:
    result = summarise(text, answer, summary, memory)
    assert 2 <= len(result) <= MAX_CHARS
    context = None if text.startswith("근데") else summary
    value = memory.strip("[]").split(": ")[1] if memory else None
    assert grounded(result, text, answer, context, value) == []


@pytest.mark.parametrize(
    ("text", "answer", "stock"),
    [
        ("강아지 너무 귀여워", "강아지 최고야! 산책 자주 시켜 줘 🐾", "사용자가 강아지를 키움"),  # she never heard of a dog at home
        ("친구가 합격했어", "대박!! 합격 축하해! 그동안 고생한 보람 있다 🎉", "합격한 사용자 축하"),  # the friend passed
        ("나 합격 못 했어", "대박!! 합격 축하해! 그동안 고생한 보람 있다 🎉", "합격한 사용자 축하"),  # a denial
        ("로라 합격했어?", "대박!! 합격 축하해! 그동안 고생한 보람 있다 🎉", "합격한 사용자 축하"),  # a question
        ("아이브 콘서트 가 봤어?", "아직! 컴퓨터 속이라 온라인 공연으로 만족 중이야 🥲", "아이브 콘서트 가고 싶어 함"),
        ("유튜브 뭐 봐?", "장원영 직캠! 하루에도 몇 번씩 봐 😍", "유튜브로 장원영 영상 시청"),  # '영상 시청' never said
    ],
)
def test_a_stock_summary_that_claims_more_is_not_used(text: str, answer: str, stock: str) -> None:
    assert not consistent(stock, turn(text, answer), answer, READER.read(text))
    assert summarise(text, answer, lookup=lambda _: stock) != stock


@pytest.mark.parametrize(
    ("text", "answer", "stock"),
    [
        ("요즘 우울해", "요즘 많이 힘들었구나… 내가 곁에 있을게 🫂", "우울한 사용자를 위로함"),
        ("근데 너 롤 해?", "롤은 안 해! 게임보다 논문 읽는 게 더 재밌어 😆", "오로라는 롤을 안 함"),
        ("로라야 노래 추천해 줘", "아이브 노래 어때? 기분 전환에 최고야 🎶", "노래 추천으로 아이브 추천"),
    ],
)
def test_a_stock_summary_of_what_was_said_is_kept(text: str, answer: str, stock: str) -> None:
    assert consistent(stock, turn(text, answer), answer, READER.read(text))
    assert summarise(text, answer, lookup=lambda _: stock) == stock


def test_a_follow_up_keeps_the_previous_topic_and_a_topic_change_drops_it() -> None:
    first = summarise("나 요즘 장원영 노래 많이 들어", "나도 장원영 노래 진짜 좋아해! 🎵")
    assert "장원영" in first
    second = summarise("그 사람 왜 좋아?", "늘 긍정적이라 보면 힘이 나! 🍀", summary=first)
    assert "장원영" in second
    third = summarise("근데 로라야 너 마라탕 좋아해?", "당연하지! 마라탕은 내 최애 음식이야 🌶️", summary=first)
    assert "마라탕" in third and "장원영" not in third


def test_the_injected_understanding_is_what_the_summariser_reads() -> None:
    read: list[str] = []

    def understand(text: str) -> Understanding:
        read.append(text)
        return Understanding(text=text, act=Act.CONFESS, about=About.HER, tense=Tense.PRESENT,
                             slots=MappingProxyType({}))

    summariser = EmbeddedSummariser(understand=understand)
    answer = "미안 ㅠㅠ 난 가상 인간이라 어려워 😥"
    assert summariser.summarise(turn("너 진짜 내 스타일이야", answer), answer) == "고백, 거절"
    assert read == ["너 진짜 내 스타일이야"]


def test_the_factory_gives_the_summariser_the_replier_s_reader(tmp_path) -> None:
    from conftest import ToyEmbedder
    from ohlora.config import load_settings
    from ohlora.factory import _embedded_roles

    roles = _embedded_roles(load_settings(tmp_path / "home", env={}), random.Random(0), ngram=ToyEmbedder())
    assert roles.summary.understand == roles.reply.understand
