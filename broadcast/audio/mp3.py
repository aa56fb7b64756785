"""MPEG audio Layer III at the frame level: reading frames, the Xing/Info + LAME gapless tag, and clips cut
from an encoded stream at frame boundaries that decode to exactly the stream's samples for their span.

A Layer III frame carries N samples (1152 for MPEG-1, 576 for MPEG-2 and 2.5). A decoder's output lags the
encoder's input by the encoder's delay (LAME: 576) plus the decoder's own 529 samples; the LAME tag in the
stream's first, silent frame (the Info frame) says how many samples to drop at the start (delay + 529) and at
the end (padding − 529), so decoders that honour it (ffmpeg and mpg123 among them) give exactly the encoder's
input.

A frame's sound depends on earlier frames three ways: its main data may begin up to 511 bytes back in earlier
frames (the bit reservoir), each granule's inverse MDCT is overlapped with the one before, and the synthesis
filterbank remembers the last 512 output samples. A clip therefore starts two frames before the first frame
whose samples it needs, and, when those frames borrow from the reservoir, after one silent frame of our own
that carries exactly the borrowed bytes. From the first frame it needs on, a decoder is in the same state as
when it decodes the whole stream, so the clip decodes to the stream's own samples. The clip's LAME tag drops
the priming samples and the tail, so the clip lasts exactly its span.
"""

from __future__ import annotations

import struct
from array import array
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, Sequence

DECODER_DELAY = 529  # samples every Layer III decoder's output lags behind (the LAME tag convention)
MAX_TAG_SAMPLES = (1 << 12) - 1  # the LAME tag's delay and padding fields are 12 bits each
PRIMING_FRAMES = 2  # inverse-MDCT overlap + synthesis-filterbank memory, in frames before the first needed one

_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}  # by version bits
_KBPS = {
    3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),  # MPEG-1 Layer III
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),  # MPEG-2 and 2.5 Layer III
}
_XING_FLAGS = 0x0F  # frames, bytes, TOC and quality fields present
_TOC_SIZE = 100


class Mp3Error(ValueError):
    pass


@dataclass(frozen=True)
class Header:
    """One frame's 4-byte header, decoded."""

    raw: int
    version: int  # 3 MPEG-1, 2 MPEG-2, 0 MPEG-2.5
    bitrate_index: int
    sample_rate: int
    padding: int
    protected: bool  # a 16-bit CRC follows the header
    mono: bool

    @classmethod
    def parse(cls, data: bytes | bytearray | memoryview, at: int = 0) -> "Header | None":
        """The header at `at`, or None when the bytes there are not a Layer III header we can read."""
        if len(data) < at + 4:
            return None
        raw = int.from_bytes(data[at : at + 4], "big")
        version, layer = (raw >> 19) & 3, (raw >> 17) & 3
        bitrate_index, rate_index = (raw >> 12) & 15, (raw >> 10) & 3
        if raw >> 21 != 0x7FF or version == 1 or layer != 1 or bitrate_index in (0, 15) or rate_index == 3:
            return None
        return cls(raw, version, bitrate_index, _RATES[version][rate_index], (raw >> 9) & 1,
                   not (raw >> 16) & 1, (raw >> 6) & 3 == 3)

    @property
    def samples(self) -> int:
        return 1152 if self.version == 3 else 576

    @property
    def side_info_size(self) -> int:
        if self.version == 3:
            return 17 if self.mono else 32
        return 9 if self.mono else 17

    @property
    def main_data_offset(self) -> int:
        """Where the main data starts: after the header, the CRC and the side information."""
        return 4 + (2 if self.protected else 0) + self.side_info_size

    def size_at(self, bitrate_index: int, padding: int = 0) -> int:
        kbps = _KBPS[3 if self.version == 3 else 2][bitrate_index]
        return (144 if self.version == 3 else 72) * kbps * 1000 // self.sample_rate + padding

    @property
    def size(self) -> int:
        return self.size_at(self.bitrate_index, self.padding)

    def with_bitrate(self, bitrate_index: int) -> int:
        """This header's bits with another bitrate, no padding byte and no CRC."""
        return (self.raw & ~(0xF << 12) & ~(1 << 9)) | (bitrate_index << 12) | (1 << 16)


@dataclass(frozen=True)
class Frame:
    header: Header
    data: bytes

    @property
    def main_data_begin(self) -> int:
        """How many bytes of earlier frames' main data this frame's main data starts with (the reservoir)."""
        at = 4 + (2 if self.header.protected else 0)
        if self.header.version == 3:
            return (self.data[at] << 1) | (self.data[at + 1] >> 7)
        return self.data[at]

    @property
    def main_data(self) -> bytes:
        return self.data[self.header.main_data_offset :]


