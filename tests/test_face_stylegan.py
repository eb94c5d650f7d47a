"""StyleGAN-VectorFind v7/v8: state-dict layout, strict loading, fast path == a literal reference,
VectorFind CSVs and catalogue, and the `StyleGANFace` built from a temporary models dir."""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pytest

from ohlora.errors import ConfigError, CorruptData, MissingModel
from ohlora.face.vectors import (
    BUILTIN_FACES,
    GROUPS,
    builtin_catalogue,
    compose_w,
    load_vectorfind,
    pick_face,
    read_direction_csv,
    read_z_csv,
)

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # the light test venv: only the CSV tests run
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="torch is not installed")

V7_CASES = [127, 672, 709, 931, 1017, 1073, 1162, 1211, 1277, 1351, 1359, 1409, 1591, 1646, 1782, 1788,
            1819, 1836, 1905, 1918, 2054, 2089, 2100, 2111, 2137, 2185, 2240]
V8_CASES = [83, 143, 194, 214, 285, 483, 536, 679, 853, 895, 986, 991, 1064, 1180, 1313, 1535, 1750, 1792, 1996]
LABELS = {"v7": 3, "v8": 7}


# --- VectorFind CSVs in the exact released layouts ------------------------------------------------------------


def _write(path: Path, lines: list[str], trailing_newline: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + ("\n" if trailing_newline else ""), encoding="utf-8")


def write_vectorfind(root: Path, version: str, seed: int = 0) -> Path:
    """Write the 2 + 3·groups CSVs of one version under the registry path; returns the folder."""
    rng = np.random.default_rng(seed)
    folder = root / "stylegan" / f"stylegan_vectorfind_{version}"
    width = 512 + LABELS[version]
    faces = BUILTIN_FACES[version]
    latents = np.round(rng.standard_normal((len(faces), width)), 4)
    z_lines = [",".join(str(i) for i in range(width))]
    z_lines += [",".join(repr(float(v)) for v in row) for row in latents]
    _write(folder / "ohlora_z_vectors.csv", z_lines, trailing_newline=version == "v7")  # v8 has none
    if version == "v7":
        g_lines = ["case,vector_no,group_name,eyes_corr,mouth_corr,pose_corr"]
        g_lines += [f"{case},0,{group},-0.9205,-0.9101,-0.9243" for case, group in faces]
    else:
        g_lines = ["case,vector_no,passed,group_name,eyes_corr,mouth_corr,pose_corr,sum_abs_corr"]
        g_lines += [f"{case},0,O,{group},-0.9284,-0.9006,-0.9126,2.7416" for case, group in faces]
    _write(folder / "ohlora_w_group_names.csv", g_lines, trailing_newline=True)
    header = "," + ",".join(str(i) for i in range(512))
    for prop in ("eyes", "mouth", "pose"):
        for group in GROUPS[version]:
            v = rng.standard_normal(512).astype(np.float32)
            v /= np.linalg.norm(v)
            row = "0," + ",".join(f"{float(x):.9g}" for x in v)
            _write(folder / "property_score_vectors" / f"{prop}_change_w_vector_{group}.csv", [header, row], True)
    return folder


@pytest.fixture(scope="module")
def csv_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("vectorfind")
    write_vectorfind(root, "v7", seed=1)
    write_vectorfind(root, "v8", seed=2)
    return root


def test_vectorfind_shapes_catalogue_and_norms(csv_root):
    v7, v8 = load_vectorfind(csv_root, "v7"), load_vectorfind(csv_root, "v8")
    assert v7.latents.shape == (27, 515) and v8.latents.shape == (19, 519)
    assert [f.case for f in v7.faces] == V7_CASES and [f.case for f in v8.faces] == V8_CASES
    assert len(v7.directions) == 8 and len(v8.directions) == 16
    for vf in (v7, v8):
        for dirs in vf.directions.values():
            assert dirs.shape == (3, 512)
            assert np.abs(np.linalg.norm(dirs, axis=1) - 1).max() < 1e-6
        assert all(f.group in GROUPS[vf.version] for f in vf.faces)
    face = v8.face(1313)
    assert (face.row, face.group, face.name) == (14, "hllh", "stylegan-v8 #1313")
    assert v8.z(face).shape == (512,) and v8.condition(face).shape == (7,)
    assert v7.condition(v7.face(127)).shape == (3,)
    assert builtin_catalogue("v7") == v7.faces


