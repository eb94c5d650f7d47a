"""Finding the answer to "what did I tell you?" in what the user said earlier.

The memory role keeps one fact a message, and some facts it cannot read at all. So when no remembered
item answers a recall question, the replier looks through the user's own earlier messages
(`RoleInput.said`, newest first), in three ways, each stricter about what counts as an answer:

1. every fact the memory rules read in a message, of the asked kind ('반가워 난 유나야 대학생이야' holds a
   name *and* a job);
2. a word of the kind the question names ('내 최애 음식 뭐라 그랬지?' → a food, '내가 어디 산다고 했게?' →
   a place, '나 누구랑 싸웠다고 했지?' → a person's name);
3. the message that shares a content word with the question ('내가 무슨 게임 한다 했지?' ↔ '퇴근하고 맨날
   롤 함'): the nouns of that message the question does not already hold, proper nouns first.

Nothing is invented: when none of them finds an answer, the replier says honestly that it was not told.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ohlora.mind.embedded import analysis as an
from ohlora.mind.embedded.facts import (
    MAJOR_ABBREVIATIONS,
    PLACES,
    called_name,
    day_word,
    facts_in,
    own_statements,
)
from ohlora.mind.embedded.korean import SAME_WORDS
from ohlora.mind.embedded.understanding import (
    FEELINGS,
    FOODS,
    HOBBIES,
    JOBS,
    KEY_FAMILIES,
    PETS,
    RELATIONS,
    key_family,
)

Analyze = Callable[[str], an.Analysis]


@dataclass(frozen=True)
class Recollection:
    key: str  # what it is, in her words ("이름", "좋아하는 음식", "게임")
    value: str  # what the user said it was ("유나", "마라탕", "롤")
    family: str | None  # the memory key family, when known


# words that never answer a recall question (the question's own frame, fillers, pronouns)
_STOP = frozenset(
    {"기억", "말", "얘기", "이름", "거", "것", "게", "뭐", "무엇", "누구", "어디", "언제", "나", "저", "너", "내", "제", "우리",
     "로라", "오로라", "요즘", "아까", "진짜", "혹시", "다시", "오늘", "그거", "이거", "저거", "때", "번", "중", "수", "좀",
     "정말", "완전", "너무", "맨날", "그냥", "무슨", "어떤", "몇", "처음", "생각", "하다", "그러다", "있다", "되다",
     "알다", "말하다", "기억하다", "까먹다", "잊다", "맞다", "같다", "이다", "아니다", "주다", "보다", "ㅋㅋ", "ㅎㅎ",
     "ㅠㅠ", "최애", "제일", "가장", "새", "요새", "지금", "방금", "전", "날", "년", "달", "주", "일"}
)
_CALL = re.compile(r"뭐라(?:고)?\s?(?:부르|불러|불린|불려|부를)|호칭|별명|닉네임")
_ASKS_WHEN = re.compile(r"언제|며칠|무슨\s?요일|몇\s?(?:시|월|일)")
_SEASONS = frozenset({"봄", "여름", "가을", "겨울"})
_WEATHER = frozenset({"비", "눈", "더위", "추위", "장마", "태풍", "미세먼지", "바람", "안개", "맑은 날"})
# what the question names → how to tell a word of that kind
_KINDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?:강아지|고양이|햄스터|토끼|앵무새|거북이|고슴도치|금붕어|물고기|멍멍이|댕댕이|냥이|반려\S*|우리\s?애)"
                r"\S{0,2}\s?이름"), "pet_name"),
    (re.compile(r"전공|학과|무슨\s?과"), "major"),
    (re.compile(r"학교|대학"), "school"),
    (re.compile(r"직업|무슨\s?일|뭐\s?하는\s?사람|일\s?한다"), "job"),
    (re.compile(r"기분|감정|상태"), "feeling"),
    (re.compile(r"음료|마시는|커피"), "drink"),
    (re.compile(r"음식|메뉴|먹는|먹을|간식|디저트|요리"), "food"),
    (re.compile(r"계절"), "season"),
    (re.compile(r"날씨"), "weather"),
    (re.compile(r"동물|강아지|고양이|멍멍이|댕댕이|냥이|반려"), "pet"),
    (re.compile(r"어디|동네|장소|지역|나라|도시|사는\s?곳"), "place"),
    (re.compile(r"누구|누가|누굴|사람|이름"), "person"),
    (re.compile(r"취미|운동|게임"), "hobby"),
    (re.compile(r"물건|장난감|샀|산\s?거|생겼|생긴|받았|받은|뽑았|(?:^|\s)(?:내|제)\s?(?:차|폰|핸드폰|노트북)"), "thing"),
)


def recollect(question: str, family: str | None, said: Sequence[str], analyze: Analyze) -> Recollection | None:
    """The answer to the recall `question` (asking about the memory key `family`, or any when None) in the
    user's earlier messages `said` (oldest first), or None when they never said it."""
    asked_times = _times_named(question)
    if asked_times:  # '둘째 날 일정', '목요일 저녁 약속': only what was said of that day
        said = [m for m in said if any(t in m for t in asked_times)]
        if not said:
            return None
    asked = _content(analyze(question))
    if _WHEN_ASKED.search(question):
        found = _when(question, asked, said, analyze)
        if found is not None:
            return found  # '그 시험 언제였더라' → '3월 24일', '몇 시에 만난다 했지?' → '7시'
    if family == "age":  # '나 몇 살이라고 했지?' → '스물둘', said as a word as often as a number
        return _from_facts(asked, family, said, (), question) or _age_said(said)
    count = _COUNT.search(question)
    if count is not None:
        mine = bool(re.search(r"(?:^|\s)(?:내|제|나|저|내가|제가|난|전)(?=\s)", question))
        return _counted(count, asked, said, analyze, mine)  # '구피 몇 마리라 했지?' → '열 마리', never a guess
    kind = next((k for pattern, k in _KINDS if pattern.search(question)), None)
    if family == "name" and re.search(r"영어\s?이름|english|영문\s?이름", question, re.I):
        for message in reversed(list(said)):  # 'English name은 Chris인데 한국 이름은 최현우야'
            m = re.search(r"(?:영어\s?이름|english\s?name|영문\s?이름)\S*\s(?:\S+\s)?([A-Z][a-z]{1,14})", message, re.I) \
                or re.search(r"(?<![A-Za-z])([A-Z][a-z]{1,14})(?:이라고|라고|이야|야|입니다|예요|이에요)", message)
            if m:
                return Recollection("영어 이름", m.group(1), "name")
    if family == "name" and _CALL.search(question):
        called = next((n for n in map(called_name, reversed(said)) if n), None)
        if called is not None:
            return Recollection("이름", called, "name")  # '정하은인데 그냥 하니라고 불러 줘' → 하니
    if family in ("name", "age", "birthday", "mbti"):
        return _from_facts(asked, family, said, (), question)  # who the user is: only what the rules read
    if kind is not None:
        found = _of_kind(kind, asked, said, analyze, question)
        if found is not None or family is None:
            return found  # '무슨 과 다닌다고 했지?' is not answered with whatever else was said
    day = day_word(question)
    if family == "plan" and day and re.search(r"뭐|뭘|무엇", question):
        found = _planned_on(day, asked, said, analyze)
        if found is not None:
            return found  # '내일 뭐 한다고 했더라?' → what the user said they do tomorrow
    if family is None:
        found = _sharing(asked, said, analyze, family)
        if found is not None:
            return found  # '내가 절대 안 넣는다는 거 뭐였지?' ↔ '고수는 절대 안 넣어'
    named = [k for k in KEY_FAMILIES.get(family or "", ()) if k in question] \
        if family in ("school", "people") else []  # '내 전공': not '[학교: …]'
    found = _from_facts(asked, family, said, named, question)
    if found is not None:
        return found
    return _sharing(asked, said, analyze, family)


