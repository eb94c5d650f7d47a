"""understand(): what a message means (acts, whom it is about, tense, slots, recall keys), and the Reader."""

from __future__ import annotations

import pytest

from ohlora.mind.embedded.analysis import Analyzer
from ohlora.mind.embedded.understanding import About, Act, Reader, Tense, understand


@pytest.fixture(scope="module")
def reader() -> Reader:
    return Reader(cache_size=256)


def _act(reader: Reader, text: str) -> Act:
    return reader.read(text).act


# --- acts -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "act"), [
    ("안녕!", Act.GREETING),
    ("안녕하세요", Act.GREETING),
    ("로라야 안녕", Act.GREETING),
    ("하이~", Act.GREETING),
    ("오랜만이야", Act.GREETING),
    ("잘 자", Act.FAREWELL),
    ("나 이제 잘게", Act.FAREWELL),
    ("내일 봐!", Act.FAREWELL),
    ("고마워", Act.THANKS),
    ("진짜 고마워 로라야", Act.THANKS),
    ("감사합니다", Act.THANKS),
    ("미안해", Act.APOLOGY),
    ("늦어서 미안", Act.APOLOGY),
    ("너 몇 살이야?", Act.ASK_HER),
    ("너는 뭐 좋아해?", Act.ASK_HER),
    ("마라탕 좋아해?", Act.ASK_HER),
    ("로라는 MBTI가 뭐야?", Act.ASK_HER),
    ("뭐 해?", Act.ASK_HER),
    ("주말에 뭐 했어?", Act.ASK_HER),
    ("내 이름 뭐였지?", Act.RECALL),
    ("내 이름 기억나?", Act.RECALL),
    ("내가 어디 간다고 했지?", Act.RECALL),
    ("내 강아지 이름은?", Act.RECALL),
    ("내가 뭘 좋아한다고 했지", Act.RECALL),
    ("내 생일 언제라고 했지?", Act.RECALL),
    ("내가 뭐 좋아하게?", Act.ASK_USER),
    ("내 나이 맞혀 봐", Act.ASK_USER),
    ("내 이름은 민준이야", Act.TELL_FACT),
    ("나 마라탕 좋아해", Act.TELL_FACT),
    ("나 오이 진짜 싫어해", Act.TELL_FACT),
    ("우리 강아지 이름은 초코야", Act.TELL_FACT),
    ("나 간호사야", Act.TELL_FACT),
    ("나 서울 살아", Act.TELL_FACT),
    ("엄마는 선생님이야", Act.TELL_FACT),
    ("나 내일 시험이야", Act.TELL_PLAN),
    ("다음 주에 제주도 여행 가", Act.TELL_PLAN),
    ("이따 친구 만날 거야", Act.TELL_PLAN),
    ("어제 시험 봤어", Act.TELL_PAST),
    ("ㅋㅋ 고마워 근데 나 누구였지?", Act.RECALL),  # the question after 근데 is the point
    ("이름은 기억하지?", Act.RECALL),
    ("이름까지 맞히면 인정ㅋㅋ", Act.RECALL),
    ("앵무새 이름은?", Act.RECALL),
    ("이름이 뭐야?", Act.ASK_HER),  # a bare '이름' question asks hers
    ("Do you remember my name? 내 이름 뭐야?", Act.RECALL),  # the recall sentence is the point
    ("아 이름? 가온", Act.TELL_FACT),
    # help asked with something that harms or cheats others: she says no (persona), news of it is no ask
    ("시험 컨닝하는 법 좀 ㅋㅋ", Act.HARM),
    ("전 남친 집 주소 알아내는 법 없어?", Act.HARM),
    ("폭탄 만드는 법 알려줘", Act.HARM),
    ("친구가 보이스피싱 당했대", Act.TELL_PAST),
    ("해킹당한 계정 복구하는 법 알려줘", Act.REQUEST),
    ("마약떡볶이 맛집 알려줘", Act.REQUEST),
    ("지난 주말에 부산 갔었어", Act.TELL_PAST),
    ("나 너무 피곤해", Act.TELL_FEELING),
    ("긴장돼", Act.TELL_FEELING),
    ("요즘 우울해", Act.TELL_FEELING),
    ("노래 추천해 줘", Act.REQUEST),
    ("위로 좀 해 줘", Act.REQUEST),
    ("같이 놀자", Act.REQUEST),
    ("날씨 어때?", Act.OPINION),
    ("이 옷 어때?", Act.OPINION),
    ("친구가 왜 답장을 안 할까?", Act.OPINION),
    ("사랑해", Act.CONFESS),
    ("너 좋아해", Act.CONFESS),
    ("나랑 사귀자", Act.CONFESS),
    ("우리 실제로 만나자", Act.CONFESS),
    ("ㅋㅋㅋㅋ", Act.REACTION),
    ("헐 대박", Act.REACTION),
    ("ㅇㅇ", Act.REACTION),
    ("그렇구나", Act.REACTION),
    ("시험 공부하고 있어", Act.SMALLTALK),
])
def test_acts(reader, text, act):
    assert _act(reader, text) is act, reader.read(text)


