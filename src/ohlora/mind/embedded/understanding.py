"""What a message means, as the embedded roles share it (issue 14): one `Understanding` per message.

`understand(text, analyzer)` is computed from the Korean analysis (`analysis.py`); every embedded role
reads the same result (the `Reader` caches it per text), so the replier, the memory extractor and
the summariser never disagree about what was said.

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

import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from types import MappingProxyType

from ohlora.ethics.crisis import is_crisis
from ohlora.mind.embedded import analysis as an
from ohlora.mind.embedded.analysis import Analyzer, Sentence
from ohlora.mind.embedded.korean import PARTICLE_LIKE_NOUNS, clean, has_batchim, strip_vocative

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
    "health": ("건강",),  # before "feeling": "건강 상태" is health
    "feeling": ("상태", "기분"),
    "people": ("가족", "친구", "연인", "동생", "형", "오빠", "누나", "언니", "엄마", "아빠"),
    "possession": ("물건",),  # what the user bought or was given ('산 물건', '받은 물건')
    "whereabouts": ("있는 곳",),  # where the user is right now ('지금 있는 곳: 도서관')
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
    INSULT = "insulted"  # rude words aimed at her (the judge decides on sanctions; she says it hurts)
    PRAISE = "praised"  # kind words about her or talking with her ('너랑 얘기하는 게 제일 좋아')
    CRISIS = "crisis"  # wanting to die or to hurt oneself: care and the crisis line (109), never a sanction
    HARM = "harm_request"  # help asked with something that hurts or cheats others (hacking, cheating, stalking …)
    FOLLOWUP = "followup"  # a bare '왜?', '진짜?', '그래서?' that only makes sense after her answer
    ADVICE = "advice"  # '다시 연락해볼까?', '말해야 할까?': the user asks what to do
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
    # feeling (긴장, 피곤 …), food, hobby; and major, home, mbti, birthday, like, dislike, family
    # (여동생, 외동), pet_breed, relation (친구), person_name (민지; person is then "친구 민지"),
    # person_job, person_fact ("동생 이름: 지호"), wish (what the user wants or dreams of: 고양이, 개발자;
    # never a fact). A fact the message denies (나 학생 아니야) fills no slot; `negated` says so.
    slots: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    recall_key: str | None = None  # for RECALL / ASK_USER: the memory key family asked about (see facts.KEYS)
    polarity: int = 0  # the user's feeling: -1 negative, 0 neutral, +1 positive
    confidence: float = 1.0  # how sure the reading is (0..1); the replier answers generically below its floor
    # social moves that came along with the main act ("안녕! 나 민준이야": TELL_FACT, also GREETING)
    also: tuple[Act, ...] = ()


# --- vocabulary -----------------------------------------------------------------------------------

RELATIONS = frozenset(
    {"친구", "엄마", "아빠", "어머니", "아버지", "부모님", "가족", "동생", "여동생", "남동생", "언니", "오빠", "누나",
     "형", "할머니", "할아버지", "남친", "여친", "남자친구", "여자친구", "애인", "남편", "아내", "와이프", "딸",
     "아들", "동기", "선배", "후배", "동료", "상사", "팀장님", "팀장", "부장님", "과장님", "사장님", "교수님",
     "선생님", "사촌", "조카", "삼촌", "이모", "고모", "룸메", "룸메이트", "베프", "절친", "걔", "쟤", "그 사람",
     "친구들", "썸남", "썸녀", "짝꿍", "반 친구"}
)
PETS = frozenset({"강아지", "고양이", "햄스터", "토끼", "앵무새", "거북이", "고슴도치", "물고기", "금붕어", "개",
                  "냥이", "댕댕이", "도마뱀", "병아리", "기니피그", "반려견", "반려묘", "반려동물"})
EVENTS = frozenset(
    {"시험", "면접", "발표", "약속", "데이트", "여행", "파티", "회식", "모임", "미팅", "회의", "수업", "과제",
     "마감", "출장", "공연", "콘서트", "경기", "대회", "결혼식", "생일", "기념일", "휴가", "졸업식", "입학식",
     "알바", "야근", "출근", "소개팅", "수술", "검진", "건강검진", "상담", "레슨", "학원", "연습", "축제", "엠티",
     "워크숍", "개강", "종강", "방학", "이사", "수능", "중간고사", "기말고사", "토익", "오디션", "촬영", "등산",
     "운동", "캠핑", "동창회", "입대", "전역", "스터디", "공부", "숙제", "프로젝트", "인터뷰", "뮤지컬", "집들이",
     "생파", "실습", "생신", "예약", "출국", "귀국", "이직", "퇴사", "입사", "결혼", "모의고사", "세미나", "병원",
     "치과", "쇼핑", "영화", "드라이브", "소풍", "술자리", "마라톤", "자격증"}
)
FOODS = frozenset(
    {"떡볶이", "마라탕", "치킨", "피자", "햄버거", "라면", "짜장면", "짬뽕", "초밥", "스시", "삼겹살", "고기",
     "김치찌개", "된장찌개", "비빔밥", "냉면", "파스타", "스테이크", "커피", "아메리카노", "라떼", "녹차", "우유",
     "맥주", "소주", "와인", "술", "빵", "케이크", "아이스크림", "초콜릿", "민트초코", "과자", "족발", "보쌈",
     "곱창", "순대", "김밥", "돈가스", "돈까스", "카레", "쌀국수", "훠궈", "탕후루", "샐러드", "오이", "가지",
     "당근", "버섯", "회", "해산물", "새우", "딸기", "사과", "바나나", "수박", "포도", "귤", "복숭아", "마카롱",
     "디저트", "밥", "국밥", "삼계탕", "닭갈비", "부대찌개", "우동", "소바", "만두", "타코", "샌드위치", "토스트",
     "도넛", "쿠키", "젤리", "콜라", "사이다", "홍차", "밀크티", "버블티", "감자튀김", "오므라이스", "양꼬치",
     "마라샹궈", "쭈꾸미", "닭발", "육회", "피망", "고수", "홍어", "콩국수", "팥빙수", "빙수", "갈비", "불고기"}
)
HOBBIES = frozenset(
    {"게임", "독서", "책", "영화", "드라마", "애니", "음악", "노래", "춤", "그림", "운동", "요가", "필라테스",
     "헬스", "수영", "등산", "캠핑", "낚시", "여행", "사진", "요리", "베이킹", "축구", "농구", "야구", "배구",
     "테니스", "배드민턴", "골프", "볼링", "클라이밍", "러닝", "달리기", "산책", "자전거", "피아노", "기타",
     "뜨개질", "쇼핑", "웹툰", "만화", "유튜브", "코딩", "공부", "글쓰기", "덕질", "아이돌", "케이팝", "노래방",
     "보드게임", "롤", "마인크래프트", "발레", "스키", "보드", "서핑", "악기", "카페", "맛집", "전시회", "뮤지컬"}
)
# places people name: cities, regions, countries, neighbourhoods (the memory rules and the reader share them)
PLACES = frozenset(
    {"서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "수원", "성남", "고양", "용인", "창원", "청주",
     "전주", "천안", "포항", "김해", "제주", "제주도", "강릉", "춘천", "속초", "여수", "경주", "안동", "목포",
     "통영", "거제", "양양", "가평", "판교", "분당", "일산", "강남", "홍대", "잠실", "신촌", "해운대", "경기도",
     "강원도", "일본", "도쿄", "오사카", "후쿠오카", "중국", "베이징", "상하이", "대만", "미국", "뉴욕", "캐나다",
     "호주", "영국", "런던", "프랑스", "파리", "독일", "베트남", "다낭", "태국", "방콕", "발리", "괌", "하와이",
     "싱가포르", "유럽", "해외", "외국", "바다", "계곡", "산", "동해", "서해", "남해", "마포", "합정", "망원", "연남동",
     "성수", "건대", "왕십리", "이태원", "용산", "종로", "을지로", "여의도", "영등포", "목동", "강서", "송파", "강동",
     "노원", "도봉", "은평", "관악", "신림", "서초", "동작", "광진", "성북", "구로", "금천", "수유", "상암", "부천",
     "안양", "의정부", "파주", "김포", "평택", "화성", "동탄", "광교", "하남", "구리", "남양주", "시흥", "안산",
     "원주", "군산", "익산", "순천", "진주", "구미", "제천", "충주", "아산", "서산", "LA", "시애틀", "밴쿠버",
     "토론토", "시드니", "멜버른", "뉴질랜드", "스페인", "이탈리아", "스위스", "필리핀", "인도네시아", "몽골",
     "러시아", "홍콩", "교토", "삿포로", "오키나와", "치앙마이", "세부", "타이베이"}
)
JOBS = frozenset(
    {"학생", "대학생", "고등학생", "중학생", "초등학생", "대학원생", "직장인", "회사원", "개발자", "프로그래머",
     "엔지니어", "디자이너", "간호사", "의사", "약사", "선생님", "교사", "강사", "공무원", "군인", "경찰", "소방관",
     "요리사", "셰프", "바리스타", "프리랜서", "취준생", "백수", "마케터", "기획자", "연구원", "변호사", "회계사",
     "작가", "유튜버", "배우", "가수", "모델", "기자", "사업가", "자영업자", "알바생", "주부", "승무원", "미용사",
     "물리치료사", "사회복지사", "판매원", "점원", "은행원", "직원", "인턴", "대표", "사장", "교수", "수의사",
     "치과의사", "한의사", "건축가", "번역가", "통역사", "편집자", "영상편집자", "웹디자이너", "데이터분석가",
     "트레이너", "상담사", "조교", "수험생", "재수생", "N수생", "교대생", "의대생", "공시생"}
)
# feeling stems (as written) -> the feeling's name and polarity
FEELINGS: Mapping[str, tuple[str, int]] = MappingProxyType({
    "피곤": ("피곤", -1), "긴장": ("긴장", -1), "떨려": ("떨림", -1), "떨린": ("떨림", -1), "떨리": ("떨림", -1),
    "신나": ("신남", 1), "신난": ("신남", 1), "신났": ("신남", 1), "설레": ("설렘", 1), "설렌": ("설렘", 1),
    "슬퍼": ("슬픔", -1), "슬프": ("슬픔", -1), "슬펐": ("슬픔", -1), "우울": ("우울", -1), "행복": ("행복", 1),
    "기뻐": ("기쁨", 1), "기쁘": ("기쁨", 1), "기뻤": ("기쁨", 1), "짜증": ("짜증", -1), "화나": ("화남", -1),
    "화났": ("화남", -1), "힘들": ("힘듦", -1), "힘드": ("힘듦", -1), "힘든": ("힘듦", -1), "외로": ("외로움", -1), "외롭": ("외로움", -1),
    "심심": ("심심함", -1), "배고파": ("배고픔", -1), "배고프": ("배고픔", -1), "졸려": ("졸림", -1),
    "졸리": ("졸림", -1), "불안": ("불안", -1), "걱정": ("걱정", -1), "무서": ("무서움", -1), "무섭": ("무서움", -1),
    "아파": ("아픔", -1), "아프": ("아픔", -1), "아팠": ("아픔", -1), "스트레스": ("스트레스", -1),
    "지쳤": ("지침", -1), "지친": ("지침", -1), "지쳐": ("지침", -1), "속상": ("속상함", -1), "서운": ("서운함", -1),
    "억울": ("억울함", -1), "답답": ("답답함", -1), "뿌듯": ("뿌듯함", 1), "설렘": ("설렘", 1), "좋아": ("좋음", 1),
    "기분 좋": ("좋음", 1), "기분좋": ("좋음", 1), "최고": ("좋음", 1), "짱": ("좋음", 1), "재밌": ("즐거움", 1),
    "즐거": ("즐거움", 1), "즐겁": ("즐거움", 1), "편안": ("편안함", 1), "후련": ("후련함", 1), "망했": ("속상함", -1),
    "망함": ("속상함", -1), "귀찮": ("귀찮음", -1), "괴로": ("괴로움", -1), "무기력": ("무기력", -1), "멘붕": ("멘붕", -1),
    "빡쳐": ("화남", -1), "빡친": ("화남", -1), "열받": ("화남", -1), "싫어": ("싫음", -1), "울적": ("우울", -1),
    "허전": ("허전함", -1), "괜찮": ("괜찮음", 0), "들떠": ("설렘", 1), "두근": ("설렘", 1), "감동": ("감동", 1),
    "부러": ("부러움", -1), "질투": ("질투", -1), "창피": ("창피함", -1), "민망": ("민망함", -1), "긴장돼": ("긴장", -1),
})
# alternations longest first (and then in code-point order), so every machine reads the same
_PET_ALT = "|".join(sorted(PETS, key=lambda w: (-len(w), w)))
_RELATION_ALT = "|".join(sorted(RELATIONS, key=lambda w: (-len(w), w)))
_PET_CALLED = re.compile(r"([가-힣A-Za-z]{1,8})(?:이)?(?:라는|란)\s?(?:" + _PET_ALT + ")")
_RELATION_NAME = re.compile(r"(?:" + _RELATION_ALT + r")\S*\s?이름")
_RELATION_AGE = re.compile(r"(?:" + _RELATION_ALT + r")\S*\s?(?:\S+\s)?\d*\s?살")
_FEELING_POLARITY = {name: polarity for name, polarity in FEELINGS.values()}
_FEELING_WORDS = re.compile("|".join(re.escape(w) for w in sorted(FEELINGS, key=len, reverse=True)))
# words that carry a feeling in a message but are not the user's state (no feeling slot), by polarity
_POSITIVE_CUES = ("ㅋㅋ", "ㅎㅎ", "^^", "좋다", "좋았", "대박", "신기", "최고", "ㅊㅋ", "축하", "헤헤", "합격", "붙었",
                  "성공", "이겼", "해방", "끝!", "끝냈", "드디어", "뿌듯", "행복", "개운", "후련", "!!!")
_NEGATIVE_CUES = ("ㅠ", "ㅜ", "ㅡㅡ", "흑흑", "하아", "에휴", "후우", "떨어졌", "혼났", "깨졌", "헤어졌", "졌어", "실패",
                  "잠이 안", "잠 안 와", "못 자", "하기 싫", "싫어", "재미없", "답답", "힘들", "지쳐", "죽겠", "빡쳐",
                  "나만 빼고", "무지개다리", "정신없", "정신이 하나도", "없나 봐", "없나봐", "헷갈", "어지러", "바닥",
                  "손에 안 잡", "안 돼", "안돼", "안 되", "안 맞", "안 맞는", "안 줘", "안 주", "고민돼", "고민이야",
                  "고민 중", "추워", "더워", "버벅", "좀비", "어떡하", "어쩌지", "큰일")

REACTIONS = frozenset(
    {"ㅋㅋ", "ㅎㅎ", "ㅇㅇ", "ㅇㅋ", "ㄹㅇ", "ㅇㅈ", "ㄱㄱ", "ㄴㄴ", "헐", "대박", "오", "오오", "와", "우와", "헉", "음",
     "흠", "응", "웅", "엉", "어", "아", "아하", "오키", "오케이", "ok", "okay", "굿", "넵", "네", "예", "넹", "그래",
     "그렇구나", "그렇군", "맞아", "진짜", "정말", "레알", "실화", "헐랭", "흐음", "아항", "쩐다", "그치", "글치", "ㄷㄷ",
     "ㅠㅠ", "ㅜㅜ", "ㅋ", "ㅎ", "lol", "wow", "노노", "아니", "아냐", "그래그래", "좋아", "좋네", "오호", "하하", "흐흐",
     "히히", "ㅊㅋ", "에이", "설마", "뭐야", "에휴", "그냥", "몰라", "글쎄", "ㅇㅋㅇㅋ", "넵넵", "응응", "웅웅", "엥",
     "알았어", "알겠어", "알았다", "알겠습니다", "웃기다", "웃겨", "웃기네", "힝", "흥", "치", "칫", "오홍", "옹"}
)
_GREETING = re.compile(r"^(?:안녕(?!히)(?:하세요|하십니까)?|하이|헬로|hi|hello|ㅎㅇ|반가워|반가워요|반갑다|반갑습니다|"
                       r"좋은\s?아침|굿모닝|오랜만(?:이야|이네|이다|이에요)?|방가|나\s?왔어|왔어)(?=$|[\s!,.~?])", re.I)
_FAREWELL = re.compile(r"(?:^|\s)(?:잘\s?자|잘\s?가|안녕히|바이|빠이|ㅂㅂ|ㅂㅇ|굿\s?나잇|굿밤|다음에\s?(?:봐|보자|얘기해)|"
                       r"또\s?(?:봐|보자|올게)|내일\s?봐|이따\s?봐|(?:나\s)?(?:이제\s)?(?:잘게|자러\s?갈게|갈게|가볼게|들어갈게|"
                       r"나갈게|잘래)|이만\s?(?:갈게|잘게|가볼게|줄일게)|나\s간다|가\s?볼게|가야\s?(?:돼|됨|겠다)|"
                       r"들어가야\s?(?:돼|됨|겠다)|bye)(?=$|[\s!,.~?])", re.I)
_THANKS = re.compile(r"고마워|고맙|감사|땡큐|ㄱㅅ|thank|thx|ㄳ", re.I)
_APOLOGY = re.compile(r"미안|죄송|쏘리|ㅈㅅ|sorry|ㅈㅅㅈㅅ", re.I)
_CONFESS = re.compile(r"(?i:i\s?love\s?you|love\s?you|luv\s?u)|(?:너|널|너를|로라)\S*\s?(?:진짜\s|많이\s|너무\s)?좋아(?:해|한다)|사랑해|사랑한다|사귀자|사귈래|사귀어\s?줘|사귀어\s?줄래|사귀면|여자\s?친구\s?(?:해|하자|돼)|여친\s?(?:해|하자|돼)|"
                      r"결혼하자|결혼해\s?줘|결혼할래|데이트\s?(?:하자|할래)|실제로\s?만나|직접\s?만나|만나\s?줄래|만날래|"
                      r"만나자|(?:(?:^|\s)(?:너|널|너를|나|날|나를|로라|로라를|네\s?얼굴)\s(?:너무\s|진짜\s|많이\s)?|^)보고\s?싶|좋아해\s?줘|나랑\s?사귀|고백")
_LIKE = re.compile(r"(?:좋아(?:해|하|했|한|함|요|하는|한다)|좋더라|사랑해|최애|빠졌|짱\s?좋아|좋아$)")
_DISLIKE = re.compile(r"(?:싫어(?:해|하|했|한|함|요)?|싫다|싫더라|못\s?먹|안\s?좋아해|별로야|별로더라|질색)")
_RECALL = re.compile(r"기억\s?(?:나|해|하|하니|하지|났|함|남)|뭐랬|랬지|랬더라|뭐였(?:지|더라|어)|뭐더라|뭐드라|뭐였드라|누구더라|였지|였더라|이었지|이었더라|했지|했더라|"
                     r"그랬(?:지|더라|잖아|었지)|라고\s?했|"
                     r"했었지|했었나|했었잖아|말했|얘기했|말한\s?거|알지|아니\?|알아\?|했잖아|까먹|잊었|잊어버렸")
# rude words aimed at her: '닥쳐', '너 진짜 멍청하다', 'ㅅㅂ 말귀를 못 알아먹네' (not 'ㅅㅂ 시험 망했어', which is
# about the user's day, nor '친구가 나한테 바보래', which reports someone else)
_RUDE = re.compile(r"닥쳐|닥치|꺼져|꺼지|멍청|바보|병신|븅신|ㅂㅅ|ㅄ|등신|찐따|쓰레기|한심|재수\s?없|짜증\s?나게\s?하|"
                   r"말귀|못\s?알아\s?(?:먹|듣)|재미없어|노잼이야|지루해\s?너|싫어\s?너|너\s?싫어|구려|별로야\s?너|"
                   r"고철|깡통|기계\s?주제|AI\s?주제|주제에|못생|돼지|미친\s?(?:거|년|놈|것)|개\s?같|ㅗ")
_RUDE_ALONE = re.compile(r"^(?:ㅅㅂ|시발|씨발|ㅆㅂ|ㅈㄹ|지랄|ㄲㅈ|ㄷㅊ)[!.~ ]*$")
_REPORTED = re.compile(r"(?:친구|엄마|아빠|선배|후배|팀장|사장|누가|걔|쟤|사람들|남친|여친|동생|언니|오빠|형|누나)\S*\s.*"
                       r"(?:다고|라고|래|대|했|하더라|그랬)")
_PRAISE = re.compile(r"(?:얘기하는\s?(?:게|거)|대화하는\s?(?:게|거)|말하는\s?(?:게|거))\s?(?:제일\s|진짜\s|너무\s)?(?:좋아|재밌|재미있|즐거)|"
                     r"최고야|최고다|귀여워|귀엽다|예뻐|예쁘다|착해|착하다|똑똑해|똑똑하다|멋져|멋있어|천재|"
                     r"고마운\s?존재|힘이\s?돼|위로가\s?돼|잘한다|잘하네")
# not a request though it ends like one: '추가 수당도 안 줘' (news), '머리가 없나 봐' (a guess)
_NOT_ASKED = re.compile(r"(?:안|못)\s?(?:줘|주|줌)|(?:나|는가|ㄴ가|은가|인가)\s?봐\s*[.!?~ㅠㅜ]*$|나봐\s*[.!?~ㅠㅜ]*$")
# the user telling of a confession they received or made to someone else, not confessing to her
_OTHERS_LOVE = re.compile(r"고백\s?(?:받|했|하려고|할까|해\s?볼까)|(?:걔|그\s?사람|선배|친구|썸남|썸녀)\S*\s?(?:한테|에게)\s?고백")
# the user pointing at what she said before ('아까 추천해준 거 중에', '그 중에 두번째 거', '말씀하신 것 중에')
HER_WORDS_BEFORE = re.compile(r"(?:아까|방금)\s?(?:추천해\s?준|추천한|말해\s?준|말한|알려\s?준|얘기한|말씀하신)\s?(?:거|것|방법)|"
                               r"그\s?중에|그중에|말씀하신\s?(?:것|거)|추천해\s?준\s?(?:거|것)")


# the user's own name asked back: '내/제 이름' with a question or a word of remembering, or a bare '이름' with one
# ('이름은 기억하지?', '이름까지 맞히면 인정'; a bare '이름이 뭐야?' asks hers)
_OWN_NAME_ASKED = re.compile(
    r"(?:^|\s)(?:(?:내|제|나의|저의)\s?이름(?:은|도|까지|을|를|이)?\s?(?:\S+\s)?(?:기억|맞[히혀춰추]|까먹|잊|알지|알아|"
    r"말해|불러|뭐|뭔지|뭐였|뭐라)|(?:^|\s)이름(?:은|도|까지|을|를|이)?\s?(?:\S+\s)?(?:기억\s?(?:나|해|하|하지|하니|함)|"
    r"맞[히혀춰추]|까먹|잊))")


# What she refuses to help with (persona: hacking, bombs, drugs, phishing, cheating, violence), and the
# same for prying into someone's life and filming people secretly: the thing asked for ...
_HARM_THING = re.compile(
    r"컨닝|커닝|부정\s?행위|대리\s?(?:출석|시험)|해킹\s?(?:하는|해\s?줘|해서|할|하려|하면|해\s?주|툴|프로그램)|"
    r"비번\s?(?:알아|털|뚫)|비밀\s?번호\s?(?:알아|털|뚫)|"
    r"계정\s?(?:털|뚫|해킹)|(?:주소|집|위치|번호|연락처)\S{0,2}\s?(?:알아내|알아\s?내|찾아내|캐)|위치\s?추적|뒷조사|"
    r"신상\s?(?:털|캐)|몰래\s?(?:찍|따라|훔쳐|보|엿|녹음)|도촬|몰카\s?(?:찍|설치|다는|달)|스토킹|(?<![가-힣])마약(?!\s?(?:김밥|떡볶이|옥수수|토스트|계란|베개|쿠션|소스))|대마|필로폰|"
    r"떨\s?(?:구하|사|파)|(?:폭탄|총|무기|독약|독)\s?(?:만들|만드|제조|구하)|훔치|훔쳐|도둑질|슬쩍하|사기\s?치|피싱|보이스\s?피싱|"
    r"(?:때리|패|괴롭히)는\s?(?:법|방법)|복수|(?:골탕|엿)\s?먹이|다치게|매장시키|루머|소문\s?(?:내|퍼뜨)|"
    r"합성해|사칭|잠수\s?타|펑크\s?내|돈\s?뜯|빼돌리|(?:위치|출석)\S{0,2}\s?조작|베껴|표절\s?(?:검사\s?)?피하|"
    r"(?:어디\s?사는지|사는\s?곳|전화\s?번호|폰\s?번호|위치)\S{0,2}\s?(?:알아내|알아\s?낼|찾는|찾아|확인하는)|"
    r"몰래\s?(?:감시|확인|알아내|타는|타면|넣|빼|답|보는|들여다)|감시하고\s?싶|수면제|졸피뎀|(?:약|대마|떨)\s?사는|"
    r"(?:칼|총|흉기)\S{0,2}\s?(?:만드|구하|들고\s?다니|안\s?걸리)|카메라\s?숨기|돈\s?(?:조금씩\s?)?빼|금고|"
    r"안\s?(?:들킬|걸릴|걸리게)|들키지\s?않|시험지\s?(?:미리\s?)?(?:빼|유출)|무선\s?이어폰\s?쓰면")
# ... said as a request for help or a how-to, not as news of something that happened to someone
_HARM_ASKED = re.compile(r"법|방법|어떻게|알려|가르쳐|도와|좀|해\s?줘|해\s?주라|할\s?수|하자|할까|볼까|갈까|하려|싶|\?|ㄱㄱ|가능|들킬|걸릴")
_HARM_SUFFERED = re.compile(r"당했|당함|당해서|당할|당하|당한|걸렸|잡혔|들켰|뉴스|기사|조심|왔는데|받았는데|예방|복구|탐지|"
                            r"신고|안\s?하고|안\s?하게|절대|불법|나쁜|위험|대회|게임|범죄|수\s?없어|드라마|영화|자격증|수업|전공|막는|막으려면|지키|받으면|받았을|대처|구별|뭐야|맞지|중독|치료|처벌|잃어버렸|깔렸는지|없이")


def harm_requested(text: str) -> bool:
    """Whether the user asks her for help with something that hurts or cheats others ('시험 컨닝하는 법 좀',
    '전 남친 집 주소 알아내는 법'); news of it ('친구가 보이스피싱 당했대') is not asking."""
    return bool(_HARM_THING.search(text) and _HARM_ASKED.search(text) and not _HARM_SUFFERED.search(text))


def user_said_it(text: str) -> bool:
    """'아까 내가 말한 거' points at the user's own words (a recall question), not hers."""
    return bool(re.search(r"(?:내가|제가|나|내)\s?(?:아까\s)?(?:말한|말했던|얘기한|했던)", text))


