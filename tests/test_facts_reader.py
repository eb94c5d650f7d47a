"""The memory extractor's fallback reader (facts_reader.py): first-person clauses read by their predicate.

Our own examples, one group per kind of fact the reader adds, with the guards it must keep.
"""

from __future__ import annotations

import pytest

from ohlora.mind.embedded.facts import extract_fact
from ohlora.mind.embedded.understanding import key_family

READS = [
    # possessions: bought or given, the noun phrase kept whole
    ("어제 무선 이어폰 샀어", "[산 물건: 무선 이어폰]"),
    ("맥북 에어 질렀음", "[산 물건: 맥북 에어]"),
    ("새로 산 운동화 편해", "[산 물건: 운동화]"),
    # likes and dislikes
    ("재즈 좋아함", "[좋아하는 것: 재즈]"),
    ("떡볶이는 진리야", "[좋아하는 것: 떡볶이]"),
    ("매운 거 못 먹어", "[못 먹는 음식: 매운 거]"),
    # hobbies
    ("기타 배우는 중", "[취미: 기타]"),
    ("주말마다 등산 다님", "[취미: 등산]"),
    ("뜨개질하는 게 취미야", "[취미: 뜨개질]"),
    # work and school
    ("편의점에서 일해", "[직장: 편의점]"),
    ("카페 알바 뛰는 중", "[직업: 카페 알바]"),
    ("경영학 전공해", "[전공: 경영학]"),
    # places
    ("부산 토박이야", "[고향: 부산]"),
    ("지금 스터디카페임", "[지금 있는 곳: 스터디카페]"),
    # pets, health, states, people
    ("우리 시츄 몽이가 아파", "[반려동물: 시츄 몽이]"),
    ("고양이 입양했어", "[반려동물: 고양이]"),
    ("허리가 너무 뻐근해", "[건강 상태: 허리 뻐근함]"),
    ("감기 걸림", "[건강 상태: 감기]"),
    ("너무 외로워", "[상태: 외로움]"),
    ("남동생 민수가 전역했어", "[남동생: 민수]"),
]

NOTHING = [
    "그 노래 좋아해",  # a thing pointed at
    "나 안 외로워",  # negated
    "외로우면 연락해",  # a condition
    "이어폰 사고 싶다",  # a wish
    "친구가 아이패드 샀대",  # someone else's news, hearsay
    "엄마가 장 보러 가셨어",  # someone else's news
    "부산 사람 아니야",  # negated
    "내일 춥대",  # a forecast
    "오늘 미세먼지 최악",  # air quality is not the user's weather
    "요즘 날씨 춥다",  # the season's weather
    "간호사 되는 게 꿈이야",  # a dream, not a job
    "나 고양이 안 좋아해",  # what is not liked is not stored as a dislike
]


@pytest.mark.parametrize(("text", "item"), READS)
def test_reader_finds_the_fact(text: str, item: str) -> None:
    fact = extract_fact(text)
    assert fact is not None and fact.item() == item
    assert key_family(fact.key) is not None  # recall questions find the key


@pytest.mark.parametrize("text", NOTHING)
def test_reader_keeps_the_guards(text: str) -> None:
    assert extract_fact(text) is None


def test_values_are_widened_with_the_nouns_before_them() -> None:
    assert extract_fact("전화 통화 진짜 싫어함").value == "전화 통화"
    assert extract_fact("나 경영 3학년").value == "경영 3학년"


def test_the_feeling_said_first_is_kept() -> None:
    assert extract_fact("긴장돼서 잠이 안 와 떨려").value == "긴장됨"