# --- about ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "about"), [
    ("너 몇 살이야?", About.HER),
    ("니가 제일 좋아하는 음식은?", About.HER),
    ("오로라는 어디 살아?", About.HER),
    ("나 내일 시험이야", About.USER),
    ("내 이름은 민준이야", About.USER),
    ("저는 학생이에요", About.USER),
    ("우리 집 고양이 진짜 귀여워", About.USER),
    ("시험 공부하고 있어", About.USER),
    ("엄마가 아파", About.THIRD),
    ("내 친구가 내일 결혼해", About.THIRD),
    ("팀장님이 또 야근 시켰어", About.THIRD),
    ("민수가 나한테 화냈어", About.THIRD),
    ("날씨 어때?", About.NONE),
])
def test_about(reader, text, about):
    assert reader.read(text).about is about, reader.read(text)


# --- tense and negation ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "tense", "negated"), [
    ("내일 시험이야", Tense.FUTURE, False),
    ("어제 시험 봤어", Tense.PAST, False),
    ("시험 공부하고 있어", Tense.ONGOING, False),
    ("내일 시험 없어", Tense.FUTURE, True),
    ("어제 시험 안 봤어", Tense.PAST, True),
    ("오늘 너무 피곤해", Tense.PRESENT, False),
])
def test_tense_contrasts(reader, text, tense, negated):
    u = reader.read(text)
    assert (u.tense, u.negated) == (tense, negated)
    assert u.topic == "시험" or "시험" not in text


def test_no_exam_tomorrow_is_a_plan_with_negation(reader):
    u = reader.read("내일 시험 없어")
    assert u.act is Act.TELL_PLAN and u.negated and u.slots["event"] == "시험" and u.slots["time"] == "내일"


# --- slots ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "name"), [
    ("내 이름은 민준이야", "민준"),
    ("내 이름은 지우", "지우"),
    ("제 이름은 박하늘입니다", "박하늘"),
    ("나 지우라고 해", "지우"),
    ("서연이라고 불러 줘", "서연"),
    ("저는 김서연입니다", "김서연"),
    ("로라야 안녕 나 민준이야", "민준"),
])
def test_names_in_several_phrasings(reader, text, name):
    u = reader.read(text)
    assert u.slots.get("name") == name and u.act is Act.TELL_FACT and u.about is About.USER


@pytest.mark.parametrize(("text", "age"), [("나 24살이야", "24"), ("나 스물넷이야", "24"), ("스무 살이에요", "20"),
                                           ("나 서른한 살", "31")])
def test_ages(reader, text, age):
    assert reader.read(text).slots.get("age") == age


def test_pet_kind_and_name(reader):
    u = reader.read("우리 강아지 이름은 콩이야")
    assert u.slots["pet"] == "강아지" and u.slots["pet_name"] == "콩이" and "name" not in u.slots


def test_person_relation_and_name(reader):
    u = reader.read("내 친구 민지가 내일 결혼해")
    assert u.slots["person"] == "친구 민지" and u.slots["relation"] == "친구" and u.slots["person_name"] == "민지"
    assert u.slots["event"] == "결혼" and u.slots["time"] == "내일" and u.act is Act.TELL_PLAN


def test_likes_and_dislikes(reader):
    u = reader.read("나 떡볶이 진짜 좋아해")
    assert u.slots["like"] == "떡볶이" and u.slots["food"] == "떡볶이" and u.topic == "떡볶이"
    u = reader.read("나 오이 못 먹어")
    assert u.slots["dislike"] == "오이"
    u = reader.read("너 마라탕 좋아해?")
    assert u.slots["item"] == "마라탕" and "like" not in u.slots


