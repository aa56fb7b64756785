"""PCM helpers (16-bit mono) and encoding with the ffmpeg binary shipped in imageio-ffmpeg."""

from __future__ import annotations

import functools
import subprocess
import tempfile
import threading
import warnings
import wave
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

from broadcast.audio import mp3
from broadcast.errors import BroadcastError

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


_exe_lock = threading.Lock()


@functools.cache
def _find_ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def ffmpeg_exe() -> str:
    """The ffmpeg binary from imageio-ffmpeg, looked up once per process (the look-up runs `ffmpeg -version`;
    the lock keeps threads that start ffmpeg at the same moment from running it twice)."""
    with _exe_lock:
        return _find_ffmpeg()


@contextmanager
def ffmpeg(args: Sequence[str], **popen: Any) -> Iterator[subprocess.Popen]:
    """A running ffmpeg (`args` after the program name); if the block is left by an exception, an interrupt
    included, the process is killed and waited for, so none outlives the run."""
    proc = subprocess.Popen([ffmpeg_exe(), "-hide_banner", *args], **popen)
    try:
        yield proc
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None and not stream.closed:
                try:
                    stream.close()
                except OSError:  # a pipe the process already broke
                    pass


def run_ffmpeg(args: Sequence[str], data: bytes | bytearray | memoryview | None = None,
               **popen: Any) -> tuple[int, bytes]:
    """ffmpeg (`args` after the program name) run to its end with `data` on its stdin; (exit status, stderr).
    The data goes down the pipe in one write, not in PIPE_BUF (4 KB) pieces each after a poll as
    subprocess.run's communicate sends it: for an hour of audio that is 40 000 rounds and seconds of CPU."""
    stdin = subprocess.DEVNULL if data is None else subprocess.PIPE
    with ffmpeg(args, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **popen) as proc:
        err: list[bytes] = []
        reader = threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True)  # type: ignore[union-attr]
        reader.start()
        if data is not None:
            assert proc.stdin is not None
            try:
                proc.stdin.write(data)
                proc.stdin.close()
            except BrokenPipeError:  # ffmpeg stopped reading; its exit status and message say why
                pass
        reader.join()
        return proc.wait(), err[0] if err else b""


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


# LAME's default encoder delay (576) plus the MP3 decoder's delay (529), in samples at the stream's own rate:
# the silence every MP3 starts with when it carries no gapless (Xing/Info + LAME) tag to say so.
LAME_DELAY = 576
MP3_START_DELAY = LAME_DELAY + mp3.DECODER_DELAY


@dataclass(frozen=True)
class Mp3Stream:
    sample_rate: int
    gapless_tag: bool  # an Xing/Info frame: ffmpeg trims the encoder delay and padding itself


def mp3_stream(data: bytes) -> Mp3Stream | None:
    """The first MPEG audio frame's sample rate and whether it is a gapless info frame (None: not MP3)."""
    i = mp3.skip_id3v2(data)
    while i + 4 <= len(data):
        header = mp3.Header.parse(data, i)
        if header is not None:
            tag = data[i + 4 + header.side_info_size : i + 8 + header.side_info_size]
            return Mp3Stream(header.sample_rate, tag in (b"Xing", b"Info"))
        i += 1
    return None


def decode_mp3_gapless(data: bytes, sample_rate: int) -> bytes:
    """MP3 bytes → PCM without the encoder's leading delay and (when tagged) trailing padding.

    Chunks decoded this way can be joined without drift. ffmpeg honours a LAME gapless tag only when it can
    seek, so the bytes go through a temporary file; untagged streams get the standard delay cut here.
    """
    stream = mp3_stream(data)
    if stream is None:
        raise AudioError("cannot decode MP3 (no MPEG audio frame found)")
    with tempfile.TemporaryDirectory(prefix="broadcast-mp3-") as folder:
        path = Path(folder) / "chunk.mp3"
        path.write_bytes(data)
        proc = subprocess.run(
            [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(path),
             "-f", "s16le", "-ac", "1", "-ar", str(sample_rate), "pipe:1"],
            capture_output=True, check=False,
        )
    if proc.returncode != 0 or not proc.stdout:
        raise AudioError(f"cannot decode MP3 ({_last_line(proc.stderr)})")
    pcm = proc.stdout
    if not stream.gapless_tag:
        skip = round(MP3_START_DELAY * sample_rate / stream.sample_rate)
        pcm = pcm[2 * skip :]
    return pcm


def encode(pcm: bytes | bytearray | memoryview, sample_rate: int, path: Path, fmt: str, bitrate: str = "128k",
           sample_width: int = SAMPLE_WIDTH, *, out_rate: int | None = None) -> None:
    """Write mono PCM (16- or 24-bit) as WAV (by the standard library) or MP3 (by ffmpeg's libmp3lame);
    `out_rate` resamples an MP3 on the way (used only to probe an encoder)."""
    if fmt == "wav":
        write_wav(path, pcm, sample_rate, sample_width)
        return
    if fmt != "mp3":
        raise ValueError(f"unknown audio format {fmt!r}")
    _mp3([*_raw_input(sample_rate, sample_width), "pipe:0"], path, bitrate, pcm, out_rate)


def _raw_input(sample_rate: int, sample_width: int) -> list[str]:
    return ["-f", f"s{8 * sample_width}le", "-ar", str(sample_rate), "-ac", "1", "-i"]


def _mp3(input_args: list[str], path: Path, bitrate: str, data: bytes | bytearray | memoryview | None,
         out_rate: int | None) -> None:
    rate = ["-ar", str(out_rate)] if out_rate else []
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *input_args, *rate, "-c:a", "libmp3lame",
         "-b:a", bitrate, "-f", "mp3", str(path)],
        input=data, capture_output=True, check=False,
    )
    if proc.returncode != 0:
        raise AudioError(f"ffmpeg could not write {path.name}: {_last_line(proc.stderr)}")


def _last_line(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else "no message"