# how many / how much / which number the question asks ('몇 마리', '며칠', '몇 점', '얼마'), by its unit
_COUNT = re.compile(r"몇\s?(살|마리|명|년|개월|달|주|일|시간|시|분|점|개|권|번|회|층|km|킬로|등|학년|단계|잔|병|박|남매|형제|자매|"
                    r"평|원|퍼센트|프로|kg|키로)|(며칠)|(얼마)")
# what may not follow a unit for it to be one ('명절' is no count of people, '시험' no hour)
_NOT_AFTER_UNIT = {"명": "절단예령", "일": "정요하단찍", "시": "간험작키", "번": "역호", "점": "심", "분": "위식",
                   "회": "사식의", "주": "말문", "달": "라리", "잔": "치", "권": "유", "개": "월"}
_NUMBER = r"(?:\d[\d,.]*|한|두|세|네|다섯|여섯|일곱|여덟|아홉|열|열한|열두|스무|스물|서른|마흔|쉰|백|천|만|" \
          r"하나|둘|셋|넷)+"


_WHEN_ASKED = re.compile(r"언제|몇\s?시|무슨\s?요일|몇\s?요일|며칠\s?날|몇\s?월|날짜")
_TIME_SAID = re.compile(
    r"(?:(?:내년|올해|작년|이번|다음)\s)?\d{1,2}월\s?\d{1,2}일|\d{1,2}월\s?(?:첫째|둘째|셋째|넷째|마지막)\s?주|"
    r"\d{1,2}일(?!\s?(?:동안|째))|(?:(?:내년|올해|작년)\s)?\d{1,2}월(?![가-힣\d])|(?:(?:내년|올해|작년)\s)?\d{1,2}월(?=에|말|초|중)|"
    r"(?:오전|오후|저녁|아침|밤|새벽)?\s?\d{1,2}시(?!간)(?:\s?\d{1,2}분|\s?반)?|"
    r"(?:다다음|다음|이번|지난)\s?(?:주|달)(?:\s?(?:첫째|둘째|셋째|넷째)\s?주)?(?:\s?[월화수목금토일]요일)?|"
    r"(?:첫째|둘째|셋째|넷째|마지막)\s?주(?:\s?[월화수목금토일]요일)?|[월화수목금토일]요일|"
    r"(?<![가-힣])[월화수목금토일]{2,3}(?=\s|에|$|만|은|는|마다)|내일모레|모레|내일|주말|방학|연휴")


