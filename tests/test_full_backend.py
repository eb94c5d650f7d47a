"""The full path (transformers + peft LLMs, sentence-transformers S-BERTs) on tiny self-made models.

The models are built once per session by `tiny_models.build_tiny_models` in the released file
formats; their adapters were briefly fine-tuned on `ROLE_SCRIPTS`, so each role answers its
script prompts in the real format and everything goes through `ohlora.mind.completion`.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from datetime import datetime
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("peft")
pytest.importorskip("sentence_transformers")

import numpy as np  # noqa: E402
from safetensors.torch import load_file  # noqa: E402

from ohlora.errors import ConfigError, MissingModel  # noqa: E402
from ohlora.ethics.base import CATEGORY_ANCHORS, SBERT_THRESHOLDS, Category  # noqa: E402
from ohlora.mind import completion  # noqa: E402
from ohlora.mind.base import GenerationRequest, RoleInput  # noqa: E402
from ohlora.mind.hf import (  # noqa: E402
    RELEASED_STOP_IDS,
    HFBackend,
    StopRule,
    _dtype,
    _MarkerStop,
    derived_stop_ids,
    stop_rule,
    tokenizer_counter,
)
from ohlora.mind.prompt import EXPRESSION_END, FALLBACK_REPLY, REPLY_END, SUMMARY_END, role_prompt  # noqa: E402
from ohlora.models.registry import ADAPTER_FILES, SBERT_FILES, artifact  # noqa: E402
from tiny_models import ROLE_SCRIPTS, build_tiny_models  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:.*is_gradient_checkpointing.*:FutureWarning")  # peft on transformers 5

WEDNESDAY = datetime(2025, 6, 25, 14, 0, 0)
SEED = 1234


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Tiny models run fastest on one thread (and suffer least on a busy CPU); restored after this module."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("models")
    info = build_tiny_models(root)
    info["config_digests"] = {role: _digest(p / "adapter_config.json") for role, p in info["adapters"].items()}
    return info


@pytest.fixture(scope="session")
def backend(tiny):
    return HFBackend(tiny["root"], device_map="cpu", seed=SEED)


# The role inputs whose prompts are the lines in ROLE_SCRIPTS: (the user's words, her answer).
SCRIPT_INPUTS = {
    "reply": (("로라야 안녕", None), ("로라야 주소 알려 줘", None)),
    "memory": (("나 떡볶이 진짜 좋아해", None), ("내일 세 시에 만나", None)),
    "summary": (("로라야 주말에 뭐 해?", " 친구랑 영화 볼 거야!"), ("응", " 응!")),
    "expression": (("", " 우와 합격 축하해!!"), ("", " 미안 오늘은 좀 바빠")),
}


def ri(text: str, answer: str | None = None) -> RoleInput:
    return RoleInput(user="u", text=text, now=WEDNESDAY, answer=answer)


def _request(role: str, index: int = 0, *, temperature: float = 0.6, max_new_tokens: int = 40, trial: int = 0):
    return GenerationRequest(role, ri(*SCRIPT_INPUTS[role][index]), temperature, max_new_tokens, trial)


def test_script_inputs_build_the_prompts_the_tiny_adapters_learnt():
    for role, lines in ROLE_SCRIPTS.items():
        for index, (prompt, _) in enumerate(lines):
            assert role_prompt(role, _request(role, index).input) == prompt


class Counting:
    """Wraps a generator and records each generation (what the retry loops saw)."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.seen = []

    def generate(self, request, on_text=None):
        result = self.inner.generate(request, on_text)
        self.seen.append(result)
        return result


