"""A recording to align, read by ffmpeg (any format it reads: WAV, MP3, M4A, the audio of MP4/MOV/MXF).

It is decoded once. For analysis, to mono 16 kHz into a raw file beside the work (an hour is 115 MB on disk),
its hop energies measured on the way; the aligner then reads it window by window, so memory does not grow
with length. For delivery, by the same ffmpeg, to mono at its own rate (at most 48 kHz) into a second raw file,
through ffmpeg's ebur128 meter: the loudness mastering starts from, read on the very samples delivered.
"""

from __future__ import annotations

import math
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from broadcast.align import features
from broadcast.audio import loudness, sound
from broadcast.errors import BroadcastError

_BLOCK_SAMPLES = features.HOP * 6000  # one minute of 16 kHz samples per read
# bytes per packet ffmpeg's WAV reader hands on (its default, 4096, is 1024 stereo samples: for an hour at 48 kHz,
# 600 000 hand-overs between ffmpeg's threads and twice the CPU of the decoding itself); the same samples
WAV_PACKET_BYTES = 1 << 16
MAX_DELIVERY_RATE = 48000


class RecordingError(BroadcastError):
    pass


@dataclass(frozen=True)
class Info:
    sample_rate: int  # of the first audio stream
    duration: float | None  # s, as the container states it (None when it does not)
    container: str = ""  # ffmpeg's name for the format ("wav", "mp3", "mov" …)


def probe(path: Path) -> Info:
    """The recording's audio stream, or a one-line error saying why it cannot be used."""
    if not path.exists():
        raise RecordingError(f"{path}: no such file")
    if path.is_dir():
        raise RecordingError(f"{path}: is a folder, not a recording")
    proc = subprocess.run([sound.ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)],
                          capture_output=True, check=False)
    text = proc.stderr.decode("utf-8", "replace")
    stream = re.search(r"Stream #\d+:\d+.*?: Audio: [^\n]*?(\d+) Hz", text)
    if stream is None:
        if "Invalid data" in text or "Error opening input" in text:
            raise RecordingError(f"{path}: not a recording ffmpeg can read (WAV, MP3, M4A, MP4, MOV, MXF …)")
        raise RecordingError(f"{path}: has no audio stream")
    duration = re.search(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)", text)
    seconds = None if duration is None else int(duration[1]) * 3600 + int(duration[2]) * 60 + float(duration[3])
    container = re.search(r"Input #0, ([^,\s]+)", text)
    return Info(int(stream[1]), seconds, container[1] if container else "")


@dataclass(frozen=True)
class Delivery:
    """The recording as delivered: 16-bit mono PCM at `sample_rate` in a raw file, and its (integrated LUFS,
    sample peak dBFS) as ffmpeg's ebur128 meter read those samples while writing them."""

    path: Path
    sample_rate: int
    level: tuple[float, float]


def decoder_args(path: Path, rate: int, delivery: tuple[Path, int] | None = None, container: str = "") -> list[str]:
    """ffmpeg's arguments: the first audio stream, all its channels mixed, as 16-bit mono at `rate` on stdout;
    with `delivery` (a file and a rate) also written there, through the meter (which prints at info level).
    `container` is the format `probe` found (a WAV is read in larger packets)."""
    packets = ["-max_size", str(WAV_PACKET_BYTES)] if container == "wav" else []
    args = ["-hide_banner", "-nostdin", "-nostats", "-loglevel", "info" if delivery else "error", "-y", *packets,
            "-i", str(path), "-vn", "-map", "0:a:0", "-f", "s16le", "-ac", "1", "-ar", str(rate), "pipe:1"]
    if delivery is not None:
        target, out_rate = delivery
        # the same samples `-ac 1 -ar` gives, converted before the meter so it reads exactly what is delivered
        chain = f"aresample={out_rate},aformat=sample_fmts=s16:channel_layouts=mono,ebur128=peak=sample:framelog=quiet"
        args += ["-map", "0:a:0", "-af", chain, "-f", "s16le", "-ac", "1", "-ar", str(out_rate), f"file:{target}"]
    return args


