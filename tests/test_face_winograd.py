"""The compiled Winograd back-end (`ohlora.face.conv.winograd`) against float64 direct convolutions."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional
winograd = pytest.importorskip("ohlora.face.conv.winograd")
if not winograd.available():  # pragma: no cover - the test extra installs numba
    pytest.skip("numba is not installed", allow_module_level=True)

from ohlora.face.conv.base import Activation  # noqa: E402
from ohlora.face.conv.winograd import upsample_phase_kernel, winograd_weights  # noqa: E402

SLOPE = 0.2
EPS = 1e-8


def blur_taps(kernel):
    return kernel.reshape(kernel.shape[0], 9).t().contiguous()


def _case(seed: int, batch: int, c_in: int, c_out: int, size: int, upsample: bool):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(batch, c_in, size, size, generator=g).contiguous(memory_format=torch.channels_last)
    alpha = torch.rand(batch, c_in, generator=g) + 0.5
    beta = torch.randn(batch, c_in, generator=g)
    kernel = torch.randn(c_out, c_in, 3, 3, generator=g) / (3 * c_in ** 0.5)
    out = 2 * size if upsample else size
    add = torch.randn(1, c_out, out, out, generator=g).contiguous(memory_format=torch.channels_last)
    scale = torch.rand(batch, c_out, generator=g) + 0.5
    shift = torch.randn(batch, c_out, generator=g)
    return x, alpha, beta, kernel, add, scale, shift


def _reference(x, alpha, beta, kernel, add, scale, shift, upsample, blur=None):
    """The layer written out directly in float64: affine, (upsample), conv, (blur), +add, LeakyReLU,
    norm, style."""
    d = x.double() * alpha.double()[:, :, None, None] + beta.double()[:, :, None, None]
    if upsample:
        d = F.interpolate(d, scale_factor=2.0, mode="nearest")
    y = F.conv2d(d, kernel.double(), padding=1)
    if blur is not None:
        y = F.conv2d(y, blur.double(), padding=1, groups=y.shape[1])
    y = F.leaky_relu(y + add.double(), SLOPE)
    mean = y.mean(dim=(2, 3), keepdim=True)
    var = y.var(dim=(2, 3), keepdim=True, unbiased=False)
    y = (y - mean) / torch.sqrt(var + EPS)
    return y * scale.double()[:, :, None, None] + shift.double()[:, :, None, None]


def _weights(kernel, upsample):
    return winograd_weights(upsample_phase_kernel(kernel) if upsample == "phases" else kernel)


@pytest.mark.parametrize(("batch", "c_in", "c_out", "size", "upsample", "blur"), [
    (1, 8, 16, 4, "none", False),  # one tile: every tap of it touches the zero border
    (2, 16, 8, 12, "none", False),
    (3, 8, 8, 8, "phases", False),
    (2, 32, 16, 16, "phases", True),  # StyleGAN's upsampling layers: conv, then the blur
    (1, 8, 8, 4, "none", True),
    (3, 8, 8, 8, "grid", False),
    (2, 16, 8, 6, "grid", True),  # upsampled in the input transform: the small map need not tile
])
def test_fused_layer_matches_direct_float64(batch, c_in, c_out, size, upsample, blur):
    up = upsample != "none"
    x, alpha, beta, kernel, add, scale, shift = _case(batch + size, batch, c_in, c_out, size, up)
    weights = _weights(kernel, upsample)
    # a per-channel blur: the [1, 2, 1]² / 16 filter of the checkpoints, scaled differently per channel
    base = torch.outer(torch.tensor([1.0, 2.0, 1.0]), torch.tensor([1.0, 2.0, 1.0])) / 16
    blur_kernel = (base * torch.linspace(0.5, 1.5, c_out).view(-1, 1, 1)).unsqueeze(1) if blur else None
    taps = None if blur_kernel is None else blur_taps(blur_kernel)
    with torch.inference_mode():
        pending = winograd.fused_layer(Activation(x, alpha, beta), weights, add, upsample, scale, shift, taps)
        got = pending.materialised()
    ref = _reference(x, alpha, beta, kernel, add, scale, shift, up, blur_kernel)
    out = 2 * size if up else size
    assert got.shape == (batch, c_out, out, out)
    assert got.is_contiguous(memory_format=torch.channels_last)
    assert (got.double() - ref).abs().max().item() < 1e-4
    # the pending form: LeakyReLU output before the norm, and the affine that completes it
    raw = pending.x.double()
    assert (raw.min() < 0) and (raw * pending.a.double()[:, :, None, None]
                                + pending.b.double()[:, :, None, None] - ref).abs().max().item() < 1e-4


@pytest.mark.parametrize(("upsample", "blur"), [("none", False), ("phases", False), ("phases", True),
                                               ("grid", True)])
def test_bands_split_anywhere(monkeypatch, upsample, blur):
    """Bands of one tile row (inside a sample and across samples) give the same layer as one band."""
    x, alpha, beta, kernel, add, scale, shift = _case(5, 3, 8, 8, 12, upsample != "none")
    weights = _weights(kernel, upsample)
    base = torch.outer(torch.tensor([1.0, 2.0, 1.0]), torch.tensor([1.0, 2.0, 1.0])) / 16
    blur_kernel = base.expand(8, 1, 3, 3).clone() if blur else None
    taps = None if blur_kernel is None else blur_taps(blur_kernel)

    def layer():
        return winograd.fused_layer(Activation(x, alpha, beta), weights, add, upsample, scale, shift,
                                    taps).materialised()

    with torch.inference_mode():
        whole = layer()
        for band_bytes in (1, 36 * 3 * 32 * 4 * 2):  # one tile row per band; two rows (bands straddle samples)
            monkeypatch.setattr(winograd, "BAND_BYTES", band_bytes)
            assert torch.allclose(layer(), whole, atol=1e-5), band_bytes
    ref = _reference(x, alpha, beta, kernel, add, scale, shift, upsample != "none", blur_kernel)
    assert (whole.double() - ref).abs().max().item() < 1e-4


def test_phase_kernel_is_exact():
    """Each output parity reads only its own input taps: the phase kernels hold sums of the
    original taps and zeros where a parity never reaches."""
    k = torch.arange(9, dtype=torch.float64).view(1, 1, 3, 3) + 1
    phases = upsample_phase_kernel(k).view(2, 2, 3, 3)
    assert phases[0, 0].tolist() == [[1, 5, 0], [11, 28, 0], [0, 0, 0]]
    assert phases[1, 1].tolist() == [[0, 0, 0], [0, 12, 9], [0, 15, 9]]
    assert phases.sum().item() == 4 * k.sum().item()


def test_weights_must_be_3x3():
    with pytest.raises(ValueError, match="3, 3"):
        winograd_weights(torch.zeros(4, 4, 5, 5))


def test_numba_threads_follow_torch_and_are_restored():
    from numba import get_num_threads

    before_numba, before_torch = get_num_threads(), torch.get_num_threads()
    x, alpha, beta, kernel, add, scale, shift = _case(1, 1, 8, 8, 8, False)
    try:
        torch.set_num_threads(1)
        with torch.inference_mode():
            one = winograd.fused_layer(Activation(x, alpha, beta), winograd_weights(kernel), add, "none", scale,
                                       shift).materialised()
        assert get_num_threads() == before_numba
    finally:
        torch.set_num_threads(before_torch)
    with torch.inference_mode():
        many = winograd.fused_layer(Activation(x, alpha, beta), winograd_weights(kernel), add, "none", scale,
                                    shift).materialised()
    assert np.allclose(one.numpy(), many.numpy(), atol=1e-5)


def test_sizes_must_be_multiples_of_four():
    x = torch.zeros(1, 4, 6, 8).contiguous(memory_format=torch.channels_last)
    with pytest.raises(ValueError, match="multiples of 4"):
        winograd.fused_layer(Activation(x), winograd_weights(torch.zeros(4, 4, 3, 3)),
                             torch.zeros(1, 4, 6, 8), "none", torch.ones(1, 4), torch.zeros(1, 4))
    with pytest.raises(ValueError, match="upsample must be one of"):
        winograd.fused_layer(Activation(x), winograd_weights(torch.zeros(4, 4, 3, 3)),
                             torch.zeros(1, 4, 12, 16), "bilinear", torch.ones(1, 4), torch.zeros(1, 4))


def test_available_needs_a_parallel_threading_layer(monkeypatch):
    """Without OpenMP or TBB (no system libgomp), numba's workqueue layer is slower than torch: not used."""
    import importlib

    real = importlib.import_module

    def without(name, *args):
        if name.startswith("numba.np.ufunc.") and name.endswith("pool"):
            raise ImportError(f"{name}: libgomp.so.1.0.0: cannot open shared object file")
        return real(name, *args)

    assert winograd.available()
    monkeypatch.setattr(importlib, "import_module", without)
    assert not winograd.available()


