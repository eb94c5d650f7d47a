"""Oh-LoRA's live face next to the terminal chat (`ohlora chat --face window|file|none`).

The main thread owns the display (OpenCV wants that): while it waits for input or for a turn it
keeps showing `FramePipeline.latest_frame()` at the target rate; rendering happens on the
pipeline's worker. Conversation events drive the animator: the user speaks, Oh-LoRA answers
(with her expression), the turn ends.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ohlora import messages
from ohlora.clock import Clock, SystemClock
from ohlora.conversation.result import TurnResult
from ohlora.face.animator import Animator, FramePipeline
from ohlora.face.base import Face
from ohlora.face.sinks import FileSink, Sink, WindowSink, WindowUnavailable

FACE_MODES = ("auto", "window", "file", "none")
T = TypeVar("T")


def pick_sink(mode: str, home: Path, interactive: bool) -> tuple[Sink | None, str | None]:
    """The sink for `mode`, and a note for the user (why a window could not be opened, where the file is)."""
    if mode == "none" or (mode == "auto" and not interactive):
        return None, None
    if mode in ("auto", "window"):
        try:
            return WindowSink(), None
        except WindowUnavailable as exc:
            if mode == "window":
                raise
            note = str(exc)
    else:
        note = None
    path = home / "face" / "latest.png"
    sink = FileSink(path, min_interval_s=0.1)
    return sink, (note + "\n" if note else "") + messages.FACE_FILE_NOTE.format(path=path)


class ChatFace:
    def __init__(self, face: Face, sink: Sink, *, clock: Clock | None = None, rng: random.Random | None = None,
                 fps: float = 30.0):
        self.sink = sink
        self.period = 1.0 / fps
        self.pipeline = FramePipeline(face, Animator(clock or SystemClock(), rng or random.Random()))
        self._next = 0.0

    def __enter__(self) -> ChatFace:
        self.pipeline.start()
        self.tick(force=True)
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.pipeline.stop()
        self.sink.close()

    @property
    def closed(self) -> bool:
        return bool(getattr(self.sink, "closed", False))

    def tick(self, force: bool = False) -> None:
        """Show the current frame if a display tick is due."""
        now = time.monotonic()
        if force or now >= self._next:
            self.sink.show(self.pipeline.latest_frame().rgb)
            self._next = now + self.period

    def idle(self, seconds: float) -> None:
        """Keep the face moving for `seconds` (used between input polls)."""
        end = time.monotonic() + seconds
        while True:
            self.tick()
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(self.period, left))

    def run(self, work: Callable[[], T]) -> T:
        """Run `work` on a helper thread while the face keeps moving here; return its result."""
        box: dict[str, object] = {}

        def target() -> None:
            try:
                box["value"] = work()
            except BaseException as exc:  # re-raised on this thread
                box["error"] = exc

        thread = threading.Thread(target=target, name="ohlora-turn", daemon=True)
        thread.start()
        while thread.is_alive():
            self.tick()
            thread.join(self.period / 2)
        if "error" in box:
            raise box["error"]  # type: ignore[misc]
        return box["value"]  # type: ignore[return-value]

    # conversation events
    def user_sent(self) -> None:
        self.pipeline.user_sent()

    def answered(self, result: TurnResult) -> None:
        if result.expression is not None and result.reply is not None:
            self.pipeline.answered(result.expression.weights)

    def turn_finished(self) -> None:
        self.pipeline.turn_finished()
