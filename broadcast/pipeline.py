"""The stages joined up: transcript → segments → speech text → audio → timeline → writers.

Each stage is one function here so the flow reads top to bottom in `produce`.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator, Sequence

from broadcast import __version__, audio, cuetiming, engines, segmenter, speech, timeline, transcript, writers
from broadcast.cuerules import DEFAULT_FPS, CueRules, parse_timecode
from broadcast.engines.base import Engine, SpeechAudio
from broadcast.errors import BroadcastError
from broadcast.output import StagedFolder
from broadcast.writers import manifest

Progress = Callable[[str, int, int], None]


@dataclass
class Settings:
    # text
    captions: bool = False
    credit: bool = False
    rate: float = segmenter.DEFAULT_RATE
    sentence_pause: float = timeline.DEFAULT_SENTENCE_PAUSE
    paragraph_pause: float = timeline.DEFAULT_PARAGRAPH_PAUSE
    # voice
    engine: str = "espeak"
    voice: str | None = None
    # audio
    audio_format: str = "mp3"
    bitrate: str = "128k"
    # subtitles
    subtitles: tuple[str, ...] = ("srt", "vtt")
    fps: float = DEFAULT_FPS
    max_chars: int = CueRules.max_chars
    max_lines: int = CueRules.max_lines
    target_cps: float = CueRules.target_cps
    max_cps: float = CueRules.max_cps
    srt_bom: bool = False
    eol: str = "lf"
    start_offset: str = "00:00:00:00"  # HH:MM:SS:FF at fps
    clip_subtitles: bool = False
    # output
    overwrite: bool = False


    def cue_rules(self) -> CueRules:
        return CueRules(max_lines=self.max_lines, max_chars=self.max_chars, target_cps=self.target_cps,
                        max_cps=self.max_cps, fps=self.fps)

    def writer_options(self) -> writers.WriterOptions:
        try:
            offset = parse_timecode(self.start_offset, self.fps)
        except ValueError as exc:
            raise BroadcastError(f"--start-offset: {exc}") from None
        return writers.WriterOptions(bom=self.srt_bom, eol=self.eol, start_offset=offset,  # type: ignore[arg-type]
                                     fps=self.fps)


@dataclass
class Result:
    source: Path
    folder: Path
    programme: timeline.Programme
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def plan(path: Path, settings: Settings) -> list[segmenter.Segment]:
    """Read, segment and give speech text; no audio."""
    doc = transcript.read(path)
    segments = segmenter.segment(doc, captions=settings.captions, source=settings.credit,
                                 rules=settings.cue_rules(), rate=settings.rate)
    if not segments:
        raise BroadcastError(f"{path}: nothing to speak (only photo placeholders or captions)")
    return speech.speak_segments(segments)


def synthesize(
    path: Path, segments: Sequence[segmenter.Segment], engine: Engine, progress: Progress | None = None
) -> Iterator[SpeechAudio]:
    """Speech for each segment, in order; a failure names the sentence."""
    for i, seg in enumerate(segments, start=1):
        try:
            yield engine.synthesize([c.speech for c in seg.cues])
        except BroadcastError as exc:
            raise BroadcastError(f"{path}: sentence {seg.index}: {exc}") from None
        if progress:
            progress("synthesis", i, len(segments))


def write_outputs(
    stage: Path, stem: str, programme: timeline.Programme, settings: Settings, engine: Engine, source: str,
    progress: Progress | None = None,
) -> None:
    """Every file of one bulletin, written into the staging folder."""
    ext = "." + settings.audio_format
    (stage / "clips").mkdir()
    audio_name = stem + ext
    clip_names = [f"clips/{s.segment.index:03d}{ext}" for s in programme.segments]
    jobs = [(programme.pcm, stage / audio_name)] + [
        (programme.clip_pcm(s), stage / name) for s, name in zip(programme.segments, clip_names)
    ]

    def encode(job: tuple[bytes, Path]) -> None:
        audio.encode(job[0], programme.sample_rate, job[1], settings.audio_format, settings.bitrate)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:  # ffmpeg runs as subprocesses
        for done, _ in enumerate(pool.map(encode, jobs), start=1):
            if progress:
                progress("encoding", done, len(jobs))
    write_subtitles(stage, stem, programme, settings, clip_names)
    (stage / "manifest.json").write_text(
        manifest.render(
            programme, source=source, engine=settings.engine, voice=engine.voice, audio=audio_name,
            clip_names=clip_names,
            extra={"engine_version": engine.version, "rate": settings.rate, "broadcast_version": __version__},
        ),
        encoding="utf-8",
    )


def write_subtitles(
    stage: Path, stem: str, programme: timeline.Programme, settings: Settings, clip_names: list[str]
) -> None:
    """The bulletin's subtitle files; with clip_subtitles also one beside each clip, timed from the clip's start."""
    options = settings.writer_options()
    for name in settings.subtitles:
        writer = writers.get(name)
        (stage / (stem + writer.extension)).write_text(writer.render(programme.cues, options), encoding="utf-8",
                                                       newline="")
        if not settings.clip_subtitles:
            continue
        for seg, clip in zip(programme.segments, clip_names):
            length = seg.end - seg.start
            cues = [replace(c, start=max(0.0, c.start - seg.start), end=min(length, c.end - seg.start))
                    for c in seg.cues]
            (stage / clip).with_suffix(writer.extension).write_text(writer.render(cues, options),
                                                                     encoding="utf-8", newline="")


def produce(path: Path, out_dir: Path, settings: Settings, progress: Progress | None = None) -> Result:
    started = time.perf_counter()
    settings.writer_options()  # a bad option fails before any synthesis
    segments = plan(path, settings)
    engine = engines.create(settings.engine, settings.voice, settings.rate)
    speeches = synthesize(path, segments, engine, progress)
    programme = timeline.assemble(segments, speeches, settings.sentence_pause, settings.paragraph_pause)
    programme = cuetiming.retime(programme, settings.cue_rules())
    target = out_dir / path.stem
    with StagedFolder(target, settings.overwrite) as stage:
        write_outputs(stage, path.stem, programme, settings, engine, path.name, progress)
        files = sorted(p.relative_to(stage) for p in stage.rglob("*") if p.is_file())
    return Result(path, target, programme, [target / f for f in files], time.perf_counter() - started)