def test_feeling_and_polarity(reader):
    u = reader.read("오늘 너무 피곤해 ㅠㅠ")
    assert u.slots["feeling"] == "피곤" and u.polarity == -1
    assert reader.read("완전 신나!").polarity == 1
    assert reader.read("기분 안 좋아").polarity == -1


def test_place_and_time(reader):
    u = reader.read("다음 주 금요일에 제주도 가")
    assert u.slots["place"] == "제주도" and u.slots["time"] == "다음 주 금요일" and u.act is Act.TELL_PLAN


@pytest.mark.parametrize(("text", "time"), [("내일 3시에 치과 가", "내일 3시"), ("내일 저녁 7시에 만나", "내일 저녁 7시"),
                                            ("3월 5일 토요일에 결혼식 가", "3월 5일 토요일"), ("어제 밤에 비 왔어", "어제 밤"),
                                            ("주말에 내일 얘기하자", "주말")])
def test_time_spans(reader, text, time):
    assert reader.read(text).slots["time"] == time


# --- recall keys ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "key"), [
    ("내 이름 뭐였지?", "name"),
    ("내 이름 기억나?", "name"),
    ("내가 어디 간다고 했지?", "plan"),
    ("내 강아지 이름은?", "pet"),
    ("내가 뭘 좋아한다고 했지", "like"),
    ("내가 뭐 싫어한다고 했지?", "dislike"),
    ("내 나이 기억해?", "age"),
    ("내가 내일 뭐 한다고 했지?", "plan"),
    ("내가 어디 산다고 했지?", "place"),
    ("내 전공 뭐였더라?", "school"),
    ("내 동생 이름 기억나?", "people"),
])
def test_recall_keys(reader, text, key):
    u = reader.read(text)
    assert u.act is Act.RECALL and u.recall_key == key, u


# --- low confidence -------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["ㅁㄴㅇㄹ", "asdfghjkl", "?", "뷁꿿햏", "ㅁㄴㅇㄹㅁㄴㅇㄹ ㅇㄴㄹ"])
def test_unreadable_messages_have_low_confidence(reader, text):
    assert reader.read(text).confidence < 0.5


@pytest.mark.parametrize("text", ["나 내일 시험이야", "내 이름은 민준이야", "안녕", "ㅋㅋㅋ"])
def test_readable_messages_are_confident(reader, text):
    assert reader.read(text).confidence >= 0.9


# --- vocatives and social moves alongside content -------------------------------------------------

def test_vocatives_are_not_content(reader):
    u = reader.read("로라야 나 내일 면접이야")
    assert u.topic == "면접" and u.about is About.USER
    assert reader.read("오로라 너 몇 살이야?").act is Act.ASK_HER


def test_greeting_with_content_keeps_both(reader):
    u = reader.read("안녕! 나 민준이야")
    assert u.act is Act.TELL_FACT and Act.GREETING in u.also


# --- the Reader -----------------------------------------------------------------------------------

def test_the_reader_caches_by_text_and_is_bounded():
    r = Reader(cache_size=2)
    first = r.read("안녕")
    assert r.read("안녕") is first
    r.read("고마워")
    r.read("잘 자")
    assert r.read("안녕") is not first and r.read("안녕") == first


def test_understand_takes_an_injected_analyzer():
    a = Analyzer(cache_size=4)
    u = understand("어제 시험 망했어", a)
    assert u.act is Act.TELL_PAST and u.tense is Tense.PAST and a.loaded
    assert Reader(a).analyzer is a


# --- more facts, and what is not a fact -----------------------------------------------------------