def _when(question: str, asked: set[str], said: Sequence[str], analyze: Analyze) -> Recollection | None:
    """The time the user gave for the thing asked about: in the newest message that shares a word with
    the question (a correction said later wins), else nothing."""
    about_them = _about_others(asked)
    wanted = {w for w in asked if not _is_lemma(w) and w not in _STOP and w not in ("시간", "시", "요일", "날짜")}
    written = _written_words(question)  # '알바한다' read as one verb: its noun as written ('알바')
    for message in reversed(list(said) if about_them else _own(said)):  # '내 생일' is not a friend's
        held = wanted & _content(analyze(message))
        if wanted and len(held) * 2 < len(wanted) and not _CORRECTED.search(message):
            continue  # '면접 끝나고 몇 시에 친구 만난다고?' is not '내일 아침 9시에 면접 있어'
        shared = [w for w in written if w in message]
        if not wanted and not shared and not _CORRECTED.search(message):
            continue
        found = list(_TIME_SAID.finditer(message))
        if not found:
            continue
        at = next((message.find(w) for w in (*held, *shared) if w in message), -1)
        if len(found) > 1 and at >= 0:  # '월수금은 편의점 알바하고 화목은 수업': the time said with it
            found = [min(found, key=lambda m: (m.start() > at, abs(at - m.end())))]
        times = [m.group(0).strip() for m in found]
        return Recollection("때", " ".join(dict.fromkeys(times)), "plan")
    return None


def _written_words(question: str) -> list[str]:
    """The question's words as written, cut to the first two syllables or more that name something
    ('알바한다' → '알바'), without the question's own frame words."""
    words = []
    for word in re.findall(r"[가-힣]{2,}", question):
        stem = re.sub(r"(?:한다고|한다|했다|하는|할|해|했|이라|라고|이라고|라|이|가|은|는|을|를|에|에서)$", "", word)
        if len(stem) >= 2 and stem not in _STOP and stem not in ("요일", "언제", "무슨", "몇시", "며칠", "날짜", "시간"):
            words.append(stem)
    return words


_CORRECTED = re.compile(r"아\s?(?:아니다|잠깐)|바뀌었|미뤄졌|바꿨|말고|아니고|정정")


def _counted(count: re.Match[str], asked: set[str], said: Sequence[str], analyze: Analyze,
             mine: bool = False) -> Recollection | None:
    """A number with the asked unit in what the user said ('PT 10회 끊음' for 'PT 몇 회'), from the newest
    message that shares a word with the question, else the newest with that unit."""
    unit = count.group(1) or ("일" if count.group(2) else "원")
    if unit == "일" and count.group(2):
        for message in reversed(list(said)):
            m = re.search(r"\d+\s?박\s?\d+\s?일", message)
            if m:
                return Recollection("일", m.group(0), None)  # '3박 4일'
    if unit == "명":  # '넷이서 가', '셋이 가' for '몇 명이서'
        pattern_group = re.compile(r"(둘|셋|넷|다섯|여섯|일곱|여덟|아홉|열)(?:이서|명이서)")
        for message in reversed(said if _about_others(asked) else _own(said)):
            m = pattern_group.search(message)
            if m and re.search(r"이서|명이서", count.string):
                return Recollection("명", m.group(0), None)
    unit_alt = "(?:번|회)" if unit in ("번", "회") else None
    if unit == "살" or unit == "학년":
        pattern = re.compile(r"(" + _NUMBER + r")\s?" + unit)
    elif count.group(3):
        pattern = re.compile(r"(" + _NUMBER + r")\s?(?:만\s?)?원")
    else:
        pattern = re.compile(r"(" + _NUMBER + r")\s?" + (unit_alt or re.escape(unit))
                             + (r"(?![" + _NOT_AFTER_UNIT[unit] + r"])" if unit in _NOT_AFTER_UNIT else ""))
    hits = []
    about_them = _about_others(asked)
    everything = list(said)
    said = everything if about_them else _own(said)  # '내 토익 점수' is not '동생이 토익 850 나왔대'
    if not any(pattern.search(m) for m in said) and not mine:
        said = everything  # '몇 개월이라고 했죠?' after '딸이 이제 8개월이에요': the question names no owner
    for order, message in enumerate(said):
        for m in pattern.finditer(message):
            shared = len(_standard(asked) & _standard(_content(analyze(message))))
            hits.append((shared > 0, order, m.group(0)))
    nouns = {w for w in asked if not w.endswith("다") and w not in _STOP}
    if nouns and hits and not any(h[0] for h in hits):
        hits = []  # '월세 얼마라고 했지?' is not the '알바비 80만 원' said without it
    if not hits:  # '목표 점수는 850인데' for '목표 몇 점': a number said right after the shared word
        for order, message in enumerate(said):
            if not asked & _content(analyze(message)):
                continue
            for noun in asked:
                m = re.search(re.escape(noun) + r"\S*\s(?:\S+\s)?(\d[\d,.]*)", message)
                if m:
                    hits.append((True, order, m.group(1)))
    if not hits:
        return None
    return Recollection(unit, max(hits)[2], None)


_AGE_SAID = re.compile(r"(?:^|\s)((?:스물|서른|마흔)(?:하나|둘|셋|넷|다섯|여섯|일곱|여덟|아홉)?|스무|열(?:아홉|여덟|일곱)|"
                       r"\d{1,2}\s?살)(?=이고|이구|이라|이야|이에요|이예요|이고요|입니다|이지만|인데|살|\s|$|[!.~,])")


_SOMEONE_ELSE = re.compile(r"(?:" + "|".join(sorted(RELATIONS, key=len, reverse=True)) + r")(?:이|가|은|는|도)?\s")