def test_z_csv_with_and_without_trailing_newline(tmp_path, csv_root):
    source = csv_root / "stylegan" / "stylegan_vectorfind_v7" / "ohlora_z_vectors.csv"
    text = source.read_text()
    assert text.endswith("\n")
    stripped = tmp_path / "z.csv"
    stripped.write_text(text.rstrip("\n"))
    assert np.array_equal(read_z_csv(stripped, "v7"), read_z_csv(source, "v7"))


def test_direction_csv_exact_layout(tmp_path):
    v = np.zeros(512)
    v[3] = 1.0
    path = tmp_path / "eyes_change_w_vector_hhh.csv"
    path.write_text("," + ",".join(map(str, range(512))) + "\n0," + ",".join(map(str, v)))
    assert np.array_equal(read_direction_csv(path), v)
    path.write_text("," + ",".join(map(str, range(512))) + "\n0," + ",".join(map(str, 2 * v)) + "\n")
    with pytest.raises(CorruptData, match="length"):
        read_direction_csv(path)
    path.write_text(",".join(map(str, range(512))) + "\n" + ",".join(map(str, v)) + "\n")
    with pytest.raises(CorruptData, match="header"):
        read_direction_csv(path)


def test_bad_version_and_case_numbers_list_the_valid_ones(csv_root):
    with pytest.raises(ConfigError, match="v7, v8"):
        load_vectorfind(csv_root, "v9")
    v7 = load_vectorfind(csv_root, "v7")
    with pytest.raises(ConfigError, match="127, 672"):
        v7.face(83)
    with pytest.raises(ConfigError, match="integer"):
        v7.face("none")
    assert v7.face("2240").case == 2240


def test_random_pick_uses_the_injected_rng():
    faces = builtin_catalogue("v8")
    picks = [pick_face(faces, None, random.Random(5)).case for _ in range(3)]
    assert len(set(picks)) == 1 and picks[0] in V8_CASES
    many = {pick_face(faces, None, random.Random(s)).case for s in range(60)}
    assert len(many) > 8


def test_missing_and_inconsistent_vectorfind_files(tmp_path):
    with pytest.raises(MissingModel, match="ohlora models pull --only vectorfind-v7"):
        load_vectorfind(tmp_path, "v7")
    folder = write_vectorfind(tmp_path, "v8")
    groups = folder / "ohlora_w_group_names.csv"
    lines = groups.read_text().splitlines()
    groups.write_text("\n".join(lines[:-1]) + "\n")  # 18 faces, 19 latent rows
    with pytest.raises(CorruptData, match="18 faces but"):
        load_vectorfind(tmp_path, "v8")
    lines[1] = lines[1].replace("83,", "84,", 1)
    groups.write_text("\n".join(lines) + "\n")
    with pytest.raises(CorruptData, match="released v8 catalogue"):
        load_vectorfind(tmp_path, "v8")
    assert load_vectorfind(tmp_path, "v8", check_builtin=False).faces[0].case == 84
    (folder / "property_score_vectors" / "pose_change_w_vector_llll.csv").unlink()
    with pytest.raises(MissingModel, match="pose_change_w_vector_llll"):
        load_vectorfind(tmp_path, "v8", check_builtin=False)


def test_compose_w_sign_and_precision():
    rng = np.random.default_rng(0)
    w = rng.standard_normal(512).astype(np.float32)
    dirs = rng.standard_normal((3, 512))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    out = compose_w(w, dirs, [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.2, 1.0, -0.5]])
    assert out.dtype == np.float32 and out.shape == (3, 512)
    assert np.array_equal(out[0], w)
    assert np.allclose(out[1] - w, dirs[0], atol=1e-6)  # +eyes adds E (towards "smaller" = closing)
    expected = (w.astype(np.float64) + 0.2 * dirs[0] + 1.0 * dirs[1] - 0.5 * dirs[2]).astype(np.float32)
    assert np.array_equal(out[2], expected)


