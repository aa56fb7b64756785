"""waveform.png: the delivered bulletin's waveform with every cue start marked, for a look at the pacing.

Written with zlib and struct (an 8-bit palette PNG), so no imaging library is needed.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from broadcast.audio.mastering import Master
from broadcast.audio.sound import audioop
from broadcast.audio.timeline import Programme

FILENAME = "waveform.png"
WIDTH, HEIGHT = 1600, 240
# palette index → RGB
BACKGROUND, WAVE, CUE, SEGMENT, GRID = range(5)
PALETTE = [(250, 250, 248), (38, 92, 160), (240, 150, 40), (200, 30, 30), (215, 215, 210)]
GRID_SECONDS = 10


def columns(master: Master, width: int) -> list[int]:
    """Peak absolute sample per pixel column, as a fraction of full scale × 1000."""
    n = master.n_samples
    w = master.sample_width
    full = float(2 ** (8 * w - 1))
    peaks = []
    with master.path.open("rb") as src:  # one pass over the master file, a column's samples at a time
        for x in range(width):
            a, b = n * x // width, max(n * x // width + 1, n * (x + 1) // width)
            src.seek(a * w)
            block = src.read((b - a) * w)
            lo, hi = audioop.minmax(block, w) if block else (0, 0)
            peaks.append(int(1000 * max(abs(lo), abs(hi)) / full))
    return peaks


def render(master: Master, programme: Programme, width: int = WIDTH, height: int = HEIGHT) -> list[bytearray]:
    rows = [bytearray([BACKGROUND]) * width for _ in range(height)]
    duration = master.n_samples / master.sample_rate or 1.0

    def vline(t: float, colour: int, step: int = 1) -> None:
        x = min(width - 1, max(0, int(t / duration * width)))
        for y in range(0, height, step):
            rows[y][x] = colour

    for second in range(GRID_SECONDS, int(duration) + 1, GRID_SECONDS):
        vline(second, GRID, 2)
    mid = height // 2
    for x, peak in enumerate(columns(master, width) if master.n_samples else [0] * width):
        half = max(0, min(mid - 1, peak * (mid - 1) // 1000))
        for y in range(mid - half, mid + half + 1):
            rows[y][x] = WAVE
    for segment in programme.segments:
        for cue in segment.cues[1:]:
            vline(cue.start, CUE, 3)
        vline(segment.start, SEGMENT)
    return rows


def png(rows: list[bytearray], palette: list[tuple[int, int, int]]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    height, width = len(rows), len(rows[0])
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)  # 8-bit palette, no interlace
    raw = b"".join(b"\0" + bytes(row) for row in rows)  # filter type 0 on every row
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"PLTE", bytes(c for rgb in palette for c in rgb))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def write_png(path: Path, master: Master, programme: Programme) -> None:
    path.write_bytes(png(render(master, programme), PALETTE))
