"""The artifact registry (spec conversation §6, face §6): source, target path, files, size, users.

Target paths follow the original project's folder layout, relative to a models root, so that
`--models-dir` can point at an existing checkout of the original `2025_06_24_OhLoRA_v4` folder.
Base LLMs live under `llm/base/<name>` (the original left their place to the user).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

GITHUB_REPO = "WannaBeSuperteur/AI_Projects"
GITHUB_COMMIT = "2cb8d2f68011974bf94fe65b15a26a73d467b44c"
GITHUB_FOLDER = "2025_06_24_OhLoRA_v4"

ADAPTER_FILES = (
    "adapter_config.json",
    "adapter_model.safetensors",
    "special_tokens_map.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "training_args.bin",
)
SBERT_FILES = (
    "1_Pooling/config.json",
    "config.json",
    "config_sentence_transformers.json",
    "model.safetensors",
    "modules.json",
    "sentence_bert_config.json",
    "special_tokens_map.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "vocab.txt",
)
BASE_FILES = ("config.json", "tokenizer.json", "tokenizer_config.json", "*.safetensors")

V7_GROUPS = ("hhh", "hhl", "hlh", "hll", "lhh", "lhl", "llh", "lll")
V8_GROUPS = tuple(a + b + c + d for a in "hl" for b in "hl" for c in "hl" for d in "hl")


def _vectorfind_files(version: str, groups: tuple[str, ...]) -> tuple[str, ...]:
    files = ["ohlora_z_vectors.csv", "ohlora_w_group_names.csv"]
    for prop in ("eyes", "mouth", "pose"):
        files += [f"property_score_vectors/{prop}_change_w_vector_{g}.csv" for g in groups]
    return tuple(files)


@dataclass(frozen=True)
class Artifact:
    name: str  # short id used by `ohlora models pull --only NAME`
    kind: str  # adapter | sbert | base | stylegan | segmentation | vectorfind
    target: str  # folder (or file's folder) relative to the models root
    files: tuple[str, ...]  # relative to `target`; '*' patterns allowed for base models
    roles: tuple[str, ...]  # what uses it
    size_mb: float  # expected total size (approximate)
    hf_repo: str | None = None
    hf_subfolder: str = ""  # folder inside the HF repo that maps onto `target`
    github_path: str | None = None  # folder inside the GitHub repo (at GITHUB_COMMIT)
    base: str | None = None  # for adapters: the name of the base artifact
    note: str = ""
    optional_files: tuple[str, ...] = field(default=())

    def path(self, root: Path) -> Path:
        return root / self.target

    @property
    def source(self) -> str:
        if self.hf_repo:
            return f"huggingface:{self.hf_repo}" + (f"/{self.hf_subfolder}" if self.hf_subfolder else "")
        return f"github:{GITHUB_REPO}@{GITHUB_COMMIT[:7]}/{self.github_path}"


ARTIFACTS: tuple[Artifact, ...] = (
    # --- base LLMs ----------------------------------------------------------------------------------
    Artifact("base-kanana-instruct", "base", "llm/base/kanana-1.5-2.1b-instruct-2505", BASE_FILES,
             ("reply",), 4650.0, hf_repo="kakaocorp/kanana-1.5-2.1b-instruct-2505"),
    Artifact("base-kanana", "base", "llm/base/kanana-1.5-2.1b-base", BASE_FILES,
             ("summary",), 4650.0, hf_repo="kakaocorp/kanana-1.5-2.1b-base"),
    Artifact("base-polyglot", "base", "llm/base/polyglot-ko-1.3b", BASE_FILES,
             ("memory", "expression"), 2870.0, hf_repo="EleutherAI/polyglot-ko-1.3b"),
    # --- LoRA adapters ------------------------------------------------------------------------------------
    Artifact("llm-reply", "adapter", "llm/models/kananai_output_message_fine_tuned", ADAPTER_FILES,
             ("reply",), 55.0, hf_repo="daebakgazua/250624_OhLoRA_LLM_output_message",
             base="base-kanana-instruct"),
    Artifact("llm-memory", "adapter", "llm/models/polyglot_memory_fine_tuned", ADAPTER_FILES,
             ("memory",), 30.0, hf_repo="daebakgazua/250526_OhLoRA_LLM_polyglot", hf_subfolder="memory",
             base="base-polyglot"),
    Artifact("llm-summary", "adapter", "llm/models/kanana_summary_fine_tuned", ADAPTER_FILES,
             ("summary",), 220.0, hf_repo="daebakgazua/250526_OhLoRA_LLM_kanana", hf_subfolder="summary",
             base="base-kanana"),
    Artifact("llm-expression", "adapter", "llm/models/polyglot_eyes_mouth_pose_fine_tuned", ADAPTER_FILES,
             ("expression",), 30.0, hf_repo="daebakgazua/250526_OhLoRA_LLM_polyglot",
             hf_subfolder="eyes_mouth_pose", base="base-polyglot"),
    # --- S-BERT -------------------------------------------------------------------------------------------
    Artifact("sbert-memory", "sbert", "llm/models/memory_sbert/trained_sbert_model", SBERT_FILES,
             ("memory retrieval",), 445.0, hf_repo="daebakgazua/250526_OhLoRA_LLM_SBERT",
             hf_subfolder="memory_sbert/trained_sbert_model"),
    Artifact("sbert-ethics", "sbert", "llm/models/ethics_sbert/trained_sbert_model", SBERT_FILES,
             ("ethics",), 445.0, hf_repo="daebakgazua/250624_OhLoRA_LLM_SBERT_Ethics"),
    # --- face ---------------------------------------------------------------------------------------------
    Artifact("stylegan-v7", "stylegan", "stylegan/models", ("stylegan_gen_vector_find_v7.pth",),
             ("face v7",), 105.2, hf_repo="daebakgazua/250526_OhLoRA_StyleGAN_VectorFind"),
    Artifact("stylegan-v8", "stylegan", "stylegan/models", ("stylegan_gen_vector_find_v8.pth",),
             ("face v8",), 105.2, hf_repo="daebakgazua/250526_OhLoRA_StyleGAN_VectorFind"),
    Artifact("hair-segmentation", "segmentation", "segmentation/models", ("segmentation_model_ohlora_v4.pth",),
             ("hair mask",), 17.4, hf_repo="daebakgazua/250624_OhLoRA_Hair_Segmentation"),
    Artifact("vectorfind-v7", "vectorfind", "stylegan/stylegan_vectorfind_v7", _vectorfind_files("v7", V7_GROUPS),
             ("face v7",), 0.30, github_path=f"{GITHUB_FOLDER}/stylegan/stylegan_vectorfind_v7"),
    Artifact("vectorfind-v8", "vectorfind", "stylegan/stylegan_vectorfind_v8", _vectorfind_files("v8", V8_GROUPS),
             ("face v8",), 0.47, github_path=f"{GITHUB_FOLDER}/stylegan/stylegan_vectorfind_v8"),
)

BY_NAME = MappingProxyType({a.name: a for a in ARTIFACTS})

# Which artifacts each role group needs for the full path.
LLM_ROLE_ARTIFACTS = MappingProxyType({
    "reply": ("llm-reply", "base-kanana-instruct"),
    "memory": ("llm-memory", "base-polyglot"),
    "summary": ("llm-summary", "base-kanana"),
    "expression": ("llm-expression", "base-polyglot"),
})
EMBEDDING_ARTIFACTS = ("sbert-memory", "sbert-ethics")
FACE_ARTIFACTS = MappingProxyType({
    "v7": ("stylegan-v7", "vectorfind-v7", "hair-segmentation"),
    "v8": ("stylegan-v8", "vectorfind-v8", "hair-segmentation"),
})


def artifact(name: str) -> Artifact:
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown artifact {name!r}; known: {', '.join(BY_NAME)}") from None
