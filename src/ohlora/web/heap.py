"""Giving freed memory back to the system after sessions close.

The face frames of a session (a few hundred kB each) are allocated by render and worker threads
in glibc's per-thread arenas. When the session closes they are freed, but glibc keeps most of
those pages for later instead of returning them, so the server's RSS stayed near its peak long
after everyone had left (see benchmarks/web_soak.py). `malloc_trim(0)` hands the free pages of
every arena back. Elsewhere (macOS, musl) this is a no-op.
"""

from __future__ import annotations

import ctypes
import sys


def release_free_memory() -> bool:
    """Return the C allocator's free pages to the system (glibc `malloc_trim`); False when unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)  # the C library this process already uses
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc
        return False
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return bool(trim(0))
