"""Embedded memory extractor: pulls one `[key: value]` fact about the user out of their words.

It serves the memory role like the fine-tuned Polyglot model: the answer is
" [key: value] (요약 종료)" or " (요약 종료)" when nothing is worth remembering. Only the user's own
words are read (`RoleInput.text`; the remembered fact and the previous summary are not). Rules are regular expressions over clauses with a little
particle handling; each rule prefers saying nothing over saying something wrong: questions,
negations, wishes and other people's news give no fact.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

from ohlora.mind.base import Generation, GenerationRequest
from ohlora.mind.embedded.korean import (
    FIRST_PERSON,
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
from ohlora.mind.prompt import SUMMARY_END

MAX_VALUE = 20

# --- vocabulary ------------------------------------------------------------------------------------

QUESTION_WORDS = frozenset(
    {"뭐", "뭘", "뭐야", "뭔데", "무슨", "어디", "어디서", "언제", "누구", "누가", "몇", "어떤", "왜", "어때",
     "어떡해", "어떡하지", "어떻게", "뭐하지", "뭐해", "뭐할까", "할까", "갈까", "어쩌지"}
)
PEOPLE = frozenset(
    {"친구", "친구들", "엄마", "아빠", "어머니", "아버지", "부모님", "가족", "동생", "언니", "오빠", "누나", "형",
     "할머니", "할아버지", "남친", "여친", "남자친구", "여자친구", "애인", "남편", "아내", "와이프", "딸", "아들",
     "동기", "동기들", "선배", "후배", "팀원들", "동료", "상사", "팀장님", "부장님", "선생님", "교수님", "사촌",
     "조카", "삼촌", "이모", "고모", "룸메", "룸메이트", "썸남", "썸녀", "회사 사람들", "동아리 사람들"}
)
EVENTS = frozenset(
    {"시험", "면접", "발표", "약속", "데이트", "여행", "파티", "회식", "모임", "미팅", "회의", "수업", "과제",
     "마감", "출장", "공연", "콘서트", "팬미팅", "팬싸", "경기", "대회", "결혼식", "돌잔치", "생일", "기념일",
     "휴가", "졸업식", "입학식", "알바", "아르바이트", "야근", "출근", "휴무", "소개팅", "진료", "수술", "검진",
     "건강검진", "상담", "레슨", "학원", "훈련", "연습", "축제", "캠프", "동아리", "엠티", "MT", "워크숍",
     "세미나", "개강", "종강", "방학", "이사", "제사", "수능", "중간고사", "기말고사", "토익", "오디션", "촬영",
     "녹화", "쇼핑", "영화", "등산", "운동", "헬스", "수영", "캠핑", "낚시", "드라이브", "소풍", "피크닉",
     "맥주", "치맥", "술", "술자리", "밥", "커피", "노래방", "전시회", "박람회", "동창회", "입대", "전역",
     "예배", "봉사", "과외", "스터디", "공부", "숙제", "프로젝트", "인터뷰", "뮤지컬", "연극", "야구", "축구",
     "농구", "상견례", "집들이", "송별회", "환영회", "개업식", "생파", "일정", "계획", "스케줄", "쉬는 날",
     "휴일", "근무", "당직", "실습", "보강", "평가", "필기시험", "실기시험", "자격증 시험", "모의고사", "퀴즈"}
)
_EVENTS_LONGEST_FIRST = tuple(sorted(EVENTS, key=len, reverse=True))
NOTHING_PLANNED = frozenset({"약속", "일정", "계획", "스케줄"})
PLACE_EVENTS = MappingProxyType(
    {"학교": "등교", "회사": "출근", "병원": "병원 진료", "치과": "치과 진료", "학원": "학원", "도서관": "도서관",
     "헬스장": "헬스장", "교회": "교회", "성당": "성당", "독서실": "독서실", "본가": "본가 방문",
     "고향": "고향 방문", "시골": "시골 방문", "미용실": "미용실", "놀이공원": "놀이공원", "에버랜드": "에버랜드",
     "롯데월드": "롯데월드", "영화관": "영화", "찜질방": "찜질방", "수영장": "수영장", "카페": "카페",
     "캠핑장": "캠핑", "결혼식장": "결혼식", "장례식장": "장례식", "공항": "공항", "군대": "입대"}
)
PLACES = frozenset(
    {"서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "수원", "성남", "고양", "용인", "창원", "청주",
     "전주", "천안", "포항", "김해", "제주", "제주도", "강릉", "춘천", "속초", "여수", "경주", "안동", "목포",
     "통영", "거제", "양양", "가평", "판교", "분당", "일산", "강남", "홍대", "잠실", "신촌", "해운대", "경기도",
     "강원도", "일본", "도쿄", "오사카", "후쿠오카", "중국", "베이징", "상하이", "대만", "미국", "뉴욕", "캐나다",
     "호주", "영국", "런던", "프랑스", "파리", "독일", "베트남", "다낭", "태국", "방콕", "발리", "괌", "하와이",
     "싱가포르", "유럽", "해외", "외국", "바다", "계곡", "산", "동해", "서해", "남해"}
)
HOMES = frozenset({"기숙사", "자취방", "원룸", "고시원", "시골", "해외", "외국", "오피스텔", "아파트", "쉐어하우스"})
GO_VERB = re.compile(
    r"^(?:가|가요|갈|갈게|간다|가야|가야\s?돼|가기로|가는데|가거든|가려고|갔어|갔다|다녀와|다녀왔어|놀러|여행|출발)"
)
MEET_VERB = re.compile(r"^만(?:나|나요|날|난다|나기로|나는데|나거든|나려고|났어|났다|나서)")
PLAY_VERB = re.compile(r"^놀(?:아|아요|기로|러|\s?거야|았어|았는데|려고)")

JOBS = frozenset(
    {"간호사", "의사", "개발자", "프로그래머", "교사", "선생님", "회사원", "직장인", "대학생", "고등학생", "중학생",
     "초등학생", "취준생", "대학원생", "디자이너", "공무원", "군인", "경찰", "소방관", "요리사", "셰프", "약사",
     "변호사", "학생", "알바생", "프리랜서", "연구원", "엔지니어", "자영업자", "주부", "유튜버", "작가", "기자",
     "회계사", "은행원", "승무원", "조종사", "치위생사", "물리치료사", "미용사", "바리스타", "사장", "사업가",
     "백수", "재수생", "수험생", "교수", "강사", "번역가", "마케터", "기획자", "데이터 분석가", "영양사",
     "보육교사", "사회복지사", "배우", "가수", "모델", "운동선수", "인턴", "신입사원", "직업군인", "트레이너"}
)

CATEGORIES = MappingProxyType(
    {
        "음식": ("마라탕", "떡볶이", "치킨", "피자", "햄버거", "라면", "초밥", "삼겹살", "빙수", "아이스크림", "짜장면",
               "짬뽕", "파스타", "김치찌개", "된장찌개", "돈까스", "케이크", "초콜릿", "민트초코", "오이", "가지",
               "당근", "피망", "회", "곱창", "족발", "보쌈", "냉면", "국밥", "탕후루", "마카롱", "떡", "빵", "과자",
               "쿠키", "도넛", "샐러드", "스테이크", "고기", "김밥", "순대", "우동", "쌀국수", "카레", "비빔밥",
               "불고기", "갈비", "닭갈비", "딸기", "사과", "바나나", "수박", "포도", "귤", "복숭아", "망고", "키위",
               "감자튀김", "양꼬치", "훠궈", "타코", "치즈", "버섯", "생선", "해산물", "새우", "연어", "콩", "두부",
               "고수", "민초", "파인애플", "마늘", "양파", "순두부찌개", "부대찌개", "만두", "편의점 도시락", "샌드위치"),
        "음료": ("커피", "아메리카노", "라떼", "콜라", "사이다", "녹차", "홍차", "버블티", "밀크티", "맥주", "소주",
               "와인", "막걸리", "우유", "스무디", "에이드", "주스"),
        "가수": ("장원영", "아이브", "IVE", "뉴진스", "아이유", "BTS", "방탄", "방탄소년단", "블랙핑크", "르세라핌",
               "에스파", "세븐틴", "트와이스", "태연", "임영웅", "데이식스", "잔나비", "악뮤", "엔믹스", "키키",
               "카리나", "윈터", "안유진", "지드래곤", "빅뱅", "레드벨벳", "NCT", "엑소", "있지", "스테이씨",
               "투바투", "라이즈", "보이넥스트도어", "QWER", "성시경", "폴킴", "백예린", "볼빨간사춘기", "테일러 스위프트"),
        "게임": ("롤", "리그 오브 레전드", "배그", "배틀그라운드", "마인크래프트", "마크", "오버워치", "메이플",
               "메이플스토리", "발로란트", "피파", "포켓몬", "젤다", "동물의 숲", "동숲", "스타크래프트", "로블록스",
               "테트리스", "쿠키런", "원신", "로스트아크", "서든어택", "카트라이더", "던파", "스팀 게임"),
        "색": ("빨간색", "파란색", "노란색", "초록색", "보라색", "분홍색", "핑크", "핑크색", "하늘색", "검은색",
              "검정색", "하얀색", "흰색", "주황색", "민트색", "회색", "남색", "연두색", "베이지색", "갈색"),
        "계절": ("봄", "여름", "가을", "겨울"),
        "동물": ("강아지", "고양이", "햄스터", "토끼", "판다", "펭귄", "곰", "여우", "수달", "고슴도치", "앵무새",
               "돌고래", "코알라", "쿼카", "거북이", "말", "사자", "호랑이", "기린", "다람쥐", "원숭이"),
        "운동": ("축구", "야구", "농구", "배구", "테니스", "배드민턴", "수영", "요가", "필라테스", "헬스", "클라이밍",
               "볼링", "탁구", "골프", "러닝", "달리기", "등산", "스키", "스노보드", "자전거", "복싱", "태권도"),
        "과목": ("수학", "영어", "국어", "과학", "역사", "물리", "화학", "생물", "사회", "체육", "미술", "코딩"),
    }
)
_CATEGORY_OF = MappingProxyType({word: cat for cat, words in CATEGORIES.items() for word in words})
CATEGORY_NOUNS = frozenset(
    {"음식", "가수", "아이돌", "게임", "색", "색깔", "계절", "동물", "영화", "노래", "과일", "운동", "스포츠",
     "과목", "드라마", "책", "배우", "연예인", "캐릭터", "간식", "음료", "꽃", "유튜버", "애니", "웹툰", "작가",
     "브랜드", "장르", "술", "과자", "숫자", "요일", "날씨", "팀", "디저트", "반찬", "라면", "커피", "음악", "가게"}
)
PETS = MappingProxyType(
    {"강아지": "강아지", "고양이": "고양이", "햄스터": "햄스터", "토끼": "토끼", "거북이": "거북이",
     "앵무새": "앵무새", "고슴도치": "고슴도치", "금붕어": "금붕어", "물고기": "물고기", "기니피그": "기니피그",
     "냥이": "고양이", "댕댕이": "강아지", "멍멍이": "강아지", "개": "강아지", "도마뱀": "도마뱀", "새": "새"}
)
MBTI_NICKNAMES = MappingProxyType(
    {"엔프피": "ENFP", "인프피": "INFP", "엔티제": "ENTJ", "인티제": "INTJ", "엔팁": "ENTP", "인팁": "INTP",
     "엔프제": "ENFJ", "인프제": "INFJ", "엣티제": "ESTJ", "잇티제": "ISTJ", "엣프피": "ESFP", "잇프피": "ISFP",
     "엣티피": "ESTP", "잇티피": "ISTP", "엣프제": "ESFJ", "잇프제": "ISFJ"}
)

_ADVERBS = r"(?:(?:진짜|정말|너무|완전|엄청|제일|가장|되게|많이|특히|무척|진심|꽤|좀|조금|살짝|계속|자꾸|또|막|요즘|겁나|넘|별로)\s)*"
_END = r"(?=$|[\s!.~,?])"
_COPULA_END = r"(?:이야|야|이에요|예요|입니다|이거든|거든|인데|이라서|라서|이고|이지|이잖아|잖아|임|이다|다)?"
# After a schedule word: negations, wishes, requests and suggestions mean there is no plan to store.
_NOT_A_PLAN = re.compile(
    r"(?:^|\s)(?:안|못|전혀|하나도)(?:\s|$)|^안|않|없|아니|취소|싶|말까|미뤄|미뤘|연기됐|같이|줘|알려|뭐|[가-힣]자(?:\s|$)|[가-힣]래(?:\s|$)"
)


@dataclass(frozen=True)
class Fact:
    key: str
    value: str

    def item(self) -> str:
        return f"[{self.key}: {self.value}]"


Rule = Callable[[str], "Fact | None"]


# --- helpers ---------------------------------------------------------------------------------------


def _tidy(text: str) -> str:
    text = re.sub(r"[\[\](){}:<>\"'`|]", " ", text)
    text = re.sub(r"\s+", " ", text).strip(" .,!?~")
    if len(text) > MAX_VALUE:
        cut = text[:MAX_VALUE]
        text = cut[: cut.rfind(" ")] if " " in cut else cut
    return text.strip()


def _negated_before(clause: str, start: int) -> bool:
    return bool(re.search(r"(?:^|\s)(?:안|못|전혀|하나도)$", clause[:start].rstrip()))


def _negated_after(clause: str, end: int) -> bool:
    return bool(re.match(r"\s?(?:지\s?않|진\s?않|지는\s?않|지\s?마|보여|보이|겠|면|냐|니|나\?)", clause[end:]))


def _someone_else_is_subject(clause: str) -> bool:
    """'엄마가 감기 걸렸어': the news is about another person, not the user."""
    for word in tokens(clause):
        stem = strip_particle(word)
        if stem in PEOPLE and word != stem and word[len(stem):] in ("가", "이", "는", "은", "도", "께서"):
            return True
    return False


def _category(word: str) -> str | None:
    return _CATEGORY_OF.get(word) or _CATEGORY_OF.get(word.upper())


# --- rules -----------------------------------------------------------------------------------------

_MBTI = re.compile(r"(?<![A-Za-z])([EeIi][NnSs][TtFf][JjPp])(?![A-Za-z])" + _COPULA_END + _END)
_MBTI_KO = re.compile("(" + "|".join(MBTI_NICKNAMES) + ")" + _COPULA_END + _END)


def _mbti(clause: str) -> Fact | None:
    me, _ = person_address(clause)
    if not (me or re.search(r"(?i)mbti|엠비티아이", clause)):
        return None
    m = _MBTI.search(clause)
    value = m.group(1).upper() if m else None
    if m is None:
        m = _MBTI_KO.search(clause)
        value = MBTI_NICKNAMES[m.group(1)] if m else None
    if m is None or re.search(r"아니|않|말고|같[은아]|인\s?줄", clause[m.end() :]):
        return None  # '나 ENTJ 아니야', 'INFP 같아' (a guess, not a fact)
    return Fact("MBTI", value)


_OWNER = r"(?:(내|제|나의|우리|엄마|아빠|동생|언니|오빠|누나|형|친구|여친|남친|여자친구|남자친구|할머니|할아버지)\s?)?"
_BIRTHDAY = re.compile(_OWNER + r"생일(?:은|이|는)?\s?(\d{1,2})\s?월\s?(\d{1,2})\s?일")


def _birthday(clause: str) -> Fact | None:
    m = _BIRTHDAY.search(clause)
    if not m:
        return None
    month, day = int(m.group(2)), int(m.group(3))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    owner = m.group(1)
    key = "생일" if owner in (None, "내", "제", "나의", "우리") else f"{owner} 생일"
    return Fact(key, f"{month}월 {day}일")


_PET_NAME = re.compile(r"(?<![가-힣])(" + "|".join(sorted(PETS, key=len, reverse=True)) + r")\s?(?:의\s)?이름(?:은|이)\s(\S+)")
_PET_OWNED = re.compile(
    r"(?<![가-힣])(" + "|".join(sorted(PETS, key=len, reverse=True)) + r")(?:를|을|도|가|이)?\s?(?:한\s?마리|두\s?마리|세\s?마리|\d+\s?마리)?\s?"
    r"(?:키워|키워요|키우고\s?있어|키우거든|키운다|키우는데|키우고\s?있거든|키워서|있어|있거든|있는데)" + _END
)


def _pet(clause: str) -> Fact | None:
    m = _PET_NAME.search(clause)
    if m:
        name = strip_copula(m.group(2), keep_i=True)
        if name and name not in ("뭐", "뭐야", "뭔데") and re.fullmatch(r"[가-힣A-Za-z]{1,8}", name):
            return Fact("반려동물", f"{PETS[m.group(1)]} {name}")
        return None
    m = _PET_OWNED.search(clause)
    if m and not _negated_before(clause, m.start()):
        owns = re.search(r"키우|키워", m.group(0)) or re.search(r"(?:^|\s)(?:우리\s?집|집에)", clause)
        if owns:
            return Fact("반려동물", PETS[m.group(1)])
    return None


_LIKE_EXPLICIT = re.compile(r"(좋아하는|싫어하는)\s(\S+?)(?:은|는|이|가)\s(.+)$")
_LIKE_VERB = re.compile(
    r"(?:^|\s)([가-힣A-Za-z0-9]+)\s" + _ADVERBS + r"(안\s)?"
    r"(좋아해|좋아함|좋아하거든|좋아해요|좋아한다|좋아하는데|좋아|사랑해|싫어해|싫어함|싫어하거든|싫어하는데|싫어|"
    r"싫어요|별로야|못\s?먹어)" + _END
)


def _likes(clause: str) -> Fact | None:
    m = _LIKE_EXPLICIT.search(clause)
    if m:
        cat = m.group(2)
        if cat in ("거", "것"):
            cat = "것"
        elif cat not in CATEGORY_NOUNS:
            return None
        value = strip_copula(m.group(3))
        if not value or any(q in value for q in ("뭐", "누구", "뭔지", "어떤")):
            return None
        return Fact(f"{m.group(1)} {cat}", value)
    m = _LIKE_VERB.search(clause)
    if not m:
        return None
    obj = strip_particle(m.group(1))
    cat = _category(obj)
    if cat is None or obj in FIRST_PERSON:
        return None
    verb = m.group(3)
    if verb.startswith("못"):
        return Fact("못 먹는 음식", obj) if cat in ("음식", "음료") else None
    liked = verb.startswith(("좋아", "사랑")) and not m.group(2)
    return Fact(f"{'좋아하는' if liked else '싫어하는'} {cat}", obj)


_JOB = re.compile(
    r"(?:^|\s)(?:나|난|나는|저는|저|내가|제가)\s(?:\S+\s)?(" + "|".join(sorted(JOBS, key=len, reverse=True)) + r")"
    r"(?:이야|야|이에요|예요|입니다|임|이거든|거든|인데|이라서|라서|이고|이라|으로\s일해|로\s일해|로\s일하고\s있어)" + _END
)
_JOB_NAMED = re.compile(r"(?:내\s|제\s)?직업(?:은|이)\s(\S+)$")
_PART_TIME = re.compile(r"(?:^|\s)([가-힣]{2,6})(?:에서)?\s알바(?:해|하고\s있어|하거든|중이야|해요|함|하는데)" + _END)
_OFFICE = re.compile(r"(?:^|\s)(?:나|난|나는|저는|저)\s(?:\S+\s)?회사\s?(?:다녀|다니고\s있어|다니거든|다니는데|다녀요)" + _END)
_SCHOOL = re.compile(
    r"(?:^|\s)([가-힣A-Za-z]+(?:대학교|대학|대|고등학교|고|중학교|중|초등학교|초|대학원))\s?(?:에\s?)?"
    r"(?:다녀|다녀요|다니고\s?있어|다니거든|다니는데|다님|학생이야|학생이에요|생이야|재학\s?중이야|재학중이야|다니는\s중이야)" + _END
)
_GRADE = re.compile(
    r"(?:^|\s)((?:고|중|초)\s?[1-6]|(?:대학교\s|대학\s|고등학교\s|중학교\s)?[1-6]학년|\d{2}학번)"
    r"(?:이야|야|이에요|예요|이거든|거든|인데|이라서|라서|이고|이라|임|된다|됐어|이\s?됐어)" + _END
)


def _job(clause: str) -> Fact | None:
    m = _JOB.search(clause)
    if m:
        return Fact("직업", m.group(1))
    m = _JOB_NAMED.search(clause)
    if m:
        value = strip_copula(m.group(1))
        if value in JOBS:
            return Fact("직업", value)
    m = _PART_TIME.search(clause)
    if m and strip_particle(m.group(1)) not in FIRST_PERSON and not _negated_before(clause, m.start(1)):
        place = strip_particle(m.group(1))
        if place not in QUESTION_WORDS and place not in ("오늘", "내일", "요즘", "주말", "모레", "어제"):
            return Fact("직업", f"{place} 알바")
    if _OFFICE.search(clause):
        return Fact("직업", "회사원")
    return None


def _school(clause: str) -> Fact | None:
    m = _GRADE.search(clause)
    if m:
        grade = re.sub(r"^(고|중|초)\s", r"\1", m.group(1))
        return Fact("학번" if grade.endswith("학번") else "학년", grade)
    m = _SCHOOL.search(clause)
    return Fact("학교", m.group(1)) if m else None


_LIVE = re.compile(
    r"(?:^|\s)([가-힣A-Za-z]+)\s(?:(?:혼자|가족이랑|부모님이랑|친구랑|같이)\s)?"
    r"(?:살아|살고\s?있어|사는데|살거든|살아요|삽니다|사는\s중이야|살아서|살고\s있거든|거주해|거주\s중이야)" + _END
)
_LIVE_NAMED = re.compile(r"사는\s?(?:곳|데|동네)(?:은|는|가)\s(\S+)$")
_MOVED = re.compile(r"(?:^|\s)([가-힣]+)(?:으로|로)\s이사\s?(?:했어|왔어|했거든|했는데|온\s지)")
_FROM = re.compile(r"(?:^|\s)(?:나|난|나는|저는|저|고향은?|고향이)\s([가-힣]+)\s?(?:출신이야|출신이에요|출신|사람이야)" + _END)


def _is_place(word: str) -> bool:
    return word in PLACES or word in HOMES or (len(word) >= 2 and word[-1] in "시도구군동읍면" and word not in PEOPLE)


def _residence(clause: str) -> Fact | None:
    m = _LIVE.search(clause)
    if m:
        place = strip_particle(m.group(1))
        raw = m.group(1)
        if place in FIRST_PERSON or place in ("혼자", "같이", "잘", "열심히", "재밌게", "오래", "행복하게"):
            return None
        if _is_place(place) or (raw != place and raw.endswith(("에", "에서")) and len(place) >= 2):
            return Fact("사는 곳", place)
    m = _LIVE_NAMED.search(clause)
    if m:
        place = strip_copula(m.group(1))
        if _is_place(place):
            return Fact("사는 곳", place)
    m = _MOVED.search(clause)
    if m and _is_place(m.group(1)):
        return Fact("사는 곳", m.group(1))
    m = _FROM.search(clause)
    if m and _is_place(m.group(1)):
        return Fact("고향", m.group(1))
    return None


_WEATHER_VERB_RAIN = (
    r"(?:와|와요|오네|온다|오고|와서|오는데|내려|내리네|내린다|내리고|내려서|쏟아져|쏟아지네|쏟아지는데|왔어|왔는데|"
    r"내렸어|오더라|온대|온다는데|올\s거래|올\s것\s같아)"
)
_WEATHER = (
    ("비", re.compile(r"(?:^|\s)(?:비|소나기|장맛비)(?:가|도)?\s" + _ADVERBS + _WEATHER_VERB_RAIN + _END), False),
    ("눈", re.compile(r"(?:^|\s)(?:눈|함박눈)(?:이|도)?\s" + _ADVERBS + r"(?:펑펑\s)?" + _WEATHER_VERB_RAIN + _END), False),
    ("태풍", re.compile(r"태풍(?:이)?\s" + _ADVERBS + r"(?:와|온대|오고|왔어|온다|올라온대|북상)" + _END), False),
    ("바람 강함", re.compile(r"바람(?:이)?\s" + _ADVERBS + r"(?:불어|부네|분다|불고|불어서|장난\s아니)"), False),
    ("미세먼지", re.compile(r"미세먼지(?:가)?\s" + _ADVERBS + r"(?:심해|많아|나빠|최악|장난\s아니|심하네)"), False),
    ("나쁨", re.compile(r"날씨(?:가)?\s" + _ADVERBS + r"(?:안\s?좋아|별로|나빠|구려|최악|흐려)"), False),
    ("좋음", re.compile(r"날씨(?:가)?\s" + _ADVERBS + r"(?:좋아|좋다|좋네|좋은데|최고|끝내줘|맑아)"), False),
    ("더움", re.compile(r"(?:덥다|더워|덥네|더운데|더워서|더웠어|찜통|폭염)"), True),
    ("추움", re.compile(r"(?:춥다|추워|춥네|추운데|추워서|추웠어|한파)"), True),
    ("맑음", re.compile(r"(?:맑아|맑네|맑다|화창해|화창하네|쨍쨍해|햇빛\s좋아)"), True),
    ("흐림", re.compile(r"(?:흐려|흐리네|흐리다|꾸리꾸리해|우중충해)"), True),
    ("습함", re.compile(r"(?:습해|습하네|꿉꿉해|후덥지근해)"), True),
)
_WEATHER_DAY = re.compile(r"(?:^|\s)(오늘|내일|어제|주말|지금|요즘|밖|밖에|밖은|바깥|날씨)")
_WEATHER_KEYS = MappingProxyType({"오늘": "오늘 날씨", "내일": "내일 날씨", "어제": "어제 날씨", "주말": "주말 날씨"})


def _weather(clause: str) -> Fact | None:
    day = _WEATHER_DAY.search(clause)
    for value, pattern, needs_context in _WEATHER:
        m = pattern.search(clause)
        if not m or (needs_context and not day):
            continue
        if _negated_before(clause, m.start()) or _negated_after(clause, m.end()):
            return None
        key = _WEATHER_KEYS.get(day.group(1), "현재 날씨") if day else "현재 날씨"
        return Fact(key, value)
    return None


_BODY = MappingProxyType(
    {"머리": "두통", "배": "복통", "이": "치통", "이빨": "치통", "치아": "치통", "속": "속 쓰림", "위": "속 쓰림",
     "몸": "몸살 기운", "목": "목 통증", "허리": "허리 통증", "다리": "다리 통증", "무릎": "무릎 통증",
     "어깨": "어깨 통증", "팔": "팔 통증", "손목": "손목 통증", "발목": "발목 통증", "눈": "눈 통증",
     "귀": "귀 통증", "등": "등 통증", "발": "발 통증", "손": "손 통증", "허벅지": "허벅지 통증", "종아리": "종아리 통증"}
)
_PAIN = re.compile(
    r"(?:^|\s)(" + "|".join(sorted(_BODY, key=len, reverse=True)) + r")(?:가|이|도)?\s" + _ADVERBS
    + r"(?:아파|아프다|아프네|아픈데|아파서|아팠어|아파요|쑤셔|쓰려|쓰라려|욱신거려)" + _END
)
_INJURY = re.compile(
    r"(?:^|\s)(발목|다리|손|손가락|팔|허리|무릎|어깨|발|손목)(?:을|를|이|가)?\s?(?:삐었|다쳤|부러졌|접질렸|삐끗했)"
)
_ILLNESS = re.compile(
    r"(감기|독감|코로나|몸살|장염|식중독|배탈|편두통|두통|생리통|비염|알레르기|위염|빈혈|불면증|허리디스크|디스크|"
    r"눈병|결막염|중이염|인후염|편도염|목감기|코감기|몸살감기|감기몸살)(?:에|이|가)?\s?"
    r"(?:걸렸|걸려서|걸린|걸려|기운|났|나서|있어|심해|때문에|이야|야|인\s?것\s?같|인가\s?봐|도졌|와서|확진|양성|증상)"
)
_FEVER = re.compile(r"(?:^|\s)열(?:이)?\s?(?:나|났어|나서|나는데|나네|있어|많이\s나|펄펄)" + _END)
_COUGH = re.compile(r"(?:^|\s)(기침|콧물|재채기)(?:이|가)?\s?" + _ADVERBS + r"(?:나|나와|해|심해|계속|때문에|멈추질|안\s멈춰|줄줄)")
_SICK = re.compile(r"(?:^|\s)(?:나|난|나는|저|저는)\s" + _ADVERBS + r"(?:아파|아픈데|아파서|아팠어|아파요)" + _END)


def _health(clause: str) -> Fact | None:
    if _someone_else_is_subject(clause) or re.search(r"나았|나아졌|괜찮아졌|회복|다\s?나|안\s걸렸|안\s걸리", clause):
        return None
    m = _ILLNESS.search(clause)
    if m and not _negated_before(clause, m.start()):
        name = m.group(1).replace("감기몸살", "감기 몸살").replace("몸살감기", "감기 몸살")
        return Fact("건강 상태", name)
    m = _INJURY.search(clause)
    if m:
        return Fact("건강 상태", f"{m.group(1)} 부상")
    m = _PAIN.search(clause)
    if m and not _negated_before(clause, m.end(1)) and not _negated_after(clause, m.end()):
        return Fact("건강 상태", _BODY[m.group(1)])
    m = _FEVER.search(clause)
    if m and not _negated_after(clause, m.end()):
        return Fact("건강 상태", "발열")
    m = _COUGH.search(clause)
    if m:
        return Fact("건강 상태", m.group(1))
    m = _SICK.search(clause)
    if m and not _negated_after(clause, m.end()):
        return Fact("건강 상태", "아픔")
    return None


_STATES = (
    ("피곤함", r"피곤(?:해|하다|하네|한데|해서|했어|함|하거든|해요|하구나|하당|타)"),
    ("졸림", r"졸(?:려|리다|리네|린데|려서|렸어|림|리거든|려요)"),
    ("배고픔", r"배(?:가\s?|\s)?고(?:파|프다|프네|픈데|파서|팠어|픔|프거든|파요)"),
    ("배부름", r"배(?:가\s?|\s)?불(?:러|러서|렀어|르다|르네|른데)"),
    ("심심함", r"심심(?:해|하다|하네|한데|해서|했어|함|하거든|해요|하당)"),
    ("우울함", r"우울(?:해|하다|하네|한데|해서|했어|함|하거든|해요)"),
    ("슬픔", r"(?:슬퍼|슬프다|슬프네|슬픈데|슬퍼서|슬펐어)"),
    ("외로움", r"(?:외로워|외롭다|외롭네|외로운데|외로워서|외로웠어)"),
    ("행복함", r"행복(?:해|하다|하네|한데|해서|했어|함|하거든|해요)"),
    ("기쁨", r"(?:기뻐|기쁘다|기쁘네|기쁜데|기뻐서|기뻤어)"),
    ("신남", r"(?:신나|신난다|신나네|신나는데|신나서|신났어)"),
    ("힘듦", r"(?:힘들어|힘들다|힘드네|힘든데|힘들어서|힘들었어|힘들거든)"),
    ("지침", r"(?:지쳐|지친다|지치네|지쳤어|지쳐서)"),
    ("스트레스", r"스트레스(?:를|가)?\s?" + _ADVERBS + r"(?:받아|받고|받았어|받는데|쌓여|쌓였어|심해)"),
    ("긴장됨", r"긴장(?:돼|된다|되네|되는데|돼서|됐어|되거든)"),
    ("떨림", r"(?:떨려|떨린다|떨리네|떨리는데|떨려서|떨렸어)"),
    ("불안함", r"불안(?:해|하다|하네|한데|해서|했어|하거든)"),
    ("짜증남", r"짜증(?:나|난다|나네|나는데|나서|났어|이\s나)"),
    ("화남", r"(?:화나|화난다|화나네|화나는데|화나서|화났어|화가\s나|열받아|열받네|빡쳐)"),
    ("설렘", r"(?:설레|설렌다|설레네|설레는데|설레서|설렜어)"),
    ("걱정됨", r"걱정(?:돼|된다|되네|되는데|돼서|됐어|이야|이\s돼|이\s많아)"),
    ("바쁨", r"(?:바빠|바쁘다|바쁘네|바쁜데|바빠서|바빴어)"),
    ("한가함", r"한가(?:해|하다|하네|한데|해서)"),
    ("무서움", r"(?:무서워|무섭다|무섭네|무서운데|무서워서|무서웠어)"),
    ("답답함", r"답답(?:해|하다|하네|한데|해서|했어)"),
    ("속상함", r"속상(?:해|하다|하네|한데|해서|했어)"),
    ("귀찮음", r"(?:귀찮아|귀찮다|귀찮네|귀찮은데|귀찮아서)"),
    ("뿌듯함", r"뿌듯(?:해|하다|하네|한데|해서|했어)"),
    ("아쉬움", r"(?:아쉬워|아쉽다|아쉽네|아쉬운데|아쉬워서|아쉬웠어)"),
    ("기분 나쁨", r"기분(?:이)?\s" + _ADVERBS + r"(?:안\s?좋아|별로|나빠|꿀꿀해|더러워)"),
    ("기분 좋음", r"기분(?:이)?\s" + _ADVERBS + r"(?:좋아|좋다|좋네|좋은데|최고|최고야|짱이야)"),
    ("수면 부족", r"(?:잠을?\s?(?:못\s?잤|설쳤|한숨도\s못)|밤새웠|밤샜|밤을\s새)"),
    ("멘붕", r"멘붕"),
)
_STATE_PATTERNS = tuple((value, re.compile(pattern + _END)) for value, pattern in _STATES)


def _state(clause: str) -> Fact | None:
    if _someone_else_is_subject(clause):
        return None
    for value, pattern in _STATE_PATTERNS:
        m = pattern.search(clause)
        if m:
            if _negated_before(clause, m.start()) or _negated_after(clause, m.end()):
                return None
            return Fact("상태", value)
    return None


_DAY = re.compile(
    r"(?:^|\s)(다음\s?주\s?[월화수목금토일]요일|이번\s?주\s?[월화수목금토일]요일|[월화수목금토일]요일|내일\s?모레|모레|"
    r"이번\s?주말|다음\s?주말|주말|다음\s?주|이번\s?주|다음\s?달|오늘|이따가?|내일|어제|연휴|방학)"
    r"(?:에는|에도|에|은|는|엔|도|부터|까지|때|날)?(?=\s|$)"
)
_EVENT_SUFFIX = re.compile(
    r"^(?:이|가|을|를|은|는|도|이랑|랑|하고|에|에서|까지|부터|만|도\s)?"
    r"(?:이야|야|이에요|예요|이거든|거든|이라서|라서|이라|라|인데|이고|이지|이잖아|잖아|임|이다|다|해|해야|했어|"
    r"했는데|할|하러|하기로|하기|한다|하는데|하거든|해서|하고|함|하느라|하니까|이니까|니까|있어|있는데|있거든|있음|있다|"
    r"있어요|있고|잡혔어|잡혀\s?있어|이었어|였어|갔어|가|가요|갈|가야|가기로)?[!.~]*$"
)
_TIME_WORDS = re.compile(r"^(?:아침|점심|저녁|밤|새벽|오전|오후|낮|\d{1,2}시(?:\s?\d{1,2}분)?|\d{1,2}시쯤)(?:에|엔|에는|쯤)?$")
_FILLERS = frozenset(
    {"진짜", "정말", "너무", "완전", "좀", "꼭", "드디어", "또", "그냥", "아마", "엄청", "되게", "중요한", "갑자기",
     "첫", "그", "이번", "다음", "큰", "아", "헐", "와", "음", "흠", "나", "난", "나는", "내", "내가", "저", "제가",
     "우리", "요즘", "벌써", "이제", "곧", "결국", "무려", "아직"}
)


def _day_key(day: str) -> str:
    day = re.sub(r"\s", "", day)
    m = re.fullmatch(r"(다음주|이번주)?([월화수목금토일]요일)", day)
    if m:
        return f"다음주 {m.group(2)} 일정" if m.group(1) == "다음주" else f"{m.group(2)} 일정"
    return {"이따": "오늘 일정", "이따가": "오늘 일정", "내일모레": "모레 일정", "이번주말": "주말 일정",
            "다음주말": "다음 주말 일정", "다음주": "다음주 일정", "이번주": "이번주 일정", "다음달": "다음달 일정"}.get(
        day, f"{day} 일정"
    )


def _event_in(word: str) -> tuple[str, str] | None:
    """'생일파티가' → ('생일파티', '가'): a word built on an event noun, and what follows it."""
    word = word.strip(",")
    for head in _EVENTS_LONGEST_FIRST:
        at = word.find(head)
        if at < 0 or (at > 0 and len(head) < 2):
            continue
        suffix = word[at + len(head) :]
        if _EVENT_SUFFIX.match(suffix):
            return word[: at + len(head)], suffix
    return None


def _bare_noun(word: str) -> bool:
    return (
        word not in _FILLERS
        and strip_particle(word) == word
        and not word.endswith(("한", "는", "던", "할", "될", "운", "은", "인", "게", "고", "서", "면"))
        and not _TIME_WORDS.match(word)
        and bool(re.fullmatch(r"[가-힣A-Za-z0-9]+", word))
    ) or word in PARTICLE_LIKE_NOUNS


def _companion(words: list[str]) -> str | None:
    for word in words:
        m = re.fullmatch(r"([가-힣]{1,5}?)(이랑|랑|하고|와|과|와\s?같이|이랑\s?같이)", word)
        if not m:
            continue
        stem = m.group(1)
        if strip_particle(word) != stem and stem not in PEOPLE:
            continue
        if stem in PEOPLE or (2 <= len(stem) <= 3 and stem not in EVENTS and _category(stem) is None):
            return stem
    return None


def _schedule(clause: str) -> Fact | None:
    m = _DAY.search(clause)
    if not m:
        return None
    key = _day_key(m.group(1))
    words = [w for w in tokens(clause[m.end() :]) if not _TIME_WORDS.match(w)]
    before = tokens(clause[: m.start()])
    for i, word in enumerate(words):
        found = None if word in PLACES or word in PARTICLE_LIKE_NOUNS - EVENTS else _event_in(word)
        if found:
            head, suffix = found
            while not suffix and i + 1 < len(words):  # '친구 생일 파티': the last event noun leads
                following = _event_in(words[i + 1])
                if following is None:
                    break
                i += 1
                head, suffix = following
            tail = " ".join([suffix, *words[i + 1 : i + 3]])
            if _NOT_A_PLAN.search(tail):
                if head in NOTHING_PLANNED and "없" in tail and not re.search(r"않|아니|싶", tail):
                    return Fact(key, "없음")
                return None
            if head in NOTHING_PLANNED and head != "약속":
                if "있" not in tail:
                    return None  # '주말 계획 세워야지': no plan yet
                head = "일정 있음"
            modifiers: list[str] = []
            for prev in reversed(words[max(0, i - 3) : i]):
                if not _bare_noun(prev):
                    break
                modifiers.insert(0, prev)
            event = " ".join([*modifiers, head])
            friend = _companion(before + words[:i])
            return Fact(key, f"{with_particle(friend, '와/과')} {event}" if friend else event)
        stem = strip_particle(word)
        rest = " ".join(words[i + 1 : i + 4])
        if stem in PLACE_EVENTS or stem in PLACES:
            go = GO_VERB.match(rest)
            if go and not _NOT_A_PLAN.search(rest):
                if stem in PLACE_EVENTS:
                    return Fact(key, PLACE_EVENTS[stem])
                return Fact(key, f"{stem} 여행" if re.search(r"놀러|여행", rest) else f"{stem} 방문")
        if stem in PEOPLE and MEET_VERB.match(rest) and not _NOT_A_PLAN.search(rest):
            return Fact(key, f"{stem} 만남")
        friend = _companion([word])
        if friend and PLAY_VERB.match(rest) and not _NOT_A_PLAN.search(rest):
            return Fact(key, f"{with_particle(friend, '와/과')} 놀기")
    return None


_FEELING = re.compile(
    r"(?:^|\s)(?:너|널|너를|너가|넌|로라|로라를|오로라|오로라를)\s" + _ADVERBS
    + r"(좋아해|좋아|사랑해|최고야|최고|싫어|싫어해|미워|고마워|짱이야)" + _END
)


def _feeling_about_lora(clause: str) -> Fact | None:
    m = _FEELING.search(clause)
    if not m or _negated_before(clause, m.start(1)):
        return None
    verb = m.group(1)
    if verb.startswith(("좋아", "사랑")):
        return Fact("오로라에 대한 감정", "좋아함")
    if verb.startswith(("최고", "짱")):
        return Fact("오로라에 대한 감정", "최고라고 생각함")
    if verb.startswith("고마워"):
        return Fact("오로라에 대한 감정", "고마움")
    return Fact("오로라에 대한 감정", "싫어함")


# Order matters: more specific facts first; schedules before moods ('내일 시험이라 긴장돼' → the exam).
RULES: tuple[Rule, ...] = (_mbti, _birthday, _pet, _likes, _job, _school, _residence, _weather, _health, _schedule, _state)


def extract_fact(user_text: str) -> Fact | None:
    """The one fact worth remembering from what the user said (no time tag, memory or summary)."""
    for clause, question in sentences_and_clauses(clean(user_text)):
        if question or any(w.strip(",") in QUESTION_WORDS for w in tokens(clause)):
            continue
        me, you = person_address(clause)
        candidates: tuple[Rule, ...] = (_feeling_about_lora,) + (RULES if me or not you else ())
        for rule in candidates:
            fact = rule(clause)
            if fact is None:
                continue
            key, value = _tidy(fact.key), _tidy(fact.value)
            if key and value:
                return Fact(key, value)
            break
    return None


def schedule_fact(text: str) -> Fact | None:
    """Only the schedule rule (the summariser reads Oh-LoRA's own plans with it)."""
    for clause, question in sentences_and_clauses(clean(text)):
        fact = None if question else _schedule(clause)
        if fact is not None:
            return Fact(fact.key, _tidy(fact.value))
    return None


def day_word(text: str) -> str | None:
    """The first day expression ('주말', '내일', '토요일', '다음 주') in the text, if any."""
    m = _DAY.search(clean(text))
    return re.sub(r"\s+", " ", m.group(1)) if m else None


def known_noun(word: str) -> bool:
    """Whether a word is in one of the extractor's word lists (events, places, people, likes, jobs)."""
    return (
        word in EVENTS or word in PLACES or word in PEOPLE or word in JOBS or word in PLACE_EVENTS
        or _category(word) is not None or word in CATEGORY_NOUNS
    )


class EmbeddedMemoryExtractor:
    """The memory role without a model: rules over the user's words (see `extract_fact`)."""

    name = "embedded-memory"

    def __init__(self, rng: random.Random | None = None):
        self.rng = rng if rng is not None else random.Random()  # unused: the rules are deterministic

    def generate(self, request: GenerationRequest, on_text: Callable[[str], None] | None = None) -> Generation:
        fact = extract_fact(request.input.text)
        text = f" {fact.item()} {SUMMARY_END}" if fact else f" {SUMMARY_END}"
        if on_text is not None:
            on_text(text)
        return Generation(text=text, new_tokens=estimate_tokens(text, request.max_new_tokens), stopped=True)
