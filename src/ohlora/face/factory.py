"""Which face to draw: the embedded procedural face or a StyleGAN-VectorFind one (v7/v8).

Library code (the web page, the terminal chat) builds faces here; `face/commands.py` is only the
`ohlora face ...` command line. The embedded face never imports torch; the StyleGAN faces are
loaded lazily.
"""

from __future__ import annotations

import random
from pathlib import Path

from ohlora import messages
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