# a time that names a day ahead (a plan), not an hour or a stretch ('새벽까지', '요즘', '10분째')
_DAYISH = re.compile(r"오늘|내일|모레|주말|다음|이번|요일|\d+\s?월|\d+\s?일|방학|연휴|크리스마스|생일|이따")
_FOLLOWUP = re.compile(r"(?:오|아|헐|엥|응)?\s?(?:왜|왜요|왜지|진짜|진짜로|정말|정말로|레알|ㄹㅇ|실화|그래서|그리고|그럼|그러면)"
                       r"\s*[?!.~ㅋㅎ]*")
# she is asked whether she forgot something of the user's (not her own: '너 네 생일 까먹었어?')
_FORGOT = re.compile(r"까먹|잊어버렸|잊었|잊은\s?거|잊지\s?않았")
_HER_OWN = re.compile(r"(?:^|\s)(?:네|니|너의|너\s?자신|로라\s?너의?)\s?(?:이름|생일|나이|약속)")
_WISH = re.compile(r"고\s?싶|면\s?좋겠|으면\s?해|았으면|었으면|했으면|ㄹ까\s?고민|까\s?(?:고민|생각)|되는\s?게\s?꿈|꿈이야|꿈은")
_GUESS = re.compile(r"맞[춰혀]\s?봐|맞[추히]면|맞[춰혀]\s?볼래|게\s?\?|게$|일까\s?요?\??$|(?:뭘|누굴|어딜)까\s?요?\??$|같아\?")
# a quiz without a question mark ('나 이름 머게'), and asking her to say what she remembers ('내 이름 말해봐')
_QUIZ_END = re.compile(r"(?:뭐|머|누구|어디|몇\s?살)(?:였|이었)?게\s*[?!~.ㅋㅎ]*$")
_SAY_IT = re.compile(r"말해\s?(?:봐|줘|주세요|줄래|보세요)|불러\s?(?:봐|줘|주세요|줄래|보세요)|대\s?봐|알려\s?(?:줘|주세요|줄래)")
_OPINION = re.compile(r"어때|어떤\s?것\s?같|어떻게\s?생각|생각해\?|생각은|괜찮(?:을까|아\?|겠지)|좋을까|할까|"
                      r"나을까|어떨까|맞아\?|맞지\?|어떡해|어떡하지|어쩌지|뭐가\s?좋|추천|골라|고를까|해야\s?(?:돼|할까|하나)")
