"""Our own Korean sentence embedder: syllable n-grams, jamo bigrams and topic concepts, feature-hashed.

No model file and no download: numpy and the standard library only. A text becomes three sparse
bags of features, each weighted by sublinear term frequency times a hand-made inverse-frequency
table, L2-normalised per bag, scaled by the bag's weight and hashed (signed) into one dense
vector:

* ``g``: syllable 1- to 3-grams over the Hangul text with its spaces removed (spacing varies a lot
  in chat; unigrams weigh a quarter), word-initial 2-syllable prefixes (stems come first in Korean
  words, particles and endings last), and whole Latin/digit tokens;
* ``j``: bigrams of the jamo sequence of each Hangul word, which tolerate particles, endings and
  spelling variants (먹고 / 먹어, 졸려 / 졸리다);
* ``c``: concepts from `data/ngram_lexicon.tsv`, our own list of everyday chat topics and intents
  (HUNGRY, FOOD, RAIN, PET, ...). They let texts that share no syllable meet: 배고파 and 뭐 좀
  먹고 싶다 both mean HUNGRY.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

import numpy as np

LEXICON_FILE = "ngram_lexicon.tsv"

# Particles that may follow a noun written as "=noun" in the lexicon (비 → 비가, 비도, 비는, ...).
_PARTICLES = (
    "", "이", "가", "을", "를", "은", "는", "도", "만", "에", "에서", "랑", "이랑", "하고", "와", "과",
    "야", "이야", "요", "로", "으로", "까지", "부터", "좀", "의", "이나", "나", "한테", "에게", "께",
    "처럼", "보다", "들", "들이", "들을", "들은", "들도", "들이랑", "들하고", "들한테", "들과",
)

_HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3"
_NOT_WORD = re.compile(rf"[^0-9a-z{_HANGUL}]+")
_RUN = re.compile(rf"[{_HANGUL}]+|[0-9a-z]+")
_SYLLABLE_FIRST, _SYLLABLE_LAST = 0xAC00, 0xD7A3

# Default weights of the three feature bags and of the n-gram orders (tuned on the dev split of
# benchmarks/data/embedder_probes.jsonl).
DEFAULT_BAG_WEIGHTS = MappingProxyType({"g": 1.0, "j": 0.25, "c": 1.4})
DEFAULT_ORDER_WEIGHTS = MappingProxyType(
    {1: 0.25, 2: 1.0, 3: 1.0, "prefix1": 0.0, "prefix2": 1.0, "across": 1.0, "token": 1.0}
)


def normalize(text: str) -> str:
    """NFKC, lower case, everything but Hangul, Latin letters and digits turned into single spaces."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def jamo(word: str) -> str:
    """Decompose Hangul syllables into conjoining jamo (leading, vowel, optional trailing)."""
    out: list[str] = []
    for ch in word:
        code = ord(ch)
        if _SYLLABLE_FIRST <= code <= _SYLLABLE_LAST:
            index = code - _SYLLABLE_FIRST
            out.append(chr(0x1100 + index // 588))
            out.append(chr(0x1161 + (index % 588) // 28))
            if index % 28:
                out.append(chr(0x11A7 + index % 28))
        else:
            out.append(ch)
    return "".join(out)


_INSIDE, _PREFIX, _SPACED = 0, 1, 2  # how a pattern must sit in the text (see the lexicon header)


@dataclass(frozen=True)
class Lexicon:
    """Concept patterns and n-gram down-weights, read from a TSV file (see the file's header).

    Patterns are indexed by their first character, so finding the concepts of a text costs one
    dictionary look-up per character plus a few `startswith` checks.
    """

    by_first: Mapping[str, tuple[tuple[int, str | re.Pattern[str], tuple[str, ...]], ...]]
    words: Mapping[str, tuple[str, ...]]  # exact word (noun + particle) -> concepts
    gram_weights: Mapping[str, float]

    @classmethod
    def parse(cls, text: str) -> Lexicon:
        by_first: dict[str, list[tuple[int, str | re.Pattern[str], tuple[str, ...]]]] = {}
        words: dict[str, list[str]] = {}
        weights: dict[str, float] = {}
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.split("#", 1)[0].rstrip()
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) != 3 or parts[0] not in ("concept", "weight"):
                raise ValueError(f"lexicon line {number}: expected 'concept|weight <TAB> name <TAB> items'")
            kind, head, items = parts
            if kind == "weight":
                for item in items.split():
                    weights[normalize(item).replace(" ", "")] = float(head)
                continue
            name, _, parents = head.partition(">")
            concepts = (name, *(p for p in parents.split(",") if p))
            for item in items.split():
                marker, body = (item[0], item[1:]) if item[0] in "^=" else ("", item)
                pieces = [normalize(piece).replace(" ", "") for piece in body.split("_")]
                if not all(pieces):
                    raise ValueError(f"lexicon line {number}: bad pattern {item!r}")
                if marker == "=":
                    for particle in _PARTICLES:
                        words.setdefault("".join(pieces) + particle, []).extend(concepts)
                    continue
                if len(pieces) > 1:
                    matcher: tuple = (_SPACED, re.compile(" ?".join(map(re.escape, pieces))), concepts)
                else:
                    matcher = (_PREFIX if marker == "^" else _INSIDE, pieces[0], concepts)
                by_first.setdefault(pieces[0][0], []).append(matcher)
        return cls(
            by_first=MappingProxyType({c: tuple(m) for c, m in by_first.items()}),
            words=MappingProxyType({w: tuple(dict.fromkeys(c)) for w, c in words.items()}),
            gram_weights=MappingProxyType(weights),
        )

    @classmethod
    def builtin(cls) -> Lexicon:
        text = resources.files("ohlora.embedding").joinpath("data", LEXICON_FILE).read_text(encoding="utf-8")
        return cls.parse(text)

    def concepts(self, norm: str) -> set[str]:
        """Concepts of a normalised text (words separated by single spaces)."""
        found: set[str] = set()
        for word in norm.split(" "):
            found.update(self.words.get(word, ()))
        word_start = True
        for i, ch in enumerate(norm):
            if ch == " ":
                word_start = True
                continue
            for mode, pattern, concepts in self.by_first.get(ch, ()):
                if mode == _SPACED:
                    hit = pattern.match(norm, i) is not None  # type: ignore[union-attr]
                else:
                    hit = (word_start or mode == _INSIDE) and norm.startswith(pattern, i)  # type: ignore[arg-type]
                if hit:
                    found.update(concepts)
            word_start = False
        return found


class NgramEmbedder:
    """Hashed syllable n-grams + jamo bigrams + lexicon concepts; deterministic, numpy only.

    Vectors are identical across processes and Python hash seeds (crc32 hashing, sorted concepts).
    The bag and n-gram weights were picked on the dev split of the probe set; its quality figures
    on that set are optimistic, because the same person wrote the lexicon and the probes.

    `memory_threshold`: see `Embedder`; `benchmarks/embedder_compare.py` prints its precision and recall.
    """

    memory_threshold = 0.494

    def __init__(
        self,
        dim: int = 512,
        *,
        lexicon: Lexicon | None = None,
        bag_weights: Mapping[str, float] = DEFAULT_BAG_WEIGHTS,
        order_weights: Mapping[int | str, float] = DEFAULT_ORDER_WEIGHTS,
    ) -> None:
        if not 16 <= dim <= 1024:
            raise ValueError(f"dim must be between 16 and 1024, got {dim}")
        self.dim = dim
        default = (
            dim == 512
            and lexicon is None
            and dict(bag_weights) == dict(DEFAULT_BAG_WEIGHTS)
            and dict(order_weights) == dict(DEFAULT_ORDER_WEIGHTS)
        )
        self.name = "ngram-v1" if default else f"ngram-v1-custom-d{dim}"
        self._lexicon = lexicon if lexicon is not None else Lexicon.builtin()
        self._bags = dict(bag_weights)
        self._orders = dict(order_weights)
        self._slots: dict[str, tuple[int, float]] = {}  # feature -> (index, sign) cache

    def features(self, text: str) -> dict[str, dict[str, float]]:
        """The weighted features of `text` per bag ("g", "j", "c"), before hashing."""
        norm = normalize(text)
        if not norm:
            return {}
        orders = self._orders
        grams: dict[str, list[float]] = {}  # feature -> [count, weight]
        jamos: dict[str, list[float]] = {}
        runs: list[str] = []
        for run in _RUN.findall(norm):
            if run[0].isascii():
                _count(grams, "t" + run, orders["token"])
                continue
            runs.append(run)
            for size in (1, 2):
                weight = orders[f"prefix{size}"]
                if weight and len(run) >= size:
                    _count(grams, "<" + run[:size], weight * self._weight(run[:size]))
            letters = jamo(run)
            for i in range(len(letters) - 1):
                _count(jamos, letters[i : i + 2], 1.0)
        compact = "".join(runs)
        inside = [True] * (len(compact) + 1)  # inside[k]: k is not the start of a word
        position = 0
        for run in runs:
            inside[position] = False
            position += len(run)
        for n in (1, 2, 3):
            for i in range(len(compact) - n + 1):
                gram = compact[i : i + n]
                weight = orders[n] * self._weight(gram)
                if n > 1 and not all(inside[i + 1 : i + n]):
                    weight *= orders["across"]
                _count(grams, gram, weight)
        bags = {"g": grams, "j": jamos, "c": {c: [1, 1.0] for c in sorted(self._lexicon.concepts(norm))}}
        return {
            bag: {feature: (1.0 + math.log(count)) * weight for feature, (count, weight) in values.items()}
            for bag, values in bags.items()
            if values
        }

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Encode `texts` as unit-norm float32 rows; texts without features give zero rows."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            indices: list[int] = []
            values: list[float] = []
            for bag, weighted in self.features(text).items():
                scale = self._bags.get(bag, 0.0) / math.sqrt(sum(v * v for v in weighted.values()))
                for feature, value in weighted.items():
                    index, sign = self._slot(bag + feature)
                    indices.append(index)
                    values.append(sign * scale * value)
            if indices:
                vector = np.bincount(indices, weights=values, minlength=self.dim)
                length = float(np.linalg.norm(vector))
                if length > 0.0:
                    out[row] = vector / length
        return out

    def _weight(self, gram: str) -> float:
        return self._lexicon.gram_weights.get(gram, 1.0)

    def _slot(self, feature: str) -> tuple[int, float]:
        slot = self._slots.get(feature)
        if slot is None:
            code = zlib.crc32(feature.encode("utf-8"))
            slot = (code % self.dim, 1.0 if code & 0x80000000 else -1.0)
            if len(self._slots) >= 200_000:
                self._slots.clear()
            self._slots[feature] = slot
        return slot


def _count(bag: dict[str, list[float]], feature: str, weight: float) -> None:
    """Add one occurrence of `feature` to `bag`; the weight is fixed by its first occurrence."""
    entry = bag.get(feature)
    if entry is None:
        bag[feature] = [1, weight]
    else:
        entry[0] += 1
