"""The stages joined up: transcript → segments → speech text → audio → timeline → writers.

Each stage is one function here so the flow reads top to bottom in `produce`.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from broadcast import __version__, defaults, speech
from broadcast.audio import encoding, loudness, mastering, timeline
from broadcast.delivery import manifest
from broadcast.delivery.folder import StagedFolder
from broadcast.errors import BroadcastError, UsageError
from broadcast.subtitles import timing, writers
from broadcast.subtitles.rules import DEFAULT_FPS, CueRules, frame_rate, parse_timecode
from broadcast.text import segmenter, transcript
from broadcast.voice import engines, synthesis
from broadcast.voice.base import Engine, SpeechAudio
from broadcast.voice.cache import SegmentCache

Progress = Callable[[str, int, int], None]


@dataclass
class Settings:
    # text
    captions: bool = False
    credit: bool = False
    rate: float = segmenter.DEFAULT_RATE
    sentence_pause: float = timeline.DEFAULT_SENTENCE_PAUSE
    paragraph_pause: float = timeline.DEFAULT_PARAGRAPH_PAUSE
    lexicon: Path | None = None  # user abbreviations (written<TAB>spoken), over assets/lexicon.tsv
    max_hours: float | None = defaults.MAX_HOURS  # refuse a transcript estimated to speak longer (None: no limit)
    # voice
    engine: str = "espeak"
    voice: str | None = None
    concurrency: int = 4
    fallback: tuple[str, ...] = ()  # engines to try in order when the engine fails
    cache: bool = True
    cache_dir: Path | None = None
    # audio
    audio_format: str = "mp3"
    bitrate: str = "128k"
    loudness: str = "ebu"  # ebu, atsc, web, off or a number of LUFS
    sample_rate: int | None = None  # None: 48000 for WAV, the voice's own rate for MP3
    bit_depth: int = 24  # WAV; MP3 is encoded from a 24-bit master
    # subtitles
    subtitles: tuple[str, ...] = ("srt", "vtt")
    fps: Fraction = DEFAULT_FPS
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
            offset = float(parse_timecode(self.start_offset, self.fps))
        except ValueError as exc:
            raise BroadcastError(f"--start-offset: {exc}") from None
        return writers.WriterOptions(bom=self.srt_bom, eol=self.eol, start_offset=offset,  # type: ignore[arg-type]
                                     fps=frame_rate(self.fps))


@dataclass
class Result:
    source: Path
    folder: Path
    programme: timeline.Programme
    files: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    loudness: loudness.Measurement | None = None  # of the written bulletin file
    gain_db: float = 0.0
    warnings: list[str] = field(default_factory=list)
    synthesis_log: synthesis.SynthesisLog = field(default_factory=synthesis.SynthesisLog)
    alignment: "Any" = None  # align.Alignment, for `align`


@dataclass(frozen=True)
class Speaker:
    """Who speaks the delivered audio, as manifest.json records it: an engine and voice, or a recording."""

    engine: str
    voice: str
    version: str


@dataclass(frozen=True)
class Delivery:
    """The back half both `produce` and `align` end in: a timed programme → the output folder."""

    folder: Path
    files: list[Path]
    loudness: loudness.Measurement
    gain_db: float
    warnings: list[str]


def plan(path: Path, settings: Settings) -> list[segmenter.Segment]:
    """Read, segment and give speech text; no audio."""
    doc = transcript.read(path, lambda text: check_length(path, text, settings))
    segments = segmenter.segment(doc, captions=settings.captions, source=settings.credit,
                                 rules=settings.cue_rules(), rate=settings.rate)
    if not segments:
        raise BroadcastError(f"{path}: nothing to speak (only photo placeholders or captions)")
    return speech.speak_segments(segments, lexicon=settings.lexicon)


def check_length(path: Path, text: str, settings: Settings) -> None:
    """Refuse a transcript longer than --max-hours before parsing it (a 20 MB file takes seconds to parse and
    would take hundreds of hours to speak). The estimate counts the words of the whole file (a Vietnamese
    word is a syllable) at --rate."""
    if settings.max_hours is None:
        return
    words = len(text.split())
    hours = words / settings.rate / 3600
    if hours > settings.max_hours:
        raise BroadcastError(f"{path}: about {hours:.1f} hours of speech ({words} words at {settings.rate:g} "
                             f"syllables/s), over --max-hours {settings.max_hours:g}; split it, or raise --max-hours")


def check_settings(settings: Settings) -> None:
    """Option combinations refused before any work, each a UsageError naming the options (click has checked
    each value on its own)."""
    from broadcast.options import check_bitrate

    try:
        settings.writer_options()
        loudness.target(settings.loudness)
        engines.resolve_voice(settings.engine, settings.voice)
        engines.check_fallbacks(settings.engine, settings.fallback)
    except BroadcastError as exc:
        raise UsageError(str(exc)) from None
    if settings.target_cps > settings.max_cps:
        raise UsageError(f"--target-cps {settings.target_cps:g} is faster than --max-cps {settings.max_cps:g}")
    rate = settings.sample_rate or voice_rate(settings.engine)
    if settings.audio_format == "mp3" and rate is not None:
        problem = check_bitrate(settings.bitrate, rate)
        if problem:
            raise UsageError(problem)


def voice_rate(engine: str) -> int | None:
    """The sample rate an engine's voice speaks at, where its module declares one (SAMPLE_RATE)."""
    import sys

    cls = engines.engine_class(engine)
    return getattr(sys.modules[cls.__module__], "SAMPLE_RATE", None)


