"""Embedded summariser: one short line that carries this turn into the next one.

It serves the summary role like the fine-tuned Kanana model: it reads the user's words, the
remembered fact or previous summary and Oh-LoRA's answer from the role input; the output is
" <summary> (요약 종료)". The summary (≤ 32 characters, in the dataset's terse style: "내일 면접,
응원", "감기, 휴식과 수분 섭취 권유", "로라의 MBTI는 ENTJ") says what was actually said: who or what
the user spoke of (a fact, a plan, a feeling, the topic nouns, read with the shared `Understanding`
of the message), what the user did (told, asked about her, thanked, apologised, asked for
something) and what Oh-LoRA did in her reply (cheered, comforted, advised, refused, answered with
her own fact). It keeps the topic nouns so that a follow-up ("그 사람 왜 좋아?") can be understood
next turn. A corpus entry's ready summary (`lookup`) is used only where every word of it was said
this turn and it claims nothing about the user that the user did not tell (`consistent`).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from types import MappingProxyType

from ohlora.mind.base import Generation, GenerationRequest, RoleInput
from ohlora.mind.embedded.facts import (
    QUESTION_WORDS,
    Fact,
    day_word,
    extract_fact,
    known_noun,
    schedule_fact,
)
from ohlora.mind.embedded.korean import (
    PARTICLE_LIKE_NOUNS,
    clean,
    estimate_tokens,
    person_address,
    sentences_and_clauses,
    strip_copula,
    strip_particle,
    tokens,
    with_particle,
)
from ohlora.mind.embedded.understanding import About, Act, Reader, Understanding
from ohlora.mind.prompt import FALLBACK_REPLY, SUMMARY_END

MAX_CHARS = 32
TOPIC_CHANGE = "근데"

_NOT_TOPICS = frozenset(
    {"나", "난", "나는", "나도", "내", "내가", "너", "넌", "너는", "너도", "니가", "네가", "로라", "오로라", "우리",
     "저", "제가", "진짜", "정말", "너무", "완전", "엄청", "좀", "조금", "많이", "그냥", "요즘", "근데", "그럼",
     "그래서", "그리고", "아", "어", "음", "흠", "헐", "와", "오", "혹시", "이제", "지금", "또", "막", "되게",
     "제일", "가장", "다", "잘", "꼭", "같이", "혼자", "오늘", "그", "이", "저기", "여기", "거기", "그거", "그게",
     "그건", "그걸", "이거", "이게", "걔", "얘", "응", "아니", "네", "예", "ㅇㅇ", "그치", "맞아", "있잖아", "더", "덜",
     "계속", "벌써", "아직", "다시", "항상", "늘", "자주", "가끔", "먼저", "빨리", "천천히", "사람", "거", "것"}
    | QUESTION_WORDS
)
_VERB_ENDINGS = ("어", "아", "요", "지", "다", "네", "까", "니", "냐", "래", "자", "고", "서", "면", "게", "는",
                 "던", "해", "했", "할", "한", "며", "데", "나", "줘", "봐", "와", "워", "야", "돼", "됨", "함", "음")
# Words our own summaries add around the topic: not topics themselves when a summary is carried on.
_SUMMARY_WORDS = frozenset(
    {"거절", "축하", "응원", "위로", "감사", "추천", "공감", "권유", "예정", "이야기", "나눔", "인사", "질문", "대화",
     "일상", "로라는", "로라의", "로라에게", "로라를"}
)
# What the user asked for, named when Oh-LoRA turned it down ('사랑해 우리 사귀자' → 고백, 거절).
_INTENTS = (
    ("정치 질문", re.compile(r"정치|정당|대통령|선거|국회|투표|진보|보수")),
    ("만남 요청", re.compile(r"만나자|만날래|보자|볼래|데이트|놀러\s?가자|밥\s?먹자")),
    ("고백", re.compile(r"사랑해|사귀|좋아해|여친|여자친구|애인|결혼")),
)
_DONE = re.compile(r"^([가-힣]{2,4})(?:했어|했다|했지|했는데|했거든|했음)$")  # '합격했어' → 합격
_FOLLOW_UP = re.compile(r"(?:^|\s)(?:그거|그게|그건|그걸|그것|그\s\S+|걔|걔가|걔는|거기|거기서|그때|왜|그럼)(?=\s|$)")
_GREETING = re.compile(r"^(?:안녕|하이|헬로|반가워|반갑|좋은\s?아침|굿모닝|잘\s?자|굿나잇)")
_THANKS = re.compile(r"고마워|고맙|감사")

# What Oh-LoRA did in her answer, checked in this order.
_ACTS = (
    ("거절", re.compile(r"미안|부담|곤란|안\s?돼|못\s?해|어려울\s?것\s?같|죄송|그건\s좀")),
    ("축하", re.compile(r"축하|ㅊㅋ")),
    ("부러움", re.compile(r"부럽|부러워")),
    ("칭찬", re.compile(r"귀엽|귀여워|예쁘|예뻐|멋지|멋있|멋져|대단|잘했|잘\s했|훌륭")),
    ("주의 당부", re.compile(r"조심")),
    ("응원", re.compile(r"힘내|화이팅|파이팅|응원|잘\s?할\s?수\s?있|잘\s?할\s?거|잘\s?될\s?거|할\s?수\s?있어|잘\s?보고\s?와")),
    ("위로", re.compile(r"괜찮아|토닥|속상|위로|힘들었겠|고생\s?했|고생\s?많|수고\s?했|아프겠|걱정\s?돼|걱정이네|안쓰")),
    ("감사", re.compile(r"고마워|고맙|감사")),
    ("추천", re.compile(r"추천|들어\s?봐|해\s?봐|먹어\s?봐|가\s?봐|봐\s?봐")),
    ("공감", re.compile(r"(?:^|\s)나도|맞아|그치|인정|좋지|나두")),
    ("반김", re.compile(r"반가워|반갑")),
)
_ADVICE = (
    ("휴식", re.compile(r"쉬어|쉬고|쉬는\s?게|푹\s?자|푹\s?쉬|휴식")),
    ("수분 섭취", re.compile(r"물\s?(?:많이|자주|마|챙)|수분")),
    ("병원 진료", re.compile(r"병원")),
    ("약 복용", re.compile(r"약\s?(?:먹|챙|꼭)")),
    ("보온", re.compile(r"따뜻하게\s?(?:입|하고|있)|옷\s?(?:따뜻|든든|챙)")),
    ("식사", re.compile(r"밥\s?(?:챙|꼭|잘|먹)|식사")),
    ("수면", re.compile(r"일찍\s?자|잠\s?(?:좀|푹|충분)")),
    ("스트레칭", re.compile(r"스트레칭")),
    ("산책", re.compile(r"산책")),
    ("우산 챙기기", re.compile(r"우산")),
)
_PLAN = re.compile(r"기로\s?했|[할갈볼먹]\s?거야|예정|하려고|가려고|보러|먹으러|마시러|약속\s?있|만나기로")
_NON_ANSWERS = frozenset({"아직", "응", "웅", "아니", "아냐", "당연", "당연하지", "물론", "글쎄", "음", "그럼", "그치", "맞아"})
_INTERJECTIONS = re.compile(r"^(?:응|웅|어|아|음|흠|오|와|우와|와우|헉|헐|에이|그럼|당연하지|물론|있지|사실)[\s,!.~]+")
_NOMINAL_ENDINGS = (
    ("좋아해", "좋아함"), ("싫어해", "싫어함"), ("했어", "했음"), ("했지", "했음"), ("있어", "있음"), ("없어", "없음"),
    ("싶어", "싶음"), ("좋아", "좋음"), ("싫어", "싫음"), ("같아", "같음"),
    ("하거든", "함"), ("한다", "함"), ("해요", "함"), ("해", "함"), ("돼", "됨"), ("나", "남"),
)


def _nouns(text: str, *, summary: bool = False) -> list[str]:
    """Topic nouns in order: words that carried a particle, known words, and bare words that do not
    look like predicates. In a user's clause the last word is the predicate unless it is 'noun +
    copula' or 'noun + 했어' ('합격했어' → 합격); a summary is all noun phrase."""
    out: list[tuple[int, int, str]] = []  # (rank: known 0 / had a particle 1 / bare 2, position, word)
    text = _FOLLOW_UP.sub(" ", text)
    for clause, _ in sentences_and_clauses(text):
        words = [w.strip(",") for w in tokens(clause)]
        for i, word in enumerate(words):
            if summary:
                stem = strip_particle(word)
                if stem in _SUMMARY_WORDS or (stem.endswith(("함", "음", "됨", "남", "옴")) and not known_noun(stem)):
                    continue
            elif i == len(words) - 1 and (len(words) > 1 or word.endswith(_VERB_ENDINGS)):
                stem = strip_copula(word)
                done = _DONE.match(word)
                if done and done.group(1)[-1] not in "아어":
                    stem = done.group(1)
                elif stem == word and not known_noun(word):
                    continue
            else:
                stem = strip_particle(word)
            if word in _NOT_TOPICS or stem in _NOT_TOPICS or not re.fullmatch(r"[가-힣A-Za-z0-9]{1,12}", stem):
                continue
            if len(stem) == 1 and stem == word and not known_noun(stem):
                continue  # a bare one-syllable word ('가 봤어'): a verb far more often than a topic
            if stem != word and stem.endswith(("하", "되")) and not known_noun(stem):
                continue  # '좋아하는' → '좋아하': a verb's stem, not a noun
            rank = 0 if known_noun(stem) or stem in PARTICLE_LIKE_NOUNS else 1 if stem != word else 2
            if rank == 2 and (stem.endswith(_VERB_ENDINGS) or _adnominal(stem)):
                continue
            if stem not in (found for _, _, found in out):
                out.append((rank, len(out), stem))
    best = sorted(sorted(out)[:3], key=lambda item: item[1])  # the 3 most noun-like words, in their order
    return [word for _, _, word in best]


