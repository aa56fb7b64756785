"""The delivered audio: the bulletin and its clips written from the master, the bulletin measured as it is
written, and no file read back to measure it.

MP3: one ffmpeg encodes the master once into the bulletin file (with the encoder's gapless Info frame) and,
through a loopback decoder (`-dec`), decodes the very same packets and measures their loudness and true peak:
the decoder drops the encoder's delay and padding as a gapless decoder of the file does, so the meter reads the
samples a player gets from the file. The clips are then cut from the written bulletin at frame boundaries
(`mp3.cut`): they are the bulletin's own frames, and decode to its samples for their spans.

WAV: the master's bytes go block by block into the bulletin file and to the meter; each clip is the byte range
of its span.
"""

from __future__ import annotations

import os
import subprocess
import wave
from pathlib import Path
from typing import Callable, Sequence

from broadcast.audio import loudness, mp3, sound
from broadcast.audio.mastering import Master

BLOCK = 1 << 20
_ENCODING_NAME = ".bulletin-encoding.mp3"  # written in the bulletin's folder, then renamed


def write(master: Master, bulletin: Path, clips: Sequence[Path], fmt: str, bitrate: str = "128k",
          progress: Callable[[int], None] | None = None) -> loudness.Measurement:
    """Write the bulletin and one clip per master span; return the bulletin's loudness as a meter reads the
    written file. `progress` is told how many files are complete."""
    if fmt == "wav":
        return _write_wav(master, bulletin, clips, progress)
    if fmt == "mp3":
        return _write_mp3(master, bulletin, clips, bitrate, progress)
    raise ValueError(f"unknown audio format {fmt!r}")


def _write_mp3(master: Master, bulletin: Path, clips: Sequence[Path], bitrate: str,
               progress: Callable[[int], None] | None) -> loudness.Measurement:
    folder = bulletin.parent
    n = master.n_samples
    args = mp3_encoder_args(os.path.relpath(master.path, folder), master.sample_rate, master.sample_width, n, bitrate)
    with sound.ffmpeg(args, cwd=folder, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                      stderr=subprocess.PIPE) as encoder:
        assert encoder.stderr is not None
        err = encoder.stderr.read()
        if encoder.wait() != 0:
            raise sound.AudioError(f"ffmpeg could not write {bulletin.name}: {sound._last_line(err)}")
    measured = loudness.parse_summary(err.decode("utf-8", "replace"))
    os.replace(folder / _ENCODING_NAME, bulletin)
    # the file's tag tells decoders the master's length (ffmpeg's own is off for some lengths)
    tag = mp3.set_length(bulletin, n)
    if progress:
        progress(1)
    mp3.cut(bulletin, master.spans, clips, on_clip=(lambda i: progress(i + 2)) if progress else None)
    if tag.delay + mp3.DECODER_DELAY != sound.MP3_START_DELAY:
        # the loopback decoder skipped the encoder's own delay, which the file's tag does not give: measure the file
        measured = loudness.measure_file(bulletin)
    return measured


def mp3_encoder_args(master: str, sample_rate: int, sample_width: int, n_samples: int, bitrate: str) -> list[str]:
    """ffmpeg's arguments (after the program name) to encode the raw `master` file (a path relative to the
    working directory) into _ENCODING_NAME there and meter what the file decodes to: the loopback decoder gives
    the encoder's input length back (ffmpeg trims the priming and padding it added), and `atrim` holds the meter
    to the master's `n_samples` where ffmpeg's own count runs over (see mp3.set_length)."""
    meter = f"[dec:0]{loudness.meter_chain('true', [f'atrim=end_sample={n_samples}'])}[meter]"
    return ["-nostats", "-nostdin", "-y", *loudness.raw_input(sample_rate, sample_width, f"file:{master}"),
            "-map", "0:a", "-c:a", "libmp3lame", "-b:a", bitrate, "-f", "mp3", f"file:{_ENCODING_NAME}",
            "-dec", "0:0", "-filter_complex", meter, "-map", "[meter]", "-f", "null", "-"]


def _write_wav(master: Master, bulletin: Path, clips: Sequence[Path],
               progress: Callable[[int], None] | None) -> loudness.Measurement:
    with loudness.Meter(loudness.raw_input(master.sample_rate, master.sample_width)) as meter:
        with master.path.open("rb") as src, _wav(bulletin, master) as out:
            while block := src.read(BLOCK):
                out.writeframes(block)
                meter.feed(block)
        if progress:
            progress(1)
        for i, (path, (first, last)) in enumerate(zip(clips, master.spans, strict=True)):
            _copy_wav(master, first, last, path)
            if progress:
                progress(i + 2)
        return meter.measurement()


def _wav(path: Path, master: Master) -> wave.Wave_write:
    out = wave.open(str(path), "wb")
    out.setnchannels(1)
    out.setsampwidth(master.sample_width)
    out.setframerate(master.sample_rate)
    return out


def _copy_wav(master: Master, first: int, last: int, path: Path) -> None:
    """Samples [first, last) of the master as a WAV file, copied a block at a time."""
    width = master.sample_width
    with master.path.open("rb") as src, _wav(path, master) as out:
        src.seek(first * width)
        left = (last - first) * width
        while left:
            block = src.read(min(left, BLOCK))
            if not block:
                raise sound.AudioError(f"the master ends before sample {last}")
            out.writeframes(block)
            left -= len(block)