# --- the files ------------------------------------------------------------------------------------------
def test_tiny_models_use_the_released_file_layout(tiny):
    for role, folder in tiny["adapters"].items():
        assert sorted(p.name for p in folder.iterdir()) == sorted(ADAPTER_FILES), role
        config = json.loads((folder / "adapter_config.json").read_text(encoding="utf-8"))
        assert config["base_model_name_or_path"].startswith("C:\\Users\\")
        assert config["r"] == (16 if role == "reply" else 64)
        assert config["lora_alpha"] == 16 and config["lora_dropout"] == 0.05
        expected = {"query_key_value"} if role in ("memory", "expression") else {
            "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}
        assert set(config["target_modules"]) == expected
        weights = load_file(folder / "adapter_model.safetensors")
        lora_b = [w for name, w in weights.items() if "lora_B" in name]
        assert lora_b and all(float(w.abs().max()) > 0 for w in lora_b)
    for name in ("sbert-memory", "sbert-ethics"):
        folder = artifact(name).path(tiny["root"])
        for file in (*SBERT_FILES, "eval/similarity_evaluation_valid_evaluator_results.csv"):
            assert (folder / file).is_file(), (name, file)
    for name, folder in tiny["bases"].items():
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        assert config.get("dtype", config.get("torch_dtype")) == "bfloat16", name


def test_adapter_config_windows_path_is_ignored_and_never_rewritten(tiny, backend):
    for group in backend.describe().values():
        assert group["source"].startswith(str(tiny["root"]))
    for role, folder in tiny["adapters"].items():
        assert _digest(folder / "adapter_config.json") == tiny["config_digests"][role]
        config = json.loads((folder / "adapter_config.json").read_text(encoding="utf-8"))
        assert config["base_model_name_or_path"] == tiny["windows_paths"][role]


# --- loading: shared bases, devices, dtypes -------------------------------------------------------------
def test_polyglot_adapters_share_one_base_model(tiny, backend):
    memory, expression = backend.model("memory"), backend.model("expression")
    assert memory is expression
    assert backend.model("reply") is not backend.model("summary")  # Kanana instruct and base differ
    base = memory.get_base_model()
    embed = base.get_input_embeddings().weight
    qkv = base.gpt_neox.layers[0].attention.query_key_value
    assert set(qkv.lora_A) == {"memory", "expression"}  # both adapters hang on the same base layer
    assert embed.dtype == torch.float32  # saved in bf16, loaded in the requested (default CPU) dtype

    def base_pointers():
        return {n: p.data_ptr() for n, p in memory.named_parameters() if "lora_" not in n}

    before = base_pointers()
    backend.generator("expression").generate(_request("expression"))
    backend.generator("memory").generate(_request("memory"))
    assert base_pointers() == before  # switching adapters never copies the base weights

    both = HFBackend(tiny["root"], "cpu", roles=("memory", "expression"))
    only_memory = HFBackend(tiny["root"], "cpu", roles=("memory",))
    only_expression = HFBackend(tiny["root"], "cpu", roles=("expression",))
    expression_adapter = sum(
        p.numel() * p.element_size() for n, p in both.model("expression").named_parameters() if ".expression." in n
    )
    assert expression_adapter > 0
    # one base copy: adding the second role costs exactly its adapter, not another base
    assert both.parameter_bytes() - only_memory.parameter_bytes() == expression_adapter
    separate = only_memory.parameter_bytes() + only_expression.parameter_bytes()
    base_bytes = sum(p.numel() * p.element_size() for n, p in both.model("memory").named_parameters() if "lora_" not in n)
    assert separate - both.parameter_bytes() >= base_bytes


def test_bfloat16_on_cpu_when_asked(tiny):
    b = HFBackend(tiny["root"], "cpu", dtype="bfloat16", roles=("memory",), seed=SEED)
    assert b.model("memory").get_base_model().get_input_embeddings().weight.dtype == torch.bfloat16
    assert b.describe()["base-polyglot"]["dtype"] == "bfloat16"
    result = b.generator("memory").generate(_request("memory"))
    assert 0 < result.new_tokens <= 40 and isinstance(result.text, str)


def test_device_and_dtype_settings():
    from ohlora.devices import resolve_device, resolve_dtype

    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device("AUTO").type in ("cpu", "cuda", "mps")
    for bad in ("tpu", "cuda:x", "gpu0"):
        with pytest.raises(ConfigError):
            resolve_device(bad)
    if not torch.cuda.is_available():
        with pytest.raises(ConfigError):
            resolve_device("cuda:1")
    cpu = torch.device("cpu")
    assert resolve_dtype("auto", cpu) == torch.float32
    assert resolve_dtype("bf16", cpu) == torch.bfloat16
    assert _dtype("auto", cpu) == torch.float32 and _dtype("fp16", cpu) == torch.float16  # the LLMs allow it
    with pytest.raises(ConfigError):
        resolve_dtype("int8", cpu)


def test_roles_sharing_a_base_must_share_a_device(tiny, monkeypatch):
    fake = {"cpu": torch.device("cpu"), "cuda:0": torch.device("cuda", 0), "cuda:1": torch.device("cuda", 1)}
    monkeypatch.setattr("ohlora.mind.hf.resolve_device", lambda spec: fake[spec])
    with pytest.raises(ConfigError, match="memory, expression"):
        HFBackend(tiny["root"], {"memory": "cuda:0", "expression": "cuda:1", "reply": "cpu", "summary": "cpu"})
    with pytest.raises(ConfigError):
        HFBackend(tiny["root"], {"memory": "cpu", "answer": "cpu"})  # not a role


def test_missing_files_and_base_overrides(tiny, tmp_path):
    with pytest.raises(MissingModel, match="adapter_config.json"):
        HFBackend(tmp_path, "cpu", roles=("memory",))
    with pytest.raises(MissingModel, match="base-polyglot"):
        HFBackend(tiny["root"], "cpu", base_paths={"base-polyglot": str(tmp_path / "nowhere")}, roles=("memory",))
    with pytest.raises(ConfigError):
        HFBackend(tiny["root"], "cpu", base_paths={"polyglot": "x/y"}, roles=("memory",))
    with pytest.raises(ConfigError, match="memory"):  # a Llama base has no query_key_value for the adapter
        HFBackend(tiny["root"], "cpu", base_paths={"base-polyglot": str(tiny["bases"]["base-kanana"])}, roles=("memory",))
    moved = tiny["bases"]["base-polyglot"]
    b = HFBackend(tiny["root"], "cpu", base_paths={"base-polyglot": str(moved)}, roles=("memory",), seed=SEED)
    assert b.describe()["base-polyglot"]["source"] == str(moved)


# --- generation -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["reply", "memory", "summary", "expression"])
def test_each_role_continues_its_prompt_sliced_by_token_ids(backend, role):
    generator = backend.generator(role)
    assert generator.name.startswith(f"hf:{role}:")
    prompt, expected = ROLE_SCRIPTS[role][0]
    result = generator.generate(_request(role))
    assert result.text == expected  # the continuation only: no prompt, no BOS, no EOS text
    assert result.stopped
    ids = generator.tokenizer.encode(expected, add_special_tokens=False)
    assert result.new_tokens == len(ids)  # stopped right at the marker, before EOS


def test_reply_through_completion(backend):
    generator = Counting(backend.generator("reply"))
    outcome = completion.generate_reply(generator, ri("로라야 안녕"), max_new_tokens=40)
    assert (outcome.text, outcome.fallback, outcome.trials) == (" 안녕! 오늘도 반가워 😊 ", False, 1)
    assert completion.display_reply(outcome.text) == "안녕! 오늘도 반가워 😊"


def test_reply_nonsense_falls_back_to_read_and_ignore(backend):
    generator = Counting(backend.generator("reply"))
    outcome = completion.generate_reply(generator, ri("로라야 주소 알려 줘"), max_new_tokens=40)
    assert outcome.text == FALLBACK_REPLY and outcome.fallback
    assert outcome.rejections == ("http",) * completion.REPLY_TRIALS
    assert len(generator.seen) == completion.REPLY_TRIALS


def test_max_new_tokens_is_respected_and_truncation_rejected(backend):
    result = backend.generator("reply").generate(_request("reply", max_new_tokens=3))
    assert result.new_tokens == 3 and not result.stopped
    outcome = completion.generate_reply(backend.generator("reply"), ri("로라야 안녕"), max_new_tokens=3)
    assert outcome.fallback and set(outcome.rejections) == {"truncated"}


def test_memory_accepts_and_rejects(backend):
    assert completion.extract_memory(backend.generator("memory"), ri("나 떡볶이 진짜 좋아해")) == ["[좋아하는 음식: 떡볶이]"]
    generator = Counting(backend.generator("memory"))
    assert completion.extract_memory(generator, ri("내일 세 시에 만나")) is None  # "[약속 시간: 3:00]": two colons
    assert len(generator.seen) == completion.MEMORY_TRIALS


def test_summary_accepts_and_rejects(backend):
    summary = completion.summarize(backend.generator("summary"), ri("로라야 주말에 뭐 해?"), " 친구랑 영화 볼 거야!")
    assert summary == "주말에 친구와 영화 예정"
    generator = Counting(backend.generator("summary"))
    assert completion.summarize(generator, ri("응"), " 응!") == ""  # "응" is shorter than 2 characters
    assert len(generator.seen) == completion.SUMMARY_TRIALS


def test_expression_parses_labels_and_defaults_on_nonsense(backend):
    assert completion.choose_expression(backend.generator("expression"), ri("x"), " 우와 합격 축하해!!") == ("아주 크게", "아주 크게", "없음")
    assert completion.choose_expression(backend.generator("expression"), ri("x"), " 미안 오늘은 좀 바빠") == ("작게", "보통", "많이")
    nonsense = Counting(backend.generator("reply"))  # the reply adapter knows no expression format
    assert completion.choose_expression(nonsense, ri("x"), "로라야 안녕") == completion.DEFAULT_EXPRESSION
    assert len(nonsense.seen) == completion.EXPRESSION_TRIALS


def test_switching_adapters_changes_output_for_the_same_prompt_and_seed(backend):
    memory, expression = backend.generator("memory"), backend.generator("expression")
    request = _request("memory", 0)
    first = memory.generate(request)
    other = expression.generate(request)
    again = memory.generate(request)
    assert other.text != first.text
    assert again == first  # same request + seed: same sample, and no adapter left switched on


def test_random_adapters_talk_nonsense_and_every_role_falls_back(tmp_path):
    info = build_tiny_models(tmp_path, train_steps=0)  # random LoRA B weights, no fine-tuning
    b = HFBackend(tmp_path, "cpu", seed=SEED)
    request = _request("memory", 0)
    assert b.generator("memory").generate(request).text != b.generator("expression").generate(request).text
    assert info["losses"]["reply"] != info["losses"]["reply"]  # nan: untrained
    outcome = completion.generate_reply(b.generator("reply"), ri("로라야 안녕"), max_new_tokens=24)
    assert outcome.text == FALLBACK_REPLY and len(outcome.rejections) == completion.REPLY_TRIALS
    assert completion.extract_memory(b.generator("memory"), ri("나 떡볶이 진짜 좋아해")) is None
    assert completion.summarize(b.generator("summary"), ri("로라야 주말에 뭐 해?"), " 영화 볼 거야!") == ""
    assert completion.choose_expression(b.generator("expression"), ri("x"), " 우와!") == completion.DEFAULT_EXPRESSION


def with_rule(generator, rule: StopRule):
    """A copy of the generator that stops by `rule` whatever the role's marker."""
    other = copy.copy(generator)
    other.rule = rule
    other._rule = lambda marker: rule
    return other


# --- stop rules ------------------------------------------------------------------------------------------
def test_stop_by_ids_alone_and_by_string_alone(backend):
    generator = backend.generator("reply")
    expected = ROLE_SCRIPTS["reply"][0][1]
    ids_only = with_rule(generator, StopRule("<never printed>", generator.rule.ids, False))
    by_ids = ids_only.generate(_request("reply"))
    assert by_ids.text == expected and by_ids.stopped
    string_only = with_rule(generator, StopRule(REPLY_END, (), False))
    by_string = string_only.generate(_request("reply"))
    assert by_string.text == expected and by_string.stopped
    # any marker works through the string check, even one the adapter never learnt as a marker
    any_marker = with_rule(generator, StopRule("반가워", (), False))
    early = any_marker.generate(_request("reply"))
    assert early.text == " 안녕! 오늘도 반가워" and early.stopped


def test_eos_ends_generation_when_no_marker_matches(backend):
    generator = with_rule(backend.generator("reply"), StopRule("<never printed>", (), False))
    result = generator.generate(_request("reply"))
    assert result.text == ROLE_SCRIPTS["reply"][0][1]  # EOS itself is not in the text
    assert result.stopped and result.new_tokens == len(generator.tokenizer.encode(result.text, add_special_tokens=False)) + 1


def test_marker_stop_matches_the_tail_of_generated_ids_only():
    rule = StopRule("<unused>", ((7, 8, 9),), False)
    stop = _MarkerStop(rule, prompt_len=3, decode=lambda ids: "")
    assert not bool(stop(torch.tensor([[7, 8, 9]]), None)[0])  # only the prompt: nothing generated
    assert not bool(stop(torch.tensor([[7, 8, 9, 7, 8]]), None)[0])
    assert bool(stop(torch.tensor([[1, 2, 3, 7, 8, 9]]), None)[0]) and stop.hit


def test_released_stop_ids_are_used_when_the_tokenizer_produces_them():
    kanana = RELEASED_STOP_IDS[REPLY_END][0]

    class ReleasedLike:
        def __len__(self):
            return 128256

        def encode(self, text, add_special_tokens=False):
            return [5, 6, *kanana] if text.endswith(REPLY_END + " ") else [5, 6]

        def decode(self, ids, skip_special_tokens=False):
            return ""

    rule = stop_rule(ReleasedLike(), REPLY_END)
    assert rule.released and rule.ids == (kanana,)


def test_derived_stop_ids_spell_the_marker_without_its_opening_parenthesis(backend):
    tokenizer = backend.tokenizer("memory")
    for marker in (REPLY_END, SUMMARY_END, EXPRESSION_END):
        rule = stop_rule(tokenizer, marker)
        assert not rule.released
        assert rule.ids == derived_stop_ids(tokenizer, marker)
        for ids in rule.ids:
            text = tokenizer.decode(list(ids))
            assert marker.endswith(text.strip()) and text.endswith(")") and "(" not in text
    assert backend.describe()["base-polyglot"]["released_stop_ids"] == {"memory": False, "expression": False}


# --- streaming, threads, token counting -----------------------------------------------------------------
def test_streaming_delivers_pieces_that_add_up_to_the_text(backend):
    pieces: list[str] = []
    result = backend.generator("expression").generate(_request("expression"), on_text=pieces.append)
    assert len(pieces) > 3
    assert "".join(pieces) == result.text
    assert all(piece and "\ufffd" not in piece for piece in pieces)


def test_two_threads_on_one_base_keep_their_adapters_apart(backend):
    memory, expression = backend.generator("memory"), backend.generator("expression")
    requests = [_request("memory", 0, trial=i) for i in range(4)]
    alone = {
        "memory": [memory.generate(r).text for r in requests],
        "expression": [expression.generate(r).text for r in requests],
    }
    together: dict[str, list[str]] = {"memory": [], "expression": []}
    errors: list[BaseException] = []

    def run(name, generator):
        try:
            for r in requests:
                together[name].append(generator.generate(r).text)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=item) for item in (("memory", memory), ("expression", expression))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    assert together == alone  # per-request random streams: same samples whatever the interleaving


