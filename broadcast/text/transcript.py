"""Read a TTV transcript into blocks: title, paragraph, placeholder, caption, source.

Format (see the seeds): the first non-empty line is the title; blocks are separated by blank lines; a line
that repeats the title and ends in "- Ảnh N." is a photo placeholder; the short line right after a placeholder
is that photo's caption; a last line starting "Nguồn:" is the source credit.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Literal

from broadcast.errors import BroadcastError

BlockKind = Literal["title", "paragraph", "placeholder", "caption", "source"]

# Case-insensitive: TCVN3 has no capital Ả, so a TCVN3 transcript reads "- ảnh 1."
_PLACEHOLDER = re.compile(r"^(?P<title>.*?)\s*-\s*Ảnh\s*(?P<number>\d+)\s*\.?\s*$", re.IGNORECASE)
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


# Byte-order marks, longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
# C0 control bytes that never occur in a text file (tab, line feed, form feed, carriage return and the DOS
# end-of-file mark 0x1A do).
_BINARY_BYTES = frozenset(range(0x01, 0x09)) | {0x0B} | frozenset(range(0x0E, 0x1A)) | frozenset(range(0x1B, 0x20))
_BINARY_BYTES_AS_BYTES = tuple(bytes([b]) for b in sorted(_BINARY_BYTES))
BINARY_SHARE = 0.01  # more control bytes than this share of the file: binary, not text
# A bulletin's transcript is tens of kilobytes (an hour of speech is about 90 KB); past this a file is not one,
# and an endless stream (/dev/zero, a FIFO fed by `yes`) stops here instead of filling memory.
MAX_BYTES = 64_000_000


@dataclass(frozen=True)
class LegacyEncoding:
    """An 8-bit Vietnamese encoding we can read: its name and its bytes → NFC text (UnicodeDecodeError or
    ImportError when it cannot)."""

    name: str  # as a Vietnamese newsroom calls it, for messages
    decode: Callable[[bytes], str]


def decode(data: bytes, name: str) -> str:
    """Bytes to NFC text: UTF-8/16/32 (a BOM is needed for 16 and 32), else a Vietnamese legacy encoding
    (Windows-1258, TCVN3/ABC, VNI) when the text is clearly Vietnamese in it; anything else is refused."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                raise TranscriptError(f"{name}: starts like {label} but is not valid {label}; a binary file?") from None
            return _checked_text(text, name)
    if b"\0" in data or sum(map(data.count, _BINARY_BYTES_AS_BYTES)) > BINARY_SHARE * len(data):
        raise TranscriptError(f"{name}: looks like a binary file, not a text transcript")
    try:
        return _checked_text(data.decode("utf-8"), name)
    except UnicodeDecodeError as exc:
        bad_offset = exc.start
    if _mostly_utf8(data):
        raise TranscriptError(f"{name}: damaged UTF-8 text (invalid byte at offset {bad_offset}); fix or re-save it")
    return _checked_text(_decode_legacy(data, name, bad_offset), name)


def _refuse_binary(start: bytes, name: str) -> None:
    """The first chunk of a file: NUL bytes without a UTF-16/32 mark are binary (/dev/zero, /dev/urandom,
    a .doc), refused before the rest is read."""
    if b"\0" in start and not any(start.startswith(bom) for bom, _, _ in _BOMS):
        raise TranscriptError(f"{name}: looks like a binary file, not a text transcript")


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few bad bytes (a cut or a bad copy): 8-bit encodings rarely form valid UTF-8 sequences."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if not ch.isascii()) - bad
    return good >= 10 * bad


def _checked_text(text: str, name: str) -> str:
    if "\0" in text:
        raise TranscriptError(f"{name}: looks like a binary file, not a text transcript")
    return unicodedata.normalize("NFC", text)


# ---------------------------------------------------------------- legacy Vietnamese encodings
# Not UTF-8: each candidate decoding is scored by the share of its accented words that are well-formed
# Vietnamese syllables. A wrong decoding of Vietnamese (or any decoding of French or German) turns accented
# words into non-syllables, so the right one stands out; text where none stands out is refused.
LEGACY_MIN_SCORE = 0.9  # share of accented words that must be Vietnamese syllables
LEGACY_MIN_WORDS = 5  # fewer accented words than this is too little to judge
_WORD = re.compile(r"[^\W\d_]+")


