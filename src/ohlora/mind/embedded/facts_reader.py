"""A fallback reader for the memory extractor: what a first-person clause says, read from its predicate.

`facts.py`'s rules know particular sentence shapes; this reader knows predicates. It finds, in one
clause that already passed the extractor's guards (not a question, wish, hearsay or someone else's
news), the word that says what kind of fact it is and takes the noun phrase that word is about:

    bought, got                    '아이패드 샀어', '어제 산 패딩'           → [산 물건: 아이패드]
    likes / dislikes               '락 좋아해', '치킨은 진리', '공포영화 못 봐' → [좋아하는 것: 락]
    hobbies                        '수영 배우는 중', '주말마다 클라이밍 감'     → [취미: 수영]
    work                           '빵집에서 일함', '배달 알바 뛰는 중'        → [직장: 빵집]
    school                         '시각디자인 전공해', '간호학과라', '휴학 중'  → [전공: 시각디자인]
    places                         '제주도 토박이', '오사카 사는', '지금 도서관임' → [고향: 제주도]
    pets                           '우리 말티즈 보리', '유기견 입양했어'       → [반려동물: 말티즈 보리]
    health                         '눈이 건조해', '코로나 걸림'              → [건강 상태: 눈 건조함]
    states                         '추워', '멘붕이야', '서운해'              → [상태: 추움]

The noun phrase is the word before the predicate (adverbs, counts and '…에서' phrases skipped), with the
bare nouns and modifiers before it kept whole ('닌텐도 스위치', '사람 많은 곳', '아이폰 15'). A
predicate negated in place (안 좋아해 → a dislike; 안 키워, 안 아파 → nothing) is read as negated.
`read_people` is separate: a person's name given beside who they are ('남동생 준호가', '베프 민지가')
or a person said to exist ('썸남이 있는데', '조카 태어났다') is the user's circle even in news about them, and so
are a thing someone gave the user ('엄마가 목도리 떠주셨어' → [받은 물건: 엄마가 떠준 목도리]), a partner's news
('남친이 연락 안 됨' → [남자친구: 있음]) and what the user did with someone ('오빠랑 싸웠어').

The Korean analysis (`analysis.py`) tells which words are bare nouns; the predicates are matched as
written, since the tagger misreads many chat forms ('감', '산', '요가 해').
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ohlora.mind.embedded.analysis import Analyzer
from ohlora.mind.embedded.korean import FIRST_PERSON, PARTICLE_LIKE_NOUNS, strip_particle

_ANALYZER = Analyzer()
_NOUNISH = frozenset({"NNG", "NNP", "NNB", "NR", "SL", "SN", "SH", "XSN", "XPN", "NNBC", "UNKNOWN"})

MAX_WORDS = 4  # a value is at most four words

# Words skipped between a predicate and the noun phrase it takes.
_ADVERBS = frozenset(
    {"진짜", "정말", "너무", "완전", "엄청", "제일", "가장", "되게", "많이", "특히", "꽤", "좀", "조금", "살짝", "계속",
     "또", "막", "요즘", "요새", "겁나", "넘", "별로", "무지", "디게", "진짜로", "정말로", "원래", "항상", "늘", "그냥",
     "사실", "새로", "드디어", "절대", "다", "은근", "아직", "아직도", "매일", "맨날", "자주", "결국", "진심", "개", "존나",
     "엄청나게", "세상에서", "이제", "벌써", "일단", "첨", "처음", "처음으로", "오늘", "어제", "방금", "지금", "최근",
     "주말마다", "매주", "평일엔", "주말엔", "혼자", "혼자서", "같이", "열심히", "거의", "잘", "전혀", "아예", "완전히",
     "중고로", "선물로", "급하게", "충동적으로", "큰맘", "먹고", "ㅋㅋ", "ㅎㅎ", "ㅠㅠ"}
)
_TIME_NOUNS = frozenset(
    {"오늘", "내일", "어제", "모레", "요즘", "요새", "지금", "주말", "평일", "아침", "저녁", "점심", "밤", "새벽", "오전",
     "오후", "올해", "작년", "내년", "이번", "다음", "지난", "매일", "맨날", "퇴근하고", "퇴근", "방학", "학기"}
)
_NOT_VALUES = frozenset(
    {"것", "거", "게", "그거", "이거", "저거", "그게", "이게", "그걸", "이걸", "뭐", "다", "나", "저", "너", "우리",
     "안", "못", "그", "이", "기분", "날씨", "컨디션", "몸", "상태", "사람", "사람들", "애들", "진짜", "정말", "시간", "요즘", "오늘"}
)
_COUNT = re.compile(r"^(?:\d+\S*|한|두|세|네|다섯|여러|몇|[가-힣]?마리|개|번|달|년|명|[0-9]+[가-힣]*째)$")
_PARTICLE_END = re.compile(r"(?:이|가|은|는|을|를|도|만|랑|이랑|하고|에|에서|으로|로|엔|에는)$")


@dataclass(frozen=True)
class Read:
    key: str
    value: str


# --- words -----------------------------------------------------------------------------------------


def _morphs(word: str) -> tuple:
    sentences = _ANALYZER.analyze(word).sentences
    return sentences[0].morphemes if sentences else ()


def bare_noun(word: str) -> bool:
    """A word that is all noun (a part of a compound: '닌텐도', '피시방', '15')."""
    if word in _ADVERBS or word in _TIME_NOUNS or word in FIRST_PERSON or word in _NOT_VALUES:
        return False
    if re.fullmatch(r"[A-Za-z0-9]+", word):
        return True
    ms = _morphs(word)
    if not ms or not all(m.tag in _NOUNISH for m in ms) and not _unknown_noun(ms):
        return False
    return not (len(ms) > 1 and ms[-1].tag == "NNB")


def tagged_as_name(word: str) -> bool:
    """Whether the tagger reads a word as a proper noun, or as one-syllable pieces only ('승'+'민'): a name
    it does not know, not a word it does ('지금', '진짜', '오늘')."""
    ms = _morphs(word)
    if len(ms) == 1:
        return ms[0].tag == "NNP"
    return len(ms) >= 2 and all(len(m.form) == 1 and m.tag in _NOUNISH for m in ms)


def _unknown_noun(ms: tuple) -> bool:
    """A new word the tagger cut into pieces that end in a noun: '갤탭' (개+ㄹ+탭), '에어팟' (에+어+팟)."""
    if len(ms) < 2 or ms[-1].tag not in ("NNG", "NNP") or len(ms[-1].form) > 2:
        return False
    for k, m in enumerate(ms[:-1]):
        if m.tag in _NOUNISH or m.tag in ("IC", "UNT", "NP") or m.tag.startswith("J") and k > 0:
            continue  # '제로콜라' read 제+로+콜라
        if m.tag in ("VV", "VA") and k + 1 < len(ms) and ms[k + 1].tag == "ETM" and ms[k + 1].form in ("ㄹ", "ㄴ"):
            continue
        if m.tag == "ETM" and m.form in ("ㄹ", "ㄴ"):
            continue
        return False
    return True  # '시작할' read oddly: keep to clean nouns


def _modifier(word: str) -> bool:
    """An adnominal word ('많은', '일어나는', '단', '비린', '새', '첫')."""
    if word in ("새", "첫", "헌", "옛"):
        return True
    ms = _morphs(word)  # adjectives only: '사람 많은 곳', '단 거' (a verb's '먹는 거' is an activity)
    return len(ms) >= 2 and ms[-1].tag == "ETM" and ms[-2].tag in ("VA", "XSA")


def _head(word: str) -> str | None:
    """The noun a word holds without its particle ('민초는' → '민초', '게' → '거'), or None."""
    word = word.strip(" .,!?~")
    if word in ("게", "건", "걸", "거"):
        return "거"
    if word in PARTICLE_LIKE_NOUNS:
        return word
    head = strip_particle(word)
    if not head or head in _NOT_VALUES or head in FIRST_PERSON or head in _TIME_NOUNS or head in _ADVERBS:
        return None
    if re.fullmatch(r"[A-Za-z0-9]+", head):
        return head
    ms = _morphs(head)
    if len(ms) == 2 and ms[0].tag == "VV" and ms[1].tag == "ETN" and ms[1].form in ("ᄆ", "ㅁ") and len(head) == 2 and head not in ("잠", "꿈", "삶"):
        return head  # a noun the tagger reads as a verb's noun form: '알림'
    if not ms or any(m.tag.startswith(("V", "E", "J", "MAG")) or m.tag in ("XSV", "XSA") for m in ms) \
            and not _unknown_noun(ms):
        return None
    return head


def _phrase_before(words: list[str], at: int, modifiers: bool = False) -> str | None:
    """The noun phrase the predicate at `at` takes: the last noun word before it, adverbs and counts
    skipped, with the bare nouns (and, for `modifiers`, adnominal words) before it kept."""
    j = at - 1
    while j >= 0 and (words[j] in _ADVERBS or _COUNT.match(words[j]) or words[j].endswith(("에서", "마다", "으로", "씩"))
                      and j > 0) and not (words[j].isdigit() and j > 0 and bare_noun(words[j - 1])):
        j -= 1  # a bare number after a noun is part of a name ('아이폰 15'), not a count
    if j < 0:
        return None
    if modifiers and j > 0 and words[j] in ("거", "게", "것", "건") and _verb_adnominal(words[j - 1]):
        return _activity(words, j)  # '사람 많은 데 가는 거', '아침에 일찍 일어나는 거'
    head = _head(words[j])
    if head is None:
        return None
    if j > 0 and words[j - 1] in ("그", "이", "저", "그런", "저런", "이런"):
        return None  # '그 영화 좋아해': a thing pointed at, not a kind the user likes
    phrase = [head]
    k = j - 1
    while k >= 0 and len(phrase) < MAX_WORDS:
        w = words[k]
        if bare_noun(w) or modifiers and _modifier(w) \
                or modifiers and _modifier(phrase[0]) and w in ("사람", "일찍", "늦게", "많이"):
            phrase.insert(0, w)
        else:
            break
        k -= 1
    if phrase == ["거"]:
        return None
    return " ".join(phrase)


def _verb_adnominal(word: str) -> bool:
    ms = _morphs(word)
    return len(ms) >= 2 and ms[-1].tag == "ETM" and ms[-2].tag in ("VV", "VX", "XSV")


def _activity(words: list[str], at: int) -> str | None:
    """An activity said as '<words> <verb>는 거': the verb and up to three words before it."""
    start = at - 1
    while start > 0 and at - start < 4:
        w = words[start - 1]
        if w in FIRST_PERSON or w in ("난", "나는", "전", "저는") or w.endswith((",", "고", "서", "데도")) and w != "데":
            break
        start -= 1
    return " ".join(words[start:at] + ["거"])


def _phrase_after(words: list[str], at: int) -> str | None:
    """The noun phrase an adnominal predicate modifies ('산 패딩' → '패딩')."""
    phrase: list[str] = []
    for w in words[at + 1 : at + 1 + MAX_WORDS]:
        if bare_noun(w):
            phrase.append(w)
            continue
        head = _head(w)
        if head:
            phrase.append(head)
        break
    return " ".join(phrase) or None


def _negated(words: list[str], at: int) -> bool:
    before = words[at - 1] if at > 0 else ""
    after = words[at + 1] if at + 1 < len(words) else ""
    return before in ("안", "못", "별로안") or words[at].startswith(("안", "않")) or after.startswith(("아니", "않")) \
        or words[at].endswith("면") or bool(re.search(r"지\s?(?:않|마)", " ".join(words[at : at + 2])))


# --- predicates ------------------------------------------------------------------------------------

_E = r"(?:[.!~,]*)$"
_LIKE = re.compile(r"^(?:개|완전|존|짱)?(?:좋아(?:해요|함요|해|함|하는데|해서|하거든|하고|했어|한다|하는\s?편|요)?|좋음|사랑해|사랑함|애정함)" + _E)
_LIKE_NOUNS = re.compile(
    r"^(찐팬|팬|덕후|극호|최애|진리|낙|원픽|덕질)(?:이야|야|임|이에요|예요|이지|지|이다|다|인데|이라|라|이고|이거든|거든|"
    r"한\s?지|한|해|하는\s?중|중|했어|함)?" + _E
)
_DISLIKE = re.compile(r"^(?:싫어(?:서|해|함|하는데|해서|하거든|하고|요)?|싫다|싫음|싫거든|질색(?:이야|임|이에요)?|"
                      r"극혐(?:이야|임|이라|이라서|이에요)?|별로(?:야|임|예요|이야|더라)?|혐오(?:자임|자야|자예요|함|해)?)" + _E)
# liking said as a habit one cannot stop: '마라탕 중독이라', '제로콜라 못 끊어', '곱창이면 무조건 콜'
_HOOKED = re.compile(r"^(?:중독(?:이라|이라서|이야|임|됨|됐어|이에요|인데|자)?|무조건\s?콜(?:임|이야)?|콜)" + _E)
_QUIT = re.compile(r"^(?:끊어|끊음|끊겠어|끊겠음|끊는다|끊어요|참지|참아|참음|참는다)" + _E)
# tired of it: '치킨 질렸어', '탕후루 좀 질림'; not suited: '페스티벌은 나랑 안 맞아'
_TIRED = re.compile(r"^(?:질렸어|질림|질려|질렸음|질렸다|질려서|질렸는데)" + _E)
_SUITS = re.compile(r"^(?:맞아|맞음|맞는다|맞더라|맞아요)" + _E)
_WITH_ME = frozenset({"나랑", "나하고", "나한테", "저랑", "저한테", "나랑은", "나한텐", "내"})
_CANT = re.compile(r"^(?:먹어|먹음|먹거든|먹는데|봐|봄|보거든|마셔|마심|마시거든|타|탐)" + _E)
_HOBBY_VERBS = re.compile(
    r"^(?:배우(?:는|고|기|는\s?중)?|배워|배움|배운|다녀|다님|다니는데|다니는|다니고|다니거든|들어갔어|들어감|가입했어|가입함|가|감|가거든|나가|나감|해|함|하고|하거든|"
    r"하는\s?중|시작했어|시작했는데|시작함|시작했음|등록해서|등록했어|등록함|했는데|나가는데|나가고|가는데|뛰어|뜀|즐겨|즐김|취미(?:야|예요|이야|임|에요)?|힐링(?:됨|돼|이야|임)?)" + _E
)
_ACTIVITIES = frozenset(
    {"요가", "필라테스", "클라이밍", "헬스", "수영", "러닝", "낚시", "등산", "테니스", "골프", "볼링", "복싱", "주짓수",
     "크로스핏", "스키", "보드", "캠핑", "베이킹", "뜨개질", "그림", "피아노", "기타", "드럼", "우쿨렐레", "춤", "댄스",
     "발레", "독서", "사진", "캘리그라피", "보드게임", "배드민턴", "탁구", "마라톤", "조깅", "자전거", "서핑", "승마",
     "스케이트", "레고", "풋살", "스쿼시", "펜싱", "스노보드", "웨이트", "필름카메라", "퍼즐", "도자기", "요리", "노래", "보컬", "합창", "밴드", "축구", "농구", "야구", "배구", "태권도",
     "검도", "유도", "수채화", "코딩", "웹소설", "블로그", "브이로그", "십자수", "프랑스어", "일본어", "중국어", "영어회화"}
)
_JOB_HEADS = re.compile(
    r"(?:사원|알바|알바생|파트너|인턴|직원|개발자|디자이너|프리랜서|군인|간호사|교사|유튜버|강사|기사|매니저|작가|연구원|"
    r"공무원|엔지니어|크리에이터|스트리머|바리스타|트레이너|회사원|직장인|사장|대표|의사|약사|선생님|상병|병장|일병|이병|"
    r"라이더|조교|기사님|크루)$"
)
_COPULA = re.compile(r"^(.+?)(?:이야|야|임|입니다|이에요|예요|에요|이라서|라서|이라|라|인데|이고|고|이거든|거든|이지|지|이다|다)?" + _E)
_WORK = re.compile(r"^(?:일해|일함|일하고|일하는|일하거든|일한|일했어|근무해|근무함|근무하고|근무\s?중)" + _E)
_JOB_ACTIVITIES = frozenset({"과외", "알바", "배달", "대리운전", "번역", "유튜브", "편의점 알바", "투잡", "부업", "서빙",
                             "주방 보조", "캐셔", "택배 상하차", "상하차", "배달 대행"})
# a job said in one word with its verb: '서빙하는데', '과외해', '배달함'
_JOB_DONE = re.compile(r"^(서빙|과외|배달|알바|번역|캐셔|상하차)(?:해|함|하고|하는데|하거든|하는\s?중|중)" + _E)
_DO = re.compile(r"^(?:해|함|하고|하는데|하거든|하는\s?중|뛰어|뛰는|뜀|뛰고)" + _E)
_MAJOR = re.compile(r"^전공(?:이야|야|임|이에요|예요|해|하는데|하고|함|하거든|이라|이라서|인데|생|\s?중)?" + _E)
_MAJOR_WORD = re.compile(r"^([가-힣A-Za-z]{1,10}(?:학과|과|대생|공대|대학원|대학원생))(?:이야|야|임|이에요|예요|이라|라|이라서|"
                         r"라서|인데|이고|생이야)?" + _E)
_ENTERED = re.compile(r"^(?:들어갔어|들어감|입학했어|입학함|붙었어|붙었다|붙음|합격했어|합격했다|합격함|진학했어)" + _E)
_LEAVE = re.compile(r"^(휴학|복학|자퇴|졸업반|재학|새내기|신입생|편입생|복학생|졸업생)\s?"
                    r"(?:중|중이야|중이라|중이라서|중임|했어|함|생|이야|야|임|이에요|예요|이라|라|인데)?" + _E)
_HOME = re.compile(r"^(?:토박이|출신|사람)(?:이야|야|임|이에요|예요|이라|라|이라서|라서|인데|이거든|입니다)?" + _E)
_LIVE = re.compile(r"^(?:살아|살고|사는|살아요|삼|살거든|사는데|살고\s?있어|자취|유학)" + _E)
_LIVE_AFTER = re.compile(r"^(?:중|중이야|중이라|중이라서|해|함|하고\s?있어|하는데)" + _E)
_HERE = re.compile(r"^(.+?)(?:이야|야|임|이에요|예요|에요|인데|이라|라|이고)" + _E)
_PLACE_TAILS = ("역", "도서관", "카페", "독서실", "본가", "시골", "학교", "회사", "병원", "공항", "터미널", "바다", "공원", "한강",
                "댁", "집", "캠퍼스", "기숙사", "편의점", "헬스장", "스터디카페", "스카", "pc방", "피시방", "노래방", "찜질방")
_ARRIVED = re.compile(r"^(?:와있음|와\s?있어|와있어|와있는데|왔어|옴|도착|도착함|도착했어)" + _E)
_ADOPT = re.compile(r"^(?:입양했어|입양함|입양했다|데려왔어|데려옴|분양받았어|분양받음)" + _E)
_KEEP = re.compile(r"^(?:키워|키움|키우는|키우고|키우거든|키우는데|키워요|키운다)" + _E)
_BUY = re.compile(
    r"^(?:샀어|샀다|샀음|삼|샀는데|샀거든|샀지롱|질렀어|질렀다|질렀음|지름|지름|장만했어|장만함|구매했어|구매함|구입했어|"
    r"구입함|업어옴|업어왔어|득템|득템함|득템했어|뽑았어|뽑음|마련했어|바꿨어|바꿈)" + _E
)
_BOUGHT_BEFORE = re.compile(r"^(?:산|새로\s?산|지른|장만한|구매한|뽑은)$")
_GOT = re.compile(r"^(?:생겼어|생겼다|생김|받았어|받음|받았다)" + _E)
# a thing the user has: '차 생겼어', '턴테이블 생겨서', '스쿠터 타고 다녀', '닌텐도 스위치 있는데'
_HAVE_NEW = re.compile(r"^(?:생겼어|생겼다|생김|생겨서|생겼는데|생겼음)" + _E)
_HAVE = re.compile(r"^(?:있는데|있거든|있음|있어서)" + _E)
_RIDE = re.compile(r"^(?:타고|끌고)$")
_GOES = re.compile(r"^(?:다녀|다님|다니는데|다니거든|다니고|출근함|출근해|출퇴근해|출퇴근함)" + _E)
_THINGS_HAD = re.compile(
    r"(?:차|자전거|스쿠터|오토바이|킥보드|노트북|태블릿|아이패드|갤탭|맥북|스위치|플스|닌텐도|카메라|턴테이블|에어팟|버즈|워치|"
    r"아이폰|갤럭시|폰|장비|세트|풀세트|콘솔|모니터|키보드|피아노|기타|자동차|캠핑카|집|아반떼|소나타|그랜저|모닝|레이|캐스퍼)$"
)
_BODY = frozenset({"목", "눈", "허리", "머리", "배", "다리", "무릎", "어깨", "손목", "발목", "이", "치아", "코", "귀", "피부",
                   "속", "위", "팔", "등", "손", "발", "입술", "잇몸", "목소리", "발가락", "손가락", "턱", "골반"})
_SYMPTOMS = (
    (re.compile(r"^쉬(?:었어|었다|었음|어|어서|었는데)|^쉼"), "쉼"), (re.compile(r"^건조(?:해|함|하고|해서|하다|한데)"), "건조함"),
    (re.compile(r"^부(?:었어|어서|음|었다|었는데)"), "부음"), (re.compile(r"^가려(?:워|움|워서)|^간지러(?:워|움)"), "가려움"),
    (re.compile(r"^쑤(?:셔|심|셔서)"), "쑤심"), (re.compile(r"^결려|^결림"), "결림"), (re.compile(r"^저려|^저림"), "저림"),
    (re.compile(r"^뻐근(?:해|함|하고)"), "뻐근함"), (re.compile(r"^삐(?:었어|끗|었음)|^삠"), "삠"),
    (re.compile(r"^다쳤|^다침"), "다침"), (re.compile(r"^부러졌|^부러짐"), "골절"), (re.compile(r"^헐었|^헒"), "헒"),
    (re.compile(r"^아파|^아픔|^아프"), "아픔"), (re.compile(r"^따가워|^따가움"), "따가움"), (re.compile(r"^충혈"), "충혈"),
)
_ILLNESS = re.compile(
    r"(?:코로나|감기|독감|몸살|장염|위염|비염|디스크|편도염|결막염|알레르기|교정|깁스|두드러기|역류성\s?식도염|변비|빈혈|불면증|"
    r"대상포진|구내염|냉방병|식중독|수족구|폐렴|천식|아토피|탈모|공황장애|우울증|이석증)$"
)
_ILL = re.compile(r"^(?:걸림|걸렸어|걸려서|걸렸다|걸렸는데|이라|라|이라서|라서|이야|야|임|중|중이라|중이라서|중이야|인데|했어|함|"
                  r"생겼어|있어|있음|있거든|해서|하고\s?있어)" + _E)
# feelings said of oneself, read as nouns ('추워' → '추움')
_FEELINGS = (
    (r"추워|춥다|추움|춥네|추워서|추운데", "추움"), (r"외로워|외롭다|외로움|외롭네|외로워서", "외로움"),
    (r"설레|설렌다|설렘|설레서|설레네|설레는데", "설렘"), (r"부끄러워|부끄럽다|부끄러움|부끄러워서|부끄럽네", "부끄러움"),
    (r"서운해|서운함|서운하다|서운해서|서운하네", "서운함"), (r"억울해|억울함|억울하다|억울해서", "억울함"),
    (r"속상해|속상함|속상하다|속상해서|속상하네", "속상함"), (r"창피해|창피함|창피하다|창피해서", "창피함"),
    (r"답답해|답답함|답답하다|답답해서|답답하네", "답답함"), (r"지루해|지루함|지루하다|지루해서", "지루함"),
    (r"귀찮아|귀찮음|귀찮다|귀찮네", "귀찮음"), (r"뿌듯해|뿌듯함|뿌듯하다|뿌듯하네", "뿌듯함"),
    (r"무기력해|무기력함|무기력하다", "무기력함"), (r"허무해|허무함|허무하다", "허무함"), (r"후회돼|후회됨|후회해", "후회"),
    (r"멘붕(?:이야|임|이다|와|옴|왔어)?", "멘붕"), (r"현타(?:와|옴|왔어|야|임)?", "현타"), (r"번아웃(?:이야|임|왔어|옴)?", "번아웃"),
    (r"설렜어|긴장돼|떨려", "긴장"), (r"화나|화났어|화남|빡쳐|빡침|열받아|열받음", "화남"), (r"무서워|무섭다|무서움", "무서움"),
    (r"불안해|불안함|불안하다|불안해서", "불안함"), (r"졸려|졸림|졸려서", "졸림"), (r"피곤해|피곤함|피곤해서|피곤하다", "피곤함"),
    (r"신나|신남|신났어", "신남"), (r"행복해|행복함|행복하다", "행복함"), (r"우울해|우울함|우울하다", "우울함"),
    (r"스트레스", "스트레스"),
)
_FEELING_PATTERNS = tuple((re.compile(r"^(?:" + p + r")(?:[.!~,]*|ㅠ+|ㅜ+)$"), v) for p, v in _FEELINGS)


# --- the reader ------------------------------------------------------------------------------------


def _words(clause: str) -> list[str]:
    out = []
    for w in clause.split():
        w = re.sub(r"[ㅋㅎㅠㅜ]{2,}|[^\w가-힣.~!,?%-]", "", w).strip(" .,!?~")
        if w:
            out.append(w)
    return out


def read_clause(clause: str, jobs: frozenset[str], places: frozenset[str], pets: Mapping[str, str]) -> Read | None:
    """The first fact a first-person clause states by its predicate, or None (see the module doc)."""
    words = _words(clause)
    for reader in (_possession, _job, _school, _place, _pet, _likes, _hobby, _health, _feeling):
        found = reader(words, jobs=jobs, places=places, pets=pets)
        if found is not None and found.value and len(found.value) <= 24:
            return found
    return None


def _possession(words: list[str], **_: object) -> Read | None:
    gift = any("선물" in w for w in words)
    for i, w in enumerate(words):
        if _BUY.match(w) and not _negated(words, i):
            value = _phrase_before(words, i)
            if value:
                return Read("산 물건", value)
        if _BOUGHT_BEFORE.match(w) and i + 1 < len(words):
            value = _phrase_after(words, i)
            if value:
                return Read("산 물건", value)
        if not gift and (_HAVE_NEW.match(w) or _HAVE.match(w)) and not _negated(words, i):
            value = _phrase_before(words, i)
            if value and _THINGS_HAD.search(value.split()[-1]):
                return Read("가진 물건", value)
        if _RIDE.match(w) and i + 1 < len(words) and _GOES.match(words[i + 1]):
            value = _phrase_before(words, i)
            if value:
                return Read("가진 물건", value)
        if gift and _GOT.match(w) and not _negated(words, i):
            value = _phrase_before(words, i)
            if value and "선물" not in value:
                return Read("받은 물건", value)
    return None


def _job(words: list[str], jobs: frozenset[str], **_: object) -> Read | None:
    for i, w in enumerate(words):
        m = _COPULA.match(w)
        noun = m.group(1) if m else w
        after = words[i + 1] if i + 1 < len(words) else ""
        if (noun in jobs or _JOB_HEADS.search(noun)) and not _negated(words, i) and (
                i == len(words) - 1 or noun != w or _DO.match(after) or re.match(r"^\d+(?:개월|년|달)(?:째|차)", after)):
            phrase = _phrase_before(words + [""], i + 1) if noun == w else None
            if phrase is None:
                before = _phrase_before(words, i)
                phrase = f"{before} {noun}" if before and bare_noun(words[i - 1]) else noun
            if noun == phrase and noun in ("사원", "직원", "상병", "병장", "일병", "이병"):
                continue
            return Read("직업", phrase)
        if _WORK.match(w) and i > 0:
            prev = words[i - 1]
            if prev.endswith("에서"):
                value = _phrase_before(words[: i - 1] + [prev[:-2], ""], i)
                return Read("직장", value) if value else None
            if prev.endswith(("로", "으로")):
                value = _phrase_before(words[: i - 1] + [re.sub(r"으?로$", "", prev), ""], i)
                return Read("직업", value) if value else None
        m = _JOB_DONE.match(w)
        if m and not _negated(words, i):
            place = words[i - 1][:-2] if i > 0 and words[i - 1].endswith("에서") and bare_noun(words[i - 1][:-2]) else ""
            return Read("직업", f"{place} {m.group(1)}".strip())  # '고깃집에서 서빙하는데' → 고깃집 서빙
        if _DO.match(w) and i > 0 and not _negated(words, i):
            value = _phrase_before(words, i)
            if value and value.split()[-1] in _JOB_ACTIVITIES | {"알바"}:
                return Read("알바" if "알바" in value else "직업", value)
    return None


def _school(words: list[str], **_: object) -> Read | None:
    for i, w in enumerate(words):
        if _MAJOR.match(w) and i > 0:
            value = _phrase_before(words, i)
            if value and i >= 2 and value == words[i - 1] and re.fullmatch(r"[가-힣]{2,8}(?:학과|과)", words[i - 2]):
                value = f"{words[i - 2]} {value}"  # '실용음악과 보컬 전공': the department too
            if value:
                return Read("전공", value)
        m = _MAJOR_WORD.match(w)
        if m and (m.group(0) != m.group(1) or i == len(words) - 1):
            word = m.group(1)
            return Read("학교" if word.endswith(("대생", "대학원", "대학원생")) else "전공", word)
        m = _LEAVE.match(w if i + 1 >= len(words) else f"{w} {words[i + 1]}") or _LEAVE.match(w)
        if m:
            return Read("학교", f"{m.group(1)} 중" if m.group(1) in ("휴학", "재학") else m.group(1))
        if _ENTERED.match(w) and i > 0:
            value = _phrase_before(words, i)
            if value and (value.endswith(("대학원", "대학교", "대학", "고등학교", "학과", "과"))
                          or len(value) >= 3 and value.endswith("대") and bare_noun(value)):  # '한양대 붙었다'
                return Read("학교", value)
                return Read("학교", value)
    return None


def _placeish(word: str, places: frozenset[str]) -> bool:
    if word in places:
        return True
    ms = _morphs(word)
    return any(m.semantic == "지명" for m in ms) or word.lower().endswith(_PLACE_TAILS)


def _town(word: str, places: frozenset[str]) -> bool:
    return word in places or any(m.semantic == "지명" for m in _morphs(word))


def _place(words: list[str], places: frozenset[str], **_: object) -> Read | None:
    for i, w in enumerate(words):
        if _HOME.match(w) and i > 0 and not (w.startswith("사람") and i > 1 and words[i - 1] in ("많은", "많아")):
            value = _phrase_before(words, i)
            if value and not _negated(words, i) and _town(value.split()[-1], places):
                return Read("고향", value)
        if w.startswith("고향") and w[2:] in ("이", "은") and i + 1 < len(words):
            m = _HERE.match(words[i + 1])
            if m:
                return Read("고향", m.group(1))
        if _LIVE.match(w) and i > 0 and not _negated(words, i):
            if w in ("자취", "유학") and not (i + 1 < len(words) and _LIVE_AFTER.match(words[i + 1])):
                continue
            value = _phrase_before([x[:-2] if x.endswith("에서") else x for x in words[:i]] + [w], i)
            if value and _placeish(value.split()[-1], places) or value and "근처" in value:
                return Read("사는 곳", value)
        if w in ("지금", "나", "난") and i + 1 < len(words):
            m = _HERE.match(words[i + 1])
            if m and _placeish(m.group(1), places) and m.group(1) not in ("집", "회사", "학교"):
                return Read("지금 있는 곳", m.group(1))
        if _ARRIVED.match(w) and i > 0 and any(x in ("지금", "드디어") for x in words[:i]) | w.startswith("와"):
            value = _phrase_before(words, i)
            if value and _placeish(value.split()[-1], places):
                return Read("지금 있는 곳", value)
    return None


def _pet(words: list[str], pets: Mapping[str, str], **_: object) -> Read | None:
    for i, w in enumerate(words):
        if _ADOPT.match(w) and i > 0:
            value = _phrase_before(words, i)
            if value and (value.split()[-1] in pets or value.endswith(("견", "묘", "냥", "이"))):
                return Read("반려동물", value)
        if _KEEP.match(w) and i > 0 and not _negated(words, i):
            value = _phrase_before(words, i)
            if value and value.split()[-1] in pets:
                return Read("반려동물", value)
        kind = w if w in pets else strip_particle(w)
        if kind in pets and i + 1 < len(words) and kind == w:
            name = _pet_name(words[i + 1])
            if name and (i > 0 and words[i - 1] in ("우리", "울집", "우리집", "내", "제", "집") or words[i + 1] != name):
                return Read("반려동물", f"{kind} {name}")
    return _pet_by_deed(words, pets)


# what only a pet does or has: '코코랑 한강 산책', '초코가 중성화 수술했어', '보리가 꼬리 흔들면서'
_PET_ONLY = re.compile(r"^(?:산책(?:시키|시켜|시킴|나왔|나감|가|하|중)|중성화|꼬리|사료|발톱|캣타워|배변|털갈이|예방접종|짖)")
_NOT_PETS = frozenset({"엄마", "아빠", "동생", "언니", "오빠", "누나", "형", "친구", "남친", "여친", "할머니", "할아버지",
                       "룸메", "애들", "가족", "아기", "조카", "남편", "아내", "와이프", "자기", "혼자", "동네"})


def _pet_by_deed(words: list[str], pets: Mapping[str, str]) -> Read | None:
    if not any(_PET_ONLY.match(w) for w in words[1:]):
        return None
    k = 1 if words[0] in ("우리", "울", "울집", "우리집", "내", "제") and len(words) > 2 else 0
    word = words[k]
    if not re.search(r"(?:가|이|랑|이랑|는|도)$", word) and not (k + 1 < len(words) and _PET_ONLY.match(words[k + 1])):
        return None
    name = _pet_name(re.sub(r"이랑$", "", word))
    if not name or name in _NOT_PETS or name in _BODY or name in FIRST_PERSON or _ILLNESS.search(name):
        return None
    return Read("반려동물", name)


def _pet_name(word: str) -> str | None:
    """'보리' → '보리', '밤이' → '밤이' (a pet's 이 is kept), '모찌가' → '모찌'."""
    name = re.sub(r"(?:가|는|를|랑|도|한테)$", "", word)
    if name.endswith("은") and len(name) > 1:
        name = name[:-1]
    if not re.fullmatch(r"[가-힣]{1,3}", name) or name in _ADVERBS or name in _NOT_VALUES or name in _TIME_NOUNS:
        return None
    ms = _morphs(name)
    if not ms or ms[0].tag not in ("NNG", "NNP", "UNKNOWN") or any(m.tag.startswith(("V", "E")) for m in ms):
        return None
    return name


def _likes(words: list[str], **_: object) -> Read | None:
    for i, w in enumerate(words):
        if _LIKE.match(w) and i > 0:
            value = _phrase_before(words, i, modifiers=True)
            if not value:
                continue
            if _negated(words, i) or words[i - 1] in ("안", "별로"):
                return None  # '안 좋아해' says what is not liked, not a dislike
            return Read("좋아하는 것", value)
        m = _LIKE_NOUNS.match(w)
        if m and i > 0 and not _negated(words, i):
            value = _activity_before(words, i) or _phrase_before(words, i, modifiers=True)
            if value:
                return Read("좋아하는 것", value)
        if _DISLIKE.match(w) and i > 0 and words[i - 1] != "안":
            j = i
            if j > 1 and re.search(r"[해워와어아려러져겨]서$", words[j - 1]):
                j -= 1  # '가지 식감 물컹해서 싫어': the reason is skipped
                topic = next((k for k in range(j - 1) if re.search(r"[은는]$", words[k]) and _head(words[k])), None)
                if topic is not None:  # '가지는 식감이 물컹해서 별로': what the sentence is about
                    j = topic + 1
                    words = words[:j] + [""]
            value = _phrase_before(words, j, modifiers=True)
            if value:
                return Read("싫어하는 것", value)
        if _HOOKED.match(w) and i > 0 and not _negated(words, i) and (w.startswith("중독") or i > 1 and words[i - 1] == "무조건"):
            value = _phrase_before(words, i if w.startswith("중독") else i - 1, modifiers=True)
            if value:
                return Read("좋아하는 것", value)
        if _QUIT.match(w) and i > 1 and words[i - 1] == "못":
            value = _phrase_before(words, i - 1, modifiers=True)
            if value:
                return Read("좋아하는 것", value)
        if (_TIRED.match(w) and i > 0 and words[i - 1] == "안" or re.match(r"^질리지(?:가|도)?$", w)
                and i + 1 < len(words) and words[i + 1].startswith("않")):
            j = i - 1 if words[i - 1] == "안" else i
            while j > 0 and re.search(r"(?:어도|아도|해도)$", words[j - 1]) or j > 0 and words[j - 1] in _ADVERBS:
                j -= 1  # '매일 먹어도 안 질림': never tired of it
            value = _phrase_before(words, j, modifiers=True)
            if value:
                return Read("좋아하는 것", value)
        if w in ("최애", "최애는", "최애가") and i + 1 < len(words) and not (i > 0 and words[i - 1].endswith(("의", "네"))):
            after = [re.sub(r"(?:이야|인데|이고|이지|이라|임)$", "", x) for x in words[i + 1 : i + 3]]
            value = _phrase_after(words[: i + 1] + after, i)
            if value and value.split()[0] not in ("음식", "노래", "가수", "영화"):
                return Read("좋아하는 것", value)
        if _TIRED.match(w) and i > 0 and words[i - 1] != "안":
            value = _phrase_before(words, i, modifiers=True)
            if value:
                return Read("싫어하는 것", value)
        if _SUITS.match(w) and i > 2 and words[i - 1] == "안":
            j = i - 1
            while j > 0 and words[j - 1] in _ADVERBS:
                j -= 1
            if j > 1 and words[j - 1] in _WITH_ME:
                value = _phrase_before(words, j - 1, modifiers=True)
                if value:
                    return Read("싫어하는 것", value)
        if _CANT.match(w) and i > 1 and words[i - 1] == "못":
            value = _phrase_before(words[: i - 1] + [w], i - 1, modifiers=True)
            if value:
                return Read("싫어하는 것", value)
        if w in ("들어", "들음", "듣는", "봐", "봄") and i > 0 and re.match(r"^(?:노래|음악|영상|앨범)(?:만|을|를)?$", words[i - 1]):
            value = _phrase_before(words, i - 1)
            if value:
                return Read("좋아하는 것", f"{value} {strip_particle(words[i - 1])}".replace("노래만", "노래"))
    return None


def _activity_before(words: list[str], at: int) -> str | None:
    """What '… 하는 게 취미/낙' is about: the noun before the verb ('웹소설 쓰는 게 취미' → '웹소설')."""
    j = at - 1
    while j >= 0 and (words[j] in _ADVERBS or _modifier(words[j])):
        j -= 1  # '유일한 낙', '은근 힐링'
    if j < 1 or words[j] not in ("게", "거", "건", "것"):
        return None
    for k in range(j - 1, max(j - 4, 0) - 1, -1):  # the verbs before it: '사진 찍으러 다니는 게'
        value = _phrase_before(words, k)
        if value:
            return value
    return None


def _hobby(words: list[str], **_: object) -> Read | None:
    for i, w in enumerate(words):
        if i > 0 and re.match(r"^\d+(?:년|개월)\s?차", w) and strip_particle(words[i - 1]) in _ACTIVITIES:
            return Read("취미", strip_particle(words[i - 1]))  # '헬스 3년차인데'
        if i > 0 and re.match(r"^\d+(?:년|개월)$", w) and i + 1 < len(words) and words[i + 1].startswith("했") \
                and strip_particle(words[i - 1]) in _ACTIVITIES:
            return Read("취미", strip_particle(words[i - 1]))  # '필라테스 6개월 했는데'
        if w.startswith("등록") and i > 0 and strip_particle(words[i - 1]) not in _ACTIVITIES and i > 1 \
                and strip_particle(words[i - 2]) in _ACTIVITIES:
            return Read("취미", strip_particle(words[i - 2]))  # '수영 새벽반 등록해서'
        if w.startswith("시작") or w == "했는데":
            last = strip_particle(words[i - 1]) if i > 0 else ""
            if last not in _ACTIVITIES:
                continue
        if not _HOBBY_VERBS.match(w) or i == 0 or _negated(words, i):
            continue
        if w.startswith(("취미", "힐링")):
            value = _activity_before(words, i)
            if value:
                return Read("취미", value)
            continue
        value = _phrase_before(words, i)
        if not value:
            continue
        last = value.split()[-1]
        if w.startswith(("배우", "배워", "배움", "배운")) or last in _ACTIVITIES or last.endswith(("동호회", "동아리", "모임")):
            if w.startswith(("가", "감", "나가", "다녀", "다님", "다니")) and last not in _ACTIVITIES and not last.endswith(
                    ("동호회", "동아리")) and not (w.startswith("나가") and last.endswith("모임")):
                continue
            return Read("취미", value)
    return None


def _health(words: list[str], **_: object) -> Read | None:
    for i, w in enumerate(words):
        if i > 0 and strip_particle(words[i - 1]) in _BODY or i > 1 and strip_particle(words[i - 2]) in _BODY and \
                words[i - 1] in _ADVERBS:
            body = strip_particle(words[i - 1] if strip_particle(words[i - 1]) in _BODY else words[i - 2])
            for pattern, symptom in _SYMPTOMS:
                if pattern.match(w) and not _negated(words, i):
                    return Read("건강 상태", f"{body} {symptom}")
        m = re.match(r"^(.+?)(이라|라|이라서|라서|이야|야|임|인데|중|중이라|중이라서|중이야|걸림|걸렸어|걸려서)?" + _E, w)
        noun = m.group(1) if m else w
        if _ILLNESS.search(noun) and (m and m.group(2) or i + 1 < len(words) and _ILL.match(words[i + 1])):
            value = _phrase_before(words + [""], i + 1) if noun == w else None
            if value is None:
                before = words[i - 1] if i > 0 else ""
                value = f"{before} {noun}" if before in _BODY or before.endswith("치아") else noun
            return Read("건강 상태", value)
    return None


def _feeling(words: list[str], **_: object) -> Read | None:
    if any(w.startswith("날씨") for w in words):
        return None  # '요즘 날씨 춥다' speaks of the weather, not of the user
    for i, w in enumerate(words):
        for pattern, value in _FEELING_PATTERNS:
            if pattern.match(w) and not _negated(words, i):
                if value == "스트레스" and not (i + 1 < len(words) and words[i + 1].startswith(("받", "쌓", "심해"))):
                    continue
                return Read("상태", value)
    return None


def read_people(clause: str, person_key: Callable[[str], str], relations: frozenset[str]) -> Read | None:
    """Someone around the user by name or by being there: '남동생 준호가 …' → [남동생: 준호], '썸남이
    있는데' → [친구 썸남: 썸남]. Read even in news about them ('베프 민지가 유학 간대')."""
    words = _words(clause)
    given = _given(words, relations)
    if given is not None:
        return given
    for i, w in enumerate(words):
        if w in relations and i + 1 < len(words) and _APPEARED.match(words[i + 1]):
            return Read(person_key(w), w)  # '썸남 생김', '조카 태어났다'
        if w in relations and i + 1 < len(words) and (i == 0 or words[i - 1] in ("우리", "내", "제", "울")):
            nxt = words[i + 1]
            if re.fullmatch(r"[가-힣]{2,3}(?:이가|가|이는|는|은|이)", nxt):
                name = re.sub(r"(?:이가|가|이는|는|은|이)$", "", nxt)
                ms = _morphs(name)
                if len(name) >= 2 and ms and all(m.tag in ("NNG", "NNP", "UNKNOWN") for m in ms) and \
                        name not in _NOT_VALUES and name not in relations and name not in _TIME_NOUNS:
                    return Read(person_key(w), name)
        rel = strip_particle(w)
        if rel in relations and rel != w and i + 1 < len(words) and \
                re.match(r"^(?:있어|있는데|있음|있거든|생겼어|생김|생겼는데|태어났어|태어남|태어났다)" + _E, words[i + 1]):
            return Read(person_key(rel), rel)
        m = re.fullmatch(r"(.+?)(?:이랑|랑|하고|와|과)", w)
        if i <= 1 and m and m.group(1) in relations and i + 1 < len(words) and _TOGETHER.match(words[i + 1]):
            return Read(person_key(m.group(1)), " ".join(words[i + 1:i + 3]))  # '오빠랑 싸웠어' → [오빠: 싸웠어]
        if i <= 1 and rel in _PARTNERS and rel != w and i + 1 < len(words) and (i == 0 or words[0] in ("우리", "내", "제")):
            return Read(person_key(rel), "있음")  # '남친이 또 연락 안 됨': news of a partner says the user has one
    return None


_APPEARED = re.compile(r"^(?:생겼어|생김|생겼다|생겼음|생겼는데|태어났어|태어남|태어났다|태어났음|태어났는데)" + _E)
_PARTNERS = frozenset({"남친", "여친", "남자친구", "여자친구", "애인", "남편", "아내", "와이프", "썸남", "썸녀"})
# what the user did with someone close: '오빠랑 싸웠어', '남친이랑 헤어졌어', '엄마랑 화해함'
_TOGETHER = re.compile(r"^(?:싸웠|싸움|싸워서|다퉜|다툼|헤어졌|헤어짐|화해|사귀|사귄|결혼|연락\s?끊|절교|손절)")
# '엄마가 목도리 떠주셨어', '남친이 반지 줬어', '언니가 나한테 가방 사줬어': a thing given to the user
_GIVE = re.compile(r"^(사|떠|만들어|선물해|사다|보내|챙겨|구해)?\s?(?:줬어|줬다|줬음|줌|주셨어|주셨다|주심|줬는데|줘서|줬거든|"
                   r"주셨는데|주셔서|주셨음)" + _E)
_TO_ME = frozenset({"나한테", "내게", "나에게", "저한테", "제게", "저에게", "선물로"})


def _given(words: list[str], relations: frozenset[str]) -> Read | None:
    if not words:
        return None
    at = 1 if words[0] in ("우리", "내", "제", "울") and len(words) > 1 else 0
    giver = re.sub(r"(?:이가|께서|이|가)$", "", words[at])
    if giver == words[at] or not (giver in relations or giver in _GIVERS):
        return None
    rest = [w for w in words[at + 1:] if w not in _TO_ME]
    for i, w in enumerate(rest):
        m = _GIVE.match(w)
        if m and i > 0 and not _negated(rest, i):
            thing = _phrase_before(rest, i)
            if thing and thing not in relations:
                return Read("받은 물건", f"{giver}{'가' if not _batchim(giver) else '이'} {m.group(1) or ''}준 {thing}"
                            .replace("  ", " "))
    return None


_GIVERS = frozenset({"엄마", "아빠", "친구", "친구들", "부모님", "어머니", "아버지", "할머니", "할아버지", "선배", "동기",
                     "팀장님", "사장님", "선생님", "교수님"})


def _batchim(word: str) -> bool:
    ch = word[-1]
    return "가" <= ch <= "힣" and (ord(ch) - 0xAC00) % 28 != 0
