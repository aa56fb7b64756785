"""An output folder that appears whole or not at all: files are written into a staging folder beside
the target and swapped in when everything is complete."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from broadcast import interrupt
from broadcast.errors import BroadcastError

MARKER = "manifest.json"  # a folder holding this was written by broadcast and may be replaced


class OutputError(BroadcastError):
    pass


class StagedFolder:
    """`with StagedFolder(target) as stage:` write into `stage`; on success it replaces `target`.

    One run at a time may write a target: a second run fails at once with a clear message instead of
    interleaving files. Staging folders left by a killed run are removed by the next run.
    """

    def __init__(self, target: Path, overwrite: bool = False) -> None:
        self.target = target
        self.overwrite = overwrite
        self.stage: Path | None = None
        self._lock: _FolderLock | None = None

    def check(self) -> None:
        """Refuse a target that cannot be replaced, before any work (and again on entering)."""
        if self.target.exists() and not self.target.is_dir():
            raise OutputError(f"{self.target}: exists and is not a folder")
        if self.target.is_dir() and any(self.target.iterdir()) and not self.overwrite:
            if not (self.target / MARKER).exists():
                raise OutputError(
                    f"{self.target}: folder exists and was not written by broadcast; "
                    "choose another --output-dir or pass --overwrite"
                )
        existing = next(p for p in (self.target.parent, *self.target.parent.parents) if p.exists() or p == p.parent)
        if existing.exists() and (not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK)):
            problem = "is not a folder" if not existing.is_dir() else "cannot be written"
            raise OutputError(f"{self.target}: cannot write output ({existing} {problem})")

    def __enter__(self) -> Path:
        parent = self.target.parent
        self.check()
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self._lock = _FolderLock(_lock_path(self.target))
            self._lock.acquire(self.target)
            for leftover in parent.glob(f".{self.target.name}.partial-*"):
                shutil.rmtree(leftover, ignore_errors=True)
            for leftover in parent.glob(f".{self.target.name}.old-*"):
                _restore_or_remove(leftover, self.target)
            with interrupt.deferred():  # a stop signal lands before or after the folder exists, not inside
                self.stage = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.partial-", dir=parent))
            os.chmod(self.stage, 0o777 & ~_umask())  # mkdtemp's 0700 would hide the output from colleagues
        except OSError as exc:
            self._release()
            raise OutputError(f"{parent}: cannot write output ({exc.strerror or exc})") from None
        except BaseException:
            if self.stage is not None:
                shutil.rmtree(self.stage, ignore_errors=True)
            self._release()
            raise
        return self.stage

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self.stage is not None
        # Ctrl-C or SIGTERM during the cleanup or the swap waits until it is done: the earlier output is
        # either still in place or replaced by the complete new one, and no staging folder is left
        with interrupt.deferred():
            try:
                if exc_type is not None:
                    shutil.rmtree(self.stage, ignore_errors=True)
                    if isinstance(exc, OSError):  # e.g. a full disk while writing into the stage
                        raise OutputError(f"{self.target}: cannot write output ({exc.strerror or exc})") from None
                    return
                self._swap_in()
            finally:
                self._release()

    def _swap_in(self) -> None:
        assert self.stage is not None
        old: Path | None = None
        try:
            if self.target.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.old-", dir=self.target.parent))
                os.replace(self.target, old / "previous")
            os.replace(self.stage, self.target)
        except OSError as exc:
            if old is not None and (old / "previous").exists() and not self.target.exists():
                os.replace(old / "previous", self.target)  # put the user's earlier output back
            shutil.rmtree(self.stage, ignore_errors=True)
            raise OutputError(f"{self.target}: cannot put output in place ({exc.strerror or exc})") from None
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None


def _restore_or_remove(old: Path, target: Path) -> None:
    """A run killed mid-swap leaves the earlier output in .name.old-*/previous: restore it if the target is gone."""
    previous = old / "previous"
    if previous.is_dir() and not target.exists():
        os.replace(previous, target)
    shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    """The process's umask, read without changing it where the system allows (Linux), else set back at once."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _lock_path(target: Path) -> Path:
    """Lock files live in the temporary folder, keyed by the target's absolute path, not beside the output."""
    import hashlib

    key = hashlib.sha256(str(target.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    folder = Path(tempfile.gettempdir()) / "broadcast-locks"
    folder.mkdir(exist_ok=True)
    return folder / f"{key}.lock"


class _FolderLock:
    """An exclusive, non-blocking lock on a small file (released on exit or when the process dies)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self, target: Path) -> None:
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if os.name == "nt":  # pragma: no cover
                import msvcrt

                msvcrt.locking(self._fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self._fd)
            self._fd = None
            raise OutputError(f"{target}: another broadcast run is writing this folder; wait for it to finish") from None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the lock; the empty file stays so no run can race on its inode
            self._fd = None


def write_text_atomic(path: Path, text: str) -> None:
    """Write a text file under a temporary name and rename it into place; its mode is what the umask gives
    a new file (0644 usually), like every other file broadcast writes, not mkstemp's 0600."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
        try:
            umask = os.umask(0o022)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
                out.write(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
