"""The embedded memory extractor's rules (facts.py) on our own labelled dev set and on exact examples.

`tests/data/memory_dev.jsonl` is written by us for the rules (not the held-out benchmark set): one
message a line, `fact` the labelled key and value or null when the message carries no fact about the
user (questions, facts about her, other people's news and opinions, negations, wishes, greetings).
A fact counts as found when every word of the labelled value is in the extracted item, as the
benchmark scores it; the keys must belong to the family the label names (`KEY_FAMILIES`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ohlora.mind.completion import memory_format_ok
from ohlora.mind.embedded.facts import extract_fact
from ohlora.mind.embedded.understanding import key_family

DEV_SET = Path(__file__).parent / "data" / "memory_dev.jsonl"


def _rows() -> list[dict]:
    return [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]


def _item(text: str) -> str | None:
    fact = extract_fact(text)
    return fact.item() if fact else None


def test_dev_set_is_balanced_and_large_enough() -> None:
    rows = _rows()
    facts = [r for r in rows if r["fact"]]
    assert len(rows) >= 120 and len(facts) >= 0.45 * len(rows) and len(rows) - len(facts) >= 0.4 * len(rows)
    assert len({r["text"] for r in rows}) == len(rows)


def test_dev_set_recall_and_false_extractions() -> None:
    found = facts = false = negatives = 0
    errors = []
    for row in _rows():
        item = _item(row["text"])
        if row["fact"]:
            facts += 1
            hit = item is not None and all(part in item for part in row["fact"]["value"].split())
            found += hit
            if not hit:
                errors.append((row["text"], row["fact"], item))
        else:
            negatives += 1
            if item is not None:
                false += 1
                errors.append((row["text"], None, item))
    assert found / facts >= 0.85, errors
    assert false / negatives <= 0.02, errors


def test_dev_set_keys_are_in_the_labelled_family() -> None:
    wrong = []
    for row in _rows():
        fact = extract_fact(row["text"])
        if row["fact"] and fact is not None and key_family(fact.key) != key_family(row["fact"]["key"]):
            wrong.append((row["text"], fact.item(), row["fact"]["key"]))
    assert not wrong


def test_every_item_passes_the_originals_format_check() -> None:
    for row in _rows():
        item = _item(row["text"])
        assert item is None or memory_format_ok(item), item


EXACT = [
    # names: the given name is kept as said
    ("내 이름은 민준이야", "[이름: 민준]"),
    ("나 서연이라고 해", "[이름: 서연]"),
    ("민준이라고 불러 줘", "[이름: 민준]"),
    ("저는 김하윤입니다", "[이름: 김하윤]"),
    ("친구들은 나 지우라고 불러", "[이름: 지우]"),
    ("로라야 나 지수야 반가워", "[이름: 지수]"),  # a bare two-syllable name only when introducing oneself
    ("안녕 나 퇴근이야", None),
    ("저는 서른둘이에요", "[나이: 서른둘 살]"),
    # age
    ("나 24살이야", "[나이: 24살]"),
    ("스물셋이야", "[나이: 스물셋 살]"),
    ("나 올해 스물일곱이야", "[나이: 스물일곱 살]"),
    ("나 97년생", "[나이: 97년생]"),
    # school and work
    ("나 회계사야", "[직업: 회계사]"),
    ("경영학과 다녀", "[전공: 경영학과]"),
    ("마케터로 일해", "[직업: 마케터]"),
    ("나 간호사로 일하고 있어", "[직업: 간호사]"),
    ("병원에서 일해", "[직장: 병원]"),
    ("요즘 편의점 알바 하고 있어", "[직업: 편의점 알바]"),
    # pets, kind and name, across clauses
    ("강아지 키워, 이름은 콩이야", "[반려동물: 강아지 콩이]"),
    ("고양이 키우는데 이름이 두부야", "[반려동물: 고양이 두부]"),
    ("나 말티즈 키워", "[반려동물: 말티즈]"),
    ("나 고양이 키워 이름은 치즈", "[반려동물: 고양이 치즈]"),
    ("그 친구 이름 까먹었어", None),
    # people
    ("여동생 이름은 지민이야", "[여동생: 지민]"),
    ("남친이랑 100일이야", "[남자친구: 사귄 지 100일]"),
    ("나 외동이야", "[가족: 외동]"),
    # places
    ("부산 살아", "[사는 곳: 부산]"),
    ("캐나다에서 자랐어", "[고향: 캐나다]"),
    ("다음 달에 마포로 이사 가", "[이사: 다음 달 마포]"),
    ("작년에 부산으로 이사했어", "[사는 곳: 부산]"),
    # plans: the time word in the key
    ("다음 주 금요일에 면접 봐", "[다음 주 금요일 일정: 면접]"),
    ("낼 출장 감", "[내일 일정: 출장]"),
    ("주말에 친구 결혼식 가", "[주말 일정: 친구 결혼식]"),
    ("3월 5일에 이사해", "[3월 5일 일정: 이사]"),
    ("토요일에 부모님이랑 외식해", "[토요일 일정: 부모님과 외식]"),
    ("오늘 너무 힘들었어 내일 면접이거든", "[내일 일정: 면접]"),  # the day nearest the event keys it
    ("20살 때 진짜 재밌었는데", None),
    ("토요일에 동생 졸업식인데 난 못 가", None),  # a plan undone in a later clause
    ("내일 친구 만나기로 했는데 취소됐어", None),
    ("내일 면접인데 잘 못 할 것 같아", "[내일 일정: 면접]"),  # a worry, not a cancellation
    ("추석에 할머니 댁 가", "[추석 일정: 할머니 댁 방문]"),
    ("5월 10일이 시험이야", "[5월 10일 일정: 시험]"),
    # likes and dislikes
    ("요즘 러닝에 빠졌어", "[취미: 러닝]"),
    ("오이 진짜 싫어", "[싫어하는 음식: 오이]"),
    ("새우 알레르기 있어", "[알레르기: 새우]"),
    ("취미로 피아노 쳐", "[취미: 피아노]"),
    ("나 매운 음식 좋아해", "[좋아하는 음식: 매운 음식]"),
    # feelings and health
    ("요즘 너무 외로워", "[상태: 외로움]"),
    ("긴장돼 죽겠어", "[상태: 긴장됨]"),
    ("나 목감기 걸렸어", "[건강 상태: 목감기]"),
    # glued forms and chat decorations
    ("내이름은 민준이야", "[이름: 민준]"),
    ("나24살이야", "[나이: 24살]"),
    ("내일면접이야 ㅠㅠ", "[내일 일정: 면접]"),
    ("나 부산살아", "[사는 곳: 부산]"),
    ("난 떡볶이 짱 좋아해", "[좋아하는 음식: 떡볶이]"),
    ("로라야!! 나 다음주에 여행가!!", "[다음 주 일정: 여행]"),
    # nothing: questions, her, other people, opinions, negations, wishes, greetings
    ("내 이름 뭐였지?", None),
    ("내 이름 뭐였지", None),
    ("너 뭐 좋아해?", None),
    ("너 22살이지?", None),
    ("친구가 그러는데 그 집 맛없대", None),
    ("내일 시험 없어", None),
    ("강아지 안 키워", None),
    ("제주도 가고 싶다", None),
    ("고양이 키울까", None),
    ("나 고양이 안 좋아해", None),
    ("오이 안 싫어해", None),
    ("친구는 부산 살아", None),
    ("엄마가 떡볶이 좋아해", None),
    ("동생이 내일 면접이래", None),
    ("우리 엄마는 간호사야", None),
    ("우리 오빠는 서울 살아", None),
    ("걔 오산 살아", None),
    ("엄마 간호사야", None),
    ("그 영화 좋아해", None),  # one thing pointed at, not a taste
    ("나 오산 살아", "[사는 곳: 오산]"),  # a bare noun before 살아 is a place even when we do not know it
    ("내일 약속 없어졌어", None),
    ("주말에 약속 없어", None),
    ("다음 주에 면접 볼 수도 있어", None),
    ("고양이 키워 볼까 고민 중이야", None),
    ("로라 이름 예쁘다", None),
    ("나 공무원 시험 준비 중이야", "[상태: 공무원 시험 준비 중]"),
    ("서울에서 자취해", "[사는 곳: 서울 자취]"),
    ("안녕 로라야!", None),
    ("ㅋㅋㅋ 대박", None),
    # a name with its copula, and a name said bare right after the speaker (the tagger must read it as one)
    ("채원이야 반가워", "[이름: 채원]"),
    ("난 승민 군대 전역한 지 일주일 됨", "[이름: 승민]"),
    ("ㅎㅇ 난 태민 롤 좋아하는 대학생", "[이름: 태민]"),
    ("난 지금 집이야", None),
    ("난 원래 이래", None),
    ("저는 직원이에요", "[직업: 직원]"),
    ("하린이 나야", "[이름: 하린]"),  # the name said to be the speaker
    ("나는 재현이라구~ 반가워", "[이름: 재현]"),
    ("아 이름? 가온", "[이름: 가온]"),  # the answer to a question of their name, said themself
    ("난 고수 못 먹어 비누맛 나", "[못 먹는 음식: 고수]"),  # '나' here is a verb, no name
]


@pytest.mark.parametrize(("text", "expected"), EXACT)
def test_exact_items(text: str, expected: str | None) -> None:
    assert _item(text) == expected


def test_keys_belong_to_a_recall_family() -> None:
    """Every key the rules write on the dev set is found by recall questions (KEY_FAMILIES), and people keys
    are built on a people word ('할머니' → '가족 할머니', '애인' → '연인')."""
    orphans = {fact.key for row in _rows() if (fact := extract_fact(row["text"])) and key_family(fact.key) is None}
    assert orphans <= {"오로라에 대한 감정"} | {k for k in orphans if k.endswith("날씨")}
    assert extract_fact("우리 할머니 이름은 순자야").key == "가족 할머니"
    assert extract_fact("나 애인 있어").key == "연인"