def _age_said(said: Sequence[str]) -> Recollection | None:
    """An age the user gave of themself in passing ('도윤이라고 해요 스물넷이고 취준생입니다'), newest first;
    never one said of someone else ('동생이 스물이야')."""
    for message in reversed(list(_own(said))):
        if _SOMEONE_ELSE.search(message):
            continue
        m = _AGE_SAID.search(message)
        if m:
            return Recollection("나이", m.group(1), "age")
    return None


def _from_facts(asked: set[str], family: str | None, said: Sequence[str],
                named: Sequence[str] = (), question: str = "") -> Recollection | None:
    best: tuple[int, int, Recollection] | None = None
    for order, message in enumerate(said):
        for fact in facts_in(message):
            if named and not any(k in fact.key or k in fact.value for k in named):
                continue
            if all(w in question for w in fact.value.split()) and not _ASKS_WHEN.search(question):
                continue  # the question already holds it ('내 차 뭐였지?' and '[산 물건: 차]')
            asked_day = day_word(question)
            if asked_day and key_family(fact.key) == "plan" and not same_time(asked_day, day_word(fact.key)):
                continue  # '다음 달에 뭐 한다고 했지?' is not '[어제 일정: …]'
            fam = key_family(fact.key)
            if family is not None and fam != family and not any(w in fact.value for w in KEY_FAMILIES[family]):
                continue
            if family is None and fam in (None, "feeling", "health", "weather"):
                continue  # a passing state is not what 'what did I tell you' asks for
            shared = sum(1 for w in asked if w in fact.key or w in fact.value or w in message)
            if family is None and not shared and any(w not in _STOP and not _is_lemma(w) for w in asked):
                continue  # '새 집 주소 기억해?' names what it asks: not whatever else was told ('[일정: 이사]')
            if best is None or (shared, order) >= best[:2]:
                best = (shared, order, Recollection(fact.key, fact.value, fam))
    return best[2] if best else None


def _of_kind(kind: str, asked: set[str], said: Sequence[str], analyze: Analyze,
             question: str = "") -> Recollection | None:
    """The newest word of the asked kind, in a message that shares a content word with the question if
    any does, else in any message."""
    hits: list[tuple[bool, bool, int, str]] = []
    for order, message in enumerate(_own(said)):
        if kind in ("school", "major", "job", "place") and _THEIRS.match(message):
            continue  # '내 베프 서울대 다녀' is the friend's school, not the user's
        analysis = analyze(message)
        word = _word_of_kind(kind, message, analysis, asked, question)
        if word is not None:
            located = kind == "place" and bool(re.search(re.escape(word) + r"(?:에서|에|으로|로)(?:\s|$)", message))
            hits.append((len(asked & _content(analysis)) > 0, located, order, word))
    if not hits:
        return None
    return Recollection(_KIND_KEYS[kind], max(hits)[3], None)


_KIND_KEYS = {"pet_name": "반려동물", "major": "전공", "school": "학교", "job": "직업", "feeling": "기분",
              "food": "좋아하는 음식", "drink": "음료", "season": "계절", "weather": "날씨", "pet": "반려동물",
              "place": "장소", "person": "그 사람", "hobby": "취미", "thing": "물건"}
_HOBBIES = HOBBIES | {"베이킹", "뜨개질", "클라이밍", "러닝", "필라테스", "요가", "보드게임", "레고", "프라모델", "드럼",
                      "우쿨렐레", "바이올린", "댄스", "스케이트보드", "서핑", "다이빙", "복싱", "주짓수", "크로스핏",
                      "캘리그라피", "자수", "도자기", "목공", "가드닝", "식물", "필름카메라", "사진", "글쓰기", "웹소설"}
_DRINK = re.compile(r"(?:우유|커피|라떼|주스|쥬스|에이드|스무디|티|콜라|사이다|맥주|소주|와인|하이볼|아아|아메리카노|"
                    r"버블티|밀크티|녹차|두유|요거트)$")
_BOUGHT = frozenset({"사다", "지르다", "뽑다", "받다", "생기다", "장만하다", "구매하다", "구입하다", "바꾸다", "업다",
                     "선물하다", "물려주다", "들이다"})
_PARTICLES = re.compile(r"(?:보다|보단|처럼|까지|부터|이랑|랑|하고|이가|가|이는|는|은|이를|를|을|의|에서|에|으로|로|도|만|이야|야|이에요|예요|임|이다|"
                        r"이고|인데|이지)$")
_BREEDS = frozenset({"말티즈", "푸들", "포메", "포메라니안", "시츄", "비숑", "웰시코기", "코기", "진돗개", "리트리버", "골든리트리버",
                     "닥스훈트", "치와와", "요크셔테리어", "슈나우저", "시바견", "시바", "보더콜리", "페르시안", "러시안블루",
                     "코숏", "먼치킨", "스코티시폴드", "샴", "브리티시숏헤어", "렉돌", "뱅갈", "믹스견", "유기견", "냥이", "댕댕이",
                     "멍멍이", "강쥐"})
_VERBISH = re.compile(r"(?:다|요|어|아|워|와|해|했|고|서|며|니|데|지|게|음|함|됨|줘|봐|려|겨|쳐|져|라|네|나|까|래)$")
_JOBS_MORE = frozenset({"개발자", "디자이너", "간호사", "교사", "회사원", "직장인", "알바생", "프리랜서", "공무원", "유튜버",
                        "작가", "기자", "군인", "경찰", "요리사", "바리스타", "트레이너", "강사", "연구원", "엔지니어"})