_KOREAN_AGE = re.compile(r"(스물|스무|서른|마흔|쉰|열)\s?(하나|한|둘|두|셋|세|넷|네|다섯|여섯|일곱|여덟|아홉)?\s?(?:살|(?:이야|야|이에요|예요|입니다)(?=$|[\s!.~,?]))")
_DIGIT_AGE = re.compile(r"(\d{1,3})\s?살")
_NAME_PATTERNS = (
    re.compile(r"(?:내|제|나의|저의)\s?이름(?:은|이|는)?\s?([가-힣A-Za-z]{1,12})"),
    re.compile(r"(?:^|\s)(?:나|난|나는|저|전|저는)?\s?([가-힣A-Za-z]{1,8})(?:이)?라고\s?(?:해|합니다|해요|불러|하는데|하거든)"),
    re.compile(r"([가-힣A-Za-z]{1,8}?)(?:이)?라고\s?불러\s?(?:줘|주세요|줄래)"),
    re.compile(r"(?:^|\s)(?:저는|전)\s([가-힣]{2,5}?)(?:입니다|이에요|예요)"),
    re.compile(r"(?:^|\s)(?:나|난|나는)\s([가-힣]{2,4}?)(?:이야|야|이거든|거든|임)(?=$|[\s!.~,?])"),
)
_NOT_NAMES = frozenset(JOBS | RELATIONS | FOODS | HOBBIES | PETS | EVENTS) | {
    "뭐", "누구", "진짜", "정말", "그냥", "지금", "오늘", "내일", "혼자", "여기", "거기", "집", "학생", "뭐라", "이름",
    "너", "나", "저", "그거", "이거", "아무", "아무것", "너무", "완전", "좀", "다", "또", "이제", "방금", "아직",
    "기분", "행복", "최고", "바보", "천재", "부자", "외동", "막내", "장녀", "장남", "첫째", "둘째", "셋째", "솔로",
    "모태솔로", "싱글", "다행", "괜찮", "맞", "아니", "그래", "피곤", "우울", "심심", "배고파", "잘", "오랜만",
    "감기", "공주", "왕자", "아기", "애기", "거지", "환자", "꼴찌", "일등", "집순이", "집돌이", "돼지", "괴물", "노예",
    "여자", "남자", "어른", "사람", "한국인", "외국인", "고딩", "대딩", "중딩", "초딩", "직딩", "처음", "마지막", "끝",
    "무직", "커플", "유부남", "유부녀", "임산부", "누구게", "뭐게", "문제", "반대", "찬성", "농담", "장난", "진심", "비밀",
    "팬", "덕후", "고수", "초보", "신입", "동갑", "연상", "연하", "혼혈", "채식주의자", "다이어트", "금연",
}
_HER_WORD = re.compile(r"^(?:너|넌|널|너는|너도|너가|니가|네가|너의|너랑|너한테|너희|니|네|당신|오?로라(?:는|도|가|의|를|한테|랑|야)?)$")
_USER_WORD = re.compile(r"^(?:나|난|날|내|내가|나는|나도|나의|나를|나한테|나랑|저|전|제|제가|저는|저도|저의|저를|우리|우리집|"
                        r"우리는|우리도|우리가|저희)$")
