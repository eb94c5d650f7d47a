"""Device and dtype names from settings (`auto`, `cpu`, `cuda`, `cuda:N`, `mps`) to torch objects.

Used by the full face path only (it imports torch). Never `.cuda()`: every model takes a device.
"""

from __future__ import annotations

import contextlib
import ctypes
import sys

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


_M_TRIM_THRESHOLD = -1  # glibc mallopt parameters (malloc.h)
_M_MMAP_THRESHOLD = -3
RETAINED_BYTES = 1 << 30


def retain_freed_memory() -> bool:
    """Ask glibc to keep freed large blocks in the heap instead of returning them to the kernel.

    A CPU frame allocates and frees the same large activation buffers every time (tens of MB); by
    default glibc maps each one fresh, and the page faults of touching new pages cost about as much
    as the arithmetic of the high-resolution layers (hair student: 27 → 22 ms per frame, Winograd
    synthesis layers several ms each; benchmarks/face_render.py). After this call the freed buffers
    are reused, at the price of the process keeping its peak heap (a few hundred MB). Process-wide
    and idempotent; returns False where it does not apply (not glibc).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, RETAINED_BYTES)) and bool(mallopt(_M_TRIM_THRESHOLD, RETAINED_BYTES))


def exact_float32(device: torch.device, dtype: torch.dtype) -> contextlib.AbstractContextManager:
    """float32 on CUDA with cuDNN's TF32 convolutions off for the duration (they are on by default
    and move up to 4 levels of 0.3 % of the pixels on an H200; without them the frame is within ±1
    of the CPU's, benchmarks/face_render_gpu.py). The flags are process-wide while the block runs."""
    if device.type != "cuda" or dtype != torch.float32:
        return contextlib.nullcontext()
    cudnn = torch.backends.cudnn
    return cudnn.flags(enabled=cudnn.enabled, benchmark=cudnn.benchmark, deterministic=cudnn.deterministic,
                       allow_tf32=False)