def _with_and_without_particle(word: str) -> tuple[str, ...]:
    """'겨울이' → ('겨울이', '겨울'): a subject 이/가 the particle list leaves (it would cut '아이')."""
    if len(word) >= 3 and word[-1] in "이가":
        return word, word[:-1]
    return (word,)


def _word_of(form: str, bare: list[str]) -> str:
    """The whole word a morpheme belongs to ('진스' → '뉴진스'), when it is a short one."""
    return next((w for w in bare if form in w and len(w) <= len(form) + 4), form)


_RELATION_WORDS = frozenset({"남친", "여친", "남자친구", "여자친구", "룸메", "룸메이트", "베프", "절친", "동생", "여동생",
                            "남동생", "언니", "오빠", "누나", "형", "엄마", "아빠", "선배", "후배", "동기", "팀장", "사장",
                            "썸남", "썸녀", "조카", "막내", "애인", "남편", "아내", "와이프"})
_THEIRS = re.compile(r"^(?:\S+\s)?(?:내|제|우리|울)\s?(?:" + "|".join(sorted(RELATIONS, key=len, reverse=True))
                     + r"|베프|절친|남친|여친|룸메|동생|형|오빠|언니|누나)\S*\s")
_THEY = re.compile(r"(?:^|\s)(?:걔|쟤|그\s?사람|그분|그\s?애)")
_LIKING = re.compile(r"좋아|최애|사랑|맛있|최고|진리|없으면\s?못\s?살|무조건\s?사")
_DISLIKING = re.compile(r"싫|극혐|질색|별로|못\s?먹|혐오|안\s?먹")
_FOOD_END = re.compile(r"(?:칩|빵|과자|케이크|쿠키|라면|떡|탕|면|밥|찌개|볶이|튀김|버거|피자|치킨|초코|젤리|아이스크림)$")
# a word that is no value by its ending: a particle of place or object, a verb form ('이번에', '정정하셔')
_NOT_A_VALUE = re.compile(r"(?:에|에서|으로|을|를|도|께|한테|하셔|하고|해서|했어|해요|하는|한|던|는데|인데|은데)$|^(?:이번|요즘|아직|벌써)")
_TIMEY = re.compile(r"^(?:어제|오늘|내일|이번|지난|요즘|생일|선물|중고|새로|드디어|주말|아침|저녁|밤|엄마|아빠|첫|차)$")


