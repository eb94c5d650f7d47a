"""Full turns through `ohlora chat --jsonl --models-dir …` on tiny models in the released formats."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("peft")
pytest.importorskip("sentence_transformers")

from tiny_models import build_tiny_models  # noqa: E402


@pytest.fixture(scope="module")
def tiny_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("models")
    build_tiny_models(root)
    return root


def ohlora(home: Path, *args: str, input: str | None = None, timeout: float = 240,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, OHLORA_HOME=str(home), PYTHONWARNINGS="ignore", OMP_NUM_THREADS="1", **(env or {}))
    return subprocess.run([sys.executable, "-m", "ohlora.cli", *args], input=input, capture_output=True,
                          text=True, env=env, timeout=timeout)


def test_full_turns_use_all_four_adapters_and_both_sberts(tiny_root, tmp_path):
    lines = [
        {"user": "a", "text": "로라야 안녕"},
        {"user": "a", "text": "나 떡볶이 진짜 좋아해"},
        {"user": "b", "text": "로라야 주소 알려 줘"},
        {"user": "a", "text": "오늘 뭐 해?"},
    ]
    proc = ohlora(tmp_path, "--models-dir", str(tiny_root), "--backend", "full", "--seed", "1", "chat", "--jsonl",
                  input="".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines))
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = [json.loads(x) for x in proc.stdout.splitlines()]
    assert len(results) == 4
    for result in results:
        backend = result["backend"]
        assert backend["reply"] == "hf:reply:kananai_output_message_fine_tuned"
        assert backend["memory"] == "hf:memory:polyglot_memory_fine_tuned"
        assert backend["summary"] == "hf:summary:kanana_summary_fine_tuned"
        assert backend["expression"] == "hf:expression:polyglot_eyes_mouth_pose_fine_tuned"
        assert backend["embedder"] == "sbert-memory" and backend["ethics"] == "sbert-ethics"
        assert backend["length"].startswith("tokenizer:")
        if result["blocked"]:  # random S-BERT weights may judge anything; then nothing else ran
            continue
        assert result["reply"]  # an accepted answer or the "(읽씹)" fallback, never empty
        assert result["expression"]["eyes"] in ("작게", "보통", "크게", "아주 크게")
        assert {"reply", "memory_extraction", "summary"} <= set(result["timings_ms"])
    # the adapters were fine-tuned on these lines: stop handling and validation let them through
    first = results[0]
    if not first["blocked"]:
        assert first["reply"] == "안녕! 오늘도 반가워 😊"
    second = results[1]
    if not second["blocked"]:
        assert second["memory_added"] == ["[좋아하는 음식: 떡볶이]"]
    third = results[2]  # trained to answer with "http": rejected on every trial
    if not third["blocked"]:
        assert third["reply"] == "(읽씹)"


def test_auto_picks_full_when_models_verify_and_embedded_otherwise(tiny_root, tmp_path):
    line = json.dumps({"text": "로라야 안녕"}, ensure_ascii=False) + "\n"
    auto = ohlora(tmp_path / "h1", "--models-dir", str(tiny_root), "chat", "--jsonl", input=line)
    assert auto.returncode == 0, auto.stderr[-3000:]
    assert json.loads(auto.stdout)["backend"]["reply"].startswith("hf:")
    empty = tmp_path / "empty-models"
    empty.mkdir()
    fallback = ohlora(tmp_path / "h2", "--models-dir", str(empty), "chat", "--jsonl", input=line)
    assert json.loads(fallback.stdout)["backend"]["reply"] == "embedded-persona"
    refused = ohlora(tmp_path / "h3", "--models-dir", str(empty), "--backend", "full", "ask", "안녕")
    assert refused.returncode == 4
    assert "ohlora models pull" in refused.stderr and "Traceback" not in refused.stderr


def test_models_status_and_verify_on_the_tiny_models(tiny_root, tmp_path):
    status = ohlora(tmp_path, "--models-dir", str(tiny_root), "models", "status")
    assert status.returncode == 0
    verify = ohlora(tmp_path, "--models-dir", str(tiny_root), "models", "verify",
                    "--only", "llm-reply", "--only", "llm-memory", "--only", "sbert-memory")
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_full_backend_with_the_bases_given_only_through_base_models(tiny_root, tmp_path):
    """Adapters and S-BERTs in the models folder, the three bases in folders of their own elsewhere."""
    from ohlora.models.registry import ARTIFACTS

    models = tmp_path / "models"
    shutil.copytree(tiny_root / "llm" / "models", models / "llm" / "models")
    bases = {}
    for base in (a for a in ARTIFACTS if a.kind == "base"):
        bases[base.name] = shutil.copytree(base.path(tiny_root), tmp_path / "elsewhere" / base.name)
    assert not (models / "llm" / "base").exists()
    env = {"OHLORA_BASE_MODELS": ",".join(f"{name}={folder}" for name, folder in bases.items())}

    proc = ohlora(tmp_path / "home", "--models-dir", str(models), "--backend", "full", "--seed", "1",
                  "ask", "--json", "로라야 안녕", env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    backend = json.loads(proc.stdout)["backend"]
    assert backend["reply"] == "hf:reply:kananai_output_message_fine_tuned"
    assert backend["memory"] == "hf:memory:polyglot_memory_fine_tuned"
    assert backend["summary"] == "hf:summary:kanana_summary_fine_tuned"
    assert backend["expression"] == "hf:expression:polyglot_eyes_mouth_pose_fine_tuned"

    status = ohlora(tmp_path / "home", "--models-dir", str(models), "models", "status", "--json", env=env)
    by_name = {a["name"]: a for a in json.loads(status.stdout)["artifacts"]}
    for name, folder in bases.items():
        found = by_name[name]
        assert (found["state"], found["origin"], found["location"]) == ("present", "folder", str(folder))
    verify = ohlora(tmp_path / "home", "--models-dir", str(models), "models", "verify",
                    *(x for name in bases for x in ("--only", name)), env=env)
    assert verify.returncode == 0, verify.stdout + verify.stderr