_STOP_NOUNS = frozenset({"거", "것", "게", "수", "때", "중", "뭐", "나", "너", "저", "제", "우리", "이거", "그거", "저거",
                         "정도", "진짜", "정말", "오늘", "내일", "어제", "지금", "요즘", "이번", "다음", "주", "말",
                         "생각", "얘기", "이야기", "사람", "이름", "좀", "너무", "로라", "오로라", "번", "데", "줄", "뭘"})
_PARTICLE_TAIL = re.compile(r"(?:에서는|에서도|한테서|이랑은|으로는|에서|에게|한테|이랑|으로|에는|에도|까지|부터|처럼|보다|"
                            r"은|는|이|가|을|를|과|와|랑|로|에|도|의|만|엔|요)$")
_MASH = re.compile(r"^[ㄱ-ㅎㅏ-ㅣ]{3,}$")
_JAMO_FACES = frozenset({"ㅇㅅㅇ", "ㅇㅁㅇ", "ㅎㅅㅎ", "ㅜㅅㅜ", "ㅠㅅㅠ", "ㅇㅂㅇ", "ㅡㅅㅡ", "ㅇㅈㅇ", "ㅎㅂㅎ", "ㅜㅜ", "ㅠㅠ",
                         "ㅇ_ㅇ", "ㅡㅡ", "ㅗㅗ"})
_EMOJI_MOOD = {ch: 1 for ch in "😀😁😂🤣😃😄😆😊😍🥰😘😻❤💕💖👍🎉✨😎🤗😋🙂😉"} | {
    ch: -1 for ch in "😭😢😞😔😡😠💔😩😫😣😖😰😱🥺😥😓🙁☹"}
# a word that mixes syllables with stray letters (ㅁ나ㅣ어림): typed by a hand on the keyboard
_STRAY_JAMO = re.compile(r"[가-힣][ㄱ-ㅊㅌㅍㅏ-ㅡㅣ]|[ㄱ-ㅊㅌㅍㅏ-ㅡㅣ][가-힣]")


_KNOWN = FOODS | PETS | EVENTS | RELATIONS | HOBBIES | JOBS
_LONGEST_KNOWN = max(len(w) for w in _KNOWN)


def _bare(word: str) -> str:
    """A word with its trailing punctuation and one particle cut ('강아지는' -> '강아지')."""
    word = word.strip(" .,!?~…\"'")
    if word in PARTICLE_LIKE_NOUNS:
        return word
    for size in range(min(len(word), _LONGEST_KNOWN), 0, -1):  # the longest known noun the word starts with
        if word[:size] in _KNOWN and (size == len(word) or _PARTICLE_TAIL.fullmatch(word[size:])):
            return word[:size]
    stem = _PARTICLE_TAIL.sub("", word)
    return stem if len(stem) >= 1 else word


def _person_of(word: str) -> About | None:
    w = word.strip(" .,!?~")
    if _HER_WORD.match(w):
        return About.HER
    if _USER_WORD.match(w):
        return About.USER
    b = _bare(w)
    if b in RELATIONS or b.rstrip("님") in RELATIONS:
        return About.THIRD
    return None


_OBLIQUE = re.compile(r"(?:한테서|한테|에게서|에게|께|이랑|랑|하고|와|과|을|를|이를|처럼|보다|같이)$")
_SUBJECT_PARTICLE = re.compile(r"(?:이가|께서|이는|가|는|은|이)$")


def _about(words: list[str], sentence: Sentence | None) -> About:
    """Who the message is about: the subject when one is marked (민수가 나한테 …: a third), else the
    first person word, a possessive resolved by what it owns (내 친구가 …: a third)."""
    for word in words:
        w = word.strip(" .,!?~")
        stem = _SUBJECT_PARTICLE.sub("", w)
        if stem == w or not stem:
            continue
        if sentence is not None and any(m.form == stem and m.tag == "NNP" and m.semantic == "인명"
                                        for m in sentence.morphemes):
            return About.THIRD
        if stem in RELATIONS or stem.rstrip("님") in RELATIONS:
            break  # resolved below, with its possessive
        if stem in PETS and w.endswith(("가", "이")):
            return About.THIRD  # 우리 강아지가 아파
        who = _person_of(w)
        if who is not None:
            return who
    for i, word in enumerate(words):
        who = _person_of(word)
        if who is None:
            continue
        if who is About.THIRD and _OBLIQUE.search(word.strip(" .,!?~")):
            continue  # 팀장님한테 혼났어, 친구들이랑 놀았어: the someone is not the subject
        owned = _bare(words[i + 1]) if i + 1 < len(words) else ""
        possessive = word.strip(" .,!?~") in ("내", "제", "나의", "저의", "우리", "저희", "너의", "네", "니")
        if possessive and who is About.USER and (owned in RELATIONS or owned.rstrip("님") in RELATIONS):
            # 내 친구가 …: about the friend, unless the user speaks of that person's fact of theirs
            return About.THIRD
        return who
    return About.NONE


_IMPERSONAL = frozenset({"날씨", "비", "눈", "바람", "하늘", "세상", "뉴스", "경제", "정치", "미세먼지", "이거", "그거",
                         "온도", "기온", "태풍", "장마", "코로나"})


def _default_about(sentence: Sentence, slots: Mapping[str, str], question: bool) -> About:
    """Whom a message with no person word is about: Korean drops the subject, so a statement of the
    user's doings is about the user, a question to her about her, and a named person is a third."""
    if any(k in slots for k in ("name", "age", "job", "school", "major", "home", "like", "dislike", "mbti",
                                "birthday", "pet")):
        return About.USER
    if any(m.tag == "NNP" and m.semantic == "인명" for m in sentence.morphemes):
        return About.THIRD
    nouns = {m.form for m in sentence.morphemes if m.tag.startswith("NN") or m.tag in ("NP", "XPN")}
    nouns |= {_bare(w) for w in sentence.words}
    if nouns & _IMPERSONAL:
        return About.NONE
    if question:
        return About.HER
    personal = any(k in slots for k in ("event", "feeling", "time", "place")) or sentence.tense != an.PRESENT \
        or any(m.tag in ("VV", "XSV") for m in sentence.morphemes)
    return About.USER if personal else About.NONE


def _slot_feeling(text: str) -> tuple[str, int] | None:
    for m in _FEELING_WORDS.finditer(text):
        after = text[m.end():m.end() + 1]
        if m.group(0) in ("좋아", "싫어") and after in ("해", "하", "한", "했", "요"):
            continue  # 좋아해 / 싫어해: a liking, not a feeling
        return FEELINGS[m.group(0)]
    return None


def _age(text: str) -> str | None:
    m = _DIGIT_AGE.search(text)
    if m and 0 < int(m.group(1)) < 120:
        return m.group(1)
    m = _KOREAN_AGE.search(text)
    if m:
        value = an.native_number((m.group(1) or "") + (m.group(2) or ""))
        return str(value) if value else None
    return None


def _name(text: str, sentence: Sentence | None = None) -> str | None:
    places = {m.form for m in sentence.morphemes if m.semantic == "지명"} if sentence is not None else set()
    for pattern in _NAME_PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        name = m.group(1)
        for ending in ("이야", "입니다", "이에요", "예요", "이거든", "이고", "이라고", "라고", "야", "임", "이다", "요"):
            if name.endswith(ending) and len(name) > len(ending):
                name = name[: -len(ending)]
                break
        if name.endswith("이") and len(name) >= 3 and has_batchim(name[-2]) and "라고" in m.group(0):
            name = name[:-1]  # 서연이라고 해: the 이 is the copula's
        if an.native_number(name) is not None:
            continue  # 나 스물넷이야: an age
        if name in _NOT_NAMES or name in places or len(name) < 1 or name.endswith(("살", "해", "했", "하")):
            continue
        if pattern is _NAME_PATTERNS[4] and (name in _NOT_NAMES or _person_of(name) is not None):
            continue
        return name
    return None


def _strip_copula(word: str) -> str:
    for ending in ("이에요", "이거든", "이라서", "이니까", "이야", "예요", "입니다", "거든", "이고", "이라", "인데", "인가",
                   "라서", "니까", "야", "임", "이다", "이지"):
        if word.endswith(ending) and len(word) > len(ending):
            stem = word[: -len(ending)]
            if ending.startswith("이") and not has_batchim(stem):
                continue
            return stem
    return word


def _strip_copula_keep_i(word: str) -> str:
    """Pet names: '콩이야' -> '콩이', '초코야' -> '초코' (a pet's 이 belongs to its name)."""
    for ending in ("에요", "예요", "입니다", "거든", "야", "임", "다", "요"):
        if word.endswith(ending) and len(word) > len(ending):
            return word[: -len(ending)]
    return word


_VERB_TAIL = re.compile(r"(?:하고\s?있어|하는\s?중|해요|했어|했다|했는데|할\s?거야|할게|하러|하려고|하는데|하고|해서|하기|"
                        r"해|하|했|할|한|함|된|돼|됐)$")


def _lexicon_hit(words: list[str], lexicon: frozenset[str]) -> str | None:
    for w in words:
        b = _bare(w)
        verbal = _VERB_TAIL.sub("", w.strip(" .,!?~"))
        for cand in (b, _strip_copula(w.strip(" .,!?~")), _strip_copula(b), verbal):
            if cand in lexicon:
                return cand
    return None


def _liked_item(words: list[str], verb: re.Pattern[str]) -> str | None:
    """The noun phrase before '좋아해' / '싫어' ('나 떡볶이 진짜 좋아해' -> '떡볶이')."""
    for i, w in enumerate(words):
        if verb.search(w) or (i + 1 < len(words) and verb.search(w + " " + words[i + 1]) and w in ("못", "안")):
            j = i - 1
            while j >= 0 and words[j] in ("진짜", "정말", "너무", "완전", "엄청", "제일", "가장", "되게", "많이", "특히",
                                          "별로", "진심", "꽤", "좀", "조금", "그냥", "막", "다", "더", "못", "안", "또"):
                j -= 1
            if j < 0:
                return None
            cand = _bare(words[j])
            if cand in ("거", "것", "게") and j >= 1:  # 게임하는 거 -> 게임, 매운 거 -> 매운 거
                prev = words[j - 1].strip(" ,")
                if prev.endswith("하는") and len(prev) > 2:
                    return prev[:-2]
                return None if _person_of(prev) is not None else f"{prev} 거"
            if _person_of(words[j]) is not None or cand in _STOP_NOUNS:
                return None
            if cand.endswith("는") and j >= 1:  # 노래 부르는 거 … without 거: unsure
                return None
            return cand
    return None


