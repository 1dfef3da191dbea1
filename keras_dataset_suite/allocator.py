"""One malloc policy for the whole benchmark run, so a load's speed does not depend on what the process freed before.

glibc serves a block over its mmap threshold with fresh pages, which the load then pays for in page
faults, and raises the threshold (up to 32 MiB) each time such a block is freed. So an MNIST or
Fashion-MNIST load, whose buffers are 8-47 MB, ran a whole pass at one of two speeds (56 or 80 ms
here) depending on the allocations before it. Pinned, every block up to 1 GiB comes from the heap
and the heap is never given back: each round reuses pages the process already has, as a
long-running training process does.
"""

from __future__ import annotations

import ctypes
import platform
from typing import Final

PINNED, SYSTEM = "pinned", "system"
CHOICES: Final = (PINNED, SYSTEM)
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's malloc.h
HEAP_BELOW: Final = 1 << 30  # CIFAR's largest array is 150 MB; a 1 GiB block still gets its own mapping
NEVER_TRIM: Final = 2**31 - 1  # mallopt takes a C int; no run frees 2 GiB at the top of its heap


def pin(policy: str) -> str:
    """Apply `policy` to this process's malloc; the description that goes into the benchmark JSON."""
    if policy == SYSTEM:
        return "system: the C library's defaults"
    library, version = platform.libc_ver()
    if library != "glibc":
        return f"system: not glibc ({library or platform.system()}), nothing to pin"
    libc = ctypes.CDLL(None)
    libc.mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    if not (libc.mallopt(M_MMAP_THRESHOLD, HEAP_BELOW) and libc.mallopt(M_TRIM_THRESHOLD, NEVER_TRIM)):
        return f"system: glibc {version} refused mallopt, its defaults apply"
    return f"pinned: glibc {version}, blocks under {HEAP_BELOW >> 20} MiB from the heap, never trimmed"
