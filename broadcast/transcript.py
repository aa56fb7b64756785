"""Read a TTV transcript into blocks: title, paragraph, placeholder, caption, source.

Format (see the seeds): the first non-empty line is the title; blocks are separated by blank lines; a line
that repeats the title and ends in "- Ảnh N." is a photo placeholder; the short line right after a placeholder
is that photo's caption; a last line starting "Nguồn:" is the source credit.
"""

from __future__ import annotations

from broadcast.errors import BroadcastError

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

BlockKind = Literal["title", "paragraph", "placeholder", "caption", "source"]

_PLACEHOLDER = re.compile(r"^(?P<title>.*?)\s*-\s*Ảnh\s*(?P<number>\d+)\s*\.?\s*$")
_SOURCE = re.compile(r"^Nguồn\s*:", re.IGNORECASE)
# A caption is one short line; a longer line after a photo is body text that happens to follow it.
CAPTION_MAX_CHARS = 200


class TranscriptError(BroadcastError):
    """The transcript cannot be read; the message names the file and the problem."""


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str
    paragraph: int  # ordinal of the block in the transcript, 0 = title


@dataclass(frozen=True)
class Transcript:
    source: str  # the file name as given
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    @property
    def title(self) -> str:
        return next((b.text for b in self.blocks if b.kind == "title"), "")


def decode(data: bytes, name: str) -> str:
    """Bytes to NFC text: UTF-8 with or without BOM, or UTF-16 with a BOM."""
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise TranscriptError(f"{name}: starts like UTF-16 but is not valid UTF-16; a binary file?") from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise TranscriptError(
                f"{name}: not UTF-8 text (invalid byte at offset {exc.start}); save it as UTF-8"
            ) from None
    if "\0" in text:
        raise TranscriptError(f"{name}: looks like a binary file, not a text transcript")
    return unicodedata.normalize("NFC", text)


def clean_line(line: str) -> str:
    """Collapse runs of white space (including no-break spaces) and drop zero-width characters."""
    line = re.sub(r"[\u200b-\u200d\u2060\ufeff]", "", line)
    line = "".join(ch for ch in line if ch in "\t" or unicodedata.category(ch) != "Cc")
    return " ".join(line.split())


def parse(text: str, source: str = "<text>") -> Transcript:
    """Split text into blocks. Pure: no file access."""
    lines = [clean_line(line) for line in text.splitlines()]
    blocks: list[Block] = []
    title: str | None = None
    after_placeholder = False
    ordinal = 0
    nonempty = [i for i, line in enumerate(lines) if line]
    last_index = nonempty[-1] if nonempty else -1
    for i, line in enumerate(lines):
        if not line:
            continue
        if title is None:
            title = line
            blocks.append(Block("title", line, 0))
            continue
        ordinal += 1
        match = _PLACEHOLDER.match(line)
        if match and _same_title(match.group("title"), title):
            blocks.append(Block("placeholder", line, ordinal))
            after_placeholder = True
            continue
        if i == last_index and _SOURCE.match(line):
            blocks.append(Block("source", line, ordinal))
        elif after_placeholder and len(line) <= CAPTION_MAX_CHARS:
            blocks.append(Block("caption", line, ordinal))
        else:
            blocks.append(Block("paragraph", line, ordinal))
        after_placeholder = False
    return Transcript(source, tuple(blocks))


def _same_title(candidate: str, title: str) -> bool:
    def key(s: str) -> str:
        return " ".join(s.casefold().split()).rstrip(" .-")

    return key(candidate) == key(title)


def read(path: str | Path) -> Transcript:
    """Read and parse a transcript file; every failure is a TranscriptError naming the file."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise TranscriptError(f"{name}: no such file")
    if p.is_dir():
        raise TranscriptError(f"{name}: is a folder, expected a transcript file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise TranscriptError(f"{name}: cannot read ({exc.strerror or exc})") from None
    transcript = parse(decode(data, name), p.name)
    if not any(b.kind == "title" for b in transcript.blocks):
        raise TranscriptError(f"{name}: empty transcript, nothing to read")
    return transcript
