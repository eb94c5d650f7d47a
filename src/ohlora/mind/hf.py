"""The released LoRA models through transformers + peft (spec conversation §3.6–3.10, §6).

One `HFBackend` loads each base model once (Polyglot-Ko serves memory and expression, Kanana base
serves summary, Kanana instruct serves reply) and attaches the role adapters to it as named PEFT
adapters; each role's `HFGenerator` switches to its adapter under the base's lock, so roles that
share a base can be called from several threads.

Fixes and choices against the original (spec §12):

- The base model is loaded from where `models.bases.base_source` says (our registry folder
  `<models>/llm/base/<name>`, or the `base_models` override: a local folder or a Hugging Face id;
  readiness and `ohlora models status` follow the same rule) and the adapter is attached
  explicitly. The adapter's `adapter_config.json` keeps the author's Windows
  `base_model_name_or_path`; it is read, never rewritten (a name that does not look like the
  expected base is logged as a warning).
- `max_new_tokens` instead of `max_length` (bug 6); the output is sliced by token ids, never by
  characters (bug 5).
- Stop rules: the spec's token-id lists (§6.3) when the tokenizer is the released one (detected
  by tokenising each marker in context and finding exactly those ids), otherwise ids derived the
  same way from the tokenizer at hand; in both cases a string check on the decoded tail backs the
  ids up (a marker glued to other characters tokenises differently), plus EOS.
- Sampling follows `do_sample=True` with the request's temperature and the model's
  `generation_config` (top-k 50 when it sets none, the transformers 4.51 default the original ran
  with), but the draw itself is made by our last logits processor with a torch.Generator of its
  own: threads never share a random stream, and with `seed=` a request (prompt, trial,
  temperature) always gets the same sample, whatever else runs at the same time.
- Devices per role (`auto`, `cpu`, `cuda`, `cuda:N`, `mps`) and dtype (`auto` = bfloat16 on a
  GPU, float32 on CPU) are settings; the dtype is always passed explicitly, because
  transformers 5 would otherwise load the checkpoint's own (bf16) dtype.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import re
import secrets
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import torch
from peft import PeftModel
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    LogitsProcessor,
    LogitsProcessorList,
    StoppingCriteria,
    StoppingCriteriaList,
    TemperatureLogitsWarper,
    TopKLogitsWarper,
    TopPLogitsWarper,
)
from transformers.generation.streamers import BaseStreamer

from ohlora import messages
from ohlora.devices import resolve_device, resolve_dtype
from ohlora.errors import ConfigError, MissingModel
from ohlora.mind.base import ROLES, Generation, GenerationRequest
from ohlora.mind.length import TokenizerCounter
from ohlora.mind.prompt import EXPRESSION_END, REPLY_END, STOP_MARKERS, SUMMARY_END, role_prompt
from ohlora.models.bases import base_source
from ohlora.models.registry import LLM_ROLE_ARTIFACTS, artifact

log = logging.getLogger(__name__)

REQUIRED_ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors", "tokenizer.json", "tokenizer_config.json")
DEFAULT_TOP_K = 50  # transformers 4.51's sampling default, which the original ran with

# Spec §6.3: stop-id lists of the released tokenizers (Kanana's, then Polyglot-Ko's).
RELEASED_STOP_IDS: Mapping[str, tuple[tuple[int, ...], ...]] = MappingProxyType({
    REPLY_END: ((109659, 104449, 99458, 64356, 8, 220), (1477, 1078, 4833, 12)),
    SUMMARY_END: ((36811, 103168, 99458, 64356, 8, 220), (445, 779, 4833, 12)),
    EXPRESSION_END: ((320, 102260, 30381, 62226, 99458, 64356, 8, 220), (1585, 22520, 12571, 4833, 12)),
})
# Text that precedes a marker in real outputs: the marker's first token depends on it.
MARKER_CONTEXTS = ("가 ", "안녕! ", "좋아 😊 ", "[취미: 등산] ", "고개 돌림 없음) ")


# --- devices and dtypes -------------------------------------------------------------------------------
def _dtype(spec: str, device: torch.device) -> torch.dtype:
    """The language models' dtype: `auto` is half precision off the CPU (bfloat16 where the card has it)."""
    return resolve_dtype(spec, device, auto="half", cpu_float16=True)


# --- stop rules ---------------------------------------------------------------------------------------
def _encode_plain(tokenizer, text: str) -> list[int]:
    return list(tokenizer.encode(text, add_special_tokens=False))