def skip_id3v2(data: bytes | bytearray) -> int:
    """The size of an ID3v2 tag at the start of `data` (0 if none)."""
    if data[:3] != b"ID3" or len(data) < 10:
        return 0
    size = (data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | (data[9] & 0x7F)
    return 10 + size + (10 if data[5] & 0x10 else 0)


def frames(stream: BinaryIO) -> Iterator[Frame]:
    """Every frame of an MP3 file or stream, in order, read as it goes (an ID3v2 tag first is skipped; reading
    stops at the first bytes that are not a frame, such as an ID3v1 tag)."""
    head = stream.read(10)
    skip = skip_id3v2(head)
    if skip:
        stream.read(skip - len(head))
        head = b""
    pending = bytearray(head)
    while True:
        if len(pending) < 4:
            pending += stream.read(4 - len(pending))
        header = Header.parse(pending)
        if header is None:
            return
        need = header.size - len(pending)
        if need > 0:
            more = stream.read(need)
            if len(more) < need:
                return  # a truncated last frame
            pending += more
        yield Frame(header, bytes(pending[: header.size]))
        del pending[: header.size]


# ---- the Info frame (Xing fields + LAME extension) ----

def _crc16_bytewise(data: bytes | bytearray, crc: int = 0) -> int:
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


_CRC_TABLE = [_crc16_bytewise(bytes([i])) for i in range(256)]
CRC_PERIOD = 32767  # x^32767 ≡ 1 modulo the CRC-16 polynomial x^16 + x^15 + x^2 + 1 (= (x + 1)(x^15 + x + 1))


def crc16(data: bytes | bytearray | memoryview, crc: int = 0) -> int:
    """CRC-16/ARC (polynomial 0x8005, reflected, initial value 0): the LAME tag's checksums."""
    table = _CRC_TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc


def crc16_file(stream: BinaryIO, length: int) -> int:
    """CRC-16/ARC of the next `length` bytes of `stream`, at C speed rather than a Python loop per byte.

    The CRC is linear, starts from 0 (so leading zeros change nothing), and shifting the message by CRC_PERIOD
    bytes, or bits, multiplies by x^(CRC_PERIOD) ≡ 1: so the message's CRC_PERIOD-byte blocks counted from its
    end XOR into one block with the same CRC, and that block's eight CRC_PERIOD-bit pieces (in the order the
    reflected CRC reads bits: low bit of each byte first) into one piece, left for the table: 4 KB, not the whole.
    """
    block = 0
    size = length % CRC_PERIOD or CRC_PERIOD
    left = length
    while left > 0:
        data = stream.read(size)
        if len(data) != size:
            raise Mp3Error("the file ended early")
        block ^= int.from_bytes(data, "big")
        left -= size
        size = CRC_PERIOD
    if not length:
        return 0
    bits = int.from_bytes(block.to_bytes(CRC_PERIOD, "big"), "little")
    mask = (1 << CRC_PERIOD) - 1
    piece = 0
    for k in range(8):
        piece ^= (bits >> (CRC_PERIOD * k)) & mask
    return crc16((piece << 1).to_bytes((CRC_PERIOD + 1) // 8, "little"))


@dataclass(frozen=True)
class GaplessTag:
    """What an Info frame's Xing fields and LAME extension say."""

    frames: int  # audio frames after the Info frame
    delay: int  # encoder delay, samples
    padding: int  # samples of padding at the end (the decoder's 529 included)
    frame_samples: int  # samples per frame

    @property
    def samples(self) -> int:
        """How many samples a gapless decoder gives."""
        return self.frames * self.frame_samples - self.delay - self.padding


def _xing_at(header: Header) -> int:
    return 4 + header.side_info_size  # the Info frame carries no CRC


def read_tag(frame: Frame) -> GaplessTag | None:
    """The gapless tag of an Info/Xing frame carrying a LAME extension (None for an audio frame)."""
    at = _xing_at(frame.header)
    if frame.data[at : at + 4] not in (b"Xing", b"Info"):
        return None
    flags = int.from_bytes(frame.data[at + 4 : at + 8], "big")
    if flags != _XING_FLAGS:
        return None
    count = int.from_bytes(frame.data[at + 8 : at + 12], "big")
    lame = at + 16 + _TOC_SIZE + 4
    delays = int.from_bytes(frame.data[lame + 21 : lame + 24], "big")
    return GaplessTag(count, delays >> 12, delays & 0xFFF, frame.header.samples)


def info_frame(template: Frame, tag: GaplessTag, sizes: Sequence[int], audio_crc: int) -> bytes:
    """`template` (an Info frame with a LAME extension) rewritten for a stream of audio frames of `sizes`
    bytes: frame and byte counts, seek table, delay and padding, music length and CRCs."""
    if not 0 <= tag.delay <= MAX_TAG_SAMPLES or not 0 <= tag.padding <= MAX_TAG_SAMPLES:
        raise Mp3Error(f"delay {tag.delay} or padding {tag.padding} does not fit the LAME tag")
    out = bytearray(template.data)
    at = _xing_at(template.header)
    total = len(out) + sum(sizes)
    out[at + 8 : at + 16] = struct.pack(">II", len(sizes), total)
    toc = bytearray(_TOC_SIZE)
    starts = [len(out)]
    for size in sizes:
        starts.append(starts[-1] + size)
    for i in range(_TOC_SIZE):
        toc[i] = min(255, 256 * starts[i * len(sizes) // _TOC_SIZE] // total) if sizes else 0
    out[at + 16 : at + 16 + _TOC_SIZE] = toc
    lame = at + 16 + _TOC_SIZE + 4
    out[lame + 21 : lame + 24] = ((tag.delay << 12) | tag.padding).to_bytes(3, "big")
    out[lame + 28 : lame + 34] = struct.pack(">IH", total, audio_crc)
    # the tag's CRC covers every byte before it (LAME's "first 190 bytes" is where it sits in MPEG-1 stereo)
    out[lame + 34 : lame + 36] = crc16(out[: lame + 34]).to_bytes(2, "big")
    return bytes(out)


def set_length(path: Path, samples: int) -> GaplessTag:
    """Rewrite, in place, the padding in the LAME tag of the gapless MP3 at `path` so that decoders give exactly
    `samples` samples, and the tag's CRC with it; return the tag as it now is. ffmpeg's own tag claims up to 46
    samples more than it was given for 46 lengths in every 576 (its padding is short by that much)."""
    with path.open("r+b") as stream:
        head = stream.read(10)
        at = skip_id3v2(head)
        stream.seek(at)
        info = next(frames(stream), None)
        tag = None if info is None else read_tag(info)
        if info is None or tag is None:
            raise Mp3Error(f"{path.name}: no Info frame with a LAME tag")
        padding = tag.frames * tag.frame_samples - tag.delay - samples
        if not 0 <= padding <= MAX_TAG_SAMPLES:
            raise Mp3Error(f"{path.name}: {samples} samples do not fit its {tag.frames} frames")
        data = bytearray(info.data)
        lame = _xing_at(info.header) + 16 + _TOC_SIZE + 4
        data[lame + 21 : lame + 24] = ((tag.delay << 12) | padding).to_bytes(3, "big")
        # the tag's CRC over every byte before it (ffmpeg's own does not match, and its reader then refuses the
        # tag, for MPEG-2 mono)
        data[lame + 34 : lame + 36] = crc16(data[: lame + 34]).to_bytes(2, "big")
        if data != info.data:
            stream.seek(at)
            stream.write(data)
    return replace(tag, padding=padding)


def reservoir_frame(like: Header, reservoir: bytes) -> bytes:
    """A silent frame (every granule empty) whose main data ends with `reservoir`, for the next frame to borrow:
    at the stream's bitrate when it has room, else at the first that does. Its header is the next frame's in
    every other bit (demuxers take a frame whose header differs in, say, the "original" bit for junk)."""
    for index in range(like.bitrate_index, 15):
        size = like.size_at(index)
        room = size - 4 - like.side_info_size
        if room >= len(reservoir):
            header = like.with_bitrate(index).to_bytes(4, "big")
            return header + bytes(size - 4 - len(reservoir)) + reservoir
    raise Mp3Error(f"no frame size holds a {len(reservoir)}-byte bit reservoir")


# ---- cutting clips ----

@dataclass(frozen=True)
class FrameIndex:
    """Where every audio frame of an MP3 file starts (`offsets[i]`; `offsets[-1]` is where the last one ends),
    and its Info frame: what cutting clips needs to know, read in one pass without holding the audio."""

    info: Frame
    tag: GaplessTag
    offsets: array

    @property
    def frames(self) -> int:
        return len(self.offsets) - 1

    @classmethod
    def read(cls, stream: BinaryIO) -> "FrameIndex":
        head = stream.read(10)
        stream.seek(skip_id3v2(head))
        info = next(frames(stream), None)
        tag = None if info is None else read_tag(info)
        if info is None or tag is None:
            raise Mp3Error("no Info frame with a LAME tag")
        offsets = array("Q")
        sizes: dict[int, int] = {}  # by header bits 31..9 (all a frame's size depends on)
        base = stream.tell()
        buffer = b""
        at = 0
        while True:
            if len(buffer) - at < 4:
                base += at
                if at > len(buffer):  # the last frame read ran past the buffer
                    stream.seek(base)
                buffer = buffer[at:] + stream.read(1 << 20)
                at = 0
                if len(buffer) < 4:
                    break
            key = int.from_bytes(buffer[at : at + 4], "big") >> 9
            size = sizes.get(key)
            if size is None:
                header = Header.parse(buffer, at)
                if header is None:
                    break
                size = sizes[key] = header.size
            offsets.append(base + at)
            at += size
        end = base + at
        if offsets and end > stream.seek(0, 2):  # the last frame is cut short: leave it out
            end = offsets.pop()
        offsets.append(end)
        return cls(info, tag, offsets)


def cut(source: Path, spans: Sequence[tuple[int, int]], paths: Sequence[Path],
        on_clip: Callable[[int], None] | None = None) -> GaplessTag:
    """Write each span of the gapless MP3 `source`, in samples of what it decodes to, as an MP3 of its own at
    the matching path (`on_clip(i)` once clip i is written); return the source's tag. `source` is read once
    for its frame index, then only the frames each clip takes."""
    with source.open("rb") as stream:
        index = FrameIndex.read(stream)
        for i, (span, path) in enumerate(zip(spans, paths, strict=True)):
            _write_clip(stream, index, span, path)
            if on_clip:
                on_clip(i)
    return index.tag


def _write_clip(stream: BinaryIO, index: FrameIndex, span: tuple[int, int], path: Path) -> None:
    first, last = span
    n = index.info.header.samples
    lag = index.tag.delay + DECODER_DELAY  # where the encoder's input sample 0 is in the decoder's output
    needed = (first + lag) // n  # the first frame whose output the clip needs
    final = max(needed, (last + lag - 1) // n)
    if first < 0 or last < first or final >= index.frames:
        raise Mp3Error(f"samples {first}–{last} are not inside the stream")
    start = max(0, needed - PRIMING_FRAMES)
    offsets = index.offsets
    first_frame = _frame_at(stream, offsets[start])
    borrowed = _reservoir(stream, index, first_frame, start) if start else b""
    silent = reservoir_frame(first_frame.header, borrowed) if borrowed else b""
    sizes = ([len(silent)] if silent else []) + [offsets[i + 1] - offsets[i] for i in range(start, final + 1)]
    delay = first + lag - (start * n - (n if silent else 0)) - DECODER_DELAY
    tag = GaplessTag(len(sizes), delay, len(sizes) * n - delay - (last - first), n)
    info_size = len(index.info.data)
    with path.open("w+b") as out:
        out.write(bytes(info_size))  # the Info frame, once the audio it describes is written
        out.write(silent)
        stream.seek(offsets[start])
        left = offsets[final + 1] - offsets[start]
        while left:
            block = stream.read(min(left, 1 << 20))
            if not block:
                raise Mp3Error("the stream ended early")
            out.write(block)
            left -= len(block)
        out.seek(info_size)
        audio_crc = crc16_file(out, sum(sizes))
        out.seek(0)
        out.write(info_frame(index.info, tag, sizes, audio_crc))


def _frame_at(stream: BinaryIO, offset: int) -> Frame:
    stream.seek(offset)
    frame = next(frames(stream), None)
    if frame is None:  # pragma: no cover - the index only holds frame starts
        raise Mp3Error(f"no frame at byte {offset}")
    return frame


def _reservoir(stream: BinaryIO, index: FrameIndex, frame: Frame, at: int) -> bytes:
    """The bytes of earlier frames' main data that `frame` (number `at`) starts its own main data with."""
    borrow = frame.main_data_begin
    parts: list[bytes] = []
    have = 0
    while have < borrow and at > 0:
        at -= 1
        parts.append(_frame_at(stream, index.offsets[at]).main_data)
        have += len(parts[-1])
    data = b"".join(reversed(parts))
    return data[len(data) - borrow :] if borrow else b""