class Analysis:
    """The recording at ANALYSIS_RATE in a raw file, with every hop's energy (dB) in memory (1.4 MB an hour);
    with `delivery` (a file and a rate) the same decoding also writes the recording for delivery there
    (`self.delivery`). `info` is the recording's `probe`, when taken."""

    def __init__(self, path: Path, raw: Path, delivery: tuple[Path, int] | None = None,
                 info: Info | None = None) -> None:
        self.raw = raw
        energies = []
        n = 0
        carry = np.zeros(0, dtype=np.float32)
        with tempfile.TemporaryFile() as log:  # a file, not a pipe: however much ffmpeg says, it never waits
            args = decoder_args(path, features.ANALYSIS_RATE, delivery, info.container if info else "")
            proc = subprocess.Popen([sound.ffmpeg_exe(), *args], stdout=subprocess.PIPE, stderr=log)
            assert proc.stdout is not None
            with raw.open("wb") as out:
                while block := proc.stdout.read(2 * _BLOCK_SAMPLES):
                    out.write(block)
                    samples = np.concatenate([carry, np.frombuffer(block[: len(block) // 2 * 2], "<i2") / 32768.0])
                    whole = len(samples) // features.HOP * features.HOP
                    energies.append(features.energy_db(samples[:whole].astype(np.float32)))
                    carry = samples[whole:].astype(np.float32)
                    n += len(block) // 2
            returncode = proc.wait()
            log.seek(0)
            err = log.read()
        if returncode != 0:
            raise RecordingError(f"{path}: ffmpeg could not decode it ({sound._last_line(err)})")
        if len(carry):
            energies.append(features.energy_db(carry))
        self.n_samples = n
        self.energy = np.concatenate(energies) if energies else np.zeros(0, np.float32)
        if n == 0:
            raise RecordingError(f"{path}: the audio stream is empty")
        self.delivery = None if delivery is None else Delivery(
            delivery[0], delivery[1], loudness.parse_level(err.decode("utf-8", "replace")))

    @property
    def duration(self) -> float:
        return self.n_samples / features.ANALYSIS_RATE

    def read(self, first: int, last: int) -> np.ndarray:
        """Samples [first, last) as float32 (full scale 1.0)."""
        first, last = max(0, first), min(self.n_samples, last)
        if last <= first:
            return np.zeros(0, dtype=np.float32)
        with self.raw.open("rb") as src:
            src.seek(2 * first)
            return (np.fromfile(src, dtype="<i2", count=last - first) / 32768.0).astype(np.float32)


class InMemory:
    """The same interface over samples already in memory (a sentence of speech, a test signal)."""

    def __init__(self, samples: np.ndarray) -> None:
        self.samples = samples.astype(np.float32)
        self.n_samples = len(samples)
        self.energy = features.energy_db(self.samples)

    @property
    def duration(self) -> float:
        return self.n_samples / features.ANALYSIS_RATE

    def read(self, first: int, last: int) -> np.ndarray:
        return self.samples[max(0, first) : max(0, last)]


def to_analysis(pcm: bytes, sample_rate: int) -> np.ndarray:
    """16-bit mono PCM at any rate → float32 at ANALYSIS_RATE, band-limited by cutting the spectrum (a sentence
    at a time: eSpeak's 22 kHz output has sound above 8 kHz that plain interpolation would fold down)."""
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], "<i2").astype(np.float32) / 32768.0
    return resample(samples, sample_rate)


def resample(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    if sample_rate == features.ANALYSIS_RATE or not len(samples):
        return samples.astype(np.float32)
    n_out = max(1, int(round(len(samples) * features.ANALYSIS_RATE / sample_rate)))
    # zero-padded to a length whose transform is fast and whose resampled length is whole (a prime-length
    # FFT is twenty times slower)
    g = math.gcd(sample_rate, features.ANALYSIS_RATE)
    unit_in, unit_out = sample_rate // g, features.ANALYSIS_RATE // g
    units = 1 << max(0, math.ceil(math.log2(max(1, -(-len(samples) // unit_in)))))
    spectrum = np.fft.rfft(samples.astype(np.float64), unit_in * units)
    kept = np.zeros(unit_out * units // 2 + 1, dtype=complex)
    k = min(len(kept), len(spectrum))
    kept[:k] = spectrum[:k]
    return (np.fft.irfft(kept, unit_out * units)[:n_out] * (unit_out / unit_in)).astype(np.float32)
