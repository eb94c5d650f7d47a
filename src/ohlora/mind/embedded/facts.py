"""Embedded memory extractor: pulls one `[key: value]` fact about the user out of their words.

It serves the memory role like the fine-tuned Polyglot model: the answer is
" [key: value] (요약 종료)" or " (요약 종료)" when nothing is worth remembering. Only the user's own
words are read (`RoleInput.text`; the remembered fact and the previous summary are not).

Rules are regular expressions over clauses with a little particle handling. Keys are written from
the recall key words (`understanding.KEY_FAMILIES`) so that a recall question finds them:

    이름, 나이 (24살, 99년생), 생일, MBTI                 who the user is
    학교, 학년, 전공, 직업, 직장                          school and work
    반려동물 (kind and name: "강아지 콩이")               pets
    여동생, 남자친구, 연인, 가족 …                        people around the user (names, counts, 사귄 지 100일)
    사는 곳, 고향, 이사 ("다음 달 마포")                  places
    좋아하는/싫어하는 <category>, 못 먹는 음식, 알레르기, 취미, 관심사
    <day> 일정 ("내일 일정", "다음 주 금요일 일정", "3월 5일 일정")   plans, the time word in the key
    상태, 건강 상태, <day> 날씨, 오로라에 대한 감정

Each rule prefers saying nothing over saying something wrong. A clause gives nothing when it asks
(a '?' or a question word), wishes or muses (싶다, 좋겠다, ~ㄹ까, 고민 중), passes on hearsay (~대,
~래; only the weather is read there), or speaks of someone else (엄마가 …, 걔 …, 우리 오빠는 …) — except
for the rules made for people around the user. Negated predicates give nothing (내일 시험 없어, 강아지
안 키워, 오이 안 싫어해), and a plan undone in a later clause (…인데 못 가, …했는데 취소됐어) is dropped.
The first clause with a fact gives it; a later clause may only complete it (a pet's name after
'강아지 키워'). Our own labelled dev set and its figures: tests/test_facts.py.

A clause none of these rules reads goes to the fallback reader (`facts_reader.py`), under the same
guards: it reads a first-person clause by its predicate (bought, likes, hobbies, work, school,
places, pets, health, states) and takes the noun phrase the predicate is about, with the Korean
analysis (`analysis.py`, mecab-ko) telling bare nouns from the rest. Every value is then widened with
the bare nouns said just before it ('통화' → '전화 통화'). The rules themselves stay a pure
function of the text (the summariser calls them too).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

from ohlora.mind.base import Generation, GenerationRequest
from ohlora.mind.embedded import facts_reader
from ohlora.mind.embedded.korean import (
    FIRST_PERSON,
    PARTICLE_LIKE_NOUNS,
    SECOND_PERSON,
    clean,
    estimate_tokens,
    has_batchim,
    person_address,
    sentences_and_clauses,
    strip_copula,
    strip_particle,
    tokens,
    with_particle,
)
from ohlora.mind.embedded.understanding import KEY_FAMILIES, PLACES, key_family
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
     "조카", "삼촌", "이모", "고모", "룸메", "룸메이트", "썸남", "썸녀", "회사 사람들", "동아리 사람들", "여동생",
     "남동생", "외삼촌", "사장님", "팀장", "과장님", "직장 동료", "반 친구", "베프", "절친", "그 사람", "걔", "쟤"}
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
     "휴일", "근무", "당직", "실습", "보강", "평가", "필기시험", "실기시험", "자격증 시험", "모의고사", "퀴즈",
     "생신", "예약", "치과 예약", "병원 예약", "출국", "귀국", "시험공부", "학회", "워크샵", "면담", "연수", "교육",
     "봉사활동", "버스킹", "마라톤", "바디프로필", "이직", "퇴사", "입사", "첫 출근", "결혼",
     "외식", "가족 모임", "저녁 약속", "점심 약속", "술 약속", "정모", "번개", "졸업 전시", "전시", "시사회",
     "팬사인회", "PT", "필라테스", "요가", "클라이밍", "골프", "테니스", "배드민턴", "볼링", "병원 진료", "치료",
     "물리치료", "재활", "코칭", "면허 시험", "운전면허 시험", "기능시험", "도로주행", "국가고시", "임용고시",
     "공무원 시험", "편입 시험", "논문 심사", "디펜스", "학위 수여식", "입사 시험", "인적성", "코딩 테스트", "코테",
     "유학", "어학연수", "교환학생", "장", "장보기", "비행기", "출발", "졸업", "게임", "휴학", "복학", "휴직", "복직", "워킹홀리데이", "워홀", "신혼여행", "가족 여행", "수학여행", "졸업여행"}
)
_EVENTS_LONGEST_FIRST = tuple(sorted(EVENTS, key=len, reverse=True))
NOTHING_PLANNED = frozenset({"약속", "일정", "계획", "스케줄"})
PLACE_EVENTS = MappingProxyType(
    {"학교": "등교", "회사": "출근", "병원": "병원 진료", "치과": "치과 진료", "학원": "학원", "도서관": "도서관",
     "헬스장": "헬스장", "교회": "교회", "성당": "성당", "독서실": "독서실", "본가": "본가 방문",
     "고향": "고향 방문", "시골": "시골 방문", "미용실": "미용실", "놀이공원": "놀이공원", "에버랜드": "에버랜드",
     "롯데월드": "롯데월드", "영화관": "영화", "찜질방": "찜질방", "수영장": "수영장", "카페": "카페",
     "캠핑장": "캠핑", "결혼식장": "결혼식", "장례식장": "장례식", "공항": "공항", "군대": "군대 입대", "댁": "댁 방문",
     "할머니댁": "할머니 댁 방문", "할아버지댁": "할아버지 댁 방문", "외가": "외가 방문", "친가": "친가 방문",
     "큰집": "큰집 방문", "시댁": "시댁 방문", "처가": "처가 방문", "백화점": "백화점", "마트": "마트"}
)
HOMES = frozenset({"기숙사", "자취방", "원룸", "고시원", "시골", "해외", "외국", "오피스텔", "아파트", "쉐어하우스"})
GO_VERB = re.compile(
    r"^(?:가|가요|갈|갈게|간다|감|가야|가야\s?돼|가기로|가는데|가거든|가려고|갔어|갔다|다녀와|다녀왔어|놀러|여행|출발|"
    r"내려가|내려갈|내려가요|내려가야|내려가기로|올라가|올라갈|올라가요|올라가기로|다녀올|들러|들를|갔다\s?올)"
)
MEET_VERB = re.compile(r"^만(?:나|나요|날|난다|나기로|나는데|나거든|나려고|났어|났다|나서)")
PLAY_VERB = re.compile(r"^놀(?:아|아요|기로|러|\s?거야|았어|았는데|려고)")

JOBS = frozenset(
    {"간호사", "의사", "개발자", "프로그래머", "교사", "선생님", "회사원", "직장인", "대학생", "고등학생", "중학생",
     "초등학생", "취준생", "대학원생", "디자이너", "공무원", "군인", "경찰", "소방관", "요리사", "셰프", "약사",
     "변호사", "학생", "알바생", "프리랜서", "연구원", "엔지니어", "자영업자", "주부", "유튜버", "작가", "기자",
     "회계사", "은행원", "승무원", "조종사", "치위생사", "물리치료사", "미용사", "바리스타", "사장", "사업가",
     "백수", "재수생", "수험생", "교수", "강사", "번역가", "마케터", "기획자", "데이터 분석가", "영양사",
     "보육교사", "사회복지사", "배우", "가수", "모델", "운동선수", "인턴", "신입사원", "직업군인", "트레이너",
     "세무사", "노무사", "치과위생사", "위생사", "간호조무사", "요양보호사", "보건교사", "건축가", "수의사", "한의사", "치과의사", "경찰관", "사서", "상담사", "임상병리사", "방사선사", "작업치료사", "웹디자이너", "일러스트레이터", "PD", "피디", "아나운서", "MD",
     "영업사원", "사무직", "생산직", "판매직", "매니저", "공시생", "임용고시생", "고시생", "전업주부", "직원",
     "웹툰 작가", "만화가", "작곡가", "피아노 선생님", "학원 강사", "과외 선생님", "박사과정",
     "석사과정", "연구직", "개발직", "기술직", "택배 기사", "운전기사", "제빵사", "파티시에", "플로리스트",
     "애널리스트", "컨설턴트", "세일즈", "퍼블리셔", "QA", "스타트업 대표", "대표", "CEO"}
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
     "냥이": "고양이", "댕댕이": "강아지", "멍멍이": "강아지", "개": "강아지", "도마뱀": "도마뱀", "새": "새",
     "말티즈": "말티즈", "푸들": "푸들", "포메": "포메라니안", "포메라니안": "포메라니안", "비숑": "비숑",
     "시바견": "시바견", "시바": "시바견", "진돗개": "진돗개", "웰시코기": "웰시코기", "코기": "웰시코기",
     "리트리버": "리트리버", "골든리트리버": "골든리트리버", "치와와": "치와와", "닥스훈트": "닥스훈트",
     "시츄": "시츄", "요크셔테리어": "요크셔테리어", "비글": "비글", "보더콜리": "보더콜리", "페르시안": "페르시안",
     "러시안블루": "러시안블루", "코숏": "코숏", "먼치킨": "먼치킨", "스코티시폴드": "스코티시폴드", "랙돌": "랙돌",
     "샴고양이": "샴고양이", "앵무": "앵무새", "구피": "구피", "열대어": "열대어", "고슴이": "고슴도치"}
)
MBTI_NICKNAMES = MappingProxyType(
    {"엔프피": "ENFP", "인프피": "INFP", "엔티제": "ENTJ", "인티제": "INTJ", "엔팁": "ENTP", "인팁": "INTP",
     "엔프제": "ENFJ", "인프제": "INFJ", "엣티제": "ESTJ", "잇티제": "ISTJ", "엣프피": "ESFP", "잇프피": "ISFP",
     "엣티피": "ESTP", "잇티피": "ISTP", "엣프제": "ESFJ", "잇프제": "ISFJ"}
)

_ADVERBS = (
    r"(?:(?:진짜|정말|너무|완전|엄청|제일|가장|되게|많이|특히|무척|진심|꽤|좀|조금|살짝|계속|자꾸|또|막|요즘|겁나|넘|별로|짱|"
    r"무지|디게|엄청나게|진짜로|정말로|레알|원래|항상|늘|그냥|사실|완전히|너무너무|진짜진짜|특히나)\s)*"
)
_END = r"(?=$|[\s!.~,?])"
_COPULA_END = r"(?:이야|야|이에요|예요|입니다|이거든|거든|인데|이라서|라서|이고|이지|이잖아|잖아|임|이다|다)?"
# After a schedule word: negations, wishes, requests and suggestions mean there is no plan to store.
_NOT_A_PLAN = re.compile(
    r"(?:^|\s)(?:안|못|전혀|하나도)(?:\s|$)|^안|않|없|아니|취소|싶|말까|미뤄|미뤘|연기됐|같이|줘|알려|뭐|[가-힣]자(?:\s|$)|[가-힣]래(?:\s|$)|"
    r"수도|지도\s?몰라|[을ㄹ]\s?듯|아마"
)


@dataclass(frozen=True)
class Fact:
    key: str
    value: str

    def item(self) -> str:
        return f"[{self.key}: {self.value}]"


Rule = Callable[[str], "Fact | None"]


# --- helpers ---------------------------------------------------------------------------------------


_LINK = re.compile(r"\S*(?:https?|www\.|://)\S*", re.I)


def _tidy(text: str) -> str:
    text = _LINK.sub(" ", text)  # a link is no memory (and the role's check refuses 'http' anyway)
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


def _pointed_at(clause: str, start: int) -> bool:
    """'그 영화 좋아해', '저 가수 싫어': a liking for one thing pointed at, not a taste."""
    return bool(re.search(r"(?:^|\s)(?:그|이|저|그런|이런|저런|그거|이거|저거|걔|쟤|얘)\s$", clause[:start]))


def _someone_else_is_subject(clause: str) -> bool:
    """'엄마가 감기 걸렸어': the news is about another person, not the user."""
    words = tokens(clause)
    for i, word in enumerate(words):
        stem = strip_particle(word)
        if stem in PEOPLE and word != stem and word[len(stem):] in ("가", "이", "는", "은", "도", "께서"):
            return True
        # '내 친구 민수는 의대 다녀': someone named after who they are
        if stem in PEOPLE and word == stem and i + 1 < len(words) and re.fullmatch(r"[가-힣]{2,3}(?:는|은|가|이)", words[i + 1]) \
                and name_like(re.sub(r"(?:는|은|가|이)$", "", words[i + 1])):
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


_BORN_ON = re.compile(
    r"(?:^|\s)(?:(?:나|난|저|전|나는|저는)\s)?(\d{1,2})\s?월\s?(?:(\d{1,2})\s?일\s?)?생(?:이야|이에요|임|이거든)?" + _END
)
_BIRTH_MONTH = re.compile(_OWNER + r"생일(?:은|이|는)?\s?(\d{1,2})\s?월(?:이야|야|이에요|이거든|임|달이야)?" + _END)
_BIRTHDAY_SOON = re.compile(_OWNER + r"생일(?:은|이|는)?\s(오늘|내일|모레|다음\s?주|이번\s?주|이번\s?주말|다음\s?달|이번\s?달|주말)"
                            r"(?:이야|야|이에요|이거든|임|이라서|인데)?" + _END)


def _birthday(clause: str) -> Fact | None:
    m = _BORN_ON.search(clause)
    if m and 1 <= int(m.group(1)) <= 12 and (m.group(2) is None or 1 <= int(m.group(2)) <= 31):
        return Fact("생일", f"{int(m.group(1))}월 {int(m.group(2))}일" if m.group(2) else f"{int(m.group(1))}월")
    m = _BIRTHDAY_SOON.search(clause)
    if m and m.group(1) in (None, "내", "제", "나의", "우리"):
        return Fact(_day_key(m.group(2)), "생일")
    m = _BIRTHDAY.search(clause)
    if not m:
        m = _BIRTH_MONTH.search(clause)
        if m and 1 <= int(m.group(2)) <= 12 and m.group(1) in (None, "내", "제", "나의", "우리"):
            return Fact("생일", f"{int(m.group(2))}월")
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
    r"(?:키워|키워요|키움|키우고\s?있어|키우거든|키운다|키우는데|키우고\s?있거든|키워서|있어|있거든|있는데)" + _END
)
_PETS_ALT = "|".join(sorted(PETS, key=len, reverse=True))
# a pet's name said with it: '몽실이라는 말티즈 키워', '우리집 고양이 치즈가 토했어', '우리 댕댕이 콩이 진짜 귀여워'
_PET_CALLED_NAME = re.compile(r"(?:^|\s)([가-힣A-Za-z]{1,6}?)(?:이)?라는\s(" + _PETS_ALT + r")(?:를|을)?\s")
_PET_NAMED_AFTER = re.compile(
    r"(?:^|\s)(?:우리\s?집|우리|내|울)\s(" + _PETS_ALT + r")\s([가-힣A-Za-z]{1,4}?)(가|는|도|랑|이가|이는|이도|이랑|이)(?=\s)")


_PET_BREED = re.compile(
    r"(?:^|\s)(?:우리\s?집\s|우리\s|내\s)(강아지|고양이|개|냥이)(?:는|가)?\s(" + "|".join(sorted(PETS, key=len, reverse=True))
    + r")(?:이야|야|이에요|예요|이거든|거든|임)" + _END
)


_PET_KEEPER = re.compile(r"(?:^|\s)(고양이|냥이|강아지|댕댕이|햄스터)\s?집사(?:야|이야|예요|임|거든|인데)" + _END)


def _pet(clause: str) -> Fact | None:
    m = _PET_CALLED_NAME.search(clause)
    if m and m.group(1) not in _NOT_NAMES and not known_noun(m.group(1)):
        raw = m.group(0).split("라는")[0].split()[-1]  # the name as said, its 이 kept ('몽실이')
        return Fact("반려동물", f"{PETS[m.group(2)]} {raw}")
    m = _PET_NAMED_AFTER.search(clause)
    if m:
        name = m.group(2) + ("이" if m.group(3).startswith("이") else "")
        thing_said = re.match(r"\s(?:다\s)?(?:없|있|필요|떨어|많|부족|남았|샀|사야)", clause[m.end():])  # '고양이 밥이 없어'
        if len(name) >= 2 and not known_noun(name) and name not in _NOT_NAMES and not _NOT_A_NAME_WORD.fullmatch(name) \
                and not _TIME_WORDS.match(name) and _NAME_SHAPE.fullmatch(name) and not thing_said:
            return Fact("반려동물", f"{PETS[m.group(1)]} {name}")
    m = _PET_NAME.search(clause)
    if m:
        name = strip_copula(m.group(2), keep_i=True)
        if name and name not in ("뭐", "뭐야", "뭔데") and re.fullmatch(r"[가-힣A-Za-z]{1,8}", name):
            return Fact("반려동물", f"{PETS[m.group(1)]} {name}")
        return None
    m = _PET_BREED.search(clause)
    if m and PETS[m.group(2)] not in ("강아지", "고양이") and m.group(2) not in ("새",):
        return Fact("반려동물", PETS[m.group(2)])
    m = _PET_KEEPER.search(clause)
    if m:
        return Fact("반려동물", PETS[m.group(1)])
    m = _PET_OWNED.search(clause)
    if m and not _negated_before(clause, m.start()):
        owns = re.search(r"키우|키워|키움", m.group(0)) or re.search(r"(?:^|\s)(?:우리\s?집|집에)", clause)
        if owns:
            return Fact("반려동물", PETS[m.group(1)])
    return None


_LIKE_EXPLICIT = re.compile(r"(좋아하는|싫어하는)\s(\S+?)(?:은|는|이|가)\s(.+)$")
_LIKE_VERB = re.compile(
    r"(?:^|\s)([가-힣A-Za-z0-9]+)\s(?:[가-힣]+(?:워서|어서|아서|해서)\s)?" + _ADVERBS + r"(안\s)?"
    r"(좋아해|좋아함|좋아하거든|좋아해요|좋아한다|좋아하는데|좋아|사랑해|싫어해|싫어함|싫어하거든|싫어하는데|싫어|싫음|"
    r"싫어요|별로야|못\s?먹어)" + _END
)


_LIKE_THING = re.compile(r"(좋아하는|싫어하는)\s(?:건|거는|것은|거)\s([가-힣A-Za-z]{1,10}?)" + _COPULA_END + "$")
_SINGER_SONGS = re.compile(
    r"(?:^|\s)([가-힣A-Za-z]{1,10})\s?(?:노래|음악|목소리|무대)(?:를|을|도)?\s" + _ADVERBS
    + r"(?:좋아해|좋아|좋아하거든|좋아함|좋아하는데|좋아해요|즐겨\s?들어|자주\s?들어|많이\s?들어)" + _END
)


# a favourite said as such: '민트초코 최애임', '최애 영화는 인터스텔라야', '마라탕 최고'
_FAVOURITE = re.compile(r"(?:^|\s)([가-힣A-Za-z0-9]{2,10})\s(최애|최고)(?:야|이야|임|다|지|예요|에요|입니다)?" + _END)
_FAVOURITE_NAMED = re.compile(r"(?:^|\s)(?:내\s|제\s)?최애\s?([가-힣]{1,4})?(?:는|은)\s([가-힣A-Za-z0-9]{1,12}?)" + _COPULA_END + "$")
# a thing said by what it is like: '추운 거 싫어해', '비 오는 날 좋아해', '매운 거 못 먹어'
_LIKE_PHRASE = re.compile(
    r"(?:^|\s)(?:(?:나|난|나는|저|저는|전)\s)?((?:[가-힣]+\s){0,2}[가-힣]*[는은운린던ㄴ]\s(?:거|것|날|때|사람))\s"
    + _ADVERBS + r"(좋아해|좋아함|좋아|싫어해|싫어함|싫어|못\s?먹어|못\s?먹음)" + _END)


def _favourite(clause: str) -> Fact | None:
    m = _FAVOURITE_NAMED.search(clause)
    if m:
        cat, thing = m.group(1), strip_copula(m.group(2))
        if thing and thing not in QUESTION_WORDS and not thing.startswith(("뭐", "누구")):
            return Fact(f"좋아하는 {cat if cat in CATEGORY_NOUNS else _category(thing) or '것'}", thing)
    m = _FAVOURITE.search(clause)
    if m:
        thing = strip_particle(m.group(1))
        if m.group(2) == "최고" and _category(thing) is None:
            return None  # '오늘 최고', '너 최고': praise, not a favourite
        if thing in FIRST_PERSON or thing in SECOND_PERSON or thing in ("로라", "오로라", "진짜", "완전", "역시", "내", "제") \
                or thing.startswith(("그거", "이거", "저거", "그것", "이것", "저것", "얘", "걔")):
            return None
        return Fact(f"좋아하는 {_category(thing) or '것'}", thing)
    m = _LIKE_PHRASE.search(clause)
    if m and not re.search(r"(?:^|\s)안\s|(?:^|\s)(?:네가|니가|너가|너|로라가?|오로라가?|그런|이런|저런)\s", m.group(0)):
        thing, verb = m.group(1), m.group(2)
        if verb.startswith("못"):
            return Fact("못 먹는 음식", thing)
        return Fact(f"{'좋아하는' if verb.startswith('좋아') else '싫어하는'} 것", thing)
    return None


def _likes(clause: str) -> Fact | None:
    fact = _favourite(clause)
    if fact is not None:
        return fact
    m = _LIKE_THING.search(clause)
    if m and not _states_nothing(clause):
        thing = strip_copula(m.group(2))
        if thing and _plain_noun(thing):
            return Fact(f"{m.group(1)} {_category(thing) or '것'}", thing)
        return None
    m = _SINGER_SONGS.search(clause)
    if m:
        singer = m.group(1)
        if _category(singer) == "가수" or (_plain_noun(singer) and not _category(singer) and singer not in HOBBIES):
            return Fact("좋아하는 가수", singer)
    m = _LIKE_EXPLICIT.search(clause)
    if m:
        cat = m.group(2)
        if cat in ("거", "것"):
            cat = "것"
        elif cat not in CATEGORY_NOUNS:
            return None
        value = strip_copula(m.group(3))
        if not value or any(q in value for q in ("뭐", "누구", "뭔지", "어떤")) or _NONE_VALUE.match(value):
            return None  # '좋아하는 음식은 딱히 없어': nothing to remember
        return Fact(f"{m.group(1)} {cat}", value)
    m = _LIKE_VERB.search(clause)
    if not m:
        return None
    obj = strip_particle(m.group(1))
    if _pointed_at(clause, m.start(1)):
        return None
    cat = _category(obj)
    if cat is None or obj in FIRST_PERSON:
        return None
    verb = m.group(3)
    if verb.startswith("못"):
        return Fact("못 먹는 음식", obj) if cat in ("음식", "음료") else None
    liked = verb.startswith(("좋아", "사랑")) and not m.group(2)
    if m.group(2):
        return None  # '오이 안 싫어해', '고양이 안 좋아해': a negation says what is not, which we do not store
    return Fact(f"{'좋아하는' if liked else '싫어하는'} {cat}", obj)


_NONE_VALUE = re.compile(r"(?:없|딱히|별로\s?없|몰라|모르|아직)")
_JOB_WORDS = "|".join(sorted(JOBS, key=len, reverse=True))
_JOB_COPULA = (
    r"(?:이야|야|이에요|예요|입니다|임|이거든|거든|인데|이라서|라서|이고|이라|으로\s일해|로\s일해|로\s일하고\s있어|"
    r"\s?\d+\s?년차야?)"
)
_JOB = re.compile(r"(?:^|\s)(?:나|난|나는|저는|저|내가|제가)\s(?:(\S+)\s)?(" + _JOB_WORDS + r")" + _JOB_COPULA + _END)
_JOB_ALONE = re.compile(r"^(?:(\S+)\s)?(" + _JOB_WORDS + r")" + _JOB_COPULA + r"$")
_JOB_PLACE = re.compile(r"(?:학교|학원|병원|회사|유치원|어린이집|은행|대학|[중고초])$")
_JOB_NAMED = re.compile(r"(?:내\s|제\s)?직업(?:은|이)\s(\S+)$")
_PART_TIME = re.compile(r"(?:^|\s)([가-힣]{2,6})(?:에서)?\s(?:(야간|주말|평일|새벽|오전|오후|단기|심야)\s?)?알바\s?(?:해|하고\s?있어|하거든|중이야|해요|함|하는데|뛰어|뛰고\s?있어)" + _END)
_OFFICE = re.compile(r"(?:^|\s)(?:나|난|나는|저는|저)\s(?:(\S+)\s)?회사\s?(?:다녀|다니고\s있어|다니거든|다니는데|다녀요)" + _END)
_SCHOOL = re.compile(
    r"(?:^|\s)([가-힣A-Za-z]+(?:대학교|대학|대|고등학교|고|중학교|중|초등학교|초|대학원))\s?(?:에\s?)?"
    r"(?:다녀|다녀요|다니고\s?있어|다니거든|다니는데|다님|학생이야|학생이에요|생이야|재학\s?중이야|재학중이야|다니는\s중이야)" + _END
)
_MAJOR_ALT = "|".join(sorted(("컴공", "전전", "경영", "경제", "국문과", "영문과", "간호과", "기계과", "전자과"), key=len, reverse=True))
_GRAD_SCHOOL = re.compile(r"(?:^|\s)(대학원|대학교|대학|고등학교|중학교|학교)\s?(?:에\s?)?(?:다녀|다녀요|다니고\s?있어|다니거든|다니는데|다님)" + _END)
_CLUB = re.compile(
    r"(?:^|\s)(?:(?:동아리|동아리는|동아리가)\s([가-힣A-Za-z]{1,8}?)(?:야|이야|이에요|예요|해|하고\s?있어)|"
    r"([가-힣A-Za-z]{1,8})\s?동아리\s?(?:야|이야|해|하고\s?있어|들었어|활동\s?해|에\s?있어))" + _END
)
_GRADE = re.compile(
    r"(?:^|\s)((?:고|중|초)\s?[1-6]|(?:대학교\s|대학\s|고등학교\s|중학교\s)?[1-6]학년|\d{2}학번)"
    r"(?:이야|야|이에요|예요|이거든|거든|인데|이라서|라서|이고|이라|임|된다|됐어|이\s?됐어|(?=$))" + _END
)


def _job(clause: str) -> Fact | None:
    m = _JOB.search(clause)
    if m:
        where = m.group(1)
        if where and (where in JOBS or _JOB_PLACE.search(where)) and where not in FIRST_PERSON:
            return Fact("직업", f"{where} {m.group(2)}")
        return Fact("직업", m.group(2))
    m = _JOB_ALONE.search(clause)
    if m and m.group(1) in ("이제", "지금", "현재", "요즘", "드디어", "이제는", "원래"):
        return Fact("직업", m.group(2))  # '이제 공무원이야'
    if m and (m.group(1) is None or _JOB_PLACE.search(m.group(1))):  # '초등학교 선생님이에요'
        return Fact("직업", f"{m.group(1)} {m.group(2)}" if m.group(1) else m.group(2))
    m = _JOB_NAMED.search(clause)
    if m:
        value = strip_copula(m.group(1))
        if value in JOBS:
            return Fact("직업", value)
    m = _PART_TIME.search(clause)
    if m and strip_particle(m.group(1)) not in FIRST_PERSON and not _negated_before(clause, m.start(1)):
        place = strip_particle(m.group(1))
        if place not in QUESTION_WORDS and place not in ("오늘", "내일", "요즘", "주말", "모레", "어제"):
            return Fact("직업", f"{place} {m.group(2) + ' ' if m.group(2) else ''}알바")
    m = _OFFICE.search(clause)
    if m:
        kind = m.group(1)
        if kind and re.fullmatch(r"[가-힣A-Za-z]{1,8}", kind) and kind not in _FILLERS and kind not in ("그냥", "작은", "큰"):
            return Fact("직장", f"{kind} 회사")
        return Fact("직업", "회사원")
    return None


def _school(clause: str) -> Fact | None:
    m = _GRADE.search(clause)
    if m:
        grade = re.sub(r"^(고|중|초)\s", r"\1", m.group(1))
        major = re.search(r"(?:^|\s)(" + _MAJOR_ALT + r"|[가-힣]{2,8}(?:학과|과))\s$", clause[: m.start(1)])
        if major and grade.endswith("학년"):
            grade = f"{major.group(1)} {grade}"  # '나 컴공 3학년이야': the major too
        return Fact("학번" if grade.endswith("학번") else "학년", grade)
    m = _SCHOOL.search(clause)
    if m and (len(m.group(1)) > 2 or not m.group(1).endswith(("고", "중", "초", "대"))
              or facts_reader.bare_noun(m.group(1))):  # '필카 들고 다녀' is no school
        before = re.search(r"(?:^|\s)([가-힣]{1,6}대)\s$", clause[: m.start(1) + 1])
        return Fact("학교", f"{before.group(1)} {m.group(1)}" if before else m.group(1))  # '홍대 미대생이에요'
    m = _GRAD_SCHOOL.search(clause)
    if m and not _negated_before(clause, m.start(1)) and not _someone_else_is_subject(clause):
        return Fact("학교", m.group(1))
    m = _CLUB.search(clause)
    if m:
        club = m.group(1) or m.group(2)
        if club and club not in FIRST_PERSON and not club.startswith(("무슨", "뭐", "어떤")):
            return Fact("동아리", club)
    return None


_LIVE = re.compile(
    r"(?:^|\s)([가-힣A-Za-z]+)\s(?:(?:혼자|가족이랑|부모님이랑|친구랑|같이)\s)?"
    r"(?:살아|살고\s?있어|사는데|살거든|살아요|삽니다|사는\s중이야|살아서|살고\s있거든|거주해|거주\s중이야)" + _END
)
_LIVE_NAMED = re.compile(r"(?:사는\s?(?:곳|데|동네)(?:은|는|가)|(?:^|\s)(?:우리\s|내\s)?(?:집|자취방|원룸|기숙사|자취집)(?:은|이))"
                         r"\s(\S+)$")
_MOVED = re.compile(r"(?:^|\s)([가-힣]+?)(?:으로|로)\s이사\s?(?:했어|왔어|했거든|했는데|온\s지)")
_FROM = re.compile(r"(?:^|\s)(?:(?:나|난|나는|저는|저|고향은?|고향이)\s(?:원래\s|사실\s|원래는\s)?|^)([가-힣]+)\s?"
                   r"(?:출신이야|출신이에요|출신임|출신|사람이야|사람임|사람|토박이야|토박이에요|토박이임|토박이)" + _END)


def _is_place(word: str) -> bool:
    return word in PLACES or word in HOMES or (len(word) >= 2 and word[-1] in "시도구군동읍면" and word not in PEOPLE)


_NOT_PLACES = frozenset(
    {"여기", "거기", "저기", "근처", "이", "그", "저", "요즘", "요새", "지금", "그냥", "대충", "막", "열심히", "재밌게",
     "행복하게", "즐겁게", "힘들게", "오래", "계속", "아직", "평생", "혼자", "같이", "함께", "잘", "못", "겨우", "간신히",
     "집", "병원", "회사", "학교", "동네", "이번", "그때", "어릴", "어렸을", "원래", "쭉", "여태", "지금껏", "다시"}
)


def _place_like(word: str) -> bool:
    """A bare 2–4 syllable noun where only a place fits ('나 오산 살아', '상주에서 태어났어')."""
    return (
        bool(re.fullmatch(r"[가-힣]{2,4}", word))
        and word not in _NOT_PLACES and word not in FIRST_PERSON and word not in PEOPLE and word not in FAMILY
        and word not in QUESTION_WORDS and not word.startswith(("어디", "뭐"))
        and not word.endswith(("게", "히", "이", "로", "서", "고", "면", "때"))
        and not _is_day_word(word) and not known_noun(word) or word in PLACES
    )


def _residence(clause: str) -> Fact | None:
    m = _LIVE.search(clause)
    if m:
        place = strip_particle(m.group(1))
        raw = m.group(1)
        if place in FIRST_PERSON or place in ("혼자", "같이", "잘", "열심히", "재밌게", "오래", "행복하게"):
            return None
        if _is_place(place) or (raw != place and raw.endswith(("에", "에서")) and len(place) >= 2):
            return Fact("사는 곳", place)
        if raw == place and _place_like(place):  # '나 오산 살아': a bare noun before 살아 names a place
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
    if m and _is_place(m.group(1)) and not re.match(r"\s?(?:아니|아냐|아님|아닌)", clause[m.end():]):
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


_FORECAST = re.compile(r"(?:온대|온대요|온다던데|온다더라|올\s?거래|분대|덥대|춥대|흐리대|맑대)$")


def _weather(clause: str) -> Fact | None:
    if _FORECAST.search(clause) or re.search(r"(?:^|\s)(?:요즘|요새)(?:\s|$)", clause):
        return None  # '내일 비 온대', '요즘 날씨 덥다': forecasts and the season, not the user's weather now
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
    r"눈병|결막염|중이염|인후염|편도염|목감기|코감기|몸살감기|감기몸살|치통|복통|요통|근육통|위경련|역류성\s?식도염|"
    r"아토피|천식|변비|대상포진|수족구|독감|허리\s디스크|목\s디스크|공황장애|우울증|불안장애|이석증|족저근막염|"
    r"손목터널증후군|거북목|안구건조증|두드러기|체기|임신)(?:에|이|가)?\s?"
    r"(?:걸렸|걸려서|걸린|걸려|기운|났|나서|있어|심해|때문에|이야|야|인\s?것\s?같|인가\s?봐|도졌|와서|확진|양성|증상|했어|\s?중이야)"
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
    ("우울함", r"우울(?:해|하다|하네|한데|해서|했어|함|하거든|해요|한\s?(?:것\s?)?같아|한\s?듯)"),
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
    ("불안함", r"불안(?:해|하다|하네|한데|해서|했어|하거든|한\s?(?:것\s?)?같아)"),
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
    ("기분 나쁨", r"기분(?:이)?\s" + _ADVERBS + r"(?:안\s?좋아|별로야|별로|나빠|꿀꿀해|더러워|꿀꿀하네|안\s?좋네)"),
    ("기분 좋음", r"기분(?:이)?\s" + _ADVERBS + r"(?:좋아|좋다|좋네|좋은데|최고|최고야|짱이야)"),
    ("수면 부족", r"(?:잠(?:을|이)?\s?(?:못\s?잤|못\s?자|설쳤|한숨도\s못|안\s?와)|밤새웠|밤샜|밤을\s새)"),
    ("멘붕", r"멘붕"),
    ("체중 증가", r"(?:살(?:이)?\s?(?:쪘어|쪘거든|쪘는데|쪄서|찌고\s있어)|살쪘어)"),
    ("체중 감소", r"(?:살(?:이)?\s?(?:빠졌어|빠졌거든|빠졌는데|빠져서))"),
    ("합격", r"(?:합격했어|합격했거든|붙었어|합격이야)"),
    ("홀가분함", r"홀가분(?:해|하다|하네|한데|해서|했어|함|하거든)"),
    ("허전함", r"허전(?:해|하다|하네|한데|해서|했어)"),
    ("막막함", r"막막(?:해|하다|하네|한데|해서|했어)"),
    ("서운함", r"서운(?:해|하다|하네|한데|해서|했어)"),
    ("억울함", r"억울(?:해|하다|하네|한데|해서|했어)"),
    ("초조함", r"초조(?:해|하다|하네|한데|해서|했어)"),
    ("무기력함", r"무기력(?:해|하다|하네|한데|해서|했어|함)"),
    ("지루함", r"(?:지루해|지루하다|지루하네|지루한데|지루해서)"),
    ("괴로움", r"(?:괴로워|괴롭다|괴롭네|괴로운데|괴로워서)"),
    ("울적함", r"울적(?:해|하다|하네|한데|해서)"),
    ("창피함", r"(?:창피해|창피하다|쪽팔려|민망해)"),
    ("후회됨", r"후회(?:돼|된다|되네|되는데|돼서|스러워)"),
    ("두려움", r"(?:두려워|두렵다|두렵네|두려운데)"),
    ("편안함", r"편안(?:해|하다|하네|한데)"),
    ("번아웃", r"번아웃(?:이야|이\s?왔어|\s?왔어|\s?온\s?것\s?같아|\s?온\s?듯|\s?같아|\s?상태야|\s?와서)"),
    ("다이어트 중", r"다이어트\s?(?:중이야|중이거든|중이라|하는\s?중이야|중|해|하고\s?있어|하는데|하거든|해서|하느라)"),
    ("금연 중", r"금연\s?(?:중이야|중이거든|중|하고\s?있어)"),
    ("휴학 중", r"휴학\s?(?:중이야|중이거든|중|했어|하고\s?있어)"),
    ("시험 기간", r"시험\s?기간(?:이야|이라|이거든|이라서)"),
    ("영어 공부 중", r"(?<![가-힣])영어\s?공부\s?(?:해|하고\s?있어|중이야|중|하거든)"),
    ("일본어 공부 중", r"(?<![가-힣])일본어\s?공부\s?(?:해|하고\s?있어|중이야|중|하거든)"),
    ("중국어 공부 중", r"(?<![가-힣])중국어\s?공부\s?(?:해|하고\s?있어|중이야|중|하거든)"),
    ("코딩 공부 중", r"(?<![가-힣])코딩\s?공부\s?(?:해|하고\s?있어|중이야|중|하거든)"),
    ("취업 준비 중", r"(?:취업|취준|구직)\s?(?:준비\s?)?(?:중이야|중이거든|하고\s?있어|준비해)"),
    ("감동", r"감동(?:이야|받았어|했어|먹었어)"),
)
_STATE_PATTERNS = tuple((value, re.compile(pattern + _END)) for value, pattern in _STATES)


_PREPARING = re.compile(
    r"(?:^|\s)((?:[가-힣A-Za-z]{1,6}\s)?[가-힣A-Za-z]{1,6}?)(?:을|를)?\s?(?:준비\s?중이야|준비\s?중이거든|준비\s?중|준비하고\s?있어|"
    r"준비하는\s?중이야|준비해)" + _END
)
_LIVING_ALONE = re.compile(r"(?:^|\s)(?:([가-힣]{2,6})(?:에서)\s)?자취\s?(?:해|하고\s?있어|중이야|하거든|하는데|해요|생이야)" + _END)


def _state(clause: str) -> Fact | None:
    if _someone_else_is_subject(clause):
        return None
    m = _LIVING_ALONE.search(clause)
    if m and not _negated_before(clause, m.start()):
        return Fact("사는 곳", f"{m.group(1)} 자취" if m.group(1) and _is_place(m.group(1)) else "자취")
    m = _PREPARING.search(clause)
    if m and not _DAY.search(clause):
        goal = " ".join(w for w in m.group(1).split() if w not in FIRST_PERSON and w not in _FILLERS)
        if goal and (goal.split()[-1] in EVENTS or goal.endswith(("시험", "고시", "취업", "이직", "유학", "결혼", "수능"))):
            return Fact("상태", f"{goal} 준비 중")
    said = [(m, value) for value, pattern in _STATE_PATTERNS if (m := pattern.search(clause))]
    if said:
        m, value = min(said, key=lambda found: found[0].start())  # the feeling said first ('불안해서 손이 떨려')
        if _negated_before(clause, m.start()) or _negated_after(clause, m.end()):
            return None
        return Fact("상태", value)
    return None


_DAY = re.compile(
    r"(?:^|\s)((?:다음\s?주|담주|이번\s?주)\s?[월화수목금토일]요일|[월화수목금토일]요일|내일\s?모레|낼\s?모레|모레|"
    r"\d{1,2}\s?월\s?\d{1,2}\s?일|이번\s?주말|다음\s?주말|담주\s?주말|주말|다다음\s?주|다음\s?주|담주|이번\s?주|다음\s?달|"
    r"담달|이번\s?달|내년|올해|오늘|이따가?|내일|낼|어제|곧|연휴|방학|추석|설날|크리스마스|연말|다음\s?학기|\d{1,2}\s?월(?!\s?\d))"
    r"(?:에는|에도|에|은|는|엔|도|부터|까지|때|날|이|가)?(?=\s|$)"
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


_DAY_NAMES = MappingProxyType(
    {"이따": "오늘", "이따가": "오늘", "낼": "내일", "내일모레": "모레", "낼모레": "모레", "이번주말": "주말",
     "다음주말": "다음 주말", "담주주말": "다음 주말", "다음주": "다음 주", "담주": "다음 주", "다다음주": "다다음 주",
     "이번주": "이번 주", "다음달": "다음 달", "담달": "다음 달", "이번달": "이번 달", "다음학기": "다음 학기"}
)


def _day_name(day: str) -> str:
    """'다음주' → '다음 주', '낼' → '내일', '3월5일' → '3월 5일', '이번 주 토요일' → '토요일'."""
    day = re.sub(r"\s", "", day)
    m = re.fullmatch(r"(다음주|담주|이번주)?([월화수목금토일]요일)", day)
    if m:
        return f"다음 주 {m.group(2)}" if m.group(1) in ("다음주", "담주") else m.group(2)
    m = re.fullmatch(r"(\d{1,2})월(\d{1,2})일", day)
    if m:
        return f"{int(m.group(1))}월 {int(m.group(2))}일"
    return _DAY_NAMES.get(day, day)


def _day_key(day: str) -> str:
    return f"{_day_name(day)} 일정"


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


def _is_day_word(word: str) -> bool:
    m = _DAY.match(word)
    return m is not None and m.end() == len(word)


def _bare_noun(word: str) -> bool:
    return (
        word not in _FILLERS
        and strip_particle(word) == word
        and not word.endswith(("한", "는", "던", "할", "될", "운", "은", "인", "게", "고", "서", "면", "어", "요", "다", "네",
                               "지", "해", "았", "었"))
        and not _TIME_WORDS.match(word)
        and not _is_day_word(word)
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
    start = 0  # where the words of the current day begin ('오늘 힘들었어 내일 면접이거든': the 내일 one)
    for i, word in enumerate(words):
        if _is_day_word(word):
            key, start = _day_key(_DAY.match(word).group(1)), i + 1
            continue
        found = None if word in PLACES or word in PARTICLE_LIKE_NOUNS - EVENTS else _event_in(word)
        if found:
            head, suffix = found
            while not suffix and i + 1 < len(words):  # '친구 생일 파티': the last event noun leads
                following = _event_in(words[i + 1])
                if following is None:
                    break
                i += 1
                head, suffix = following
            after = words[i + 1 : i + 3]
            if after and _DONE_VERB.fullmatch(after[0]):
                after = after[:1]  # '시험 봄 ㅅㅂ 하나도 안 함': what follows the plan is about something else
            tail = " ".join([suffix, *after])
            if _NOT_A_PLAN.search(tail):
                return None  # '내일 시험 없어', '약속 없어': what is not planned is not stored
            if head in NOTHING_PLANNED and head != "약속":
                if "있" not in tail:
                    return None  # '주말 계획 세워야지': no plan yet
                head = "일정 있음"
            modifiers: list[str] = []
            for prev in reversed(words[max(start, i - 3) : i]):
                if not _bare_noun(prev):
                    break
                modifiers.insert(0, prev)
            event = " ".join([*modifiers, head])
            whose = [w for w in before[-2:] if w in FAMILY or w in _RELATIONS]
            if whose and not modifiers and len(event) < 8:
                event = f"{whose[-1]} {event}"  # '우리 언니 오늘 결혼해': the sister's wedding is the user's day
            friend = _companion(before + words[:i])
            return Fact(key, f"{with_particle(friend, '와/과')} {event}" if friend else event)
        stem = strip_particle(word)
        rest = " ".join(words[i + 1 : i + 4])
        if stem in PLACE_EVENTS or stem in PLACES:
            go = GO_VERB.match(rest)
            if go and not _NOT_A_PLAN.search(rest):
                if stem == "댁" and i > 0 and strip_particle(words[i - 1]) in FAMILY | PEOPLE:
                    return Fact(key, f"{strip_particle(words[i - 1])} 댁 방문")
                if stem in PLACE_EVENTS:
                    return Fact(key, PLACE_EVENTS[stem])
                return Fact(key, f"{stem} 여행" if re.search(r"놀러|여행", rest) else f"{stem} 방문")
        if stem in PEOPLE and MEET_VERB.match(rest) and not _NOT_A_PLAN.search(rest):
            return Fact(key, f"{stem} 만남")
        friend = _companion([word])
        if friend and PLAY_VERB.match(rest) and not _NOT_A_PLAN.search(rest):
            return Fact(key, f"{with_particle(friend, '와/과')} 놀기")
        if i > start and _PLAN_VERB.fullmatch(word) and not _NOT_A_PLAN.search(" ".join(words[i:i + 3])):
            nouns: list[str] = []  # '친구들이랑 롤 내전 함', '삼겹살 먹기로 함', '운전면허 딸 거야'
            for prev in reversed(words[start:i]):
                if len(nouns) == 2 or not facts_reader.bare_noun(prev) or prev in PEOPLE:
                    break
                nouns.insert(0, prev)
            if nouns:
                friend = _companion(before + words[:i])
                event = " ".join(nouns)
                return Fact(key, f"{with_particle(friend, '와/과')} {event}" if friend else event)
    return None


# a predicate that ends the plan's words ('시험 봄')
_DONE_VERB = re.compile(r"(?:봄|봐|본다|함|해|감|가|간다|있음|있어|잡힘|잡혔어)[!.~]*")
# the verb of a plan said with a bare noun ('롤 내전 함', '삼겹살 먹기로 함', '운전면허 딸 거야')
_PLAN_VERB = re.compile(r"(?:함|할\s?거야|할\s?예정|하기로|하러|먹기로|먹으러|먹을\s?거야|보기로|보러|볼\s?거야|봄|"
                        r"딸\s?거야|따러|따기로|배우러|배우기로|찍으러|찍기로)[!.~]*")


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


# --- who the user is: name, age, major, work, family, origin, moves ----------------------------------------

SURNAMES = frozenset("김이박최정강조윤장임한오서신권황안송류유홍전고문양손배백허남심노하곽성차주우구민진나엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용")
# Words that are never a name the user gives themselves ('나 학생이야', '이름이 뭐가 중요해').
_NOT_NAMES = frozenset(
    {"뭐", "뭔데", "뭐였지", "뭐였더라", "누구", "비밀", "기억", "몰라", "예뻐", "예쁘다", "특이해", "흔해", "여기",
     "거기", "이거", "그거", "저거", "그냥", "진짜", "아니", "아마", "혹시", "무슨", "어떤", "같은", "똑같아", "사람",
     "학생", "남자", "여자", "애", "막내", "첫째", "둘째", "셋째", "외동", "장녀", "장남", "백수", "나", "너", "저",
     "로라", "오로라", "우리", "그래", "이름", "본명", "별명", "닉네임", "가명", "그대로", "좀", "다", "한국", "외자"}
)
_NAME_SHAPE = re.compile(r"[가-힣]{1,4}|[A-Za-z][A-Za-z\-]{0,15}")
_NAME_END = (r"(?:이에요|이야|이얌|이고요|이구요|인데요|이구|이고|인데|이거든|이라고\s?해|이라고\s?합니다|이라고\s?해요|이라고|이라구|라고\s?해|"
             r"라고\s?합니다|라고\s?해요|라고|라구|입니다|예요|에요|야|얌|임)?")
# the same ending, said: a name followed by its copula may be followed by anything ('서하에요 기억해주세요')
_NAME_SAID = (r"(?:이에요|이야|이얌|이고요|이구요|인데요|이구|이고|인데|이거든|이라고|이라구|라고|라구|입니다|예요|에요|야|얌|임)"
              r"(?=$|[\s!.~,])")
_GREETING_TAIL = (
    r"(?:\s(?:반가워|반가워요|반갑다|반갑습니다|잘\s?부탁해|잘\s?부탁해요|잘\s?부탁드려요|잘\s?부탁드립니다))?$"
)
_OWNED_NAME = re.compile(r"(?:^|\s)(?:(\S+)\s)?이름(?:은|이|는)?\s(\S+?)" + _NAME_END + _GREETING_TAIL)
_OWNED_NAME_SAID = re.compile(r"(?:^|\s)(?:(\S+)\s)?이름(?:은|이|는)?\s([가-힣A-Za-z]+?)" + _NAME_SAID)
# words before 이름 that keep it the speaker's own ('엄마는 나 막내라고 부르는데 진짜 이름은 소율이야')
_OWN_NAME_WORDS = frozenset({"진짜", "원래", "실제", "본", "정식", "진짜로", "원래는", "본명", "영어", "한국", "한글", "예명",
                             "세례명"})
_REAL_NAME = re.compile(r"(?<![가-힣])본명(?=은|는|이|\s|$)")
# '(내) 이름 알려줄게 윤서야': the name said after a word of telling
_NAME_TOLD = re.compile(r"(?:^|\s)(?:(\S+)\s)?이름(?:을|은)?\s(?:알려\s?줄게|알려\s?줄께|말해\s?줄게|말해\s?줄께|공개)\s"
                        r"([가-힣]{2,4}?)(이야|야|이에요|예요|에요|임|입니다)$")
# verbs said of a name: never the name itself ('앵무새가 내 이름 부름', '내 이름 까먹었어')
_NAME_VERBS = re.compile(r"^(?:부름|불러|부르는|부르면|불렀|부르더|까먹|잊어|잊었|몰라|모름|기억|알아|알려|말해|말할|물어|"
                         r"틀렸|틀려|헷갈|바꿨|바꿀|지어)")
_NICKNAME = re.compile(r"(?<![가-힣])(?:닉네임|별명|애칭)(?=은|는|이|가|\s|$)")
_CALLED = re.compile(
    r"(?:^|\s)([가-힣A-Za-z]{1,5}?)(이)?라[고구]?\s?(?:해|해요|합니다|하는데|하고|불러\s?줘|불러줘|불러\s?주라|불러|불러도\s?돼|"
    r"부르면\s?돼|부르면\s?됨|불러주면\s?돼|불러\s?주세요|불려|불림|불린다|불리는데|불리거든|불러요)" + _END
)
_INTRODUCED = re.compile(
    r"(?:^|\s)(나는|난|저는|전|나|저|제가|내가)?\s?([가-힣]{2,4}?)(이에요|이야|이얌|입니다|예요|에요|야|얌|임|이고|이거든)?"
    r"(?:\s(?:반가워|반가워요|반갑다|반갑습니다|잘\s?부탁해|잘\s?부탁해요|잘\s?부탁드려요|잘\s?부탁드립니다))?$"
)
_POSSESSIVE = frozenset({"내", "제", "나의", "저의", "우리"})
_FAMILY_KEYS = MappingProxyType(
    {"남친": "남자친구", "여친": "여자친구", "애인": "연인", "남자친구": "남자친구", "여자친구": "여자친구",
     "어머니": "엄마", "아버지": "아빠", "베프": "친구", "절친": "친구"}
)
FAMILY = frozenset(
    {"엄마", "아빠", "어머니", "아버지", "언니", "오빠", "누나", "형", "동생", "여동생", "남동생", "할머니", "할아버지",
     "남편", "아내", "와이프", "딸", "아들", "남친", "여친", "남자친구", "여자친구", "애인", "쌍둥이"}
)


_PEOPLE_KEY_WORDS = KEY_FAMILIES["people"]
# the people whose name or presence the fallback reader keeps ('남동생 준호가', '썸남이 있는데')
_RELATIONS = FAMILY | frozenset({"베프", "절친", "룸메", "룸메이트", "썸남", "썸녀", "조카", "사촌", "동기", "선배", "후배"})


def _person_key(word: str) -> str:
    """The memory key for someone around the user, built on a people key word so that recall finds it:
    '남친' → '남자친구', '애인' → '연인', '할머니' → '가족 할머니', '여동생' → '여동생'."""
    word = _FAMILY_KEYS.get(word, word)
    if any(k in word for k in _PEOPLE_KEY_WORDS):
        return word
    if word in FAMILY or word in ("부모님", "사촌", "조카", "삼촌", "이모", "고모", "외삼촌"):
        return f"가족 {word}"
    return f"친구 {word}" if word in ("룸메", "룸메이트", "동기", "선배", "후배", "썸남", "썸녀") else word


def _name_value(raw: str) -> str | None:
    """'민준이야' → '민준', '서연이라고' → '서연' (a given name's 이 after a 받침 is not part of it)."""
    word = re.sub(_NAME_END + "$", "", raw) or raw
    if word.endswith("이") and len(word) >= 3 and has_batchim(word[-2]) and word not in PARTICLE_LIKE_NOUNS:
        word = word[:-1]  # '서연이' (the friendly form) → '서연'
    if not _NAME_SHAPE.fullmatch(word) or word in _NOT_NAMES or known_noun(word) or word in QUESTION_WORDS:
        return None
    if re.match(r"(?:열|스물|스무|서른|마흔|쉰|예순)", word) or word in HOBBIES or _category(word) is not None:
        return None  # '저는 서른둘이에요' is an age
    if _NAME_VERBS.match(word):
        return None
    if word.startswith(("뭐", "뭔", "머", "누구", "어디", "몇")) or word.endswith(("다", "해", "어", "까", "니", "냐")) \
            or word.endswith(("줘", "봐", "게", "요", "래")):  # '내 이름 불러줘', '말해봐', '뭐게'
        return None
    return word


def _owner_of(word: str | None, context: str | None) -> str | None:
    """Whose name a clause gives: 'user', a pet kind, a person word, or None (someone we do not store)."""
    if word is None or word in _POSSESSIVE or strip_particle(word) in FIRST_PERSON:
        return context or "user"
    stem = strip_particle(word).removesuffix("의")
    if stem in PETS:
        return "pet:" + PETS[stem]
    if stem in PEOPLE or stem in FAMILY:
        return "person:" + _FAMILY_KEYS.get(stem, stem)
    return None


def _named(owner: str, name: str) -> Fact:
    if owner.startswith("pet:"):
        return Fact("반려동물", f"{owner[4:]} {name}")
    if owner.startswith("person:"):
        return Fact(_person_key(owner[7:]), name)
    return Fact("이름", name)


# Syllables common in Korean given names: a bare two-syllable word after '나' is taken for a name only
# when both of its syllables are here and the user is introducing themselves ('안녕 나 지수야 반가워').
_NAME_SYLLABLES = frozenset(
    "민준서연지수하윤은도현우예유진채원아영주혜나희재성호태승동정경미소다시세가이린율건훈석용혁빈규환인선효"
    "라리별솔한결온담해로람름봄새슬찬웅범철상진명수숙순옥자남열형병기광종찬창안후완겸려설란운휘욱산강랑"
)
_GREETING = re.compile(r"안녕|반가워|반갑|처음\s?뵙|처음이야|잘\s?부탁|소개")
_GREETING_WORDS = re.compile(r"(?:안녕|안녕하세요|안녕하십니까|안녕~|하이|ㅎㅇ|처음\s?뵙겠습니다|반가워|반가워요|반갑습니다)"
                             r"(?:[\s,!.~]+(?:로라야|로라|오로라|로라님))?")


def _name_owner(clause: str, start: int, word: str | None, context: str | None) -> str | None:
    """Whose name '… 이름은 X' gives: the word before 이름, else the pet or person the clause (or an
    earlier clause) mentioned, else the user's own when nothing comes before it."""
    if word is not None and re.fullmatch(r"[가-힣]씨(?:고|이고|인데|예요|이고요)", word):
        return "user"  # '성은 이씨고 이름은 하은이에요'
    if word is not None and (word in _POSSESSIVE or strip_particle(word) in FIRST_PERSON or word in _OWN_NAME_WORDS
                             or _GREETING_WORDS.fullmatch(word)):
        return "user"  # '안녕하세요 이름은 김나연이고요
    if word is not None:
        owner = _owner_of(word, None)
        if owner not in (None, "user"):
            return owner
        if re.fullmatch(r"(?:너|네|니|너의|로라|로라의|오로라|오로라의)", word):
            return None
        for earlier in reversed(tokens(clause[:start])):
            owner = _owner_of(earlier, None)
            if owner not in (None, "user") and not earlier.startswith(("그", "걔")):
                return owner
        return context if context not in (None, "user") else None
    return context or "user"


def _name(clause: str, context: str | None = None, greeted: bool = False) -> Fact | None:
    clause = _NICKNAME.sub("이름", clause)  # '내 닉네임은 감자야', '별명이 뚱이야': what to call them
    clause = _REAL_NAME.sub("본 이름", clause)  # '본명은 주현이': the user's own
    m = _NAME_TOLD.search(clause)
    if m and not re.search(r"(?:^|\s)(?:너|네|니|로라|오로라)", clause) and \
            _name_owner(clause, m.start(), m.group(1), context) == "user":
        name = _name_value(m.group(2) + m.group(3))
        if name is not None:
            return Fact("이름", name)  # '본명 알려줄게 윤서야'
    m = _OWNED_NAME.search(clause) or _OWNED_NAME_SAID.search(clause)
    if m:
        owner = _name_owner(clause, m.start(), m.group(1), context)
        if owner is not None and owner.startswith("pet:"):  # pets keep their 이 ('콩이야' → '콩이') and may be foods
            raw = strip_copula(m.group(0).split()[-1], keep_i=True)
            name = raw if _NAME_SHAPE.fullmatch(raw) and raw not in _NOT_NAMES and not raw.startswith("뭐") else None
        else:
            name = _name_value(m.group(2))
        if owner is None or name is None or re.search(r"(?:^|\s)(?:너|네|니|로라|오로라)", clause[: m.start(2)]):
            return None
        return _named(owner, name)
    m = _CALLED.search(clause)
    me, _ = person_address(clause)
    everyone = re.search(r"(?:^|\s)(?:다들|다|사람들(?:은|이)?|친구들(?:은|이)?|애들(?:은|이)?|주변에서|남들(?:은|이)?)\s", clause)
    if m and (me or everyone or not _someone_else_is_subject(clause)) \
            and not re.search(r"(?:^|\s)(?:너|널|너를|로라)", clause):
        stem = m.group(1)
        if m.group(2) and not has_batchim(stem[-1]):
            stem += "이"  # a name that ends in 이: '수이라고'
        name = _name_value(stem)
        if name and not re.search(r"하$|되$|그러$", stem):
            return Fact("이름", name)
    m = _NAME_AFTER_RELATIVE.search(clause) or _NAME_CORRECTED.search(clause)
    if m and not re.search(r"(?:^|\s)(?:너|넌|네가|니가|로라|오로라)(?:는|가|랑|한테)?\s", clause[: m.start(1)]) \
            and not _someone_else_is_subject(clause[: m.start(1)]):
        name = _intro_name(m.group(1), m.group(2)) if m.re is _NAME_AFTER_RELATIVE else _name_value(m.group(1))
        if name is not None and name not in _NOT_SELF_NAMES:
            return Fact("이름", name)  # '서울대 다니는 민호예요', '나 민준이 아니라 민중이야'
    m = _NAME_CALLED_THUS.search(clause) or _FULL_NAME.search(clause)
    if m and _name_owner(clause, m.start(), None, context) == "user" and (not any(
            _owner_of(w, None) not in (None, "user") for w in tokens(clause[: m.start()]))
            or m.re is _FULL_NAME and re.search(r"(?:^|\s)(?:날|나를|저를|내|제)\s", clause[: m.start()])):
        name = _name_value(m.group(1))
        if name is not None and name not in _NOT_SELF_NAMES and not _NOT_A_NAME_WORD.fullmatch(name):
            return Fact("이름", name)  # '혜린이라는 이름 흔한 줄', '풀네임으로 김하늘!'
    m = _ENGLISH_INTRO.search(clause)
    if m and m.group(1).lower() not in _NOT_ENGLISH_NAMES:
        return Fact("이름", m.group(1))  # "I'm Jake", 'my name is Emily'
    m = _SELF_INTRO.search(clause)
    if m and not re.search(r"(?:^|\s)(?:너|넌|네가|니가|로라|오로라)(?:는|가)?\s", clause[: m.start(1)]):
        name = _intro_name(m.group(1), m.group(2))
        if name is not None:
            return Fact("이름", name)  # '나 하준이야 반가워', '야 나 준서다', '난 김태현이야 태현이라고 불러'
    m = _IT_IS_ME.search(clause)
    if m and name_like(m.group(1)) and m.group(1) not in _NOT_SELF_NAMES:
        return Fact("이름", m.group(1))  # '하린이 나야', '다은이가 누구냐면 바로 나'
    m = _BARE_INTRO.search(clause)
    if m and _bare_name(m.group(1)):
        return Fact("이름", m.group(1))  # '난 승민 군대 전역한 지 일주일 됨', 'ㅎㅇ 난 태민 롤 좋아하는 대학생'
    m = _INTRODUCED.search(clause)
    if m:
        pronoun, raw, copula = m.group(1), m.group(2), m.group(3)
        # without '나/저' the clause must be the name alone and said as one ('도윤임', '한지훈입니다' after a greeting)
        alone = m.start() == 0 or (greeted and _GREETING_WORDS.fullmatch(clause[: m.start()].strip(" ,!.~")))
        if pronoun is None and not ((copula or greeted) and alone):
            return None
        name = _name_value(raw + ("이" if copula and copula.startswith("이") and not has_batchim(raw[-1]) else ""))
        if name is None or name.endswith(("생", "님", "사", "중")) or _JOB_WORD_WON.search(name) \
                or _NOT_A_NAME_WORD.fullmatch(name) \
                or name in _NOT_SELF_NAMES:
            return None
        if len(name) == 3 and name[0] in SURNAMES and all(ch in _NAME_SYLLABLES for ch in name[1:]):
            return Fact("이름", name)
        # a two-syllable given name: both syllables usual in names, and said as the user's own ('나 현우임',
        # '난 도윤', '나 한결이야'); a greeting alone used to be required
        if len(name) == 2 and all(ch in _NAME_SYLLABLES for ch in name) and (greeted or pronoun or copula):
            return Fact("이름", name)
    return None


# '나 하준이야 반가워', '난 김태현이야 태현이라고 불러', '나는야 지민', '야 나 준서다', 'hello 나 Daniel이야': the
# speaker, then a name with its copula (or alone at the clause's end), anywhere in the clause
_SELF_INTRO = re.compile(
    r"(?:^|\s)(?:나는야|나는|난|저는|전|나|저)\s(?:그냥\s|바로\s)?([가-힣]{2,4}?|[A-Za-z][A-Za-z\-]{1,15})"
    r"(이에요|이야|이얌|이고요|이구요|이고|이구|인데요|인데|이거든|이잖아|잖아|이라고\s?해|라고\s?해|이라구|라구|이라고|라고|이라|라|입니다|"
    r"예요|에요|이다|야|얌|임|다(?=\s*[!.~]*\s*$)|(?=\s*$))(?=$|[\s!.~,?])"
)
# a name said to be the speaker: '하린이 나야', '다은이가 누구냐면 바로 나'
_IT_IS_ME = re.compile(r"(?:^|\s)([가-힣]{2,3}?)(?:이)?(?:가|는)?\s(?:(?:바로\s)?(?:나|저)(?:야|임|거든|예요|에요|입니다|라구|지롱)|"
                       r"누구냐면\s(?:바로\s)?(?:나|저))(?=$|[\s!.~,ㅋㅎ])")
# a name without its copula, right after the speaker, with more said after it ('난 승민 군대 전역함'): only a
# word the tagger knows as a name or cannot read as one word ('승'+'민'), never '난 지금 집'
_BARE_INTRO = re.compile(r"^(?:(?:ㅎㅇ|하이|안녕|hi|hello)\S*\s+)?(?:난|나는|저는)\s([가-힣]{2,3})\s+\S", re.I)
# '회사원', '직원', '공무원' end in 원 like '채원', '지원': a word of work, not a name
_JOB_WORD_WON = re.compile(r"(?:^(?:직|점|교|요|회|사|인|정|병|학|공|대|위|사무|회사|공무|연구|은행|미용|상담|역무|승무|경비|"
                           r"간호|연수|대학|대학원|계약직\s?사|통역)원)$")


def _bare_name(word: str) -> bool:
    if not name_like(word) or word in _NOT_SELF_NAMES or _JOB_WORD_WON.search(word):
        return False
    if not all(ch in _NAME_SYLLABLES for ch in word[-2:]) or len(word) == 3 and word[0] not in SURNAMES:
        return False
    return facts_reader.tagged_as_name(word)


# a name said after a relative clause about the speaker ('서울대 다니는 민호예요', '지난번에 고민 얘기했던 태민이야')
_NAME_AFTER_RELATIVE = re.compile(
    r"(?:^|\s)[가-힣]*(?:다니는|하는|했던|하던|있는|사는|온|왔던)\s([가-힣]{2,4}?)"
    r"(이에요|이야|이얌|이고요|입니다|예요|에요|야|얌|임)" + _GREETING_TAIL
)
# a name put right: '나 민준이 아니라 민중이야'
_NAME_CORRECTED = re.compile(r"(?:^|\s)(?:나|난|저|전|내\s이름)\s[가-힣]{2,4}\s?(?:이|가)?\s아니(?:라|고)\s([가-힣]{2,4}?)"
                             r"(이에요|이야|예요|에요|야|임|이라고|라고)(?=$|[\s!.~,])")
# '혜린이라는 이름', '풀네임으로 김하늘!': the user's name said inside something else
_NAME_CALLED_THUS = re.compile(r"(?:^|\s)([가-힣]{2,4}?)(?:이)?라는\s(?:내\s|제\s)?이름")
_FULL_NAME = re.compile(r"(?:풀네임|풀\s네임|성까지\s붙여서|성까지)(?:으로|은|이)?\s([" + "".join(sorted(SURNAMES)) + r"][가-힣]{2})"
                        r"(?=$|[\s!.~,]|이라고|라고)")
_ENGLISH_INTRO = re.compile(r"(?:^|\s)(?:I'?m|I\s+am|[Mm]y\s+name\s+is|this\s+is)\s+([A-Z][A-Za-z\-]{1,15})(?=$|[\s!.~,?])",
                            re.I)
_NOT_ENGLISH_NAMES = frozenset({"fine", "good", "ok", "okay", "sorry", "here", "back", "home", "tired", "hungry", "bored",
                                "happy", "sad", "busy", "sick", "so", "not", "just", "a", "the", "your", "lora", "fan"})
# syllables that also start a given name often enough (added to _NAME_SYLLABLES for the copula form)
_MORE_NAME_SYLLABLES = frozenset("비보루리채슬봄별찬빛솜설늘샘결란향초화름")
_NOT_SELF_NAMES = frozenset({"솔로", "모솔", "꼴찌", "바보", "천재", "부자", "거지", "호구", "막내", "외동", "장녀", "장남",
                             "혼자", "처음", "최고", "최악", "다음", "이번", "집순이", "집돌이", "아기", "애기", "노예",
                             "고수", "초보", "고인물", "뉴비", "환자", "주인", "범인", "기계", "인간", "사람", "한국인",
                             "외국인", "미성년자", "성인", "어른", "사장", "손님", "회원", "학부모", "반장", "회장"})


def _intro_name(raw: str, copula: str) -> str | None:
    """The name in '나 <raw><copula>' when it is one: Latin letters, a surname with two usual syllables,
    or two syllables usual in given names; never a known word ('나 솔로야', '나 대학생이야')."""
    if re.fullmatch(r"[A-Za-z\-]+", raw):  # a name, not an acronym or an MBTI ('나 ISTJ야')
        return raw if raw.lower() not in _NOT_ENGLISH_NAMES and copula and not raw.isupper() else None
    name = _name_value(raw + ("이" if copula.startswith("이") and not has_batchim(raw[-1]) else ""))
    if name is None or name in _NOT_SELF_NAMES or _NOT_A_NAME_WORD.fullmatch(name) or known_noun(name):
        return None
    if name.endswith(("생", "님", "사", "중", "러", "쟁이", "충", "씨")):
        return None
    usual = _NAME_SYLLABLES | _MORE_NAME_SYLLABLES
    if len(name) == 3 and name[0] in SURNAMES and all(ch in usual for ch in name[1:]):
        return name  # the whole name: '김태현' holds 태현 too
    if len(name) == 2 and all(ch in usual for ch in name):
        return name
    return None


# common words made only of name syllables ('나 다시', '나 이미'): never a name said bare
_NOT_A_NAME_WORD = re.compile(r"다시|이미|아직|지금|진짜|정말|요즘|혹시|계속|이제|우선|먼저|원래|혼자|다들|모두|여기|자주|"
                              r"제일|가장|그냥|바로|서로|이번|다음|방금|아까|오늘|내일|주말|하루|한번|재수|수시|정시|"
                              r"인기|미인|부자|가수|배우|성인|동안|노안|수석|차석|회장|반장|부장|과장|대리|사원|주부|환자|"
                              r"주인|시인|아기|아이|애기|정상|자유|승리|승자|선수|세수|기상|찬성|지원|소원|회원|시민|주민|"
                              r"우주|사랑|도전|성공|영광|진심|동지|나가|가는|오는|하는|사는|기사|의사|도사|신사|재수|"
                              r"수다|가위|다리|허리|머리|소리|주사|수술|감기|기침|진료|휴가|휴일|평일|연휴|시간|예정|"
                              r"준비|출근|퇴근|등교|하교|외출|기분|상태|최고|최악|대박|완전|인정|동의|정답|오답|성적|"
                              r"수업|수능|재시|시험|과제|숙제|야근|회의|면접|여행|운동|수영|요리|청소|세탁|독서|산책|현재|미정|예전|정리|수리|"
                              r"미안|건강|수강|기운|하산|소설|이후|최후|보안|치안|평안|성격|성별|인간|인생|운명")


_KOREAN_TENS = MappingProxyType({"열": 10, "스물": 20, "스무": 20, "서른": 30, "마흔": 40, "쉰": 50, "예순": 60})
_KOREAN_UNITS = MappingProxyType(
    {"하나": 1, "한": 1, "둘": 2, "두": 2, "셋": 3, "세": 3, "넷": 4, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7,
     "여덟": 8, "아홉": 9}
)
_AGE_AFTER = (r"(?:이야|야|이에요|예요|입니다|이거든|거든|인데요|인데|\s?넘었어|\s?넘음|\s?넘었다|이라서|라서|이라니|이라|라|이고|임|이다|됐어|됐다|돼|된다|됨|"
              r"이\s?됐어|이\s?돼|이\s?됨)?" + _END)
_AGE_DIGITS = re.compile(r"(?:^|\s)(?:나이(?:는|가)?\s)?(\d{1,2})\s?살" + _AGE_AFTER)
_AGE_NAMED = re.compile(r"(?:^|\s)나이(?:는|가)?\s(\d{1,2})(?:살)?" + _AGE_AFTER)
# a bare number as the speaker's age: '나 22임', '나 만 26세', '올해 27 됐어', '나이? 나 24'
_AGE_BARE = re.compile(r"(?:^|\s)(?:(?:나|난|나는|저|저는|전)\s(?:이제\s|올해\s)?(?:만\s?)?|(?:올해|이제)\s(?:만\s?)?)(\d{1,2})\s?(세)?"
                       r"(?:(?:이야|야|이에요|예요|입니다|임|이고|됐어|됐다|됐어요|돼|이\s?됐어)(?=$|[\s!.~,])|"
                       r"(?=\s?$|\s?[!.~,]|\s[ㅋㅎㅠㅜ]))")
_AGE_KOREAN = re.compile(
    r"(?:^|\s)(열|스물|스무|서른|마흔|쉰|예순)\s?(하나|한|둘|두|셋|세|넷|네|다섯|여섯|일곱|여덟|아홉)?(\s?살)?" + _AGE_AFTER
)
_BORN_YEAR = re.compile(r"(?:^|\s)(\d{2}|\d{4})\s?년생" + _AGE_AFTER)


# '빠른 01이야', '소띠야', '나 아홉수라', '너보다 한 살 많은 23이야'
_BORN_EARLY = re.compile(r"(?:^|\s)빠른\s?(\d{2})(?:년생)?" + _AGE_AFTER)
_ZODIAC = re.compile(r"(?:^|\s)(?:나\s|난\s|저\s|전\s)?(쥐|소|호랑이|범|토끼|용|뱀|말|양|원숭이|닭|개|돼지|황금\s?돼지)띠"
                     r"(?:야|이야|예요|에요|임|인데|라서|라|거든|입니다)?" + _END)
_NINE_YEAR = re.compile(r"(?:^|\s)(?:나\s|난\s|저\s|올해\s|나도\s)?아홉수(?:야|예요|에요|임|인데|라서|라|거든|잖아)" + _END)
_AGE_COMPARED = re.compile(r"살\s(?:많은|어린|적은|위인|아래인)\s(\d{2})(?:살)?(?:이야|야|이에요|예요|임|이거든)" + _END)
_AGE_NOT_NOW = re.compile(
    r"\s?(?:때|쯤|부터|까지|에|이후|이전|전|넘|차이|연상|연하|짜리|이상|이하|밖에|정도|무렵|되면|되기|였|이었|까진)"
)


def _age(clause: str) -> Fact | None:
    if _someone_else_is_subject(clause) or any(strip_particle(w) in PETS for w in tokens(clause)):
        return None
    m = _BORN_YEAR.search(clause) or _BORN_EARLY.search(clause)
    if m:
        return Fact("나이", f"{'빠른 ' if m.re is _BORN_EARLY else ''}{m.group(1)}년생")
    m = _ZODIAC.search(clause)
    if m:
        return Fact("나이", f"{m.group(1)}띠")
    m = _NINE_YEAR.search(clause)
    if m:
        return Fact("나이", "아홉수")
    m = _AGE_COMPARED.search(clause)
    if m and 5 <= int(m.group(1)) <= 99:
        return Fact("나이", f"{m.group(1)}살")
    m = _AGE_DIGITS.search(clause) or _AGE_NAMED.search(clause) or _AGE_BARE.search(clause)
    if m and _AGE_NOT_NOW.match(clause[m.end():]):
        return None  # '20살 때', '3살 차이': not the user's age now
    if m:
        age = int(m.group(1))
        return Fact("나이", f"{age}살") if 5 <= age <= 99 else None
    m = next((k for k in _AGE_KOREAN.finditer(clause) if not _AGE_NOT_NOW.match(clause[k.end():])), None)
    if m:  # '스무살 되면 … 아직 열여덟이라': the age now
        tens, unit, sal = m.group(1), m.group(2), m.group(3)
        if tens == "열" and not (unit or sal):
            return None  # '열' alone is a fever ('열 나')
        if unit in ("한", "두", "세", "네") and not sal:
            return None  # '스물두' needs '살'
        me, _ = person_address(clause)
        if not (sal or me or re.search(r"(?:^|\s)(?:올해|나이|지금|이제|벌써|아직)", clause) or m.start() == 0):
            return None
        if re.search(r"(?:^|\s)(?:곧|내년에?|이제\s곧|다음\s?달에?)\s?$", clause[: m.start()]):
            return None  # '이제 곧 서른이다': not yet
        return Fact("나이", f"{tens}{unit or ''} 살")  # the user's own words ('스물일곱 살'), as they said it
    return None


MAJOR_ABBREVIATIONS = frozenset(
    {"컴공", "전전", "기계과", "전자과", "경영", "경제", "국문과", "영문과", "간호과", "법대", "의대", "미대", "음대",
     "체대", "약대", "공대", "사범대", "치대", "한의대", "수의대", "디자인과", "실용음악과", "유아교육과", "사회복지과"}
)
_MAJOR = re.compile(
    r"(?:^|\s)([가-힣A-Za-z]{1,8}(?:학과|학부|과))\s?(?:에\s)?(?:다녀|다녀요|다니고\s?있어|다니거든|다니는데|다님|"
    r"학생이야|학생이에요|생이야|이야|야|이에요|예요|입니다|재학\s?중이야|[1-6]학년\S*|졸업했어|나왔어|출신이야|"
    r"다니는\s?중\S*|졸업반\S*)" + _END
)
_MAJOR_NAMED = re.compile(r"(?:^|\s)(?:내\s|제\s)?전공(?:은|이)\s([가-힣A-Za-z ]{1,12}?)" + _COPULA_END + "$")
_MAJOR_VERB = re.compile(r"(?:^|\s)([가-힣A-Za-z]{1,8}(?:학|과|공학|교육)|" + "|".join(sorted(MAJOR_ABBREVIATIONS, key=len, reverse=True))
                         + r")\s?(?:을\s|를\s)?전공(?:해|하고\s?있어|했어|이야|중이야|하거든|해요|하는\s?중)" + _END)
_SCHOOL_BEFORE = re.compile(r"(?:^|\s)([가-힣A-Za-z]{1,6}(?:대학교|대학|대))\s$")
_MAJOR_SHORT = re.compile(
    r"(?:^|\s)(?:나|난|나는|저는|저)\s(?:[가-힣A-Za-z]{1,6}대\s)?(" + "|".join(sorted(MAJOR_ABBREVIATIONS, key=len, reverse=True))
    + r")(?:이야|야|이에요|예요|생이야|생이에요|생임|다녀|다니거든|졸업반이야|생)" + _END
)


def _major(clause: str) -> Fact | None:
    for pattern in (_MAJOR_NAMED, _MAJOR_VERB, _MAJOR_SHORT, _MAJOR):
        m = pattern.search(clause)
        if not m:
            continue
        value = strip_copula(m.group(1).strip())
        if value in ("무슨", "뭐", "어느") or value.startswith("뭐") or (pattern is _MAJOR and value.endswith("과")
                                                                    and len(value) < 3):
            return None  # '사과', '무슨 과'
        school = _SCHOOL_BEFORE.search(clause[: m.start(1)])
        if school and school.group(1) not in ("대학", "대학교"):  # '한양대 기계공학과 다녀요': the school too
            return Fact("학교", f"{school.group(1)} {value}")
        return Fact("전공", value)
    return None


_JOB_SUFFIX = ("사", "가", "원", "자", "관", "터", "너", "트", "생", "님", "직", "어", "서", "인", "장", "표")
_WORK_AS = re.compile(
    r"(?:^|\s)([가-힣A-Za-z]{1,6}?(?:\s[가-힣A-Za-z]{1,6}?)?)(?:으로|로)\s(?:일해|일하고\s?있어|일하는데|일하거든|일합니다|"
    r"일해요|근무해|근무하고\s?있어|근무\s중이야|취직했어|취직함|취직했다|취업했어|취업함|들어갔어|입사했어|입사함|일하는\s중이야|"
    r"일하는데|일한\s?지)" + _END
)
_WORK_AT = re.compile(
    r"(?:^|\s)([가-힣A-Za-z]{2,8})(?:에서)\s(?:일해|일하고\s?있어|일하는데|일하거든|일합니다|일해요|근무해|근무하고\s?있어|"
    r"근무\s중이야|일하는\s중이야)" + _END
)
_WORKPLACE = re.compile(
    r"(?:^|\s)([가-힣A-Za-z]{1,6}회사|IT\s?회사|스타트업|대기업|중소기업|공기업|은행|병원|학원|카페|편의점|회사|공장|출판사|방송국|게임회사|IT\s?회사|"
    r"외국계|공공기관|연구소|증권사|보험사|호텔|백화점|학교|어린이집|유치원|약국|삼성|삼성전자|LG|엘지|현대|현대차|SK|"
    r"네이버|카카오|쿠팡|배민|토스|당근|라인|넥슨|엔씨|넷마블|하이닉스|포스코|롯데|CJ|한화|신세계|이마트|"
    r"대학병원|관공서|구청|시청|군청)(?:에)?\s?(?:다녀|다니고\s?있어|다니거든|다니는데|다녀요)" + _END
)
_OFFICE_AT = re.compile(r"(?:^|\s)(?:회사|직장|사무실)(?:가|는|이|은)\s([가-힣]{2,6})(?:에)\s?있(?:어|거든|는데|어요)" + _END)


_CAREER = re.compile(
    r"(?:^|\s)(?:(취업|입사|취직)(?:했어|했거든|했어요|했다|성공했어)|(퇴사|이직)(?:했어|했거든|했어요|했다)|(?:회사|알바|일)\s?(?:를|을)?\s?그만뒀어)"
    + _END
)


def _work(clause: str) -> Fact | None:
    if _someone_else_is_subject(clause):
        return None
    m = _WORK_AS.search(clause)
    if m:  # before a bare '취직했어': '개발자로 취직했어' says the job
        value = " ".join(w for w in m.group(1).split() if w not in FIRST_PERSON and w not in _FILLERS) or m.group(1)
        if value in JOBS or value.endswith(_JOB_SUFFIX) or value.split()[-1] in JOBS:
            return Fact("직업", value)
        return None
    m = _CAREER.search(clause)
    if m and not _negated_before(clause, m.start() + 1) and not re.search(r"(?:^|\s)(?:안|못)\s", clause):
        if m.group(1):
            return Fact("직업", "취업함")
        return Fact("직업", f"{m.group(2)}함" if m.group(2) else "그만둠")
    m = _OFFICE_AT.search(clause)
    if m and _is_place(m.group(1)):
        return Fact("직장", m.group(1))
    m = _WORKPLACE.search(clause)
    if m:
        return Fact("직장", m.group(1)) if m.group(1) != "회사" else Fact("직업", "회사원")
    m = _WORK_AT.search(clause)
    if m:
        place = m.group(1)
        if place not in QUESTION_WORDS and place not in ("집", "여기", "거기") and not place.startswith(("어디", "뭐")):
            return Fact("직장", place)
    return None


_FAMILY_COUNT = re.compile(
    r"(?:^|\s)((?:쌍둥이\s|친|막내\s|큰\s|작은\s|배다른\s)?(?:" + "|".join(sorted(FAMILY - {"남친", "여친", "남자친구", "여자친구", "애인", "남편", "아내", "와이프"},
                                   key=len, reverse=True))
    + r"))(?:가|이|도)?\s?(?:(한|두|세|하나|둘|셋|\d)\s?명\s?|(하나|둘|셋)\s)?(?:있어|있거든|있는데|있어요|있음|있습니다)" + _END
)
_PARTNER = re.compile(
    r"(?:^|\s)(남친|여친|남자친구|여자친구|애인)(?:이|가|도)?\s?(?:있어|있거든|있는데|있어요|있음|생겼어|생겼거든|생김)" + _END
)
_ANNIVERSARY = re.compile(
    r"(?:^|\s)(남친|여친|남자친구|여자친구|애인)(?:이랑|랑|하고|와|과)\s(?:사귄\s?지\s)?(\d+\s?(?:일|주년|년|개월|달))"
    r"(?:이야|야|이에요|됐어|째야|째|이거든|이다|다|돼|된다)?" + _END
)
_SIBLINGS = MappingProxyType({"외동": "외동", "외동딸": "외동딸", "외동아들": "외동아들", "막내": "막내", "첫째": "첫째",
                              "쌍둥이": "쌍둥이", "막내딸": "막내딸", "막내아들": "막내아들", "큰딸": "큰딸", "큰아들": "큰아들",
                              "장녀": "장녀", "장남": "장남", "둘째": "둘째", "맏이": "맏이", "삼남매": "삼남매",
                              "남매": "남매"})
_SIBLING = re.compile(
    r"(?:^|\s)(?:나|난|나는|저는|저|우리\s?집에서)?\s?(?:집에서\s)?(" + "|".join(sorted(_SIBLINGS, key=len, reverse=True))
    + r")(?:이야|야|이에요|예요|이거든|거든|임|이라서|라서|이라|라|입니다|인데)" + _END
)
_COUNT_WORDS = MappingProxyType({"한": 1, "하나": 1, "두": 2, "둘": 2, "세": 3, "셋": 3})


_MARRIED = re.compile(
    r"(?:^|\s)(?:(결혼했어|결혼했거든|결혼했는데|결혼했어요|유부남이야|유부녀야|기혼이야|애\s?엄마야|애\s?아빠야)|"
    r"(솔로야|솔로거든|모솔이야|모태솔로야|솔로임|싱글이야))" + _END
)


_LIVE_WITH = re.compile(
    r"(?:^|\s)(" + "|".join(sorted(FAMILY | {"부모님", "가족", "룸메", "룸메이트", "친구"}, key=len, reverse=True))
    + r")(?:이랑|랑|하고|와|과)\s(?:같이\s|함께\s|단\s?둘이\s|둘이\s|둘이서\s)?(?:살아|살고\s?있어|살거든|사는데|살아요|삼|살고|지내)" + _END
)


_RELATION_NAMED = re.compile(
    r"(?:^|\s)(?:내|제|우리|나의|울)\s(베프|절친|남친|여친|남자친구|여자친구|애인|언니|오빠|누나|형|동생|여동생|남동생|남편|"
    r"아내|와이프|룸메|룸메이트|단짝)(?:는|은)\s([가-힣]{2,3}?)(이에요|이야|예요|에요|야|임|이고|이거든|이라고\s?해)$")


def _people(clause: str) -> Fact | None:
    m = _RELATION_NAMED.search(clause)
    if m:
        raw = m.group(2) + ("이" if m.group(3).startswith("이") and not has_batchim(m.group(2)[-1]) else "")
        name = _name_value(raw)
        if name and all(ch in _NAME_SYLLABLES for ch in name):  # a name, not '간호사', '대학생'
            return Fact(_person_key(m.group(1)), name)
    m = _LIVE_WITH.search(clause)
    if m and not _negated_before(clause, m.end()):
        who = _FAMILY_KEYS.get(m.group(1), m.group(1))
        key = "가족" if who in FAMILY or who in ("부모님", "가족") else "사는 곳"
        return Fact(key, f"{with_particle(who, '와/과')} 같이 삶")
    m = _MARRIED.search(clause)
    if m and not _negated_before(clause, m.start()) and "안" not in clause.split():
        return Fact("가족", "기혼") if m.group(1) else Fact("연인", "없음")
    m = _ANNIVERSARY.search(clause)
    if m:
        return Fact(_person_key(m.group(1)), f"사귄 지 {m.group(2).replace(' ', '')}")
    m = _PARTNER.search(clause)
    if m and not _negated_before(clause, m.start(1)):
        return Fact(_person_key(m.group(1)), "있음")
    m = _SIBLING.search(clause)
    if m and not _someone_else_is_subject(clause):
        return Fact("가족", _SIBLINGS[m.group(1)])
    m = _FAMILY_COUNT.search(clause)
    if m and not re.search(r"(?:^|\s)(?:너|너도|넌|로라)", clause):
        count = m.group(2) or m.group(3)
        number = _COUNT_WORDS.get(count, count) if count else None
        who = m.group(1)
        key = _person_key(who) if who in FAMILY else who if key_family(who) == "people" else f"가족 {who}"
        return Fact(key, f"{number}명" if number else "있음")  # '쌍둥이 동생이 있는데' → [쌍둥이 동생: 있음]
    return None


_GREW_UP = re.compile(
    r"(?:^|\s)([가-힣A-Za-z]{1,8})(?:에서)\s(?:자랐어|자랐거든|자랐는데|컸어|컸거든|태어났어|태어났거든|태어나서|태어났는데|"
    r"나고\s?자랐어|태어나고\s?자랐어|자랐고|태어났고|자랐어요|태어났어요|왔어)" + _END
)
_HOMETOWN = re.compile(r"(?:^|\s)(?:내\s|제\s)?고향(?:은|이)\s([가-힣A-Za-z]{1,8}?)" + _COPULA_END + "$")
_MOVE = re.compile(
    r"(?:^|\s)([가-힣A-Za-z]{1,8}?)(?:으로|로)\s(?:이사\s?(?:가|가요|갈\s?거야|가거든|가는데|가기로\s?했어|해|할\s?거야|하거든|"
    r"하는데|하기로\s?했어|했어|왔어|했거든|왔거든|간다|한다|[가하]게\s?(?:됐어|됐다|돼|되었어))|이사\s?가|이사해|이사했어|"
    r"이사\s?왔어)" + _END
)


def _origin(clause: str) -> Fact | None:
    if _someone_else_is_subject(clause):
        return None
    m = _HOMETOWN.search(clause)
    if m and _is_place(m.group(1)):
        return Fact("고향", m.group(1))
    m = _GREW_UP.search(clause)
    if m and (_is_place(m.group(1)) or _place_like(m.group(1))) and not m.group(0).strip().endswith("왔어"):
        return Fact("고향", m.group(1))
    return None


def _move(clause: str) -> Fact | None:
    m = _MOVE.search(clause)
    if not m or _someone_else_is_subject(clause) or not _is_place(m.group(1)):
        return None
    done = re.search(r"했|왔", m.group(0))
    if done:
        return Fact("사는 곳", m.group(1))
    day = _DAY.search(clause[: m.start(1)] + " ")
    when = _day_name(day.group(1)) if day else None
    return Fact("이사", f"{when} {m.group(1)}" if when else m.group(1))


_ALLERGY = re.compile(
    r"(?:^|\s)([가-힣A-Za-z]{1,6}(?:\s[가-힣]{1,3})?)\s?(?:에\s)?알레르기(?:가|도)?\s?(?:있어|있거든|있는데|있어요|있음|있다|심해|"
    r"있어서|생겼어|야|이야|있거든요|있는\s?편이야)" + _END
)


def _allergy(clause: str) -> Fact | None:
    m = _ALLERGY.search(clause)
    if not m or _someone_else_is_subject(clause):
        return None
    value = strip_particle(m.group(1).split()[-1]) if m.group(1).split()[0] in FIRST_PERSON else m.group(1)
    value = " ".join(w for w in value.split() if w not in FIRST_PERSON)
    if not value or value in ("무슨", "뭐", "어떤", "그런", "약간", "좀") or value.endswith(("같은", "무슨")):
        return None
    return Fact("알레르기", value)


HOBBIES = frozenset(
    {"뜨개질", "그림", "독서", "요리", "베이킹", "사진", "캠핑", "낚시", "게임", "여행", "기타", "피아노", "노래",
     "춤", "댄스", "러닝", "산책", "등산", "헬스", "필라테스", "요가", "클라이밍", "서핑", "스키", "스노보드", "보드",
     "우쿨렐레", "드럼", "바이올린", "글쓰기", "일기", "명상", "레고", "퍼즐", "보드게임", "코딩", "블로그", "덕질",
     "자전거", "수영", "테니스", "배드민턴", "골프", "볼링", "탁구", "축구", "야구", "농구", "배구", "복싱",
     "주짓수", "크로스핏", "마라톤", "조깅", "걷기", "식물 키우기", "가드닝", "캘리그라피", "자수", "십자수",
     "도자기", "향수", "와인", "커피", "카페 투어", "맛집 탐방", "맛집 투어", "전시회", "뮤지컬", "연극", "영화",
     "드라마", "애니", "웹툰", "만화", "노래방", "코인노래방", "필름카메라", "브이로그", "유튜브", "다이어리 꾸미기",
     "다꾸", "스티커", "네일", "메이크업", "패션", "쇼핑", "스케이트보드", "발레", "승마", "스쿠버다이빙", "프리다이빙",
     "달리기", "배낭여행", "공부", "외국어", "운동", "책", "일본어", "영어", "중국어", "스페인어", "체스", "바둑", "당구", "롤",
     "발로란트", "배그", "마크", "피아노 연습"}
)
_HOBBY_NAMED = re.compile(r"(?:^|\s)(?:내\s|제\s|나의\s)?취미(?:는|가)\s([가-힣A-Za-z ]{1,12}?)" + _COPULA_END + "$")
_HOBBY_HABIT = re.compile(
    r"(?:^|\s)(?:주말마다|매주|매일|맨날|틈틈이|퇴근하고|퇴근하면|시간\s?나면|심심하면|쉬는\s날엔|퇴근\s후에|시간\s날\s때마다|쉬는\s날마다|주말엔|주말에는|"
    r"아침마다|저녁마다|밤마다|일주일에\s\S+\s?번)\s(?:\S+\s)?([가-힣A-Za-z]{1,8}?)(?:을|를)?\s?(?:해|하러\s가|가|다녀|쳐|타|쳐요|"
    r"해요|하거든|하는데|다니거든|다니는데|다녀요)" + _END
)
_HOBBY_AS = re.compile(
    r"(?:^|\s)취미로\s(?:\S+\s)?([가-힣A-Za-z]{1,8}?)(?:을|를)?\s?(?:해|쳐|타|배워|배우고\s?있어|하고\s?있어|다녀|그려|만들어|"
    r"치고\s?있어|타고\s?있어|해요|하거든)" + _END
)
_INTO = re.compile(
    r"(?:^|\s)([가-힣A-Za-z]{1,8}(?:\s[가-힣A-Za-z]{1,6})?)(?:에|에도)\s(?:완전\s|푹\s|진짜\s|요즘\s)*"
    r"(?:빠졌어|빠졌거든|빠졌는데|빠져\s?있어|빠져서|꽂혔어|꽂혔거든|꽂혀\s?있어|중독됐어|미쳐\s?있어|입문했어)" + _END
)
_DOING_LIKE = re.compile(
    r"(?:^|\s)([가-힣A-Za-z]{1,8})(?:을|를)?\s?(치는|하는|보는|듣는|타는|그리는|만드는|읽는|부르는|추는|키우는|가는|찍는|쓰는)"
    r"\s?(?:거|것|게)(?:를|을|도|이|가)?\s" + _ADVERBS
    + r"(?:좋아해|좋아|좋아하거든|좋아함|좋아하는데|좋아해요|즐겨|낙이야|힐링이야|취미야|제일\s좋아)" + _END
)
_VERB_LIKE = re.compile(
    r"(?:^|\s)([가-힣]{1,6})하는\s?(?:거|것|게)(?:를|을|도)?\s" + _ADVERBS + r"(?:좋아해|좋아|좋아하거든|좋아함|좋아하는데|좋아해요)" + _END
)
_FAN = re.compile(r"(?:^|\s)(?!찐)([가-힣A-Za-z]{1,10})\s?찐?(?:팬이야|팬이거든|팬이에요|찐팬이야|덕후야|덕후거든|덕질해|덕질\s중이야|팬임|덕후임)" + _END)
_HATE_EXTRA = re.compile(
    r"(?:^|\s)([가-힣A-Za-z]{1,8})(?:은|는|이|가)?\s" + _ADVERBS + r"(?:극혐이야|극혐|극혐해|혐오해|질색이야|질색|싫어해|싫어하거든|"
    r"싫어하는\s편이야|싫어함|못\s?참아|딱\s?질색이야)" + _END
)
_CANT_WATCH = re.compile(r"(?:^|\s)([가-힣]{1,6}(?:영화|드라마|게임|물|놀이기구)|무서운\s?거|호러)(?:는|은)?\s(?:잘\s)?못\s?(?:봐|타|해)" + _END)
_CANT_DRINK = re.compile(r"(?:^|\s)(술|커피|우유|소주|맥주|카페인|매운\s?거|매운\s?음식|날것|회)(?:은|는|을|를)?\s(?:잘\s|전혀\s|아예\s)?못\s?(?:마셔|먹어|마시거든|먹거든)" + _END)
_TASTE = re.compile(
    r"(?:^|\s)(매운|단|짠|달달한|달콤한|새콤한|기름진|느끼한|얼큰한|담백한|차가운|뜨거운|매콤한|비린)\s?(?:음식|거|것|맛)"
    r"(?:을|를|은|는|이|가)?\s" + _ADVERBS + r"(안\s)?(좋아해|좋아|좋아하거든|좋아함|싫어해|싫어|싫어하거든|못\s?먹어|잘\s?못\s?먹어)" + _END
)
_LIFELINE = re.compile(r"(?:^|\s)([가-힣A-Za-z]{1,8})\s?없으면\s(?:못\s?살아|안\s?돼|죽어)" + _END)
_NOT_A_THING = frozenset(
    {"이거", "그거", "저거", "이것", "그것", "그", "이", "저", "걔", "쟤", "다", "둘", "둘다", "전부", "모두", "뭐", "다들",
     "사람", "그런", "이런", "그게", "이게", "저게", "너", "나", "오늘", "내일", "지금", "요즘", "진짜", "그냥", "공부",
     "일", "학교", "회사", "출근", "월요일", "아침", "비", "추위", "더위", "여름", "겨울", "음식", "거", "것", "맛",
     "날", "때", "편", "말", "생각", "느낌", "분위기", "스타일", "사람들", "애들", "남자", "여자", "얘기"}
)


def _plain_noun(word: str) -> str | None:
    stem = strip_particle(word)
    if (not re.fullmatch(r"[가-힣A-Za-z]{2,8}", stem) or stem in _NOT_A_THING or stem in FIRST_PERSON
            or stem in PEOPLE or stem in QUESTION_WORDS or stem.endswith(("기", "게", "는", "던", "한", "할"))):
        return None
    return stem


_HOBBY_DOING = re.compile(
    r"(?:^|\s)([가-힣A-Za-z]{1,8}?)(?:을|를|도)?\s(?:배워|배우고\s?있어|배우는\s?중이야|배우거든|다녀|다니고\s?있어|다니거든|"
    r"시작했어|해|하고\s?있어|하거든|쳐|치거든|타|타거든|즐겨\s?해|꾸준히\s해)" + _END
)


def _hobby(clause: str) -> Fact | None:
    if _someone_else_is_subject(clause):
        return None
    m = _HOBBY_NAMED.search(clause)
    if m:
        value = strip_copula(m.group(1).strip())
        if value and not value.startswith(("뭐", "없", "딱히")):
            return Fact("취미", value)
        return None
    m = _HOBBY_AS.search(clause)
    if m and _plain_noun(m.group(1)):
        return Fact("취미", strip_particle(m.group(1)))
    m = _INTO.search(clause)
    if m and not _pointed_at(clause, m.start(1)):
        thing = " ".join(w for w in m.group(1).split() if w not in FIRST_PERSON and w not in ("요즘", "완전", "진짜"))
        cat = _category(thing)
        if thing in HOBBIES or cat in ("운동", "게임"):
            return Fact("취미", thing)
        if cat is not None:
            return Fact(f"좋아하는 {cat}", thing)
        if thing and (_plain_noun(thing.split()[-1]) or (len(thing.split()) == 2 and thing.endswith("공부"))):
            return Fact("관심사", thing)
        return None
    m = _DOING_LIKE.search(clause) or _VERB_LIKE.search(clause)
    if m and not _pointed_at(clause, m.start(1)):
        thing = strip_particle(m.group(1))
        thing = "독서" if thing == "책" and m.group(2) == "읽는" else thing
        if thing in HOBBIES or _category(thing) in ("운동", "게임") or (
            m.re is _DOING_LIKE and m.group(2) in ("치는", "타는", "그리는", "만드는", "추는", "찍는") and _plain_noun(thing)
        ):
            return Fact("취미", thing)
        if (m.re is _VERB_LIKE or m.group(2) == "하는" or re.search(r"낙이야|힐링이야|취미야", m.group(0))) and _plain_noun(
            thing
        ):
            return Fact("취미", thing)
        return None
    m = _HOBBY_HABIT.search(clause)
    if m:
        thing = strip_particle(m.group(1))
        if thing in HOBBIES or _category(thing) in ("운동",):
            return Fact("취미", thing)
    m = _HOBBY_DOING.search(clause)
    me, _ = person_address(clause)
    if m and (me or re.search(r"(?:^|\s)(?:요즘|요새|꾸준히|틈틈이)", clause)) and not _DAY.search(clause.replace("요즘", "")):
        thing = strip_particle(m.group(1))
        if (thing in HOBBIES or _category(thing) == "운동") and not _negated_before(clause, m.end(1) + 1):
            return Fact("취미", thing)
    return None


_CAMP = re.compile(
    r"(?:^|\s)(민초|반민초|부먹|찍먹|물냉|비냉|아침형|올빼미|집순이|집돌이)(?:파야|파임|파거든|파라서|파|이야|야|임|인간이야)" + _END
)
_CAMPS = MappingProxyType(
    {"민초": ("좋아하는 음식", "민트초코"), "반민초": ("싫어하는 음식", "민트초코"), "부먹": ("좋아하는 것", "탕수육 부먹"),
     "찍먹": ("좋아하는 것", "탕수육 찍먹"), "물냉": ("좋아하는 음식", "물냉면"), "비냉": ("좋아하는 음식", "비빔냉면"),
     "아침형": ("상태", "아침형 인간"), "올빼미": ("상태", "올빼미형"), "집순이": ("상태", "집순이"), "집돌이": ("상태", "집돌이")}
)


def _likes_more(clause: str) -> Fact | None:
    if _someone_else_is_subject(clause):
        return None
    m = _CAMP.search(clause)
    if m and ("파" in m.group(0) or m.group(1) in ("아침형", "올빼미", "집순이", "집돌이")):
        key, value = _CAMPS[m.group(1)]
        return Fact(key, value)
    m = _TASTE.search(clause)
    if m:
        taste, negated, verb = m.group(1), m.group(2), m.group(3)
        if verb.startswith("좋아") and not negated:
            return Fact("좋아하는 음식", f"{taste} 음식")
        if verb.startswith("싫어") and not negated:
            return Fact("싫어하는 음식", f"{taste} 음식")
        return Fact("못 먹는 음식", f"{taste} 음식") if verb.startswith(("못", "잘")) else None
    m = _FAN.search(clause)
    if m:
        who = m.group(1)
        if who in FIRST_PERSON or who in _NOT_A_THING or who.startswith(("너", "로라")):
            return None
        cat = _category(who)
        return Fact(f"좋아하는 {cat or '연예인'}", who)
    m = _LIFELINE.search(clause)
    if m and _plain_noun(m.group(1)):
        cat = _category(m.group(1))
        return Fact(f"좋아하는 {cat or '것'}", m.group(1))
    m = _CANT_DRINK.search(clause)
    if m:
        return Fact("못 먹는 음식", m.group(1).replace(" ", " "))
    m = _CANT_WATCH.search(clause)
    if m:
        return Fact("싫어하는 것", m.group(1))
    m = _HATE_EXTRA.search(clause)
    if m and not _negated_before(clause, m.start(1)) and not _pointed_at(clause, m.start(1)):
        thing = _plain_noun(m.group(1))
        if thing:
            return Fact(f"싫어하는 {_category(thing) or '것'}", thing)
    return None


_LIKE_UNKNOWN = re.compile(
    r"(?:^|\s)([가-힣A-Za-z]{2,8})(?:을|를|도)?\s" + _ADVERBS
    + r"(?:좋아해|좋아하거든|좋아함|좋아해요|좋아한다|좋아하는\s편이야|사랑해|애정해|최애야)" + _END
)


def _likes_unknown(clause: str) -> Fact | None:
    """'나 비 오는 날 좋아해' is not caught; '나 보드게임 좋아해' is ([좋아하는 것: 보드게임])."""
    if _someone_else_is_subject(clause):
        return None
    m = _LIKE_UNKNOWN.search(clause)
    if not m or _negated_before(clause, m.start(1)) or _pointed_at(clause, m.start(1)):
        return None
    thing = _plain_noun(m.group(1))
    if thing is None or thing in SECOND_PERSON or thing.startswith(("너", "로라", "오로라")):
        return None
    return Fact("취미" if thing in HOBBIES else f"좋아하는 {_category(thing) or '것'}", thing)


# Who the user is said in one word with a copula or a reason: '미성년자라', '중딩이라', '모솔인데', '색약이라',
# '우울증 치료 받고 있어', 'ADHD 진단받았어', '다리 깁스해서', '빠른 99라서'.
_STATUS_WORDS = MappingProxyType({
    "나이": ("미성년자", r"빠른\s?\d{2}(?:년생)?", "성인"),
    "학년": ("중딩", "고딩", "초딩", "대딩", r"[중고]\d", "삼수생", "[2-4]수생"),
    "연인": ("모솔", "모태솔로", "돌싱", "신혼", "유부남", "유부녀", "기혼", "미혼", r"장거리\s?연애\s?중"),
    "건강 상태": ("색약", "색맹", "ADHD", "adhd", "우울증", "공황장애", "공황", "불면증", "당뇨", "비염", "아토피", "천식",
              "갑상선", "디스크", "깁스", "이명", "편두통", "위염", "장염", "빈혈", "고혈압", "난독증", "강박증", r"역류성\s?식도염"),
})
_STATUS = re.compile(
    r"(?:^|\s)(?:[가-힣]{1,3}\s)??((?:(?:허리|목|손목|무릎|다리|팔|발목|어깨|위|장)\s)?(?:" + "|".join(w for ws in _STATUS_WORDS.values() for w in ws) + r"))"
    r"(?:이야|야|임|이에요|예요|이라서|라서|이라|라|인데요|인데|이고|고|이거든|거든|입니다|이지만|지만|"
    r"\s?(?:이|가)?\s?있어|\s?(?:이|가)?\s?있어서|\s?(?:이|가)?\s?있는데|\s?(?:이|가)?\s?있음|\s?때문에|\s?때매|"
    r"\s?치료|\s?약|\s?진단|해서|했어|함|\s?\d+년차)" + _END
)


def _status(clause: str) -> Fact | None:
    m = _STATUS.search(clause)
    if not m or _negated_after(clause, m.end()) or re.search(r"(?:아니|아님|아냐)", clause[m.end():m.end() + 6]):
        return None
    word = m.group(1)
    key = next(k for k, ws in _STATUS_WORDS.items() if any(re.fullmatch(w, word) or re.fullmatch(w, word.split()[-1]) for w in ws))
    return Fact(key, word)


# a hobby taken up: '수영 배우는데', '피아노 다시 배우기 시작했어', '러닝 시작한 지 한 달', '헬스 3년차인데'
_TAKEN_UP = re.compile(
    r"(?:^|\s)([가-힣A-Za-z]{2,6})\s(?:다시\s|요즘\s|새로\s)?(?:배우는데|배우는\s?중|배우고\s?있어|배우기\s?시작|배워|"
    r"시작한\s?지|시작했어|\d+년차)"
)


def _taken_up(clause: str) -> Fact | None:
    m = _TAKEN_UP.search(clause)
    if not m or m.group(1) in JOBS or _negated_after(clause, m.end()):
        return None
    thing = _plain_noun(m.group(1))
    if thing is None or thing in EVENTS or thing in PEOPLE or thing == "집사" \
            or not (thing in HOBBIES or facts_reader.bare_noun(thing)):
        return None
    return Fact("취미", thing)


# --- who the user is, said in passing -------------------------------------------------------------
# '부산대 새내기인데', '우리 경영학과 진짜 최악', '간호학과 실습 …', '연대 경영 다녀', '방송통신대 다니면서': the school
# or major named beside a word only a student says of themselves
_SCHOOL_PASSING = re.compile(
    r"(?:^|\s)([가-힣A-Za-z]{1,8}(?:대학교|대))\s(?:(?:[가-힣]{1,4}\s)?(?:새내기|신입생|복학생|졸업반|재학생|휴학생)|"
    r"(?![가-힣]*과\s)[가-힣]{1,4}(?:대생)?\s?(?:다녀|다님|다니는데|다니면서|다니고)|다니면서|다니는\s?중)"
)
_MAJOR_PASSING = re.compile(
    r"(?:^|\s)(?:우리\s(?:과\s)?([가-힣]{1,6}(?:학과|학부))(?:는|은)?\s|([가-힣]{1,6}학과)\s(?:실습|과제|시험|동기|전공|수업|엠티|MT|과대)|"
    r"(?:원래\s|나\s|난\s|저\s)(" + _MAJOR_ALT + r"|[가-힣]{1,6}학과)(?:임|이야|야|이에요|예요|이거든|인데)" + _END + ")"
)
_MAJOR_GRADE = re.compile(r"(?:^|\s)(" + _MAJOR_ALT + r"|[가-힣]{1,6}(?:학과|과))\s[1-6]학년")
# '마케팅 팀인데', '마케팅팀 막내라', '간호사 3년 차인데', '공무원 된 지 2년', '백수 3개월차'
_TEAM = re.compile(r"(?:^|\s)(?:회사에서\s|회사\s|나\s|난\s|저\s)?([가-힣A-Za-z]{2,6})\s?팀(?:\s막내|\s신입)?"
                   r"(?:인데|이야|이에요|이라서|이라|라서|라|임|에서\s일해|에\s있어)?(?=$|[\s!.~,])")
_JOB_YEARS = re.compile(
    r"(?:^|\s)(" + _JOB_WORDS + r")\s?(?:된\s?지\s[0-9한두세네]\S*|[0-9한두세네]+\s?(?:년|개월)\s?차|[0-9]+\s?년차|[0-9]+\s?개월차|생활\s[0-9]+\s?(?:년|개월))"
)
# '캐나다에서 워홀 중', '강릉 본가 내려왔는데', '우리 동네 망원동은'
_ABROAD = re.compile(r"(?:^|\s)([가-힣]{2,6}?)(?:에서)?\s(?:워홀|워킹홀리데이|유학|어학연수|교환학생)\s?(?:중|하는\s?중|하고\s?있|왔|온\s?지)")
_HOME_VISIT = re.compile(r"(?:^|\s)([가-힣]{2,6})\s(?:본가|고향\s?집|시골\s?집)(?:에)?\s(?:내려왔|내려와|내려가|왔|와\s있|가는\s?중|내려감|내려옴)")
_MY_TOWN = re.compile(r"(?:^|\s)(?:우리|내|울)\s동네\s([가-힣]{2,6}(?:동|구|시|읍|면|리))(?:은|는|가|이)?(?=$|[\s!.~,])")
_TEAM_NOT = frozenset({"우리", "같은", "다른", "저희", "상대", "응원", "그", "이", "무슨", "어느", "어떤", "축구", "야구", "농구", "배구"})


def _in_passing(clause: str) -> Fact | None:
    """Who the user is, said beside something else: the school, major, team, job years or town."""
    if _someone_else_is_subject(clause):
        return None
    m = _SCHOOL_PASSING.search(clause)
    if m and m.group(1) not in QUESTION_WORDS and not m.group(1).startswith(("무슨", "어느")):
        return Fact("학교", m.group(1))
    m = _MAJOR_PASSING.search(clause)
    if m:
        return Fact("전공", next(g for g in m.groups() if g))
    m = _MAJOR_GRADE.search(clause)
    if m:  # '컴공 3학년 외롭다': the year with its major, as '나 컴공 3학년이야' gives it
        return Fact("학년", m.group(0).strip())
    m = _JOB_YEARS.search(clause)
    if m and not _negated_after(clause, m.end()):
        return Fact("직업", m.group(1))
    m = _TEAM.search(clause)
    if m and m.group(1) not in _TEAM_NOT and not _negated_after(clause, m.end()):
        value = clause[m.start(1):m.end()].strip()
        value = re.sub(r"(?:인데|이야|이에요|이라서|이라|라서|라|임|에서\s일해|에\s있어)$", "", value)
        return Fact("직장", value)
    m = _ABROAD.search(clause) or _HOME_VISIT.search(clause) or _MY_TOWN.search(clause)
    if m and _place_like(m.group(1)):
        key = "고향" if m.re is _HOME_VISIT else "사는 곳"
        return Fact(key, m.group(1))
    return None


# Order matters: more specific facts first; schedules before moods ('내일 시험이라 긴장돼' → the exam).
RULES: tuple[Rule, ...] = (
    _mbti, _birthday, _age, _status, _pet, _allergy, _in_passing, _people, _likes, _likes_more, _hobby, _major, _job, _work, _school, _taken_up, _move,
    _origin, _residence, _weather, _health, _schedule, _state, _likes_unknown,
)
# Rules that read other people's news on purpose (a family member's name, a sibling, the weather).
_OTHERS_ALLOWED: tuple[Rule, ...] = (_people, _weather)

# Clauses that state nothing: hearsay ('맛없대', '면접이래'), wishes and hypotheticals ('가고 싶다', '키우면
# 좋겠다'), suggestions and musings ('보자', '키울까'). Only the weather is read in hearsay ('비 온대').
_HEARSAY = re.compile(r"(?:[가-힣]대|[가-힣]래|대요|래요|더라|던데|다며|라며|다더라|댔어|랬어)$")
_NOT_HEARSAY = re.compile(r"(?:대학|[가-힣]{1,4}대)$")
_WISH = re.compile(
    r"싶|좋겠|[다고]\s?치자|(?<!니)까$|[가-힣]까\s|고민\s?중|고민이야|고민돼|[할볼갈말]지\s|려나$|[을할]래$"
    r"|(?:보|가|하|먹|놀|만나|마시|타|듣|찍)자$|(?:으|하|키우|가|있으)면$|로망|소원이|버킷\s?리스트|꿈이야|꿈이에요"
)
_QUESTION_STEMS = ("뭐", "뭔", "무슨", "누구", "누가", "언제", "어디", "몇", "왜", "어떻게", "어떤", "어때", "어느")


_UNDONE = re.compile(r"취소|(?:^|\s)(?:못|안)\s?(?:가|갈|가게|만나|만날)(?:\s|$|[게요])|없어졌|미뤄|미뤘|연기|파토|펑크|깨졌")


def _states_nothing(clause: str) -> bool:
    words = [w.strip(",") for w in tokens(clause)]
    return any(w in QUESTION_WORDS or w.startswith(_QUESTION_STEMS) for w in words) or bool(_WISH.search(clause))


def _context_owner(clause: str, previous: str | None) -> str | None:
    """Who a later '이름은 콩이야' is about: the pet or person the message mentioned last, if any."""
    for word in reversed(tokens(clause)):
        owner = _owner_of(word, None)
        if owner not in (None, "user"):
            return owner
    return previous


_GLUED = (
    (re.compile(r"(?:^|(?<=\s))(내|제|나의)(이름|생일|나이|직업|취미|전공|고향|mbti|MBTI)"), r"\1 \2"),
    (re.compile(r"(?<=이름)(은|는|이)(?=[가-힣]{2})"), r"\1 "),
    (re.compile(r"(?:^|(?<=\s))(나|난|저|전|나는|저는)(?=\d)"), r"\1 "),
    (re.compile(r"(?:^|(?<=\s))(오늘|내일|낼|모레|주말에|다음주에|담주에|이번주에|이따|토요일에|일요일에|금요일에)"
                r"(?=" + "|".join(sorted((e for e in EVENTS if len(e) >= 2 and " " not in e), key=len, reverse=True)) + ")"),
     r"\1 "),
    (re.compile(r"(?:^|(?<=\s))(" + "|".join(sorted(PLACES, key=len, reverse=True)) + r")(?=살아|살고|사는데|살거든)"), r"\1 "),
)


# polite verb endings read as the plain ones the rules know: '일하고 있어요' → '일하고 있어', '못 먹어요' → '못 먹어',
# '다녀요' → '다녀', '하고 있습니다' → '하고 있어' (copulas like '이에요', '예요' are left: the rules read them)
_POLITE_ENDING = re.compile(r"(?<=[가-힣])(?<![이예에])(어|아|워|와|해|봐|줘|져|녀|려|켜|쳐|혀|겨|낮|놔)요(?=$|[\s!.~,?])")
_POLITE_FORMAL = re.compile(r"있습니다(?=$|[\s!.~,?])")


def _plain(text: str) -> str:
    return _POLITE_FORMAL.sub("있어", _POLITE_ENDING.sub(r"\1", text))


# 'ㅠㅠ', 'ㅋㅋㅋ' between words end a sentence in chat: '나 이제 24살이다 ㅠㅠ 시간 왜 이렇게 빨라' is two
_EMOTE_BREAK = re.compile(r"\s*(?:[ㅋㅎ]{2,}|[ㅠㅜ]+)[.!~]*\s+(?=\S)")


def _sentences(user_text: str) -> list[tuple[str, bool]]:
    """The clauses the rules read: emoticon runs end a sentence, polite endings read plain, glued words
    split."""
    return sentences_and_clauses(_plain(_respace(clean(_EMOTE_BREAK.sub(". ", user_text)))))


def _respace(text: str) -> str:
    """'내이름은 민준이야' → '내 이름은 민준이야', '나24살이야' → '나 24살이야', '내일면접이야' → '내일 면접이야',
    '부산살아' → '부산 살아': the glued forms people type most often."""
    for pattern, repl in _GLUED:
        text = pattern.sub(repl, text)
    return text


def extract_fact(user_text: str) -> Fact | None:
    """The one fact worth remembering from what the user said (no time tag, memory or summary).

    The first clause with a fact gives it; a later clause that only adds to it (the pet's name after
    '강아지 키워') refines it, and a name or who the user is outlasts a passing state.
    """
    return _read_facts(user_text)[0]


def facts_in(user_text: str) -> list[Fact]:
    """Every fact the message's clauses state, the one `extract_fact` keeps first (recall questions look
    through all of them: '반가워 난 유나야 대학생이야' holds a name and a job)."""
    kept, every = _read_facts(user_text)
    return ([kept] if kept is not None else []) + [f for f in every if f != kept]


def _read_facts(user_text: str) -> tuple[Fact | None, list[Fact]]:
    every: list[Fact] = []
    found: Fact | None = None
    context: str | None = None
    text = _plain(_respace(clean(user_text)))
    greeted = bool(_GREETING.search(text))
    clauses = _sentences(user_text)
    plan_at = 0
    asked_name = False
    for index, (clause, question) in enumerate(clauses):
        owner = context
        context = _context_owner(clause, context)
        if asked_name and not question:
            name = _name_value(clause.strip(" !.~,")) if len(tokens(clause)) == 1 else None
            if name is not None and found is None:
                return Fact("이름", name), every  # '내 이름? 윤재야', '이름? 지훈'
        # a name asked for ('내 이름?') or not yet said ('아 이름 말 안 했네'): the next clause may be it alone
        asked_name = question and bool(_ASKS_OWN_NAME.fullmatch(clause.strip(" ?"))) or _NAME_UNSAID.search(clause) \
            is not None and not person_address(clause)[1]
        if question or _states_nothing(clause):
            continue
        fact = _clause_fact(clause, owner, greeted)
        part_owner = owner
        for part in _segments(clause):  # '나 아직 미성년자라 술 못 마셔': who the user is, said as a reason
            # after a pet or person is named ('남동생 하나 있어 중학생'), a part without 나 speaks of them
            about_them = part_owner not in (None, "user") and not any(w in _SPEAKER for w in tokens(part))
            more = None if about_them else _clause_fact(part, part_owner, greeted)
            if more is not None and (fact is None or _rank(more) < _rank(fact)):
                fact = more
            part_owner = _context_owner(part, part_owner)
        if fact is None:
            continue
        every.append(fact)
        lasting = found is not None and (_rank(fact) < _rank(found)
                                         or found.value in ("기혼", "있음") and key_family(fact.key) == "people"
                                         or fact.key == "이름" and (found.key != "이름" or _REAL_NAME_SAID.search(clause)))
        # a name said later wins, and the real name over what friends call the user
        if found is None or lasting or fact.key == found.key and fact.value.startswith(found.value) \
                and fact.value != found.value:
            found = fact  # a later clause completes it, or says who the user is after a passing state
            plan_at = index
    if found is not None and found.key.endswith(" 일정") and any(
        _UNDONE.search(clause) for clause, _ in clauses[plan_at + 1 :]
    ):
        return None, [f for f in every if f != found]  # '토요일에 졸업식인데 난 못 가', '만나기로 했는데 취소됐어'
    return found, every


# who the user is outlasts how they are right now: '붙었어!! 이제 공무원이야' is the job, not '합격'
_RANKS = MappingProxyType({"name": 0, "age": 1, "birthday": 2, "mbti": 2, "school": 3, "job": 3, "pet": 4, "people": 4,
                           "place": 5, "health": 6, "like": 6, "dislike": 6, "possession": 6, "plan": 7,
                           "whereabouts": 8, "feeling": 9})


def _rank(fact: Fact) -> int:
    """How much a fact says about who the user is: a name (0) before an age, a job or school, pets and
    people, places, likes, plans, and passing states (9) last."""
    return _RANKS.get(key_family(fact.key) or "", 9)


# a clause said in one breath ('나 아직 미성년자라 술 못 마셔', '저 오이 완전 좋아해 오이 싫어하는 사람들 …')
# is also read in parts, cut after a word that ends a clause or gives a reason
_PART_END = re.compile(r"(?:[가-힣]라|[가-힣]서|이야|[가-힣]임|[가-힣]함|[가-힣]됨|[가-힣]해|[가-힣]어)$")


def _segments(clause: str) -> list[str]:
    words = tokens(clause)
    parts: list[str] = []
    start = 0
    for i, word in enumerate(words[:-1]):
        if _PART_END.search(word.strip(" ,.!~")):
            parts.append(" ".join(words[start:i + 1]))
            start = i + 1
    if not parts:
        return []
    parts.append(" ".join(words[start:]))
    return [p for p in parts if not _states_nothing(p)]


_LASTING_KEYS = frozenset({"이름", "나이", "직업", "직장", "학교", "전공", "학년", "사는 곳", "고향"})
_REAL_NAME_SAID = re.compile(r"본명|(?:진짜|원래|실제)\s?이름")
_NAME_UNSAID = re.compile(r"(?:^|\s)(?:(?:내|제)\s)?(?:이름|본명)(?:을|은)?\s(?:말\s?안\s?했|안\s?알려|안\s?말했|말\s?안\s?해|"
                          r"알려\s?줄게|알려\s?줄께|말해\s?줄게|말해\s?줄께|소개)")
_ASKS_OWN_NAME = re.compile(r"(?:(?:아|앗|어|음|아\s?맞다)\s)?(?:(?:내|제|나의|저의)\s)?이름(?:은|이)?")
_THIRD_PRONOUNS = frozenset({"걔", "쟤", "얘", "걔네", "쟤네", "그분", "그녀"})
_SPEAKER = frozenset({"나", "난", "나는", "내가", "저", "전", "저는", "제가", "나도", "저도"})


def _clause_fact(clause: str, owner: str | None, greeted: bool = False) -> Fact | None:
    me, you = person_address(clause)
    hearsay = bool(_HEARSAY.search(clause)) and not _NOT_HEARSAY.search(clause)
    speaks = any(w.strip(",") in _SPEAKER for w in tokens(clause))  # '우리 오빠는' is someone else's news
    words = tokens(clause)
    first = words[0].strip(",") if words else ""
    # '걔 오산 살아', '엄마 간호사야': a third person spoken of without a particle, the user not speaking of
    # themselves. Only plans keep going ('엄마 생신이야', '친구 결혼식 가' are the user's days).
    bare_third = not speaks and (first in _THIRD_PRONOUNS or (first in PEOPLE | FAMILY and len(words) > 1))
    others = (_someone_else_is_subject(clause) or first in _THIRD_PRONOUNS) and not speaks

    def name_rule(c: str) -> Fact | None:
        return _name(c, owner, greeted)

    candidates: list[Rule] = [_feeling_about_lora]
    if me or not you:
        candidates.append(name_rule)
        candidates.extend(RULES)
    for rule in candidates:
        if (hearsay and rule is not _weather) or (others and rule not in _OTHERS_ALLOWED):
            continue
        if bare_third and rule not in (_schedule, _birthday, _people, _weather, name_rule):
            continue
        if rule is _age and owner is not None and owner.startswith("person:") and not speaks:
            continue  # '친구 선물 뭐 사주지? 스무 살이야': the friend's age
        fact = rule(clause)
        if fact is None:
            continue
        key, value = _tidy(fact.key), _widened(clause, _tidy(fact.value))
        return Fact(key, value) if key and value else None
    if you and not me:
        return None
    # nothing in the sentence shapes the rules know: read the clause by its predicate (facts_reader)
    read = None
    if not (hearsay or others or bare_third):
        read = facts_reader.read_clause(clause, jobs=JOBS, places=PLACES, pets=PETS)
    if read is None:
        read = facts_reader.read_people(clause, _person_key, _RELATIONS)
    key, value = (_tidy(read.key), _tidy(read.value)) if read else ("", "")
    return Fact(key, value) if key and value else None


_NOT_WIDENED = frozenset({"집", "우리집", "울집", "우리", "내", "제", "나", "저", "요즘", "지금", "진짜", "완전", "그냥"})


def _widened(clause: str, value: str) -> str:
    """A value with the bare nouns said before it in the clause: '통화' in '전화 통화 진짜 싫어함' is
    '전화 통화', '2학년' in '나 컴공 2학년' is '컴공 2학년' (times, pronouns and known event words stay out)."""
    words = [w.strip(" .,!?~") for w in tokens(clause)]
    first = value.split()[0]
    if first not in words or value in EVENTS or value.endswith(" 중") or len(value) > 10:
        return value
    at = words.index(first)
    before: list[str] = []
    while at - len(before) - 1 >= 0 and len(before) < 2:
        i = at - len(before) - 1
        word = words[i]
        if word in EVENTS or word in PEOPLE or word in FAMILY or word in _NOT_WIDENED \
                or _DAY.search(" ".join(words[max(0, i - 1):i + 1])) \
                or not facts_reader.bare_noun(word):
            break  # '다음 주가 여자친구 생일': '주가' ends a day expression, not a noun of the value
        before.insert(0, word)
    widened = " ".join(before + [value])
    return widened if len(widened) <= MAX_VALUE else value


def own_statements(user_text: str) -> list[str]:
    """The clauses in which the user states something of their own: not a question, wish or musing,
    hearsay, or news about someone else ('내 친구는 서울 살아', '언젠가 유럽 가보고 싶어' give none)."""
    kept = []
    for clause, question in _sentences(user_text):
        if question or _states_nothing(clause) or _someone_else_is_subject(clause):
            continue
        if _HEARSAY.search(clause) and not _NOT_HEARSAY.search(clause):
            continue
        words = tokens(clause)
        speaks = any(w.strip(",") in _SPEAKER for w in words)
        me, you = person_address(clause)
        if you and not me:
            continue  # '너는 22살이라며': about her, not the user
        along = any(re.search(r"(?:랑|이랑|하고|와|과)$", w) for w in words[:3])  # '친구 다섯 명이랑 캠핑 가'
        if not speaks and not along and words and (words[0] in _THIRD_PRONOUNS
                                                   or (words[0] in PEOPLE | FAMILY and len(words) > 1)):
            continue
        kept.append(clause)
    return kept


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
    return _day_name(m.group(1)) if m else None


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


def called_name(user_text: str) -> str | None:
    """The name the user asks to be called by ('그냥 하니라고 불러 줘', 'Kevin이라고 불려'), if any: recall
    questions about what to call them prefer it to the name on record."""
    for clause, _question in _sentences(user_text):
        m = _CALLED.search(clause)
        if m and not re.search(r"(?:^|\s)(?:너|널|너를)(?=\s)", clause):
            stem = m.group(1)
            if m.group(2) and not has_batchim(stem[-1]):
                stem += "이"
            name = stem if _NAME_SHAPE.fullmatch(stem) and stem not in _NOT_NAMES and not known_noun(stem) \
                and not re.search(r"(?:하|되|그러|다|해|줘|봐|어서|아서|는데)$", stem) else None
            if name:
                return name  # '다니라고 불러' (a called name may end like a verb form: 다니, 하니)
    return None


def name_like(word: str) -> bool:
    """Whether a word could be a name someone is called by ('민준', '콩이', 'Sarah'), not a common word,
    a state or a count ('짜증', '있음', '두 마리')."""
    return _name_value(word) is not None and word not in _NOT_SELF_NAMES and not _NOT_A_NAME_WORD.fullmatch(word)
