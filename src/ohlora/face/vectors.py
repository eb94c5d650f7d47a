"""VectorFind v7/v8: the face catalogue, the latent and direction CSVs, and the w edit (spec face §2).

numpy + csv only (no torch, no pandas). The catalogue maps case No. → CSV row → group name. It is
read from `ohlora_w_group_names.csv` and checked against the released list (`ohlora.face.spec`, which
`ohlora models verify` uses too) and against the row count of `ohlora_z_vectors.csv` (spec §8.9).

Sign convention (spec §2.3, MUST): the directions point towards *smaller* property scores, so
`w' = w + eyes·E + mouth·M + pose·P` with positive eyes = eyes more closed, positive mouth = mouth
more closed, negative pose = more head turn.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import numpy as np

from ohlora import messages
from ohlora.errors import ConfigError, CorruptData, MissingModel
from ohlora.face.spec import LABEL_DIMS, VECTORFIND_CASES, VECTORFIND_FACE_GROUPS, VERSIONS, W_DIM, Z_DIM
from ohlora.models.registry import V7_GROUPS, V8_GROUPS, artifact

PROPERTIES = ("eyes", "mouth", "pose")
GROUPS = MappingProxyType({"v7": V7_GROUPS, "v8": V8_GROUPS})  # the edit-direction groups of each version
ARTIFACTS = MappingProxyType({"v7": "vectorfind-v7", "v8": "vectorfind-v8"})
Z_FILE = "ohlora_z_vectors.csv"
GROUP_FILE = "ohlora_w_group_names.csv"
NORM_TOLERANCE = 1e-4

# (case No., group name) in CSV row order (spec §2.5)
BUILTIN_FACES = MappingProxyType({v: tuple(zip(VECTORFIND_CASES[v], VECTORFIND_FACE_GROUPS[v], strict=True))
                                  for v in VECTORFIND_CASES})


@dataclass(frozen=True)
class FaceEntry:
    version: str
    case: int  # the original's case No. (row among the 2,400 / 2,000 tested latents)
    row: int  # row in ohlora_z_vectors.csv
    group: str  # e.g. "hhh" (v7) or "lhlh" (v8): which edit directions this face uses

    @property
    def name(self) -> str:
        return f"stylegan-{self.version} #{self.case}"


def check_version(version: str) -> str:
    if version not in VERSIONS:
        raise ConfigError(messages.vectorfind_bad_version(version, VERSIONS))
    return version


def builtin_catalogue(version: str) -> tuple[FaceEntry, ...]:
    check_version(version)
    return tuple(FaceEntry(version, case, row, group) for row, (case, group) in enumerate(BUILTIN_FACES[version]))


def find_face(faces: Sequence[FaceEntry], case: int) -> FaceEntry:
    for face in faces:
        if face.case == case:
            return face
    version = faces[0].version if faces else "?"
    valid = ", ".join(str(f.case) for f in faces)
    raise ConfigError(messages.face_case_unknown(version, case, valid))


def pick_face(faces: Sequence[FaceEntry], case: int | str | None = None,
              rng: random.Random | None = None) -> FaceEntry:
    """A face by case number, or a uniformly random one when `case` is None (`rng` injected)."""
    if case is not None:
        try:
            number = int(case)
        except (TypeError, ValueError):
            valid = ", ".join(str(f.case) for f in faces)
            raise ConfigError(messages.face_case_not_int(case, valid)) from None
        return find_face(faces, number)
    return (rng or random.Random()).choice(list(faces))


# --- CSV readers ---------------------------------------------------------------------------------------------


def _read_rows(path: Path, artifact_name: str) -> list[list[str]]:
    if not path.is_file():
        raise MissingModel(messages.vectorfind_missing(path, artifact_name))
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = [row for row in csv.reader(f) if row]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CorruptData(messages.vectorfind_unreadable(path, exc, artifact_name)) from None
    if not rows:
        raise CorruptData(messages.vectorfind_empty(path, artifact_name))
    return rows


def _floats(cells: Sequence[str], path: Path, line: int, artifact_name: str) -> list[float]:
    try:
        values = [float(x) for x in cells]
    except ValueError:
        raise CorruptData(messages.vectorfind_not_number(path, line, artifact_name)) from None
    if not all(np.isfinite(values)):
        raise CorruptData(messages.vectorfind_non_finite(path, line, artifact_name))
    return values


def read_z_csv(path: str | Path, version: str) -> np.ndarray:
    """`ohlora_z_vectors.csv` → float64 (N, 515) (v7) or (N, 519) (v8): z = [:, :512], c = [:, 512:]."""
    path, name = Path(path), ARTIFACTS[check_version(version)]
    rows = _read_rows(path, name)
    width = Z_DIM + LABEL_DIMS[version]
    if rows[0] != [str(i) for i in range(width)]:
        raise CorruptData(messages.vectorfind_z_header(path, width, version, name))
    data = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != width:
            raise CorruptData(messages.vectorfind_row_width(path, line, len(row), width, name))
        data.append(_floats(row, path, line, name))
    if not data:
        raise CorruptData(messages.vectorfind_no_rows(path, name))
    return np.asarray(data, dtype=np.float64)


def read_group_csv(path: str | Path, version: str) -> tuple[tuple[int, str], ...]:
    """`ohlora_w_group_names.csv` → ((case No., group name), ...) in row order."""
    path, name = Path(path), ARTIFACTS[check_version(version)]
    rows = _read_rows(path, name)
    header = rows[0]
    if "case" not in header or "group_name" not in header:
        raise CorruptData(messages.vectorfind_group_header(path, name))
    i_case, i_group = header.index("case"), header.index("group_name")
    out = []
    for line, row in enumerate(rows[1:], start=2):
        try:
            case, group = int(row[i_case]), row[i_group]
        except (IndexError, ValueError):
            raise CorruptData(messages.vectorfind_group_row(path, line, name)) from None
        if group not in GROUPS[version]:
            raise CorruptData(messages.vectorfind_unknown_group(path, line, group, version, GROUPS[version], name))
        out.append((case, group))
    return tuple(out)


def read_direction_csv(path: str | Path, artifact_name: str = "vectorfind-v8") -> np.ndarray:
    """`{eyes|mouth|pose}_change_w_vector_{group}.csv` (pandas output with index) → float64 (512,)."""
    path = Path(path)
    rows = _read_rows(path, artifact_name)
    if len(rows) != 2 or rows[0] != [""] + [str(i) for i in range(W_DIM)] or len(rows[1]) != W_DIM + 1:
        raise CorruptData(messages.vectorfind_direction_layout(path, artifact_name))
    vector = np.asarray(_floats(rows[1][1:], path, 2, artifact_name), dtype=np.float64)
    norm = float(np.linalg.norm(vector))
    if abs(norm - 1.0) > NORM_TOLERANCE:
        raise CorruptData(messages.vectorfind_direction_norm(path, norm, artifact_name))
    return vector


def direction_path(folder: Path, prop: str, group: str) -> Path:
    return folder / "property_score_vectors" / f"{prop}_change_w_vector_{group}.csv"


# --- the loaded set -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VectorFind:
    """One version's faces, latents and edit directions (read-only arrays)."""

    version: str
    faces: tuple[FaceEntry, ...]
    latents: np.ndarray  # float64 (N, 512 + K), row i = faces[i]
    directions: Mapping[str, np.ndarray]  # group → float64 (3, 512): eyes, mouth, pose

    def face(self, case: int | str | None = None, rng: random.Random | None = None) -> FaceEntry:
        return pick_face(self.faces, case, rng)

    def z(self, face: FaceEntry) -> np.ndarray:
        return self.latents[face.row, :Z_DIM]

    def condition(self, face: FaceEntry) -> np.ndarray:
        return self.latents[face.row, Z_DIM:]

    def edit_directions(self, face: FaceEntry) -> np.ndarray:
        return self.directions[face.group]