def _adnominal(word: str) -> bool:
    """'긴', '예쁜', '먹을': a bare word ending in ㄴ/ㄹ is far more often a modifier than a topic."""
    last = word[-1]
    return "가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 in (4, 8)


def _fact_phrase(fact: Fact) -> str:
    key, value = fact.key, fact.value
    if key.endswith(" 일정"):
        day = key[: -len(" 일정")]
        if value == "없음":
            return f"{day} 일정 없음"
        return f"{day if day in ('오늘', '내일', '어제', '모레') else day + '에'} {value}"
    if key.endswith(" 날씨"):
        return f"{key[: -len(' 날씨')].replace('현재', '지금')} 날씨 {value}"
    phrases = {
        "상태": value, "건강 상태": value, "MBTI": f"MBTI {value}", "직업": f"직업 {value}", "학교": f"{value} 재학",
        "학년": value, "학번": value, "사는 곳": f"{value} 거주", "고향": f"고향 {value}", "반려동물": f"반려동물 {value}",
        "못 먹는 음식": f"{value} 못 먹음",
        "오로라에 대한 감정": {"좋아함": "로라를 좋아함", "싫어함": "로라를 싫어함", "고마움": "로라에게 고마움"}.get(
            value, "로라가 최고라고 함"
        ),
    }
    if key in phrases:
        return phrases[key]
    if key.startswith("좋아하는"):
        return f"{value} 좋아함"
    if key.startswith("싫어하는"):
        return f"{value} 싫어함"
    return f"{key} {value}"