def check_inputs(path: Path, target: Path, settings: Settings) -> None:
    """Nothing the run reads may sit inside the output folder it replaces (the rerun would delete it)."""
    target = target.resolve()
    for what, given in (("transcript", path), ("--lexicon file", settings.lexicon), ("--cache-dir", settings.cache_dir)):
        if given is not None and (given.resolve() == target or target in given.resolve().parents):
            raise UsageError(f"{given}: the {what} is inside {target}, the folder this run replaces; "
                             "move it out or choose another --output-dir")


def synthesize(
    path: Path, segments: Sequence[segmenter.Segment], engine: Engine, progress: Progress | None = None,
    cache: SegmentCache | None = None, fallbacks: Sequence[tuple[str, Callable[[], Engine]]] = (),
    log: synthesis.SynthesisLog | None = None,
) -> Iterator[SpeechAudio]:
    """Speech for each segment, in order (cached, concurrent where the engine can); a failure names the sentence."""
    return synthesis.synthesize(path, segments, engine, cache, fallbacks, progress, log)


def open_cache(settings: Settings) -> SegmentCache | None:
    return SegmentCache(settings.cache_dir) if settings.cache else None


def output_rate(settings: Settings, programme: timeline.Programme) -> int:
    """WAV for post-production defaults to 48 kHz; MP3 (web, previews) keeps the voice's own rate unless asked:
    resampling adds nothing to a voice band-limited at 11 or 12 kHz, and encoding at it costs half as much."""
    if settings.sample_rate:
        return settings.sample_rate
    return 48000 if settings.audio_format == "wav" else programme.sample_rate


PROBE_FOLDER = "probes"  # in the cache folder: encoder offsets (mastering.ProbeCache)
Levels = tuple[tuple[float, float], float]  # ((integrated LUFS, sample peak dBFS), encoder offset LU)


def readings(settings: Settings, cache: SegmentCache | None = None) -> mastering.Readings:
    """The readings mastering needs, to be fed the programme as it is assembled (see mastering.Readings); the
    encoder probe's result is kept beside the segment cache's sentences."""
    return mastering.Readings(settings.audio_format, settings.bitrate, settings.sample_rate,
                              probe=loudness.target(settings.loudness) is not None, cache=probe_cache(cache))


def probe_cache(cache: SegmentCache | None) -> mastering.ProbeCache | None:
    """Where encoder offsets are kept: beside the segment cache's sentences (none without a segment cache)."""
    return mastering.ProbeCache(cache.folder / PROBE_FOLDER) if cache is not None else None


