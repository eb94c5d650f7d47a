"""Prompt length limit (spec §3.3): more than 40 tokens of the reply model's tokenizer is refused.

With the released models the real tokenizer counts (`TokenizerCounter`). The embedded path has no
tokenizer, so `EstimatedCounter` estimates what a Korean-heavy 128k byte-level BPE (Kanana-1.5's
family) produces: common Hangul words take about one token per 1.6 syllables, Latin words one per
~4 letters, digits one per 3, each emoji or rare symbol 1–2 tokens, plus the BOS token that
`encode` adds. Under this estimate the limit of 40 lets through about 55–60 Hangul syllables
(two or three chat sentences) and refuses paragraphs, which is the original's intent. The ratio
is a setting-free constant here; the limit itself is `Settings.max_prompt_tokens`.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from typing import Protocol

HANGUL_SYLLABLES_PER_TOKEN = 1.6
LATIN_CHARS_PER_TOKEN = 4.0
DIGITS_PER_TOKEN = 3.0
JAMO_PER_TOKEN = 2.0


class TokenCounter(Protocol):
    name: str

    def count(self, text: str) -> int: ...


def _kind(ch: str) -> str:
    if "\uac00" <= ch <= "\ud7a3":
        return "hangul"
    if "\u3131" <= ch <= "\u318e" or "\u1100" <= ch <= "\u11ff":
        return "jamo"
    if ch.isascii() and ch.isalpha():
        return "latin"
    if ch.isdigit():
        return "digit"
    if ch.isspace():
        return "space"
    return "other"


class EstimatedCounter:
    name = "estimate-kanana"

    def count(self, text: str) -> int:
        tokens = 1  # BOS
        run_kind, run_len = "", 0

        def flush() -> int:
            if not run_len:
                return 0
            per = {
                "hangul": HANGUL_SYLLABLES_PER_TOKEN,
                "latin": LATIN_CHARS_PER_TOKEN,
                "digit": DIGITS_PER_TOKEN,
                "jamo": JAMO_PER_TOKEN,
            }[run_kind]
            return math.ceil(run_len / per)

        for ch in text:
            kind = _kind(ch)
            if kind == run_kind and kind not in ("other", "space"):
                run_len += 1
                continue
            tokens += flush()
            run_kind, run_len = kind, 0
            if kind == "space":
                continue  # a space merges into the next token in byte-level BPE
            if kind == "other":
                # emoji and symbols outside the BMP take 4 UTF-8 bytes: usually two tokens
                tokens += 2 if ord(ch) > 0xFFFF or unicodedata.category(ch) == "So" else 1
                run_kind = ""
            else:
                run_len = 1
        tokens += flush()
        return tokens


class TokenizerCounter:
    """Counts with a real tokenizer's default `encode` (which may add BOS), like the original."""

    def __init__(self, encode: Callable[[str], list[int]], name: str):
        self._encode = encode
        self.name = name

    def count(self, text: str) -> int:
        return len(self._encode(text))