def test_tokenizer_counter_uses_the_reply_tokenizer_with_bos(backend):
    counter = tokenizer_counter(backend)
    tokenizer = backend.tokenizer("reply")
    ids = tokenizer.encode("로라야 안녕")
    assert ids[0] == tokenizer.bos_token_id
    assert counter.count("로라야 안녕") == len(ids) == len(tokenizer.encode("로라야 안녕", add_special_tokens=False)) + 1


# --- S-BERT ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def sbert(tiny):
    from ohlora.embedding.sbert import SBertEmbedder
    from ohlora.ethics.sbert import SBertEthicsJudge

    return SBertEmbedder(tiny["sbert"]["memory"], "cpu"), SBertEthicsJudge(tiny["sbert"]["ethics"], "cpu")


def test_sbert_embedder_vectors(sbert, tiny):
    embedder, _ = sbert
    assert (embedder.name, embedder.memory_threshold, embedder.dim) == ("sbert-memory", 0.95, 32)
    assert embedder.model.max_seq_length == 64
    vectors = embedder.encode(["로라야 안녕", "", "내 MBTI는 ENFP야", "내 mbti는 enfp야"])
    assert vectors.shape == (4, 32) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), [1, 0, 1, 1], atol=1e-5)
    assert float(vectors[2] @ vectors[3]) == pytest.approx(1.0, abs=1e-5)  # do_lower_case
    long = " ".join(["로라야 안녕"] * 60)
    a, b = embedder.encode([long, long + " 정치 이야기 좀 하자"])
    assert float(a @ b) == pytest.approx(1.0, abs=1e-5)  # both cut at 64 tokens
    from sentence_transformers import SentenceTransformer

    folder_model = SentenceTransformer(str(tiny["sbert"]["memory"]), device="cpu")  # the folder's own modules.json
    reference = folder_model.encode(["로라야 안녕"], normalize_embeddings=True)
    assert np.allclose(reference[0], vectors[0], atol=1e-5)


