"""Is an artifact on disk, whole and the right thing? (`ohlora models status` and `verify`)

`check_artifact(artifact, root)` is the shallow check that runs at every start: files present,
non-empty, JSON parses, safetensors headers agree with the file length, torch archives are whole
zip files. `deep=True` (`ohlora models verify`) also reads what the files say without loading the
models: safetensors dtypes/shapes/offsets, adapter and S-BERT configs, base-model types, the exact
key sets and shapes of the StyleGAN and segmentation state dicts (face spec §1.9, §3.2; needs
torch, else noted as not checked) and the VectorFind CSV layouts (face spec §2.5, §2.6).

A base LLM is checked where `base_models` puts it (`models/bases.py`): a local folder like the
default location; a hub id is state `hub`, which counts as ready (it is resolved when the model
loads) but cannot be checked offline.

Every problem names its path; `ArtifactStatus.lines()` adds the command that fixes it.
"""

from __future__ import annotations

import csv
import json
import math
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ohlora import messages
from ohlora.face.spec import (
    LABEL_DIMS,
    VECTORFIND_CASES,
    VECTORFIND_FACE_GROUPS,
    VECTORFIND_GROUP_HEADERS,
    VECTORFIND_Z_COLUMNS,
    W_DIM,
    state_dict_shapes,
)
from ohlora.models.bases import FOLDER, HUB, BaseSource, base_source
from ohlora.models.registry import V7_GROUPS, V8_GROUPS, Artifact

PRESENT = "present"
MISSING = "missing"
PARTIAL = "partial"
CORRUPT = "corrupt"
HUB_ID = "hub"  # a base named by a Hugging Face id in base_models: resolved at load time
STATES = (PRESENT, MISSING, PARTIAL, CORRUPT, HUB_ID)
READY_STATES = (PRESENT, HUB_ID)

SHALLOW_JSON_LIMIT = 4_000_000  # larger JSON files (tokenizer.json) get a cheap brace check when shallow
MAX_SAFETENSORS_HEADER = 100_000_000
GLOB_CHARS = frozenset("*?[")

BASE_MODEL_TYPES = MappingProxyType({
    "base-kanana-instruct": "llama",
    "base-kanana": "llama",
    "base-polyglot": "gpt_neox",
})
BASE_OPTIONAL = ("model.safetensors.index.json", "generation_config.json", "special_tokens_map.json")

SAFETENSORS_DTYPE_BYTES = MappingProxyType({
    "BOOL": 1, "U8": 1, "I8": 1, "F8_E4M3": 1, "F8_E5M2": 1, "F8_E8M0": 1,
    "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
    "I32": 4, "U32": 4, "F32": 4,
    "I64": 8, "U64": 8, "F64": 8,
})

# --- VectorFind and the StyleGAN generator state dict (face spec §1.9, §2.5, §2.6): `ohlora.face.spec` --
VECTORFIND_GROUPS = MappingProxyType({"v7": V7_GROUPS, "v8": V8_GROUPS})
expected_generator_shapes = state_dict_shapes  # key -> shape of a released generator, in state-dict order


# --- hair segmentation student state dict (face spec §3.2) -------------------------------------------
# EfficientNet-b0 stages: (repeats, kernel, expand ratio, output channels); input 32 from the stem.
_B0_STAGES = ((1, 3, 1, 16), (2, 3, 6, 24), (2, 5, 6, 40), (3, 3, 6, 80), (3, 5, 6, 112), (4, 5, 6, 192),
              (1, 3, 6, 320))
_BN = ("weight", "bias", "running_mean", "running_var", "num_batches_tracked")


def _bn(prefix: str, channels: int) -> dict[str, tuple[int, ...]]:
    return {f"{prefix}.{p}": (() if p == "num_batches_tracked" else (channels,)) for p in _BN}


