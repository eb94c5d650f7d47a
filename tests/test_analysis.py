"""Korean analysis on mecab-ko (mind/embedded/analysis.py): morphemes, sentences, tense, negation, type."""

from __future__ import annotations

import threading

import pytest

from ohlora.mind.embedded.analysis import (
    FUTURE,
    ONGOING,
    PAST,
    PRESENT,
    QUESTION,
    REQUEST,
    STATEMENT,
    Analyzer,
    native_number,
    parse_lines,
    split_sentences,
)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(cache_size=64)


def test_the_tagger_loads_lazily_once():
    made = []

    def factory():
        import mecab_ko

        made.append(1)
        return mecab_ko.Tagger()

    a = Analyzer(tagger_factory=factory)
    assert not a.loaded and made == []
    a.analyze("안녕")
    a.analyze("반가워")
    assert a.loaded and made == [1]


def test_inflected_forms_are_decomposed_with_lemmas(analyzer):
    ms = analyzer.tag("어제 시험 망했어")
    pairs = [(m.form, m.tag) for m in ms]
    assert ("망하", "VV") in pairs and ("았", "EP") in pairs
    assert next(m for m in ms if m.form == "망하").lemma == "망하다"
    assert [m.word for m in ms if m.form in ("어제", "시험", "망하", "았")] == [0, 1, 2, 2]
    # decomposed endings come in compatibility jamo (ㄴ다고, not the jongseong letter)
    assert any(m.form == "ㄴ다고" for m in analyzer.tag("내가 어디 간다고 했지?"))


def test_parse_lines_reads_the_dictionary_format_without_a_tagger():
    output = "망했\tVV+EP,*,T,망했,Inflect,VV,EP,망하/VV/*+았/EP/*\n어\tEC,*,F,어,*,*,*,*\nEOS\n"
    ms = parse_lines(output, "망했어")
    assert [(m.form, m.tag, m.lemma) for m in ms] == [("망하", "VV", "망하다"), ("았", "EP", "았"), ("어", "EC", "어")]


def test_compound_proper_nouns_stay_whole(analyzer):
    s = analyzer.analyze("3월 5일에 제주도 여행 가").sentences[0]
    assert "제주도" in s.proper_nouns
    assert "3월 5일" in s.numbers and s.times[0].text == "3월 5일"


def test_sentences_split_on_end_marks_and_lines():
    assert split_sentences("시험 망했어. 진짜 속상해") == ["시험 망했어.", "진짜 속상해"]
    assert split_sentences("안녕?\n나 왔어!") == ["안녕?", "나 왔어!"]
    assert split_sentences("  ") == []


@pytest.mark.parametrize(("text", "tense"), [
    ("내일 시험이야", FUTURE),
    ("어제 시험 봤어", PAST),
    ("시험 공부하고 있어", ONGOING),
    ("지금 공부하는 중이야", ONGOING),
    ("나 시험 공부 중", ONGOING),
    ("다음 주에 여행 갈 거야", FUTURE),
    ("이따 전화할게", FUTURE),
    ("주말에 부산 가", FUTURE),
    ("지난 주말에 부산 갔어", PAST),
    ("3일 뒤에 출국해", FUTURE),
    ("나 지금 너무 피곤해", PRESENT),
    ("뭐 먹을지 모르겠어", PRESENT),
    ("맛있겠다", PRESENT),
    ("어제 시험", PAST),
])
def test_tense(analyzer, text, tense):
    assert analyzer.analyze(text).sentences[0].tense == tense


@pytest.mark.parametrize(("text", "negated"), [
    ("내일 시험 없어", True),
    ("밥 안 먹었어", True),
    ("오늘 못 가", True),
    ("별로 좋지 않아", True),
    ("그건 내 잘못이 아니야", True),
    ("아직 끝내지 못했어", True),
    ("하지 마", True),
    ("내일 시험 있어", False),
    ("밥 먹었어", False),
    ("가기 싫어", False),
])
def test_negation(analyzer, text, negated):
    assert analyzer.analyze(text).sentences[0].negated is negated


@pytest.mark.parametrize(("text", "kind"), [
    ("너 몇 살이야?", QUESTION),
    ("밥 먹었니", QUESTION),
    ("어디 가냐", QUESTION),
    ("너 뭐해", QUESTION),
    ("같이 갈래?", QUESTION),
    ("추천해 줘", REQUEST),
    ("노래 불러 주세요", REQUEST),
    ("같이 가자", REQUEST),
    ("한번 해 봐", REQUEST),
    ("도와줄래?", REQUEST),
    ("뭐 먹을지 모르겠어", STATEMENT),
    ("나 내일 시험이야", STATEMENT),
    ("선물 줄 거야", STATEMENT),
    ("엄마가 선물 주셨어", STATEMENT),
    ("안녕하세요", STATEMENT),
    ("한번 봐 주세요", REQUEST),
    ("하지 마", REQUEST),
    ("어떡하지", QUESTION),
])
def test_sentence_type(analyzer, text, kind):
    assert analyzer.analyze(text).sentences[0].kind == kind