def _surface(data: bytes) -> str:
    """The bytes as a Windows program showed them in a Latin font (cp1252, latin-1 for its five holes):
    the form the TCVN3 and VNI tables are written for."""
    return data.decode("cp1252", errors="broadcast-latin-1")


def _latin1_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    return error.object[error.start : error.end].decode("latin-1"), error.end  # type: ignore[union-attr]


codecs.register_error("broadcast-latin-1", _latin1_fallback)


def _cp1258(data: bytes) -> str:
    # cp1258 stores the five tone marks as combining characters after the letter: NFC puts them on it
    return unicodedata.normalize("NFC", data.decode("cp1258"))


# viparse's VNI table lacks two letters that VNI stores as base + one mark byte: ẳ (a + 0xFA, as in "thẳng",
# "chẳng") and ỵ (the single byte 0xEE, as in "Quỵ"). They are filled in before viparse converts the rest.
_VNI_GAPS = {"aú": "ẳ", "AÚ": "Ẳ", "î": "ỵ", "Î": "Ỵ"}


def _viparse(encoding: str) -> Callable[[bytes], str]:
    def convert(data: bytes) -> str:
        import viparse  # imported only for input that is not UTF-8; needs Python ≥ 3.11

        text = _surface(data)
        if encoding == "vni":
            for legacy, letter in _VNI_GAPS.items():
                text = text.replace(legacy, letter)
        return unicodedata.normalize("NFC", viparse.fix(text, encoding=encoding))

    return convert


LEGACY_ENCODINGS = (
    LegacyEncoding("Windows-1258", _cp1258),
    LegacyEncoding("TCVN3 (ABC)", _viparse("tcvn3")),
    LegacyEncoding("VNI", _viparse("vni")),
)


def vietnamese_score(text: str) -> tuple[float, int]:
    """(share of the words with a non-ASCII letter that are Vietnamese syllables, how many such words)."""
    from broadcast.speech.syllable import is_syllable

    accented = [w for w in _WORD.findall(text) if not w.isascii()]
    if not accented:
        return 0.0, 0
    return sum(map(is_syllable, accented)) / len(accented), len(accented)


def _decode_legacy(data: bytes, name: str, bad_offset: int) -> str:
    scored: list[tuple[float, int, LegacyEncoding, str]] = []
    viparse_missing = False
    for encoding in LEGACY_ENCODINGS:
        try:
            text = encoding.decode(data)
        except UnicodeDecodeError:
            continue
        except ImportError:
            viparse_missing = True
            continue
        scored.append((*vietnamese_score(text), encoding, text))
    best = max(scored, key=lambda s: s[0], default=None)
    if best is not None and best[0] >= LEGACY_MIN_SCORE and best[1] >= LEGACY_MIN_WORDS:
        return best[3]
    guess = guess_legacy_encoding(data) if viparse_missing else None
    if guess is None and best is not None and best[0] >= 0.5 and best[1] >= LEGACY_MIN_WORDS:
        guess = best[2].name
    if guess is None:
        raise TranscriptError(
            f"{name}: not UTF-8 text (invalid byte at offset {bad_offset}) and not Vietnamese in Windows-1258, "
            "TCVN3 or VNI; save it as UTF-8"
        )
    unsupported = " (reading it needs Python 3.11 or later)" if viparse_missing and guess != "Windows-1258" else ""
    raise TranscriptError(f"{name}: not UTF-8 text; it looks like {guess}{unsupported}; save it as UTF-8")


# Bytes that TCVN3 and VNI use for Vietnamese letters (as cp1252 shows them). VNI writes a toned vowel as
# the plain vowel and a mark byte, TCVN3 as one byte in place of the vowel: so in VNI most of these bytes
# follow a vowel, in TCVN3 few do.
_VNI_MARKS = frozenset("ùøûõïâêéèúüëáàåãäÙØÛÕÏÂÊÉÈÚÜËÁÀÅÃÄ")
_TCVN3_LETTERS = frozenset(bytes(range(0xA1, 0xAF)).decode("latin-1") + bytes(range(0xB5, 0xFF)).decode("latin-1"))


