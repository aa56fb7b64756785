"""The delivered audio: the programme resampled once to the output rate, brought to a loudness target with
one gain for the whole bulletin, limited only if its true peak would pass the ceiling, and quantized to
the output bit depth (with dither for 16 bit).

The master is written to a raw PCM file (not held in memory: an hour at 48 kHz/24-bit is half a gigabyte);
the bulletin is written from it and every clip is the bulletin's samples for its span (audio/encoding.py), so
the clips carry the bulletin's gain and cut together seamlessly. ffmpeg does the signal work (soxr resampler,
volume, alimiter, dither) in one pass.

Cost: one quick loudness reading of the programme (integrated loudness and sample peak), taken while it is
synthesized (`Readings`), decides the gain.
The true peak of speech stays within TRUE_PEAK_ALLOWANCE_DB of its sample peak, so when the gained sample
peak plus that allowance is under the ceiling no limiter is needed and the master is rendered once; only
otherwise does a render-measure loop with a limiter run.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from broadcast.audio import loudness, sound
from broadcast.audio.loudness import Target
from broadcast.audio.timeline import Programme, RawFile

SAMPLE_RATES = (22050, 24000, 44100, 48000)
BIT_DEPTHS = (16, 24)
GAIN_TOLERANCE_LU = 0.2  # re-render when the measured loudness misses the target by more than this
DELIVERY_TOLERANCE_LU = 0.5  # EBU R128 production tolerance: warn beyond it
MAX_PASSES = 4
TRUE_PEAK_ALLOWANCE_DB = 1.0  # inter-sample overs of speech over its sample peak (0.1 dB on four eSpeak bulletins)
LIMITER_MARGIN_DB = 0.3  # the limiter sees samples, not true peaks: aim a little under the ceiling
LOSSY_MARGIN_DB = 0.5  # MP3 encoding adds overshoot of its own
SILENT_LUFS = -70.0  # BS.1770's absolute gate: below this there is nothing to normalize
PROBE_SECONDS = 30.0  # how much of the programme is test-encoded to learn what the encoder does to loudness
MAX_ENCODER_OFFSET_LU = 1.5
PROBE_KEY_VERSION = 1  # bump when what a cached encoder offset means changes


@dataclass(frozen=True)
class Master:
    path: Path  # raw mono little-endian PCM, `sample_width` bytes per sample
    sample_rate: int
    sample_width: int
    spans: tuple[tuple[int, int], ...]  # each segment's [first, last) sample in the master
    target: Target | None
    source_lufs: float  # the programme as synthesized
    source_peak: float  # its sample peak, dBFS
    gain_db: float
    limiter_ceiling_db: float | None  # None: no limiter was needed
    warnings: list[str] = field(default_factory=list)

    @property
    def n_samples(self) -> int:
        return self.path.stat().st_size // self.sample_width


def _render(programme: Programme, sample_rate: int, sample_width: int, gain_db: float,
            ceiling_db: float | None, path: Path) -> None:
    filters = ["aformat=sample_fmts=dbl"]
    if sample_rate != programme.sample_rate:
        filters.append(f"aresample={sample_rate}:resampler=soxr:precision=28")
    filters.append(f"volume={gain_db:.4f}dB:precision=double")
    if ceiling_db is not None:
        # latency=1 removes the look-ahead delay so every sample stays where the timeline put it
        filters.append(f"alimiter=limit={10 ** (ceiling_db / 20):.6f}:level=0:latency=1:attack=5:release=80")
    if sample_width == 2:
        filters.append("aresample=osf=s16:dither_method=triangular")
    in_file = isinstance(programme.pcm, RawFile)  # `align`: the recording stays in its file, never in memory
    status, err = sound.run_ffmpeg(
        ["-loglevel", "error", "-y", "-f", "s16le", "-ar", str(programme.sample_rate), "-ac", "1",
         "-i", f"file:{programme.pcm.path}" if in_file else "pipe:0",
         "-af", ",".join(filters), "-f", f"s{8 * sample_width}le", "-ac", "1", str(path)],
        None if in_file else programme.pcm,
    )
    if status != 0:
        raise sound.AudioError(f"ffmpeg could not master the bulletin: {sound._last_line(err)}")


def _spans(programme: Programme, sample_rate: int, n_samples: int) -> tuple[tuple[int, int], ...]:
    ratio = sample_rate / programme.sample_rate

    def at(sample: int) -> int:
        return min(n_samples, round(sample * ratio))

    return tuple((at(s.first_sample), at(s.last_sample)) for s in programme.segments)


def probe_args(sample_rate: int, out_rate: int, fmt: str, bitrate: str, probe: Path) -> list[str]:
    """ffmpeg's arguments to encode 16-bit PCM on its stdin into `probe`, printing the input's level."""
    return ["-nostats", "-y", *loudness.raw_input(sample_rate, 2),
            "-filter_complex", "[0:a]asplit[level][encode];[level]ebur128=peak=sample:framelog=quiet,anullsink",
            "-map", "[encode]", "-ar", str(out_rate), "-c:a", "libmp3lame", "-b:a", bitrate, "-f", fmt, str(probe)]


def offset_of(probe_output: str, probe: Path) -> float:
    """The encoder offset from what the probe printed (the excerpt's level) and the encoded `probe` file."""
    before, _ = loudness.parse_level(probe_output)
    if before <= SILENT_LUFS:
        return 0.0
    after, _ = loudness.level(None, path=probe)
    return max(-MAX_ENCODER_OFFSET_LU, min(MAX_ENCODER_OFFSET_LU, before - after))


class StreamedProbe:
    """The LU an encoder takes away from this programme's loudness (MP3's low-pass lowers the K-weighted
    loudness of eSpeak's bright voice by a few tenths), learnt by encoding the first PROBE_SECONDS of the
    programme and measuring: one ffmpeg reads the excerpt's level while it encodes it, a second reads the
    encoded file's. The excerpt is fed piece by piece as the programme is made, so the probe encodes while
    eSpeak speaks and its answer is there soon after the excerpt's last piece, not an encode later."""

    def __init__(self, sample_rate: int, out_rate: int, fmt: str, bitrate: str) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="broadcast-probe-"))
        self.path = self.folder / f"probe.{fmt}"
        self.meter = loudness.Meter((), command=probe_args(sample_rate, out_rate, fmt, bitrate, self.path)).__enter__()

    def feed(self, pcm: bytes | bytearray | memoryview) -> None:
        self.meter.feed(pcm)

    def offset(self) -> float:
        """Every piece fed: wait for the encoder and measure its file."""
        try:
            return offset_of(self.meter.summary(), self.path)
        finally:
            self.meter.__exit__(None, None, None)
            shutil.rmtree(self.folder, ignore_errors=True)

    def abort(self) -> None:
        """Stop the probe unfinished (the run failed or was interrupted)."""
        stop = ProbeStopped()
        self.meter.__exit__(ProbeStopped, stop, None)
        shutil.rmtree(self.folder, ignore_errors=True)