@pytest.mark.parametrize(("text", "slot", "value"), [
    ("내 취미는 그림 그리기야", "hobby", "그림 그리기"),
    ("나 요즘 헬스 다녀", "hobby", "헬스"),
    ("나 게임하는 거 좋아해", "like", "게임"),
    ("나 매운 거 못 먹어", "dislike", "매운 거"),
    ("나 고3이야", "school", "고3"),
    ("대학교 3학년이야", "school", "대학교 3학년"),
    ("나 연세대 다녀", "school", "연세대"),
    ("나 컴퓨터공학 전공이야", "major", "컴퓨터공학"),
    ("나 간호사야", "job", "간호사"),
    ("회사 다녀", "job", "회사원"),
    ("나 부산 사람이야", "home", "부산"),
    ("나 서울 살아", "home", "서울"),
    ("나 ENFP야", "mbti", "ENFP"),
    ("내 생일은 3월 5일이야", "birthday", "3월 5일"),
    ("나 여동생 있어", "family", "여동생"),
    ("나 외동이야", "family", "외동"),
    ("내 강아지는 말티즈야", "pet_breed", "말티즈"),
    ("고양이 이름은 나비랑 보리야", "pet_name", "나비"),
    ("엄마는 선생님이야", "person_job", "선생님"),
    ("내 동생 이름은 지호야", "person_name", "지호"),
])
def test_fact_slots(reader, text, slot, value):
    u = reader.read(text)
    assert u.slots.get(slot) == value and u.act is Act.TELL_FACT, u


@pytest.mark.parametrize("text", ["나 감기야", "나 혼자야", "나 학생이야", "너 이름 뭐야?", "내 친구 이름은 민지야",
                                  "나 진짜 배고파", "나 부산이야", "나 스물넷이야"])
def test_not_the_users_name(reader, text):
    assert "name" not in reader.read(text).slots


def test_someone_elses_name_is_theirs(reader):
    u = reader.read("내 친구 이름은 민지야")
    assert u.about is About.THIRD and u.slots["person_name"] == "민지" and "name" not in u.slots


@pytest.mark.parametrize(("text", "act"), [
    ("오늘 뭐 먹지", Act.OPINION),
    ("나 어제 친구랑 싸웠는데 어떡하지", Act.ADVICE),  # a worry she meets, not a question to answer
    ("점심 뭐 먹을까?", Act.OPINION),
    ("너 나 기억해?", Act.RECALL),
    ("나 누군지 알아?", Act.RECALL),
    ("나 보고 싶었어?", Act.CONFESS),
    ("그래 알았어", Act.REACTION),
    ("ㅋㅋㅋㅋ 진짜 웃기다", Act.REACTION),
    ("로라야", Act.REACTION),
    ("ㅎㅇ", Act.GREETING),
    ("ㄱㅅ", Act.THANKS),
    ("ㅂㅂ", Act.FAREWELL),
    ("안녕히 계세요", Act.FAREWELL),
    ("우리 집 강아지가 아파", Act.SMALLTALK),
    ("합격했어!!", Act.TELL_PAST),
    ("내일 소개팅 있어 떨려", Act.TELL_PLAN),
    ("오늘 생일이야", Act.TELL_PLAN),
])
def test_more_acts(reader, text, act):
    assert reader.read(text).act is act, reader.read(text)


def test_social_moves_are_about_no_one_now(reader):
    for text in ("좋은 아침!", "굿나잇 로라", "안녕히 계세요"):
        u = reader.read(text)
        assert (u.about, u.tense, u.topic) == (About.NONE, Tense.PRESENT, None)


def test_a_third_partys_plan(reader):
    u = reader.read("우리 엄마 생신이 다음 주야")
    assert u.act is Act.TELL_PLAN and u.about is About.THIRD and u.slots["time"] == "다음 주"


def test_polarity_from_news(reader):
    assert reader.read("합격했어!!").polarity == 1
    assert reader.read("시험 떨어졌어").polarity == -1
    assert reader.read("너 몇 살이야?").polarity == 0


def test_several_sentences(reader):
    u = reader.read("안녕 로라야. 나 민준이야. 내일 면접 있어")
    assert u.act is Act.TELL_FACT and Act.GREETING in u.also
    assert u.slots["name"] == "민준" and u.slots["event"] == "면접" and u.slots["time"] == "내일"


def test_thanks_and_apology_with_their_reasons(reader):
    assert reader.read("고마워 로라야! 덕분에 힘났어").act is Act.THANKS
    assert reader.read("미안해. 어제 답장 못 했어").act is Act.APOLOGY
    assert reader.read("고마워. 근데 나 내일 시험이야").act is Act.TELL_PLAN


@pytest.mark.parametrize(("text", "polarity"), [("ㅋㅋㄹㅃㅃ", 1), ("ㄹㅇㅋㅋ", 1), ("ㅇㅅㅇ", 0), ("😀", 1), ("😭😭", -1),
                                                ("ㅡㅡ", -1), ("ㅎㅎ", 1)])
