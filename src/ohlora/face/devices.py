"""Device and dtype names from settings (`auto`, `cpu`, `cuda`, `cuda:N`, `mps`) to torch objects.

Used by the full face path only (it imports torch). Never `.cuda()`: every model takes a device.
"""

from __future__ import annotations

import torch

from ohlora import messages
from ohlora.errors import ConfigError

DTYPES = {
    "float32": torch.float32,
    "fp32": torch.float32,
    "bfloat16": torch.bfloat16,
    "bf16": torch.bfloat16,
    "float16": torch.float16,
    "fp16": torch.float16,
}


def resolve_device(name: str | torch.device = "auto") -> torch.device:
    """`auto` picks CUDA, then MPS, then CPU. A named device that is not available is a ConfigError."""
    if isinstance(name, torch.device):
        return name
    text = str(name).strip().lower()
    if text == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        device = torch.device(text)
    except (RuntimeError, ValueError):
        raise ConfigError(messages.device_unknown(name)) from None
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise ConfigError(messages.device_no_cuda(name))
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise ConfigError(messages.device_cuda_count(name, torch.cuda.device_count()))
    elif device.type == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            raise ConfigError(messages.device_no_mps(name))
    elif device.type != "cpu":
        raise ConfigError(messages.device_unsupported(name))
    return device


def resolve_dtype(name: str | torch.dtype, device: torch.device) -> torch.dtype:
    """`auto` is float32 everywhere: exact (±1 pixel against the original arithmetic), and on a CPU
    without AVX512-BF16/AMX bfloat16 is slower, not faster (benchmarks/face_render.py). float16 and
    bfloat16 are opt-in (float16 only off the CPU)."""
    if isinstance(name, torch.dtype):
        dtype = name
    else:
        text = str(name).strip().lower()
        if text == "auto":
            return torch.float32
        try:
            dtype = DTYPES[text]
        except KeyError:
            raise ConfigError(messages.dtype_unknown(name)) from None
    if dtype == torch.float16 and device.type == "cpu":
        raise ConfigError(messages.DTYPE_FLOAT16_ON_CPU)
    if dtype not in (torch.float32, torch.bfloat16, torch.float16):
        raise ConfigError(messages.dtype_unsupported(dtype))
    return dtype