def test_kernels_compile_without_a_writable_cache(monkeypatch):
    """numba refuses cache=True where it finds no writable cache folder: compile without the cache."""
    calls = []

    def fake_njit(cache, **options):
        calls.append(cache)
        if cache:
            raise RuntimeError("cannot cache function 'f': no locator available for file '/ro/f.py'")
        return lambda function: function

    from ohlora.face.conv import jit as compiled

    monkeypatch.setattr(compiled, "njit", fake_njit)

    def square(x):
        return x * x

    assert compiled.kernel(square)(3) == 9
    assert calls == [True, False]


def test_compiled_layers_leave_torch_thread_count_alone():
    """numba and torch share one OpenMP runtime: a compiled call must not change torch's thread count
    (with OMP_NUM_THREADS=1 it used to turn 1 into numba's count, and the next frames differed)."""
    from ohlora.face.conv.jit import threads

    before = torch.get_num_threads()
    try:
        for wanted in (1, 2):
            torch.set_num_threads(wanted)
            with threads():
                pass
            assert torch.get_num_threads() == wanted
            x, alpha, beta, kernel, add, scale, shift = _case(1, 1, 4, 4, 8, False)
            with torch.inference_mode():
                winograd.fused_layer(Activation(x, alpha, beta), _weights(kernel, "none"), add,
                                     "none", scale, shift, None)
            assert torch.get_num_threads() == wanted
    finally:
        torch.set_num_threads(before)
