"""The StyleGAN face on a CUDA device: same pixels as the CPU path (±1), masks within float noise.

Skipped without CUDA (CI has none); run on a GPU machine with
`pytest tests/test_face_gpu.py tests/test_face_conv.py`.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("monai")
pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


@pytest.fixture(scope="module")
def module():
    from ohlora.face.stylegan import module_from_state_dict
    from test_face_stylegan import random_state_dict

    return module_from_state_dict(random_state_dict("v8", seed=0))


def test_cuda_float32_matches_the_cpu_pixels(module):
    from ohlora.face.generator import StyleGANGenerator

    w = torch.randn(3, 512, generator=torch.Generator().manual_seed(5))
    cpu = StyleGANGenerator(module, "cpu", "float32").render(w).astype(int)
    gpu = StyleGANGenerator(module, "cuda", "float32")
    assert gpu.plan.name == "direct"  # cuDNN picks its own algorithms
    before = torch.backends.cudnn.allow_tf32
    pixels = gpu.render(w).astype(int)  # the generator switches TF32 off itself for float32
    assert torch.backends.cudnn.allow_tf32 == before  # and restores the process' setting
    assert np.abs(pixels - cpu).max() <= 1
    assert (pixels != cpu).mean() < 1e-3


def test_cuda_half_precision_stays_close(module):
    from ohlora.face.generator import StyleGANGenerator

    w = torch.randn(2, 512, generator=torch.Generator().manual_seed(6))
    full = StyleGANGenerator(module, "cuda", "float32").render(w).astype(int)
    for dtype in ("float16", "bfloat16"):
        half = StyleGANGenerator(module, "cuda", dtype).render(w).astype(int)
        assert np.isfinite(half).all()
        assert np.abs(half - full).mean() < 3.0, dtype


def test_cuda_segmentation_matches_the_cpu():
    from ohlora.face.hair import HairSegmenter, HairStudent

    torch.manual_seed(0)
    student = HairStudent().eval()
    rgb = np.random.default_rng(0).integers(0, 256, (2, 256, 256, 3), dtype=np.uint8)
    cpu = HairSegmenter(student, "cpu").predict(rgb)
    gpu = HairSegmenter(student, "cuda").predict(rgb)
    assert gpu.shape == (2, 224, 224)
    assert np.abs(gpu - cpu).max() < 1e-4
