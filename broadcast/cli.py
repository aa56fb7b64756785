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
                 help="Speaking rate in syllables per second (radio news: 3.9; 3.3 keeps subtitles readable)."),
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
)

audio_options = _apply(
    click.option("--format", "audio_format", type=click.Choice(["mp3", "wav"]), default="mp3", show_default=True,
                 help="Audio format of the bulletin and its clips."),
    click.option("--bitrate", default="128k", show_default=True, help="MP3 bitrate."),
)

def _split_formats(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    from broadcast import writers

    names = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    unknown = [n for n in names if n not in writers.WRITERS]
    if unknown or not names:
        raise click.BadParameter(f"{', '.join(unknown) or value!r}: choose from {', '.join(sorted(writers.WRITERS))}")
    return names


def _check_timecode(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from broadcast.cuerules import parse_timecode

    try:
        parse_timecode(value, 1000.0)  # the frame count is checked against --fps when the files are written
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


rule_options = _apply(
    click.option("--fps", type=click.FloatRange(1, 120, min_open=False), default=25.0, show_default=True,
                 help="Frame rate: cue times sit on its frames; gaps and --start-offset frames count in it."),
    click.option("--max-chars", type=click.IntRange(10, 200), default=42, show_default=True,
                 help="Characters per subtitle line (NFC)."),
    click.option("--max-lines", type=click.IntRange(1, 4), default=2, show_default=True, help="Lines per cue."),
    click.option("--target-cps", type=click.FloatRange(5, 60), default=17.0, show_default=True,
                 help="Reading speed to aim at, characters per second (spaces and punctuation count)."),
    click.option("--max-cps", type=click.FloatRange(5, 60), default=20.0, show_default=True,
                 help="Reading speed never to exceed."),
)

subtitle_options = _apply(
    click.option("--subtitles", type=str, default="srt,vtt", show_default=True, callback=_split_formats,
                 help="Subtitle formats, comma-separated: srt, vtt, ttml (EBU-TT-D)."),
    rule_options,
    click.option("--srt-bom/--no-srt-bom", default=False, show_default=True,
                 help="Start the SRT with a UTF-8 byte order mark (for players that assume a legacy code page)."),
    click.option("--eol", type=click.Choice(["lf", "crlf"]), default="lf", show_default=True,
                 help="Line endings of subtitle files."),
    click.option("--start-offset", default="00:00:00:00", show_default=True, callback=_check_timecode,
                 help="HH:MM:SS:FF added to every subtitle time (DaVinci Resolve timelines start at 01:00:00:00)."),
    click.option("--clip-subtitles/--no-clip-subtitles", default=False, show_default=True,
                 help="Also write a subtitle file beside each clip, timed from the clip's start."),
)

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
                f"in {result.seconds:.1f} s → {result.folder}"
            )
    if failed:
        sys.exit(1)


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


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@rule_options
@click.option("--min-duration", type=click.FloatRange(0, 60), default=5 / 6, show_default="0.833",
              help="Shortest cue, seconds.")
@click.option("--max-duration", type=click.FloatRange(0.1, 600), default=7.0, show_default=True,
              help="Longest cue, seconds.")
@click.option("--min-gap-frames", type=click.IntRange(0, 100), default=2, show_default=True,
              help="Fewest frames between cues.")
@click.option("--chain-frames", type=click.IntRange(0, 100), default=12, show_default=True,
              help="Gaps of this many frames or fewer must be closed to --min-gap-frames.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary of each file.")
def lint(files: tuple[Path, ...], quiet: bool, **options: Any) -> None:
    """Check subtitle FILES (.srt or .vtt, ours or anyone's) against broadcast cue rules.

    Prints every violation as FILE:CUE: TIME: RULE: detail, then a summary per file; exits 1 when there
    is any violation or a file cannot be read.
    """
    from broadcast.cuerules import CueRules
    from broadcast.lint import lint as run

    rules = CueRules(**options)
    bad = False
    for path in files:
        try:
            report = run(path, rules)
        except BroadcastError as exc:
            click.echo(f"broadcast: error: {exc}", err=True)
            bad = True
            continue
        lines = report.lines()
        for line in lines[-1:] if quiet else lines:
            click.echo(line)
        bad = bad or bool(report.violations)
    if bad:
        sys.exit(1)


def main() -> None:  # pragma: no cover
    cli()
