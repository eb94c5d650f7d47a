"""Tiny stand-ins for the released Oh-LoRA v4 models, written in the released file formats.

`build_tiny_models(root)` writes the registry layout (`ohlora.models.registry`) under `root`:

- `llm/base/polyglot-ko-1.3b`: a 2-layer GPT-NeoX (Polyglot-Ko stand-in);
- `llm/base/kanana-1.5-2.1b-instruct-2505`, `llm/base/kanana-1.5-2.1b-base`: 2-layer Llamas
  (Kanana stand-ins), saved in bfloat16 like the released checkpoints, so a loader that forgets
  `dtype=` runs them in bf16;
- `llm/models/<adapter>`: the four LoRA adapter folders with the six released files. Their
  `adapter_config.json` names a Windows base path, as the released files do. Each adapter is a
  short LoRA fine-tune of its role's lines in `ROLE_SCRIPTS` (same ranks, alpha, dropout and
  target modules as spec §8.5), so the models answer those prompts in the real format, and its
  LoRA B weights are far from zero, so adapters change outputs. With `train_steps=0` the B
  weights are random instead;
- `llm/models/{memory,ethics}_sbert/trained_sbert_model`: tiny RoBERTa sentence encoders with a
  WordPiece `vocab.txt`, with the files the released folders hold.

Both LLM tokenizers come from one byte-level BPE trained here on a few hundred Korean lines
(`korean_lines`) that include the role markers; the Kanana one adds a BOS token on `encode` and
has no pad token, the Polyglot one adds nothing and pads with its EOS, like the released ones.
Tokenizer files are written in the format transformers 4.51 saved (the released format).
Building takes a few seconds on two CPU cores.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import MappingProxyType

import torch
from peft import LoraConfig, get_peft_model
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from transformers import (
    AutoModelForCausalLM,
    GPTNeoXConfig,
    GPTNeoXForCausalLM,
    LlamaConfig,
    LlamaForCausalLM,
    RobertaConfig,
    RobertaModel,
)

from ohlora.models.registry import artifact

# --- text ---------------------------------------------------------------------------------------------
_PEOPLE = ("로라야", "오로라", "혜나야", "친구야", "얘들아", "엄마", "선배님", "우리 팀")
_ASKS = (
    "오늘 뭐 해?", "내일 시간 있어?", "주말에 같이 놀자", "점심 뭐 먹었어?", "요즘 무슨 노래 들어?",
    "이 영화 봤어?", "나 시험 끝났어!", "비 온다 우산 챙겨", "너무 피곤하다", "고마워 진짜",
    "산책 가고 싶다", "커피 한 잔 할래?", "오늘 날씨 좋다", "나 면접 붙었어", "잘 자 내일 봐",
    "배고파 뭐 먹지", "게임 한 판 하자", "책 추천해 줘", "여행 가고 싶어", "생일 축하해",
)
_REPLIES = (
    "좋아! 나도 그 생각 했어", "헉 정말? 대단하다", "음… 조금 고민해 볼게", "우와 축하해!!",
    "미안 오늘은 좀 바빠", "푹 쉬어 내일은 괜찮을 거야", "나는 떡볶이 먹었어", "그 노래 나도 좋아해",
    "같이 가자! 재밌겠다", "천천히 해도 돼 힘내", "응응 알겠어 고마워", "와 날씨 진짜 좋다",
)
_FACTS = (
    "[좋아하는 음식: 떡볶이]", "[오늘 일정: 면접]", "[내일 날씨: 비]", "[반려동물: 강아지 콩이]",
    "[취미: 등산]", "[사는 곳: 부산]", "[주말 일정: 여행]", "[상태: 피곤함]",
)
_TOPICS = (
    "사랑 고백/만남", "일반", "정치", "패드립", "혐오/기타",  # the ethics anchors (spec §3.7)
    "로라야 사랑해 나랑 만나 줘", "오늘 저녁 같이 먹을래?", "어느 정당이 좋아?", "선거 누구 뽑을 거야",
    "너희 부모님 욕하지 마", "그런 혐오 발언은 나빠", "내 mbti는 enfp야", "요즘 kpop 노래 뭐 들어?",
    "llm 공부 중이야", "ai 친구가 생겼어",
)
_FACES = (
    "(눈 보통, 입 보통, 고개 돌림 없음)", "(눈 크게, 입 크게, 고개 돌림 없음)",
    "(눈 작게, 입 보통, 고개 돌림 많이)", "(눈 아주 크게, 입 아주 크게, 고개 돌림 보통)",
)

# What each tiny adapter learns: (prompt as completion.py builds it, continuation with end marker).
# Reply, memory and summary each have one line their validation accepts and one it rejects.
ROLE_SCRIPTS = MappingProxyType({
    "reply": (
        ("로라야 안녕 (답변 시작)", " 안녕! 오늘도 반가워 😊 (답변 종료)"),
        ("로라야 주소 알려 줘 (답변 시작)", " 여기 http 주소야 (답변 종료)"),
    ),
    "memory": (
        ("나 떡볶이 진짜 좋아해 (요약 시작)", " [좋아하는 음식: 떡볶이] (요약 종료)"),
        ("내일 세 시에 만나 (요약 시작)", " [약속 시간: 3:00] (요약 종료)"),
    ),
    "summary": (
        ("로라야 주말에 뭐 해? (오로라 답변) 친구랑 영화 볼 거야! (요약 시작)", " 주말에 친구와 영화 예정 (요약 종료)"),
        ("응 (오로라 답변) 응! (요약 시작)", " 응 (요약 종료)"),
    ),
    "expression": (
        (" 우와 합격 축하해!! (표정 출력 시작)", " (눈 아주 크게, 입 아주 크게, 고개 돌림 없음) (표정 출력 종료)"),
        (" 미안 오늘은 좀 바빠 (표정 출력 시작)", " (눈 작게, 입 보통, 고개 돌림 많이) (표정 출력 종료)"),
    ),
})

# --- formats ------------------------------------------------------------------------------------------
POLYGLOT_EOS = "<|endoftext|>"
KANANA_BOS = "<|begin_of_text|>"
KANANA_EOS = "<|end_of_text|>"
SPECIALS = (POLYGLOT_EOS, KANANA_BOS, KANANA_EOS)
SBERT_SPECIALS = ("[CLS]", "[PAD]", "[SEP]", "[UNK]", "[MASK]")  # klue/roberta-base's order

BASES = MappingProxyType({  # base artifact -> (family, seed)
    "base-polyglot": ("polyglot", 11),
    "base-kanana-instruct": ("kanana", 12),
    "base-kanana": ("kanana", 13),
})
ADAPTERS = MappingProxyType({  # role -> (adapter artifact, rank, Windows folder name of its base)
    "reply": ("llm-reply", 16, "kanana-1.5-2.1b-instruct-2505"),
    "memory": ("llm-memory", 64, "polyglot-ko-1.3b"),
    "summary": ("llm-summary", 64, "kanana-1.5-2.1b-base"),
    "expression": ("llm-expression", 64, "polyglot-ko-1.3b"),
})
LLAMA_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
NEOX_TARGETS = ("query_key_value",)
HIDDEN = 64
LEARNING_RATES = MappingProxyType({"kanana": 3e-3, "polyglot": 1e-2})  # stable on these bases
OUTPUT_SCALE = 20.0
SBERT_HIDDEN = 32
WINDOWS_ROOT = "C:\\Users\\someone\\AI_Projects\\2025_06_24_OhLoRA_v4\\llm\\models\\original\\"


def korean_lines() -> list[str]:
    """A few hundred short Korean lines of our own, including every role's marker format."""
    lines = [f"{who} {ask}" for who in _PEOPLE for ask in _ASKS]
    lines += [f"{who} {topic}" for who in _PEOPLE[:3] for topic in _TOPICS]
    for i, ask in enumerate(_ASKS):
        reply = _REPLIES[i % len(_REPLIES)]
        fact = _FACTS[i % len(_FACTS)]
        lines.append(f"{ask} (답변 시작) {reply} (답변 종료)")
        lines.append(f"(오로라 답변 요약) {reply} (사용자 질문) {ask} (답변 시작) {reply} (답변 종료)")
        lines.append(f"{fact} {ask} (요약 시작) {fact} (요약 종료)")
        lines.append(f"{ask} (오로라 답변) {reply} (요약 시작) {ask[:6]} 이야기 (요약 종료)")
        lines.append(f"{reply} (표정 출력 시작) {_FACES[i % len(_FACES)]} (표정 출력 종료)")
    for script in ROLE_SCRIPTS.values():
        lines += [prompt + continuation for prompt, continuation in script]
    return lines