class ProbeStopped(Exception):
    pass


def encoder_offset(excerpt: bytes | bytearray | memoryview, sample_rate: int, out_rate: int, fmt: str,
                   bitrate: str, cache: "ProbeCache | None" = None) -> float:
    """The encoder offset of an excerpt already at hand (`align`'s recording, not made piece by piece)."""
    if fmt == "wav":
        return 0.0
    key = cache.key(excerpt, sample_rate, out_rate, fmt, bitrate) if cache is not None else ""
    known = cache.get(key) if cache is not None else None
    if known is not None:
        return known
    probe = StreamedProbe(sample_rate, out_rate, fmt, bitrate)
    try:
        probe.feed(excerpt)
    except BaseException:
        probe.abort()
        raise
    offset = probe.offset()
    if cache is not None:
        cache.put(key, offset)
    return offset


@dataclass(frozen=True)
class ProbeCache:
    """Encoder offsets already learnt, one small file each in `folder` (the segment cache's `probes/`), so a
    rerun whose first PROBE_SECONDS did not change encodes no probe. An offset follows from the excerpt's samples,
    the rates, format and bitrate, and the encoder: the key holds all of them, the ffmpeg binary by its path,
    size and modification time (another ffmpeg may encode otherwise). Like the segment cache, one that cannot
    be written only costs time."""

    folder: Path

    @staticmethod
    def key(excerpt: bytes | bytearray | memoryview, sample_rate: int, out_rate: int, fmt: str, bitrate: str) -> str:
        exe = Path(sound.ffmpeg_exe()).resolve()
        info = exe.stat()
        identity = [PROBE_KEY_VERSION, PROBE_SECONDS, sample_rate, out_rate, fmt, bitrate, str(exe), info.st_size,
                    info.st_mtime_ns]
        digest = hashlib.sha256(json.dumps(identity).encode())
        digest.update(excerpt)
        return digest.hexdigest()

    def get(self, key: str) -> float | None:
        try:
            offset = float((self.folder / key).read_text(encoding="ascii"))
        except (OSError, ValueError, UnicodeDecodeError):
            return None
        return offset if math.isfinite(offset) and abs(offset) <= MAX_ENCODER_OFFSET_LU else None

    def put(self, key: str, offset: float) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".partial", dir=self.folder)
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="ascii") as out:
                out.write(repr(offset))
            os.replace(tmp, self.folder / key)
        except OSError:
            Path(tmp).unlink(missing_ok=True)