def _topic(sentence: Sentence) -> str | None:
    """The main content noun phrase: runs of nouns, joined across words that carry no particle
    ("제주도 여행", "시험 공부"); time words, pronouns and bound nouns left out; a thing before a person."""
    phrases: list[str] = []
    current = ""
    last_word = -2
    time_words = {w for t in sentence.times for w in (t.text, *t.text.split())}
    for m in sentence.morphemes:
        good = m.tag in ("NNG", "NNP", "SL") and m.form not in _STOP_NOUNS and m.form not in time_words \
            and not all("ㄱ" <= ch <= "ㅣ" for ch in m.form)
        if good and current and m.word == last_word:
            current += m.form
        elif good and current and m.word == last_word + 1 and _nouns_only(sentence, last_word):
            current += " " + m.form
        else:
            if current:
                phrases.append(current)
            current = m.form if good else ""
        last_word = m.word if good else -2
    if current:
        phrases.append(current)
    phrases = [p for p in phrases if p not in _STOP_NOUNS]
    things = [p for p in phrases if p.split()[-1] not in RELATIONS and p.split()[-1].rstrip("님") not in RELATIONS]
    return (things or phrases or [None])[0]  # 엄마한테 선물 줬어: the gift, not the person


def _nouns_only(sentence: Sentence, word: int) -> bool:
    """Whether a word is nouns only (no particle after it), so the next word's noun joins its phrase."""
    pieces = sentence.word_morphemes(word)
    return bool(pieces) and all(p.tag in ("NNG", "NNP", "SL", "SN") for p in pieces)


# '우리 애 이름', '막내 이름', '같이 사는 애 이름': a name owned by a pet or a person, not the user's
_OTHERS_NAME = re.compile(r"(?:애|아이|막내|룸메|룸메이트|베프|절친|짝꿍|사는\s?애|멍멍이|댕댕이|냥이|강아지|고양이|햄스터|"
                          r"토끼|앵무새|거북이|고슴도치|팀장|사장|상사|선배|후배|동기|조카|교수|선생|딸|아들|남편|아내|"
                          r"동생|언니|오빠|누나|형|여친|남친|여자\s?친구|남자\s?친구|친구|엄마|아빠)\S{0,2}\s?이름")
_OTHERS_PET = re.compile(r"(?:우리\s?(?:애|아이)|멍멍이|댕댕이|냥이|강아지|고양이|햄스터|토끼|앵무새|거북이|고슴도치)\S{0,2}\s?이름")


def recall_key_of(text: str) -> str | None:
    """The memory key family a recall question asks about ('좋아하는 건?' → like), or None."""
    return _recall_key(text)


def _recall_key(text: str) -> str | None:
    if _OTHERS_PET.search(text):
        return "pet"
    if _OTHERS_NAME.search(text):
        return "people"
    rules = (
        ("pet", r"강아지|고양이|햄스터|반려|애완|키우는|댕댕이|냥이"),
        ("people", r"(?:엄마|아빠|동생|언니|오빠|누나|형|친구|여친|남친|여자\s?친구|남자\s?친구|가족|할머니|할아버지|"
                   r"베프|절친|남편|아내|와이프|애인|룸메)"
                   r"(?:\S*\s?이름|\S*\s?뭐|\S*\s?누구|\S*\s?어디)"),
        ("name", r"이름|별명|닉네임|호칭|누구(?:게|야|일까|였|지)|누군지|(?:내가|나)\s?누구(?!랑|하고|와|한테|를|에게)|"
                 r"부르라|불러\s?달라|불린|부른다|(?:나|날|나를|저를|저)\s?(?:뭐라고|뭐라|어떻게)\s?(?:불러|부를|부르)"),
        ("age", r"나이|몇\s?살"),
        ("birthday", r"생일(?:이|은|이\s?언제|\s?언제|\s?며칠|\s?몇)|(?:내|제)\s?생일"),
        ("mbti", r"mbti|엠비티아이"),
        ("school", r"학교|전공|학과|학년|동아리|무슨\s?과|어느\s?과|과\s?(?:뭐|어디)"),
        ("job", r"직업|직장|회사|알바|무슨\s?일|뭐\s?하는\s?사람|일\s?하"),
        ("possession", r"물건|장난감|산\s?거|샀|생겼|생긴\s?거|받았|받은\s?거|뽑았|질렀|(?:내|제)\s?(?:차|폰|핸드폰|노트북)"),
        ("whereabouts", r"지금\s?어디|어디\s?(?:있|와\s?있)"),
        ("dislike", r"싫어|못\s?먹|알레르기"),
        ("like", r"좋아|취미|관심|최애|음식|먹는\s?거|듣는|빠졌|보는\s?거"),
        ("place", r"어디\s?(?:살|사는|산다)|사는\s?(?:곳|데)|고향|이사"),
        ("plan", r"어디\s?(?:간|가|갈)|뭐\s?(?:한다|할|하기로)|일정|계획|약속|언제|여행|내일|주말|다음\s?주|시험|면접|"
                 r"무슨\s?요일|몇\s?시|며칠|몇\s?월"),
        ("feeling", r"기분|상태|감정"),
        ("health", r"아프|건강|병원"),
    )
    for family, pattern in rules:
        if re.search(pattern, text, re.I):
            return family
    return None


# --- understanding one message --------------------------------------------------------------------

_ASKED_TOPIC = {"age": "나이", "name": "이름", "birthday": "생일", "mbti": "MBTI", "school": "학교", "job": "직업",
                "like": "좋아하는 것", "dislike": "싫어하는 것", "place": "사는 곳", "plan": "일정", "pet": "반려동물",
                "feeling": "기분", "health": "건강", "people": "가족"}
_CONTENT_ACTS = frozenset(Act) - {Act.GREETING, Act.FAREWELL, Act.THANKS, Act.APOLOGY, Act.REACTION}


def _social(text: str) -> Act | None:
    if _FAREWELL.search(text):
        return Act.FAREWELL
    if _GREETING.match(text):
        return Act.GREETING
    if _THANKS.search(text):
        return Act.THANKS
    if _APOLOGY.search(text):
        return Act.APOLOGY
    return None


def _strip_social(text: str) -> str:
    text = _GREETING.sub("", text, count=1).strip(" ,!.~")
    return text


def _clean(text: str) -> str:
    return clean(text)


# what happened, by the dictionary forms of its words: bad news and good news the user tells
_BAD_NEWS = frozenset(
    {"좀비", "버벅이다", "버벅대다", "못하다", "남다", "춥다", "덥다", "입원", "골절", "수술", "넘어지다", "막히다", "무지개다리", "돌아가시다", "빼다", "어지럽다", "헷갈리다", "번아웃", "바닥", "정신없다", "잃어버리다", "잃다", "고장나다", "고장", "깨지다", "망하다", "망치다", "놓치다", "지나치다", "늦다", "지각", "지각하다",
     "다치다", "아프다", "체하다", "떨어지다", "헤어지다", "싸우다", "혼나다", "잘리다", "틀리다", "울다",
     "지치다", "힘들다", "외롭다", "우울하다", "불안하다", "무섭다", "짜증", "짜증나다", "화나다", "열받다", "빡치다",
     "억울하다", "서운하다", "속상하다", "질투", "뒤처지다", "포기하다", "귀찮다", "최악", "현기증", "진상", "야근",
     "실수", "사고", "눈물", "모기", "늦잠", "낑기다", "나쁘다", "스트레스", "멘붕", "피곤하다", "망", "폭식",
     "별로", "싫다", "지겹다", "답답하다", "괴롭다", "아깝다", "후회", "후회하다", "슬프다", "그만두다", "탈락", "불합격",
     "감기", "몸살", "두통", "배탈", "고생", "걱정", "걱정되다", "긴장되다", "떨리다", "밤새다", "안되다", "휴"})
_GOOD_NEWS = frozenset(
    {"칭찬", "합격", "붙다", "성공", "성공하다", "장학금", "휴강", "개꿀", "맛있다", "존맛", "행복하다", "신나다", "설레다",
     "재밌다", "재미있다", "좋다", "최고", "대박", "축하", "득템", "당첨", "당첨되다", "이기다", "승진", "보너스", "월급",
     "선물", "기쁘다", "뿌듯하다", "귀엽다", "예쁘다", "성공적", "통과", "통과하다", "만점", "1등", "우승", "티켓팅",
     "행운", "꿀잠", "힐링", "웃기다", "좋아지다", "나아지다", "좋아하다", "해방", "끝내다", "개운하다", "후련하다",
     "드디어"})
_NEGATORS = frozenset({"안", "못"})


def _news(analysis: an.Analysis) -> int:
    """Whether the message tells good (+1) or bad (-1) news, by its words (a negated good word is bad:
    '안 좋아', '재미없어'), 0 when it tells neither or both as much."""
    good = bad = 0
    morphemes = analysis.morphemes
    for i, m in enumerate(morphemes):
        word = m.lemma if m.is_predicate else m.form
        negated = i > 0 and morphemes[i - 1].form in _NEGATORS or any(
            n.tag == "VX" and n.lemma in ("않다", "없다", "못하다") for n in morphemes[i + 1:i + 4])
        if word in _GOOD_NEWS:
            if negated:
                bad += 1
            else:
                good += 1
        elif word in _BAD_NEWS:
            bad += 1
        elif word in ("없다",) and i > 0 and morphemes[i - 1].form in ("재미", "맛", "의미"):
            bad += 1  # 재미없어, 맛없어
    return (good > bad) - (bad > good)


def _mood(raw: str) -> int:
    pos = sum(raw.count(c) for c in _POSITIVE_CUES)
    neg = sum(raw.count(c) for c in _NEGATIVE_CUES)
    return (pos > neg) - (neg > pos)


def _reading_of_nothing(raw: str) -> Understanding:
    """Messages with no words left after cleaning: emoticons, a lone '?', keyboard mash."""
    stripped = raw.strip()
    mood = _mood(stripped)
    jamo = re.sub(r"\s+", "", stripped)
    if re.fullmatch(r"(?:오?로라)(?:야|아|님)?[?!~.]*", jamo):  # only her name: a call for attention
        return Understanding(text=raw, act=Act.REACTION, about=About.HER, tense=Tense.PRESENT,
                             question=jamo.endswith("?"), confidence=0.9)
    emoji = _EMOJI_MOOD.get(jamo[:1], 0) if jamo and not re.search(r"[ㄱ-ㅎㅏ-ㅣA-Za-z0-9]", jamo) else None
    if emoji is not None and not re.fullmatch(r"[?？]+", jamo):
        return Understanding(text=raw, act=Act.REACTION, about=About.NONE, tense=Tense.PRESENT,
                             polarity=emoji or mood, confidence=0.9)
    laughing = re.fullmatch(r"[ㄱ-ㅎㅏ-ㅣ]*(?:ㅋㅋ|ㅎㅎ|ㅠㅠ|ㅜㅜ)[ㄱ-ㅎㅏ-ㅣ]*", jamo or "-")  # ㅋㅋㄹㅃㅃ, ㄹㅇㅋㅋ
    if jamo in REACTIONS or jamo in _JAMO_FACES or re.fullmatch(r"[ㅋㅎㅠㅜ]+|[!~.]+", jamo or "-") or laughing \
            or (mood and not _MASH.match(jamo)):
        return Understanding(text=raw, act=Act.REACTION, about=About.NONE, tense=Tense.PRESENT,
                             polarity=mood, confidence=0.9)
    social = {"ㄱㅅ": Act.THANKS, "ㄳ": Act.THANKS, "ㅈㅅ": Act.APOLOGY, "ㅎㅇ": Act.GREETING, "ㅂㅂ": Act.FAREWELL,
              "ㅂㅇ": Act.FAREWELL}.get(jamo)
    if social is not None:
        return Understanding(text=raw, act=social, about=About.NONE, tense=Tense.PRESENT, confidence=0.9)
    if re.fullmatch(r"[?？]+", jamo or "-"):
        return Understanding(text=raw, act=Act.REACTION, about=About.NONE, tense=Tense.PRESENT, question=True,
                             confidence=0.2)
    if jamo in ("ㅇㅇ", "ㅇㅋ", "ㄹㅇ", "ㅇㅈ", "ㄱㄱ", "ㄴㄴ", "ㄷㄷ"):
        return Understanding(text=raw, act=Act.REACTION, about=About.NONE, tense=Tense.PRESENT, confidence=0.9)
    return Understanding(text=raw, act=Act.SMALLTALK, about=About.NONE, tense=Tense.PRESENT, confidence=0.1)


