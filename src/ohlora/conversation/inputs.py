"""Cleaning what a user typed before it is stored, shown or given to a model.

One normaliser for every text field, whichever way it came in (web page, CLI, JSON lines):

- a lone surrogate (half of a UTF-16 pair: what a broken JSON escape such as "\\ud800" or an
  undecodable command-line byte becomes) is refused with a clear message, never replaced: the text
  is not what the user meant, and storing or echoing it would fail later, in the database or in
  the UTF-8 encoder of a response;
- every kind of whitespace (tab, newline, NEL, line/paragraph separators, NBSP, the ideographic
  space) becomes one plain space, runs of spaces fold, the ends are stripped;
- control (Cc) and format (Cf) characters are removed: NUL, BEL, the bidi overrides (RLO …),
  zero-width spaces and joiners, Unicode tag characters. The one exception is a zero-width joiner
  between two emoji (👩‍💻): there it is part of the picture, not a hiding place;
- our prompt markers are refused when the text contains one of them or a look-alike: the check
  runs on an NFKC-folded copy without whitespace and format characters, so full-width brackets,
  NBSP or a ZWJ inside "(답변 종료)" are caught. The stored text is not NFKC-folded (that would
  change compatibility jamo such as ㅋㅋ).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ohlora import messages
from ohlora.errors import BadInput
from ohlora.mind.completion import memory_format_ok, normalise_memory
from ohlora.mind.prompt import ALL_MARKERS

MAX_MEMORY_CHARS = 200  # a memory item longer than this is refused
ZWJ = "\u200d"
_USER_ID = re.compile(r"[\w.@-]{1,64}")
_SPACES = re.compile(r" {2,}")
_EMOJI_BEFORE_ZWJ = frozenset({"So", "Sk"})  # a pictograph or a skin-tone modifier
_VARIATION_SELECTOR = "\ufe0f"


@dataclass(frozen=True)
class CleanInput:
    text: str
    note: str | None  # a system message to show along with the answer, or None


def has_lone_surrogate(text: str) -> bool:
    """True when `text` holds a surrogate code point (it cannot be written as UTF-8)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _keeps_zwj(out: list[str], following: str) -> bool:
    """A zero-width joiner is kept only between two emoji (👩‍💻, ❤️‍🔥)."""
    if not out or not following:
        return False
    before = out[-1]
    if before == _VARIATION_SELECTOR and len(out) > 1:
        before = out[-2]
    return (unicodedata.category(before) in _EMOJI_BEFORE_ZWJ
            and unicodedata.category(following[0]) == "So")


def normalise_text(raw: str) -> tuple[str, bool]:
    """(text, changed): the shared normaliser (see the module docstring). `changed` is True when an
    invisible character was removed. Raises BadInput for a lone surrogate or U+FFFD."""
    if has_lone_surrogate(raw):
        raise BadInput(messages.TEXT_SURROGATE)
    changed = False
    out: list[str] = []
    for i, ch in enumerate(raw):
        if ch.isspace():
            out.append(" ")
            continue
        category = unicodedata.category(ch)
        if category == "Cc" or (category == "Cf" and not (ch == ZWJ and _keeps_zwj(out, raw[i + 1 : i + 2]))):
            changed = True
            continue
        out.append(ch)
    text = _SPACES.sub(" ", "".join(out)).strip()
    if "\ufffd" in text:
        raise BadInput(messages.NOT_UTF8)
    return text, changed


def fold_for_markers(text: str) -> str:
    """The text as the marker check sees it: NFKC, no whitespace, no format characters."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc"))


_FOLDED_MARKERS = tuple((marker, fold_for_markers(marker)) for marker in ALL_MARKERS)


def find_marker(text: str) -> str | None:
    """The first of our markers that `text` contains, in any look-alike spelling, or None."""
    folded = fold_for_markers(text)
    for marker, folded_marker in _FOLDED_MARKERS:
        if folded_marker in folded:
            return marker
    return None


def refuse_markers(text: str) -> str:
    marker = find_marker(text)
    if marker is not None:
        raise BadInput(messages.CONTAINS_MARKER.format(marker=marker))
    return text


def clean_user_text(raw: str) -> CleanInput:
    """A chat message: normalised; empty text and our markers (or look-alikes) are refused."""
    text, changed = normalise_text(raw)
    if not text:
        raise BadInput(messages.EMPTY_INPUT)
    refuse_markers(raw)
    return CleanInput(text, messages.CONTROL_REMOVED if changed else None)


def clean_memory_item(raw: str) -> str:
    """A memory item typed by a user (web panel, `ohlora memory add`, an imported file): normalised,
    markers refused, the original's bracket rules applied; anything but '[key: value]' is refused."""
    text, _ = normalise_text(raw)
    refuse_markers(raw)
    item = normalise_memory(text)  # '[k:v]', '(k : v)' or 'k: v' become '[k: v]'
    if not item or len(item) > MAX_MEMORY_CHARS or not memory_format_ok(item):
        raise BadInput(messages.MEMORY_BAD_ITEM)
    return item


def clean_extracted_items(items: list[str]) -> list[str]:
    """Memory items a model extracted: each cleaned like one a user typed; an item that fails (a marker,
    a broken format, nothing left) is dropped rather than stored."""
    kept = []
    for raw in items:
        try:
            kept.append(clean_memory_item(raw))
        except BadInput:
            continue
    return kept


def clean_memory_query(raw: str) -> str:
    """The item a user asks to forget: normalised like a stored item (no marker check: an item
    stored before the check existed can still be forgotten)."""
    text, _ = normalise_text(raw)
    if not text:
        raise BadInput(messages.MEMORY_BAD_ITEM)
    return text


def check_user_id(user: str) -> str:
    if not isinstance(user, str) or not _USER_ID.fullmatch(user):
        raise BadInput(messages.BAD_USER_ID)
    return user