# more shapes (our own examples): names, people around the user, things given, products, plans, jobs, ages
SHAPES = [
    ("진짜 이름은 아니고 본명은 소윤이", "[이름: 소윤]"),
    ("친구들은 나 감자라고 부르는데 본명은 하람이야", "[이름: 하람]"),
    ("헐 이름 말 안 했다 ㅎㅎ 다온이야", "[이름: 다온]"),
    ("본명 알려줄게 서진이야", "[이름: 서진]"),
    ("엄마랑 단둘이 살아", "[가족: 엄마와 같이 삶]"),
    ("쌍둥이 언니가 있어", "[쌍둥이 언니: 있음]"),
    ("나 썸녀 생겼어", "[친구 썸녀: 썸녀]"),
    ("여친이랑 헤어졌어", "[여자친구: 헤어졌어]"),
    ("결혼했어 아내랑 둘이 살아", "[가족: 아내와 같이 삶]"),
    ("할머니가 장갑 떠주셨어", "[받은 물건: 할머니가 떠준 장갑]"),
    ("언니가 나한테 지갑 사줬어", "[받은 물건: 언니가 사준 지갑]"),
    ("갤탭 질렀어", "[산 물건: 갤탭]"),
    ("갤럭시 24 샀어", "[산 물건: 갤럭시 24]"),
    ("울집 냥이 두부 밥 안 먹음", "[반려동물: 냥이 두부]"),
    ("담주에 부산 감", "[다음 주 일정: 부산 방문]"),
    ("모레 한능검 시험 봄 하나도 안 봤는데", "[모레 일정: 한능검 시험]"),
    ("우리 오빠 토요일에 결혼해", "[토요일 일정: 오빠 결혼]"),
    ("간호사로 취직했어!!", "[직업: 간호사]"),
    ("치킨집에서 서빙하는데 힘들어", "[직업: 치킨집 서빙]"),
    ("간호사 2년차예요", "[직업: 간호사]"),
    ("고려대 붙었다", "[학교: 고려대]"),
    ("나 경영 2학년임", "[학년: 경영 2학년]"),
    ("이제 마흔인데 아직도 철이 없어", "[나이: 마흔 살]"),
    ("올해 스물셋 됨", "[나이: 스물셋 살]"),
]

SHAPES_NOTHING = [
    "강아지가 내 이름 부르는 것 같아",  # a pet calling the user's name is no name
    "가방 들고 다녀",  # '들고' is no school
    "동생 생일 선물 뭐 하지? 열다섯 살이야",  # the brother's age, not the user's
    "엄마가 떡볶이 사 먹으래",  # someone else's news
]


@pytest.mark.parametrize(("text", "item"), SHAPES)
def test_more_shapes_are_read(text: str, item: str) -> None:
    fact = extract_fact(text)
    assert fact is not None and fact.item() == item
    assert key_family(fact.key) is not None


@pytest.mark.parametrize("text", SHAPES_NOTHING)
def test_more_shapes_keep_the_guards(text: str) -> None:
    assert extract_fact(text) is None


# who the user is outranks a passing state or a like said in the same breath, also as a reason ('…라서', '…이라')
WHO_THE_USER_IS = [
    ("나 아직 고딩이라 밤에 못 나가", "[학년: 고딩]"),
    ("저 비염 있어서 봄이 제일 힘들어", "[건강 상태: 비염]"),
    ("저 미성년자라서 카페인 조심해요", "[나이: 미성년자]"),
    ("손목 깁스해서 타자 치기 힘듦", "[건강 상태: 손목 깁스]"),
    ("공황장애 약 먹고 있어", "[건강 상태: 공황장애]"),
    ("나 이제 스물다섯인데요", "[나이: 스물다섯 살]"),
    ("야근 많아서 피곤한데 나 사실 공무원임", "[직업: 공무원]"),
]

NOT_THE_USER = [
    "여자친구 있다고 치자",  # a supposition
    "내 친구 태민이는 치대 다녀",  # a friend named after who they are
]


@pytest.mark.parametrize(("text", "item"), WHO_THE_USER_IS)
def test_who_the_user_is_outranks_the_rest(text: str, item: str) -> None:
    fact = extract_fact(text)
    assert fact is not None and fact.item() == item


@pytest.mark.parametrize("text", NOT_THE_USER)
def test_suppositions_and_named_friends_give_nothing(text: str) -> None:
    assert extract_fact(text) is None


def test_a_hobby_taken_up_is_read() -> None:
    fact = extract_fact("기타 배우기 시작했어")
    assert fact is not None and fact.item() == "[취미: 기타]"
    fact = extract_fact("간호사 3년차인데 힘들다")
    assert fact is not None and fact.key == "직업"