def test_emoticons_are_reactions(reader, text, polarity):
    u = reader.read(text)
    assert u.act is Act.REACTION and u.polarity == polarity and u.confidence >= 0.9


@pytest.mark.parametrize("text", ["ㅁ나ㅣ어림ㄴ아ㅓ", "1234", "ㅏㅏㅏㅏ", "djsleksk"])
def test_more_unreadable_messages(reader, text):
    assert reader.read(text).confidence < 0.5


def test_an_exam_ahead_is_the_news_even_with_a_past_clause(reader):
    u = reader.read("나 내일 시험인데 공부 하나도 안 했어")
    assert u.act is Act.TELL_PLAN and u.slots["event"] == "시험" and u.slots["time"] == "내일"


@pytest.mark.parametrize("text", ["기분이 별로야", "기분 안 좋아", "컨디션 최악이야"])
def test_a_bad_mood_is_a_feeling_not_a_dislike(reader, text):
    u = reader.read(text)
    assert u.act is Act.TELL_FEELING and u.polarity == -1 and "dislike" not in u.slots


def test_the_reader_is_shared_by_threads():
    import threading

    r = Reader(cache_size=16)
    texts = ["나 내일 시험이야", "어제 시험 봤어", "내 이름은 민준이야", "너 몇 살이야?"] * 10
    got: list[tuple[str, Act]] = []
    lock = threading.Lock()

    def work(text: str) -> None:
        act = r.read(text).act
        with lock:
            got.append((text, act))

    threads = [threading.Thread(target=work, args=(t,)) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == len(texts)
    assert {t: a for t, a in got} == {"나 내일 시험이야": Act.TELL_PLAN, "어제 시험 봤어": Act.TELL_PAST,
                                       "내 이름은 민준이야": Act.TELL_FACT, "너 몇 살이야?": Act.ASK_HER}


def test_the_same_reading_whatever_the_hash_seed():
    import os
    import subprocess
    import sys

    script = (
        "from ohlora.mind.embedded.understanding import Reader\n"
        "r = Reader()\n"
        "for t in ['내 친구 민지가 내일 결혼해', '우리 강아지 이름은 콩이야', '나 떡볶이 진짜 좋아해', '내 동생 이름 기억나?',"
        " '안녕! 나 민준이야', '다음 주 금요일에 제주도 가']:\n"
        "    u = r.read(t)\n"
        "    print(u.act.value, u.about.value, u.tense.value, u.topic, sorted(u.slots.items()), u.recall_key)\n"
    )
    outputs = set()
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
        outputs.add(done.stdout)
    assert len(outputs) == 1


@pytest.mark.parametrize(("text", "act", "about"), [
    ("오늘 팀장님한테 혼나서 기분 최악이야", Act.TELL_FEELING, About.USER),
    ("어제 친구들이랑 술 마셨어", Act.TELL_PAST, About.USER),
    ("오늘 저녁에 엄마랑 외식해", Act.TELL_PLAN, About.USER),
    ("엄마한테 선물 줬어", Act.TELL_PAST, About.USER),
    ("우리 엄마 생신 선물 뭐가 좋을까?", Act.OPINION, About.THIRD),
    ("내 동생이 이번에 대학 붙었어", Act.TELL_PAST, About.THIRD),
])
def test_someone_with_an_oblique_particle_is_not_the_subject(reader, text, act, about):
    u = reader.read(text)
    assert (u.act, u.about) == (act, about), u


def test_topic_prefers_the_thing_over_the_person(reader):
    assert reader.read("엄마한테 선물 줬어").topic == "선물"


def test_a_question_that_evaluates_feels_nothing(reader):
    u = reader.read("나 다음 달에 일본 여행 가는데 어디가 좋아?")
    assert u.act is Act.OPINION and u.polarity == 0 and "feeling" not in u.slots and u.slots["place"] == "일본"


@pytest.mark.parametrize("text", ["말해 줄 수 있어?", "노래 불러 줄 수 있어?", "그거 해 주면 안 돼?", "뭐 추천해 줄래?"])
def test_asking_for_a_favour_is_a_request(reader, text):
    assert reader.read(text).act is Act.REQUEST


def test_english_love_is_a_confession(reader):
    assert reader.read("I love you").act is Act.CONFESS


@pytest.mark.parametrize(("text", "topic"), [("너 몇 살이야?", "나이"), ("넌 어디 살아?", "사는 곳"),
                                             ("너 이름이 뭐야?", "이름"), ("로라는 뭐 좋아해?", "좋아하는 것"),
                                             ("너 마라탕 좋아해?", "마라탕")])
def test_what_she_is_asked_about(reader, text, topic):
    u = reader.read(text)
    assert u.act is Act.ASK_HER and u.topic == topic


def test_repeated_letters(reader):
    assert reader.read("가가가가가").confidence < 0.5
    assert reader.read("아아아아").act is Act.REACTION


@pytest.mark.parametrize(("text", "key"), [("내가 몇 살 같아?", "age"), ("내가 어디 사는지 맞춰 봐", "place"),
                                           ("내 직업 맞혀 볼래?", "job"), ("내가 제일 좋아하는 음식이 뭘까?", "like"),
                                           ("내 MBTI 뭐게?", "mbti")])
def test_guess_games(reader, text, key):
    u = reader.read(text)
    assert u.act is Act.ASK_USER and u.recall_key == key


def test_asking_advice_about_oneself_is_not_a_guess(reader):
    assert reader.read("나 뭐 먹을까?").act is Act.OPINION


@pytest.mark.parametrize(("text", "wish"), [("나 고양이 키우고 싶어", "고양이"), ("나 개발자 되고 싶어", "개발자"),
                                            ("강아지 키울까 고민 중", "강아지"), ("내 꿈은 선생님이야", "선생님")])
def test_wishes_are_not_facts(reader, text, wish):
    u = reader.read(text)
    assert u.act is not Act.TELL_FACT and u.slots.get("wish") == wish
    assert not {"job", "pet"} & set(u.slots)


@pytest.mark.parametrize(("text", "gone"), [("나 학생 아니야", "job"), ("나 강아지 없어", "pet"),
                                            ("나 부산 안 살아", "home")])
def test_denied_facts_fill_no_slot(reader, text, gone):
    u = reader.read(text)
    assert u.negated and gone not in u.slots and u.act is not Act.TELL_FACT


def test_the_job_that_is_not_denied(reader):
    u = reader.read("나 이제 학생 아니고 직장인이야")
    assert u.slots["job"] == "직장인" and u.act is Act.TELL_FACT


@pytest.mark.parametrize(("text", "act"), [
    # rude or kind words aimed at her; a report of someone else's words is neither
    ("닥쳐", Act.INSULT),
    ("너 진짜 멍청하다", Act.INSULT),
    ("AI 주제에 뭘 안다고", Act.INSULT),
    ("친구가 나보고 바보래", None),
    ("너랑 얘기하는 게 제일 좋아", Act.PRAISE),
    # follow-ups and pointing at her earlier words
    ("왜?", Act.FOLLOWUP),
    ("그래서?", Act.FOLLOWUP),
    ("아까 추천해준 거 중에 첫번째 거 괜찮은 듯", Act.FOLLOWUP),
    # advice and worries
    ("다시 연락해볼까?", Act.ADVICE),
    ("너라면 어떻게 할 거야?", Act.ADVICE),
    ("조원 한 명이 계속 연락이 안 돼요 어떡하죠", Act.ADVICE),
    # a choice, a crisis, a plan said with -기로 했어, and no plan without a day
    ("아아 vs 뜨아", Act.OPINION),
    ("그냥 다 사라지고 싶다", Act.CRISIS),
    ("주말에 캠핑 가기로 했어", Act.TELL_PLAN),
])
def test_acts_of_this_reading(reader, text, act):
    reading = reader.read(text)
    if act is None:
        assert reading.act is not Act.INSULT, reading
    else:
        assert reading.act is act, reading


def test_news_is_read_as_good_or_bad_by_what_happened(reader):
    assert reader.read("장학금 받았어ㅠㅠㅠ 엄마가 완전 좋아하심").polarity == 1  # tears of joy
    assert reader.read("폰 액정 깨졌어 떨궜는데").polarity == -1
    assert reader.read("엘베 고장나서 15층까지 걸어 올라왔다").polarity == -1
    assert reader.read("오늘 수업 휴강ㅋㅋㅋ개꿀").polarity == 1


def test_a_choice_fills_both_sides(reader):
    reading = reader.read("야식 치킨 vs 피자 골라줘")
    assert (reading.slots["choice_a"], reading.slots["choice_b"]) == ("치킨", "피자")
