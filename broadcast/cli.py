"""The `broadcast` command line.

Options come in groups (text, voice, audio, subtitles, output), each a decorator below; every option of
`produce` whose name matches a field of `pipeline.Settings` is passed straight into it.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any, Callable, NoReturn, TypeVar

import click

from broadcast import __version__, segmenter, timeline
from broadcast.errors import BroadcastError

F = TypeVar("F", bound=Callable[..., object])


def _fail(message: str) -> NoReturn:
    click.echo(f"broadcast: error: {message}", err=True)
    sys.exit(1)


def _apply(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    def wrap(func: F) -> F:
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return wrap


text_options = _apply(
    click.option("--captions/--no-captions", default=False, show_default=True,
                 help="Speak and subtitle photo captions (photo placeholders are never spoken)."),
    click.option("--credit/--no-credit", default=False, show_default=True,
                 help='Speak and subtitle the closing "Nguồn: …" credit.'),
    click.option("--rate", type=click.FloatRange(1.5, 8.0), default=segmenter.DEFAULT_RATE, show_default=True,
                 help="Speaking rate in syllables per second (Vietnamese radio news: 3.9)."),
    click.option("--sentence-pause", type=click.FloatRange(0, 10), default=timeline.DEFAULT_SENTENCE_PAUSE,
                 show_default=True, help="Seconds of silence between sentences."),
    click.option("--paragraph-pause", type=click.FloatRange(0, 10), default=timeline.DEFAULT_PARAGRAPH_PAUSE,
                 show_default=True, help="Seconds of silence between paragraphs."),
)

voice_options = _apply(
    click.option("--engine", type=click.Choice(["espeak", "gtts"]), default="espeak", show_default=True,
                 help="Voice: espeak (offline, eSpeak NG) or gtts (Google, needs internet)."),
    click.option("--voice", default=None, help="Engine voice: for espeak vi, vi-VN-x-central or vi-VN-x-south; "
                 "for gtts a language code (vi).  [default: vi]"),
    click.option("--concurrency", type=click.IntRange(1, 16), default=4, show_default=True,
                 help="Requests in flight at once for online engines (gtts)."),
    click.option("--fallback", type=click.Choice(["espeak"]), default=None,
                 help="When the engine fails (e.g. offline), speak the remaining sentences with this voice."),
    click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
                 help="Folder of synthesized sentences reused by reruns "
                      "[default: $BROADCAST_CACHE_DIR or the user cache folder]."),
    click.option("--cache/--no-cache", default=True, show_default=True,
                 help="Reuse and keep synthesized sentences (--no-cache synthesizes everything afresh)."),
)

audio_options = _apply(
    click.option("--format", "audio_format", type=click.Choice(["mp3", "wav"]), default="mp3", show_default=True,
                 help="Audio format of the bulletin and its clips."),
    click.option("--bitrate", default="128k", show_default=True, help="MP3 bitrate."),
)

subtitle_options = _apply()

output_options = _apply(
    click.option("-o", "--output-dir", type=click.Path(path_type=Path), default=Path("output"), show_default=True,
                 help="Folder to write into; each transcript foo.txt gets DIR/foo/."),
    click.option("--overwrite", is_flag=True, help="Replace an output folder that broadcast did not write."),
    click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors."),
)


def settings_from(options: dict[str, Any]):
    """The pipeline settings named by command-line options (options that are not settings are ignored)."""
    from broadcast.pipeline import Settings

    names = {f.name for f in dataclasses.fields(Settings)}
    return Settings(**{k: v for k, v in options.items() if k in names})


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="broadcast")
def cli() -> None:
    """Turn a TTV evening-news transcript into spoken Vietnamese audio and subtitles that match it.

    The default voice is eSpeak NG, which works offline; --engine gtts uses Google's voice online.
    """


@cli.command()
@click.argument("transcripts", nargs=-1, required=True, type=click.Path(path_type=Path))
@output_options
@voice_options
@text_options
@audio_options
@subtitle_options
def produce(transcripts: tuple[Path, ...], output_dir: Path, quiet: bool, **options: Any) -> None:
    """Speak TRANSCRIPT(s) and write audio, clips, SRT, WebVTT and manifest.json.

    For foo.txt this writes DIR/foo/foo.mp3, foo.srt, foo.vtt, clips/001.mp3 … and manifest.json.
    Subtitle times are measured on the synthesized audio.
    """
    from broadcast.pipeline import produce as run

    settings = settings_from(options)
    failed = 0
    for path in transcripts:
        try:
            result = run(path, output_dir, settings)
        except BroadcastError as exc:
            click.echo(f"broadcast: error: {exc}", err=True)
            failed += 1
            continue
        except KeyboardInterrupt:
            _fail("interrupted; nothing half-written was left in the output folder")
        if not quiet:
            p = result.programme
            click.echo(
                f"{path}: {len(p.segments)} segments, {len(p.cues)} cues, {p.duration:.1f} s of audio "
                f"in {result.seconds:.1f} s → {result.folder}{_sources(result.synthesis_log, len(p.segments))}"
            )
    if failed:
        sys.exit(1)


def _sources(log: Any, total: int) -> str:
    """Where the speech came from, when not all from the engine just now."""
    notes = []
    if log.cached:
        notes.append(f"{len(log.cached)} of {total} from cache")
    if log.fallback:
        notes.append(f"{log.fallback_engine} fallback for {len(log.fallback)} of {total} segments "
                     f"({log.fallback_cause})")
    return f" ({'; '.join(notes)})" if notes else ""


@cli.command()
@click.argument("transcript", type=click.Path(path_type=Path))
@click.option("--srt", "srt_path", type=click.Path(path_type=Path), default=None,
              help="Also write the estimated subtitles to this SRT file.")
@text_options
def plan(transcript: Path, srt_path: Path | None, **options: Any) -> None:
    """Show segments and cues with estimated times, without synthesizing.

    Times come from syllable counts at --rate; use them to time a live read. Produced subtitles never
    use these estimates.
    """
    from broadcast.pipeline import plan as make_plan
    from broadcast.writers import get
    from broadcast.writers.vtt_writer import timestamp

    settings = settings_from(options)
    try:
        segments = make_plan(transcript, settings)
    except BroadcastError as exc:
        _fail(str(exc))
    timed = timeline.estimate(segments, settings.rate, settings.sentence_pause, settings.paragraph_pause)
    for seg in timed:
        click.echo(f"[{seg.segment.index:03d}] {timestamp(seg.start)} – {timestamp(seg.end)}  "
                   f"({seg.segment.kind}) {seg.segment.text}")
        for cue in seg.cues:
            click.echo(f"      {timestamp(cue.start)} – {timestamp(cue.end)}  " + " / ".join(cue.lines))
    total = timed[-1].end if timed else 0.0
    n_cues = sum(len(s.cues) for s in timed)
    click.echo(f"{len(timed)} segments, {n_cues} cues, about {total:.1f} s at {settings.rate} syllables/s (estimated)")
    if srt_path is not None:
        from broadcast.output import write_text_atomic

        try:
            write_text_atomic(srt_path, get("srt").render([c for s in timed for c in s.cues]))
        except BroadcastError as exc:
            _fail(str(exc))


def main() -> None:  # pragma: no cover
    cli()
