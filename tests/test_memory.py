"""MemoryBook: the in-memory vector cache stays bounded however many users it meets."""

from __future__ import annotations

from conftest import ToyEmbedder
from ohlora.memory import MemoryBook
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