def _act(answer: str) -> str | None:
    advice = [name for name, pattern in _ADVICE if pattern.search(answer)]
    for name, pattern in _ACTS:
        if pattern.search(answer):
            if name in ("응원", "위로", "추천", "공감") and advice:
                break
            return name
    if advice:
        phrase = advice[0]
        for more in advice[1:2]:
            phrase = f"{with_particle(phrase, '와/과')} {more}"
        return f"{phrase} 권유"
    return None


def _nominal(predicate: str) -> str | None:
    """'좋아해' → '좋아함', 'ENTJ야' → 'ENTJ', '갈거야' → '갈 예정'; None when unsure."""
    if predicate.endswith("이잖아") and len(predicate) > 3:
        return predicate[:-3]  # '민준이잖아' → '민준'
    if predicate.endswith(("구나", "구먼", "군", "겠다", "겠네", "잖아")):
        return None  # '있구나', '떨리겠다': a reaction to what the user said, not a statement of hers
    if predicate.endswith("거야"):
        return (predicate[:-2] + " 예정").strip()
    stem = strip_copula(predicate)
    if stem != predicate:
        return stem
    for ending, nominal in _NOMINAL_ENDINGS:
        if predicate.endswith(ending):
            return predicate[: -len(ending)] + nominal
    return None


