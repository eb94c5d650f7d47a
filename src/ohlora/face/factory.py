"""Which face to draw: the embedded procedural face or a StyleGAN-VectorFind one (v7/v8).

Library code (the web page, the terminal chat) builds faces here; `face/commands.py` is only the
`ohlora face ...` command line. `face_from_settings` takes the version, case, models folder and
device from `Settings` (the `face_version`, `face_case`, `models_dir` and `device` settings).
The embedded face never imports torch; the StyleGAN faces are loaded lazily.
"""

from __future__ import annotations

import random
from pathlib import Path

from ohlora import messages
from ohlora.config import Settings
from ohlora.errors import ConfigError
from ohlora.face.base import Face

VERSIONS = ("embedded", "v7", "v8")


def check_version(version: str) -> str:
    name = version.strip().lower()
    if name not in VERSIONS:
        raise ConfigError(messages.FACE_BAD_VERSION.format(version=version, allowed=", ".join(VERSIONS)))
    return name


def make_face(version: str, case: int | None = None, models_root: Path | None = None,
              rng: random.Random | None = None, device: str = "auto") -> Face:
    """The face for a version: `ProceduralFace` for "embedded", else a StyleGAN-VectorFind face."""
    name = check_version(version)
    if name == "embedded":
        from ohlora.face.procedural import ProceduralFace

        return ProceduralFace()
    from ohlora.face.stylegan_face import load_stylegan_face

    if models_root is None:
        raise ConfigError(messages.FACE_NEEDS_MODELS_DIR)
    return load_stylegan_face(models_root, name, case=case, rng=rng, device=device)


def pick_version(settings: Settings, version: str | None = None) -> str:
    """The face version to draw: `version`, else the `face_version` setting. `auto` is v8 when its
    StyleGAN files verify, else the embedded face."""
    name = (settings.face_version if version is None else version).strip().lower()
    if name != "auto":
        return check_version(name)
    from ohlora.models.readiness import full_path_ready

    ready, _ = full_path_ready(settings, "face-v8")
    return "v8" if ready else "embedded"


def face_from_settings(settings: Settings, rng: random.Random | None = None, *, version: str | None = None,
                       case: int | None = None) -> Face:
    """The face the settings ask for; `version` and `case` (when not None) override `face_version`
    and `face_case`. A StyleGAN face loads from `models_root` onto the device of the `face` role."""
    return make_face(pick_version(settings, version), settings.face_case if case is None else case,
                     settings.models_root, rng, settings.device_for("face"))