def master_audio(programme: timeline.Programme, settings: Settings, folder: Path,
                 progress: Progress | None = None, levels: Levels | None = None) -> mastering.Master:
    """The programme at the output rate and depth, at the loudness target, in a raw file in `folder`:
    one gain for the bulletin and every clip. `levels` are the programme's readings when taken already."""
    bit_depth = settings.bit_depth if settings.audio_format == "wav" else 24
    rate = output_rate(settings, programme)
    target = loudness.target(settings.loudness)
    if levels is None:
        with readings(settings) as reader:
            levels = reader.finish(programme)
    source_level, offset = levels
    result = mastering.master(programme, target, folder / ".master.raw", rate, bit_depth,
                              lossy=settings.audio_format != "wav", offset_lu=offset, source_level=source_level)
    if progress:
        progress("mastering", 1, 1)
    return result


def write_audio(stage: Path, audio_name: str, clip_names: list[str], master: mastering.Master,
                settings: Settings, progress: Progress | None = None) -> loudness.Measurement:
    """The bulletin and its clips from the master; the bulletin measured as it is written (audio/encoding.py)."""
    total = len(clip_names) + 1
    return encoding.write(master, stage / audio_name, [stage / name for name in clip_names], settings.audio_format,
                          settings.bitrate, (lambda done: progress("encoding", done, total)) if progress else None)


def write_outputs(
    stage: Path, stem: str, programme: timeline.Programme, settings: Settings, speaker: Speaker, source: str,
    progress: Progress | None = None, extra: dict | None = None, segment_extra: Sequence[dict] | None = None,
    levels: Levels | None = None,
) -> tuple[loudness.Measurement, mastering.Master]:
    """Every file of one bulletin, written into the staging folder; returns the bulletin's measured loudness
    and the master its audio was cut from (its raw file is removed by the caller). `extra` and
    `segment_extra` are what the manifest says beyond the audio facts (about the voice, or the alignment);
    `levels` the programme's readings when taken while it was made."""
    master = master_audio(programme, settings, stage, progress, levels)
    ext = "." + settings.audio_format
    (stage / "clips").mkdir()
    audio_name = stem + ext
    clip_names = [f"clips/{s.segment.index:03d}{ext}" for s in programme.segments]
    from broadcast.delivery import waveform

    with ThreadPoolExecutor(max_workers=1) as side:  # the waveform picture is drawn while ffmpeg encodes
        drawn = side.submit(waveform.write_svg, stage / waveform.FILENAME, master, programme)
        measured = write_audio(stage, audio_name, clip_names, master, settings, progress)
        drawn.result()
    target = master.target
    if target is not None and abs(target.integrated - measured.integrated) > mastering.DELIVERY_TOLERANCE_LU:
        master.warnings.append(f"{audio_name} measures {measured.integrated:.1f} LUFS "
                               f"(target {target.integrated:g} ± {mastering.DELIVERY_TOLERANCE_LU:g})")
    if target is not None and measured.true_peak > target.true_peak:
        master.warnings.append(
            f"{audio_name} peaks at {measured.true_peak:.1f} dBTP, over the {target.true_peak:g} dBTP ceiling")
    write_subtitles(stage, stem, programme, settings, clip_names)
    more = segment_extra or [{}] * len(master.spans)
    (stage / "manifest.json").write_text(
        manifest.render(
            programme, source=source, engine=speaker.engine, voice=speaker.voice, audio=audio_name,
            clip_names=clip_names,
            extra={"engine_version": speaker.version, **(extra or {}), "broadcast_version": __version__,
                   **audio_facts(master, measured, settings)},
            segment_extra=[{"samples": list(span), **m} for span, m in zip(master.spans, more, strict=True)],
        ),
        encoding="utf-8",
    )
    return measured, master


def audio_facts(master: mastering.Master, measured: loudness.Measurement, settings: Settings) -> dict:
    """What manifest.json says about the delivered audio (sample spans are at `sample_rate`)."""
    target = master.target
    return {
        "sample_rate": master.sample_rate,
        "bit_depth": 8 * master.sample_width if settings.audio_format == "wav" else None,
        "bitrate": settings.bitrate if settings.audio_format == "mp3" else None,
        "loudness": {
            "target": None if target is None else target.name,
            "target_lufs": None if target is None else target.integrated,
            "target_true_peak_dbtp": None if target is None else target.true_peak,
            "integrated_lufs": measured.integrated,
            "true_peak_dbtp": measured.true_peak,
            "loudness_range_lu": measured.loudness_range,
            "meter": "ffmpeg ebur128 (ITU-R BS.1770) on the bulletin file",
            "gain_db": round(master.gain_db, 2),
            "limiter_ceiling_dbfs": None if master.limiter_ceiling_db is None else round(master.limiter_ceiling_db, 2),
            "synthesized_lufs": master.source_lufs,
            "synthesized_sample_peak_dbfs": master.source_peak,
        },
    }


