"""The stages joined up: transcript → segments → speech text → audio → timeline → writers.

Each stage is one function here so the flow reads top to bottom in `produce`.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

from broadcast import __version__, audio, engines, segmenter, speech, synthesis, timeline, transcript, writers
from broadcast.cache import SegmentCache
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
    concurrency: int = 4
    fallback: str | None = None
    cache: bool = True
    cache_dir: Path | None = None
    # audio
    audio_format: str = "mp3"
    bitrate: str = "128k"
    # subtitles
    subtitles: tuple[str, ...] = ("srt", "vtt")
    # output
    overwrite: bool = False


@dataclass
class Result:
    source: Path
    folder: Path
    programme: timeline.Programme
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    synthesis_log: synthesis.SynthesisLog = field(default_factory=synthesis.SynthesisLog)


def plan(path: Path, settings: Settings) -> list[segmenter.Segment]:
    """Read, segment and give speech text; no audio."""
    doc = transcript.read(path)
    segments = segmenter.segment(doc, captions=settings.captions, source=settings.credit)
    if not segments:
        raise BroadcastError(f"{path}: nothing to speak (only photo placeholders or captions)")
    return speech.speak_segments(segments)


def synthesize(
    path: Path, segments: Sequence[segmenter.Segment], engine: Engine, progress: Progress | None = None,
    cache: SegmentCache | None = None, fallback: Callable[[], Engine] | None = None,
    log: synthesis.SynthesisLog | None = None,
) -> Iterator[SpeechAudio]:
    """Speech for each segment, in order (cached, concurrent where the engine can); a failure names the sentence."""
    return synthesis.synthesize(path, segments, engine, cache, fallback, progress, log)


def open_cache(settings: Settings) -> SegmentCache | None:
    return SegmentCache(settings.cache_dir) if settings.cache else None


def write_outputs(
    stage: Path, stem: str, programme: timeline.Programme, settings: Settings, engine: Engine, source: str,
    progress: Progress | None = None, log: synthesis.SynthesisLog | None = None,
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
    for name in settings.subtitles:
        writer = writers.get(name)
        (stage / (stem + writer.extension)).write_text(writer.render(programme.cues), encoding="utf-8", newline="")
    (stage / "manifest.json").write_text(
        manifest.render(
            programme, source=source, engine=settings.engine, voice=engine.voice, audio=audio_name,
            clip_names=clip_names,
            extra={"engine_version": engine.version, "rate": settings.rate, "broadcast_version": __version__,
                   "fallback": fallback_record(log)},
        ),
        encoding="utf-8",
    )


def fallback_record(log: synthesis.SynthesisLog | None) -> dict | None:
    """The manifest's account of a fallback voice: which engine, for which segments, and why (None if unused)."""
    if log is None or not log.fallback:
        return None
    return {"engine": log.fallback_engine, "segments": log.fallback, "cause": log.fallback_cause}


def produce(path: Path, out_dir: Path, settings: Settings, progress: Progress | None = None) -> Result:
    started = time.perf_counter()
    segments = plan(path, settings)
    engine = engines.create(settings.engine, settings.voice, settings.rate, concurrency=settings.concurrency)
    fallback = settings.fallback
    log = synthesis.SynthesisLog()
    speeches = synthesize(
        path, segments, engine, progress, open_cache(settings),
        (lambda: engines.create(fallback, None, settings.rate)) if fallback else None, log,
    )
    programme = timeline.assemble(segments, speeches, settings.sentence_pause, settings.paragraph_pause)
    target = out_dir / path.stem
    with StagedFolder(target, settings.overwrite) as stage:
        write_outputs(stage, path.stem, programme, settings, engine, path.name, progress, log)
        files = sorted(p.relative_to(stage) for p in stage.rglob("*") if p.is_file())
    return Result(path, target, programme, [target / f for f in files], time.perf_counter() - started, log)