# --- the generator ------------------------------------------------------------------------------------------------


def random_state_dict(version: str, seed: int = 0) -> dict:
    """Random values with the released keys and shapes (and realistic scales: raw, unscaled tensors)."""
    from ohlora.face.spec import state_dict_shapes

    gen = torch.Generator().manual_seed(seed)
    blur = torch.outer(torch.tensor([1.0, 2.0, 1.0]), torch.tensor([1.0, 2.0, 1.0])) / 16
    state = {}
    for key, shape in state_dict_shapes(version).items():
        if key == "synthesis.lod":
            value = torch.zeros(())
        elif key.endswith("blur.kernel"):
            value = blur.expand(shape).clone()
        elif key.startswith("mapping.dense") and key.endswith("weight"):
            value = torch.randn(shape, generator=gen) / 0.01  # genforce stores weight / lr_mul
        elif key.endswith("apply_noise.weight"):
            value = 0.1 * torch.randn(shape, generator=gen)
        elif ".output" in key and key.endswith("weight"):
            value = 0.3 * torch.randn(shape, generator=gen)
        elif key.endswith("bias"):
            value = 0.1 * torch.randn(shape, generator=gen)
        else:
            value = torch.randn(shape, generator=gen)
        state[key] = value
    return state


def reference_mapping(sd: dict, z, c):
    """Spec §1.3, literally."""
    u = torch.cat([z, c @ sd["mapping.label_weight"]], dim=1)
    u = u / torch.sqrt(torch.mean(u ** 2, dim=1, keepdim=True) + 1e-8)
    for i in range(8):
        weight, bias = sd[f"mapping.dense{i}.weight"], sd[f"mapping.dense{i}.bias"]
        scale = math.sqrt(2) / math.sqrt(weight.shape[1]) * 0.01
        u = F.leaky_relu(u @ (weight * scale).t() + bias * 0.01, 0.2)
    return u