_NAME_FRAGMENT = re.compile(r"^(?:(?:아|앗|어|음|아\s?맞다)\s)?(?:(?:내|제)\s)?이름(?:은|이)?\s?\?\s*([가-힣]{2,4}?|[A-Za-z]{2,12})"
                            r"(?:이야|야|이에요|예요|에요|임|입니다)?[!.~ㅎㅋ\s]*$")
_TURN_TO = re.compile(r"(?:^|\s)(?:근데|그런데|그나저나|아\s?맞다|참|아\s?참)\s+(.+)$")


def understand(text: str, analyzer: Analyzer) -> Understanding:
    """Read one user message: its act, whom it is about, tense, negation, topic, slots, recall key."""
    raw = text
    cleaned = _clean(text)
    if not cleaned.strip(" ?!.~,"):
        return _reading_of_nothing(raw if raw.strip() else "")
    raw_words = raw.split()
    if raw_words and sum(1 for w in raw_words if _STRAY_JAMO.search(w)) * 2 >= len(raw_words):
        return Understanding(text=raw, act=Act.SMALLTALK, about=About.NONE, tense=Tense.PRESENT, confidence=0.1)
    if raw_words and all(re.fullmatch(r"(.)\1{3,}[.!?~]*", w) for w in raw_words):  # 가가가가가, 아아아아
        groan = raw_words[0][0] in "아어오우으음흠하헤히호와에이"
        return Understanding(text=raw, act=Act.REACTION if groan else Act.SMALLTALK, about=About.NONE,
                             tense=Tense.PRESENT, confidence=0.5 if groan else 0.2)
    if re.fullmatch(r"[\d\s.,!?~+\-*/=]+", cleaned):
        return Understanding(text=raw, act=Act.SMALLTALK, about=About.NONE, tense=Tense.PRESENT, confidence=0.2)
    fragment = _NAME_FRAGMENT.search(cleaned)
    if fragment:  # '아 이름? 가온': the user answers the question of their name themself
        return Understanding(text=raw, act=Act.TELL_FACT, about=About.USER, tense=Tense.PRESENT,
                             slots=MappingProxyType({"name": fragment.group(1)}), confidence=1.0)
    analysis = analyzer.analyze(cleaned)
    sentences = analysis.sentences
    if not sentences:
        return _reading_of_nothing(raw)
    mood = _mood(raw)

    # keyboard mash / unreadable: most morphemes unknown to the dictionary
    morphemes = analysis.morphemes
    content = [m for m in morphemes if not m.tag.startswith("S") or m.tag in ("SL", "SH")]
    unknown = sum(s.unknown for s in sentences)
    bare_text = cleaned.strip(" ?!.~,").lower()
    if bare_text in REACTIONS or all(w.strip(" ?!.~,").lower() in REACTIONS for w in cleaned.split()):
        return Understanding(text=raw, act=Act.REACTION, about=About.NONE, tense=Tense.PRESENT,
                             question=cleaned.endswith("?"), polarity=mood, confidence=0.9)
    if content and unknown / len(content) >= 0.5 and not _social(cleaned) and not _CONFESS.search(cleaned):
        return Understanding(text=raw, act=Act.SMALLTALK, about=About.NONE, tense=Tense.PRESENT, confidence=0.1)

    # one reading per sentence; the message's act is the first sentence with content
    readings = [_read_sentence(s) for s in sentences]
    socials = [r.social for r in readings if r.social is not None]
    main = next((r for r in readings if r.act is Act.RECALL), None)  # 'Do you remember my name? 내 이름 뭐야?'
    main = main or next((r for r in readings if r.act in _CONTENT_ACTS), None)
    if main is None:
        main = next((r for r in readings if r.act is not Act.REACTION), readings[0])
    act = main.act
    if any(r.act is Act.FAREWELL or r.social is Act.FAREWELL for r in readings) and act not in (Act.RECALL, Act.CONFESS):
        main = next(r for r in readings if r.act is Act.FAREWELL or r.social is Act.FAREWELL)
        act = Act.FAREWELL  # '나 간다~ 수업 들어가야 됨': the goodbye, with its reason
    elif (readings[0].act is Act.GREETING or readings[0].social is Act.GREETING) \
            and act in (Act.TELL_PAST, Act.SMALLTALK) and not main.slots \
            and len(cleaned.split()) <= 5:
        main, act = readings[0], Act.GREETING  # '안녕하세요 처음 와봤어요'
    first_social = readings[0].act if readings[0].act in (Act.THANKS, Act.APOLOGY) else None
    if first_social is not None and act in (Act.TELL_PAST, Act.SMALLTALK, Act.TELL_FEELING):
        act = first_social  # 고마워! 덕분에 힘났어: the thanks is the point, the rest says why
    about, tense = main.about, Tense(main.sentence.tense)
    topic = main.topic
    if act in (Act.GREETING, Act.FAREWELL, Act.THANKS, Act.APOLOGY, Act.REACTION):
        about, tense, topic = About.NONE, Tense.PRESENT, None  # a social move is about no one, now
    also = tuple(dict.fromkeys(a for a in socials if a is not act))

    # slots over the whole message (later sentences fill what earlier ones did not)
    slots: dict[str, str] = {}
    for r in readings:
        for key, value in r.slots.items():
            slots.setdefault(key, value)
    feeling = (slots["feeling"], _FEELING_POLARITY.get(slots["feeling"], 0)) if "feeling" in slots else None
    polarity = 0
    if slots.get("feeling") == "기분 나쁨":  # the negation is already read: 기분 안 좋아
        polarity = -1
    elif feeling is not None:
        polarity = feeling[1]
        if main.negated and polarity > 0:
            polarity = -1
        elif main.negated and polarity < 0:
            polarity = 0
    if main.about is About.HER or act in (Act.ASK_HER, Act.RECALL, Act.ASK_USER, Act.REQUEST):
        polarity = 0  # not the user's own feeling
    if polarity == 0 and act not in (Act.ASK_HER, Act.RECALL, Act.ASK_USER, Act.OPINION, Act.REQUEST):
        polarity = _news(analysis) or mood  # what happened says more than 'ㅠㅠ' ('장학금 받았어ㅠㅠㅠ')
    if act is Act.THANKS and polarity == 0:
        polarity = 1

    turn = _TURN_TO.search(cleaned)
    if turn and act in (Act.THANKS, Act.APOLOGY, Act.REACTION, Act.GREETING, Act.SMALLTALK) and turn.group(1).strip():
        after = understand(turn.group(1), analyzer)  # 'ㅋㅋ 고마워 근데 나 누구였지?': the question after 근데
        if after.act in (Act.RECALL, Act.ASK_HER, Act.ASK_USER, Act.REQUEST, Act.CONFESS):
            return replace(after, text=raw, also=tuple(dict.fromkeys((act, *after.also))))
    if act is Act.ASK_HER and topic is None:  # 너 몇 살이야?: the topic is what is asked
        topic = _ASKED_TOPIC.get(_recall_key(main.sentence.text) or "")
    confidence = main.confidence
    if content and 0.3 <= unknown / len(content) < 0.5:
        confidence = min(confidence, 0.5)
    return Understanding(
        text=raw, act=act, about=about, tense=tense, negated=main.negated,
        question=main.question, topic=topic, slots=MappingProxyType(slots), recall_key=main.recall_key,
        polarity=polarity, confidence=confidence, also=also,
    )


@dataclass(frozen=True)
class _SentenceReading:
    sentence: Sentence
    act: Act
    about: About
    negated: bool
    question: bool
    topic: str | None
    slots: Mapping[str, str]
    recall_key: str | None
    social: Act | None
    confidence: float


