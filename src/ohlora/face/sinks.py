"""Where face frames go: a desktop window, a live PNG file, a GIF.

Every sink takes RGB uint8 (H, W, 3) arrays through `show(rgb)` and is closed with `close()`.
Nothing here imports a GUI at import time: `WindowSink` loads OpenCV when it is created and explains
what to install when OpenCV has no window support (the `opencv-python-headless` wheel has none).
`run_display` is the display loop: it asks a `FramePipeline` for frames at a fixed rate.
"""

from __future__ import annotations

import os
import re
import secrets
import struct
import sys
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from ohlora import messages
from ohlora.errors import OhloraError


class WindowUnavailable(OhloraError):
    """The OpenCV window cannot be shown here; the message says what to do instead."""

    exit_code = 5


class Sink(Protocol):
    def show(self, rgb: np.ndarray) -> None: ...

    def close(self) -> None: ...


# --- PNG without dependencies -----------------------------------------------------------------------------
def encode_png(rgb: np.ndarray, level: int = 1) -> bytes:
    """PNG bytes of an RGB uint8 image (stdlib zlib only; level 1 is fast and still small)."""
    img = np.ascontiguousarray(rgb, dtype=np.uint8)
    if img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f"expected an (H, W, 3) uint8 image, got {img.shape}")
    h, w, _ = img.shape
    raw = np.zeros((h, w * 3 + 1), dtype=np.uint8)  # filter byte 0 (None) per row
    raw[:, 1:] = img.reshape(h, w * 3)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw.tobytes(), level)) + chunk(b"IEND", b"")


def _create_temporary(path: Path) -> tuple[int, Path]:
    """A new file next to `path`, created as `open(path, "wb")` creates a file: mode 0o666 less the
    umask (0644 usually). mkstemp's 0600 would make every picture private to its writer."""
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:
            continue
        return fd, tmp


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so that readers see either the old or the new content, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temporary(path)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def save_png(rgb: np.ndarray, path: Path | str) -> Path:
    path = Path(path)
    write_atomic(path, encode_png(rgb, level=6))
    return path


# --- sinks --------------------------------------------------------------------------------------------------
class FileSink:
    """Writes the latest frame to a PNG file, atomically, at most every `min_interval_s` seconds.

    Typical path: `<home>/face/latest.png`; an image viewer that reloads the file shows her live.
    """

    def __init__(self, path: Path | str, min_interval_s: float = 0.0, now: Callable[[], float] = time.monotonic):
        self.path = Path(path)
        self.min_interval_s = min_interval_s
        self._now = now
        self._last: float | None = None
        self._pending: np.ndarray | None = None
        self.written = 0

    def show(self, rgb: np.ndarray) -> None:
        t = self._now()
        if self._last is not None and t - self._last < self.min_interval_s:
            self._pending = rgb
            return
        self._write(rgb, t)

    def _write(self, rgb: np.ndarray, t: float) -> None:
        write_atomic(self.path, encode_png(rgb))
        self._last = t
        self._pending = None
        self.written += 1

    def close(self) -> None:
        if self._pending is not None:  # the very last frame is always on disk
            self._write(self._pending, self._now())


class GifWriter:
    """Collects frames and writes an animated GIF with Pillow on `close()`.

    `duration_ms` is in milliseconds, as Pillow reads it (the original passed 0.05 meaning 50 ms:
    spec face §5.5 bug). Each frame gets its own palette (fast octree, which keeps small saturated
    areas such as the lips) and Floyd–Steinberg dithering (smooth skin and sky gradients).
    """

    def __init__(self, path: Path | str, duration_ms: int = 50, loop: int = 0):
        try:
            import PIL.Image  # noqa: F401
        except ImportError as exc:
            raise OhloraError(messages.GIF_NEEDS_PILLOW) from exc
        self.path = Path(path)
        self.duration_ms = int(duration_ms)
        self.loop = loop
        self._frames: list[np.ndarray] = []

    def show(self, rgb: np.ndarray) -> None:
        self._frames.append(np.array(rgb, dtype=np.uint8, copy=True))

    def __len__(self) -> int:
        return len(self._frames)

    def close(self) -> None:
        if not self._frames:
            return
        from PIL import Image

        images = [_to_palette(Image.fromarray(f)) for f in self._frames]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        images[0].save(tmp, format="GIF", save_all=True, append_images=images[1:], duration=self.duration_ms,
                       loop=self.loop, disposal=1, optimize=False)
        os.replace(tmp, self.path)
        self._frames.clear()