def _contains_run(ids: list[int], run: tuple[int, ...]) -> bool:
    n = len(run)
    return any(tuple(ids[i : i + n]) == run for i in range(len(ids) - n + 1))


def released_stop_ids(tokenizer, marker: str) -> tuple[tuple[int, ...], ...]:
    """The spec's id lists for `marker` that this tokenizer produces in context (empty if none)."""
    found = []
    for ids in RELEASED_STOP_IDS.get(marker, ()):
        if max(ids) >= len(tokenizer):
            continue
        texts = [ctx + marker + end for ctx in MARKER_CONTEXTS for end in (" ", "")]
        if any(_contains_run(_encode_plain(tokenizer, text), ids) for text in texts):
            found.append(ids)
    return tuple(found)


def derived_stop_ids(tokenizer, marker: str) -> tuple[tuple[int, ...], ...]:
    """Ids of `marker` as this tokenizer writes it after typical text, minus the context-dependent head.

    For each context c: encode(c + marker) with encode(c)'s shared prefix removed; tokens up to
    and including the one carrying "(" are dropped (the parenthesis merges with what precedes it,
    as in the released Polyglot lists), unless nothing would be left.
    """
    lists: list[tuple[int, ...]] = []
    for ctx in MARKER_CONTEXTS:
        head = _encode_plain(tokenizer, ctx)
        full = _encode_plain(tokenizer, ctx + marker)
        k = 0
        while k < min(len(head), len(full)) and head[k] == full[k]:
            k += 1
        tail = full[k:]
        for i in range(len(tail)):
            if "(" in tokenizer.decode(tail[: i + 1]):
                if tail[i + 1 :]:
                    tail = tail[i + 1 :]
                break
        if tail and tuple(tail) not in lists:
            lists.append(tuple(tail))
    return tuple(lists)


@dataclass(frozen=True)
class StopRule:
    marker: str
    ids: tuple[tuple[int, ...], ...]  # any of these at the end of the generated ids stops generation
    released: bool  # True when `ids` are the spec's lists (the released tokenizer)

    @property
    def window(self) -> int:
        """How many trailing tokens the string check decodes (enough for the whole marker)."""
        longest = max((len(ids) for ids in self.ids), default=0)
        return max(longest, len(self.marker.encode("utf-8"))) + 2


def stop_rule(tokenizer, marker: str) -> StopRule:
    released = released_stop_ids(tokenizer, marker)
    if released:
        return StopRule(marker, released, True)
    return StopRule(marker, derived_stop_ids(tokenizer, marker), False)


class _MarkerStop(StoppingCriteria):
    """Stops row 0 when its generated ids end with a stop list or its decoded tail holds the marker."""

    def __init__(self, rule: StopRule, prompt_len: int, decode: Callable[[list[int]], str]):
        self._rule = rule
        self._prompt_len = prompt_len
        self._decode = decode
        self.hit = False

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor, **kwargs) -> torch.BoolTensor:
        generated = input_ids.shape[1] - self._prompt_len
        tail = input_ids[0, input_ids.shape[1] - min(generated, self._rule.window) :].tolist()
        done = any(len(tail) >= len(ids) and tuple(tail[-len(ids) :]) == ids for ids in self._rule.ids)
        if not done and tail:
            done = self._rule.marker in self._decode(tail)
        self.hit = self.hit or done
        return torch.full((input_ids.shape[0],), done, dtype=torch.bool, device=input_ids.device)


# --- sampling and streaming ----------------------------------------------------------------------------------
class _Sampler(LogitsProcessor):
    """Temperature, top-k and top-p, then one draw with a private generator; only the drawn token stays possible.

    Used with greedy decoding, this is sampling (`do_sample=True`) whose random stream belongs to
    one request.
    """

    def __init__(self, temperature: float, top_k: int | None, top_p: float | None, seed: int):
        self._warpers: list[LogitsProcessor] = [TemperatureLogitsWarper(temperature)]
        if top_k:
            self._warpers.append(TopKLogitsWarper(top_k=top_k))
        if top_p is not None and top_p < 1.0:
            self._warpers.append(TopPLogitsWarper(top_p=top_p))
        self._seed = seed
        self._generator: torch.Generator | None = None

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        for warper in self._warpers:
            scores = warper(input_ids, scores)
        if self._generator is None:
            self._generator = torch.Generator(device=scores.device).manual_seed(self._seed)
        probs = torch.softmax(scores.float(), dim=-1)
        choice = torch.multinomial(probs, num_samples=1, generator=self._generator)
        only = torch.full_like(scores, float("-inf"))
        return only.scatter_(1, choice, 0.0)