def _word_of_kind(kind: str, message: str, analysis: an.Analysis, asked: set[str],
                  place_asked: str = "") -> str | None:
    words = [w.strip(" ,.!?~") for w in message.split()]
    bare = [(_PARTICLES.sub("", w) or w) for w in words]
    likes = bool(re.search(r"좋아|최애|즐겨|빠져", place_asked))
    dislikes = bool(re.search(r"싫|질색|못\s?먹|극혐|별로", place_asked))
    if likes and _DISLIKING.search(message) and not _LIKING.search(message) \
            or dislikes and _LIKING.search(message) and not _DISLIKING.search(message):
        return None  # '내 최애 간식' is not in '민트초코는 진짜 극혐이야'
    if kind in ("food", "drink", "season", "weather", "pet", "hobby"):
        lexicon = {"food": FOODS, "drink": frozenset(), "season": _SEASONS, "weather": _WEATHER, "pet": PETS,
                   "hobby": _HOBBIES}[kind]
        for w in (v for word in reversed(bare) for v in _with_and_without_particle(word)):
            if w in asked or w in _STOP:
                continue
            if w in lexicon or (kind == "drink" and _DRINK.search(w) and len(w) >= 2):
                return w
            if kind in ("food", "hobby") and any(w.endswith(x) for x in lexicon if len(x) >= 2):
                return w  # '떡볶이' in '국물떡볶이', '게임' in '보드게임'
            if kind == "food" and _FOOD_END.search(w) and len(w) >= 3 \
                    and any(m.is_noun and w.startswith(m.form) for m in analysis.morphemes):
                return w  # '허니버터칩', '소금빵' (a noun: not '없으면')
        return None
    morphemes = analysis.morphemes
    if kind == "pet_name":
        for i, w in enumerate(bare[:-1]):
            if w in PETS or w in _BREEDS or w.endswith(("강아지", "고양이")):
                name = bare[i + 1]
                if re.fullmatch(r"[가-힣]{1,4}|[A-Za-z]{2,12}", name) and name not in _STOP and not _VERBISH.search(name):
                    return name  # '우리 집 말티즈 두부 병원 데려갔어'
        return None
    if kind in ("major", "school", "job"):
        for w in bare:
            if w in asked:
                continue
            if kind == "major" and (re.fullmatch(r"[가-힣A-Za-z]{1,8}(?:학과|과|학부|공학|교육과)", w) and len(w) >= 3
                                    or w in MAJOR_ABBREVIATIONS):
                return w
            if kind == "school" and len(w) >= 3 and re.fullmatch(r"[가-힣]{1,6}(?:대|대학교|대학|여고|외고|고|중|초|고등학교|중학교)", w) \
                    and any(m.is_noun and w.startswith(m.form) for m in morphemes):
                return w
            if kind == "job" and (w in JOBS or w in _JOBS_MORE):
                return w
        return None
    if kind == "feeling":
        for w in reversed(words):
            hit = next((f for f in FEELINGS if len(f) >= 2 and f in w), None)
            if hit is not None:
                return w.rstrip("ㅠㅜㅋㅎ~!.") or hit
        return None
    if kind == "place":
        places = {m.form for m in morphemes if m.tag == "NNP" and m.semantic == "지명"}
        best: tuple[int, str] | None = None
        for i, (w, raw) in enumerate(zip(bare, words)):
            if w in asked or not (w in PLACES or w in places or any(w.startswith(p) and len(w) - len(p) <= 1 for p in PLACES)
                                  or re.fullmatch(r"[가-힣]{1,4}(?:동|역|구)", w) and any(m.form == w[:len(m.form)] and m.is_noun
                                                                                        for m in morphemes)):
                continue
            after = words[i + 1] if i + 1 < len(words) else ""
            score = 1
            if re.search(r"(?:으로|로)$", raw) and re.search(r"어디로|이사|간다|가|옮", place_asked):
                score = 3  # '성수동으로 가' for '어디로 간다고 했지?'
            elif re.search(r"(?:살|사는|산다|살고)", after) and re.search(r"살|사는|산다", place_asked):
                score = 3  # '신림 사는데' for '어디 산다고 했지?'
            elif raw.endswith("에서") and re.search(r"어디서|어디에서", place_asked):
                score = 3  # '편의점에서 일하거든' for '어디서 알바한다고 했지?'
            elif re.search(r"(?:에서|에|으로|로)$", raw):
                score = 2  # '밴쿠버에서 워홀 중': where the user is, not a place only mentioned
            if re.search(r"살|사는|산다", place_asked) and score < 3:
                continue  # '나 어디 산다고 했지?' is not a place to visit ('해운대 가야지')
            if best is None or score > best[0]:
                best = (score, w)
        if (best is None or best[0] < 3 and re.search(r"어디서|어디에서", place_asked)) and asked & _content(analysis):
            # '복지관으로 실습 나가요' for '어디로 실습 간다고 했지?', '편의점에서 일하거든' for '어디서 알바해?'
            for raw, w in zip(words, bare):
                if re.search(r"(?:으로|로|에서)$", raw) and w not in asked and w not in _STOP and len(w) >= 2 \
                        and any(m.form == w and m.tag in ("NNG", "NNP") for m in morphemes):
                    return w
        return best[1] if best else None
    if kind == "person":
        relations = [w for w in asked if w in RELATIONS or w in _RELATION_WORDS]
        if relations and not any(r in message for r in relations) and not _THEY.search(message):
            return None  # '내 여자친구 이름' is found only where the user speaks of her (or of '걔' after her)
        for i, m in enumerate(morphemes):
            if m.form in asked or m.form in _STOP or m.form in RELATIONS or m.form in PLACES:
                continue
            nxt = morphemes[i + 1] if i + 1 < len(morphemes) else None
            person_like = nxt is not None and (nxt.tag.startswith("JK") or nxt.tag == "JX" or nxt.form in ("이", "랑", "이랑")
                                               or nxt.form in asked)  # '아이유 콘서트' for '누구 콘서트'"
            prev_relation = i > 0 and (morphemes[i - 1].form in RELATIONS or morphemes[i - 1].form in _RELATION_WORDS)
            if m.semantic == "인명" or (m.tag == "NNP" and m.semantic != "지명" and (person_like or prev_relation)) or \
                    (m.tag == "SL" and re.fullmatch(r"[A-Z][a-z]+", m.form)):
                return _word_of(m.form, bare)
        return None
    if kind == "thing":
        if not any(m.lemma in _BOUGHT for m in morphemes):
            return None
        phrases = [(p, tags) for p, tags in _noun_phrases(analysis)
                   if p not in asked and p not in _STOP and not _TIMEY.match(p.split()[-1])]
        proper = [p for p, tags in phrases if "NNP" in tags or "SL" in tags]
        return proper[-1] if proper else (phrases[0][0] if phrases else None)
    return None


def _sharing(asked: set[str], said: Sequence[str], analyze: Analyze, family: str | None) -> Recollection | None:
    """The nouns of the newest earlier message that shares a content word with the question."""
    if not asked:
        return None
    about_them = _about_others(asked)
    for message in reversed(list(said) if about_them else _own(said)):  # '엄마가 뭐 차렸다고 했지?'
        analysis = analyze(message)
        shared = {w for w in asked & _content(analysis) if not _is_lemma(w)}
        if not shared:
            continue  # a shared verb alone ('다니다') is not the same thing
        every = _noun_phrases(analysis)
        beside = _object_of(analysis, shared) + _word_after(message, analysis, shared) + _word_before(analysis, shared)
        if beside:
            return Recollection(_key_of(shared), beside[0], family)  # '통번역 전공' for '내 전공'
        phrases = [(p, tags) for p, tags in every
                   if p not in asked and p not in _STOP and not any(w in asked for w in p.split())
                   and p not in RELATIONS and not _TIMEY.match(p.split()[0]) and not _NOT_A_VALUE.search(p)]
        if not phrases:
            continue
        proper = [p for p, tags in phrases if "NNP" in tags or "SL" in tags or "인명" in tags or "지명" in tags]
        value = proper[0] if proper else phrases[0][0]
        return Recollection(_key_of(shared), value, family)
    return None