def expected_segmentation_shapes() -> dict[str, tuple[int, ...]]:
    """Key -> shape of the released hair-segmentation student (418 keys)."""
    shapes: dict[str, tuple[int, ...]] = {"encoder._conv_stem.weight": (32, 3, 3, 3)}
    shapes |= _bn("encoder._bn0", 32)
    block, channels = 0, 32
    for stage, (repeats, kernel, expand, out) in enumerate(_B0_STAGES):
        for _ in range(repeats):
            p = f"encoder._blocks.{stage}.{block}"
            hidden = channels * expand
            squeezed = max(1, int(channels * 0.25))
            if expand != 1:
                shapes[f"{p}._expand_conv.weight"] = (hidden, channels, 1, 1)
                shapes |= _bn(f"{p}._bn0", hidden)
            shapes[f"{p}._depthwise_conv.weight"] = (hidden, 1, kernel, kernel)
            shapes |= _bn(f"{p}._bn1", hidden)
            shapes[f"{p}._se_reduce.weight"] = (squeezed, hidden, 1, 1)
            shapes[f"{p}._se_reduce.bias"] = (squeezed,)
            shapes[f"{p}._se_expand.weight"] = (hidden, squeezed, 1, 1)
            shapes[f"{p}._se_expand.bias"] = (hidden,)
            shapes[f"{p}._project_conv.weight"] = (out, hidden, 1, 1)
            shapes |= _bn(f"{p}._bn2", out)
            block, channels = block + 1, out
    shapes["encoder._conv_head.weight"] = (1280, 320, 1, 1)
    shapes |= _bn("encoder._bn1", 1280)
    for i, c in enumerate((16, 24, 40, 112, 320), start=1):
        shapes[f"conv{i}.weight"] = (64, c, 3, 3)
    shapes["conv6.weight"] = (1, 64, 1, 1)
    for i in range(1, 7):
        shapes |= _bn(f"bn{i}", 64)
    for g in ("ghost1", "ghost2"):
        shapes[f"{g}.primary_conv.0.weight"] = (32, 64, 1, 1)
        shapes |= _bn(f"{g}.primary_conv.2", 32)
        shapes[f"{g}.cheap_operation.0.weight"] = (32, 1, 3, 3)
        shapes |= _bn(f"{g}.cheap_operation.2", 32)
    return shapes


# --- results ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    path: Path
    what: str
    state: str = CORRUPT  # MISSING or CORRUPT


@dataclass(frozen=True)
class ArtifactStatus:
    artifact: Artifact
    root: Path
    state: str
    problems: tuple[Problem, ...]
    notes: tuple[str, ...]  # things not checked (e.g. torch missing): not problems
    bytes_on_disk: int
    files_found: int
    files_expected: int
    deep: bool
    source: BaseSource | None = None  # base LLMs: where `base_models` puts them

    @property
    def ok(self) -> bool:
        return self.state in READY_STATES

    @property
    def path(self) -> Path:
        folder = self.source.folder if self.source is not None else None
        return folder if folder is not None else self.artifact.path(self.root)

    @property
    def location(self) -> str:
        """The folder checked, or the hub id."""
        return self.source.location if self.source is not None else str(self.path)

    @property
    def bytes_expected(self) -> int:
        return round(self.artifact.size_mb * 1_000_000)

    @property
    def fix_command(self) -> str:
        if self.source is not None and self.source.origin == FOLDER:
            return messages.base_override_fix(self.artifact.name)
        return messages.pull_command(self.artifact.name)

    def lines(self) -> list[str]:
        """One line per problem, each with its path and the command that fixes it."""
        fix = self.fix_command
        if self.state == MISSING:
            return [messages.artifact_missing_line(self.artifact.name, self.path, fix)]
        return [messages.artifact_problem_line(self.artifact.name, p.path, p.what, fix) for p in self.problems]


class BadFile(ValueError):
    """One file is not what it should be (the message says how)."""


@dataclass
class _Findings:
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def bad(self, path: Path, what: str, state: str = CORRUPT) -> None:
        self.problems.append(Problem(path, what, state))


# --- small readers ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class SafetensorsHeader:
    tensors: Mapping[str, tuple[str, tuple[int, ...], tuple[int, int]]]  # name -> dtype, shape, offsets
    metadata: Mapping[str, Any]
    data_bytes: int  # bytes after the header on disk