def _gist(answer: str) -> str:
    """Oh-LoRA's first statement as a short nominal phrase: '나는 ENTJ야!' → 'ENTJ'."""
    for clause, question in sentences_and_clauses(answer):
        if question:
            continue
        words = tokens(_INTERJECTIONS.sub("", clause))
        while words and words[0] in ("나는", "난", "나도", "내가", "나", "저는", "사실", "나라면", "솔직히"):
            words = words[1:]
        if not words:
            continue
        nominal = _nominal(words[-1])
        last = words[-1].strip("!.~?,")
        if nominal is None and len(words) <= 3 and last and not last.endswith(_VERB_ENDINGS):
            nominal = last  # '나는 2단계!', '장원영 직캠!': a bare noun phrase is the answer
        if len(words) == 1 and (nominal or "") in _NON_ANSWERS:
            continue  # '아직!', '당연하지!': the answer is in what follows
        if nominal is None:
            continue  # a predicate we cannot turn into a noun phrase: try the next statement
        words = [*words[:-1], nominal]
        phrase = " ".join(words).strip()
        if len(phrase) >= 2:
            return phrase
    return ""


def _plan(user: str, answer: str) -> str | None:
    """Oh-LoRA's own plan when the user asked about one: '주말에 뭐 해?' + '혜나랑 맥주 마시기로 했어!'."""
    day = day_word(user)
    if not day or not _PLAN.search(answer):
        return None
    fact = schedule_fact(f"{day} {answer}")
    if fact is None or fact.value == "없음":
        return None
    phrase = _fact_phrase(fact)
    return phrase if day in ("어제",) else f"{phrase} 예정"


def _fit(parts: list[str]) -> str:
    parts = [re.sub(r"https?://\S+|[\[\](){}<>]", " ", p) for p in parts]
    parts = [re.sub(r"\s+", " ", p).strip(" ,") for p in parts if p.strip(" ,")]
    while parts:
        text = ", ".join(parts)
        if len(text) <= MAX_CHARS:
            return text
        words = parts[-1].split(" ")
        if len(parts) > 1 and len(words) <= 1:
            parts.pop()
        elif len(words) > 1:
            parts[-1] = " ".join(words[:-1])
        else:
            return parts[0][:MAX_CHARS]
    return ""


def _subject(parsed: RoleInput, user: str, fact: Fact | None, act: str | None,
             reading: Understanding | None = None) -> str:
    """What the turn was about: the user's fact or topic nouns, with the referent of a follow-up."""
    subject = _fact_phrase(fact) if fact else " ".join(_nouns(user))
    intent = next((name for name, pattern in _INTENTS if pattern.search(user)), None)
    if intent and act == "거절":
        return intent
    short_question = user.endswith("?") and len(tokens(user)) <= 4 and not fact
    if short_question and subject and reading is not None and reading.about is About.HER \
            and _ADDRESSED.search(parsed.text):
        short_question = False  # '로라야 너 MBTI 뭐야?': a new question about her, not a follow-up
    if parsed.summary and TOPIC_CHANGE not in user and (_FOLLOW_UP.search(user) or not subject or short_question):
        carried = [w for w in _nouns(parsed.summary, summary=True) if w not in subject]
        subject = " ".join([*carried[:2], subject]).strip()
    if parsed.memory_value and parsed.memory_value not in subject:
        subject = f"{parsed.memory_value} {subject}".strip()
    return subject