def test_sbert_judge_scores_against_cached_anchors(sbert, monkeypatch):
    _, judge = sbert
    assert judge.name == "sbert-ethics" and judge.thresholds == SBERT_THRESHOLDS
    assert judge.anchors.shape == (5, 32) and not judge.anchors.flags.writeable
    calls = []
    import ohlora.ethics.sbert as module

    real = module.encode_unit
    monkeypatch.setattr(module, "encode_unit", lambda model, texts, batch: calls.append(list(texts)) or real(model, texts, batch))
    for category, anchor in CATEGORY_ANCHORS.items():
        scores = judge.scores(anchor)
        assert set(scores) == set(Category)
        assert scores[category] == pytest.approx(1.0, abs=1e-5)
        assert all(-1.0 <= s <= 1.0 for s in scores.values())
    assert calls == [[anchor] for anchor in CATEGORY_ANCHORS.values()]  # one encode per call, anchors cached
    many = judge.scores_many(["정치", "오늘 날씨 좋다"])
    assert many[0][Category.POLITICS] == pytest.approx(1.0, abs=1e-5)


def test_memory_book_on_the_sbert_path(sbert, tmp_path):
    from ohlora.memory import MemoryBook
    from ohlora.store import Store

    embedder, _ = sbert
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    book = MemoryBook(store, embedder, embedder.memory_threshold)
    book.add("u", ["[좋아하는 음식: 떡볶이]", "[취미: 등산]"], 0.0)
    match = book.best("u", "[취미: 등산]")
    assert match is not None and match.text == "[취미: 등산]" and match.score == pytest.approx(1.0, abs=1e-5)
    store.close()
