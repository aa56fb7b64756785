"""One BLAS thread while aligning.

The aligner's matrix products are small (256 frames against a band of a few thousand, 26 numbers each; a block
of spectra against 26 mel filters). OpenBLAS splits each over every core, and between products, while Python
works through the warp's rows, its other threads spin waiting for the next one: on 2 cores the aligner took two
to four times the CPU (the more, the busier the machine), and more wall time than on one thread. numpy has no
call for the thread count, so the OpenBLAS numpy loaded is asked directly (as threadpoolctl does); where it
cannot be found (another BLAS, another platform) nothing changes.
"""

from __future__ import annotations

import contextlib
import ctypes
import threading
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

# (set, get) in the names OpenBLAS builds export: numpy's wheels (scipy-openblas, 64-bit ints), then plain builds
_SYMBOLS = (
    ("scipy_openblas_set_num_threads64_", "scipy_openblas_get_num_threads64_"),
    ("openblas_set_num_threads64_", "openblas_get_num_threads64_"),
    ("openblas_set_num_threads", "openblas_get_num_threads"),
)
_lock = threading.Lock()
_depth = 0
_saved = 0


class Threads(NamedTuple):
    set: Callable[[int], None]
    get: Callable[[], int]


def loaded_libraries(maps: str) -> list[Path]:
    """Shared libraries named like OpenBLAS in the text of /proc/self/maps, each once, in order."""
    out: list[Path] = []
    for line in maps.splitlines():
        fields = line.split(maxsplit=5)
        if len(fields) == 6 and "openblas" in Path(fields[5]).name.lower() and ".so" in fields[5]:
            path = Path(fields[5].strip())
            if path not in out:
                out.append(path)
    return out


@lru_cache(maxsize=1)
def _openblas() -> Threads | None:
    import numpy  # noqa: F401  (loads its BLAS)

    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return None
    for path in loaded_libraries(maps):
        try:
            lib = ctypes.CDLL(str(path))
        except OSError:
            continue
        for set_name, get_name in _SYMBOLS:
            if hasattr(lib, set_name) and hasattr(lib, get_name):
                setter, getter = getattr(lib, set_name), getattr(lib, get_name)
                setter.argtypes, setter.restype = [ctypes.c_int], None
                getter.argtypes, getter.restype = [], ctypes.c_int
                return Threads(setter, getter)
    return None


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """BLAS on the calling thread only, for the duration (nested and concurrent uses restore the count once,
    when the last leaves)."""
    global _depth, _saved
    threads = _openblas()
    if threads is None:
        yield
        return
    with _lock:
        if _depth == 0:
            _saved = threads.get()
            threads.set(1)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                threads.set(_saved)
