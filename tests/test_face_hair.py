"""Hair segmentation student (spec face §3.2–3.4): 418 keys, strict loading, eval-mode determinism."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("monai")

from ohlora.errors import ConfigError, CorruptData, MissingModel  # noqa: E402
from ohlora.face.hair import HairSegmenter, HairStudent, load_hair_segmenter, load_student, preprocess  # noqa: E402


def randomised_state(seed: int = 0) -> dict:
    """A student state dict with random weights and plausible BN statistics."""
    gen = torch.Generator().manual_seed(seed)
    state = HairStudent().state_dict()
    out = {}
    for key, value in state.items():
        if key.endswith("num_batches_tracked"):
            out[key] = torch.tensor(1000)
        elif key.endswith("running_var"):
            out[key] = 0.5 + torch.rand(value.shape, generator=gen)
        elif key.endswith("running_mean"):
            out[key] = 0.1 * torch.randn(value.shape, generator=gen)
        else:
            out[key] = value + 0.05 * torch.randn(value.shape, generator=gen)
    return out


@pytest.fixture(scope="module")
def weights(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seg") / "segmentation_model_ohlora_v4.pth"
    torch.save(randomised_state(), path)
    return path


@pytest.fixture(scope="module")
def segmenter(weights) -> HairSegmenter:
    return load_hair_segmenter(weights, "cpu")


@pytest.fixture(scope="module")
def frames() -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, (2, 256, 256, 3), dtype=np.uint8)


def test_state_dict_has_the_released_layout():
    model = HairStudent()
    state = model.state_dict()
    assert len(state) == 418
    assert sum(k.startswith("encoder.") for k in state) == 358
    assert sum(k.endswith("num_batches_tracked") for k in state) == 59
    assert sum(p.numel() for p in model.parameters()) == 4_308_220
    head = sum(state[k].numel() for k in state if k.startswith(("encoder._conv_head.", "encoder._bn1."))
               and not k.endswith(("running_mean", "running_var", "num_batches_tracked")))
    assert head == 412_160
    expected = {
        "conv1.weight": (64, 16, 3, 3), "conv2.weight": (64, 24, 3, 3), "conv3.weight": (64, 40, 3, 3),
        "conv4.weight": (64, 112, 3, 3), "conv5.weight": (64, 320, 3, 3), "conv6.weight": (1, 64, 1, 1),
        "bn6.running_var": (64,), "bn3.num_batches_tracked": (),
        "ghost1.primary_conv.0.weight": (32, 64, 1, 1), "ghost2.primary_conv.2.running_mean": (32,),
        "ghost1.cheap_operation.0.weight": (32, 1, 3, 3), "ghost2.cheap_operation.2.bias": (32,),
        "encoder._conv_stem.weight": (32, 3, 3, 3), "encoder._conv_head.weight": (1280, 320, 1, 1),
        "encoder._blocks.6.15._project_conv.weight": (320, 1152, 1, 1),
        "encoder._blocks.2.3._depthwise_conv.weight": (144, 1, 5, 5),
    }
    for key, shape in expected.items():
        assert tuple(state[key].shape) == shape, key
    assert "encoder._blocks.0.0._expand_conv.weight" not in state
    assert not any(k.startswith(("encoder._fc", "encoder._avg_pooling", "encoder._dropout")) for k in state)


def test_strict_load_is_in_eval_mode_and_deterministic(segmenter, frames):
    assert not segmenter.model.training
    bn_before = segmenter.model.bn3.running_mean.clone()
    first = segmenter.predict(frames[0])
    second = segmenter.predict(frames[0])
    assert first.shape == (1, 224, 224) and first.dtype == np.float32
    assert first.min() >= 0.0 and first.max() <= 1.0
    assert np.array_equal(first, second)
    assert torch.equal(bn_before, segmenter.model.bn3.running_mean)  # no BN statistics drift
    assert np.abs(first - segmenter.predict(frames[1])).max() > 1e-3


def test_loaded_values_are_the_files(weights, segmenter):
    state = torch.load(weights, weights_only=True)
    loaded = segmenter.model.state_dict()
    assert all(torch.equal(state[k], loaded[k]) for k in state)


def test_batch_equals_single_frames(segmenter, frames):
    batch = segmenter.predict(frames)
    assert batch.shape == (2, 224, 224)
    for i in range(2):
        assert np.abs(batch[i] - segmenter.predict(frames[i])[0]).max() < 1e-5


def test_train_mode_would_be_random_eval_mode_is_not(weights, frames):
    model = load_student(weights)
    x = preprocess(torch.from_numpy(frames[:1]))
    model.train()
    with torch.no_grad():
        torch.manual_seed(1)
        a = model(x)
        torch.manual_seed(2)
        b = model(x)
    assert not torch.equal(a, b)  # drop-connect: the original's frame-to-frame noise


def test_preprocess_and_matched_input(weights, frames):
    x = preprocess(torch.tensor([[[[0, 255, 128]]]], dtype=torch.uint8))
    assert x.shape == (1, 3, 1, 1)
    assert x.flatten().tolist() == pytest.approx([-1.0, 1.0, 128 / 255 * 2 - 1], abs=1e-6)
    matched = load_hair_segmenter(weights, "cpu", input_size="matched")
    assert preprocess(torch.from_numpy(frames[:1]), "matched").shape == (1, 3, 224, 224)
    assert matched.predict(frames[0]).shape == (1, 224, 224)
    with pytest.raises(ConfigError):
        load_hair_segmenter(weights, "cpu", input_size="large")


def test_bad_inputs(segmenter):
    with pytest.raises(ValueError):
        segmenter.predict(np.zeros((256, 256, 3), dtype=np.float32))
    with pytest.raises(ValueError):
        segmenter.predict(np.zeros((256, 256), dtype=np.uint8))


def test_missing_and_corrupt_files(tmp_path):
    with pytest.raises(MissingModel, match="ohlora models pull --only hair-segmentation"):
        load_student(tmp_path / "segmentation_model_ohlora_v4.pth")
    path = tmp_path / "bad.pth"
    path.write_bytes(b"\x00garbage")
    with pytest.raises(CorruptData, match="cannot read"):
        load_student(path)
    state = HairStudent().state_dict()
    del state["ghost2.cheap_operation.2.running_var"]
    state["conv6.weight"] = torch.zeros(2, 64, 1, 1)
    state["encoder._fc.weight"] = torch.zeros(1000, 1280)
    torch.save(state, path)
    with pytest.raises(CorruptData) as err:
        load_student(path)
    message = str(err.value)
    for name in ("ghost2.cheap_operation.2.running_var", "conv6.weight", "encoder._fc.weight"):
        assert name in message


def test_folded_head_matches_the_plain_decoder(weights, frames):
    model = load_student(weights)
    odd = np.random.default_rng(5).integers(0, 256, (1, 200, 232, 3), dtype=np.uint8)
    for input_size in ("compat", "matched"):
        plain = HairSegmenter(model, "cpu", input_size=input_size, channels_last=False, fold=False).predict(frames)
        for channels_last in (False, True):
            fast = HairSegmenter(model, "cpu", input_size=input_size, channels_last=channels_last, fold=True)
            assert np.abs(fast.predict(frames) - plain).max() < 1e-5
    plain_odd = HairSegmenter(model, "cpu", fold=False).predict(odd)
    assert np.abs(HairSegmenter(model, "cpu").predict(odd) - plain_odd).max() < 1e-5  # falls back when maps do not nest


def rich_state(seed: int = 3) -> dict:
    """Random weights with non-trivial BatchNorm everywhere (γ of both signs, β, running mean and
    variance far from 0 and 1), and a conv6 large enough that the probabilities spread out: a
    folding mistake anywhere (encoder, laterals, ghost modules) moves the output well above 1e-5."""
    gen = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng(devices=[]):  # the initial weights too: the same model on every run
        torch.manual_seed(seed)
        template = HairStudent().state_dict()
    out = {}
    for key, value in template.items():
        if key.endswith("num_batches_tracked"):
            out[key] = torch.tensor(7)
        elif key.endswith("running_var"):
            out[key] = 0.2 + 2.0 * torch.rand(value.shape, generator=gen)
        elif key.endswith("running_mean"):
            out[key] = 0.8 * torch.randn(value.shape, generator=gen)
        elif value.dim() == 1 and key.endswith(".weight") and "_se_" not in key:  # BN γ
            out[key] = torch.randn(value.shape, generator=gen)
        elif value.dim() == 1 and key.endswith(".bias") and "_se_" not in key:  # BN β
            out[key] = 0.5 * torch.randn(value.shape, generator=gen)
        else:
            out[key] = value + 0.05 * torch.randn(value.shape, generator=gen)
    out["conv6.weight"] = 0.3 * torch.randn(1, 64, 1, 1, generator=gen)
    return out


@pytest.fixture(scope="module")
def rich_model() -> HairStudent:
    model = HairStudent()
    model.load_state_dict(rich_state(), strict=True)
    return model.eval()


@pytest.mark.parametrize("channels_last", [False, True])
def test_fast_path_equals_the_plain_student(rich_model, frames, channels_last):
    """Folded encoder + folded head == `HairStudent.forward` in eval mode, batch 1 and 3."""
    batch = np.concatenate([frames, frames[:1, ::-1]])  # 3 frames
    with torch.inference_mode():
        plain = rich_model(preprocess(torch.from_numpy(batch)))[:, 0].numpy()
    assert plain.std() > 0.02 and plain.min() < 0.5 < plain.max()  # the comparison has something to see
    fast = HairSegmenter(rich_model, "cpu", channels_last=channels_last)
    assert fast.encoder is not None and fast.head is not None
    for n in (1, 3):
        assert np.abs(fast.predict(batch[:n]) - plain[:n]).max() < 1e-5


def test_folded_encoder_features_equal_monai(rich_model):
    """Same five maps as MONAI's padded convs + BatchNorms, for even, odd and non-square inputs
    (the asymmetric "same" padding is folded into the kernels, not copied)."""
    fast = HairSegmenter(rich_model, "cpu", channels_last=False)
    for shape in ((2, 3, 256, 256), (1, 3, 224, 224), (1, 3, 97, 130)):
        x = torch.randn(shape, generator=torch.Generator().manual_seed(1))
        with torch.inference_mode():
            want, got = rich_model.encoder(x), fast.encoder(x)
        assert [tuple(f.shape) for f in got] == [tuple(f.shape) for f in want]
        for g, w in zip(got, want, strict=True):
            assert (g - w).abs().max() <= 1e-5 * max(1.0, float(w.abs().max()))


def test_building_a_segmenter_leaves_the_student_as_loaded(weights):
    model = load_student(weights)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    modules = [(name, type(m)) for name, m in model.named_modules()]
    segmenter = HairSegmenter(model, "cpu")
    segmenter.predict(np.zeros((1, 256, 256, 3), dtype=np.uint8))
    after = segmenter.model.state_dict()
    assert segmenter.model is model and len(after) == 418 and list(after) == list(before)
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert [(name, type(m)) for name, m in model.named_modules()] == modules  # no BN swapped out
