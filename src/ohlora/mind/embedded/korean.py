"""Light Korean text helpers for the rule-based roles: cleaning, clauses, particles, 받침.

The morphology lives in `analysis.py` (mecab-ko): sentence splitting comes from there, and
`strip_particle` / `strip_copula` take an optional `Analyzer` to cut what the tagger reads as a
particle or a copula. Without one they fall back to a few suffix rules and small exception lists,
which is what the roles that have no analyser at hand use. Everything here is pure and stateless.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ohlora.mind.embedded.analysis import split_sentences

if TYPE_CHECKING:
    from ohlora.mind.embedded.analysis import Analyzer

# Emoji and pictographs, variation selectors and joiners, and the jamo runs used as
# emoticons (ㅋㅋ, ㅎㅎ, ㅠㅠ, ㅜㅜ).
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\ufe0f\u200d\u20e3\u2190-\u21ff]+"
)
_JAMO_RUN = re.compile(r"[ㄱ-ㅎㅏ-ㅣ]+")
_SPACES = re.compile(r"\s+")
_VOCATIVE_HEAD = re.compile(r"^(?:오로라|로라)(?:야|님|아)?(?:[\s,!~.]+|$)")
_VOCATIVE_TAIL = re.compile(r"[\s,]+(?:오로라|로라)야?([\s!~.?]*)$")

FIRST_PERSON = frozenset(
    {"나", "난", "내", "내가", "나는", "나도", "나의", "날", "나를", "저", "전", "제", "제가", "저는", "저도",
     "우리", "우리집", "우리도", "우리는"}
)
SECOND_PERSON = frozenset(
    {"너", "넌", "너는", "너도", "너가", "니가", "네가", "너의", "너랑", "너한테", "널", "너를",
     "너희", "로라는", "로라도", "로라가", "로라의", "로라를", "로라한테", "오로라는", "오로라가", "오로라도",
     "오로라의"}
)

# Particles, longest first. (particle, needs a preceding 받침: True / False / None = either)
_PARTICLES: tuple[tuple[str, bool | None], ...] = (
    ("에서는", None), ("에서도", None), ("한테서", None), ("이랑은", True), ("으로는", True),
    ("에서", None), ("에게", None), ("한테", None), ("이랑", True), ("하고", None), ("으로", True),
    ("에는", None), ("에도", None), ("까지", None), ("부터", None), ("처럼", None), ("보다", None),
    ("은", True), ("는", False), ("이", True), ("가", False), ("을", True), ("를", False),
    ("과", True), ("와", False), ("랑", False), ("로", False), ("에", None), ("도", None),
    ("의", None), ("만", None), ("엔", None),
)
# Nouns that merely end like a particle: never cut.
PARTICLE_LIKE_NOUNS = frozenset(
    {"휴가", "요가", "평가", "가가", "제주도", "경기도", "강원도", "독도", "울릉도", "전라도", "경상도",
     "충청도", "인도", "포도", "온도", "속도", "지도", "정도", "고양이", "떡볶이", "오이", "아이", "놀이",
     "사이", "나이", "거북이", "콩이", "별이", "달이", "복실이", "초코", "마루", "두부", "보리", "쿠키",
     "시골", "영화", "동화", "대화", "노래", "고래", "차도", "부도", "국도", "대만", "아이유", "태연",
     "장원영", "이", "치아", "이빨", "피시방", "노래방", "생일", "약속", "면접", "발표", "축제", "알바",
     "오늘", "내일", "모레", "어제", "주말", "저녁", "점심", "아침", "하루", "회의", "회식", "수능",
     "사랑", "자랑", "파랑", "원숭이", "결과", "효과", "마을", "가을", "편의점"}
)
_COPULAS = ("이에요", "이거든", "이라서", "이잖아", "이었어", "이니까", "이야", "예요", "거든", "라서",
            "잖아", "였어", "니까", "이라", "이고", "인데", "이지", "이다", "입니다", "야")


def strip_decorations(text: str) -> str:
    """Drop emoji, jamo emoticons (ㅋㅋ, ㅠㅠ), '…' and extra spaces."""
    text = _EMOJI.sub(" ", text)
    text = _JAMO_RUN.sub(" ", text)
    text = text.replace("…", " ").replace("ㆍ", " ").replace("\u200b", "").replace("\u00a0", " ")
    return _SPACES.sub(" ", text).strip()


def strip_vocative(text: str) -> str:
    """'로라야 나 내일 면접이야' → '나 내일 면접이야' (the name used to call her, front or back)."""
    previous = None
    while previous != text:
        previous = text
        text = _VOCATIVE_HEAD.sub("", text).strip()
        text = _VOCATIVE_TAIL.sub(lambda m: m.group(1).strip(), text).strip()
    return text


def clean(text: str) -> str:
    """What the rules read: no emoji or emoticons, no vocative, single spaces, '?' and '!' squeezed."""
    text = strip_vocative(strip_decorations(text))
    text = re.sub(r"([?!.~])[?!.~]+", r"\1", text)
    return _SPACES.sub(" ", text).strip()


def sentences_and_clauses(text: str) -> list[tuple[str, bool]]:
    """Split into clauses; each comes with True when it is a question ('?' ends its sentence).

    Only the last clause of a sentence inherits the '?': in '오늘 약속 있는데 어떡하지?' the first
    clause is a statement.
    """
    out: list[tuple[str, bool]] = []
    for sentence in split_sentences(text):
        question = sentence.endswith("?")
        parts = re.split(r"(?<=는데|인데|은데|니까|라서|지만|던데|거든),?\s+|,\s*", sentence)
        parts = [p.strip(" .!~?") for p in parts if p and p.strip(" .!~?")]
        for i, part in enumerate(parts):
            out.append((part, question and i == len(parts) - 1))
    return out


def has_batchim(syllable: str) -> bool:
    """Whether a Hangul syllable ends in a consonant (받침). Digits follow their Korean reading."""
    if not syllable:
        return False
    ch = syllable[-1]
    if "가" <= ch <= "힣":
        return (ord(ch) - 0xAC00) % 28 != 0
    return ch in "0136789lLmMnN"


def _final_is_rieul(word: str) -> bool:
    ch = word[-1] if word else ""
    return "가" <= ch <= "힣" and (ord(ch) - 0xAC00) % 28 == 8


def with_particle(word: str, pair: str) -> str:
    """with_particle('친구', '와/과') → '친구와'; with_particle('동생', '와/과') → '동생과'."""
    after_vowel, after_consonant = {"와/과": ("와", "과"), "는/은": ("는", "은"), "를/을": ("를", "을"),
                                    "가/이": ("가", "이"), "랑/이랑": ("랑", "이랑")}[pair]
    return word + (after_consonant if has_batchim(word) else after_vowel)


def _tagged_tail(word: str, analyzer: Analyzer, tags: tuple[str, ...]) -> str | None:
    """The word without the trailing morphemes the tagger reads with one of `tags` (J: particles,
    VCP/E: the copula and its endings), when those morphemes spell the word's end; else None."""
    morphemes = analyzer.tag(word)
    tail: list[str] = []
    for m in reversed(morphemes):
        if not m.tag.startswith(tags):
            break
        tail.insert(0, m.form)
    suffix = "".join(tail)
    if not suffix or not word.endswith(suffix) or len(suffix) >= len(word):
        return None
    head = [m for m in morphemes[: len(morphemes) - len(tail)]]
    if not head or not head[-1].tag.startswith(("N", "SL", "SN", "XSN")):
        return None  # only a noun's particle / copula is cut
    return word[: -len(suffix)]


