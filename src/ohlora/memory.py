"""MemoryBook: what Oh-LoRA remembers about each user.

Items are "[key: value]" lines (spec §3.4, §3.8). De-duplication ignores whitespace, and a new item
updates rather than duplicates: one whose key is single-valued replaces the user's item with the same
key (see `supersedes`), in the same store transaction as the insert. Retrieval
returns the single best item whose cosine with the user's message reaches the threshold; vectors
are cached in the database and in this object (for the `cache_users` most recently asked users,
so a server that meets many users keeps a bounded amount), so a turn encodes only the user's message.
The original's `ohlora_memory.txt` format is supported for import and export.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ohlora import messages
from ohlora.embedding.base import Embedder
from ohlora.errors import BadInput, CorruptData
from ohlora.store import Store

_WS = re.compile(r"\s+")
CACHED_USERS = 256  # users whose memory vectors are kept in memory (least recently asked dropped first)


def normalise_key(text: str) -> str:
    """The de-duplication key: the text without any whitespace."""
    return _WS.sub("", text)


# Keys that hold one value at a time: a new value replaces the old one ("[나이: 23살]" then "[나이: 24살]"
# is a birthday, not a second age). Name, age, birthday, MBTI, school/major/year, job and where the user
# lives are facts about one person that change rather than accumulate; the user's current feeling and
# their news about her ("오로라에 대한 감정") are the latest word. Keys are compared without whitespace.
SINGLE_VALUED_KEYS = frozenset(
    normalise_key(k)
    for k in ("이름", "나이", "생일", "MBTI", "학교", "전공", "학과", "학년", "학번", "직업", "직장", "사는 곳",
              "고향", "이사", "상태", "기분", "오로라에 대한 감정")
)
# Key endings that are single-valued whatever comes before them: one plan per day key ("내일 일정",
# "다음 주 금요일 일정": a new plan for the same day is the user's update), one weather report per day
# ("오늘 날씨") and one birthday per person ("동생 생일").
SINGLE_VALUED_ENDINGS = ("일정", "계획", "날씨", "생일")
# Everything else adds: likes and dislikes (좋아하는 음식: 떡볶이 and 마라탕 both hold), hobbies,
# allergies, health news, pets and people (two sisters, two dogs). One refinement still replaces: a
# value that the new one extends word by word ("[반려동물: 강아지]" then "[반려동물: 강아지 콩이]").


def split_item(text: str) -> tuple[str, str] | None:
    """'[이름: 민준]' -> ('이름', '민준'); None for text that is not one "[key: value]" item."""
    text = text.strip()
    if not (text.startswith("[") and text.endswith("]")) or text.count(":") != 1:
        return None
    key, _, value = text[1:-1].partition(":")
    key, value = key.strip(), value.strip()
    return (key, value) if key and value else None


def single_valued(key: str) -> bool:
    norm = normalise_key(key)
    return norm in SINGLE_VALUED_KEYS or norm.endswith(SINGLE_VALUED_ENDINGS)


def supersedes(new: str, old: str) -> bool:
    """Whether storing the item `new` replaces the stored item `old` (same key, single-valued or refined)."""
    new_item, old_item = split_item(new), split_item(old)
    if new_item is None or old_item is None or normalise_key(new_item[0]) != normalise_key(old_item[0]):
        return False
    if single_valued(new_item[0]):
        return True
    new_words, old_words = new_item[1].split(), old_item[1].split()
    return len(new_words) > len(old_words) and new_words[: len(old_words)] == old_words


@dataclass(frozen=True)
class Match:
    text: str
    score: float


@dataclass
class _Cache:
    version: tuple[int, int]
    texts: list[str]
    matrix: np.ndarray  # (n, dim) float32


@dataclass
class MemoryBook:
    store: Store
    embedder: Embedder
    threshold: float
    cache_users: int = CACHED_USERS
    _cache: OrderedDict[str, _Cache] = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)  # sessions share one book

    def items(self, user: str) -> list[str]:
        return [row.text for row in self.store.memory_rows(user)]

    def add(self, user: str, items: list[str], now: float) -> list[str]:
        """Add the items that are new for this user (whitespace-insensitive); return those added. An item
        whose key is single-valued replaces the stored item with that key (`supersedes`)."""
        cleaned = [t.strip() for t in items if t and t.strip()]
        if not cleaned:
            return []
        vectors = self.embedder.encode(cleaned)
        rows = [(t, normalise_key(t), v) for t, v in zip(cleaned, vectors)]
        return self.store.add_memories(user, rows, self.embedder.name, now, supersedes=supersedes)

    def forget(self, user: str, item: str) -> bool:
        with self._lock:
            self._cache.pop(user, None)
        return self.store.forget_memory(user, normalise_key(item))

    def best(self, user: str, text: str) -> Match | None:
        """The single most similar item if its cosine >= threshold (ties: the earliest item)."""
        cache = self._load(user)
        if not cache.texts:
            return None
        query = self.embedder.encode([text])[0]
        scores = cache.matrix @ query
        index = int(np.argmax(scores))  # argmax returns the first of equal maxima
        score = float(scores[index])
        return Match(cache.texts[index], score) if score >= self.threshold else None

    def _load(self, user: str) -> _Cache:
        version = self.store.memory_version(user)
        with self._lock:
            cached = self._cache.get(user)
            if cached is not None and cached.version == version:
                self._cache.move_to_end(user)
                return cached
        rows = self.store.memory_vectors(user)
        texts: list[str] = []
        vectors: list[np.ndarray] = []
        stale: list[tuple[int, int]] = []  # (position, id)
        for memory_id, text, embedder_name, blob in rows:
            if len(normalise_key(text)) < 2:  # the original skips (nearly) blank lines
                continue
            vector = None
            if embedder_name == self.embedder.name and blob is not None:
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.shape != (self.embedder.dim,):
                    vector = None
            if vector is None:
                stale.append((len(texts), memory_id))
                vector = np.zeros(self.embedder.dim, np.float32)
            texts.append(text)
            vectors.append(vector)
        if stale:  # vectors from another embedder (or none yet): encode once, store for next time
            fresh = self.embedder.encode([texts[pos] for pos, _ in stale])
            for (pos, _), vector in zip(stale, fresh):
                vectors[pos] = vector
            self.store.set_memory_vectors([(mid, v) for (_, mid), v in zip(stale, fresh)], self.embedder.name)
        matrix = np.vstack(vectors).astype(np.float32) if vectors else np.zeros((0, self.embedder.dim), np.float32)
        cache = _Cache(version, texts, matrix)
        with self._lock:
            self._cache[user] = cache
            self._cache.move_to_end(user)
            while len(self._cache) > max(1, self.cache_users):
                self._cache.popitem(last=False)
        return cache

    @property
    def cached_users(self) -> int:
        """How many users' vectors are held in memory now."""
        with self._lock:
            return len(self._cache)


# --- the original's ohlora_memory.txt ------------------------------------------------------------------
def read_legacy_memory(path: Path) -> list[str]:
    """Items of an `ohlora_memory.txt` (one per line; blank lines skipped). Nothing is changed on error."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(str(exc)) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorruptData(messages.LEGACY_BAD_ROW.format(path=path, line="?", detail=messages.LEGACY_NOT_UTF8)) from exc
    return [line.strip() for line in text.splitlines() if normalise_key(line)]


def write_legacy_memory(path: Path, items: list[str]) -> None:
    """Lines joined by newlines plus a final newline, like the original writes them."""
    path.write_text("".join(item + "\n" for item in items), encoding="utf-8")