def _read_only(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def load_vectorfind(models_root: str | Path, version: str, *, check_builtin: bool = True) -> VectorFind:
    """Read `stylegan/stylegan_vectorfind_{v7|v8}/` under the models root (registry layout).

    The catalogue comes from the group CSV; it must have as many rows as the z CSV and, unless
    `check_builtin` is False, equal the built-in case/group list.
    """
    check_version(version)
    name = ARTIFACTS[version]
    folder = artifact(name).path(Path(models_root))
    pairs = read_group_csv(folder / GROUP_FILE, version)
    latents = read_z_csv(folder / Z_FILE, version)
    if len(pairs) != latents.shape[0]:
        raise CorruptData(messages.vectorfind_count_mismatch(folder, GROUP_FILE, len(pairs), Z_FILE, latents.shape[0],
                                                             name))
    builtin = BUILTIN_FACES[version]
    if check_builtin and pairs != builtin:
        bad = [messages.vectorfind_catalogue_row(i, p[0], p[1]) for i, p in enumerate(pairs)
               if i >= len(builtin) or p != builtin[i]]
        if len(pairs) != len(builtin):
            bad.insert(0, messages.vectorfind_catalogue_size(len(pairs), len(builtin)))
        raise CorruptData(messages.vectorfind_catalogue_differs(folder / GROUP_FILE, version, bad[:4], name))
    faces = tuple(FaceEntry(version, case, row, group) for row, (case, group) in enumerate(pairs))
    directions = {}
    for group in GROUPS[version]:
        directions[group] = _read_only(np.stack(
            [read_direction_csv(direction_path(folder, prop, group), name) for prop in PROPERTIES]))
    return VectorFind(version, faces, _read_only(latents), MappingProxyType(directions))


def compose_w(w: np.ndarray, directions: np.ndarray, weights: np.ndarray | Sequence[Sequence[float]]) -> np.ndarray:
    """w (512,) or (1, 512), directions (3, 512), weights (B, 3) as (eyes, mouth, pose) → float32 (B, 512).

    `w + eyes·E + mouth·M + pose·P`, summed in float64 and cast to float32 like the original (spec §2.7).
    """
    base = np.asarray(w, dtype=np.float32).reshape(1, W_DIM).astype(np.float64)
    coef = np.asarray(weights, dtype=np.float64).reshape(-1, len(PROPERTIES))
    dirs = np.asarray(directions, dtype=np.float64).reshape(len(PROPERTIES), W_DIM)
    out = base
    for k in range(len(PROPERTIES)):  # the original's order of additions
        out = out + coef[:, k:k + 1] * dirs[k]
    return out.astype(np.float32)