def strip_particle(word: str, analyzer: Analyzer | None = None) -> str:
    """'면접을' → '면접', '친구랑' → '친구', '제주도' → '제주도' (one particle, grammar-checked).

    With an `analyzer`, the tagger's particles are cut (several at once: '친구한테는' → '친구');
    the exception list still guards place names the tagger splits (제주 + 도).
    """
    word = word.strip(" .,!?~")
    if word in PARTICLE_LIKE_NOUNS:
        return word
    if analyzer is not None:
        cut = _tagged_tail(word, analyzer, ("J",))
        if cut is not None:
            return cut
    for particle, needs_batchim in _PARTICLES:
        if word.endswith(particle) and len(word) > len(particle):
            stem = word[: -len(particle)]
            wrong_form = needs_batchim is not None and has_batchim(stem) != needs_batchim
            if wrong_form and not (particle == "로" and _final_is_rieul(stem)):
                continue
            return stem
    return word


def strip_copula(word: str, keep_i: bool = False, analyzer: Analyzer | None = None) -> str:
    """'장원영이야' → '장원영', '마라탕이거든' → '마라탕'; keep_i: '콩이야' → '콩이' (pet names).

    With an `analyzer` (and not keep_i, where only the rules know a pet's 이), the tagger's copula
    and endings are cut.
    """
    word = word.strip(" .,!?~")
    if analyzer is not None and not keep_i:
        cut = _tagged_tail(word, analyzer, ("VCP", "E"))
        if cut is not None:
            return cut
    for ending in _COPULAS:
        if word.endswith(ending) and len(word) > len(ending):
            stem = word[: -len(ending)]
            if ending.startswith("이") and ending not in ("이다",):
                if keep_i or (stem + "이") in PARTICLE_LIKE_NOUNS:
                    return stem + "이"
                if not has_batchim(stem):
                    continue  # '이야' after a vowel is not Korean: the 이 belongs to the word
            return stem
    return word