class _TextPieces(BaseStreamer):
    """Hands decoded text pieces to `on_text` as tokens arrive (the prompt is skipped)."""

    def __init__(self, decode: Callable[[list[int]], str], on_text: Callable[[str], None]):
        self._decode = decode
        self._on_text = on_text
        self._ids: list[int] = []
        self._sent = ""
        self._prompt_seen = False

    def put(self, value: torch.Tensor) -> None:
        if not self._prompt_seen:  # generate() first pushes the prompt
            self._prompt_seen = True
            return
        self._ids.extend(int(i) for i in value.reshape(-1).tolist())
        self._flush(final=False)

    def end(self) -> None:
        self._flush(final=True)

    def _flush(self, final: bool) -> None:
        text = self._decode(self._ids)
        if not final and text.endswith("\ufffd"):
            return  # a character split over byte tokens: wait for the rest of it
        if len(text) > len(self._sent) and text.startswith(self._sent):
            self._on_text(text[len(self._sent) :])
            self._sent = text


def request_seed(seed: int | None, request: GenerationRequest, prompt: str) -> int:
    """A 63-bit seed: fresh entropy without `seed`, else a hash of (seed, trial, temperature, prompt)."""
    if seed is None:
        return secrets.randbits(63)
    key = f"{seed}\x1f{request.trial}\x1f{request.temperature:.6f}\x1f{prompt}".encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "big") >> 1


# --- loading ------------------------------------------------------------------------------------------
@dataclass
class _BaseGroup:
    """One base model in memory with the adapters of the roles it serves."""

    base: str  # registry artifact name, e.g. "base-polyglot"
    source: str  # the folder or hub id it was loaded from
    device: torch.device
    dtype: torch.dtype
    model: PeftModel
    roles: tuple[str, ...]
    lock: threading.Lock


def _role_devices(device_map: Mapping[str, str] | str, roles: Iterable[str]) -> dict[str, torch.device]:
    if isinstance(device_map, str):
        return {role: resolve_device(device_map) for role in roles}
    unknown = set(device_map) - set(ROLES)
    if unknown:
        why = messages.LLM_DEVICE_ROLES.format(roles=", ".join(ROLES))
        raise ConfigError(messages.LLM_BAD_DEVICE.format(device=", ".join(sorted(unknown)), why=why))
    return {role: resolve_device(device_map.get(role, "auto")) for role in roles}


def _adapter_base_hint(adapter_dir: Path) -> str:
    """The last component of adapter_config.json's base_model_name_or_path (Windows or POSIX)."""
    config = json.loads((adapter_dir / "adapter_config.json").read_text(encoding="utf-8"))
    name = str(config.get("base_model_name_or_path") or "")
    return re.split(r"[\\/]", name.rstrip("\\/"))[-1]


def _check_adapter(role: str, name: str, folder: Path) -> None:
    for file in REQUIRED_ADAPTER_FILES:
        if not (folder / file).is_file():
            raise MissingModel(messages.LLM_MISSING_ADAPTER.format(role=role, path=folder / file, name=name))


def _base_source(base: str, roles: tuple[str, ...], root: Path, overrides: Mapping[str, str]) -> str:
    """The folder or hub id to load `base` from (the rule is `models.bases.base_source`)."""
    source = base_source(base, root, overrides)
    folder = source.folder
    if folder is not None and not (folder / "config.json").is_file():
        raise MissingModel(messages.LLM_MISSING_BASE.format(roles=", ".join(roles), path=folder, name=base))
    return source.location