class Readings:
    """What mastering starts from, read while the programme is assembled, on the core synthesis leaves free:
    the programme's loudness and sample peak (one meter, fed each sentence as it arrives) and, for a lossy
    format, the encoder offset (`StreamedProbe`, fed the first PROBE_SECONDS, or found in `cache`). The values
    are exactly those the same readings of the finished programme give. A context manager: leaving it stops the
    meter."""

    def __init__(self, fmt: str, bitrate: str, sample_rate: int | None, probe: bool,
                 cache: ProbeCache | None = None) -> None:
        self.fmt, self.bitrate, self.sample_rate = fmt, bitrate, sample_rate
        self.probe = probe and fmt != "wav"
        self.cache = cache
        self._meter: loudness.Meter | None = None
        self._rate = 0
        self._probe: StreamedProbe | None = None
        self._excerpt = bytearray()  # kept only with a cache: the excerpt is its key
        self._taken = 0  # bytes of the excerpt fed to the probe so far
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="probe")
        self._offset: Future[float] | None = None

    def __enter__(self) -> "Readings":
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._meter is not None:
            self._meter.__exit__(*exc)
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._probe is not None and (self._offset is None or self._offset.cancelled()):  # never finished
            self._probe.abort()

    def feed(self, pcm: bytes | bytearray | memoryview, sample_rate: int) -> None:
        """The next piece of the programme (16-bit mono at `sample_rate`)."""
        if self._meter is None:
            self._rate = sample_rate
            self._meter = loudness.Meter(loudness.raw_input(sample_rate, 2), peak="sample").__enter__()
        self._meter.feed(pcm)
        if self.probe and self._offset is None:
            full = 2 * int(PROBE_SECONDS * sample_rate)
            piece = memoryview(pcm)[: full - self._taken]
            if self._probe is None:
                self._probe = StreamedProbe(sample_rate, self.sample_rate or sample_rate, self.fmt, self.bitrate)
            self._probe.feed(piece)
            if self.cache is not None:
                self._excerpt += piece
            self._taken += len(piece)
            if self._taken == full:
                self._offset = self._pool.submit(self._probed)

    def _probed(self) -> float:
        """The probe's offset; with a cache, the one it holds for this excerpt, the probe then stopped unused
        (on a rerun the excerpt comes from the segment cache at once, so the probe has barely started)."""
        assert self._probe is not None
        if self.cache is None:
            return self._probe.offset()
        key = self.cache.key(self._excerpt, self._rate, self.sample_rate or self._rate, self.fmt, self.bitrate)
        offset = self.cache.get(key)
        if offset is not None:
            self._probe.abort()
            return offset
        offset = self._probe.offset()
        self.cache.put(key, offset)
        return offset

    def finish(self, programme: Programme) -> tuple[tuple[float, float], float]:
        """((integrated LUFS, sample peak dBFS), encoder offset LU) of the programme fed so far."""
        if self._meter is None:  # nothing was fed
            self.feed(programme.pcm, programme.sample_rate)
        assert self._meter is not None
        level = self._meter.level()
        if self.probe and self._offset is None:  # a programme shorter than the probe
            self._offset = self._pool.submit(self._probed)
        return level, (self._offset.result() if self._offset is not None else 0.0)


def master(programme: Programme, target: Target | None, path: Path, sample_rate: int = 48000,
           bit_depth: int = 24, lossy: bool = False, offset_lu: float = 0.0,
           source_level: tuple[float, float] | None = None) -> Master:
    """Resample, normalize and quantize the whole programme into `path`; see the module docstring.

    `offset_lu` aims the master that much above the target, to make up for what an encoder takes away;
    `source_level` is the programme's (integrated LUFS, sample peak) when the caller has measured it already.
    """
    width = bit_depth // 8
    source_lufs, source_peak = source_level or loudness.level(programme.pcm, programme.sample_rate, 2)
    warnings: list[str] = []
    if target is not None and source_lufs <= SILENT_LUFS:
        warnings.append("the audio is silent; loudness left alone")
        target = None
    gain = 0.0 if target is None else target.integrated + offset_lu - source_lufs
    ceiling: float | None = None
    peak_ceiling = None if target is None else target.true_peak - (LOSSY_MARGIN_DB if lossy else 0.0)
    _render(programme, sample_rate, width, gain, None, path)
    if peak_ceiling is not None and source_peak + gain + TRUE_PEAK_ALLOWANCE_DB > peak_ceiling:
        aim = target.integrated + offset_lu  # type: ignore[union-attr]
        for _ in range(MAX_PASSES):
            result = loudness.measure_raw_file(path, sample_rate, width)
            over = result.true_peak - peak_ceiling
            miss = aim - result.integrated
            if over <= 0 and abs(miss) <= GAIN_TOLERANCE_LU:
                break
            if over > 0:
                # the limiter works on samples; lower its ceiling by the true-peak overshoot it left
                ceiling = (peak_ceiling - LIMITER_MARGIN_DB) if ceiling is None else ceiling - over - 0.1
            gain += miss
            _render(programme, sample_rate, width, gain, ceiling, path)
    n = path.stat().st_size // width
    return Master(path, sample_rate, width, _spans(programme, sample_rate, n), target, source_lufs, source_peak,
                  gain, ceiling, warnings)