def tokens(text: str) -> list[str]:
    return [t for t in re.split(r"\s+", text.strip()) if t]


def person_address(clause: str) -> tuple[bool, bool]:
    """(mentions the speaker, mentions Oh-LoRA as 'you') for one clause."""
    words = [t.strip(" .,!?~") for t in tokens(clause)]
    return any(w in FIRST_PERSON for w in words), any(w in SECOND_PERSON for w in words)


def estimate_tokens(text: str, limit: int) -> int:
    """A BPE-ish count for Korean text (about two characters a token), kept below `limit`."""
    return max(1, min(len(text) // 2 + 1, limit - 1))


# the last syllable of a predicate said as a state ('졸려', '추워', '설레', '좋아') or as a noun ('졸림', '추움',
# '설렘', '좋음')
_STATE_ENDINGS = frozenset("함음움림남짐픔렘쁨워와려파퍼뻐레나해돼져아어")
# everyday words the memory writes in their standard form ('남친' → '남자친구', '냥이' → '고양이')
SAME_WORDS = {"남친": "남자친구", "여친": "여자친구", "냥이": "고양이", "댕댕이": "강아지", "멍멍이": "강아지",
              "강쥐": "강아지", "울집": "우리 집", "낼": "내일", "담주": "다음 주", "스벅": "스타벅스", "알바": "아르바이트",
              "폰": "핸드폰", "엄빠": "부모님", "생파": "생일 파티"}


def word_stem(word: str) -> str:
    """A word without the ending that makes it a state or a noun: '졸려' and '졸림' → '졸', '외로워' and
    '외로움' → '외로', '피곤해' and '피곤함' → '피곤' (other words are returned as they are)."""
    return word[:-1] if len(word) >= 2 and word[-1] in _STATE_ENDINGS else word


def holds_value(item: str, value: str) -> bool:
    """Whether a remembered item holds every word of `value`, as written, in its standard form ('남친' in
    '[남자친구: 민수]') or with another ending ('[상태: 졸림]' holds '졸려', '[상태: 외로움]' holds '외롭'):
    how the evaluations score the memory role."""
    words = re.findall(r"[^\s\[\]:]+", item)
    stems = {word_stem(w) for w in words} | {word_stem(w[:-1]) for w in words if len(w) >= 3 and w[-1] in "움픔"}
    return all(part in item or SAME_WORDS.get(part, part) in item or word_stem(part) in stems
               for part in value.split())