class HFBackend:
    """Loads the base models once and serves one `HFGenerator` per role.

    `device_map` is one device for every role or a mapping role -> device (missing roles: auto);
    roles that share a base must share its device. `base_paths` maps a base artifact name
    ("base-polyglot", "base-kanana", "base-kanana-instruct") to a local folder or a hub id.
    `roles` limits what is loaded; `seed` makes sampling reproducible per request.
    """

    def __init__(
        self,
        models_root: Path | str,
        device_map: Mapping[str, str] | str = "auto",
        dtype: str = "auto",
        base_paths: Mapping[str, str] | None = None,
        *,
        roles: Iterable[str] = ROLES,
        seed: int | None = None,
    ):
        self.models_root = Path(models_root)
        roles = tuple(roles)
        unknown = [r for r in roles if r not in ROLES]
        if unknown or not roles:
            raise ConfigError(messages.llm_unknown_roles(unknown, ROLES))
        overrides = dict(base_paths or {})
        bad = set(overrides) - {base for _, base in LLM_ROLE_ARTIFACTS.values()}
        if bad:
            raise ConfigError(messages.llm_unknown_bases(sorted(bad)))
        self.seed = seed
        devices = _role_devices(device_map, roles)

        plan: dict[str, list[str]] = {}
        for role in roles:
            adapter_name, base = LLM_ROLE_ARTIFACTS[role]
            _check_adapter(role, adapter_name, artifact(adapter_name).path(self.models_root))
            plan.setdefault(base, []).append(role)
        for base, members in plan.items():
            used = {str(devices[r]) for r in members}
            if len(used) > 1:
                raise ConfigError(messages.LLM_SPLIT_GROUP.format(
                    roles=", ".join(members), base=base, devices=", ".join(f"{r}={devices[r]}" for r in members)
                ))
        sources = {base: _base_source(base, tuple(m), self.models_root, overrides) for base, m in plan.items()}

        groups: dict[str, _BaseGroup] = {}
        generators: dict[str, HFGenerator] = {}
        for base, members in plan.items():
            device = devices[members[0]]
            group = self._load_group(base, sources[base], tuple(members), device, _dtype(dtype, device))
            groups[base] = group
            for role in members:
                adapter_dir = artifact(LLM_ROLE_ARTIFACTS[role][0]).path(self.models_root)
                tokenizer = AutoTokenizer.from_pretrained(str(adapter_dir))
                generators[role] = HFGenerator(role, adapter_dir, group, tokenizer, self)
        self._groups = MappingProxyType(groups)
        self.generators: Mapping[str, HFGenerator] = MappingProxyType(generators)

    def _load_group(
        self, base: str, source: str, roles: tuple[str, ...], device: torch.device, dtype: torch.dtype
    ) -> _BaseGroup:
        expected = {Path(artifact(base).target).name, (artifact(base).hf_repo or "").split("/")[-1], Path(source).name}
        try:
            model = AutoModelForCausalLM.from_pretrained(source, dtype=dtype)
        except OSError as exc:  # a hub id that is not cached and cannot be fetched, a broken folder
            raise MissingModel(
                messages.LLM_MISSING_BASE.format(roles=", ".join(roles), path=f"{source} ({exc})", name=base)
            ) from exc
        model.to(device)
        peft_model: PeftModel | None = None
        for role in roles:
            name = LLM_ROLE_ARTIFACTS[role][0]
            adapter_dir = artifact(name).path(self.models_root)
            hint = _adapter_base_hint(adapter_dir)
            if hint and hint not in expected:
                log.warning("adapter %s was trained on %r; loading it on %s", adapter_dir.name, hint, source)
            try:
                if peft_model is None:
                    peft_model = PeftModel.from_pretrained(model, str(adapter_dir), adapter_name=role, is_trainable=False)
                else:
                    peft_model.load_adapter(str(adapter_dir), adapter_name=role, is_trainable=False)
            except (ValueError, KeyError, RuntimeError) as exc:
                raise ConfigError(messages.LLM_ADAPTER_MISFIT.format(role=role, base=source, detail=exc)) from exc
        assert peft_model is not None
        peft_model.to(device)
        peft_model.eval()
        return _BaseGroup(base, source, device, dtype, peft_model, roles, threading.Lock())

    # --- access ------------------------------------------------------------------------------------------
    def generator(self, role: str) -> HFGenerator:
        try:
            return self.generators[role]
        except KeyError:
            raise ConfigError(messages.llm_role_not_loaded(role, self.generators)) from None

    def model(self, role: str) -> PeftModel:
        return self.generator(role).group.model

    def tokenizer(self, role: str):
        return self.generator(role).tokenizer

    def parameter_bytes(self) -> int:
        """Bytes of all distinct parameter and buffer storage held by the loaded models."""
        seen: dict[int, int] = {}
        for group in self._groups.values():
            for tensor in [*group.model.parameters(), *group.model.buffers()]:
                storage = tensor.untyped_storage()
                seen[storage.data_ptr()] = storage.nbytes()
        return sum(seen.values())

    def describe(self) -> dict:
        """What runs where: one entry per base model (for status output and TurnResult.backend)."""
        return {
            group.base: {
                "source": group.source,
                "device": str(group.device),
                "dtype": str(group.dtype).removeprefix("torch."),
                "roles": {role: self.generators[role].name for role in group.roles},
                "released_stop_ids": {role: self.generators[role].rule.released for role in group.roles},
            }
            for group in self._groups.values()
        }