def fallback_record(log: synthesis.SynthesisLog | None) -> list[dict] | None:
    """The manifest's account of the fallback voices that spoke, in order: which engine, for which segments, and
    why (None if none did)."""
    if log is None or not log.fallbacks:
        return None
    return [{"engine": use.engine, "segments": use.segments, "cause": use.cause} for use in log.fallbacks]


def voice_record(log: synthesis.SynthesisLog | None, index: int, engine: str) -> dict:
    """Per segment in the manifest: the engine whose voice it is. (Whether it came from the cache is left out:
    a rerun from the cache writes the same files as the first run.)"""
    return {"engine": log.spoken_by.get(index, engine) if log is not None else engine}


def write_subtitles(
    stage: Path, stem: str, programme: timeline.Programme, settings: Settings, clip_names: list[str]
) -> None:
    """The bulletin's subtitle files; with clip_subtitles also one beside each clip, timed from the clip's start
    by the same rules (on the frame grid from there, none past the clip's end) and with the same start offset."""
    options = settings.writer_options()
    rules = settings.cue_rules()
    clips = [timing.clip_cues(seg, rules) for seg in programme.segments] if settings.clip_subtitles else []
    for name in settings.subtitles:
        writer = writers.get(name)
        (stage / (stem + writer.extension)).write_text(writer.render(programme.cues, options), encoding="utf-8",
                                                       newline="")
        for cues, clip in zip(clips, clip_names):
            (stage / clip).with_suffix(writer.extension).write_text(writer.render(cues, options),
                                                                     encoding="utf-8", newline="")


def produce(path: Path, out_dir: Path, settings: Settings, progress: Progress | None = None) -> Result:
    started = time.perf_counter()
    check_settings(settings)  # bad options fail before any synthesis
    check_inputs(path, out_dir / path.stem, settings)
    StagedFolder(out_dir / path.stem, settings.overwrite).check()  # a folder we may not replace: before any work
    segments = plan(path, settings)
    engine = engines.create(settings.engine, settings.voice, settings.rate, concurrency=settings.concurrency)
    fallbacks = [(name, functools.partial(engines.create, name, None, settings.rate,
                                          concurrency=settings.concurrency)) for name in settings.fallback]
    log = synthesis.SynthesisLog()
    cache = open_cache(settings)
    speeches = synthesize(path, segments, engine, progress, cache, fallbacks, log)
    with readings(settings, cache) as reader:  # the programme's level is read while it is synthesized
        programme = timeline.assemble(segments, speeches, settings.sentence_pause, settings.paragraph_pause,
                                      on_audio=reader.feed)
        levels = reader.finish(programme)
    programme = timing.retime(programme, settings.cue_rules())
    if settings.audio_format == "mp3":  # an engine that declares no rate is checked here, once it has spoken
        from broadcast.options import check_bitrate

        problem = check_bitrate(settings.bitrate, output_rate(settings, programme))
        if problem:
            raise UsageError(problem)
    speaker = Speaker(settings.engine, engine.voice, engine.version)
    done = deliver(programme, out_dir / path.stem, path.stem, settings, speaker, path.name, progress,
                   {"rate": settings.rate, "fallback": fallback_record(log)},
                   [voice_record(log, s.segment.index, settings.engine) for s in programme.segments], levels)
    warnings = done.warnings + [w for w in [cache.warning() if cache else None] if w]
    return Result(path, done.folder, programme, done.files, time.perf_counter() - started, done.loudness,
                  done.gain_db, warnings, log)


def deliver(programme: timeline.Programme, target: Path, stem: str, settings: Settings, speaker: Speaker,
            source: str, progress: Progress | None = None, extra: dict | None = None,
            segment_extra: Sequence[dict] | None = None, levels: Levels | None = None) -> Delivery:
    """Master, encode, cut clips, write subtitles, manifest, waveform and preview into a staging folder that
    replaces `target` only when all of it is written."""
    with StagedFolder(target, settings.overwrite) as stage:
        measured, master = write_outputs(stage, stem, programme, settings, speaker, source, progress, extra,
                                         segment_extra, levels)
        write_previews(stage, stem, programme, settings)
        master.path.unlink()
        files = sorted(p.relative_to(stage) for p in stage.rglob("*") if p.is_file())
    return Delivery(target, [target / f for f in files], measured, master.gain_db, master.warnings)


