"""The convolution back-ends of the synthesis (`ohlora.face.conv`): every kernel is the reference layer,
every plan gives the reference module's pixels (±1), and plans are checked data."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

SLOPE = 0.2
EPS = 1e-8


@pytest.fixture(scope="module")
def module_and_state():
    from ohlora.face.stylegan import module_from_state_dict
    from test_face_stylegan import random_state_dict

    state = random_state_dict("v8", seed=4)
    return module_from_state_dict(state), state


@pytest.fixture(scope="module")
def reference_pixels(module_and_state):
    """The reference module in float64 on two w: the raw image and its uint8 pixels."""
    from ohlora.face.stylegan import module_from_state_dict, postprocess

    _, state = module_and_state
    w = torch.randn(2, 512, generator=torch.Generator().manual_seed(8))
    with torch.inference_mode():
        ref = module_from_state_dict(state).double().synthesis(w.double())
    return w, ref, postprocess(ref).astype(int)


def _compiled_available() -> bool:
    from ohlora.face.conv import jit

    return jit.available()


needs_numba = pytest.mark.skipif(not _compiled_available(), reason="numba (with OpenMP/TBB) is not installed")


def _plans():
    from ohlora.face.conv.plan import CPU_COMPILED, DIRECT, WINOGRAD, Plan

    mixed = Plan("mixed", tuple(("direct", "winograd")[i % 2] for i in range(13)))  # each follows the other
    grid = Plan("grid", tuple("winograd-grid" if i in (2, 4, 6, 8, 10, 12) else "winograd" for i in range(1, 14)))
    return {"direct": DIRECT, "code": CPU_COMPILED, "winograd": WINOGRAD, "mixed": mixed, "grid": grid}


@pytest.mark.parametrize("name", ["direct", "code", "winograd", "mixed", "grid"])
def test_every_plan_renders_the_reference_pixels(module_and_state, reference_pixels, name):
    from ohlora.face.generator import StyleGANGenerator

    plan = _plans()[name]
    if plan.compiled and not _compiled_available():
        pytest.skip("numba is not installed")
    w, ref, pixels_ref = reference_pixels
    gen = StyleGANGenerator(module_and_state[0], "cpu", "float32", plan=plan)
    assert gen.plan is plan
    image = gen.synthesis(w)
    # float32 layers against float64: ~1e-5 of the unit-scale activations after 13 normalised layers
    assert (image.double() - ref).abs().max().item() < 2e-4, name
    pixels = gen.render(w).astype(int)
    assert np.abs(pixels - pixels_ref).max() <= 1, name
    assert (pixels != pixels_ref).mean() < 2e-3, name


def test_plans_are_data_and_auto_chooses_by_device_and_dtype(monkeypatch, module_and_state):
    from ohlora.face.conv import jit
    from ohlora.face.conv.plan import CPU_COMPILED, DIRECT, WINOGRAD, Plan, choose_plan
    from ohlora.face.generator import StyleGANGenerator

    cpu = torch.device("cpu")
    assert CPU_COMPILED.layers("winograd*") | CPU_COMPILED.layers("direct") == frozenset(range(1, 14))
    assert choose_plan("direct", cpu, torch.float32, True) is DIRECT
    with pytest.raises(ValueError, match="13 kernels"):
        Plan("short", ("direct",) * 12)
    with pytest.raises(ValueError, match="kernel must be one of"):
        Plan("fft", ("fft",) * 13)
    with pytest.raises(ValueError, match="does not upsample"):
        Plan("bad", ("winograd-grid",) * 13)
    with pytest.raises(ValueError, match="plan must be one of"):
        choose_plan("fastest", cpu, torch.float32, True)
    monkeypatch.setattr(jit, "available", lambda: True)
    assert choose_plan("auto", cpu, torch.float32, True) is CPU_COMPILED
    assert choose_plan("winograd", cpu, torch.float32, True) is WINOGRAD
    # auto is direct where the compiled kernels cannot run: compile, bfloat16, NCHW, a GPU
    assert choose_plan("auto", cpu, torch.float32, True, compile=True) is DIRECT
    assert choose_plan("auto", cpu, torch.bfloat16, True) is DIRECT
    assert choose_plan("auto", cpu, torch.float32, False) is DIRECT
    assert choose_plan("auto", torch.device("cuda"), torch.float32, True) is DIRECT
    with pytest.raises(ValueError, match="compile"):
        choose_plan("winograd", cpu, torch.float32, True, compile=True)
    with pytest.raises(ValueError, match="float32, channels_last"):
        choose_plan(CPU_COMPILED, cpu, torch.bfloat16, True)
    monkeypatch.setattr(jit, "available", lambda: False)  # no numba: direct, and Winograd is refused
    assert choose_plan("auto", cpu, torch.float32, True) is DIRECT
    with pytest.raises(ValueError, match="numba"):
        StyleGANGenerator(module_and_state[0], "cpu", "float32", plan="winograd")


# --- one layer, every kernel, against float64 -------------------------------------------------------------


def _layer_case(seed: int, batch: int, c_in: int, c_out: int, size: int, upsample: bool, blur: bool):
    from ohlora.face.conv.base import LayerWeights

    g = torch.Generator().manual_seed(seed)
    x = torch.randn(batch, c_in, size, size, generator=g).contiguous(memory_format=torch.channels_last)
    a, b = torch.rand(batch, c_in, generator=g) + 0.5, torch.randn(batch, c_in, generator=g)
    kernel = torch.randn(c_out, c_in, 3, 3, generator=g) / (3 * c_in ** 0.5)
    out = 2 * size if upsample else size
    add = torch.randn(1, c_out, out, out, generator=g)
    base = torch.outer(torch.tensor([1.0, 2.0, 1.0]), torch.tensor([1.0, 2.0, 1.0])) / 16
    blur_kernel = (base * torch.linspace(0.5, 1.5, c_out).view(-1, 1, 1)).unsqueeze(1) if blur else None
    scale, shift = torch.rand(batch, c_out, generator=g) + 0.5, torch.randn(batch, c_out, generator=g)
    return LayerWeights(1, upsample, kernel, add, blur_kernel), x, a, b, scale, shift


def reference_layer(layer, x, a, b, scale, shift):
    """The layer written out directly in float64: input affine, (upsample), conv, (blur), +add, LeakyReLU,
    instance norm, style."""
    d = x.double() * a.double()[:, :, None, None] + b.double()[:, :, None, None]
    if layer.upsample:
        d = F.interpolate(d, scale_factor=2.0, mode="nearest")
    y = F.conv2d(d, layer.kernel.double(), padding=1)
    if layer.blur is not None:
        y = F.conv2d(y, layer.blur.double(), padding=1, groups=y.shape[1])
    y = F.leaky_relu(y + layer.add.double(), SLOPE)
    y = (y - y.mean(dim=(2, 3), keepdim=True)) / torch.sqrt(y.var(dim=(2, 3), keepdim=True, unbiased=False) + EPS)
    return y * scale.double()[:, :, None, None] + shift.double()[:, :, None, None]


@pytest.mark.parametrize("kernel_name", ["direct", "winograd", "winograd-grid"])
@pytest.mark.parametrize(("batch", "c_in", "c_out", "size", "upsample", "blur"), [
    (1, 8, 16, 4, False, False),  # one tile: every tap of it touches the zero border
    (2, 16, 8, 12, False, False),
    (3, 8, 8, 8, True, True),  # StyleGAN's upsampling layers: conv, then the blur
    (2, 16, 8, 6, True, True),  # the small map need not tile on the 2× grid
])
def test_each_kernel_is_the_reference_layer(kernel_name, batch, c_in, c_out, size, upsample, blur):
    from ohlora.face.conv.base import Activation
    from ohlora.face.conv.direct import DirectKernel
    from ohlora.face.conv.winograd import WinogradKernel

    if kernel_name == "winograd-grid" and not upsample:
        pytest.skip("the grid variant is for upsampling layers")
    if kernel_name.startswith("winograd") and not _compiled_available():
        pytest.skip("numba is not installed")
    if kernel_name == "winograd" and upsample and size % 4:
        pytest.skip("phases tile the small map: its size must be a multiple of 4")
    layer, x, a, b, scale, shift = _layer_case(batch + size, batch, c_in, c_out, size, upsample, blur)
    if kernel_name == "direct":
        kernel = DirectKernel(layer, torch.device("cpu"), torch.float32, torch.channels_last)
    else:
        kernel = WinogradKernel(layer, grid=kernel_name == "winograd-grid")
    with torch.inference_mode():
        got = kernel(Activation(x, a, b), scale, shift)
        assert got.x.shape == (batch, c_out, 2 * size if upsample else size, 2 * size if upsample else size)
        value = got.materialised()
    ref = reference_layer(layer, x, a, b, scale, shift)
    assert (value.double() - ref).abs().max().item() < 1e-4
    assert (got.a is None) == (kernel_name == "direct")  # Winograd leaves the norm + style pending


def test_activation_affine_broadcasts_the_constant_input():
    from ohlora.face.conv.base import Activation

    x = torch.randn(1, 8, 4, 4)
    a, b = torch.rand(3, 8), torch.randn(3, 8)
    value = Activation(x, a, b).materialised()
    assert value.shape == (3, 8, 4, 4)
    assert torch.allclose(value[2], x[0] * a[2, :, None, None] + b[2, :, None, None])
    assert Activation(x).materialised() is x

