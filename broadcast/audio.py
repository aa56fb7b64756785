"""PCM helpers (16-bit mono) and encoding with the ffmpeg binary shipped in imageio-ffmpeg."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

from broadcast.errors import BroadcastError

import warnings

with warnings.catch_warnings():  # deprecated in 3.11-3.12, gone in 3.13 where audioop-lts provides it
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop

SAMPLE_WIDTH = 2
SILENCE_PEAK = 328  # -40 dBFS: below this a 10 ms window counts as silence
_WINDOW_S = 0.010


def _window(sample_rate: int) -> int:
    return max(1, int(sample_rate * _WINDOW_S))


def first_sound(pcm: bytes, start: int, sample_rate: int) -> int:
    """The first sample at or after `start` in a window louder than silence (len if none)."""
    n = len(pcm) // 2
    w = _window(sample_rate)
    i = start
    while i < n:
        if audioop.max(pcm[2 * i : 2 * min(n, i + w)], SAMPLE_WIDTH) > SILENCE_PEAK:
            return i
        i += w
    return n


def last_sound(pcm: bytes, start: int, stop: int, sample_rate: int) -> int:
    """One past the last sounding window in [start, stop) (start if all silent)."""
    w = _window(sample_rate)
    i = stop
    while i > start:
        lo = max(start, i - w)
        if audioop.max(pcm[2 * lo : 2 * i], SAMPLE_WIDTH) > SILENCE_PEAK:
            return i
        i = lo
    return start


def silence(n_samples: int) -> bytes:
    return b"\0\0" * n_samples


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def write_wav(path: Path, pcm: bytes, sample_rate: int, sample_width: int = SAMPLE_WIDTH) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(sample_width)
        out.setframerate(sample_rate)
        out.writeframes(pcm)


def read_wav(path: Path) -> tuple[bytes, int]:
    with wave.open(str(path), "rb") as src:
        return src.readframes(src.getnframes()), src.getframerate()


def wav_info(path: Path) -> tuple[int, int, int]:
    """(frames, sample rate, bytes per sample) of a WAV file."""
    with wave.open(str(path), "rb") as src:
        return src.getnframes(), src.getframerate(), src.getsampwidth()


class AudioError(BroadcastError):
    pass


def decode_mp3(data: bytes, sample_rate: int) -> bytes:
    """MP3 bytes → 16-bit mono PCM at `sample_rate`, decoded by ffmpeg."""
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "mp3", "-i", "pipe:0",
         "-f", "s16le", "-ac", "1", "-ar", str(sample_rate), "pipe:1"],
        input=data, capture_output=True, check=False,
    )
    if proc.returncode != 0 or not proc.stdout:
        raise AudioError(f"cannot decode MP3 ({_last_line(proc.stderr)})")
    return proc.stdout


def encode(pcm: bytes, sample_rate: int, path: Path, fmt: str, bitrate: str = "128k",
           sample_width: int = SAMPLE_WIDTH) -> None:
    """Write mono PCM (16- or 24-bit) as WAV (by the standard library) or MP3 (by ffmpeg's libmp3lame)."""
    if fmt == "wav":
        write_wav(path, pcm, sample_rate, sample_width)
        return
    if fmt != "mp3":
        raise ValueError(f"unknown audio format {fmt!r}")
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", f"s{8 * sample_width}le", "-ar", str(sample_rate),
         "-ac", "1", "-i", "pipe:0", "-c:a", "libmp3lame", "-b:a", bitrate, "-f", "mp3", str(path)],
        input=pcm, capture_output=True, check=False,
    )
    if proc.returncode != 0:
        raise AudioError(f"ffmpeg could not write {path.name}: {_last_line(proc.stderr)}")


def _last_line(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else "no message"