LIKES_SAID_OTHERWISE = [
    ("요즘 훠궈 중독이라 매주 먹어", "좋아하는 것", "훠궈"),
    ("밀크티 못 끊겠어", "좋아하는 것", "밀크티"),
    ("김치찌개는 매일 먹어도 안 질려", "좋아하는 것", "김치찌개"),
    ("이 노래 질리지가 않아", None, None),
    ("순대 이제 질렸어", "싫어하는 것", "순대"),
    ("클럽은 나랑 안 맞아", "싫어하는 것", "클럽"),
    ("오이는 냄새가 비려서 별로", "싫어하는 것", "오이"),
    ("내 최애 아이브인데 콘서트 또 떨어짐", "좋아하는 것", "아이브"),
    ("킥보드 생겨서 출퇴근 편해짐", "가진 물건", "킥보드"),
    ("오토바이 타고 다녀", "가진 물건", "오토바이"),
]


@pytest.mark.parametrize(("text", "key", "value"), LIKES_SAID_OTHERWISE)
def test_likes_and_things_said_in_other_ways(text: str, key: str | None, value: str | None) -> None:
    fact = extract_fact(text)
    if key is None:
        assert fact is None or fact.key not in ("좋아하는 것", "싫어하는 것")
    else:
        assert fact is not None and fact.key == key and value in fact.value, fact


PETS_AND_HOBBIES_BY_DEED = [
    ("호두가 꼬리 흔들면서 반겨줌", "반려동물", "호두"),
    ("두부 산책시키고 옴", "반려동물", "두부"),
    ("클라이밍 시작했는데 팔이 후들거려", "취미", "클라이밍"),
    ("요가 2년차인데 아직 뻣뻣함", "취미", "요가"),
    ("테니스 주말반 등록했어", "취미", "테니스"),
]


@pytest.mark.parametrize(("text", "key", "value"), PETS_AND_HOBBIES_BY_DEED)
def test_pets_and_hobbies_known_by_what_is_done(text: str, key: str, value: str) -> None:
    fact = extract_fact(text)
    assert fact is not None and fact.key == key and value in fact.value, fact


def test_a_friend_walked_with_is_no_pet() -> None:
    fact = extract_fact("민지랑 한강 산책했어")
    assert fact is None or fact.key != "반려동물"


WHO_THE_USER_IS_IN_PASSING = [
    ("연세대 다니는 지우예요 반가워요", "이름", "지우"),
    ("나 서연이 아니라 서윤이야", "이름", "서윤"),
    ("나 빠른 02야", "나이", "02년생"),
    ("나 토끼띠야", "나이", "토끼띠"),
    ("나 아홉수라 조심해야 돼", "나이", "아홉수"),
    ("고려대 새내기인데 수강신청 망함", "학교", "고려대"),
    ("우리 국문학과 교수님들 다 착해", "전공", "국문학과"),
    ("간호학과 실습 끝나고 녹초", "전공", "간호학과"),
    ("나 컴공 2학년 너무 바빠", "학년", "컴공 2학년"),
    ("영업 팀인데 실적 압박 심해", "직장", "영업 팀"),
    ("경찰 된 지 3년 됐는데 아직도 떨려", "직업", "경찰"),
    ("호주에서 워홀 중인데 돈 벌기 힘들다", "사는 곳", "호주"),
    ("대구 본가 내려왔어", "고향", "대구"),
    ("우리 동네 연남동은 카페가 많아", "사는 곳", "연남동"),
]


@pytest.mark.parametrize(("text", "key", "value"), WHO_THE_USER_IS_IN_PASSING)
def test_who_the_user_is_said_in_passing(text: str, key: str, value: str) -> None:
    fact = extract_fact(text)
    assert fact is not None and fact.key == key and value in fact.value, fact


@pytest.mark.parametrize("text", ["엄마가 하는 식당이야", "친구가 다니는 회사야", "축구 팀 이겼어", "우리 팀 졌어",
                                  "방금 집에 왔어", "친구가 경영학과 실습 힘들대", "동생 마케팅 팀이야", "말띠 친구가 있어"])
def test_others_and_passing_words_are_not_who_the_user_is(text: str) -> None:
    fact = extract_fact(text)
    assert fact is None or key_family(fact.key) not in ("name", "age", "school", "job", "place"), fact