def _object_of(analysis: an.Analysis, shared: set[str]) -> list[str]:
    """The noun right before a shared verb ('미용실 차리셨어' for '뭐 차렸다고', '재즈에 꽂혔어' for '뭐에
    꽂혔다고'): what the asked action was done to."""
    found = []
    for sentence in analysis.sentences:
        morphemes = sentence.morphemes
        for i, m in enumerate(morphemes):
            if m.tag in ("VV", "VA") and m.lemma in shared and not _is_lemma(m.lemma):
                nouns = [n for n in morphemes[max(0, i - 3):i] if n.tag in ("NNG", "NNP", "SL")]
                if nouns and nouns[-1].form not in _STOP and not _TIMEY.match(nouns[-1].form):
                    found.append(_word_of(nouns[-1].form, [w.strip(" ,.!?~") for w in sentence.words]))
    return [re.sub(r"(?:을|를|이|가|은|는|에|에서|으로|로|도)$", "", w) or w for w in found]


def _word_after(message: str, analysis: an.Analysis, shared: set[str]) -> list[str]:
    """What follows a shared noun said as a topic or subject ('목표는 850점이야' → '850점', '첫 과목이
    미적분이라' → '미적분'); the particle must be one ('번역가 한소희' is a word, not '번역' + '가')."""
    found = []
    words = message.split()
    particles = {(m.word, m.form) for s in analysis.sentences for m in s.morphemes if m.tag in ("JKS", "JX")}
    for i, word in enumerate(words[:-1]):
        for noun in shared:
            tail = word[len(noun):]
            if word.startswith(noun) and re.fullmatch(r"(?:은|는|이|가|이는)", tail or "x") \
                    and any(form == tail for _, form in particles):
                after = re.sub(r"(?:이라고|라고|이야|야|이에요|예요|입니다|이라서|라서|이라|라|이고|이거든|거든|임|이래|래|이다|다)"
                               r"[!?.~ㅋㅎ]*$", "", words[i + 1]).strip(" ,.!?~")
                if after and after not in _STOP and not _NOT_A_VALUE.search(after) and not _TIMEY.match(after):
                    found.append(after)
    return found


def _word_before(analysis: an.Analysis, shared: set[str]) -> list[str]:
    """The word just before a shared noun, when it names it ('통번역 전공' → '통번역' for '내 전공')."""
    found = []
    for sentence in analysis.sentences:
        for m in sentence.morphemes:
            if m.form in shared and m.tag in ("NNG", "NNP") and m.word > 0 \
                    and sentence.word_morphemes(m.word)[0] is m:
                before = _PARTICLES.sub("", sentence.words[m.word - 1].strip(" ,.!?~")) or ""
                pieces = sentence.word_morphemes(m.word - 1)
                if before and before not in _STOP and pieces and pieces[-1].tag in ("NNG", "NNP", "SL", "SN"):
                    found.append(before)
    return found


def _planned_on(day: str, asked: set[str], said: Sequence[str], analyze: Analyze) -> Recollection | None:
    """What the user said they would do on `day`: the last noun phrase before the verb in their newest
    statement naming that day ('내일은 오프라서 찜질방 갈 거야' → '찜질방')."""
    for message in reversed(_own(said)):
        if day_word(message) != day:
            continue
        analysis = analyze(message)
        for sentence in analysis.sentences:
            if day_word(sentence.text) != day:
                continue
            nouns: list[str] = []
            for m in sentence.morphemes:
                if m.tag in ("VV", "XSV") and nouns and m.lemma not in ("이다",):
                    break  # '찜질방 갈 거야': the thing before the first verb after the day
                if m.tag in ("NNG", "NNP", "SL") and m.form not in asked and m.form not in _STOP \
                        and not _TIMEY.match(m.form) and m.form not in day:
                    nouns.append(m.form)
            if nouns:
                return Recollection(f"{day} 일정", nouns[-1], "plan")
    return None


_CORRECTION = re.compile(r"(\S+(?:\s\S+)?)\s?(?:이|가)?\s(?:아니고|말고|아니라)\s(\S+(?:\s\S+)?)")
_COPULA_TAIL = re.compile(r"(?:이야|야|이에요|예요|입니다|이래|래|임|이다|다|이거든|거든|[.!~?]|ㅋ+|ㅎ+)+$")


def corrected(value: str, said: Sequence[str]) -> str:
    """A value the user corrected later ('지수 아니고 지우야', '다음 주 말고 다다음 주 금요일이야'): the part
    they took back replaced with what they said instead."""
    for message in said:
        for m in _CORRECTION.finditer(message):
            taken = m.group(1).split()
            # the longest end of what was taken back that the value holds ('아니다 다음 주' → '다음 주')
            wrong = next((" ".join(taken[i:]) for i in range(len(taken)) if " ".join(taken[i:]) in value), "")
            right = " ".join(m.group(2).split()[:len(wrong.split())])
            right = _COPULA_TAIL.sub("", right).strip()
            if wrong and right and right not in value:
                value = value.replace(wrong, right, 1)
    return value


def _own(said: Sequence[str]) -> list[str]:
    """What the user said of themself, clause by clause (oldest first): not questions, wishes, hearsay
    or news of other people."""
    return [" ".join(clauses) for clauses in (own_statements(m) for m in said) if clauses]


_WEEKEND = frozenset({"주말", "토요일", "일요일"})
_WEEKDAYS = frozenset({"월요일", "화요일", "수요일", "목요일", "금요일", "토요일", "일요일", "주말"})


