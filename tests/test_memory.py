"""MemoryBook: the in-memory vector cache stays bounded however many users it meets."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from conftest import ToyEmbedder
from ohlora.memory import CACHED_USERS, MemoryBook
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
