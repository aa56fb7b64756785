"""Reading the files a user names (transcripts, subtitles, broadcast.toml): with a size limit, in chunks.

`/dev/zero`, `/dev/urandom`, a FIFO fed by `yes` or a runaway download would otherwise be read until memory
runs out. Reading a chunk at a time also keeps a run interruptible: Ctrl-C and SIGTERM are acted on
between chunks (and a blocking read of a FIFO or a terminal is woken by them).
"""

from __future__ import annotations

import os
import select
import stat
from pathlib import Path
from typing import BinaryIO, Callable

from broadcast.errors import BroadcastError

CHUNK = 1 << 20
WAIT_SLICE = 0.1  # seconds a wait for a pipe or terminal lasts before Python may act on a signal


class ReadError(BroadcastError):
    pass


def megabytes(n: int) -> str:
    return f"{n / 1e6:g} MB"


def read_limited(path: Path, limit: int, what: str, check_start: Callable[[bytes], None] | None = None) -> bytes:
    """The bytes of `path`, at most `limit` of them; a longer file or an endless stream is a ReadError
    naming `what` it should have been. `check_start` sees the first chunk and may raise (e.g. on NUL bytes)
    before the rest is read."""
    if path.is_dir():
        raise ReadError(f"{path}: is a folder, expected {what}")
    chunks: list[bytes] = []
    total = 0
    try:
        with path.open("rb", buffering=0) as src:
            waits = os.name == "posix" and not stat.S_ISREG(os.fstat(src.fileno()).st_mode)
            while True:
                if waits:
                    wait_readable(src)
                chunk = src.read(min(CHUNK, limit + 1 - total))
                if not chunk:
                    break
                if not chunks and check_start is not None:
                    check_start(chunk)
                chunks.append(chunk)
                total += len(chunk)
                if total > limit:
                    raise ReadError(f"{path}: more than {megabytes(limit)}, too large for {what}")
    except FileNotFoundError:
        raise ReadError(f"{path}: no such file") from None
    except OSError as exc:
        raise ReadError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return b"".join(chunks)


def wait_readable(src: BinaryIO) -> None:
    """Wait for a pipe, FIFO or terminal to have bytes (or its end) in short slices, not in one blocking read:
    a signal that lands in the instant between Python's last look at its signals and the read blocking would
    leave the read waiting for input that never comes, and the run deaf to every later Ctrl-C. Between slices
    Python runs the handler, so the signal is acted on within WAIT_SLICE."""
    while not select.select([src], [], [], WAIT_SLICE)[0]:
        pass