def write_previews(stage: Path, stem: str, programme: timeline.Programme, settings: Settings) -> None:
    """preview.html: audio, subtitles, segments, settings, and the waveform (drawn with the audio) inline."""
    from broadcast.delivery import preview, waveform

    manifest_data = json.loads((stage / "manifest.json").read_text(encoding="utf-8"))
    files = [manifest_data["audio"], *(stem + writers.get(n).extension for n in settings.subtitles),
             "manifest.json", waveform.FILENAME]
    (stage / preview.FILENAME).write_text(
        preview.render(manifest_data, vtt_text=writers.get("vtt").render(programme.cues),
                       settings=dataclasses.asdict(settings), files=files,
                       waveform_svg=(stage / waveform.FILENAME).read_text(encoding="utf-8")),
        encoding="utf-8",
    )


# ---------------------------------------------------------------- a newsreader's recording instead of a voice

RECORDING_ENGINE = "recording"
CLIP_MARGIN = 0.05  # s of the recording kept around each sentence's speech in its clip (less where pauses are short)


def align(path: Path, recording: Path, out_dir: Path, settings: Settings, progress: Progress | None = None,
          strict: bool = False) -> Result:
    """The transcript timed on a human reading of it: the same folder `produce` writes, with the recording
    (loudness-normalised, or untouched with --loudness off) as the bulletin and clips cut from it.

    Sentences the recording lacks get neither clip nor subtitle; with `strict` any low-confidence sentence
    stops the run before anything is written."""
    import tempfile

    from broadcast.align import aligner
    from broadcast.align import recording as recordings

    started = time.perf_counter()
    info = recordings.probe(recording)
    rate = min(info.sample_rate, recordings.MAX_DELIVERY_RATE)
    check_settings(replace(settings, engine="espeak", sample_rate=settings.sample_rate or rate))
    check_inputs(path, out_dir / path.stem, settings)
    StagedFolder(out_dir / path.stem, settings.overwrite).check()  # a folder we may not replace: before any work
    segments = plan(path, settings)
    cache = open_cache(settings)
    with tempfile.TemporaryDirectory(prefix="broadcast-align-") as work:
        # decoded once: for analysis, and for delivery through the meter mastering starts from
        analysis = recordings.Analysis(recording, Path(work) / "analysis.raw", (Path(work) / "delivery.raw", rate),
                                       info)
        try:
            alignment = aligner.align(
                analysis, [[c.speech for c in s.cues] for s in segments],
                aligner.espeak_speaker(settings.voice, cache),
                (lambda done, total: progress("aligning", done, total)) if progress else None)
        except aligner.AlignError as exc:
            raise BroadcastError(f"{recording}: {exc}; is it a reading of {path.name}?") from None
        doubtful = [(segments[k].index, alignment.sentences[k].reason) for k in alignment.low()]
        if strict and doubtful:
            listed = "; ".join(f"sentence {i}: {why}" for i, why in doubtful[:3])
            more = f" (and {len(doubtful) - 3} more)" if len(doubtful) > 3 else ""
            raise BroadcastError(f"{recording}: {len(doubtful)} sentence{'s' if len(doubtful) != 1 else ''} "
                                 f"not aligned with confidence: {listed}{more}")
        delivered = analysis.delivery
        assert delivered is not None
        analysis.raw.unlink()  # aligned: only the delivery file is read from here on
        # the recording stays in its file: memory does not grow with its length
        pcm = timeline.RawFile(delivered.path, delivered.path.stat().st_size)
        delivery_settings = replace(settings, sample_rate=settings.sample_rate or rate)
        programme = recorded_programme(segments, alignment.sentences, pcm, rate)
        programme = timing.retime(programme, settings.cue_rules())
        kept = [t for t in alignment.sentences if t.found]
        from broadcast.voice.espeak import EspeakEngine

        speaker = Speaker(RECORDING_ENGINE, recording.name, f"aligned with {EspeakEngine(settings.voice).version}")
        done = deliver(
            programme, out_dir / path.stem, path.stem, delivery_settings,
            speaker, path.name, progress, alignment_record(recording, info, alignment, segments),
            [{"confidence": t.confidence, **({"doubt": t.reason} if t.reason else {})} for t in kept],
            recording_levels(programme, delivered.level, delivery_settings, cache),
        )
    warnings = [f"sentence {i}: {why}" for i, why in doubtful] + [w for w in [cache.warning() if cache else None] if w]
    if len(doubtful) >= max(2, len(segments) // 4):
        warnings.insert(0, f"{len(doubtful)} of {len(segments)} sentences are missing or doubtful: is {recording.name} "
                           f"a reading of {path.name}?")
    warnings += [f"{_clock(s.start)}–{_clock(s.end)}: {s.what}" + (" (music, or speech the transcript lacks)"
                 if s.what.startswith("sound") else "") for s in alignment.untranscribed]
    return Result(path, done.folder, programme, done.files, time.perf_counter() - started, done.loudness,
                  done.gain_db, warnings + done.warnings, alignment=alignment)


def recording_levels(programme: timeline.Programme, level: tuple[float, float], settings: Settings,
                     cache: SegmentCache | None = None) -> Levels:
    """What `readings` gives for the recording: its level (read while it was decoded, on the same samples) and
    what the encoder takes away, probed on its first PROBE_SECONDS as `mastering.Readings` does."""
    if loudness.target(settings.loudness) is None or settings.audio_format == "wav":
        return level, 0.0
    rate = programme.sample_rate
    excerpt = bytes(programme.pcm[: 2 * int(mastering.PROBE_SECONDS * rate)])
    return level, mastering.encoder_offset(excerpt, rate, settings.sample_rate or rate, settings.audio_format,
                                           settings.bitrate, probe_cache(cache))


def recorded_programme(segments: Sequence[segmenter.Segment], timings: Sequence[Any], pcm: bytes | timeline.RawFile,
                       sample_rate: int) -> timeline.Programme:
    """The recording as a programme: each found sentence timed where it is spoken, its clip its speech plus
    CLIP_MARGIN (never past the middle of the pause to a neighbour)."""
    found = [(seg, t) for seg, t in zip(segments, timings, strict=True) if t.found]
    n = len(pcm) // 2
    out = []
    for k, (seg, t) in enumerate(found):
        before = found[k - 1][1].end if k > 0 else 0.0
        after = found[k + 1][1].start if k + 1 < len(found) else n / sample_rate
        first = max(t.start - CLIP_MARGIN, (before + t.start) / 2, 0.0)
        last = min(t.end + CLIP_MARGIN, (t.end + after) / 2, n / sample_rate)
        cues = tuple(timeline.TimedCue(a, b, cue.text, cue.lines) for cue, (a, b) in zip(seg.cues, t.parts,
                                                                                       strict=True))
        out.append(timeline.TimedSegment(seg, t.start, t.end, cues, int(round(first * sample_rate)),
                                         int(round(last * sample_rate))))
    return timeline.Programme(pcm, sample_rate, tuple(out))


def alignment_record(recording: Path, info: Any, alignment: Any, segments: Sequence[segmenter.Segment]) -> dict:
    """What manifest.json says about the alignment: the recording, the synthetic pace, sentences not found
    or doubtful (by segment index), sound with no text."""
    return {
        "recording": {"file": recording.name, "sample_rate": info.sample_rate, "duration": round(alignment.duration, 3)},
        "alignment": {
            "method": "eSpeak NG rendering, MFCC DTW in a band, edges moved to the recording's pauses",
            "synthetic_rate": alignment.rate,
            "missing": [segments[k].index for k, t in enumerate(alignment.sentences) if not t.found],
            "low_confidence": [{"segment": segments[k].index, "confidence": alignment.sentences[k].confidence,
                                "reason": alignment.sentences[k].reason} for k in alignment.low()],
            "untranscribed": [{"start": round(s.start, 3), "end": round(s.end, 3), "what": s.what}
                              for s in alignment.untranscribed],
        },
    }


def _clock(seconds: float) -> str:
    from broadcast.subtitles.writers import clock

    return clock(seconds)