_ADDRESSED = re.compile(r"(?:^|\s)(?:너|넌|너는|니가|네가|로라야|로라는|로라|오로라)(?=\s|$|[?!,])")
# What happened to the user, named as they said it ('시험 떨어졌어' → '시험 떨어짐').
_OUTCOMES = (
    ("떨어짐", re.compile(r"떨어졌|떨어짐|탈락")), ("붙음", re.compile(r"붙었|붙음")), ("망침", re.compile(r"망쳤|망했")),
    ("혼남", re.compile(r"혼났|혼남")), ("싸움", re.compile(r"싸웠")), ("헤어짐", re.compile(r"헤어졌")),
    ("다침", re.compile(r"다쳤")), ("잃어버림", re.compile(r"잃어버렸|잃어버림")), ("늦음", re.compile(r"늦었|지각")),
    ("결혼", re.compile(r"결혼한대|결혼해|결혼했")), ("이사", re.compile(r"이사\s?(?:했|가|간)")),
)
_WITH = re.compile(r"^(?:이랑|랑|하고|와|과)")
_TO = re.compile(r"^(?:한테|에게|께)")


def _recommended(reply: str) -> str | None:
    """What she recommends in 'X 어때?' ('라라랜드 어때?' → '라라랜드'); None when she does not."""
    for clause, _ in sentences_and_clauses(reply):
        words = tokens(_INTERJECTIONS.sub("", clause))
        if len(words) >= 2 and words[-1].strip("?!.~") in ("어때", "어때요", "어떨까", "추천해", "추천할게"):
            if len(words) > 4:
                continue  # a whole suggestion ('… 먹으러 가는 거 어때?'), not a thing she names
            item = []
            for word in words[:-1]:
                stem = strip_particle(word)
                if stem in _NOT_TOPICS or _adnominal(stem) or stem.endswith(_VERB_ENDINGS) and not known_noun(stem):
                    item = []  # only the noun phrase right before '어때'
                    continue
                item.append(stem)
            if item and (len(item[-1]) >= 2 or known_noun(item[-1])):
                return " ".join(item[-2:])
    return None


def _outcome(subject: str, user: str) -> str | None:
    """The subject with what happened, kept as the user said it: '친구랑 싸웠어' → '친구와 싸움',
    '시험 안 떨어졌어' → '시험 안 떨어짐'; None when nothing in the list happened."""
    for name, pattern in _OUTCOMES:
        m = pattern.search(user)
        if m is None or name in subject or any(w in m.group(0) for w in subject.split(" ") if w):
            continue
        before = user[: m.start()].rstrip()
        if before.endswith((" 안", " 못")) or before in ("안", "못"):
            name = f"{before[-1]} {name}"
        last = subject.split(" ")[-1] if subject else ""
        after = user[user.find(last) + len(last):] if last and last in user else ""
        if _WITH.match(after):
            return f"{subject[: -len(last)]}{with_particle(last, '와/과')} {name}".strip()
        if _TO.match(after):
            return f"{subject}{_TO.match(after).group(0)} {name}".strip()
        return f"{subject} {name}".strip()
    return None


_PRAISE = re.compile(r"예쁘|예뻐|이쁘|이뻐|귀엽|귀여워|멋지|멋있|똑똑|착하|최고|짱|사랑스")
_ASKING = frozenset({Act.ASK_HER, Act.RECALL, Act.ASK_USER, Act.OPINION})
_RECALL_WORDS = MappingProxyType({
    "name": "이름", "age": "나이", "birthday": "생일", "mbti": "MBTI", "school": "학교", "job": "직업",
    "pet": "반려동물", "like": "좋아하는 것", "dislike": "싫어하는 것", "plan": "일정", "place": "사는 곳",
    "health": "건강", "feeling": "기분", "people": "주변 사람",
})
_GUESS_GAME = re.compile(r"맞[춰혀추히]|게\s?\?|게$")  # '내가 뭐 좋아하게?': asks her to guess
_LAUGH = re.compile(r"ㅋㅋ|ㅎㅎ|하하|[😆😂🤣]")