def reference_synthesis(sd: dict, w):
    """Spec §1.4–1.6, literally: w repeated 14×, per layer (upsample | fused) conv, blur, noise, bias,
    LeakyReLU, instance norm, style; lod 0 → output6 only."""
    wp = w.unsqueeze(1).repeat(1, 14, 1)
    x = None
    for j in range(14):
        p = f"synthesis.layer{j}."
        res = 4 * 2 ** (j // 2)
        if j == 0:
            x = sd[p + "const"].repeat(w.shape[0], 1, 1, 1)
        else:
            weight = sd[p + "weight"]
            scaled = weight * (math.sqrt(2) / math.sqrt(weight.shape[1] * 9))
            if j % 2 == 0 and res < 128:
                x = F.interpolate(x, scale_factor=2, mode="nearest")
                x = F.conv2d(x, scaled, stride=1, padding=1)
            elif j % 2 == 0:
                k = F.pad(scaled, (1, 1, 1, 1))
                k = k[:, :, 1:, 1:] + k[:, :, :-1, 1:] + k[:, :, 1:, :-1] + k[:, :, :-1, :-1]
                x = F.conv_transpose2d(x, k.permute(1, 0, 2, 3), stride=2, padding=1)
            else:
                x = F.conv2d(x, scaled, stride=1, padding=1)
            if j % 2 == 0:
                x = F.conv2d(x, sd[p + "blur.kernel"], stride=1, padding=1, groups=x.shape[1])
        x = x + sd[p + "apply_noise.noise"] * sd[p + "apply_noise.weight"].view(1, -1, 1, 1)
        x = x + sd[p + "bias"].view(1, -1, 1, 1)
        x = F.leaky_relu(x, 0.2)
        x = x - torch.mean(x, dim=[2, 3], keepdim=True)
        x = x / torch.sqrt(torch.mean(x ** 2, dim=[2, 3], keepdim=True) + 1e-8)
        style = wp[:, j] @ (sd[p + "style.weight"] / math.sqrt(512)).t() + sd[p + "style.bias"]
        style = style.view(-1, 2, x.shape[1], 1, 1)
        x = x * (style[:, 0] + 1) + style[:, 1]
    weight = sd["synthesis.output6.weight"]
    return F.conv2d(x, weight / math.sqrt(weight.shape[1])) + sd["synthesis.output6.bias"].view(1, -1, 1, 1)


@pytest.fixture(scope="module")
def models_root(tmp_path_factory, csv_root) -> Path:
    """A models dir in the registry layout: both generators, the hair student, the CSVs."""
    from ohlora.face.hair import HairStudent

    folder = csv_root / "stylegan" / "models"
    folder.mkdir(parents=True, exist_ok=True)
    v8 = random_state_dict("v8", seed=0)
    torch.save(v8, folder / "stylegan_gen_vector_find_v8.pth")
    v7 = dict(v8)
    v7["mapping.label_weight"] = torch.randn(3, 16, generator=torch.Generator().manual_seed(9))
    torch.save(v7, folder / "stylegan_gen_vector_find_v7.pth")
    torch.manual_seed(0)
    seg = csv_root / "segmentation" / "models"
    seg.mkdir(parents=True, exist_ok=True)
    torch.save(HairStudent().state_dict(), seg / "segmentation_model_ohlora_v4.pth")
    return csv_root


@pytest.fixture(scope="module")
def v8_file(models_root) -> Path:
    return models_root / "stylegan" / "models" / "stylegan_gen_vector_find_v8.pth"


@pytest.fixture(scope="module")
def v8_module(v8_file):
    from ohlora.face.stylegan import load_module

    return load_module(v8_file)


@pytest.fixture(scope="module")
def v8_generator(v8_module):
    from ohlora.face.generator import StyleGANGenerator

    return StyleGANGenerator(v8_module, "cpu", "float32")


@needs_torch
def test_state_dict_layout_matches_the_spec():
    from ohlora.face.stylegan import StyleGANModule, state_dict_shapes

    for version, label_dims in LABELS.items():
        shapes = state_dict_shapes(version)
        keys = list(shapes)
        assert len(keys) == 123
        assert keys[:3] == ["mapping.label_weight", "mapping.dense0.weight", "mapping.dense0.bias"]
        assert keys[17:19] == ["truncation.w_avg", "synthesis.lod"]
        assert keys[19:26] == [f"synthesis.layer0.{s}" for s in (
            "bias", "const", "apply_noise.weight", "apply_noise.noise", "style.weight", "style.bias")] + [
            "synthesis.layer1.bias"]
        assert keys[-2:] == ["synthesis.output6.bias", "synthesis.output6.weight"]
        assert keys[keys.index("synthesis.layer2.style.bias") + 1] == "synthesis.layer2.blur.kernel"
        assert shapes["mapping.label_weight"] == (label_dims, 16)
        assert shapes["mapping.dense0.weight"] == (512, 528)
        assert shapes["synthesis.lod"] == ()
        assert shapes["synthesis.layer8.weight"] == (256, 512, 3, 3)
        assert shapes["synthesis.layer12.weight"] == (64, 128, 3, 3)
        assert shapes["synthesis.layer12.blur.kernel"] == (64, 1, 3, 3)
        assert shapes["synthesis.layer7.apply_noise.noise"] == (1, 1, 32, 32)
        assert shapes["synthesis.layer13.style.weight"] == (128, 512)
        assert shapes["synthesis.output4.weight"] == (3, 256, 1, 1)
        assert "synthesis.layer13.blur.kernel" not in shapes and "synthesis.layer1.blur.kernel" not in shapes
        with torch.device("meta"):
            module = StyleGANModule(label_dims)
        params = sum(p.numel() for p in module.parameters())
        assert params == {"v7": 26_094_469, "v8": 26_094_533}[version]
        assert sum(b.numel() for b in module.buffers()) == 193_121


@needs_torch
def test_spec_checker_and_module_agree_on_the_state_dict():
    """One table (`face.spec`, torch-free) serves the artifact checker and the module that loads the files."""
    from ohlora.face import spec
    from ohlora.face.stylegan import StyleGANModule
    from ohlora.models import check

    assert check.expected_generator_shapes is spec.state_dict_shapes
    assert check.LABEL_DIMS is spec.LABEL_DIMS and check.W_DIM == spec.W_DIM == spec.Z_DIM == 512
    for version in spec.VERSIONS:
        with torch.device("meta"):
            module = StyleGANModule(spec.LABEL_DIMS[version])
        actual = [(k, tuple(v.shape)) for k, v in module.state_dict(keep_vars=True).items()]
        assert actual == list(spec.state_dict_shapes(version).items())
        assert spec.VECTORFIND_Z_COLUMNS[version] == spec.Z_DIM + spec.LABEL_DIMS[version]
        assert len(spec.VECTORFIND_CASES[version]) == len(spec.VECTORFIND_FACE_GROUPS[version])


@needs_torch
def test_reference_module_is_the_literal_spec(v8_file):
    """`StyleGANModule.mapping` / `.synthesis` against the spec written out in this file: the same float32
    operations up to their order (activations are unit-scale after every norm: 1e-4 is float noise)."""
    from ohlora.face.stylegan import module_from_state_dict

    sd = torch.load(v8_file, weights_only=True)
    module = module_from_state_dict(sd)
    gen = torch.Generator().manual_seed(2)
    z, c = torch.randn(1, 512, generator=gen), torch.randn(1, 7, generator=gen)
    with torch.inference_mode():
        w = module.mapping(z, c)
        assert torch.allclose(w, reference_mapping(sd, z, c), rtol=1e-5, atol=1e-5)
        image = module.synthesis(w)
        assert torch.allclose(image, reference_synthesis(sd, w), rtol=1e-4, atol=1e-4)
        assert torch.equal(module(z, c), image)


@needs_torch
def test_strict_loading_picks_the_version_from_label_weight(models_root, v8_generator):
    from ohlora.face.generator import load_generator

    assert v8_generator.version == "v8" and v8_generator.label_dims == 7
    v7 = load_generator(models_root / "stylegan" / "models" / "stylegan_gen_vector_find_v7.pth", "cpu", "float32")
    assert v7.version == "v7" and v7.label_dims == 3
    assert len(v7.label_checksum) == 64 and v7.label_checksum != v8_generator.label_checksum


@needs_torch
def test_fast_path_matches_the_literal_reference(v8_file, v8_module):
    from ohlora.face.generator import StyleGANGenerator
    from ohlora.face.stylegan import postprocess

    sd = torch.load(v8_file, weights_only=True)
    gen = torch.Generator().manual_seed(3)
    z, c = torch.randn(1, 512, generator=gen), torch.randn(1, 7, generator=gen)
    with torch.inference_mode():
        w_ref = reference_mapping(sd, z, c)
        image_ref = reference_synthesis(sd, w_ref)
    pixels_ref = postprocess(image_ref).astype(int)
    for plan in ("direct", "auto"):
        fast = StyleGANGenerator(v8_module, "cpu", "float32", plan=plan)
        w = fast.mapping(z.numpy(), c.numpy())
        assert torch.allclose(w, w_ref, atol=1e-5, rtol=1e-5)
        image = fast.synthesis(w_ref)
        assert image.shape == (1, 3, 256, 256) and image.dtype == torch.float32
        assert (image - image_ref).abs().max().item() < 1e-4
        pixels = fast.render(w_ref).astype(int)
        assert pixels.shape == (1, 256, 256, 3)
        assert np.abs(pixels - pixels_ref).max() <= 1
        assert (pixels != pixels_ref).mean() < 1e-3


@needs_torch
def test_fused_kernel_of_the_flipped_weight_is_upsample_then_conv():
    from ohlora.face.stylegan import fused_kernel

    gen = torch.Generator().manual_seed(0)
    x, weight = torch.randn(2, 5, 6, 6, generator=gen), torch.randn(4, 5, 3, 3, generator=gen)
    direct = F.conv2d(F.interpolate(x, scale_factor=2, mode="nearest"), weight, padding=1)
    transposed = F.conv_transpose2d(x, fused_kernel(weight.flip(2, 3)), stride=2, padding=1)
    assert torch.allclose(direct, transposed, atol=1e-5)
    unflipped = F.conv_transpose2d(x, fused_kernel(weight), stride=2, padding=1)
    assert not torch.allclose(direct, unflipped, atol=1e-3)  # the original's fused layers are not "up + conv"


@needs_torch
def test_render_is_deterministic_and_batched_frames_equal_single_ones(v8_generator):
    w = v8_generator.mapping(np.ones((3, 512)), np.zeros((3, 7))).numpy()
    w[1] += 0.5
    w[2] -= 0.5
    batch = v8_generator.render(w)
    assert batch.dtype == np.uint8 and batch.shape == (3, 256, 256, 3)
    assert np.array_equal(batch, v8_generator.render(w))
    single = v8_generator.render(w[1])
    assert np.abs(single[0].astype(int) - batch[1].astype(int)).max() <= 1
    assert not np.array_equal(batch[0], batch[1])


@needs_torch
def test_postprocess_round_half_up_and_clip():
    from ohlora.face.stylegan import postprocess

    image = torch.tensor([-1.0, 0.0, 1.0, 1.5, -3.0, -0.6]).view(1, 1, 1, 6).expand(1, 3, 1, 6)
    # (x + 1)·127.5 + 0.5, clipped, truncated: 0 → 128 (round half up), −0.6 → 51.5 → 51
    assert postprocess(image)[0, 0, :, 0].tolist() == [0, 128, 255, 255, 0, 51]


@needs_torch
def test_lod_is_forced_to_zero_with_a_warning(v8_file, v8_generator):
    from ohlora.face.generator import StyleGANGenerator
    from ohlora.face.stylegan import load_module

    module = load_module(v8_file)
    module.synthesis.lod.fill_(2.0)
    with pytest.warns(UserWarning, match="lod"):
        gen = StyleGANGenerator(module, "cpu", "float32")
    w = np.full((1, 512), 0.3, dtype=np.float32)
    assert gen.stored_lod == 2.0
    assert np.array_equal(gen.render(w), v8_generator.render(w))


@needs_torch
def test_bfloat16_path_stays_close(v8_module, v8_generator):
    from ohlora.face.generator import StyleGANGenerator

    bf16 = StyleGANGenerator(v8_module, "cpu", "bfloat16")
    w = v8_generator.mapping(np.full((1, 512), 0.1), np.zeros((1, 7)))
    diff = np.abs(bf16.render(w).astype(int) - v8_generator.render(w).astype(int))
    assert diff.mean() < 4 and np.percentile(diff, 99) < 20


@needs_torch
def test_missing_and_corrupt_generator_files(tmp_path, v8_file):
    from ohlora.face.generator import load_generator

    with pytest.raises(MissingModel, match=r"stylegan_gen_vector_find_v8\.pth.*ohlora models pull --only stylegan-v8"):
        load_generator(tmp_path / "stylegan_gen_vector_find_v8.pth", "cpu")
    garbage = tmp_path / "stylegan_gen_vector_find_v7.pth"
    garbage.write_bytes(b"not a checkpoint")
    with pytest.raises(CorruptData, match="stylegan-v7"):
        load_generator(garbage, "cpu")
    state = torch.load(v8_file, weights_only=True)
    broken = tmp_path / "broken_v8.pth"
    bad = dict(state)
    del bad["synthesis.layer5.style.bias"]
    bad["synthesis.layer3.weight"] = torch.zeros(512, 512, 1, 1)
    bad["extra.thing"] = torch.zeros(1)
    torch.save(bad, broken)
    with pytest.raises(CorruptData) as err:
        load_generator(broken, "cpu")
    message = str(err.value)
    assert "synthesis.layer5.style.bias" in message and "synthesis.layer3.weight" in message
    assert "extra.thing" in message
    bad = dict(state)
    bad["mapping.label_weight"] = torch.zeros(5, 16)
    torch.save(bad, broken)
    with pytest.raises(CorruptData, match=r"label_weight has shape \[5, 16\]"):
        load_generator(broken, "cpu")
    bad = dict(state)
    bad["synthesis.layer4.bias"] = torch.full((512,), float("nan"))
    torch.save(bad, broken)
    with pytest.raises(CorruptData, match="non-finite"):
        load_generator(broken, "cpu")


# --- the face ------------------------------------------------------------------------------------------------------


@needs_torch
def test_stylegan_face_draws_clamped_batches_with_hair_masks(models_root, v8_generator):
    from ohlora.face.base import Drawn, Expression
    from ohlora.face.stylegan_face import load_stylegan_face

    face = load_stylegan_face(models_root, "v8", case=83, device="cpu", dtype="float32", max_batch=2)
    assert face.name == "stylegan-v8 #83" and face.size == 256
    vectors = load_vectorfind(models_root, "v8")
    entry = vectors.face(83)
    expected_w = v8_generator.mapping(vectors.z(entry)[None], vectors.condition(entry)[None])[0].numpy()
    assert np.array_equal(face.w, expected_w)
    expressions = [Expression(), Expression(eyes=9.0, mouth=-9.0, pose=9.0), Expression(eyes=1.5, mouth=-2.0, pose=1.0)]
    drawn = face.draw(expressions)
    assert len(drawn) == 3 and all(isinstance(d, Drawn) for d in drawn)
    for d in drawn:
        assert d.rgb.shape == (256, 256, 3) and d.rgb.dtype == np.uint8
        assert d.hair.shape == (224, 224) and d.hair.dtype == np.float32
        assert d.hair.min() >= 0.0 and d.hair.max() <= 1.0
    # out-of-range weights are clamped (frames 1 and 2 are in different batches: ±1 allowed)
    assert np.abs(drawn[1].rgb.astype(int) - drawn[2].rgb.astype(int)).max() <= 1
    assert np.abs(drawn[0].rgb.astype(int) - drawn[1].rgb.astype(int)).max() > 10
    w = compose_w(expected_w, vectors.edit_directions(entry), [[0.2, 1.0, 0.0]])
    assert np.abs(v8_generator.render(w)[0].astype(int) - drawn[0].rgb.astype(int)).max() <= 1
    again = face.draw(expressions[:2])  # same batch composition → identical output
    for a, b in zip(again, drawn[:2], strict=True):
        assert np.array_equal(a.rgb, b.rgb) and np.array_equal(a.hair, b.hair)
    assert face.draw([]) == []


@needs_torch
def test_fixed_batches_only_ever_render_one_or_max_batch_frames(models_root):
    from ohlora.face.base import Expression
    from ohlora.face.stylegan_face import load_stylegan_face

    face = load_stylegan_face(models_root, "v8", case=83, device="cpu", dtype="float32", max_batch=4)
    assert face.fixed_batches is False  # a CPU plans new shapes cheaply
    sizes: list[int] = []
    render = face.generator.render_tensor

    def recording(w):
        sizes.append(int(w.shape[0]))
        return render(w)

    face.generator.render_tensor = recording
    expressions = [Expression(eyes=0.1 * i) for i in range(7)]
    plain = face.draw(expressions)
    assert sizes == [4, 3]
    face.fixed_batches = True  # what a GPU face does
    sizes.clear()
    fixed = face.draw(expressions) + face.draw(expressions[:1])
    assert sizes == [4, 4, 1]  # the remainder of 3 was padded to 4; a lone frame stays 1
    assert len(fixed) == 8
    for a, b in zip(fixed, plain + plain[:1], strict=True):
        assert np.abs(a.rgb.astype(int) - b.rgb.astype(int)).max() <= 1


@needs_torch
def test_load_stylegan_face_errors(models_root, tmp_path):
    from ohlora.face.stylegan_face import load_stylegan_face

    with pytest.raises(ConfigError, match="83, 143"):
        load_stylegan_face(models_root, "v8", case=127, device="cpu")
    with pytest.raises(ConfigError, match="v7, v8"):
        load_stylegan_face(models_root, "v6", device="cpu")
    with pytest.raises(MissingModel, match="ohlora models pull --only stylegan-v7"):
        load_stylegan_face(tmp_path, "v7", device="cpu")
    write_vectorfind(tmp_path, "v7")
    (tmp_path / "stylegan" / "models").mkdir(parents=True)
    v8_weights = models_root / "stylegan" / "models" / "stylegan_gen_vector_find_v8.pth"
    (tmp_path / "stylegan" / "models" / "stylegan_gen_vector_find_v7.pth").symlink_to(v8_weights)
    with pytest.raises(MissingModel, match="ohlora models pull --only hair-segmentation"):
        load_stylegan_face(tmp_path, "v7", device="cpu")
    face = load_stylegan_face(models_root, "v7", rng=random.Random(1), device="cpu", hair=False)
    assert face.entry.case in V7_CASES and face.draw([face_expression()])[0].hair.shape == (256, 256)
    with pytest.raises(CorruptData, match="v8 but the VectorFind data is v7"):
        load_stylegan_face(tmp_path, "v7", device="cpu", hair=False)


def face_expression():
    from ohlora.face.base import Expression

    return Expression()


@needs_torch
def test_device_and_dtype_names():
    from ohlora.devices import resolve_device, resolve_dtype

    cpu = resolve_device("cpu")
    assert cpu.type == "cpu" and resolve_device(" CPU ") == cpu
    assert resolve_device("auto").type in ("cpu", "cuda", "mps")
    with pytest.raises(ConfigError, match="unsupported device|unknown device"):
        resolve_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ConfigError, match="CUDA is not available"):
            resolve_device("cuda:0")
    assert resolve_dtype("auto", cpu) == torch.float32
    assert resolve_dtype("bf16", cpu) == torch.bfloat16
    with pytest.raises(ConfigError, match="slow on a CPU"):
        resolve_dtype("float16", cpu)
    with pytest.raises(ConfigError, match="unknown dtype"):
        resolve_dtype("int8", cpu)
    # what the language models ask for: half precision off the CPU, float16 on a CPU only warned about
    assert resolve_dtype("auto", cpu, auto="half") == torch.float32
    assert resolve_dtype("fp16", cpu, cpu_float16=True) == torch.float16
    assert resolve_dtype(torch.bfloat16, cpu) == torch.bfloat16
    with pytest.raises(ValueError, match="auto must be one of"):
        resolve_dtype("auto", cpu, auto="fast")
    if torch.cuda.is_available():
        cuda = resolve_device("cuda")
        assert cuda.index is not None and resolve_dtype("auto", cuda) == torch.float32
        assert resolve_dtype("auto", cuda, auto="half") in (torch.bfloat16, torch.float16)