def guess_legacy_encoding(data: bytes) -> str | None:
    """Without viparse (Python 3.10): name the likely legacy encoding for the error message, or None."""
    text = _surface(data)
    high = [(i, ch) for i, ch in enumerate(text) if ch in _TCVN3_LETTERS or ch in _VNI_MARKS]
    letters = sum(1 for ch in text if ch.isalpha())
    # Vietnamese marks most syllables (about one such byte in four letters); French or German far fewer
    if len(high) < LEGACY_MIN_WORDS or len(high) < 0.1 * letters:
        return None
    after_vowel = sum(1 for i, ch in high if ch in _VNI_MARKS and i > 0 and text[i - 1] in "aeiouyAEIOUY")
    return "VNI" if after_vowel / len(high) > 0.5 else "TCVN3 (ABC)"


# Emoji are dropped on reading. A voice cannot say them (eSpeak NG reads a name or a code for each), subtitle
# fonts in Premiere/Resolve and broadcast caption character sets often lack them, and a newsroom expects the
# subtitle to show what the newsreader says. Ranges are the emoji blocks of Unicode 15 plus the joiners and
# selectors that build emoji sequences; text symbols such as © ® ° ™ № stay.
EMOJI_RANGES = (
    (0x1F000, 0x1FAFF), (0x2600, 0x27BF), (0x231A, 0x231B), (0x23E9, 0x23FA), (0x2B1B, 0x2B1C), (0x2B50, 0x2B50),
    (0x2B55, 0x2B55), (0xFE0E, 0xFE0F), (0x20E3, 0x20E3), (0xE0020, 0xE007F),
)
_EMOJI = re.compile(r"\s*[" + "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in EMOJI_RANGES) + "]+")


def drop_emoji(line: str) -> str:
    def gap(match: re.Match[str]) -> str:
        before, after = line[match.start() - 1 : match.start()], line[match.end() : match.end() + 1]
        if after == "" or after in ",.;:!?…)]}”’»\"":
            return ""  # "ra quân 👍." → "ra quân.", not "ra quân ."
        if before.isalnum() and after.isalnum():
            return " "  # "vui🎉cùng" must not become "vuicùng"
        return match.group(0)[:1] if match.group(0)[:1].isspace() else ""

    return _EMOJI.sub(gap, line)


def clean_line(line: str) -> str:
    """Collapse runs of white space (including no-break spaces); drop zero-width characters, soft hyphens,
    controls and emoji; then NFC (a zero-width joiner between a letter and its tone mark is gone by then)."""
    line = re.sub(r"[\u00ad\u200b-\u200d\u2060\ufeff]", "", line)  # soft hyphens too: web copy is full of them
    line = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in line)  # "a\x0bb" is two words
    return unicodedata.normalize("NFC", " ".join(drop_emoji(line).split()))


def parse(text: str, source: str = "<text>") -> Transcript:
    """Split text into blocks. Pure: no file access."""
    # Lines end only at CR, LF or a paragraph separator: str.splitlines() would also cut a paragraph at a
    # stray vertical tab, form feed or U+001C–U+001E; those are cleaned to spaces instead.
    lines = [clean_line(line) for line in re.split(r"\r\n|[\r\n\u2029]", text)]
    blocks: list[Block] = []
    title: str | None = None
    after_placeholder = False
    ordinal = 0
    nonempty = [i for i, line in enumerate(lines) if line]
    last_index = nonempty[-1] if nonempty else -1
    for i, line in enumerate(lines):
        if not line:
            continue
        match = _PLACEHOLDER.match(line)
        if title is None and match and match.group("title"):
            title = match.group("title")  # the title line is missing: the placeholders still name it
        elif title is None:
            title = line
            blocks.append(Block("title", line, 0))
            continue
        ordinal += 1
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


def read(path: str | Path, check: Callable[[str], None] | None = None) -> Transcript:
    """Read and parse a transcript file; every failure is a TranscriptError naming the file. `check` sees the
    decoded text before it is parsed (and may refuse it, e.g. as too long to speak)."""
    from broadcast.files import ReadError, read_limited

    p = Path(path)
    name = str(path)
    try:
        data = read_limited(p, MAX_BYTES, "a transcript", lambda start: _refuse_binary(start, name))
    except ReadError as exc:
        raise TranscriptError(str(exc)) from None
    text = decode(data, name)
    if check is not None:
        check(text)
    transcript = parse(text, p.name)
    if not transcript.blocks:
        raise TranscriptError(f"{name}: empty transcript, nothing to read")
    if not any(b.kind in ("title", "paragraph") for b in transcript.blocks):
        raise TranscriptError(f"{name}: only photo placeholders and captions, nothing to read")
    return transcript