def _read_sentence(sentence: Sentence) -> _SentenceReading:
    text = strip_vocative(sentence.text.strip()) or sentence.text.strip()  # 로라야 inside a longer message
    social = _social(text)
    body = _strip_social(text) if social is Act.GREETING else text
    words = body.split()
    question = sentence.kind == an.QUESTION or text.rstrip(" ~.!").endswith("?") or bool(_QUIZ_END.search(text))
    about = _about(words, sentence)
    explicit_about = about
    slots = _slots(body, words, sentence, about)
    if about is About.NONE:
        about = _default_about(sentence, slots, question)
    topic = slots.get("event") or slots.get("item") or slots.get("place") or _topic(sentence)
    negated = sentence.negated
    confidence = 1.0

    def reading(act: Act, key: str | None = None, conf: float = confidence) -> _SentenceReading:
        return _SentenceReading(sentence, act, about, negated, question, topic, MappingProxyType(slots), key, social,
                                conf)

    if not words or (social is not None and _social_only(text, social)):
        return reading(social or Act.REACTION)
    if body.strip(" ?!.~,").lower() in REACTIONS:
        return reading(Act.REACTION, conf=0.9)
    if social in (Act.THANKS, Act.APOLOGY, Act.FAREWELL) and len(words) <= 4:
        return reading(social)

    if question and (re.search(r"^(?:근데\s|그럼\s|그리고\s)?(?:내가|제가|나|내)\s.*(?:거|것|건)(?:는|은)?\s*\?+$", body.strip())
                     or re.search(r"^(?:근데\s|그럼\s)?(?:내가|제가|걔가|쟤가|그\s?사람이|우리\s?\S+(?:가|이))\s\S+(?:는|은|던|한)\s"
                                  r"\S+(?:은|는)\s*\?+$", body.strip())):
        about = About.USER  # '내가 질색하는 거는?', '내가 좋아하는 작가는?' after telling her
        return reading(Act.RECALL, _recall_key(body))
    if is_crisis(body):
        return reading(Act.CRISIS)  # before anything else that could read it lightly
    if harm_requested(body):
        return reading(Act.HARM)  # '시험 컨닝하는 법 좀': she says no, whether or not the judge fires
    if question and _OTHERS_PET.search(body) and len(words) <= 4 and not re.search(r"(?:^|\s)(?:너|네|니|로라)", body):
        about = About.USER  # '앵무새 이름은?': the pet the user told of
        return reading(Act.RECALL, "pet")
    if _OWN_NAME_ASKED.search(body) and not _HER_OWN.search(body) and not _OTHERS_NAME.search(body) \
            and not re.search(r"(?:^|\s)(?:너|네|니|로라|오로라)\S{0,2}\s?이름", body):
        about = About.USER  # '이름은 기억하지?', '이름까지 맞히면 인정ㅋㅋ', '내 이름도 까먹은 건 아니지?'
        return reading(Act.RECALL, "name")
    if _FOLLOWUP.fullmatch(body.strip()):
        return reading(Act.FOLLOWUP)  # 왜?, 진짜?, 그래서?
    if HER_WORDS_BEFORE.search(body) and not user_said_it(body):
        return reading(Act.FOLLOWUP)  # '아까 추천해준 거 중에 첫번째': what she said a turn ago
    user_mentioned = any(_person_of(w) is About.USER for w in words)
    if _FORGOT.search(body) and not _HER_OWN.search(body) and (question or re.search(r"지\s*[?~.!]*$", body)):
        about = About.USER  # 이름 까먹은 거 아니지?, 너 내 이름 까먹었지?: whether she still remembers
        return reading(Act.RECALL, _recall_key(body))
    if re.search(r"(?:^|\s)(?:나|날|나를|저를|저)\s?(?:누군지|뭐라고\s?(?:불러|부를|부르)|뭐라\s?(?:불러|부를|부르))", body) \
            and not re.search(r"불러\s?(?:줘|주세요|줄래)", body):
        about = About.USER  # 나 누군지 말해봐, 나 뭐라고 부를 거야?
        return reading(Act.RECALL, "name")
    if user_mentioned and question and re.search(r"기억\s?(?:나|해|하|하니|하지|났)", body):
        about = About.USER  # 너 나 기억해?: does she remember the user
        return reading(Act.RECALL, _recall_key(body) or ("name" if re.search(r"(?:^|\s)나\s기억", body) else None))
    if user_mentioned and (_GUESS.search(body) and (question or "맞" in body)) and about is not About.HER:
        return reading(Act.ASK_USER, _recall_key(body))
    owned_fact = _asks_owned(words) and _recall_key(body) is not None and not _OPINION.search(body)
    asked_her = question or bool(re.search(r"(?:^|\s)(?:너|넌|니가|네가|로라)\s", body)) \
        or bool(re.search(r"(?:지|잖아|죠)\s*[?!.~]*$", body))
    if user_mentioned and (question or _RECALL.search(body)) and (_RECALL.search(body) or owned_fact) \
            and about in (About.USER, About.THIRD, About.NONE) and asked_her:
        return reading(Act.RECALL, _recall_key(body))
    if not user_mentioned and question and re.search(r"(?:^|\s)(?:기억\s?(?:나|해|하니)|내\s)", body):
        return reading(Act.RECALL, _recall_key(body))
    if question and re.search(r"(?:했|그랬|랬|였|이었)(?:었)?(?:지|죠|지요|더라|었지|나|게)\s*\??$|라고\s?했|다고\s?했|"
                              r"(?:는다|ㄴ다|한다|간다|된다)\s?했어", body) \
            and explicit_about is not About.HER and (_has_question_word(sentence) or re.search(r"며칠|몇|뭐|무슨", body)):
        about = About.USER
        return reading(Act.RECALL, _recall_key(body))  # 생일 때 뭐 생겼다 했지?: what the user said
    key = _recall_key(body)
    if user_mentioned and key and _asks_owned(words) and _SAY_IT.search(body) and not re.search(r"라고\s?불러", body):
        return reading(Act.RECALL, key)  # 내 이름 말해봐, 제 이름 불러 주세요: say what she remembers
    if user_mentioned and question and key == "name" \
            and re.search(r"(?:^|\s)(?:나|저|내가|제가)\s?누구(?:\s*\?|\s*$|게|야|지|라고|였|더라|일까|예요|에요)", body):
        return reading(Act.RECALL, key)  # 나 누구?
    if question and key and explicit_about in (About.USER, About.NONE) and re.search(r"라고\s?(?:했|그랬)", body):
        about = About.USER
        return reading(Act.RECALL, key)  # 회식 무슨 요일이라고 했지?: the user's own words, the owner unsaid

    her_addressed = explicit_about is About.HER or bool(re.search(r"(?:^|\s)(?:너|넌|니|네|너는|너도|너랑|로라)", body))
    if (_RUDE.search(body) and (her_addressed or explicit_about is About.NONE) and not _REPORTED.search(body)) \
            or _RUDE_ALONE.match(body.strip()):
        return reading(Act.INSULT)
    if her_addressed and _PRAISE.search(body) and not _CONFESS.search(body) and not question:
        return reading(Act.PRAISE)
    if _OTHERS_LOVE.search(body) and not her_addressed:
        pass  # '드디어 고백 받았어': news of the user's own love life
    elif _CONFESS.search(body) or (about is About.HER and re.search(r"좋아해|좋아한다", body)
                                 and not slots.get("item") and not _has_question_word(sentence)):
        return reading(Act.CONFESS)

    if slots.get("name") and re.search(r"라고\s?불러", body):
        return reading(Act.TELL_FACT)
    choice = re.search(r"([가-힣A-Za-z0-9]{1,8})\s?(?:vs\.?|VS|대)\s?([가-힣A-Za-z0-9]{1,8})", body)
    if choice and (" vs" in body.lower() or "vs " in body.lower()):
        slots["choice_a"], slots["choice_b"] = choice.group(1), choice.group(2)
        return reading(Act.OPINION)  # '아아 vs 뜨아': she picks one
    if sentence.kind == an.REQUEST and not question and not _NOT_ASKED.search(body):
        return reading(Act.REQUEST)
    if not question and re.search(r"(?:추천|추천\s?좀|하나만|한\s?개만|골라\s?줘|골라\s?봐|부탁해|해\s?주라|봐\s?줘)\s*[!~.ㅋㅎ]*$", body):
        return reading(Act.REQUEST)  # '비 오는 날 듣기 좋은 노래 추천', '아재개그 하나만ㅋㅋ'
    if question and re.search(r"줄래|줘|주세요|줄\s?수\s?있|주라|주면\s?안\s?돼|주실래|주시겠|주실\s?수", body):
        return reading(Act.REQUEST)
    if re.search(r"(?:어떡하지|어떡하죠|어떡해|어쩌지|어쩌죠|어떻게\s?하지)\s*[?!.~ㅠㅜ]*$", body) and explicit_about is not About.HER:
        return reading(Act.ADVICE)  # '연락이 안 돼요 어떡하죠': a worry to meet, not a question to answer
    if question and (re.search(r"(?:볼까|할까|해야\s?(?:할까|하나|돼)|갈까|말까|좋을까|나을까)\s*[?!.~ㅠㅜ]*$", body)
                     and explicit_about is not About.HER and not _has_question_word(sentence)
                     or re.search(r"(?:^|\s)(?:너라면|로라라면|네가\s?나라면|너\s?같으면)", body)):
        return reading(Act.ADVICE)  # 다시 연락해볼까?, 말해야 할까?
    if question:
        asks_advice = any(m.tag in ("EF", "EC") and m.form in ("ㄹ까", "을까", "지") for m in sentence.morphemes[-3:])
        if explicit_about is About.NONE and (_OPINION.search(body) or asks_advice) and not slots.get("item"):
            about = About.NONE  # 마라탕 어때?: her view on a topic, not a question about her
            return reading(Act.OPINION)
        if about is About.HER:
            return reading(Act.ASK_HER)
        if _OPINION.search(body) or about in (About.THIRD, About.USER, About.NONE):
            return reading(Act.OPINION)
        return reading(Act.ASK_HER, conf=0.8)

    if about is not About.HER and _is_fact(slots, body) and sentence.tense != an.PAST:
        return reading(Act.TELL_FACT)
    tense = sentence.tense
    ahead = any(t.direction == 1 for t in sentence.times)
    if about is not About.NONE and ahead and tense == an.PAST \
            and not any(t.direction == -1 for t in sentence.times):
        return reading(Act.TELL_PLAN)  # 내일 시험인데 공부 하나도 안 했어: the exam ahead is the news
    if about is About.NONE:
        return reading(Act.SMALLTALK, conf=0.9 if topic else 0.6)
    if tense == an.FUTURE or (tense == an.PRESENT and slots.get("event") and _DAYISH.search(slots.get("time") or "")):
        return reading(Act.TELL_PLAN)
    if tense == an.PAST:
        return reading(Act.TELL_PAST)
    if slots.get("feeling") and about in (About.USER, About.NONE):
        return reading(Act.TELL_FEELING)
    return reading(Act.SMALLTALK, conf=0.9 if topic else 0.6)


def _has_question_word(sentence: Sentence) -> bool:
    return any(m.form in an.QUESTION_WORDS for m in sentence.morphemes)


def _social_only(text: str, social: Act) -> bool:
    rest = text
    for pattern in (_GREETING, _FAREWELL, _THANKS, _APOLOGY):
        rest = pattern.sub(" ", rest)
    rest = re.sub(r"(?:^|\s)(?:로라야|로라|오로라|너무|진짜|정말|많이|완전|다들|오늘도|오늘|해|해요|요|합니다|드려요|"
                  r"했어|해서|하다|야|다|네|ㅎ+|ㅋ+|ㅠ+|나|저)(?=$|\s)", " ", rest)
    return not rest.strip(" ?!.~,")


def _asks_owned(words: list[str]) -> bool:
    """'내 이름은?', '내 강아지 이름 뭐야?': a question about something of the user's."""
    for i, w in enumerate(words):
        if w.strip(" ?") in ("내", "제", "나의", "우리") and i + 1 < len(words):
            return True
        if w.strip(" ?") in ("내가", "제가", "나는", "난") and any(q in " ".join(words[i + 1:])
                                                              for q in ("뭐", "어디", "언제", "누구", "몇", "무슨")):
            return True
    return False


_FACT_SLOTS = ("name", "age", "school", "major", "job", "owns_pet", "pet_name", "home", "like", "dislike", "mbti",
               "birthday", "person_job", "family", "hobby", "person_fact", "pet_breed")


def _is_fact(slots: Mapping[str, str], text: str = "") -> bool:
    if "pet" in slots and re.search(r"키워|키우|키운|있어|있거든|입양|데려왔|이름|종류|견종|품종", text):
        return True
    return any(k in slots for k in _FACT_SLOTS)