def _asked(user: str, reading: Understanding | None) -> bool:
    if reading is not None:
        return reading.question or reading.act in _ASKING
    return any(q for _, q in sentences_and_clauses(user)) or bool(person_address(user)[1]) or any(
        w.strip("?") in QUESTION_WORDS for w in tokens(user)
    )


def _move(parsed: RoleInput, reading: Understanding, subject: str, her: str | None, reply: str,
          fact: Fact | None) -> list[str] | None:
    """The summary of a turn whose user move names itself (greeting, thanks, a confession, a
    request, a recall question, a bare reaction …): None when the general rule below applies."""
    act = reading.act
    gist = _gist(reply)
    if act is Act.FAREWELL and not fact:
        return ["작별 인사", her if her not in (None, "감사") else ""]
    if act is Act.APOLOGY and not fact:
        return [f"{subject} 사과" if subject else "사용자의 사과", her or ("괜찮다고 함" if "괜찮" in reply else "")]
    if act is Act.CONFESS:
        intent = next((name for name, pattern in _INTENTS[1:] if pattern.search(parsed.text)), "고백")
        return [intent, her or gist]
    if act is Act.REQUEST and her == "거절":
        intents = {name for name, _ in _INTENTS}
        return [subject if subject in intents else f"{subject} 요청" if subject else "부탁", "거절"]
    if act is Act.REQUEST and subject:
        asked_for = subject if subject.endswith(("추천", "요청")) else f"{subject} 요청"
        return [asked_for, gist if gist and len(gist) <= 14 else (her or "")]
    if act is Act.RECALL:
        what = _RECALL_WORDS.get(reading.recall_key or "", subject or "자기 얘기")
        return [f"{what} 기억 질문", gist if gist and len(gist) <= 14 else ""]
    if act is Act.ASK_USER and _GUESS_GAME.search(parsed.text):
        what = _RECALL_WORDS.get(reading.recall_key or "", subject)
        return [f"{what} 맞히기" if what else "맞히기 놀이", gist if gist and len(gist) <= 14 else ""]
    if act is Act.REACTION and not _nouns(clean(parsed.text)):
        if _LAUGH.search(parsed.text) and _LAUGH.search(parsed.answer or reply):
            return ["함께 웃음"]
        if parsed.summary and TOPIC_CHANGE not in parsed.text:
            carried = [w for w in _nouns(parsed.summary, summary=True)][:2]
            if carried:
                return [f"{' '.join(carried)} 반응", her or ""]
        return ["짧은 반응", her or ""]
    return None


def _her_answer(subject: str, gist: str) -> list[str]:
    """Her answer to a question about her: '살' + '스물두 살' → '로라는 스물두 살'; '마라탕' + '마라탕은 내
    최애 음식' → '마라탕, 로라의 최애 음식'."""
    words = ["로라의" if w in ("내", "제", "나의") else w for w in gist.split(" ")]
    if len(words) > 2 and subject and strip_particle(words[0]) == subject != words[0]:
        phrase = " ".join(words[1:])  # the subject again, as her sentence's topic
        return [subject, phrase if phrase.startswith("로라의") else f"로라는 {phrase}"]
    phrase = " ".join(words)
    said = phrase if phrase.startswith("로라의") else f"로라는 {phrase}"
    if subject and all(part in gist for part in subject.split(" ")):
        return [said]  # '몇 살' → '살': the subject is in her answer already
    return [subject, said]


_DENIED = re.compile(r"^\S*\s?(?:(안|못)\s|(안|못)\S)")


