"""MemoryBook: the in-memory vector cache stays bounded however many users it meets; items update by key."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import ToyEmbedder
from ohlora.memory import CACHED_USERS, MemoryBook, supersedes
from ohlora.store import Store


def test_memory_book_caches_vectors_for_at_most_cache_users(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    book = MemoryBook(store, ToyEmbedder(), threshold=0.0, cache_users=3)
    for i in range(8):
        user = f"u{i}"
        book.add(user, [f"[좋아하는 음식: 떡볶이 {i}]"], now=0.0)
        assert book.best(user, "떡볶이 좋아해").text == f"[좋아하는 음식: 떡볶이 {i}]"
        assert book.cached_users <= 3
    assert list(book._cache) == ["u5", "u6", "u7"]
    book.best("u5", "떡볶이")  # asked again: the most recent one now
    # a user dropped from the cache is read back from the store, with the same answer
    assert book.best("u0", "떡볶이 좋아해").text == "[좋아하는 음식: 떡볶이 0]"
    assert list(book._cache) == ["u7", "u5", "u0"]
    store.close()


class CountingEmbedder(ToyEmbedder):
    """ToyEmbedder that counts the texts it encodes (thread-safe)."""

    def __init__(self):
        self.texts = 0
        self._lock = threading.Lock()

    def encode(self, texts):
        with self._lock:
            self.texts += len(texts)
        return super().encode(texts)


def test_memory_book_cache_has_a_default_bound(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    book = MemoryBook(store, ToyEmbedder(), threshold=0.0)
    assert book.cache_users == CACHED_USERS > 0
    store.close()


def test_evicted_users_are_read_back_from_the_stored_vectors(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    embedder = CountingEmbedder()
    book = MemoryBook(store, embedder, threshold=0.0, cache_users=2)
    users = [f"u{i}" for i in range(5)]
    for i, user in enumerate(users):
        book.add(user, [f"[취미: 등산 {i}]", f"[반려동물: 고양이 {i}]"], now=0.0)
    encoded_items = embedder.texts
    for _ in range(3):  # every round evicts every user before it is asked again
        for i, user in enumerate(users):
            assert book.best(user, f"고양이 {i}").text == f"[반려동물: 고양이 {i}]"
            assert book.cached_users <= 2
    # each ask encoded its message only: the items' vectors came back from the store, not the embedder
    assert embedder.texts == encoded_items + 3 * len(users)
    # a change made while a user was out of the cache is seen when the user comes back
    assert book.forget("u0", "[반려동물: 고양이 0]")
    book.add("u1", ["[반려동물: 강아지 콩이]"], now=1.0)
    assert book.best("u0", "고양이 0").text == "[취미: 등산 0]"
    assert book.best("u1", "강아지 콩이").text == "[반려동물: 강아지 콩이]"
    store.close()


def test_memory_book_stays_bounded_and_right_under_concurrent_users(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    book = MemoryBook(store, ToyEmbedder(), threshold=0.0, cache_users=3)
    users = [f"user{i}" for i in range(10)]
    for i, user in enumerate(users):
        book.add(user, [f"[좋아하는 음식: 떡볶이 {i}]"], now=0.0)

    def ask(worker: int) -> list[tuple[str, str | None, int]]:
        seen = []
        for step in range(40):
            i = (worker * 7 + step * 3) % len(users)
            match = book.best(users[i], "떡볶이 좋아해")
            seen.append((f"[좋아하는 음식: 떡볶이 {i}]", match.text if match else None, book.cached_users))
        return seen

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = [row for rows in pool.map(ask, range(4)) for row in rows]
    assert all(expected == got for expected, got, _ in results)
    assert max(cached for _, _, cached in results) <= 3
    assert book.cached_users <= 3
    store.close()


# --- updated rather than duplicated ---------------------------------------------------------------------


def test_single_valued_keys_are_replaced_in_place(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    book = MemoryBook(store, ToyEmbedder(), threshold=0.0)
    book.add("u", ["[이름: 민준]", "[나이: 23살]", "[좋아하는 음식: 떡볶이]", "[내일 일정: 면접]"], now=0.0)
    assert book.add("u", ["[나이: 24살]"], now=1.0) == ["[나이: 24살]"]
    assert book.add("u", ["[이름 : 서연]"], now=1.0) == ["[이름 : 서연]"]  # keys compare without spaces
    assert book.add("u", ["[내일일정: 출장]"], now=1.0) == ["[내일일정: 출장]"]
    assert book.items("u") == ["[좋아하는 음식: 떡볶이]", "[나이: 24살]", "[이름 : 서연]", "[내일일정: 출장]"]
    # the store answers retrieval with the new value only
    assert book.best("u", "나이").text == "[나이: 24살]"
    store.close()


def test_multi_valued_keys_add_and_identical_items_are_deduplicated(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    book = MemoryBook(store, ToyEmbedder(), threshold=0.0)
    book.add("u", ["[좋아하는 음식: 떡볶이]", "[반려동물: 강아지 콩이]", "[여동생: 지민]"], now=0.0)
    assert book.add("u", ["[좋아하는 음식: 마라탕]", "[반려동물: 고양이 나비]", "[여동생: 지수]"], now=1.0) == [
        "[좋아하는 음식: 마라탕]", "[반려동물: 고양이 나비]", "[여동생: 지수]"]
    assert book.add("u", ["[좋아하는 음식:  떡볶이]", "[반려동물: 강아지 콩이]"], now=2.0) == []  # identical
    assert len(book.items("u")) == 6
    store.close()


def test_a_refined_value_replaces_the_shorter_one(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    book = MemoryBook(store, ToyEmbedder(), threshold=0.0)
    book.add("u", ["[반려동물: 강아지]", "[반려동물: 고양이]"], now=0.0)
    book.add("u", ["[반려동물: 강아지 콩이]"], now=1.0)
    assert book.items("u") == ["[반려동물: 고양이]", "[반려동물: 강아지 콩이]"]
    store.close()


def test_items_of_one_call_replace_each_other_and_other_users_are_untouched(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    book = MemoryBook(store, ToyEmbedder(), threshold=0.0)
    book.add("other", ["[이름: 하윤]"], now=0.0)
    assert book.add("u", ["[이름: 민준]", "[이름: 서연]"], now=0.0) == ["[이름: 서연]"]
    assert book.items("u") == ["[이름: 서연]"] and book.items("other") == ["[이름: 하윤]"]
    store.close()


@pytest.mark.parametrize(
    ("new", "old", "replaces"),
    [("[이름: 민준]", "[이름: 서연]", True), ("[나이: 24살]", "[나이: 23살]", True),
     ("[직업: 회계사]", "[직업: 대학생]", True), ("[사는 곳: 마포]", "[사는 곳: 부산]", True),
     ("[MBTI: INFP]", "[MBTI: ENFP]", True), ("[전공: 경영학과]", "[전공: 경제학과]", True),
     ("[상태: 외로움]", "[상태: 피곤함]", True), ("[다음 주 일정: 면접]", "[다음주 일정: 여행]", True),
     ("[동생 생일: 5월 3일]", "[동생 생일: 5월 4일]", True), ("[동생 생일: 5월 3일]", "[생일: 5월 4일]", False),
     ("[내일 일정: 출장]", "[오늘 일정: 출장]", False), ("[좋아하는 음식: 마라탕]", "[좋아하는 음식: 떡볶이]", False),
     ("[싫어하는 음식: 오이]", "[좋아하는 음식: 오이]", False), ("[여동생: 지수]", "[여동생: 지민]", False),
     ("[알레르기: 새우]", "[알레르기: 땅콩]", False), ("[반려동물: 강아지 콩이]", "[반려동물: 강아지]", True),
     ("[반려동물: 강아지]", "[반려동물: 강아지 콩이]", False), ("[건강 상태: 감기]", "[건강 상태: 두통]", False),
     ("이름: 민준", "[이름: 서연]", False)],
)
def test_supersedes(new, old, replaces):
    assert supersedes(new, old) is replaces
