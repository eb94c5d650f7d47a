"""`ohlora models status | pull | verify` on tiny, format-true artifacts in a temporary models root."""

from __future__ import annotations

import json
import math
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Sequence
from fnmatch import fnmatch
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from ohlora.config import Settings
from ohlora.errors import ConfigError
from ohlora.models.bases import FOLDER, HUB, MODELS_DIR, base_source, parse_base_models
from ohlora.models.check import (
    CORRUPT,
    HUB_ID,
    MISSING,
    PARTIAL,
    PRESENT,
    VECTORFIND_CASES,
    VECTORFIND_FACE_GROUPS,
    VECTORFIND_GROUP_HEADERS,
    VECTORFIND_Z_COLUMNS,
    check_artifact,
    expected_generator_shapes,
    expected_segmentation_shapes,
)
from ohlora.models.commands import models_app
from ohlora.models.pull import STAGING, PullError, http_probe, probe_all, pull
from ohlora.models.readiness import full_path_ready
from ohlora.models.registry import ARTIFACTS, BY_NAME, GITHUB_COMMIT, GITHUB_REPO, V7_GROUPS, V8_GROUPS

R = 4  # LoRA rank of the fixture adapters
HIDDEN = 8
VOCAB = 12


# --- format-true writers ---------------------------------------------------------------------------
def safetensors_bytes(tensors: dict[str, tuple[int, ...]], dtype: str = "F32") -> bytes:
    header, offset = {}, 0
    for name, shape in tensors.items():
        n = math.prod(shape) * 4
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + n]}
        offset += n
    header["__metadata__"] = {"format": "pt"}
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    return len(raw).to_bytes(8, "little") + raw + bytes(offset)


