"""Loudness targets and BS.1770 measurement with ffmpeg's own `ebur128` meter.

The meter is the one broadcasters check deliveries with, so what we record in manifest.json is what a
QC check with `ffmpeg -af ebur128=peak=true` reports on the file we wrote.
"""

from __future__ import annotations

import queue
import re
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

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


# After the meter, the audio goes on to a null output that discards it; in frames of this many samples, not an
# MP3 decoder's 576 or 1152: each frame crosses ffmpeg's threads (filter, encoder, muxer), each crossing costs
# system calls (a tenth of the programme meter's CPU). The meter itself sees the frames as they come.
SINK_FRAME = 1 << 16


def meter_chain(peak: str, filters: Sequence[str] = ()) -> str:
    """The filter chain of a meter: `filters`, then ffmpeg's ebur128, then frames batched for the null sink."""
    return ",".join([*filters, f"ebur128=peak={peak}:framelog=quiet", f"asetnsamples=n={SINK_FRAME}:p=0"])


def _meter_args(args: Sequence[str], peak: str, filters: Sequence[str] = ()) -> list[str]:
    return ["-nostats", *args, "-af", meter_chain(peak, filters), "-f", "null", "-"]


def _run_meter(args: list[str], data: bytes | bytearray | memoryview | None, peak: str) -> str:
    return _meter_output(*sound.run_ffmpeg(_meter_args(args, peak), data))


def _meter_output(returncode: int, stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace")
    if returncode != 0:
        raise LoudnessError(f"ffmpeg could not measure loudness: {text.strip().splitlines()[-1:]}")
    return text


class Meter:
    """ffmpeg's ebur128 meter reading audio while it is being made: raw PCM handed to `feed`, or a pipe from
    another process given as `stdin`. `filters` run before the meter (atrim, to drop an encoder's delay).
    `feed` only queues the piece (up to QUEUED pieces; then it waits): a thread writes them to the meter, so
    the producer runs on while the meter reads. Use as a context manager: leaving it by an exception stops the
    meter."""

    QUEUED = 16

    def __init__(self, input_args: Sequence[str], peak: str = "true", filters: Sequence[str] = (),
                 stdin: Any = subprocess.PIPE, command: Sequence[str] | None = None) -> None:
        """`command`: ffmpeg's whole argument list instead of a meter's (a probe that encodes as it meters)."""
        args = _meter_args(input_args, peak, filters) if command is None else command
        self._context = sound.ffmpeg(args, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._stderr = b""
        self._threads: list[threading.Thread] = []
        self._queue: queue.Queue[bytes | memoryview | None] = queue.Queue(self.QUEUED)
        self._feeding = stdin == subprocess.PIPE

    def __enter__(self) -> "Meter":
        self.proc = self._context.__enter__()
        # what the meter prints is read as it goes, so a full pipe can never stall it (nor an encoder feeding it)
        self._threads.append(threading.Thread(target=self._read_stderr, daemon=True))
        if self._feeding:
            self._threads.append(threading.Thread(target=self._write_stdin, daemon=True))
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: Any) -> bool | None:
        if self._feeding and exc[0] is not None:  # stop the writer: what is queued will not be read
            self._drain()
            self._queue.put_nowait(None)
        return self._context.__exit__(*exc)

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        self._stderr = self.proc.stderr.read()

    def _write_stdin(self) -> None:
        assert self.proc.stdin is not None
        try:
            while (piece := self._queue.get()) is not None:
                self.proc.stdin.write(piece)
            self.proc.stdin.close()
        except OSError:  # the meter has stopped; its exit status tells why
            self._drain()

    def _drain(self) -> None:
        """Let a producer waiting on a full queue go on (nothing more will be written)."""
        self._feeding = False
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                return

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        if self._feeding:
            self._queue.put(data)

    def summary(self) -> str:
        """Everything fed: wait for the meter and return what it printed."""
        if self._feeding:
            self._queue.put(None)
        returncode = self.proc.wait()
        for thread in self._threads:
            thread.join()
        return _meter_output(returncode, self._stderr)

    def measurement(self) -> Measurement:
        return parse_summary(self.summary())

    def level(self) -> tuple[float, float]:
        return parse_level(self.summary())


def raw_input(sample_rate: int, sample_width: int, source: str = "pipe:0") -> list[str]:
    return ["-f", f"s{8 * sample_width}le", "-ar", str(sample_rate), "-ac", "1", "-i", source]


def measure_raw_file(path: Path, sample_rate: int, sample_width: int) -> Measurement:
    """Integrated loudness and true peak of a raw mono PCM file, read by ffmpeg (never loaded here)."""
    return parse_summary(_run_meter(raw_input(sample_rate, sample_width, str(path)), None, "true"))


def measure_file(path: Path) -> Measurement:
    """Integrated loudness and true peak of an audio file, as a QC check would measure it."""
    return parse_summary(_run_meter(["-i", str(path)], None, "true"))


_QUICK = re.compile(r"I:\s*(?P<i>-?[\d.]+|-inf) LUFS.*?Sample peak:\s*Peak:\s*(?P<peak>-?[\d.]+|-inf) dBFS", re.S)


def level(pcm: bytes | bytearray | memoryview | None, sample_rate: int = 0, sample_width: int = 2,
          path: Path | None = None) -> tuple[float, float]:
    """(integrated LUFS, sample peak dBFS) of raw PCM or of a file: a third of the cost of a true-peak
    measurement (no 4× oversampling), for decisions; what is delivered is measured with `measure_file`."""
    args = ["-i", str(path)] if path is not None else raw_input(sample_rate, sample_width)
    return parse_level(_run_meter(args, None if path is not None else pcm, "sample"))


def parse_level(stderr: str) -> tuple[float, float]:
    """(integrated LUFS, sample peak dBFS) from a meter run with peak=sample."""
    match = None
    for match in _QUICK.finditer(stderr[stderr.rfind("Summary:"):]):
        pass
    if match is None:
        raise LoudnessError("ffmpeg's ebur128 meter printed no summary")
    return _number(match["i"]), _number(match["peak"])
