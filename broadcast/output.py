"""An output folder that appears whole or not at all: files are written into a staging folder beside
the target and swapped in when everything is complete."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from broadcast.errors import BroadcastError

MARKER = "manifest.json"  # a folder holding this was written by broadcast and may be replaced


class OutputError(BroadcastError):
    pass


class StagedFolder:
    """`with StagedFolder(target) as stage:` write into `stage`; on success it replaces `target`."""

    def __init__(self, target: Path, overwrite: bool = False) -> None:
        self.target = target
        self.overwrite = overwrite
        self.stage: Path | None = None

    def __enter__(self) -> Path:
        parent = self.target.parent
        if self.target.exists() and not self.target.is_dir():
            raise OutputError(f"{self.target}: exists and is not a folder")
        if self.target.is_dir() and any(self.target.iterdir()) and not self.overwrite:
            if not (self.target / MARKER).exists():
                raise OutputError(
                    f"{self.target}: folder exists and was not written by broadcast; "
                    "choose another --output-dir or pass --overwrite"
                )
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self.stage = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.partial-", dir=parent))
        except OSError as exc:
            raise OutputError(f"{parent}: cannot write output ({exc.strerror or exc})") from None
        return self.stage

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self.stage is not None
        if exc_type is not None:
            shutil.rmtree(self.stage, ignore_errors=True)
            return
        try:
            old = None
            if self.target.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.old-", dir=self.target.parent))
                os.replace(self.target, old / "previous")
            os.replace(self.stage, self.target)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        except OSError as exc:
            shutil.rmtree(self.stage, ignore_errors=True)
            raise OutputError(f"{self.target}: cannot put output in place ({exc.strerror or exc})") from None


def write_text_atomic(path: Path, text: str) -> None:
    """Write a text file under a temporary name and rename it into place."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
                out.write(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