def _to_palette(image):
    from PIL import Image

    palette = image.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    return image.quantize(palette=palette, dither=Image.Dither.FLOYDSTEINBERG)


def _opencv_has_gui(cv2) -> bool:
    match = re.search(r"^\s*GUI:\s*(\S+)", cv2.getBuildInformation(), re.MULTILINE)
    return not (match and match.group(1).upper() == "NONE")


def _has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


class WindowSink:
    """An OpenCV window (the original's display), shown from the main thread only.

    Raises `WindowUnavailable` with a clear message when OpenCV is missing or headless, when there
    is no display, or when created off the main thread. `closed` turns True on Esc / q or when the
    user closes the window.
    """

    def __init__(self, title: str = messages.FACE_WINDOW_TITLE, scale: int = 2):
        if threading.current_thread() is not threading.main_thread():
            raise WindowUnavailable(messages.WINDOW_NOT_MAIN_THREAD)
        try:
            import cv2
        except ImportError as exc:
            raise WindowUnavailable(messages.WINDOW_NO_OPENCV) from exc
        if not _opencv_has_gui(cv2):
            raise WindowUnavailable(messages.WINDOW_HEADLESS)
        if not _has_display():
            raise WindowUnavailable(messages.WINDOW_NO_DISPLAY)
        self._cv2 = cv2
        self.title = title
        self.scale = max(1, int(scale))
        self.closed = False
        cv2.namedWindow(title, cv2.WINDOW_AUTOSIZE)

    def show(self, rgb: np.ndarray) -> None:
        if self.closed:
            return
        cv2 = self._cv2
        bgr = np.ascontiguousarray(rgb[..., ::-1])
        if self.scale > 1:
            bgr = cv2.resize(bgr, None, fx=self.scale, fy=self.scale, interpolation=cv2.INTER_CUBIC)
        cv2.imshow(self.title, bgr)
        key = cv2.waitKey(1) & 0xFF
        visible = cv2.getWindowProperty(self.title, cv2.WND_PROP_VISIBLE)
        if key in (27, ord("q")) or visible < 1:
            self.closed = True

    def close(self) -> None:
        if not self.closed:
            self.closed = True
        self._cv2.destroyWindow(self.title)
        self._cv2.waitKey(1)


# --- the display loop ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DisplayStats:
    frames: int
    fresh: int  # frames whose picture was rendered for exactly the wanted (quantised) expression
    seconds: float

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else 0.0


def run_display(
    pipeline,
    sinks: Sequence[Sink],
    fps: float = 30.0,
    *,
    duration_s: float | None = None,
    should_stop: Callable[[], bool] | None = None,
    now: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> DisplayStats:
    """Show `pipeline.latest_frame()` on every sink at `fps` until the time is up, a window is
    closed, `should_stop()` says so, or the animator finished the session. Late frames are skipped,
    never queued: the animation keeps real time whatever the renderer's speed."""
    start = now()
    period = 1.0 / fps
    frames = fresh = 0
    k = 0
    while True:
        t = now()
        if duration_s is not None and t - start >= duration_s:
            break
        frame = pipeline.latest_frame()
        for sink in sinks:
            sink.show(frame.rgb)
        frames += 1
        fresh += int(frame.fresh)
        if pipeline.finished or any(getattr(s, "closed", False) for s in sinks):
            break
        if should_stop is not None and should_stop():
            break
        k = max(k + 1, int((now() - start) / period) + 1)  # skip ticks we are late for
        delay = start + k * period - now()
        if delay > 0:
            sleep(delay)
    return DisplayStats(frames, fresh, now() - start)
