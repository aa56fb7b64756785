"""The delivered audio: the programme resampled once to the output rate, brought to a loudness target with
one gain for the whole bulletin, limited only if its true peak would pass the ceiling, and quantized to
the output bit depth (with dither for 16 bit).

Clips are cut from this master by sample offsets, so they carry the bulletin's gain and cut together
seamlessly; ffmpeg does the signal work (soxr resampler, volume, alimiter, dither) in one pass.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field

from broadcast import audio, loudness
from broadcast.loudness import Measurement, Target
from broadcast.timeline import Programme

SAMPLE_RATES = (44100, 48000)
BIT_DEPTHS = (16, 24)
GAIN_TOLERANCE_LU = 0.2  # re-render when the measured loudness misses the target by more than this
DELIVERY_TOLERANCE_LU = 0.5  # EBU R128 production tolerance: warn beyond it
MAX_PASSES = 4
LIMITER_MARGIN_DB = 0.3  # the limiter sees samples, not true peaks: aim a little under the ceiling
LOSSY_MARGIN_DB = 0.5  # MP3 encoding adds overshoot of its own
SILENT_LUFS = -70.0  # BS.1770's absolute gate: below this there is nothing to normalize


@dataclass(frozen=True)
class Master:
    pcm: bytes
    sample_rate: int
    sample_width: int  # bytes per sample
    spans: tuple[tuple[int, int], ...]  # each segment's [first, last) sample in pcm
    target: Target | None
    source: Measurement  # the programme as synthesized
    result: Measurement  # the master PCM
    gain_db: float
    limiter_ceiling_db: float | None  # None: no limiter was needed
    warnings: list[str] = field(default_factory=list)

    @property
    def n_samples(self) -> int:
        return len(self.pcm) // self.sample_width

    def clip(self, index: int) -> bytes:
        first, last = self.spans[index]
        return self.pcm[first * self.sample_width : last * self.sample_width]


def _render(programme: Programme, sample_rate: int, sample_width: int, gain_db: float,
            ceiling_db: float | None) -> bytes:
    filters = [
        "aformat=sample_fmts=dbl",
        f"aresample={sample_rate}:resampler=soxr:precision=28",
        f"volume={gain_db:.4f}dB:precision=double",
    ]
    if ceiling_db is not None:
        # latency=1 removes the look-ahead delay so every sample stays where the timeline put it
        filters.append(f"alimiter=limit={10 ** (ceiling_db / 20):.6f}:level=0:latency=1:attack=5:release=80")
    if sample_width == 2:
        filters.append("aresample=osf=s16:dither_method=triangular")
    fmt = f"s{8 * sample_width}le"
    proc = subprocess.run(
        [audio.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "s16le", "-ar", str(programme.sample_rate),
         "-ac", "1", "-i", "pipe:0", "-af", ",".join(filters), "-f", fmt, "-ac", "1", "pipe:1"],
        input=programme.pcm, capture_output=True, check=False,
    )
    if proc.returncode != 0:
        raise audio.AudioError(f"ffmpeg could not master the bulletin: {audio._last_line(proc.stderr)}")
    return proc.stdout


def _spans(programme: Programme, sample_rate: int, n_samples: int) -> tuple[tuple[int, int], ...]:
    ratio = sample_rate / programme.sample_rate

    def at(sample: int) -> int:
        return min(n_samples, round(sample * ratio))

    return tuple((at(s.first_sample), at(s.last_sample)) for s in programme.segments)


def master(programme: Programme, target: Target | None, sample_rate: int = 48000, bit_depth: int = 24,
           lossy: bool = False, offset_lu: float = 0.0) -> Master:
    """Resample, normalize and quantize the whole programme once; see the module docstring.

    `offset_lu` aims the master that much above the target, to make up for what an encoder takes away
    (MP3's low-pass lowers K-weighted loudness by a few tenths of a LU on eSpeak's bright voice).
    """
    width = bit_depth // 8
    source = loudness.measure_pcm(programme.pcm, programme.sample_rate, audio.SAMPLE_WIDTH)
    warnings: list[str] = []
    gain = 0.0
    ceiling: float | None = None
    if target is not None and source.integrated <= SILENT_LUFS:
        warnings.append("the audio is silent; loudness left alone")
        target = None
    aim = None if target is None else target.integrated + offset_lu
    if aim is not None:
        gain = aim - source.integrated
    peak_ceiling = None if target is None else target.true_peak - (LOSSY_MARGIN_DB if lossy else 0.0)
    for _ in range(MAX_PASSES):
        pcm = _render(programme, sample_rate, width, gain, ceiling)
        result = loudness.measure_pcm(pcm, sample_rate, width)
        if target is None or peak_ceiling is None:
            break
        over = result.true_peak - peak_ceiling
        miss = aim - result.integrated
        if over <= 0 and abs(miss) <= GAIN_TOLERANCE_LU:
            break
        if over > 0:
            # the limiter works on samples; lower its ceiling by the true-peak overshoot it left
            ceiling = (peak_ceiling - LIMITER_MARGIN_DB) if ceiling is None else ceiling - over - 0.1
        gain += miss
    if target is not None and (result.true_peak > target.true_peak
                               or abs(result.integrated - aim) > DELIVERY_TOLERANCE_LU):
        warnings.append(
            f"the master measures {result.integrated:.1f} LUFS, {result.true_peak:.1f} dBTP "
            f"(target {target.integrated:g} LUFS, ≤ {target.true_peak:g} dBTP)"
        )
    n = len(pcm) // width
    return Master(pcm, sample_rate, width, _spans(programme, sample_rate, n), target, source, result, gain,
                  ceiling, warnings)
