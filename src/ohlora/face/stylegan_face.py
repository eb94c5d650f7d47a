"""`StyleGANFace`: the full face (StyleGAN-VectorFind v7/v8 + hair student) behind the `Face` protocol.

One object owns the generator, the face's latent and edit directions, and the hair model, on one
device. w = mapping(z, c) is computed once (the original redid it every frame); each frame is the
edit `w + eyes·E + mouth·M + pose·P` (clamped weights, spec §8.12), a batched synthesis, and the
hair mask of the rendered image. Ombre is applied later by the caller (it is numpy, see ombre.py).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path
from types import MappingProxyType

import numpy as np
import torch

from ohlora import messages
from ohlora.errors import CorruptData, MissingModel
from ohlora.face.base import EYES_RANGE, MOUTH_RANGE, POSE_RANGE, Drawn, Expression
from ohlora.face.generator import StyleGANGenerator, load_generator
from ohlora.face.hair import FILE_NAME as HAIR_FILE
from ohlora.face.hair import HairSegmenter, load_hair_segmenter
from ohlora.face.spec import FILE_NAMES, RESOLUTION
from ohlora.face.vectors import FaceEntry, VectorFind, check_version, compose_w, load_vectorfind
from ohlora.models.registry import artifact

WEIGHT_LIMITS = MappingProxyType({"eyes": EYES_RANGE, "mouth": MOUTH_RANGE, "pose": POSE_RANGE})
MAX_BATCH = 8


def clamp_weights(expressions: Sequence[Expression]) -> np.ndarray:
    """(B, 3) float64 (eyes, mouth, pose), each clamped to WEIGHT_LIMITS."""
    raw = np.array([[e.eyes, e.mouth, e.pose] for e in expressions], dtype=np.float64).reshape(-1, 3)
    low = np.array([WEIGHT_LIMITS[k][0] for k in ("eyes", "mouth", "pose")])
    high = np.array([WEIGHT_LIMITS[k][1] for k in ("eyes", "mouth", "pose")])
    return np.clip(np.nan_to_num(raw), low, high)


class StyleGANFace:
    """`Face` for one StyleGAN-VectorFind face, named like "stylegan-v8 #83"."""

    size = RESOLUTION

    def __init__(self, generator: StyleGANGenerator, vectors: VectorFind, entry: FaceEntry,
                 hair: HairSegmenter | None, *, max_batch: int | None = None,
                 fixed_batches: bool | None = None) -> None:
        if generator.version != vectors.version:
            raise CorruptData(messages.stylegan_version_mismatch(generator.version, vectors.version))
        self.generator = generator
        self.entry = entry
        self.name = entry.name
        self.hair = hair
        if max_batch is None:  # batches of 8 cost less per frame on a CPU too (benchmarks/face_render.py)
            max_batch = MAX_BATCH
        self.max_batch = max(1, int(max_batch))
        # On a GPU every new batch size costs cuDNN plan building for ~75 convolutions (seconds on an
        # H200, where a frame takes ~16 ms), so batches there are only ever 1 or max_batch frames: a
        # remainder of 2…max_batch−1 is padded with copies of its last w and the copies dropped.
        self.fixed_batches = generator.device.type != "cpu" if fixed_batches is None else fixed_batches
        self.directions = vectors.edit_directions(entry)  # (3, 512) float64: eyes, mouth, pose
        w = generator.mapping(vectors.z(entry)[None], vectors.condition(entry)[None])
        self.w = w[0].cpu().numpy()  # float32 (512,), cached for the whole session
        self.w.setflags(write=False)

    def edited_w(self, expressions: Sequence[Expression]) -> np.ndarray:
        """(B, 512) float32 w' for these expressions (clamped)."""
        return compose_w(self.w, self.directions, clamp_weights(expressions))

    def draw(self, expressions: Sequence[Expression]) -> list[Drawn]:
        drawn: list[Drawn] = []
        for w in self._chunks(expressions):
            wanted = w.shape[0]
            if self.fixed_batches and 1 < wanted < self.max_batch:
                w = np.concatenate([w, np.repeat(w[-1:], self.max_batch - wanted, axis=0)])
            rgb = self.generator.render_tensor(w)[:wanted]
            if self.hair is not None:
                hair = self.hair.predict_tensor(rgb).cpu().numpy()
            else:
                hair = np.zeros((rgb.shape[0], self.size, self.size), dtype=np.float32)
            frames = rgb.cpu().numpy()
            drawn.extend(Drawn(frames[i], hair[i]) for i in range(frames.shape[0]))
        return drawn

    def _chunks(self, expressions: Sequence[Expression]) -> list[np.ndarray]:
        if not expressions:
            return []
        w = self.edited_w(expressions)
        return [w[i:i + self.max_batch] for i in range(0, w.shape[0], self.max_batch)]


def face_files(models_root: str | Path, version: str) -> dict[str, Path]:
    """Where the weights live under the models root (registry layout)."""
    root = Path(models_root)
    return {
        f"stylegan-{version}": artifact(f"stylegan-{version}").path(root) / FILE_NAMES[version],
        "hair-segmentation": artifact("hair-segmentation").path(root) / HAIR_FILE,
    }


def load_stylegan_face(models_root: str | Path, version: str = "v8", case: int | str | None = None,
                       rng: random.Random | None = None, device: str | torch.device = "auto",
                       dtype: str | torch.dtype = "auto", *, hair: bool = True, hair_input: str = "compat",
                       max_batch: int | None = None, compile: bool = False,
                       **generator_options: object) -> StyleGANFace:
    """Load everything a StyleGAN face needs. `case` None picks a face at random with `rng`.

    Missing files raise MissingModel naming the file and the pull command before anything heavy loads.
    `compile` (opt-in) wraps the synthesis and the hair model in torch.compile: the first frame of each
    batch size then takes tens of seconds on a CPU (inductor caches on disk for later runs).
    `generator_options`: channels_last, plan (see StyleGANGenerator).
    """
    check_version(version)
    files = face_files(models_root, version)
    for name, path in files.items():
        if not hair and name == "hair-segmentation":
            continue
        if not path.is_file():
            raise MissingModel(messages.face_file_missing(path, name))
    vectors = load_vectorfind(models_root, version)
    entry = vectors.face(case, rng)
    generator = load_generator(files[f"stylegan-{version}"], device, dtype, compile=compile, **generator_options)
    segmenter = None
    if hair:
        hair_dtype = "float32" if generator.device.type == "cpu" else generator.dtype
        segmenter = load_hair_segmenter(files["hair-segmentation"], generator.device, hair_dtype,
                                        input_size=hair_input, compile=compile)
    return StyleGANFace(generator, vectors, entry, segmenter, max_batch=max_batch)