def test_devices_module_imports_without_torch():
    import subprocess
    import sys

    code = ("import sys; sys.modules['torch'] = None; import ohlora.devices, ohlora.face.spec, "
            "ohlora.models.check; print('ok')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "ok", result.stderr


# --- through the command line, as users run it ----------------------------------------------------------------
@needs_torch
@pytest.mark.parametrize("version,case", [("v8", 83), ("v7", 1277)])
def test_ohlora_face_render_with_the_released_layout(models_root, tmp_path, version, case):
    """`ohlora face render` on state dicts with the released keys/shapes, the exact CSV layouts and the
    segmentation student: strict loading, deterministic output, a 256×256 RGB picture with ombre."""
    from PIL import Image
    from typer.testing import CliRunner

    from ohlora.cli import app

    def render(name: str, *extra: str):
        out = tmp_path / name
        result = CliRunner().invoke(app, [
            "--home", str(tmp_path / "home"), "--models-dir", str(models_root), "face", "render",
            "--version", version, "--face", str(case), "--eyes", "-0.8", "--mouth", "-1.2", "--pose", "0.3",
            "--color", "0.55", *extra, "-o", str(out),
        ])
        assert result.exit_code == 0, result.output
        return out

    first, second = render("a.png"), render("b.png")
    assert first.read_bytes() == second.read_bytes()  # deterministic: fixed noise, eval-mode segmentation
    with Image.open(first) as image:
        assert image.size == (256, 256) and image.mode == "RGB"
        dyed = np.asarray(image)
    with Image.open(render("plain.png", "--no-ombre")) as image:
        plain = np.asarray(image)
    assert plain.shape == dyed.shape
    bad = CliRunner().invoke(app, ["--home", str(tmp_path / "home"), "--models-dir", str(models_root), "face",
                                   "render", "--version", version, "--face", "1", "-o", str(tmp_path / "x.png")])
    assert isinstance(bad.exception, ConfigError) and str(case) in str(bad.exception)  # valid numbers listed