def _denied(subject: str, user: str) -> str:
    """'내일 면접 안 가' → '내일 면접 안 함': a topic the user says did not or will not happen keeps its negation."""
    last = subject.split(" ")[-1]
    at = user.find(last)
    if at < 0:
        return subject
    m = _DENIED.match(user[at + len(last):].lstrip())
    if m is None and not re.match(r"^\S*\s?(?:안|못)(?:\s|$)", user[at + len(last):]):
        return subject
    return f"{subject} {'못' if '못' in user[at:] else '안'} 함"


def build_summary(parsed: RoleInput, answer: str, reading: Understanding | None = None) -> str:
    """The summary from the user's words (with their context) and Oh-LoRA's answer, ≤ 32 characters.

    Every word comes from one of them: the subject from the user's message (a remembered fact, the
    topic nouns, the previous summary's topic for a follow-up), the rest from what Oh-LoRA did in
    her reply (cheered, comforted, refused, advised, answered with her own fact)."""
    user = clean(parsed.text)
    reply = clean(answer)
    asked = _asked(user, reading)
    plan = _plan(user, reply) if asked else None
    if plan:
        return _fit([plan])
    fact = extract_fact(parsed.text)
    act = _act(answer)
    subject = _subject(parsed, user, fact, act, reading)
    if reading is not None:
        topic = reading.topic
        if not subject and topic and topic in [strip_particle(w) for w in tokens(user)] \
                and not topic.endswith(_VERB_ENDINGS) and topic not in _NOT_TOPICS:
            subject = topic  # '로라야 고민 있어': the reading's topic where the word rules found none
        liked = re.search(r"(?:좋아하는|싫어하는)\s" + re.escape(subject), user) if subject and " " not in subject else None
        if liked:
            subject = liked.group(0)  # '좋아하는 음식'

        event = reading.slots.get("event")
        if event and not asked and not fact and event not in subject:
            time = reading.slots.get("time", "")
            who = reading.slots.get("person") if reading.about is About.THIRD else None
            subject = " ".join(x for x in (who, time if time and time in user else "", event) if x)
        happened = None
        if not asked and not fact and reading.act in (Act.TELL_PAST, Act.SMALLTALK, Act.TELL_FEELING):
            happened = _outcome(subject, user)
        if happened is not None:
            subject = happened
        elif reading.negated and not fact and subject:
            subject = _denied(subject, user)
        recommended = _recommended(reply)
        if recommended and (reading.act is Act.REQUEST or "추천" in user or asked):
            return _fit([subject, f"{recommended} 추천"] if subject and subject != recommended else
                        [f"{recommended} 추천"])
        parts = _move(parsed, reading, subject, act, reply, fact)
        if parts is not None:
            return _fit(parts)
    if _GREETING.match(user) and not subject.replace("안녕", "").strip():
        return _fit(["인사 나눔", act or ""])
    if _THANKS.search(user) and not fact:
        return _fit(["로라에게 감사 인사", act if act not in (None, "감사") else ""])
    if asked and not fact and act in (None, "공감", "추천"):
        gist = _gist(reply)
        if gist and subject and " " not in gist and len(gist) <= 12:
            return _fit([f"로라의 {with_particle(subject, '는/은')} {gist}"])
        if gist:
            return _fit(_her_answer(subject, gist))
        return _fit([subject, "질문"])
    praise = not asked and _PRAISE.search(user) and (_ADDRESSED.search(parsed.text) or (
        reading is not None and reading.about is About.HER))
    if praise:  # '로라 오늘 예쁘다': the user praised her
        return _fit(["로라 칭찬", "감사" if _THANKS.search(reply) else act if act and act != "칭찬" else ""])
    if act:
        return _fit([subject, act])
    gist = _gist(reply)
    if gist and subject and all(w in user for w in gist.split(" ")):
        gist = ""  # '내일 생일!': her words only repeat the user's
    if subject:
        return _fit([subject, gist] if gist else [f"{subject} 이야기"])
    return _fit([gist or "일상 대화"])