def write(path: Path, data: str | bytes | dict | list) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def torch_zip(path: Path) -> Path:
    """A zip archive like torch.save writes (enough for the presence/zip checks)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", b"\x80\x02}q\x00.")
    return path


def adapter_files(r: int = R, targets: Sequence[str] = ("q_proj", "v_proj")) -> dict[str, bytes | str | dict]:
    tensors = {}
    for layer in range(2):
        for mod in targets:
            p = f"base_model.model.model.layers.{layer}.self_attn.{mod}"
            tensors[f"{p}.lora_A.weight"] = (r, 16)
            tensors[f"{p}.lora_B.weight"] = (16, r)
    return {
        "adapter_config.json": {"peft_type": "LORA", "r": r, "lora_alpha": 16, "target_modules": list(targets),
                                "base_model_name_or_path": "C:\\Users\\author\\kanana"},
        "adapter_model.safetensors": safetensors_bytes(tensors),
        "special_tokens_map.json": {"eos_token": "<|end_of_text|>"},
        "tokenizer.json": {"version": "1.0", "model": {"type": "BPE"}},
        "tokenizer_config.json": {"model_max_length": 2048},
    }


def make_adapter(folder: Path, **kw) -> None:
    for rel, data in adapter_files(**kw).items():
        write(folder / rel, data)
    torch_zip(folder / "training_args.bin")


def make_sbert(folder: Path, pooling: str = "Pooling") -> None:
    write(folder / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": f"sentence_transformers.models.{pooling}"},
    ])
    write(folder / "1_Pooling/config.json", {"word_embedding_dimension": HIDDEN, "pooling_mode_mean_tokens": True})
    write(folder / "config.json", {"model_type": "roberta", "hidden_size": HIDDEN, "vocab_size": VOCAB})
    write(folder / "config_sentence_transformers.json", {"similarity_fn_name": "cosine"})
    write(folder / "sentence_bert_config.json", {"max_seq_length": 64, "do_lower_case": True})
    write(folder / "model.safetensors", safetensors_bytes({
        "embeddings.word_embeddings.weight": (VOCAB, HIDDEN),
        "encoder.layer.0.attention.self.query.weight": (HIDDEN, HIDDEN),
    }))
    for rel in ("special_tokens_map.json", "tokenizer_config.json"):
        write(folder / rel, {})
    write(folder / "tokenizer.json", {"version": "1.0"})
    write(folder / "vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\n오로라\n")


def make_base(folder: Path, model_type: str, shards: int = 1) -> None:
    write(folder / "config.json", {"model_type": model_type, "hidden_size": HIDDEN})
    write(folder / "tokenizer.json", {"version": "1.0"})
    write(folder / "tokenizer_config.json", {})
    embed = "model.embed_tokens.weight" if model_type == "llama" else "gpt_neox.embed_in.weight"
    if shards == 1:
        write(folder / "model.safetensors", safetensors_bytes({embed: (VOCAB, HIDDEN)}))
        return
    names = [f"model-{i:05d}-of-{shards:05d}.safetensors" for i in range(1, shards + 1)]
    weight_map = {embed: names[0]}
    write(folder / names[0], safetensors_bytes({embed: (VOCAB, HIDDEN)}))
    for i, name in enumerate(names[1:], start=1):
        weight_map[f"layers.{i}.weight"] = name
        write(folder / name, safetensors_bytes({f"layers.{i}.weight": (HIDDEN, HIDDEN)}))
    write(folder / "model.safetensors.index.json", {"metadata": {}, "weight_map": weight_map})


def vectorfind_files(version: str) -> dict[str, str]:
    cases, groups = VECTORFIND_CASES[version], VECTORFIND_FACE_GROUPS[version]
    cols = VECTORFIND_Z_COLUMNS[version]
    z = [",".join(str(i) for i in range(cols))]
    z += [",".join(f"{((r * 7 + c) % 19 - 9) / 10:.4f}" for c in range(cols)) for r in range(len(cases))]
    header = ",".join(VECTORFIND_GROUP_HEADERS[version])
    if version == "v7":
        rows = [f"{c},0,{g},-0.9205,-0.9101,-0.9243" for c, g in zip(cases, groups)]
    else:
        rows = [f"{c},0,O,{g},-0.9284,-0.9006,-0.9126,2.7416" for c, g in zip(cases, groups)]
    # v8's z file has no trailing newline in the release; v7's has one. Both must parse.
    end = "\n" if version == "v7" else ""
    files = {"ohlora_z_vectors.csv": "\n".join(z) + end, "ohlora_w_group_names.csv": "\n".join([header, *rows]) + "\n"}
    value = f"{1 / math.sqrt(512):.9g}"
    vector = ",".join(["", *map(str, range(512))]) + "\n" + ",".join(["0"] + [value] * 512) + "\n"
    for prop in ("eyes", "mouth", "pose"):
        for g in V7_GROUPS if version == "v7" else V8_GROUPS:
            files[f"property_score_vectors/{prop}_change_w_vector_{g}.csv"] = vector
    return files


def make_vectorfind(folder: Path, version: str) -> None:
    for rel, text in vectorfind_files(version).items():
        write(folder / rel, text)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "models"


def art_path(root: Path, name: str) -> Path:
    return BY_NAME[name].path(root)


def settings_for(root: Path, base_models: str = "") -> Settings:
    return Settings(home=root.parent, models_dir=root, base_models=base_models)


def invoke(root: Path, *args: str, base_models: str = ""):
    obj = SimpleNamespace(settings=settings_for(root, base_models))
    return CliRunner().invoke(models_app, list(args), obj=obj, env={"COLUMNS": "250"})


def status_lines(output: str) -> dict[str, list[str]]:
    """`models status` output: artifact name -> its line and the indented lines under it."""
    found: dict[str, list[str]] = {}
    current = None
    for line in output.splitlines():
        parts = line.split()
        if len(parts) > 1 and parts[1] in BY_NAME and not line.startswith(" "):
            current = parts[1]
            found[current] = [line]
        elif current and line.startswith("    "):
            found[current].append(line)
        else:
            current = None
    return found


# --- status: present / missing / partial --------------------------------------------------------------
def test_empty_root_reports_every_artifact_missing(root: Path) -> None:
    for art in ARTIFACTS:
        status = check_artifact(art, root)
        assert status.state == MISSING
        assert status.bytes_on_disk == 0
        [line] = status.lines()
        assert str(art.path(root)) in line and f"ohlora models pull --only {art.name}" in line


def test_status_present_then_partial_names_the_missing_file(root: Path) -> None:
    folder = art_path(root, "llm-reply")
    make_adapter(folder)
    status = check_artifact(BY_NAME["llm-reply"], root)
    assert status.state == PRESENT and status.files_found == status.files_expected == 6
    assert status.bytes_on_disk == sum(p.stat().st_size for p in folder.iterdir())

    (folder / "tokenizer.json").unlink()
    status = check_artifact(BY_NAME["llm-reply"], root)
    assert status.state == PARTIAL
    [problem] = status.problems
    assert problem.path == folder / "tokenizer.json" and problem.state == MISSING
    assert status.lines() == [f"llm-reply: {folder / 'tokenizer.json'}: missing → ohlora models pull --only llm-reply"]


def test_status_command_lists_every_artifact_with_its_state(root: Path) -> None:
    make_adapter(art_path(root, "llm-memory"))
    make_sbert(art_path(root, "sbert-ethics"))
    (art_path(root, "sbert-ethics") / "vocab.txt").unlink()
    result = invoke(root, "status")
    assert result.exit_code == 0, result.output
    lines = status_lines(result.output)
    assert list(lines) == [a.name for a in ARTIFACTS]
    [memory] = lines["llm-memory"]  # present in its usual place: no path line
    assert memory.startswith("✓ llm-memory ") and " present " in memory and memory.rstrip().endswith("memory")
    ethics = lines["sbert-ethics"]
    assert ethics[0].startswith("✗ sbert-ethics ") and " partial " in ethics[0] and " of ~445 MB " in ethics[0]
    assert ethics[1] == "    llm/models/ethics_sbert/trained_sbert_model"
    assert " missing " in lines["stylegan-v7"][0] and "~105 MB" in lines["stylegan-v7"][0]


def test_base_model_needs_a_safetensors_file_and_every_indexed_shard(root: Path) -> None:
    folder = art_path(root, "base-kanana")
    make_base(folder, "llama", shards=2)
    assert check_artifact(BY_NAME["base-kanana"], root, deep=True).state == PRESENT
    (folder / "model-00002-of-00002.safetensors").unlink()
    status = check_artifact(BY_NAME["base-kanana"], root)
    assert status.state == PARTIAL
    assert [p.path.name for p in status.problems] == ["model-00002-of-00002.safetensors"]
    (folder / "model-00001-of-00002.safetensors").unlink()
    (folder / "model.safetensors.index.json").unlink()
    status = check_artifact(BY_NAME["base-kanana"], root)
    assert status.state == PARTIAL and status.problems[0].path == folder / "*.safetensors"


def test_empty_and_unparsable_json_are_corrupt_even_when_shallow(root: Path) -> None:
    folder = art_path(root, "sbert-memory")
    make_sbert(folder)
    write(folder / "modules.json", "[{\"idx\": 0,")
    (folder / "vocab.txt").write_bytes(b"")
    status = check_artifact(BY_NAME["sbert-memory"], root)
    assert status.state == CORRUPT
    whats = {p.path.name: p.what for p in status.problems}
    assert "not valid JSON" in whats["modules.json"] and "empty file" in whats["vocab.txt"]


# --- verify: deep checks -----------------------------------------------------------------------------
def test_verify_passes_on_good_fixtures(root: Path) -> None:
    make_adapter(art_path(root, "llm-reply"))
    make_sbert(art_path(root, "sbert-memory"))
    make_base(art_path(root, "base-polyglot"), "gpt_neox")
    make_vectorfind(art_path(root, "vectorfind-v7"), "v7")
    make_vectorfind(art_path(root, "vectorfind-v8"), "v8")
    for name in ("llm-reply", "sbert-memory", "base-polyglot", "vectorfind-v7", "vectorfind-v8"):
        status = check_artifact(BY_NAME[name], root, deep=True)
        assert status.state == PRESENT, (name, status.problems)
    result = invoke(root, "verify", "--only", "llm-reply", "--only", "vectorfind-v8", "--only", "base-polyglot")
    assert result.exit_code == 0, result.output


def test_truncated_safetensors_is_corrupt_and_verify_names_the_fix(root: Path) -> None:
    folder = art_path(root, "llm-summary")
    make_adapter(folder)
    weights = folder / "adapter_model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-10])
    for deep in (False, True):
        status = check_artifact(BY_NAME["llm-summary"], root, deep=deep)
        assert status.state == CORRUPT
        assert status.problems[0].path == weights and "truncated" in status.problems[0].what
    result = invoke(root, "verify", "--only", "llm-summary")
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if "adapter_model.safetensors" in x)
    assert "truncated" in line and line.rstrip().endswith("ohlora models pull --only llm-summary")


def test_safetensors_with_inconsistent_offsets_fails_deep_only(root: Path) -> None:
    folder = art_path(root, "llm-reply")
    make_adapter(folder)
    raw = safetensors_bytes({"x.lora_A.weight": (R, 16), "x.lora_B.weight": (16, R)}, dtype="BF16")
    write(folder / "adapter_model.safetensors", raw)  # BF16 needs half the bytes the offsets give
    assert check_artifact(BY_NAME["llm-reply"], root).state == PRESENT
    status = check_artifact(BY_NAME["llm-reply"], root, deep=True)
    assert status.state == CORRUPT and "needs 128 bytes" in status.problems[0].what


@pytest.mark.parametrize(("change", "expected"), [
    ({"peft_type": "IA3"}, "peft_type is 'IA3'"),
    ({"r": 0}, "LoRA rank r is 0"),
    ({"r": 8}, "does not match r=8"),
    ({"target_modules": ["q_proj"]}, "not in target_modules"),
])
def test_adapter_config_problems(root: Path, change: dict, expected: str) -> None:
    folder = art_path(root, "llm-expression")
    make_adapter(folder)
    config = json.loads((folder / "adapter_config.json").read_text()) | change
    write(folder / "adapter_config.json", config)
    status = check_artifact(BY_NAME["llm-expression"], root, deep=True)
    assert status.state == CORRUPT
    assert any(expected in p.what for p in status.problems), status.problems


def test_adapter_base_model_path_is_ignored(root: Path) -> None:
    folder = art_path(root, "llm-reply")
    make_adapter(folder)
    config = json.loads((folder / "adapter_config.json").read_text()) | {"base_model_name_or_path": None}
    write(folder / "adapter_config.json", config)
    assert check_artifact(BY_NAME["llm-reply"], root, deep=True).state == PRESENT


def test_sbert_needs_transformer_and_pooling_and_matching_dims(root: Path) -> None:
    folder = art_path(root, "sbert-ethics")
    make_sbert(folder, pooling="Normalize")
    status = check_artifact(BY_NAME["sbert-ethics"], root, deep=True)
    assert status.state == CORRUPT and "lists no Pooling module" in status.problems[0].what
    make_sbert(folder)
    write(folder / "1_Pooling/config.json", {"word_embedding_dimension": HIDDEN * 2})
    status = check_artifact(BY_NAME["sbert-ethics"], root, deep=True)
    assert status.state == CORRUPT and "pooling dimension 16 != hidden_size 8" in status.problems[0].what


def test_base_model_type_is_checked(root: Path) -> None:
    make_base(art_path(root, "base-kanana-instruct"), "gpt_neox")
    status = check_artifact(BY_NAME["base-kanana-instruct"], root, deep=True)
    assert status.state == CORRUPT
    assert "model_type is 'gpt_neox', expected 'llama'" in status.problems[0].what


def _edit_lines(path: Path, edit) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(edit(lines)) + "\n", encoding="utf-8")


def test_vectorfind_csv_with_a_missing_row_fails_verify(root: Path) -> None:
    folder = art_path(root, "vectorfind-v7")
    make_vectorfind(folder, "v7")
    _edit_lines(folder / "ohlora_z_vectors.csv", lambda lines: lines[:-1])
    assert check_artifact(BY_NAME["vectorfind-v7"], root).state == PRESENT  # shallow: sizes only
    status = check_artifact(BY_NAME["vectorfind-v7"], root, deep=True)
    assert status.state == CORRUPT
    assert [(p.path.name, p.what) for p in status.problems] == [("ohlora_z_vectors.csv", "26 data rows, expected 27")]
    result = invoke(root, "verify", "--only", "vectorfind-v7")
    assert result.exit_code == 1 and "ohlora models pull --only vectorfind-v7" in result.output


@pytest.mark.parametrize(("rel", "edit", "expected"), [
    ("ohlora_w_group_names.csv", lambda ls: [ls[0], ls[1].replace("83,", "84,", 1), *ls[2:]], "expected case 83"),
    ("ohlora_w_group_names.csv", lambda ls: ls[:-1], "18 data rows, expected 19"),
    ("ohlora_z_vectors.csv", lambda ls: [ls[0], ls[1] + ",0.1", *ls[2:]], "520 columns, expected 519"),
    ("property_score_vectors/pose_change_w_vector_hlhl.csv", lambda ls: [ls[0], ls[1].replace(",0.0", ",0.5", 3)],
     "vector norm"),
    ("property_score_vectors/eyes_change_w_vector_llll.csv", lambda ls: [ls[0][1:], ls[1]], "header must be"),
])
def test_vectorfind_v8_layout_problems(root: Path, rel: str, edit, expected: str) -> None:
    folder = art_path(root, "vectorfind-v8")
    make_vectorfind(folder, "v8")
    _edit_lines(folder / rel, edit)
    status = check_artifact(BY_NAME["vectorfind-v8"], root, deep=True)
    assert status.state == CORRUPT
    assert any(p.path == folder / rel and expected in p.what for p in status.problems), status.problems


# --- state-dict expectations (face spec §1.9, §3.2) ---------------------------------------------------
def _is_generator_buffer(key: str) -> bool:
    return key in ("truncation.w_avg", "synthesis.lod") or key.endswith((".apply_noise.noise", ".blur.kernel"))


@pytest.mark.parametrize(("version", "params"), [("v7", 26_094_469), ("v8", 26_094_533)])
def test_generator_expectation_matches_the_spec_counts(version: str, params: int) -> None:
    shapes = expected_generator_shapes(version)
    assert len(shapes) == 123
    assert sum(math.prod(s) for k, s in shapes.items() if not _is_generator_buffer(k)) == params
    assert sum(math.prod(s) for k, s in shapes.items() if _is_generator_buffer(k)) == 193_121
    assert list(shapes)[:2] == ["mapping.label_weight", "mapping.dense0.weight"]
    assert shapes["synthesis.output4.weight"] == (3, 256, 1, 1)


def test_segmentation_expectation_matches_the_spec_counts() -> None:
    shapes = expected_segmentation_shapes()
    buffers = {k for k in shapes if k.endswith(("running_mean", "running_var", "num_batches_tracked"))}
    assert len(shapes) == 418
    assert sum(k.startswith("encoder.") for k in shapes) == 358
    assert sum(k.endswith("num_batches_tracked") for k in shapes) == 59
    assert sum(math.prod(s) for k, s in shapes.items() if k not in buffers) == 4_308_220
    assert sum(math.prod(shapes[k]) for k in buffers) == 43_099


def test_segmentation_encoder_keys_match_monai() -> None:
    pytest.importorskip("torch")
    nets = pytest.importorskip("monai.networks.nets")
    encoder = nets.EfficientNetBNFeatures(model_name="efficientnet-b0", pretrained=False)
    actual = {f"encoder.{k}": tuple(v.shape) for k, v in encoder.state_dict().items() if not k.startswith("_fc.")}
    expected = {k: v for k, v in expected_segmentation_shapes().items() if k.startswith("encoder.")}
    assert list(actual.items()) == list(expected.items())


def save_state_dict(path: Path, shapes: dict[str, tuple[int, ...]]) -> Path:
    """A real torch.save state dict with the right shapes and (expanded, stride-0) tiny storage."""
    torch = pytest.importorskip("torch")
    state = {k: torch.zeros(1).expand(s) if s else torch.zeros(()) for k, s in shapes.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(state, path)
    return path


@pytest.mark.parametrize("version", ["v7", "v8"])
def test_generator_state_dict_verifies(root: Path, version: str) -> None:
    save_state_dict(art_path(root, f"stylegan-{version}") / f"stylegan_gen_vector_find_{version}.pth",
                    expected_generator_shapes(version))
    status = check_artifact(BY_NAME[f"stylegan-{version}"], root, deep=True)
    assert status.state == PRESENT and not status.notes, status.problems


def test_generator_wrong_key_wrong_shape_and_wrong_version_are_caught(root: Path) -> None:
    folder = art_path(root, "stylegan-v7")
    target = folder / "stylegan_gen_vector_find_v7.pth"
    shapes = expected_generator_shapes("v7")
    shapes["synthesis.layer3.styles.weight"] = shapes.pop("synthesis.layer3.style.weight")
    shapes["synthesis.layer9.weight"] = (256, 512, 3, 3)
    save_state_dict(target, shapes)
    whats = [p.what for p in check_artifact(BY_NAME["stylegan-v7"], root, deep=True).problems]
    assert "1 missing key(s): synthesis.layer3.style.weight" in whats
    assert "1 unexpected key(s): synthesis.layer3.styles.weight" in whats
    assert "wrong shape for synthesis.layer9.weight: [256, 512, 3, 3] (expected [256, 256, 3, 3])" in whats

    save_state_dict(target, expected_generator_shapes("v8"))
    status = check_artifact(BY_NAME["stylegan-v7"], root, deep=True)
    assert status.state == CORRUPT
    assert "holds the v8 generator (mapping.label_weight [7, 16]), not v7" in status.problems[0].what
    result = invoke(root, "verify", "--only", "stylegan-v7")
    assert result.exit_code == 1 and "ohlora models pull --only stylegan-v7" in result.output


def test_segmentation_state_dict_verifies_and_catches_a_missing_key(root: Path) -> None:
    target = art_path(root, "hair-segmentation") / "segmentation_model_ohlora_v4.pth"
    shapes = expected_segmentation_shapes()
    save_state_dict(target, shapes)
    assert check_artifact(BY_NAME["hair-segmentation"], root, deep=True).state == PRESENT
    del shapes["ghost2.cheap_operation.2.running_var"]
    save_state_dict(target, shapes)
    status = check_artifact(BY_NAME["hair-segmentation"], root, deep=True)
    assert status.problems[0].what == "1 missing key(s): ghost2.cheap_operation.2.running_var"


def test_truncated_pth_is_corrupt_without_torch(root: Path) -> None:
    target = torch_zip(art_path(root, "hair-segmentation") / "segmentation_model_ohlora_v4.pth")
    target.write_bytes(target.read_bytes()[:-30])
    status = check_artifact(BY_NAME["hair-segmentation"], root)
    assert status.state == CORRUPT and "truncated" in status.problems[0].what


def test_pth_shapes_are_noted_as_unchecked_without_torch(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError
    torch_zip(art_path(root, "stylegan-v8") / "stylegan_gen_vector_find_v8.pth")
    status = check_artifact(BY_NAME["stylegan-v8"], root, deep=True)
    assert status.state == PRESENT
    assert status.notes and "not checked: torch missing" in status.notes[0]


# --- full_path_ready ---------------------------------------------------------------------------------
def test_full_path_ready_by_group(root: Path) -> None:
    settings = settings_for(root)
    ready, reasons = full_path_ready(settings, "embedding")
    assert not ready and len(reasons) == 2
    assert all("ohlora models pull --only sbert-" in r for r in reasons)
    make_sbert(art_path(root, "sbert-memory"))
    make_sbert(art_path(root, "sbert-ethics"))
    assert full_path_ready(settings, "embedding") == (True, ())

    make_adapter(art_path(root, "llm-reply"))
    ready, reasons = full_path_ready(settings, "llm:reply")
    assert not ready and reasons == (
        f"base-kanana-instruct: missing: nothing at {art_path(root, 'base-kanana-instruct')} → "
        "ohlora models pull --only base-kanana-instruct",)
    make_base(art_path(root, "base-kanana-instruct"), "llama")
    assert full_path_ready(settings, "llm:reply")[0]
    assert not full_path_ready(settings, "llm")[0]
    assert not full_path_ready(settings, "face-v8")[0]
    with pytest.raises(ValueError, match="unknown artifact group"):
        full_path_ready(settings, "face-v9")


# --- base_models: bases from a local folder or a hub id ----------------------------------------------------
HUB_KANANA = "kakaocorp/kanana-1.5-2.1b-base"


def test_base_source_rule(root: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "bases" / "kanana"
    elsewhere.mkdir(parents=True)
    assert base_source("base-kanana", root, {}) == base_source("base-kanana", root, {"base-polyglot": "a/b"})
    assert base_source("base-kanana", root, {}).origin == MODELS_DIR
    assert base_source("base-kanana", root, {}).folder == art_path(root, "base-kanana")
    assert base_source("base-kanana", root, {"base-kanana": str(elsewhere)}).folder == elsewhere
    assert base_source("base-kanana", root, {"base-kanana": HUB_KANANA}).origin == HUB
    assert base_source("base-kanana", root, {"base-kanana": HUB_KANANA}).folder is None
    for path_like in (str(tmp_path / "nowhere"), "./kanana", "~/kanana", "models/llm/kanana", "C:\\models\\kanana"):
        assert base_source("base-kanana", root, {"base-kanana": path_like}).origin == FOLDER, path_like
    assert parse_base_models(f" base-kanana = {HUB_KANANA} , base-polyglot=/x ,") == {
        "base-kanana": HUB_KANANA, "base-polyglot": "/x"}
    for bad in ("llm-reply=/x", "base-kanana", "base-kanana=", "kanana=a/b"):
        with pytest.raises(ConfigError, match="base_models"):
            parse_base_models(bad)


def test_readiness_status_and_verify_follow_a_local_folder_override(root: Path, tmp_path: Path) -> None:
    folder = tmp_path / "my bases" / "kanana-instruct"
    make_adapter(art_path(root, "llm-reply"))
    setting = f"base-kanana-instruct={folder}"
    settings = settings_for(root, setting)
    ready, reasons = full_path_ready(settings, "llm:reply")
    assert not ready and str(folder) in reasons[0] and "base_models" in reasons[0]
    assert "ohlora models pull --only base-kanana-instruct" in reasons[0]  # the other way out

    make_base(folder, "llama")  # nothing under <models>/llm/base
    assert full_path_ready(settings, "llm:reply") == (True, ())
    assert not full_path_ready(settings_for(root), "llm:reply")[0]  # without the override: missing
    status = check_artifact(BY_NAME["base-kanana-instruct"], root, overrides=parse_base_models(setting))
    assert status.state == PRESENT and status.path == folder and status.bytes_on_disk > 0

    lines = status_lines(invoke(root, "status", base_models=setting).output)["base-kanana-instruct"]
    assert " present " in lines[0] and lines[1] == f"    {folder} (base_models)"
    result = invoke(root, "verify", "--only", "base-kanana-instruct", "--only", "llm-reply", base_models=setting)
    assert result.exit_code == 0, result.output
    assert f"{folder} (base_models)" in result.output

    make_base(folder, "gpt_neox")  # a Polyglot where a Kanana belongs: verify reads the override folder
    result = invoke(root, "verify", "--only", "base-kanana-instruct", base_models=setting)
    assert result.exit_code == 1
    line = next(x for x in result.output.splitlines() if "model_type" in x)
    assert str(folder / "config.json") in line and "base_models" in line


def test_readiness_status_and_verify_accept_a_hub_id_as_resolved_at_load_time(root: Path) -> None:
    setting = f"base-kanana={HUB_KANANA}"
    make_adapter(art_path(root, "llm-summary"))
    assert full_path_ready(settings_for(root, setting), "llm:summary") == (True, ())
    status = check_artifact(BY_NAME["base-kanana"], root, deep=True, overrides=parse_base_models(setting))
    assert status.state == HUB_ID and status.ok and status.location == HUB_KANANA and not status.lines()

    result = invoke(root, "status", base_models=setting)
    lines = status_lines(result.output)["base-kanana"]
    assert lines[0].startswith("~ base-kanana ") and " hub " in lines[0] and "resolved at load time" in lines[0]
    assert lines[1] == f"    {HUB_KANANA} (base_models)"

    result = invoke(root, "verify", "--only", "base-kanana", "--only", "llm-summary", base_models=setting)
    assert result.exit_code == 0, result.output  # cannot be verified offline, and that is not a failure
    assert "not verifiable offline" in result.output and HUB_KANANA in result.output

    data = json.loads(invoke(root, "status", "--json", base_models=setting).output)
    by_name = {a["name"]: a for a in data["artifacts"]}
    assert data["root"] == str(root) and list(by_name) == [a.name for a in ARTIFACTS]
    assert by_name["base-kanana"] | {"notes": []} == {
        "name": "base-kanana", "kind": "base", "roles": ["summary"], "state": "hub", "ok": True, "origin": "hub",
        "location": HUB_KANANA, "bytes_on_disk": 0, "bytes_expected": 4_650_000_000, "problems": [], "notes": []}
    assert by_name["llm-summary"]["state"] == "present" and by_name["llm-summary"]["origin"] == MODELS_DIR
    assert by_name["base-polyglot"]["problems"] == [
        f"base-polyglot: missing: nothing at {art_path(root, 'base-polyglot')} → ohlora models pull --only base-polyglot"]


def test_bad_base_models_setting_is_a_clear_error(root: Path) -> None:
    for command in (["status"], ["verify"], ["pull"]):
        result = invoke(root, *command, base_models="base-kanan=/x")
        assert result.exit_code == 2 and "base_models" in result.output and "Traceback" not in result.output


def test_pull_leaves_out_bases_that_base_models_takes_from_elsewhere(root: Path, monkeypatch) -> None:
    pulled: list[list[str]] = []
    monkeypatch.setattr("ohlora.models.pull.pull", lambda artifacts, *a, **k: pulled.append([x.name for x in artifacts]) or [])
    result = invoke(root, "pull", base_models=f"base-kanana={HUB_KANANA}")
    assert result.exit_code == 0, result.output
    assert "base-kanana" not in pulled[0] and "base-polyglot" in pulled[0] and len(pulled[0]) == len(ARTIFACTS) - 1
    assert f"base-kanana: not pulled, base_models takes it from {HUB_KANANA}" in result.output
    invoke(root, "pull", "--only", "base-kanana", base_models=f"base-kanana={HUB_KANANA}")
    assert pulled[1] == ["base-kanana"]  # named: pulled into the models folder as asked


def test_status_fits_80_columns_through_the_cli(tmp_path: Path) -> None:
    from rich.cells import cell_len

    from ohlora.cli import app

    root = tmp_path / ("a-long-folder-name-" * 4) / "models"  # the title and the override path must fold
    make_adapter(art_path(root, "llm-reply"))
    make_sbert(art_path(root, "sbert-memory"))
    (art_path(root, "sbert-memory") / "vocab.txt").unlink()
    folder = tmp_path / ("another-long-folder-" * 4) / "polyglot"
    make_base(folder, "gpt_neox")
    env = {"COLUMNS": "80", "OHLORA_BASE_MODELS": f"base-polyglot={folder},base-kanana={HUB_KANANA}"}
    result = CliRunner().invoke(app, ["--home", str(tmp_path / "home"), "--models-dir", str(root), "models", "status"],
                                env=env)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(cell_len(line) <= 80 for line in lines), [line for line in lines if cell_len(line) > 80]
    found = status_lines(result.output)
    assert list(found) == [a.name for a in ARTIFACTS]
    assert [len(found[name]) for name in ("llm-reply", "sbert-memory", "base-kanana")] == [1, 2, 2]
    assert " present " in found["base-polyglot"][0] and " hub " in found["base-kanana"][0]
    assert "".join(x.strip() for x in found["base-polyglot"][1:]) == f"{folder}(base_models)".replace(" ", "")


# --- pull ---------------------------------------------------------------------------------------------
def _no_download(*_args) -> None:
    raise AssertionError("pull must not try to download without network")


def test_pull_without_network_fails_fast_with_advice(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    env = {"HF_ENDPOINT": "http://127.0.0.1:9"}
    start = time.monotonic()
    with pytest.raises(PullError) as info:
        pull(ARTIFACTS, root, env=env, github_base="http://127.0.0.1:9", hf_download=_no_download,
             fetch=_no_download)
    elapsed = time.monotonic() - start
    assert elapsed < 10.0  # part of the spec: no network -> a clear failure within 10 s
    message = str(info.value)
    assert "http://127.0.0.1:9" in message and "--models-dir" in message and str(root) in message
    assert not any(root.rglob("*.json"))


@pytest.fixture
def local_server(monkeypatch: pytest.MonkeyPatch):
    """A local HTTP server: /ok -> 200, /private -> 401, anything else -> 404 (like an intercepting proxy)."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")

    class Handler(BaseHTTPRequestHandler):
        def do_HEAD(self) -> None:
            self.send_response({"/ok": 200, "/private": 401}.get(self.path, 404))
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_probe_accepts_real_answers_only(local_server: str) -> None:
    assert http_probe(f"{local_server}/ok", 2.0) is None
    assert http_probe(f"{local_server}/private", 2.0) is None  # exists; authentication is the hub's business
    assert http_probe(f"{local_server}/api/models/x", 2.0) == "answered HTTP 404"
    assert http_probe("http://127.0.0.1:9/", 2.0) is not None