def same_time(asked: str | None, told: str | None) -> bool:
    """Whether a plan told for `told` answers a question about `asked` ('이번 주말' and '토요일' do; '다음 달'
    and '어제' do not). A plan with no day, or a question with none, always may."""
    if not asked or not told:
        return True
    a, t = asked.replace("이번 ", ""), told.replace("이번 ", "")
    if a == t or a in t or t in a:
        return True
    if a in _WEEKEND and t in _WEEKEND:
        return True
    return a == "주" and t in _WEEKDAYS


def _standard(words: set[str]) -> set[str]:
    """Words in their standard form as well ('냥이' → '고양이', '여친' → '여자친구')."""
    return words | {SAME_WORDS[w] for w in words if w in SAME_WORDS}


def _about_others(asked: set[str]) -> bool:
    """Whether the question asks about someone else (a relation, a child, a pet): then their news counts."""
    return any(w in RELATIONS or w in _RELATION_WORDS or w in PETS or w in _BREEDS or w in _CHILD for w in asked)


_CHILD = frozenset({"애", "아기", "아이", "딸", "아들", "애기", "막내"})


_DAYS_NAMED = re.compile(r"(?:첫째|둘째|셋째|넷째|첫|마지막)\s?날|(?:그\s)?다음\s?날|다음날|[월화수목금토일]요일|"
                         r"(?:설날|추석|크리스마스|생일)\s?(?:첫날|당일|전날|이브)?")


def _times_named(question: str) -> list[str]:
    """The days a question names ('둘째 날', '목요일', '그 다음날'), as they would be said."""
    return [re.sub(r"\s", "", m.group(0)) for m in _DAYS_NAMED.finditer(question)] + \
        [m.group(0) for m in _DAYS_NAMED.finditer(question) if " " in m.group(0)]


def _key_of(shared: set[str]) -> str:
    """What to call the recalled thing: the longest shared noun ('전공'), else '그거' (never a verb's
    dictionary form: '차리다?')."""
    nouns = [w for w in shared if not w.endswith("다")]
    return max(nouns, key=len) if nouns else "그거"


def _is_lemma(word: str) -> bool:
    """A common verb or adjective shared by the question and a message says little ('하다', '가다'); a
    distinctive one does ('넣다', '굽다')."""
    return word.endswith("다") and len(word) >= 2 and not word.endswith(("바다", "보다")) and word in _COMMON_VERBS


_COMMON_VERBS = frozenset({"하다", "있다", "없다", "되다", "가다", "오다", "보다", "먹다", "좋다", "싫다", "알다", "모르다",
                           "말하다", "그러다", "이러다", "같다", "살다", "주다", "받다", "나다", "들다", "놓다", "만나다",
                           "다니다", "생기다", "좋아하다", "싫어하다", "기억하다", "까먹다", "잊다", "부르다", "듣다"})


def things_named(question: str, analyze: Analyze) -> set[str]:
    """The nouns a recall question names as what it asks about ('새 집 주소 기억해?' → 집, 주소); none for
    '내가 아까 뭐라고 했더라?'."""
    return {m.form for m in analyze(question).morphemes
            if m.tag in ("NNG", "NNP") and len(m.form) >= 2 and m.form not in _STOP}


def _content(analysis: an.Analysis) -> set[str]:
    """The content words of a text: nouns and the dictionary forms of its verbs and adjectives."""
    words: set[str] = set()
    for m in analysis.morphemes:
        if m.tag in ("NNG", "NNP", "SL") or m.tag in ("VV", "VA"):
            word = m.lemma if m.tag in ("VV", "VA") else m.form
            if word not in _STOP and len(word) >= (1 if m.tag == "NNP" else 2 if m.tag == "NNG" else 1):
                words.add(word)
    return words


def _noun_phrases(analysis: an.Analysis) -> list[tuple[str, tuple[str, ...]]]:
    """Runs of nouns with nothing between them, inside a word or across words made only of nouns
    ('중고 아반떼', '아이폰 15'), with their tags and semantic classes."""
    phrases: list[tuple[str, tuple[str, ...]]] = []
    for sentence in analysis.sentences:
        run: list[an.Morpheme] = []
        for m in sentence.morphemes:
            noun = m.tag in ("NNG", "NNP", "SL", "SN")
            joins = bool(run) and (m.word == run[-1].word or (m.word == run[-1].word + 1
                                                               and _whole_word(sentence, run[-1].word)))
            if noun and joins:
                run.append(m)
                continue
            _close(run, phrases)
            run = [m] if noun else []
        _close(run, phrases)
    return phrases


def _close(run: list[an.Morpheme], phrases: list[tuple[str, tuple[str, ...]]]) -> None:
    if not run or all(m.tag == "SN" for m in run):
        return
    text = _join(run)
    tags = tuple(m.tag for m in run) + tuple(m.semantic for m in run if m.semantic)
    if len(text.replace(" ", "")) >= 2 or "NNP" in tags:
        phrases.append((text, tags))


def _whole_word(sentence: an.Sentence, index: int) -> bool:
    pieces = sentence.word_morphemes(index)
    return bool(pieces) and all(p.tag in ("NNG", "NNP", "SL", "SN") for p in pieces)


def _join(run: list[an.Morpheme]) -> str:
    out = run[0].form
    for prev, m in zip(run, run[1:]):
        out += (" " if m.word != prev.word else "") + m.form
    return out
