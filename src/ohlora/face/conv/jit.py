"""numba, when installed, for the compiled CPU kernels of the face (`face.conv.winograd`).

numba is part of the `full` extra. Everything here degrades to "not available" without it, and the
plan then runs every layer through the direct back-end.
"""

from __future__ import annotations

import importlib

import torch

try:  # optional: the `full` extra installs it
    from numba import get_num_threads, njit, prange, set_num_threads
except ImportError:  # pragma: no cover - exercised where numba is absent
    njit = None
    prange = range

__all__ = ["available", "kernel", "njit", "prange", "threads"]


def available() -> bool:
    """Whether numba is installed with a parallel threading layer (OpenMP or TBB).

    Without either, numba falls back to its "workqueue" layer, which does not share torch's OpenMP
    threads and ran the synthesis markedly slower; numba's OpenMP layer needs the system's libgomp
    (`libgomp1` on Debian/Ubuntu)."""
    if njit is None:
        return False
    for layer in ("omppool", "tbbpool"):
        try:
            importlib.import_module(f"numba.np.ufunc.{layer}")
        except (ImportError, OSError):
            continue
        return True
    return False


def kernel(function):  # noqa: ANN001, ANN201 - a numba decorator
    """numba-compile a kernel (parallel, no bounds checks, GIL released), cached on disk where numba
    finds a writable place (next to its file, else the user's cache folder); where it finds none
    (a read-only install and home), compiled afresh in each process instead of failing."""
    options = dict(parallel=True, boundscheck=False, nogil=True)
    try:
        return njit(cache=True, **options)(function)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return njit(cache=False, **options)(function)


class threads:
    """numba's thread count follows torch's (set_num_threads) for the duration of a call.

    numba's OpenMP layer sets the count through the same OpenMP runtime that torch reads, so putting
    numba's count back would also change torch's (with OMP_NUM_THREADS=1, torch ran on 2 threads after
    the first compiled frame, and that frame's pixels differed from the next ones). torch's count is
    restored as well."""

    def __enter__(self) -> None:
        self.torch_before = torch.get_num_threads()
        self.before = get_num_threads()
        set_num_threads(max(1, min(self.torch_before, self.before)))

    def __exit__(self, *exc: object) -> None:
        set_num_threads(self.before)
        if torch.get_num_threads() != self.torch_before:
            torch.set_num_threads(self.torch_before)
