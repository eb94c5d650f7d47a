"""Winograd F(4×4, 3×3): the same convolutions as the direct ones, and the synthesis built on it."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional


def channels_last(x):
    return x.contiguous(memory_format=torch.channels_last)


@pytest.fixture(scope="module")
def transforms():
    from ohlora.face.winograd import WinogradTransforms

    return WinogradTransforms("cpu")


def relative_error(a, b) -> float:
    return float((a.double() - b).abs().max() / b.abs().max())


@pytest.mark.parametrize(("batch", "c_in", "c_out", "size"), [(1, 16, 8, 4), (2, 32, 24, 16), (3, 8, 8, 12)])
def test_conv3x3_equals_the_direct_convolution(transforms, batch, c_in, c_out, size):
    from ohlora.face.winograd import winograd_conv3x3, winograd_weights

    gen = torch.Generator().manual_seed(size)
    x = channels_last(torch.randn(batch, c_in, size, size, generator=gen))
    k = torch.randn(c_out, c_in, 3, 3, generator=gen)
    ref = F.conv2d(x.double(), k.double(), padding=1)
    y = winograd_conv3x3(x, winograd_weights(k), transforms)
    assert y.shape == (batch, c_out, size, size) and y.dtype == torch.float32
    assert y.is_contiguous(memory_format=torch.channels_last)
    assert relative_error(y, ref) < 2e-5
    # the borders are exact too (zero padding), not only the interior
    assert relative_error(y[..., 0, :], ref[..., 0, :]) < 2e-5
    assert relative_error(y[..., :, -1], ref[..., :, -1]) < 2e-5
    noise = torch.randn(1, c_out, size, size, generator=gen)
    with_add = winograd_conv3x3(x, winograd_weights(k), transforms, add=channels_last(noise))
    assert relative_error(with_add, ref + noise.double()) < 2e-5
    assert relative_error(winograd_conv3x3(x, winograd_weights(k), transforms, add=noise), ref + noise.double()) < 2e-5


@pytest.mark.parametrize(("batch", "size"), [(1, 4), (2, 8)])
def test_upsampling_conv_equals_upsample_then_conv_and_the_fused_transposed_conv(transforms, batch, size):
    from ohlora.face.stylegan import fused_kernel
    from ohlora.face.winograd import upsample_phase_kernel, winograd_upsample_conv3x3, winograd_weights

    gen = torch.Generator().manual_seed(7 + size)
    x = channels_last(torch.randn(batch, 12, size, size, generator=gen))
    k = torch.randn(20, 12, 3, 3, generator=gen)
    nearest = F.conv2d(F.interpolate(x.double(), scale_factor=2, mode="nearest"), k.double(), padding=1)
    y = winograd_upsample_conv3x3(x, winograd_weights(upsample_phase_kernel(k)), transforms)
    assert y.shape == (batch, 20, 2 * size, 2 * size)
    assert relative_error(y, nearest) < 2e-5
    # the original's fused layers: transposed conv of fused_kernel(k) = upsample + conv of flip(k)
    transposed = F.conv_transpose2d(x.double(), fused_kernel(k.double()), stride=2, padding=1)
    y = winograd_upsample_conv3x3(x, winograd_weights(upsample_phase_kernel(k.flip(2, 3))), transforms)
    assert relative_error(y, transposed) < 2e-5
    noise = torch.randn(1, 20, 2 * size, 2 * size, generator=gen)
    y = winograd_upsample_conv3x3(x, winograd_weights(upsample_phase_kernel(k)), transforms, add=noise)
    assert relative_error(y, nearest + noise.double()) < 2e-5


def test_phase_kernel_is_exact():
    """Each output parity reads only its own input taps: the phase kernels hold sums of the
    original taps and zeros where a parity never reaches."""
    from ohlora.face.winograd import upsample_phase_kernel

    k = torch.arange(9, dtype=torch.float64).view(1, 1, 3, 3) + 1
    phases = upsample_phase_kernel(k).view(2, 2, 3, 3)
    assert phases[0, 0].tolist() == [[1, 5, 0], [11, 28, 0], [0, 0, 0]]
    assert phases[1, 1].tolist() == [[0, 0, 0], [0, 12, 9], [0, 15, 9]]
    assert phases.sum().item() == 4 * k.sum().item()


def test_bad_shapes_are_refused(transforms):
    from ohlora.face.winograd import winograd_conv3x3, winograd_weights

    with pytest.raises(ValueError, match="multiples of 4"):
        winograd_conv3x3(torch.zeros(1, 4, 6, 8), winograd_weights(torch.zeros(4, 4, 3, 3)), transforms)
    with pytest.raises(ValueError, match="3, 3"):
        winograd_weights(torch.zeros(4, 4, 5, 5))


def test_synthesis_modes_agree_and_choose_layers(monkeypatch):
    from ohlora.face import winograd_jit
    from ohlora.face.stylegan import (
        CPU_GEMM_LAYERS,
        CPU_WINOGRAD_LAYERS,
        JIT_WINOGRAD_LAYERS,
        StyleGANGenerator,
        StyleGANModule,
        postprocess,
    )
    from test_face_stylegan import random_state_dict, reference_synthesis

    state = random_state_dict("v8", seed=4)
    with torch.device("meta"):
        module = StyleGANModule(7)
    module.load_state_dict(state, strict=True, assign=True)
    w = torch.randn(2, 512, generator=torch.Generator().manual_seed(8))
    with torch.inference_mode():
        ref = reference_synthesis({k: v.double() for k, v in state.items()}, w.double())
    pixels_ref = postprocess(ref).astype(int)
    layers = {}
    for conv in ("direct", "auto", "winograd", "jit"):
        gen = StyleGANGenerator(module, "cpu", "float32", conv=conv)
        layers[conv] = gen.winograd_layers, gen.jit
        assert gen.gemm_layers == (CPU_GEMM_LAYERS - gen.winograd_layers if conv == "auto" else frozenset())
        assert not gen.gemm_layers & gen.winograd_layers
        image = gen.synthesis(w)
        assert (image.double() - ref).abs().max().item() < 2e-4, conv
        pixels = gen.render(w).astype(int)
        assert np.abs(pixels - pixels_ref).max() <= 1, conv
        assert (pixels != pixels_ref).mean() < 2e-3, conv
    every = frozenset(range(1, 14))
    assert layers == {"direct": (frozenset(), False), "auto": (JIT_WINOGRAD_LAYERS, True),
                      "winograd": (every, False), "jit": (every, True)}
    # compile keeps the torch transforms (numba calls would break the graph); jit + compile is refused
    gen = StyleGANGenerator(module, "cpu", "float32", compile=True)
    assert (gen.winograd_layers, gen.jit) == (CPU_WINOGRAD_LAYERS, False)
    with pytest.raises(ValueError, match="compile"):
        StyleGANGenerator(module, "cpu", "float32", conv="jit", compile=True)
    # without numba, auto falls back to the torch Winograd layers and jit is refused
    monkeypatch.setattr(winograd_jit, "available", lambda: False)  # the name stylegan consults
    gen = StyleGANGenerator(module, "cpu", "float32")
    assert (gen.winograd_layers, gen.jit, gen.gemm_layers) == (CPU_WINOGRAD_LAYERS, False, CPU_GEMM_LAYERS)
    with pytest.raises(ValueError, match="numba"):
        StyleGANGenerator(module, "cpu", "float32", conv="jit")
    monkeypatch.undo()
    # auto is direct where Winograd does not apply
    assert StyleGANGenerator(module, "cpu", "bfloat16").winograd_layers == frozenset()
    assert StyleGANGenerator(module, "cpu", "float32", channels_last=False).winograd_layers == frozenset()
    with pytest.raises(ValueError, match="conv must be one of"):
        StyleGANGenerator(module, "cpu", "float32", conv="fft")
    with pytest.raises(ValueError, match="float32 and channels_last"):
        StyleGANGenerator(module, "cpu", "bfloat16", conv="winograd")


@pytest.mark.parametrize("upsample", [False, True])
def test_gemm_layers_match_direct_float64(upsample):
    """The small-map layers as matrix products: same as (nearest ×2 then) a padded 3×3 correlation."""
    from ohlora.face.stylegan import _gemm_conv3x3, _gemm_upsample_conv3x3, gemm_weights

    g = torch.Generator().manual_seed(11)
    x = torch.randn(2, 6, 4, 4, generator=g).contiguous(memory_format=torch.channels_last)
    kernel = torch.randn(5, 6, 3, 3, generator=g)
    weights = gemm_weights(kernel, upsample)
    got = (_gemm_upsample_conv3x3 if upsample else _gemm_conv3x3)(x, weights)
    d = F.interpolate(x.double(), scale_factor=2.0, mode="nearest") if upsample else x.double()
    expected = F.conv2d(d, kernel.double(), padding=1)
    assert got.shape == expected.shape
    assert got.is_contiguous(memory_format=torch.channels_last)
    assert (got.double() - expected).abs().max().item() < 1e-5
