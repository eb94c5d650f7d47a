"""Reading a released `.pth` state dict safely and comparing it with the keys/shapes we expect."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import torch

from ohlora import messages
from ohlora.errors import CorruptData, MissingModel


def read_state_dict(path: Path, missing: Callable[[Path], str], unreadable: Callable[[Path, Exception], str]) -> object:
    """`torch.load(weights_only=True)` on CPU; MissingModel / CorruptData with the caller's messages."""
    if not path.is_file():
        raise MissingModel(missing(path))
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # unpickling errors come in many types
        raise CorruptData(unreadable(path, exc)) from None


def shape_problems(state: Mapping[str, torch.Tensor], expected: Mapping[str, tuple[int, ...]]) -> list[str]:
    """Missing, unexpected and wrongly shaped keys, as message lines (empty when it all matches)."""
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    wrong = [messages.wrong_shape(k, list(state[k].shape), list(s)) for k, s in expected.items()
             if k in state and tuple(state[k].shape) != tuple(s)]
    return messages.state_dict_problems(missing, unexpected, wrong)
