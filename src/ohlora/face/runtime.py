"""How the face's torch models run on their device: freed CPU buffers kept for the next frame,
float32 on CUDA without TF32. Device and dtype names are resolved by `ohlora.devices`."""

from __future__ import annotations

import contextlib
import ctypes
import sys

import torch

_M_TRIM_THRESHOLD = -1  # glibc mallopt parameters (malloc.h)
_M_MMAP_THRESHOLD = -3
RETAINED_BYTES = 1 << 30


def retain_freed_memory() -> bool:
    """Ask glibc to keep freed large blocks in the heap instead of returning them to the kernel.

    A CPU frame allocates and frees the same large activation buffers every time (tens of MB); by
    default glibc maps each one fresh, and the page faults of touching new pages cost about as much
    as the arithmetic of the high-resolution layers (benchmarks/face_render.py). After this call the
    freed buffers are reused, at the price of the process keeping its peak heap (a few hundred MB).
    Process-wide and idempotent; returns False where it does not apply (not glibc).
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
    """float32 on CUDA with cuDNN's TF32 convolutions off for the duration: they are on by default and
    move pixels by more than ±1 from the CPU's frame (benchmarks/face_render_gpu.py). The flags are
    process-wide while the block runs."""
    if device.type != "cuda" or dtype != torch.float32:
        return contextlib.nullcontext()
    cudnn = torch.backends.cudnn
    return cudnn.flags(enabled=cudnn.enabled, benchmark=cudnn.benchmark, deterministic=cudnn.deterministic,
                       allow_tf32=False)
