"""Loudness targets and BS.1770 measurement with ffmpeg's own `ebur128` meter.

The meter is the one broadcasters check deliveries with, so what we record in manifest.json is what a
QC check with `ffmpeg -af ebur128=peak=true` reports on the file we wrote.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from broadcast.audio import sound
from broadcast.errors import BroadcastError


class LoudnessError(BroadcastError):
    pass


@dataclass(frozen=True)
class Target:
    name: str
    integrated: float  # LUFS
    true_peak: float  # dBTP ceiling


# presets: EBU R128, ATSC A/85, and the common web/podcast level
PRESETS: dict[str, Target] = {
    "ebu": Target("ebu", -23.0, -1.0),
    "atsc": Target("atsc", -24.0, -2.0),
    "web": Target("web", -16.0, -1.0),
}
OFF = "off"
# Louder than −14 LUFS cannot be met under a −1 dBTP ceiling: eSpeak peaks at full scale, so the limiter
# flattens the speech and the level stops rising (measured on assets/sample.txt, asked → got: WAV −14 → −14.3,
# −13 → −13.5, −12 → −13.1, −10 → −12.0, −5 → −10.8; MP3 −14 → −14.5). See README "Loudness".
LUFS_RANGE = (-40.0, -14.0)


def target(spec: str | float) -> Target | None:
    """`ebu`, `atsc`, `web`, `off` (None: leave levels alone) or a number of LUFS (ceiling −1 dBTP)."""
    text = str(spec).strip().lower()
    if text == OFF:
        return None
    if text in PRESETS:
        return PRESETS[text]
    try:
        lufs = float(text.removesuffix("lufs").strip())
    except ValueError:
        raise LoudnessError(
            f"loudness {spec!r}: use ebu, atsc, web, off or a number of LUFS such as -23"
        ) from None
    if not LUFS_RANGE[0] <= lufs <= LUFS_RANGE[1]:
        raise LoudnessError(f"loudness {spec!r}: a target must lie between {LUFS_RANGE[0]:g} and {LUFS_RANGE[1]:g} LUFS")
    return Target(f"{lufs:g} LUFS", lufs, -1.0)


@dataclass(frozen=True)
class Measurement:
    integrated: float  # LUFS (−70 and below: silence)
    true_peak: float  # dBTP
    loudness_range: float  # LU


_SUMMARY = re.compile(
    r"Integrated loudness:\s*I:\s*(?P<i>-?[\d.]+|-inf) LUFS.*?"
    r"Loudness range:\s*LRA:\s*(?P<lra>-?[\d.]+) LU.*?"
    r"True peak:\s*Peak:\s*(?P<tp>-?[\d.]+|-inf) dBFS",
    re.S,
)


def _number(text: str) -> float:
    return float("-inf") if text == "-inf" else float(text)


def parse_summary(stderr: str) -> Measurement:
    match = None
    for match in _SUMMARY.finditer(stderr):
        pass  # the last summary is the whole input's
    if match is None:
        raise LoudnessError("ffmpeg's ebur128 meter printed no summary")
    return Measurement(_number(match["i"]), _number(match["tp"]), _number(match["lra"]))


def _run_meter(args: list[str], data: bytes | bytearray | None, peak: str) -> str:
    proc = subprocess.run(
        [sound.ffmpeg_exe(), "-hide_banner", "-nostats", *args,
         "-af", f"ebur128=peak={peak}:framelog=quiet", "-f", "null", "-"],
        input=data, capture_output=True, check=False,
    )
    text = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise LoudnessError(f"ffmpeg could not measure loudness: {text.strip().splitlines()[-1:]}")
    return text


def _raw(sample_rate: int, sample_width: int, source: str = "pipe:0") -> list[str]:
    return ["-f", f"s{8 * sample_width}le", "-ar", str(sample_rate), "-ac", "1", "-i", source]


def measure_pcm(pcm: bytes | bytearray, sample_rate: int, sample_width: int) -> Measurement:
    """Integrated loudness and true peak of raw mono little-endian PCM."""
    return parse_summary(_run_meter(_raw(sample_rate, sample_width), pcm, "true"))


def measure_raw_file(path: Path, sample_rate: int, sample_width: int) -> Measurement:
    """Integrated loudness and true peak of a raw mono PCM file, read by ffmpeg (never loaded here)."""
    return parse_summary(_run_meter(_raw(sample_rate, sample_width, str(path)), None, "true"))


def measure_file(path: Path) -> Measurement:
    """Integrated loudness and true peak of an audio file, as a QC check would measure it."""
    return parse_summary(_run_meter(["-i", str(path)], None, "true"))


_QUICK = re.compile(r"I:\s*(?P<i>-?[\d.]+|-inf) LUFS.*?Sample peak:\s*Peak:\s*(?P<peak>-?[\d.]+|-inf) dBFS", re.S)


def level(pcm: bytes | bytearray | None, sample_rate: int = 0, sample_width: int = 2,
          path: Path | None = None) -> tuple[float, float]:
    """(integrated LUFS, sample peak dBFS) of raw PCM or of a file: a third of the cost of a true-peak
    measurement (no 4× oversampling), for decisions; what is delivered is measured with `measure_file`."""
    args = ["-i", str(path)] if path is not None else _raw(sample_rate, sample_width)
    text = _run_meter(args, None if path is not None else pcm, "sample")
    match = None
    for match in _QUICK.finditer(text[text.rfind("Summary:"):]):
        pass
    if match is None:
        raise LoudnessError("ffmpeg's ebur128 meter printed no summary")
    return _number(match["i"]), _number(match["peak"])