@pytest.mark.parametrize(("text", "times"), [
    ("내일 봐", [("내일", 1)]),
    ("다음 주 금요일에 면접 있어", [("다음 주", 1), ("금요일", None)]),
    ("다음주에 가", [("다음주", 1)]),
    ("어제 모레 얘기 했잖아", [("어제", -1), ("모레", 1)]),
    ("오늘 저녁에 만나", [("오늘 저녁", None)]),
    ("주말에 뭐 해?", [("주말", None)]),
    ("7시 30분에 만나", [("7시 30분", None)]),
])
def test_time_expressions(analyzer, text, times):
    got = [(t.text, t.direction) for t in analyzer.analyze(text).sentences[0].times]
    assert got == times


def test_numbers_and_proper_nouns(analyzer):
    s = analyzer.analyze("나 24살이고 서울에 살아").sentences[0]
    assert "24살" in s.numbers and "서울" in s.proper_nouns
    assert "스물네 살" in analyzer.analyze("나 스물네 살").sentences[0].numbers


@pytest.mark.parametrize(("text", "value"), [("스물넷", 24), ("스무", 20), ("서른하나", 31), ("24", 24),
                                             ("열", 10), ("사과", None)])
def test_native_numbers(text, value):
    assert native_number(text) == value


def test_unknown_words_are_counted(analyzer):
    assert analyzer.analyze("뷁꿿햏").sentences[0].unknown >= 1
    assert analyzer.analyze("나 내일 시험이야").sentences[0].unknown == 0


def test_the_cache_is_bounded_and_returns_the_same_object():
    a = Analyzer(cache_size=2)
    first = a.analyze("하나")
    assert a.analyze("하나") is first
    a.analyze("둘")
    a.analyze("셋")
    assert a.cache_info() == (2, 2)
    assert a.analyze("하나") is not first


def test_threads_share_one_analyzer():
    a = Analyzer(cache_size=8)
    texts = [f"나 내일 시험 {i}개 있어" for i in range(20)]
    results: dict[str, str] = {}

    def work(t: str) -> None:
        results[t] = a.analyze(t).sentences[0].tense

    threads = [threading.Thread(target=work, args=(t,)) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(results.values()) == {FUTURE} and len(results) == 20


# --- korean.py helpers on the analyser --------------------------------------------------------------

@pytest.mark.parametrize(("word", "stem"), [("면접을", "면접"), ("친구한테는", "친구"), ("제주도", "제주도"),
                                            ("회사에서", "회사"), ("요가를", "요가"), ("떡볶이가", "떡볶이"),
                                            ("휴가", "휴가")])
def test_strip_particle_with_the_analyzer(analyzer, word, stem):
    from ohlora.mind.embedded.korean import strip_particle

    assert strip_particle(word, analyzer) == stem


@pytest.mark.parametrize(("word", "stem"), [("장원영이야", "장원영"), ("마라탕이거든", "마라탕"), ("간호사야", "간호사"),
                                            ("학생이에요", "학생"), ("김서연입니다", "김서연"), ("사과", "사과")])
def test_strip_copula_with_the_analyzer(analyzer, word, stem):
    from ohlora.mind.embedded.korean import strip_copula

    assert strip_copula(word, analyzer=analyzer) == stem
    assert strip_copula("콩이야", keep_i=True, analyzer=analyzer) == "콩이"


def test_clauses_use_the_analysis_sentence_split():
    from ohlora.mind.embedded.korean import sentences_and_clauses

    assert sentences_and_clauses("오늘 약속 있는데 어떡하지? 좋아~ 내일 봐") == [
        ("오늘 약속 있는데", False), ("어떡하지", True), ("좋아", False), ("내일 봐", False)]


@pytest.mark.parametrize("text", ["줬어", "지웠어", "일어났어", "나았어", "갔어", "했었어", "셨어"])
def test_every_past_ending_reads_past(analyzer, text):
    assert analyzer.analyze(text).sentences[0].tense == PAST


def test_nothing_loads_the_tagger_at_import():
    import subprocess
    import sys

    code = ("import sys; import ohlora.mind.embedded.understanding, ohlora.mind.embedded.korean; "
            "from ohlora.mind.embedded.understanding import Reader; Reader(); print('mecab_ko' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
