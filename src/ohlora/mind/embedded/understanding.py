"""What a message means, as the embedded roles share it (issue 14): one `Understanding` per message.

`understand(text)` is computed from the Korean analysis (`analysis.py`); every embedded role reads
the same result (the `Reader` caches it per text), so the replier, the memory extractor and the
summariser never disagree about what was said.

Acts (what the user does with the message):
    greeting, farewell, thanks, apology   social moves
    ask_her        a question about Oh-LoRA herself ("너 몇 살이야?", "마라탕 좋아해?")
    recall         asks what she remembers about the user ("내 이름 뭐였지?", "내가 어디 간다고 했지?")
    ask_user       asks her to guess something about the user ("내가 뭐 좋아하게?")
    tell_fact      a lasting fact about the user (name, age, school, job, pet, family, home, likes)
    tell_plan      something the user will do (future tense, or a time word ahead: 내일, 다음 주 …)
    tell_past      something that happened (past tense)
    tell_feeling   the user's feeling or state now (피곤해, 긴장돼, 신나)
    request        asks her to do something (추천해 줘, 알려 줘, 들어 줘)
    opinion        asks what she thinks about a topic that is not about her
    confess        love confession, asking to date or to meet in person
    reaction       a short reaction with no content (ㅋㅋ, ㅇㅇ, 헐, 대박, ?)
    smalltalk      anything else with content
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType


# Memory key families: `recall_key` names one; a remembered item "[key: value]" belongs to a family
# when its key contains one of the family's key words. The memory extractor writes keys from these
# words (e.g. "[이름: 민준]", "[내일 일정: 면접]", "[좋아하는 음식: 떡볶이]", "[반려동물: 강아지 콩이]").
KEY_FAMILIES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "name": ("이름",),
    "age": ("나이",),
    "birthday": ("생일",),
    "mbti": ("MBTI",),
    "school": ("학교", "전공", "학과", "학년", "학번", "동아리"),
    "job": ("직업", "직장", "회사", "알바"),
    "pet": ("반려동물",),
    "like": ("좋아하는", "취미", "관심"),
    "dislike": ("싫어하는", "못 먹는", "알레르기"),
    "plan": ("일정", "계획", "여행"),
    "place": ("사는 곳", "고향", "이사"),
    "feeling": ("상태", "기분"),
    "health": ("건강",),
    "people": ("가족", "친구", "연인", "동생", "형", "오빠", "누나", "언니", "엄마", "아빠"),
})


def key_family(key: str) -> str | None:
    """The family a memory key belongs to ("내일 일정" -> "plan"), or None."""
    for family, words in KEY_FAMILIES.items():
        if any(word in key for word in words):
            return family
    return None


class Act(str, Enum):
    GREETING = "greeting"
    FAREWELL = "farewell"
    THANKS = "thanks"
    APOLOGY = "apology"
    ASK_HER = "ask_her"
    RECALL = "recall"
    ASK_USER = "ask_user"
    TELL_FACT = "tell_fact"
    TELL_PLAN = "tell_plan"
    TELL_PAST = "tell_past"
    TELL_FEELING = "tell_feeling"
    REQUEST = "request"
    OPINION = "opinion"
    CONFESS = "confess"
    REACTION = "reaction"
    SMALLTALK = "smalltalk"


class About(str, Enum):
    HER = "her"  # Oh-LoRA (너, 로라, 오로라)
    USER = "user"  # the person talking (나, 내, 우리 집 …)
    THIRD = "third"  # someone else (친구, 엄마, 팀장님 …)
    NONE = "none"  # no one in particular (날씨, 세상 일)


class Tense(str, Enum):
    PAST = "past"
    PRESENT = "present"
    FUTURE = "future"
    ONGOING = "ongoing"  # -고 있다, -는 중


@dataclass(frozen=True)
class Understanding:
    text: str  # the message as analysed
    act: Act
    about: About
    tense: Tense
    negated: bool = False  # the main predicate is negated (안, 못, -지 않다, 없다)
    question: bool = False
    topic: str | None = None  # the main content noun ("시험", "제주도 여행", "마라탕"), None when there is none
    # what the message fills in, by slot name: name, age, school, job, pet, pet_name, person, place,
    # time (내일, 다음 주, 3월 5일 …), event (면접, 시험, 여행 …), item (what is liked/bought/eaten),
    # feeling (긴장, 피곤 …), food, hobby
    slots: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    recall_key: str | None = None  # for RECALL / ASK_USER: the memory key family asked about (see facts.KEYS)
    polarity: int = 0  # the user's feeling: -1 negative, 0 neutral, +1 positive
    confidence: float = 1.0  # how sure the reading is (0..1); the replier answers generically below its floor
