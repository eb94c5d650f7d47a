"""The faces a browser can pick: StyleGAN-VectorFind v7/v8 case numbers when their files are
present, the embedded procedural face always (and as the default when nothing else is there).

Faces are shared by every session that shows them (the procedural face is thread-safe and
caches its parts; a StyleGAN face holds its generator once). Loading is lazy and bounded.
"""

from __future__ import annotations

import random
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ohlora import messages
from ohlora.config import Settings
from ohlora.errors import ConfigError
from ohlora.face.base import Face

EMBEDDED = "embedded"
FULL_VERSIONS = ("v8", "v7")

FaceLoader = Callable[[str, "int | None", Path, random.Random, str], Face]
ReadyProbe = Callable[[Settings, str], bool]


@dataclass(frozen=True)
class FaceChoice:
    id: str  # "embedded" or "v8:83"
    label: str
    version: str  # embedded | v7 | v8
    case: int | None = None

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "version": self.version, "case": self.case}


def _default_loader(version: str, case: int | None, models_root: Path, rng: random.Random, device: str) -> Face:
    from ohlora.face.factory import make_face

    return make_face(version, case, models_root, rng, device)


def _default_probe(settings: Settings, version: str) -> bool:
    from ohlora.models.readiness import full_path_ready

    ready, _ = full_path_ready(settings, f"face-{version}")
    return ready


def available_choices(settings: Settings, probe: ReadyProbe = _default_probe) -> tuple[FaceChoice, ...]:
    """StyleGAN faces whose files are present (v8 first), then the embedded face."""
    from ohlora.face.vectors import builtin_catalogue

    choices: list[FaceChoice] = []
    for version in FULL_VERSIONS:
        if probe(settings, version):
            choices += [
                FaceChoice(f"{version}:{entry.case}", messages.WEB_FACE_CASE.format(version=version, case=entry.case),
                           version, entry.case)
                for entry in builtin_catalogue(version)
            ]
    choices.append(FaceChoice(EMBEDDED, messages.WEB_FACE_EMBEDDED, EMBEDDED))
    return tuple(choices)


class FaceCatalog:
    """The picker's choices, the default for a new session, and the loaded faces (LRU, shared)."""

    def __init__(self, settings: Settings, choices: tuple[FaceChoice, ...], rng: random.Random, *,
                 loader: FaceLoader = _default_loader, max_loaded: int = 4):
        self.settings = settings
        self.choices = choices
        self._by_id = {c.id: c for c in choices}
        self._rng = rng
        self._loader = loader
        self._max_loaded = max(1, max_loaded)
        self._loaded: OrderedDict[str, Face] = OrderedDict()
        self._lock = threading.Lock()

    def choice(self, choice_id: str) -> FaceChoice:
        found = self._by_id.get(choice_id)
        if found is None:
            raise ConfigError(messages.WEB_FACE_UNKNOWN.format(choice=choice_id))
        return found

    def default_id(self) -> str:
        """A random v8 face when v8 is present (the original picks one per run), else the first choice."""
        full = [c for c in self.choices if c.version == FULL_VERSIONS[0]] or [
            c for c in self.choices if c.version != EMBEDDED
        ]
        with self._lock:
            return self._rng.choice(full).id if full else EMBEDDED

    def face(self, choice_id: str) -> Face:
        """The loaded face for a choice (loaded on first use; the least recently used one is dropped)."""
        choice = self.choice(choice_id)
        with self._lock:
            hit = self._loaded.get(choice.id)
            if hit is not None:
                self._loaded.move_to_end(choice.id)
                return hit
            face = self._loader(choice.version, choice.case, self.settings.models_root, self._rng,
                                self.settings.device)
            self._loaded[choice.id] = face
            while len(self._loaded) > self._max_loaded:
                self._loaded.popitem(last=False)
            return face