def test_probe_all_gives_up_on_a_hanging_host() -> None:
    def hang(url: str, timeout: float) -> None:
        time.sleep(30)

    start = time.monotonic()
    failed = probe_all(["https://a.test/x", "https://b.test/y"], hang, 0.2)
    assert time.monotonic() - start < 5.0
    assert failed == {"https://a.test/x": "no answer within 0.2 s", "https://b.test/y": "no answer within 0.2 s"}


def test_pull_honours_hf_hub_offline(root: Path) -> None:
    def probe(url: str, timeout: float) -> None:
        raise AssertionError("offline mode must not probe")

    with pytest.raises(PullError, match="HF_HUB_OFFLINE"):
        pull([BY_NAME["llm-reply"]], root, env={"HF_HUB_OFFLINE": "1"}, probe=probe, hf_download=_no_download)


def test_pull_command_without_network_exits_non_zero(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    start = time.monotonic()
    result = invoke(root, "pull", "--only", "llm-reply")
    assert time.monotonic() - start < 10.0
    assert result.exit_code != 0
    assert "--models-dir" in result.output and "127.0.0.1:9" in result.output


def test_pull_rejects_unknown_names(root: Path) -> None:
    result = invoke(root, "pull", "--only", "llm-nope")
    assert result.exit_code == 2 and "llm-nope" in result.output
    result = invoke(root, "pull", "--revision", "llm-reply")
    assert result.exit_code == 2 and "NAME=REV" in result.output


class FakeHub:
    """Serves `files` (repo path -> content) for the allow_patterns, like snapshot_download(local_dir=...)."""

    def __init__(self, files: dict[str, bytes | str | dict], *, fail_after: int | None = None,
                 before: Callable[[], None] | None = None):
        self.files = files
        self.calls: list[tuple[str, str | None, tuple[str, ...], str | None]] = []
        self.fail_after = fail_after
        self.before = before

    def __call__(self, repo: str, revision: str | None, patterns: Sequence[str], dest: Path,
                 endpoint: str | None) -> None:
        self.calls.append((repo, revision, tuple(patterns), endpoint))
        if self.before is not None:
            self.before()
        wanted = [path for path in sorted(self.files) if any(fnmatch(path, p) for p in patterns)]
        for i, path in enumerate(wanted):
            if self.fail_after is not None and i >= self.fail_after:
                write(dest / ".cache" / (path + ".incomplete"), b"partial")
                raise ConnectionError("connection reset by peer")
            write(dest / path, self.files[path])


def _probe_ok(url: str, timeout: float) -> None:
    return None


def _adapter_source(prefix: str) -> dict[str, bytes | str | dict]:
    return {f"{prefix}{k}": v for k, v in adapter_files().items()}


def _with_training_args(files: dict, prefix: str, tmp: Path) -> dict:
    files[f"{prefix}training_args.bin"] = torch_zip(tmp / "training_args.bin").read_bytes()
    return files


def test_pull_downloads_into_staging_then_moves_into_place(root: Path, tmp_path: Path) -> None:
    source = _with_training_args(_adapter_source("memory/"), "memory/", tmp_path)
    source |= {"eyes_mouth_pose/adapter_config.json": {"peft_type": "LORA"}, "README.md": "# card"}
    folder = art_path(root, "llm-memory")

    def target_untouched() -> None:
        assert not folder.exists()  # downloads land in the staging folder only

    hub = FakeHub(source, before=target_untouched)
    [result] = pull([BY_NAME["llm-memory"]], root, revisions={"llm-memory": "abc123"}, env={},
                    hf_download=hub, probe=_probe_ok)
    assert result.ok and len(result.installed) == 6 and result.kept == ()
    [(repo, revision, patterns, endpoint)] = hub.calls
    assert (repo, revision, endpoint) == ("daebakgazua/250526_OhLoRA_LLM_polyglot", "abc123", "https://huggingface.co")
    assert all(p.startswith("memory/") for p in patterns) and len(patterns) == 6
    assert sorted(p.name for p in folder.iterdir()) == sorted(BY_NAME["llm-memory"].files)
    assert check_artifact(BY_NAME["llm-memory"], root, deep=True).state == PRESENT
    assert not (root / STAGING).exists()

    [again] = pull([BY_NAME["llm-memory"]], root, env={}, hf_download=_no_download, probe=_probe_ok)
    assert again.ok and again.installed == () and len(again.kept) == 6


def test_pull_fetches_only_missing_or_bad_files(root: Path, tmp_path: Path) -> None:
    folder = art_path(root, "llm-reply")
    make_adapter(folder)
    (folder / "tokenizer.json").unlink()
    weights = folder / "adapter_model.safetensors"
    weights.write_bytes(weights.read_bytes()[:20])
    good_config = (folder / "adapter_config.json").stat().st_mtime_ns
    hub = FakeHub(_with_training_args(_adapter_source(""), "", tmp_path))
    [result] = pull([BY_NAME["llm-reply"]], root, env={"HF_ENDPOINT": "https://mirror.example/"},
                    hf_download=hub, probe=_probe_ok)
    assert result.ok, result.problems
    [(_, revision, patterns, endpoint)] = hub.calls
    assert sorted(patterns) == ["adapter_model.safetensors", "tokenizer.json"]
    assert revision is None and endpoint == "https://mirror.example"
    assert sorted(result.installed) == ["adapter_model.safetensors", "tokenizer.json"]
    assert (folder / "adapter_config.json").stat().st_mtime_ns == good_config
    assert check_artifact(BY_NAME["llm-reply"], root, deep=True).state == PRESENT


def test_a_bad_download_is_never_put_in_place(root: Path, tmp_path: Path) -> None:
    source = _with_training_args(_adapter_source(""), "", tmp_path)
    source["adapter_model.safetensors"] = source["adapter_model.safetensors"][:-7]  # truncated upstream
    [result] = pull([BY_NAME["llm-reply"]], root, env={}, hf_download=FakeHub(source), probe=_probe_ok)
    folder = art_path(root, "llm-reply")
    assert not result.ok and result.state == PARTIAL
    assert any("adapter_model.safetensors is not usable" in p and "truncated" in p for p in result.problems)
    assert not (folder / "adapter_model.safetensors").exists()
    assert (folder / "adapter_config.json").is_file()


def test_an_interrupted_download_leaves_the_target_untouched(root: Path, tmp_path: Path) -> None:
    folder = art_path(root, "llm-reply")
    make_adapter(folder)
    old = folder / "adapter_model.safetensors"
    old.write_bytes(old.read_bytes()[:-1])  # corrupt: will be re-downloaded
    before = old.read_bytes()
    source = _with_training_args(_adapter_source(""), "", tmp_path)
    [result] = pull([BY_NAME["llm-reply"]], root, env={}, hf_download=FakeHub(source, fail_after=0),
                    probe=_probe_ok)
    assert not result.ok and "download failed: ConnectionError" in result.problems[0]
    assert old.read_bytes() == before  # the old file stays as it was, no partial file in its place
    assert not list(folder.glob("*.incomplete"))
    assert (root / STAGING / "llm-reply").is_dir()  # kept so the next pull resumes


def test_pull_base_model_pattern_brings_shards_and_index(root: Path, tmp_path: Path) -> None:
    make_base(tmp_path / "src", "gpt_neox", shards=2)
    source = {p.name: p.read_bytes() for p in (tmp_path / "src").iterdir()}
    source["pytorch_model.bin"] = b"not wanted"
    hub = FakeHub(source)
    [result] = pull([BY_NAME["base-polyglot"]], root, env={}, hf_download=hub, probe=_probe_ok)
    assert result.ok, result.problems
    folder = art_path(root, "base-polyglot")
    assert (folder / "model.safetensors.index.json").is_file() and not (folder / "pytorch_model.bin").exists()
    assert "*.safetensors" in hub.calls[0][2]
    assert check_artifact(BY_NAME["base-polyglot"], root, deep=True).state == PRESENT


def test_pull_vectorfind_from_github_at_the_pinned_commit(root: Path) -> None:
    art = BY_NAME["vectorfind-v7"]
    files = vectorfind_files("v7")
    urls: list[str] = []
    base = "https://raw.test"

    def fetch(url: str, dest: Path, timeout: float) -> None:
        urls.append(url)
        prefix = f"{base}/{GITHUB_REPO}/{GITHUB_COMMIT}/{art.github_path}/"
        assert url.startswith(prefix) and timeout > 0
        write(dest, files[url[len(prefix):]])

    [result] = pull([art], root, env={}, github_base=base + "/", fetch=fetch, probe=_probe_ok,
                    hf_download=_no_download)
    assert result.ok and len(urls) == len(art.files) == 26
    assert check_artifact(art, root, deep=True).state == PRESENT