# Words a stock summary uses about the turn rather than its content: they need no support.
_STOCK_FRAME = frozenset(
    {"사용자", "사용자가", "사용자의", "사용자를", "사용자에게", "오로라", "오로라는", "오로라의", "오로라가", "로라", "로라는",
     "로라의", "얘기", "이야기", "권유", "위로", "위로함", "응원", "응원함", "축하", "축하함", "추천", "추천함", "거절",
     "거절함", "정중히", "질문", "질문함", "소개", "인사", "인사를", "나눔", "조언", "조언함", "다독임", "격려", "함",
     "중", "설명", "답함", "반응", "공감", "공감함", "대화", "칭찬", "칭찬함", "감사", "요청", "요청을", "권함", "제안",
     "걱정함", "걱정", "적극", "함께", "같이", "또", "더", "좀", "잘", "다시", "대한", "관한", "위한", "후", "전"}
)


def _supported(word: str, pool: str) -> bool:
    """Whether a word of a stock summary was said this turn: the word or its stem (one or two
    endings cut, at least two syllables kept) appears in what was said."""
    word = strip_particle(word.strip(",.!?~"))
    if not word or word in _STOCK_FRAME:
        return True
    if len(word) == 1:
        return word in pool
    return any(word[:size] in pool for size in range(len(word), max(2, len(word) - 2) - 1, -1))


def consistent(stock: str, parsed: RoleInput, answer: str, reading: Understanding | None) -> bool:
    """Whether a corpus entry's summary may stand for this turn: every content word in it was said
    by the user, by Oh-LoRA or in the context given, and it claims nothing about the user the
    user did not tell (a question, someone else's news or a denial never becomes the user's)."""
    stock = stock.strip()
    if not 2 <= len(stock) <= MAX_CHARS:
        return False
    context = " ".join(x for x in (parsed.summary, parsed.memory_value) if x and TOPIC_CHANGE not in parsed.text)
    pool = " ".join((parsed.text, answer, context))
    if not all(_supported(word, pool) for word in stock.split()):
        return False
    if "사용자" in stock:
        if reading is None:
            return False
        if reading.about is About.THIRD or reading.negated:
            return False
        if reading.question and reading.act is not Act.RECALL:
            return False
    return True


_DEFAULT_READER: Reader | None = None


def _default_understand(text: str) -> Understanding:
    global _DEFAULT_READER
    if _DEFAULT_READER is None:
        _DEFAULT_READER = Reader()
    return _DEFAULT_READER.read(text)


class EmbeddedSummariser:
    """The summary role without a model: `build_summary` over the understanding of the user's
    message and her reply; a corpus entry's own summary only where `consistent` allows it."""

    name = "embedded-summary"

    def __init__(
        self,
        lookup: Callable[[str], str | None] | None = None,
        rng: random.Random | None = None,
        understand: Callable[[str], Understanding] | None = None,
    ):
        self.lookup = lookup
        self.rng = rng if rng is not None else random.Random()  # unused: the rules are deterministic
        self.understand = understand if understand is not None else _default_understand

    def summarise(self, role_input: RoleInput, answer: str) -> str:
        if answer.strip() in ("", FALLBACK_REPLY):
            return ""
        try:
            reading = self.understand(role_input.text) if role_input.text.strip() else None
        except Exception:  # noqa: BLE001 - a reading is a help, never a reason to lose the summary
            reading = None
        if self.lookup is not None:
            ready = self.lookup(answer.strip())
            if ready and consistent(ready, role_input, answer, reading):
                return ready.strip()
        summary = build_summary(role_input, answer, reading)
        return summary if len(summary) >= 2 else "일상 대화"

    def generate(self, request: GenerationRequest, on_text: Callable[[str], None] | None = None) -> Generation:
        summary = self.summarise(request.input, request.input.answer or "")
        if summary:
            summary = re.sub(r"\s+", " ", re.sub(r"\S*(?:https?|www\.|://)\S*", " ", summary, flags=re.I)).strip()
            summary = summary if len(summary) >= 2 else "대화함"  # a link is not said back
        text = f" {summary} {SUMMARY_END}" if summary else f" {SUMMARY_END}"
        if on_text is not None:
            on_text(text)
        return Generation(text=text, new_tokens=estimate_tokens(text, request.max_new_tokens), stopped=True)