def read_safetensors_header(path: Path) -> SafetensorsHeader:
    """Parse the 8-byte length + JSON header and check that the file is as long as the header says."""
    size = path.stat().st_size
    with path.open("rb") as f:
        raw = f.read(8)
        if len(raw) < 8:
            raise BadFile(messages.check_safetensors_too_short(size))
        n = int.from_bytes(raw, "little")
        if n == 0 or n > min(size - 8, MAX_SAFETENSORS_HEADER):
            raise BadFile(messages.check_safetensors_bad_length(n, size))
        try:
            header = json.loads(f.read(n).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BadFile(messages.check_safetensors_bad_json(exc)) from exc
    if not isinstance(header, dict):
        raise BadFile(messages.CHECK_SAFETENSORS_NOT_OBJECT)
    metadata = header.pop("__metadata__", None) or {}
    tensors: dict[str, tuple[str, tuple[int, ...], tuple[int, int]]] = {}
    for name, entry in header.items():
        try:
            dtype, shape, offsets = entry["dtype"], tuple(entry["shape"]), tuple(entry["data_offsets"])
        except (TypeError, KeyError) as exc:
            raise BadFile(messages.check_safetensors_entry_incomplete(name)) from exc
        if len(offsets) != 2 or not all(isinstance(x, int) and x >= 0 for x in (*shape, *offsets)):
            raise BadFile(messages.check_safetensors_entry_bad(name, entry))
        tensors[name] = (str(dtype), shape, (offsets[0], offsets[1]))
    data_bytes = size - 8 - n
    end = max((o[1] for _, _, o in tensors.values()), default=0)
    if end > data_bytes:
        raise BadFile(messages.check_safetensors_truncated(end, data_bytes))
    return SafetensorsHeader(MappingProxyType(tensors), MappingProxyType(dict(metadata)), data_bytes)


def _safetensors_deep(h: SafetensorsHeader) -> list[str]:
    problems: list[str] = []
    spans = []
    for name, (dtype, shape, (begin, end)) in h.tensors.items():
        width = SAFETENSORS_DTYPE_BYTES.get(dtype)
        if width is None:
            problems.append(messages.check_tensor_unknown_dtype(name, dtype))
            continue
        if end - begin != math.prod(shape) * width:
            problems.append(messages.check_tensor_size(name, dtype, list(shape), math.prod(shape) * width, end - begin))
        spans.append((begin, end))
    spans.sort()
    cursor = 0
    for begin, end in spans:
        if begin != cursor:
            problems.append(messages.check_tensor_gap(cursor))
            break
        cursor = end
    if not problems and cursor != h.data_bytes:
        problems.append(messages.check_stray_bytes(h.data_bytes - cursor))
    if not h.tensors:
        problems.append(messages.CHECK_NO_TENSORS)
    return problems


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadFile(messages.check_json_invalid(exc)) from exc


def _brace_check(path: Path, size: int) -> None:
    """Cheap stand-in for parsing a big JSON file: it must start with '{' and end with '}'."""
    with path.open("rb") as f:
        head = f.read(64).lstrip()
        f.seek(max(0, size - 64))
        tail = f.read().rstrip()
    if not head.startswith(b"{") or not tail.endswith(b"}"):
        raise BadFile(messages.CHECK_JSON_TRUNCATED)


def load_state_dict_shapes(path: Path) -> dict[str, tuple[int, ...]] | None:
    """Key -> shape of a `.pth` state dict, read onto the meta device (no tensor data); None without torch."""
    try:
        import torch
    except ImportError:
        return None
    try:
        obj = torch.load(path, map_location="meta", weights_only=True)
    except Exception as exc:  # torch raises many kinds here (pickle, zip, runtime)
        raise BadFile(messages.check_torch_load_fails(exc)) from exc
    if not isinstance(obj, Mapping) or not all(hasattr(v, "shape") for v in obj.values()):
        raise BadFile(messages.CHECK_NOT_STATE_DICT)
    return {str(k): tuple(int(d) for d in v.shape) for k, v in obj.items()}


def compare_state_dict(actual: Mapping[str, tuple[int, ...]], expected: Mapping[str, tuple[int, ...]]) -> list[str]:
    """Differences between two key -> shape maps, worded for a user (names capped at 5)."""
    problems = []
    missing = [k for k in expected if k not in actual]
    unexpected = [k for k in actual if k not in expected]
    if missing:
        problems.append(messages.check_keys_missing(missing))
    if unexpected:
        problems.append(messages.check_keys_unexpected(unexpected))
    for key, shape in expected.items():
        if key in actual and tuple(actual[key]) != tuple(shape):
            problems.append(messages.check_key_shape(key, list(actual[key]), list(shape)))
    if not problems and len(actual) != len(expected):
        problems.append(messages.check_key_count(len(actual), len(expected)))
    return problems


def _version(artifact: Artifact) -> str:
    return artifact.name.rsplit("-", 1)[-1]


# --- per-file checks -------------------------------------------------------------------------------
def check_file(artifact: Artifact, rel: str, path: Path, deep: bool = True) -> tuple[list[str], list[str]]:
    """Problems and notes for one file of `artifact` (at `path`, which may be a staged copy)."""
    f = _Findings()
    _check_file(artifact, rel, path, deep, f)
    return [p.what for p in f.problems], f.notes


def _check_file(artifact: Artifact, rel: str, path: Path, deep: bool, f: _Findings) -> None:
    if not path.is_file():
        f.bad(path, messages.CHECK_MISSING, MISSING)
        return
    try:
        size = path.stat().st_size
        if size == 0:
            raise BadFile(messages.CHECK_EMPTY_FILE)
        suffix = path.suffix
        if suffix == ".json":
            _check_json(artifact, rel, path, size, deep, f)
        elif suffix == ".safetensors":
            header = read_safetensors_header(path)
            if deep:
                for what in _safetensors_deep(header):
                    f.bad(path, what)
        elif suffix in (".pth", ".bin"):
            if not zipfile.is_zipfile(path):
                raise BadFile(messages.CHECK_TORCH_TRUNCATED)
            if deep and suffix == ".pth":
                _check_pth(artifact, path, f)
        elif suffix == ".csv" and deep:
            _check_csv(artifact, rel, path, f)
        elif suffix == ".txt" and deep:
            path.read_text(encoding="utf-8")
    except BadFile as exc:
        f.bad(path, str(exc))
    except UnicodeDecodeError:
        f.bad(path, messages.CHECK_NOT_UTF8)
    except OSError as exc:
        f.bad(path, messages.check_unreadable(exc.strerror or exc))


def _check_json(artifact: Artifact, rel: str, path: Path, size: int, deep: bool, f: _Findings) -> None:
    if not deep and size > SHALLOW_JSON_LIMIT:
        _brace_check(path, size)
        return
    data = read_json(path)
    if not deep:
        return
    kind, name = artifact.kind, Path(rel).name
    if kind == "adapter" and rel == "adapter_config.json":
        if not isinstance(data, dict):
            raise BadFile(messages.CHECK_ADAPTER_CONFIG_NOT_OBJECT)
        if data.get("peft_type") != "LORA":
            f.bad(path, messages.check_peft_type(data.get("peft_type")))
        r = data.get("r")
        if not isinstance(r, int) or isinstance(r, bool) or r <= 0:
            f.bad(path, messages.check_lora_rank(r))
        targets = data.get("target_modules")
        if not targets or not isinstance(targets, (list, str)):
            f.bad(path, messages.check_target_modules(targets))
    elif kind == "sbert" and rel == "modules.json":
        types = [str(m.get("type", "")) for m in data if isinstance(m, dict)] if isinstance(data, list) else []
        for needed in ("Transformer", "Pooling"):
            if not any(t.rsplit(".", 1)[-1] == needed for t in types):
                f.bad(path, messages.check_sbert_module(needed, types))
    elif kind == "sbert" and rel == "1_Pooling/config.json":
        dim = data.get("word_embedding_dimension") if isinstance(data, dict) else None
        if not isinstance(dim, int) or dim <= 0:
            f.bad(path, messages.check_pooling_dim(dim))
    elif name == "config.json" and kind in ("base", "sbert"):
        if not isinstance(data, dict):
            raise BadFile(messages.CHECK_MODEL_CONFIG_NOT_OBJECT)
        expected = BASE_MODEL_TYPES.get(artifact.name)
        if expected and data.get("model_type") != expected:
            f.bad(path, messages.check_model_type(data.get("model_type"), expected))
        if not isinstance(data.get("hidden_size"), int):
            f.bad(path, messages.CHECK_NO_HIDDEN_SIZE)


def _check_pth(artifact: Artifact, path: Path, f: _Findings) -> None:
    if artifact.kind == "stylegan":
        version = _version(artifact)
        expected = expected_generator_shapes(version)
    elif artifact.kind == "segmentation":
        version, expected = "", expected_segmentation_shapes()
    else:
        return
    actual = load_state_dict_shapes(path)
    if actual is None:
        f.notes.append(messages.check_torch_missing_note(path))
        return
    label = actual.get("mapping.label_weight")
    if version and label is not None and label != expected["mapping.label_weight"]:
        other = next((v for v, d in LABEL_DIMS.items() if label == (d, 16)), None)
        if other:
            f.bad(path, messages.check_other_generator(other, list(label), version))
    for what in compare_state_dict(actual, expected):
        f.bad(path, what)


# --- VectorFind CSVs ----------------------------------------------------------------------------------
def _read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [row for row in csv.reader(fh) if row]


def _floats(cells: list[str], where: str) -> list[float]:
    try:
        values = [float(c) for c in cells]
    except ValueError as exc:
        raise BadFile(messages.check_not_number(where, exc)) from exc
    if not all(math.isfinite(v) for v in values):
        raise BadFile(messages.check_non_finite(where))
    return values


def _check_csv(artifact: Artifact, rel: str, path: Path, f: _Findings) -> None:
    if artifact.kind != "vectorfind":
        return
    version = _version(artifact)
    rows = _read_csv(path)
    if not rows:
        raise BadFile(messages.CHECK_EMPTY_CSV)
    header, data = rows[0], rows[1:]
    n_faces = len(VECTORFIND_CASES[version])
    if rel == "ohlora_z_vectors.csv":
        cols = VECTORFIND_Z_COLUMNS[version]
        if header != [str(i) for i in range(cols)]:
            raise BadFile(messages.check_z_header(cols, len(header)))
        if len(data) != n_faces:
            f.bad(path, messages.check_data_rows(len(data), n_faces))
        for i, row in enumerate(data, start=2):
            if len(row) != cols:
                raise BadFile(messages.check_columns(i, len(row), cols))
            _floats(row, messages.check_csv_line(i))
    elif rel == "ohlora_w_group_names.csv":
        wanted = list(VECTORFIND_GROUP_HEADERS[version])
        if header != wanted:
            raise BadFile(messages.check_header(wanted))
        if len(data) != n_faces:
            f.bad(path, messages.check_data_rows(len(data), n_faces))
        col = {name: i for i, name in enumerate(wanted)}
        for i, row in enumerate(data[:n_faces]):
            if len(row) != len(wanted):
                raise BadFile(messages.check_columns(i + 2, len(row), len(wanted)))
            case, group = VECTORFIND_CASES[version][i], VECTORFIND_FACE_GROUPS[version][i]
            if row[col["case"]] != str(case) or row[col["group_name"]] != group:
                f.bad(path, messages.check_group_row(i + 2, row[col["case"]], row[col["group_name"]], case, group))
            _floats(row[col["eyes_corr"]:], messages.check_csv_line(i + 2))
    elif rel.startswith("property_score_vectors/"):
        if header != [""] + [str(i) for i in range(W_DIM)]:
            raise BadFile(messages.check_direction_header(W_DIM))
        if len(data) != 1:
            raise BadFile(messages.check_data_rows(len(data), 1))
        row = data[0]
        if len(row) != W_DIM + 1 or row[0] != "0":
            raise BadFile(messages.check_direction_row(W_DIM, len(row)))
        norm = math.sqrt(sum(v * v for v in _floats(row[1:], messages.check_csv_line(2))))
        if abs(norm - 1.0) > 1e-4:
            f.bad(path, messages.check_vector_norm(norm))


# --- whole artifacts -------------------------------------------------------------------------------
def _expand(artifact: Artifact, folder: Path) -> list[tuple[str, list[str]]]:
    """Each required entry with the relative paths in `folder` that satisfy it (patterns may match several)."""
    entries = []
    for entry in artifact.files:
        if GLOB_CHARS & set(entry):
            found = sorted(p.relative_to(folder).as_posix() for p in folder.glob(entry) if p.is_file())
            entries.append((entry, found))
        else:
            entries.append((entry, [entry]))
    return entries


def check_artifact(artifact: Artifact, root: Path, deep: bool = False, *,
                   overrides: Mapping[str, str] | None = None) -> ArtifactStatus:
    """State of `artifact` under `root`; a base LLM where `overrides` (`base_models`) puts it."""
    source = base_source(artifact.name, root, overrides or {}) if artifact.kind == "base" else None
    if source is not None and source.origin == HUB:
        return ArtifactStatus(artifact, root, HUB_ID, (), (messages.check_hub_note(source.location),), 0, 0,
                              len(artifact.files), deep, source)
    folder = source.folder if source is not None and source.folder is not None else artifact.path(root)
    f = _Findings()
    found = 0
    size = 0
    for entry, rels in _expand(artifact, folder):
        if not rels:
            f.bad(folder / entry, messages.CHECK_NO_MATCH, MISSING)
            continue
        present = False
        for rel in rels:
            path = folder / rel
            _check_file(artifact, rel, path, deep, f)
            if path.is_file():
                present = True
                size += path.stat().st_size
        found += present
    if artifact.kind == "base":
        size += _check_shards(folder, f)
    if deep and not f.problems:
        _cross_checks(artifact, folder, f)
    if any(p.state == CORRUPT for p in f.problems):
        state = CORRUPT
    elif found == 0:
        state = MISSING
    elif f.problems:
        state = PARTIAL
    else:
        state = PRESENT
    return ArtifactStatus(artifact, root, state, tuple(f.problems), tuple(f.notes), size, found,
                          len(artifact.files), deep, source)


def _check_shards(folder: Path, f: _Findings) -> int:
    """A sharded base model's index must name shards that exist. Returns the index file's size."""
    index = folder / "model.safetensors.index.json"
    if not index.is_file():
        return 0
    try:
        weight_map = read_json(index).get("weight_map", {})
    except (BadFile, AttributeError, OSError) as exc:
        f.bad(index, messages.check_shard_index(exc))
        return 0
    for shard in sorted(set(weight_map.values())):
        if not (folder / shard).is_file():
            f.bad(folder / shard, messages.CHECK_SHARD_MISSING, MISSING)
    return index.stat().st_size


def _cross_checks(artifact: Artifact, folder: Path, f: _Findings) -> None:
    """Checks that need two files to agree (run only when every file passed on its own)."""
    try:
        if artifact.kind == "adapter":
            _adapter_agrees(folder, f)
        elif artifact.kind == "sbert":
            _sbert_agrees(folder, f)
        elif artifact.kind == "base":
            _base_agrees(folder, f)
    except (BadFile, OSError) as exc:
        f.bad(folder, str(exc))


def _adapter_agrees(folder: Path, f: _Findings) -> None:
    config = read_json(folder / "adapter_config.json")
    weights = folder / "adapter_model.safetensors"
    tensors = read_safetensors_header(weights).tensors
    lora = {k: v for k, v in tensors.items() if ".lora_A." in k or ".lora_B." in k}
    if not lora:
        f.bad(weights, messages.CHECK_NO_LORA)
        return
    r = config["r"]
    if not config.get("rank_pattern"):
        for key, (_, shape, _) in lora.items():
            if len(shape) != 2 or (shape[0] if ".lora_A." in key else shape[1]) != r:
                f.bad(weights, messages.check_lora_shape(key, list(shape), r))
                break
    targets = config["target_modules"]
    if isinstance(targets, list):
        modules = {k.split(".lora_")[0].rsplit(".", 1)[-1] for k in lora}
        stray = sorted(modules - set(targets))
        if stray:
            f.bad(weights, messages.check_lora_modules(stray, targets))


def _embedding_shape(tensors: Mapping[str, tuple[str, tuple[int, ...], tuple[int, int]]]) -> tuple[str, tuple[int, ...]] | None:
    for key, (_, shape, _) in tensors.items():
        if key.endswith(("word_embeddings.weight", "embed_tokens.weight", "embed_in.weight")):
            return key, shape
    return None


def _sbert_agrees(folder: Path, f: _Findings) -> None:
    hidden = read_json(folder / "config.json")["hidden_size"]
    dim = read_json(folder / "1_Pooling" / "config.json")["word_embedding_dimension"]
    if dim != hidden:
        f.bad(folder / "1_Pooling" / "config.json", messages.check_pooling_hidden(dim, hidden))
    weights = folder / "model.safetensors"
    found = _embedding_shape(read_safetensors_header(weights).tensors)
    if found is None:
        f.bad(weights, messages.CHECK_NO_WORD_EMBEDDING)
    elif len(found[1]) != 2 or found[1][1] != hidden:
        f.bad(weights, messages.check_embedding_shape(found[0], list(found[1]), hidden))


def _base_agrees(folder: Path, f: _Findings) -> None:
    hidden = read_json(folder / "config.json")["hidden_size"]
    for weights in sorted(folder.glob("*.safetensors")):
        found = _embedding_shape(read_safetensors_header(weights).tensors)
        if found is not None and (len(found[1]) != 2 or found[1][1] != hidden):
            f.bad(weights, messages.check_embedding_shape(found[0], list(found[1]), hidden))
