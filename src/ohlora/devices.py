"""Device and dtype names from settings (`auto`, `cpu`, `cuda`, `cuda:N`, `mps`; `auto`, `float32`,
`bfloat16`, `float16` and their short forms) to torch objects, for every model of the package.

torch is imported inside the functions: this module imports without it. Never `.cuda()`: every
model takes the device these return.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ohlora import messages
from ohlora.errors import ConfigError

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)

DTYPE_NAMES = {
    "float32": "float32", "fp32": "float32",
    "bfloat16": "bfloat16", "bf16": "bfloat16",
    "float16": "float16", "fp16": "float16",
}
AUTO_DTYPES = ("float32", "half")  # what `auto` means: exact float32 everywhere, or half precision off the CPU


def resolve_device(name: str | torch.device = "auto") -> torch.device:
    """`auto` picks CUDA (the current device), then MPS, then the CPU; `cuda` is the current CUDA device.
    A device that is unknown or not available here is a ConfigError that says what to use instead."""
    import torch

    if isinstance(name, torch.device):
        return name
    text = str(name).strip().lower()
    if text == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda", torch.cuda.current_device())
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        device = torch.device(text)
    except (RuntimeError, ValueError):
        raise ConfigError(messages.device_unknown(name)) from None
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise ConfigError(messages.device_no_cuda(name))
        index = torch.cuda.current_device() if device.index is None else device.index
        if index >= torch.cuda.device_count():
            raise ConfigError(messages.device_cuda_count(name, torch.cuda.device_count()))
        return torch.device("cuda", index)
    if device.type == "mps":
        if not _mps_available():
            raise ConfigError(messages.device_no_mps(name))
        return device
    if device.type != "cpu":
        raise ConfigError(messages.device_unsupported(name))
    return device


def resolve_dtype(name: str | torch.dtype, device: torch.device, *, auto: str = "float32",
                  cpu_float16: bool = False) -> torch.dtype:
    """A dtype name (or torch dtype) for a model on `device`.

    `auto` says what the name "auto" means: "float32" everywhere (the face: exact pixels), or "half"
    (the language models): bfloat16 on CUDA where the card supports it, else float16; bfloat16 on MPS;
    float32 on the CPU. float16 on a CPU is a ConfigError unless `cpu_float16`, where it is logged
    as a warning (slow and imprecise there)."""
    import torch

    if auto not in AUTO_DTYPES:
        raise ValueError(f"auto must be one of {', '.join(AUTO_DTYPES)}; got {auto!r}")
    if isinstance(name, torch.dtype):
        dtype = name
    else:
        text = str(name).strip().lower()
        if text == "auto":
            return _auto_dtype(auto, device)
        if text not in DTYPE_NAMES:
            raise ConfigError(messages.dtype_unknown(name))
        dtype = getattr(torch, DTYPE_NAMES[text])
    if dtype not in (torch.float32, torch.bfloat16, torch.float16):
        raise ConfigError(messages.dtype_unsupported(dtype))
    if dtype == torch.float16 and device.type == "cpu":
        if not cpu_float16:
            raise ConfigError(messages.DTYPE_FLOAT16_ON_CPU)
        log.warning("float16 on CPU is slow and imprecise; bfloat16 or float32 is better there")
    return dtype


def _auto_dtype(auto: str, device: torch.device) -> torch.dtype:
    import torch

    if auto == "half" and device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if auto == "half" and device.type == "mps":
        return torch.bfloat16
    return torch.float32


def _mps_available() -> bool:
    import torch

    mps = getattr(torch.backends, "mps", None)
    return mps is not None and mps.is_available()