def train_bpe(lines: list[str], vocab_size: int = 1200) -> Tokenizer:
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIALS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(lines, trainer=trainer)
    return tokenizer


def _llm_tokenizer_json(bpe: Tokenizer, family: str) -> str:
    tok = Tokenizer.from_str(bpe.to_str())
    if family == "kanana":  # Llama-3 style: BOS added by the post-processor
        bos = tok.token_to_id(KANANA_BOS)
        tok.post_processor = processors.TemplateProcessing(
            single=f"{KANANA_BOS} $A", pair=f"{KANANA_BOS} $A {KANANA_BOS} $B", special_tokens=[(KANANA_BOS, bos)]
        )
    else:
        tok.post_processor = processors.ByteLevel(trim_offsets=False)
    return tok.to_str()


def _added_tokens(tokens: tuple[str, ...], start: int = 0) -> dict:
    return {
        str(start + i): {
            "content": t, "lstrip": False, "normalized": False, "rstrip": False, "single_word": False, "special": True
        }
        for i, t in enumerate(tokens)
    }


def _special(content: str) -> dict:
    return {"content": content, "lstrip": False, "normalized": False, "rstrip": False, "single_word": False}


def _write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_llm_tokenizer(folder: Path, bpe: Tokenizer, family: str) -> None:
    """tokenizer.json, tokenizer_config.json and special_tokens_map.json as transformers 4.51 wrote them."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tokenizer.json").write_text(_llm_tokenizer_json(bpe, family), encoding="utf-8")
    if family == "kanana":
        special = {"bos_token": KANANA_BOS, "eos_token": KANANA_EOS}
    else:
        special = {"bos_token": POLYGLOT_EOS, "eos_token": POLYGLOT_EOS, "pad_token": POLYGLOT_EOS}
    config = {
        "added_tokens_decoder": _added_tokens(SPECIALS),
        **special,
        "clean_up_tokenization_spaces": False,
        "extra_special_tokens": {},
        "model_input_names": ["input_ids", "attention_mask"],
        "model_max_length": 2048,
        "tokenizer_class": "PreTrainedTokenizerFast",
    }
    _write_json(folder / "tokenizer_config.json", config)
    _write_json(folder / "special_tokens_map.json", {k: _special(v) for k, v in special.items()})


def _base_model(family: str, vocab: int, bpe: Tokenizer, seed: int) -> torch.nn.Module:
    torch.manual_seed(seed)
    if family == "polyglot":
        eos = bpe.token_to_id(POLYGLOT_EOS)
        config = GPTNeoXConfig(
            vocab_size=vocab, hidden_size=HIDDEN, num_hidden_layers=2, num_attention_heads=4,
            intermediate_size=2 * HIDDEN, max_position_embeddings=256, rotary_pct=0.5,
            bos_token_id=eos, eos_token_id=eos, pad_token_id=eos, tie_word_embeddings=False,
        )
        model = GPTNeoXForCausalLM(config)
    else:
        config = LlamaConfig(
            vocab_size=vocab, hidden_size=HIDDEN, intermediate_size=2 * HIDDEN, num_hidden_layers=2,
            num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
            bos_token_id=bpe.token_to_id(KANANA_BOS), eos_token_id=bpe.token_to_id(KANANA_EOS),
            tie_word_embeddings=False,
        )
        model = LlamaForCausalLM(config)
    # A 0.02-std output layer gives logits within about ±1, so no adapter could make a frozen
    # random base confident. Scale it so that a few LoRA steps can make the answers near-certain.
    with torch.no_grad():
        model.get_output_embeddings().weight.mul_(OUTPUT_SCALE)
    return model


def _examples(tokenizer: Tokenizer, script: tuple[tuple[str, str], ...], eos: int) -> list[tuple[list[int], list[int]]]:
    """(prompt ids as `encode` gives them, continuation ids + EOS), tokenised apart like at inference."""
    out = []
    for prompt, continuation in script:
        prompt_ids = tokenizer.encode(prompt).ids
        answer_ids = tokenizer.encode(continuation, add_special_tokens=False).ids + [eos]
        out.append((prompt_ids, answer_ids))
    return out


def _fit(model: torch.nn.Module, examples: list[tuple[list[int], list[int]]], steps: int, lr: float) -> float:
    """Completion-only LoRA fine-tune on a handful of examples; returns the last loss."""
    width = max(len(p) + len(a) for p, a in examples)
    ids = torch.zeros((len(examples), width), dtype=torch.long)
    labels = torch.full((len(examples), width), -100, dtype=torch.long)
    mask = torch.zeros((len(examples), width), dtype=torch.long)
    for row, (prompt, answer) in enumerate(examples):
        seq = prompt + answer
        ids[row, : len(seq)] = torch.tensor(seq)
        labels[row, len(prompt) : len(seq)] = torch.tensor(answer)
        mask[row, : len(seq)] = 1
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(params, lr=lr)
    model.train()
    loss = torch.tensor(float("nan"))
    for _ in range(steps):
        optimizer.zero_grad()
        loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        loss.backward()
        optimizer.step()
    model.eval()
    return float(loss.detach())


def _randomise_lora_b(model: torch.nn.Module, generator: torch.Generator) -> None:
    with torch.no_grad():
        for name, param in model.named_parameters():
            if "lora_B" in name:
                param.copy_(torch.randn(param.shape, generator=generator) * 0.5)


# The keys peft 0.13 (the original's version) wrote into adapter_config.json; newer keys are dropped.
PEFT_013_KEYS = (
    "alpha_pattern", "auto_mapping", "base_model_name_or_path", "bias", "fan_in_fan_out", "inference_mode",
    "init_lora_weights", "layer_replication", "layers_pattern", "layers_to_transform", "loftq_config",
    "lora_alpha", "lora_dropout", "megatron_config", "megatron_core", "modules_to_save", "peft_type", "r",
    "rank_pattern", "revision", "target_modules", "task_type", "use_dora", "use_rslora",
)


def _released_adapter_config(folder: Path, base_folder_name: str) -> None:
    """Rewrite our fresh adapter_config.json as the released ones look: peft 0.13 keys, a Windows base path."""
    path = folder / "adapter_config.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    config = {key: config.get(key) for key in PEFT_013_KEYS}
    config["base_model_name_or_path"] = WINDOWS_ROOT + base_folder_name
    config["inference_mode"] = True
    config["target_modules"] = sorted(config["target_modules"])
    _write_json(path, config)


def _write_sbert(folder: Path, wordpiece: Tokenizer, seed: int, readme: str | None) -> None:
    torch.manual_seed(seed)
    vocab = wordpiece.get_vocab()
    config = RobertaConfig(
        vocab_size=len(vocab), hidden_size=SBERT_HIDDEN, num_hidden_layers=2, num_attention_heads=4,
        intermediate_size=2 * SBERT_HIDDEN, max_position_embeddings=130, type_vocab_size=1,
        pad_token_id=vocab["[PAD]"], bos_token_id=vocab["[CLS]"], eos_token_id=vocab["[SEP]"],
    )
    RobertaModel(config).save_pretrained(folder, safe_serialization=True)
    ordered = sorted(vocab, key=vocab.__getitem__)
    (folder / "vocab.txt").write_text("".join(t + "\n" for t in ordered), encoding="utf-8")
    (folder / "tokenizer.json").write_text(wordpiece.to_str(), encoding="utf-8")
    names = ("cls_token", "pad_token", "sep_token", "unk_token", "mask_token")
    special = dict(zip(names, SBERT_SPECIALS))
    _write_json(folder / "special_tokens_map.json", {k: _special(v) for k, v in special.items()})
    _write_json(folder / "tokenizer_config.json", {
        "added_tokens_decoder": _added_tokens(SBERT_SPECIALS),
        **special,
        "clean_up_tokenization_spaces": True,
        "do_basic_tokenize": True,
        "do_lower_case": False,
        "extra_special_tokens": {},
        "model_max_length": 512,
        "never_split": None,
        "strip_accents": None,
        "tokenize_chinese_chars": True,
        "tokenizer_class": "BertTokenizer",
    })
    _write_json(folder / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
    ])
    _write_json(folder / "sentence_bert_config.json", {"max_seq_length": 64, "do_lower_case": True})
    _write_json(folder / "config_sentence_transformers.json", {
        "__version__": {"sentence_transformers": "4.1.0", "transformers": "4.51.3", "pytorch": "2.6.0+cu124"},
        "prompts": {}, "default_prompt_name": None, "similarity_fn_name": "cosine",
    })
    _write_json(folder / "1_Pooling" / "config.json", {
        "word_embedding_dimension": SBERT_HIDDEN, "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False, "pooling_mode_weightedmean_tokens": False,
        "pooling_mode_lasttoken": False, "include_prompt": True,
    })
    evaluation = folder / "eval" / "similarity_evaluation_valid_evaluator_results.csv"
    evaluation.parent.mkdir(parents=True, exist_ok=True)
    evaluation.write_text("epoch,steps,cosine_pearson,cosine_spearman\n1.0,100,0.5,0.5\n", encoding="utf-8")
    if readme is not None:
        (folder / "readme_ethics.txt").write_text(readme, encoding="utf-8")


def train_wordpiece(lines: list[str], vocab_size: int = 800) -> Tokenizer:
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=False, strip_accents=False, clean_text=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=list(SBERT_SPECIALS), show_progress=False)
    tokenizer.train_from_iterator(lines, trainer=trainer)
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.BertProcessing(("[SEP]", sep), ("[CLS]", cls))
    return tokenizer


def build_tiny_models(root: Path, *, train_steps: int = 120, seed: int = 0) -> dict:
    """Write every LLM and S-BERT artifact under `root` (registry layout); return what was made.

    The result maps "bases" (artifact -> folder), "adapters" (role -> folder), "sbert" ("memory",
    "ethics" -> folder), "scripts" (role -> ROLE_SCRIPTS lines), "losses" (role -> last training
    loss, nan when not trained) and "windows_paths" (role -> the path written into adapter_config).
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny models: one thread is fastest, and far faster on a busy CPU
    try:
        return _build(Path(root), train_steps, seed)
    finally:
        torch.set_num_threads(threads)