def _slots(text: str, words: list[str], sentence: Sentence, about: About) -> dict[str, str]:
    slots: dict[str, str] = {}
    asks = sentence.kind == an.QUESTION or text.rstrip().endswith("?")
    pet = _lexicon_hit(words, PETS)
    if pet:
        slots["pet"] = pet
        m = re.search(r"이름(?:은|이|는)?\s?([가-힣A-Za-z]{1,8}?)(?:이랑|랑|하고|,|\s|$|야|에요|예요|입니다)", text) or \
            _PET_CALLED.search(text)
        if m and not asks:
            name = _strip_copula_keep_i(m.group(1))
            if name not in _NOT_NAMES and name not in ("뭐", "뭐야", "뭐였지"):
                slots["pet_name"] = name if not name.endswith(("야", "이야")) else name
        m = re.search(re.escape(pet) + r"(?:는|은)\s([가-힣A-Za-z]{2,8}?)(?:이야|야|이에요|예요|입니다)(?=$|[\s!.~,?])", text)
        if m and not asks and m.group(1) not in _NOT_NAMES:
            slots["pet_breed"] = m.group(1)
    elif about is not About.HER and not asks:
        name = None if _RELATION_NAME.search(text) else _name(text, sentence)
        if name:
            slots["name"] = name
    relation = _lexicon_hit(words, RELATIONS)
    if relation:
        person = relation
        names = [p for p in sentence.proper_nouns if p not in (relation,)]
        m = re.search(re.escape(relation) + r"\S*\s?이름(?:은|이|는)?\s?([가-힣]{1,6})", text)
        if m and not asks:
            names.insert(0, _strip_copula(m.group(1)))
            slots["person_fact"] = f"{relation} 이름: {names[0]}"
        if not names:
            m = re.search(re.escape(relation) + r"\s([가-힣]{2,4}?)(?:이가|가|는|이는|이랑|랑|한테|이한테)(?=\s|$)", text)
            if m and m.group(1) not in _NOT_NAMES and m.group(1) not in EVENTS:
                names.append(m.group(1))
        if names:
            person = f"{relation} {names[0]}"
            slots["person_name"] = names[0]
        slots["person"] = person
        slots["relation"] = relation
        job = _lexicon_hit([w for w in words if _bare(w) != relation], JOBS)
        if job and about is About.THIRD and not asks:
            slots["person_job"] = job
    if about is not About.HER and not asks:
        age = _age(text)
        if age and not _RELATION_AGE.search(text) and "pet" not in slots:  # '콩이야! 3살 말티즈': the dog's age
            slots["age"] = age
        m = re.search(r"([가-힣A-Za-z]{2,8}(?:대학교|대학|대|고등학교|고|중학교|중))\s?(?:다녀|다니|재학|학생|생이|에\s?다|졸업)",
                      text)
        if m:
            slots["school"] = m.group(1)
        m = re.search(r"(?:^|\s)((?:고|중|초)[1-6]|(?:대학교?|고등학교|중학교|초등학교)?\s?[1-6]\s?학년)", text)
        if m and "school" not in slots:
            slots["school"] = m.group(1).strip()
        m = re.search(r"(?:전공(?:은|이)?\s?([가-힣A-Za-z]{2,10}?)(?:이야|야|이에요|예요|입니다|이고|$|\s))|"
                      r"([가-힣A-Za-z]{2,10}?)\s?(?:전공|학과|과)(?:이야|야|이에요|이고|생|\s?다녀|$|\s)", text)
        if m:
            major = m.group(1) or m.group(2)
            if major and major not in _NOT_NAMES:
                slots["major"] = major
        job = _lexicon_hit(words, JOBS)
        if job and about in (About.USER, About.NONE):
            slots["job"] = job
        if re.search(r"(?:회사|직장)\s?(?:다녀|다니고|다니는|다녀요|다닙니다)", text) and "job" not in slots:
            slots["job"] = "회사원"
        m = re.search(r"([가-힣]{2,8})(?:에서)?\s?(?:일해|일하고|근무|알바해|알바하고)", text)
        if m and "job" not in slots and _bare(m.group(1)) not in _STOP_NOUNS:
            slots["job"] = _bare(m.group(1)) + (" 알바" if "알바" in text else "")
        m = re.search(r"([가-힣]{2,6}?)(?:에서|에)?\s?(?:살아|살고|살거든|사는데|살아요|삽니다)", text)
        if m and _bare(m.group(1)) not in ("혼자", "같이", "잘", "열심히", "행복하게", "재밌게"):
            slots["home"] = _bare(m.group(1))
        m = re.search(r"([가-힣]{2,6})\s?(?:사람이야|사람이에요|사람입니다|출신)", text)
        if m and "home" not in slots and _bare(m.group(1)) not in _STOP_NOUNS | RELATIONS:
            slots["home"] = _bare(m.group(1))
        if re.search(r"(?:^|\s)(외동|외동딸|외동아들)", text):
            slots["family"] = "외동"
        m = re.search(r"(?:^|\s)(\S+?)\s?(?:있어|있어요|있거든|있음|없어|없어요|없거든)(?=$|[\s!.~,?])", text)
        if m and (_bare(m.group(1)) in RELATIONS or _bare(m.group(1)) in PETS) and sentence.tense == an.PRESENT:
            slots["family" if _bare(m.group(1)) in RELATIONS else "pet"] = _bare(m.group(1))
        m = re.search(r"(?<![A-Za-z])([EIei][NSns][TFtf][JPjp])(?![A-Za-z])", text)
        if m:
            slots["mbti"] = m.group(1).upper()
        m = re.search(r"생일(?:은|이)?\s?(\d{1,2}\s?월\s?\d{1,2}\s?일)", text)
        if m:
            slots["birthday"] = m.group(1)
    m = re.search(r"취미(?:는|가)?\s(.+?)(?:이야|야|이에요|예요|입니다|이고|고|임)?(?:[.!~]|$)", text)
    if m and not asks and about is not About.HER:
        slots["hobby"] = m.group(1).strip()
        slots["like"] = slots["hobby"]
    m = re.search(r"(?:^|\s)(\S+?)\s(?:다녀|배워|배우고\s?있어|배우는\s?중)", text)
    if m and _bare(m.group(1)) in HOBBIES | {"학원", "헬스장", "필라테스", "요가"} and not asks and about is not About.HER:
        slots.setdefault("hobby", _bare(m.group(1)))
    if re.search(r"(?:기분|컨디션|상태|몸)(?:이|은|가)?\s?(?:별로|안\s?좋|최악|꽝|엉망)", text):
        slots["feeling"] = "기분 나쁨"
    elif _DISLIKE.search(text):
        item = _liked_item(words, _DISLIKE)
        if item:
            slots["item"] = item
            if not asks and about is not About.HER:
                slots["dislike"] = item
    elif _LIKE.search(text) and not _CONFESS.search(text):
        item = _liked_item(words, _LIKE)
        if item:
            slots["item"] = item
            if not asks and about is not About.HER:
                slots["like"] = item
    if "item" in slots:
        if slots["item"] in FOODS:
            slots["food"] = slots["item"]
        elif slots["item"] in HOBBIES or slots["item"].endswith(("하기", "기")):
            slots["hobby"] = slots["item"]
    event = _lexicon_hit(words, EVENTS)
    if event:
        slots["event"] = event
    if sentence.times:
        slots["time"] = _time_span(sentence)
    named = set(slots.get(k) for k in ("name", "pet_name", "person_name"))
    place = next((_whole_place(sentence, m) for m in sentence.morphemes
                  if m.tag == "NNP" and m.semantic == "지명" and m.form not in named), None)
    if place is None:
        m = re.search(r"([가-힣]{2,8}?)(?:에|으로|로|에서)\s(?:\S+\s)?(?:가|간|갈|갔|놀러|여행|다녀|왔|와|있)", text)
        if m and _bare(m.group(1)) not in _STOP_NOUNS and m.group(1) not in {t.text for t in sentence.times}:
            cand = _bare(m.group(1))
            if cand not in RELATIONS and not any(cand == t.text or cand in t.text for t in sentence.times):
                place = cand
    if place is None:  # '친구 둘이랑 오사카 가기로 했어': a known place said bare
        place = next((w for w in (_bare(w) for w in sentence.words) if w in PLACES), None)
    if place:
        slots["place"] = place
    for key in ("job", "school", "major", "home", "name", "age", "pet", "mbti", "family"):
        value = slots.get(key)
        if value and re.search(re.escape(value) + r"\S*\s?(?:아니|안\s|없)", text):
            del slots[key]  # 나 학생 아니야, 나 강아지 없어: not a fact about the user
            if key == "job":  # 나 이제 학생 아니고 직장인이야: the job that is not denied
                later = _lexicon_hit(words[[_bare(w) for w in words].index(value) + 1:]
                                     if value in [_bare(w) for w in words] else [], JOBS)
                if later:
                    slots["job"] = later
    if _WISH.search(text):  # 고양이 키우고 싶어, 개발자 되고 싶어: a wish, not a fact
        wished = next((slots.pop(k) for k in ("job", "pet", "home", "school", "major") if k in slots), None)
        if wished:
            slots["wish"] = wished
            for k in ("person", "relation"):
                if slots.get(k) == wished:
                    del slots[k]
    feeling = _slot_feeling(text)
    evaluative = asks and feeling is not None and feeling[0] in ("좋음", "싫음")  # 어디가 좋아?: asks, feels nothing
    if "feeling" not in slots and feeling is not None and not evaluative \
            and (feeling[0] not in ("좋음", "싫음") or not slots.get("item")):
        slots["feeling"] = feeling[0]
    return slots


def _time_span(sentence: Sentence) -> str:
    """The first time expression, with the ones written right after it: '다음 주 금요일', '내일 3시'."""
    text = " ".join(sentence.words)
    span = sentence.times[0].text
    end = text.find(span) + len(span)
    for t in sentence.times[1:]:
        at = text.find(t.text, end)
        gap = text[end:at] if at >= 0 else "x"
        if at < 0 or gap.strip():  # only times written next to each other, no particle between
            break
        span = text[text.find(span):at + len(t.text)]
        end = at + len(t.text)
    return span


def _whole_place(sentence: Sentence, m: an.Morpheme) -> str:
    """'제주' + 도 (a particle to the tagger) -> '제주도' when the word is a place ending in 도."""
    word = sentence.words[m.word] if m.word < len(sentence.words) else m.form
    for size in range(len(word), len(m.form), -1):
        if word[:size] in PARTICLE_LIKE_NOUNS and word[:size].startswith(m.form):
            return word[:size]
    return m.form


class Reader:
    """The per-process reader the embedded roles share: one `Analyzer` and a bounded LRU of readings."""

    def __init__(self, analyzer: Analyzer | None = None, cache_size: int = 1024) -> None:
        self.analyzer = analyzer if analyzer is not None else Analyzer(cache_size=cache_size)
        self._cache_size = max(0, cache_size)
        self._cache: OrderedDict[str, Understanding] = OrderedDict()
        self._lock = threading.Lock()

    def read(self, text: str) -> Understanding:
        with self._lock:
            hit = self._cache.get(text)
            if hit is not None:
                self._cache.move_to_end(text)
                return hit
        reading = understand(text, self.analyzer)
        with self._lock:
            self._cache[text] = reading
            self._cache.move_to_end(text)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return reading

    __call__ = read
