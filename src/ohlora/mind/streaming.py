"""Showing Oh-LoRA's reply while it is generated (terminal `--stream`, the web page).

`StreamingReply` wraps the reply generator of one session so text pieces also reach a listener;
`draft_text` is what a half-made answer shows. Callers only stream replies to messages the ethics
judge finds harmless on their own, so an answer that ends in a warning or block is never shown
and then taken back.
"""

from __future__ import annotations

from collections.abc import Callable

from ohlora.conversation.markers import REPLY_END
from ohlora.ethics.base import EthicsJudge
from ohlora.ethics.sanctions import fired_categories
from ohlora.mind.base import Generation, GenerationRequest, Generator


class StreamingReply:
    """Wraps a reply generator: text pieces also go to `listener(trial, piece)` while it is set."""

    def __init__(self, inner: Generator):
        self.inner = inner
        self.name = inner.name
        self.listener: Callable[[int, str], None] | None = None

    def generate(self, request: GenerationRequest, on_text: Callable[[str], None] | None = None) -> Generation:
        listener = self.listener
        if listener is None:
            return self.inner.generate(request, on_text=on_text)

        def pieces(text: str) -> None:
            if on_text is not None:
                on_text(text)
            listener(request.trial, text)

        return self.inner.generate(request, on_text=pieces)


def draft_text(raw: str) -> str:
    """What a half-generated answer shows: up to the end marker, a partial marker at the tail hidden."""
    end = raw.find(REPLY_END)
    if end >= 0:
        return raw[:end].strip()
    for k in range(len(REPLY_END) - 1, 0, -1):
        if raw.endswith(REPLY_END[:k]):
            return raw[:-k].strip()
    return raw.strip()


def safe_to_stream(judge: EthicsJudge, text: str) -> bool:
    """True when no category would fire for the message even if Oh-LoRA's answer refused it."""
    try:
        return not fired_categories(judge.scores(text), "", judge.thresholds, need_cue=False)
    except Exception:  # text the judge cannot read: the turn itself reports the problem
        return False