def _build(root: Path, train_steps: int, seed: int) -> dict:
    lines = korean_lines()
    bpe = train_bpe(lines)
    vocab = bpe.get_vocab_size()
    bases: dict[str, Path] = {}
    for name, (family, base_seed) in BASES.items():
        folder = artifact(name).path(root)
        model = _base_model(family, vocab, bpe, seed + base_seed)
        model.to(torch.bfloat16).save_pretrained(folder, safe_serialization=True)
        write_llm_tokenizer(folder, bpe, family)
        bases[name] = folder

    adapters: dict[str, Path] = {}
    losses: dict[str, float] = {}
    windows: dict[str, str] = {}
    generator = torch.Generator().manual_seed(seed)
    for role, (name, rank, base_name) in ADAPTERS.items():
        item = artifact(name)
        base_folder = bases[item.base]
        family = BASES[item.base][0]
        torch.manual_seed(seed + rank + len(role))
        base = AutoModelForCausalLM.from_pretrained(base_folder, dtype=torch.float32)
        config = LoraConfig(
            r=rank, lora_alpha=16, lora_dropout=0.05, init_lora_weights="gaussian", bias="none",
            task_type="CAUSAL_LM", target_modules=list(LLAMA_TARGETS if family == "kanana" else NEOX_TARGETS),
        )
        model = get_peft_model(base, config)
        folder = item.path(root)
        write_llm_tokenizer(folder, bpe, family)
        tokenizer = Tokenizer.from_str(_llm_tokenizer_json(bpe, family))
        eos = bpe.token_to_id(KANANA_EOS if family == "kanana" else POLYGLOT_EOS)
        if train_steps > 0:
            losses[role] = _fit(model, _examples(tokenizer, ROLE_SCRIPTS[role], eos), train_steps, lr=LEARNING_RATES[family])
        else:
            _randomise_lora_b(model, generator)
            losses[role] = float("nan")
        model.save_pretrained(folder, safe_serialization=True)
        (folder / "README.md").unlink(missing_ok=True)  # PEFT's model card: not a released file
        _released_adapter_config(folder, base_name)
        windows[role] = WINDOWS_ROOT + base_name
        # the released file is a torch.save archive (a pickled TrainingArguments) that we never unpickle
        torch.save({"note": "tiny stand-in", "rank": rank}, folder / "training_args.bin")
        adapters[role] = folder

    wordpiece = train_wordpiece(lines)
    sbert = {
        "memory": artifact("sbert-memory").path(root),
        "ethics": artifact("sbert-ethics").path(root),
    }
    _write_sbert(sbert["memory"], wordpiece, seed + 21, None)
    _write_sbert(sbert["ethics"], wordpiece, seed + 22, "tiny ethics S-BERT stand-in for tests\n")
    return {
        "root": root,
        "bases": bases,
        "adapters": adapters,
        "sbert": sbert,
        "scripts": dict(ROLE_SCRIPTS),
        "losses": losses,
        "windows_paths": windows,
    }
