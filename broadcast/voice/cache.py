"""Synthesized sentences kept on disk, for every engine, so a rerun only speaks what changed.

An entry's key is a hash of (engine, voice, rate, engine version, the sentence's parts as spoken); its file
holds a one-line JSON header (sample rate, part spans, length and SHA-256 of the audio) and the 16-bit PCM.
Entries are written under a temporary name and renamed into place, so a reader sees a whole entry or none;
an entry that fails its checks is deleted and counts as a miss. Only regular files are read, and only as many
bytes as their header declares: an entry replaced by a symlink to /dev/zero or a FIFO is a miss, not a hang.
A cache that cannot be written (a read-only disk, a full one) still serves what it holds; `unkept` counts the
sentences it could not keep, and the run says so in a warning.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Sequence

from broadcast.errors import BroadcastError
from broadcast.voice.base import Engine, SpeechAudio

ENV_VAR = "BROADCAST_CACHE_DIR"
MAGIC = b"broadcast-segment 1\n"
KEY_VERSION = 2  # bump when what an entry means changes (2: eSpeak audio independent of earlier sentences)


class CacheError(BroadcastError):
    pass


def default_folder() -> Path:
    """$BROADCAST_CACHE_DIR, else the user's cache directory (e.g. ~/.cache/broadcast/segments)."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    import platformdirs

    return platformdirs.user_cache_path("broadcast") / "segments"


class SegmentCache:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder if folder is not None else default_folder()
        self.hits = 0
        self.misses = 0
        self.corrupt = 0
        self.unkept = 0  # entries that could not be written
        self.unkept_reason = ""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CacheError(f"{self.folder}: cannot use as cache folder ({exc.strerror or exc}); "
                             "pass another --cache-dir or --no-cache") from None

    @staticmethod
    def key(engine: Engine, parts: Sequence[str]) -> str:
        identity = [KEY_VERSION, engine.name, engine.voice, engine.rate, engine.version, list(parts)]
        return hashlib.sha256(json.dumps(identity, ensure_ascii=False).encode("utf-8")).hexdigest()

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.seg"

    def get(self, key: str) -> SpeechAudio | None:
        path = self.path(key)
        try:
            data = _read_entry(path)
        except OSError:
            self.misses += 1
            return None
        speech = _decode(data) if data is not None else None
        if speech is None:
            self.corrupt += 1
            self.misses += 1
            try:
                path.unlink(missing_ok=True)  # a symlink is removed, not what it points at
            except OSError:
                pass
            return None
        self.hits += 1
        return speech

    def put(self, key: str, speech: SpeechAudio) -> bool:
        """Store an entry; a cache that cannot be written only costs time, so failure is not an error."""
        path = self.path(key)
        try:
            path.parent.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".partial", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(_encode(speech))
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            self.unkept += 1
            self.unkept_reason = self.unkept_reason or (exc.strerror or str(exc))
            return False
        return True

    def warning(self) -> str | None:
        """One line when sentences could not be kept, else None."""
        if not self.unkept:
            return None
        sentences = "1 sentence" if self.unkept == 1 else f"{self.unkept} sentences"
        return (f"cache folder {self.folder}: {sentences} not kept ({self.unkept_reason}); "
                "a rerun synthesizes them again (pass another --cache-dir, or --no-cache)")


HEADER_MAX = 64 * 1024  # the JSON header is about a hundred bytes per sentence part


def _read_entry(path: Path) -> bytes | None:
    """An entry's bytes, or None when it is not a regular file of the length its header declares."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO must not block the open
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        with os.fdopen(os.dup(fd), "rb") as src:
            head = src.read(min(info.st_size, HEADER_MAX))
            end = head.find(b"\n", len(MAGIC))
            if not head.startswith(MAGIC) or end < 0:
                return None
            try:
                n_bytes = int(json.loads(head[len(MAGIC) : end])["n_bytes"])
            except (ValueError, KeyError, TypeError):
                return None
            if info.st_size != end + 1 + n_bytes:
                return None
            return head + src.read(info.st_size - len(head))
    finally:
        os.close(fd)


def _encode(speech: SpeechAudio) -> bytes:
    header = {
        "sample_rate": speech.sample_rate,
        "part_spans": [list(span) for span in speech.part_spans],
        "n_bytes": len(speech.pcm),
        "sha256": hashlib.sha256(speech.pcm).hexdigest(),
    }
    return MAGIC + json.dumps(header, separators=(",", ":")).encode() + b"\n" + speech.pcm


def _decode(data: bytes) -> SpeechAudio | None:
    if not data.startswith(MAGIC):
        return None
    end = data.find(b"\n", len(MAGIC))
    if end < 0:
        return None
    try:
        header = json.loads(data[len(MAGIC) : end])
        pcm = data[end + 1 :]
        if len(pcm) != header["n_bytes"] or hashlib.sha256(pcm).hexdigest() != header["sha256"]:
            return None
        spans = tuple((int(a), int(b)) for a, b in header["part_spans"])
        rate = int(header["sample_rate"])
    except (ValueError, KeyError, TypeError):
        return None
    n = len(pcm) // 2
    if rate <= 0 or any(not 0 <= a <= b <= n for a, b in spans):
        return None
    return SpeechAudio(pcm, rate, spans)
