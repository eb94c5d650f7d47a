"""Cleaning what a user typed before it reaches the pipeline (hostile input never reaches a model)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ohlora import messages
from ohlora.conversation.markers import ALL_MARKERS
from ohlora.errors import BadInput

# Format characters that belong to emoji and Korean text (ZWJ, variation selectors) are kept.
_KEEP_FORMAT = frozenset({"\u200d", "\ufe0e", "\ufe0f"})
_USER_ID = re.compile(r"^[\w.@-]{1,64}$")
_COMPACT_MARKERS = tuple(m.replace(" ", "") for m in ALL_MARKERS)


@dataclass(frozen=True)
class CleanInput:
    text: str
    note: str | None  # a system message to show along with the answer, or None


def clean_user_text(raw: str) -> CleanInput:
    """Whitespace and control characters normalised; empty text and our markers are refused."""
    changed = False
    out = []
    for ch in raw:
        if ch in "\n\r\t\v\f":
            out.append(" ")
            continue
        category = unicodedata.category(ch)
        if (category == "Cc" or (category == "Cf" and ch not in _KEEP_FORMAT) or category == "Cs") and ch != " ":
            changed = True
            continue
        out.append(ch)
    text = re.sub(r" {2,}", " ", "".join(out)).strip()
    if not text:
        raise BadInput(messages.EMPTY_INPUT)
    if "\ufffd" in text:
        raise BadInput(messages.NOT_UTF8)
    compact = text.replace(" ", "")
    for marker, compact_marker in zip(ALL_MARKERS, _COMPACT_MARKERS):
        if compact_marker in compact:
            raise BadInput(messages.CONTAINS_MARKER.format(marker=marker))
    return CleanInput(text, messages.CONTROL_REMOVED if changed else None)


def check_user_id(user: str) -> str:
    if not _USER_ID.match(user or ""):
        raise BadInput(messages.BAD_USER_ID)
    return user