class HFGenerator:
    """`Generator` for one role: its adapter on the shared base, its tokenizer, its stop rule."""

    def __init__(self, role: str, adapter_dir: Path, group: _BaseGroup, tokenizer, backend: HFBackend):
        self.role = role
        self.adapter_dir = adapter_dir
        self.name = f"hf:{role}:{adapter_dir.name}"
        self.group = group
        self.tokenizer = tokenizer
        self._backend = backend
        self.rule = stop_rule(tokenizer, STOP_MARKERS[role])
        eos = {tokenizer.eos_token_id}
        config_eos = group.model.get_base_model().generation_config.eos_token_id
        eos.update(config_eos if isinstance(config_eos, list) else [config_eos])
        self.eos_ids = tuple(sorted(i for i in eos if i is not None))
        pad = tokenizer.pad_token_id
        self.pad_id = pad if pad is not None else (self.eos_ids[0] if self.eos_ids else None)

    def _decode(self, ids: list[int]) -> str:
        return self.tokenizer.decode(ids, skip_special_tokens=True)

    def _rule(self, marker: str) -> StopRule:
        return self.rule if marker == self.rule.marker else stop_rule(self.tokenizer, marker)

    def _generation_config(self, max_new_tokens: int):
        config = copy.deepcopy(self.group.model.get_base_model().generation_config)
        for name in ("temperature", "top_k", "top_p", "min_p", "typical_p", "max_length"):
            setattr(config, name, None)  # sampling is done by _Sampler; max_new_tokens bounds length
        config.do_sample = False
        config.num_beams = 1
        config.max_new_tokens = max_new_tokens
        config.pad_token_id = self.pad_id
        config.eos_token_id = list(self.eos_ids) or None
        return config

    def generate(self, request: GenerationRequest, on_text: Callable[[str], None] | None = None) -> Generation:
        prompt = role_prompt(request.role, request.input)
        group = self.group
        base_config = group.model.get_base_model().generation_config
        processors = LogitsProcessorList()
        if request.temperature > 0:
            top_k = base_config.top_k if base_config.top_k is not None else DEFAULT_TOP_K
            seed = request_seed(self._backend.seed, request, prompt)
            processors.append(_Sampler(request.temperature, top_k, base_config.top_p, seed))
        streamer = _TextPieces(self._decode, on_text) if on_text is not None else None
        config = self._generation_config(request.max_new_tokens)
        # The lock covers the tokenizer too: a fast tokenizer must not be used by two threads at once.
        with group.lock:
            rule = self._rule(STOP_MARKERS[request.role])
            encoded = self.tokenizer(prompt, return_tensors="pt")
            input_ids = encoded["input_ids"].to(group.device)
            attention = encoded["attention_mask"].to(group.device)
            prompt_len = int(input_ids.shape[1])
            stop = _MarkerStop(rule, prompt_len, self._decode)
            if group.model.active_adapter != self.role:
                group.model.set_adapter(self.role, inference_mode=True)
            with torch.inference_mode():
                output = group.model.generate(
                    input_ids=input_ids,
                    attention_mask=attention,
                    generation_config=config,
                    logits_processor=processors,
                    stopping_criteria=StoppingCriteriaList([stop]),
                    streamer=streamer,
                )
            new_ids = output[0, prompt_len:].tolist()
            text = self._decode(new_ids)
        stopped = stop.hit or (bool(new_ids) and new_ids[-1] in self.eos_ids)
        return Generation(text=text, new_tokens=len(new_ids), stopped=stopped)


def tokenizer_counter(backend: HFBackend) -> TokenizerCounter:
    """Counts prompt tokens with the reply model's tokenizer, as the original's length limit does (BOS included).

    The counter gets a tokenizer instance of its own (loaded from the same adapter folder), so
    counting never waits for, or races with, a reply being generated.
    """
    generator = backend.generator("reply")
    tokenizer = AutoTokenizer.from_pretrained(str(generator.adapter_dir))
    return TokenizerCounter(lambda text: list(tokenizer.encode(text)), name=f"tokenizer:{generator.name}")
