"""The `broadcast` command line.

Options come in groups (text, voice, audio, subtitles, output), each a decorator below; every option of
`produce` whose name matches a field of `pipeline.Settings` is passed straight into it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable, NoReturn, TypeVar

import click

from broadcast import __version__, defaults
from broadcast.errors import BroadcastError

F = TypeVar("F", bound=Callable[..., object])


def _fail(message: str) -> NoReturn:
    click.echo(f"broadcast: error: {message}", err=True)
    sys.exit(1)


def _interrupted(exc: KeyboardInterrupt) -> NoReturn:
    """Ctrl-C or SIGTERM: one line, and the shell's exit code for the signal (130, 143)."""
    from broadcast.interrupt import Interrupted

    if sys.stderr.isatty():
        click.echo(err=True)  # end a progress bar's line, or the ^C the terminal echoed
    name = str(exc) if isinstance(exc, Interrupted) else "SIGINT"
    click.echo(f"broadcast: interrupted ({name}); earlier output left as it was, nothing half-written; "
               "a rerun reuses the sentences already synthesized", err=True)
    sys.exit(exc.exit_code if isinstance(exc, Interrupted) else 130)


def _apply(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    def wrap(func: F) -> F:
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return wrap


def _check_loudness(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from broadcast.audio.loudness import LoudnessError, target

    try:
        target(value)
    except LoudnessError as exc:
        raise click.BadParameter(str(exc).split(": ", 1)[-1]) from None
    return value


text_options = _apply(
    click.option("--captions/--no-captions", default=False, show_default=True,
                 help="Speak and subtitle photo captions (photo placeholders are never spoken)."),
    click.option("--credit/--no-credit", default=False, show_default=True,
                 help='Speak and subtitle the closing "Nguồn: …" credit.'),
    click.option("--rate", type=click.FloatRange(1.5, 8.0), default=defaults.RATE, show_default=True,
                 help="Speaking rate in syllables per second (radio news: 3.9; 3.3 keeps subtitles readable)."),
    click.option("--sentence-pause", type=click.FloatRange(0, 10), default=defaults.SENTENCE_PAUSE,
                 show_default=True, help="Seconds of silence between sentences."),
    click.option("--paragraph-pause", type=click.FloatRange(0, 10), default=defaults.PARAGRAPH_PAUSE,
                 show_default=True, help="Seconds of silence between paragraphs."),
    click.option("--lexicon", type=click.Path(path_type=Path, dir_okay=False), default=None,
                 help="Extra abbreviations, one 'written<TAB>spoken' per line; they win over the built-in ones."),
)

class EngineName(click.ParamType):
    """An engine of the registry (built in, or a plugin's from the `broadcast.engines` entry points). The
    registry is read when a value is checked, never for --help, so start-up stays fast."""

    name = "engine"

    def get_metavar(self, param: click.Parameter, *args: Any) -> str:
        return "[espeak|gtts|edge|piper|PLUGIN]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from broadcast.voice import engines

        known = engines.names()
        if value not in known:
            self.fail(f"{value!r}: choose from {', '.join(known)}", param, ctx)
        return value


def _split_engines(ctx: click.Context, param: click.Parameter, value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    """--fallback gtts,espeak → ("gtts", "espeak"), each an engine of the registry."""
    if not value:
        return ()
    items = value if isinstance(value, tuple) else tuple(v.strip() for v in value.split(","))
    names = tuple(n for n in items if n)
    kind = EngineName()
    for n in names:
        kind.convert(n, param, ctx)
    if len(set(names)) != len(names):
        raise click.BadParameter(f"{value!r}: an engine is named twice")
    return names


voice_options = _apply(
    click.option("--engine", type=EngineName(), default="espeak", show_default=True,
                 help="Voice engine: espeak (offline, robotic), gtts (Google, online), edge (Microsoft neural, "
                      "online), piper (neural, offline, needs a voice file and 'broadcast[piper]'), or a plugin's. "
                      "`broadcast voices` lists them all."),
    click.option("--voice", default=None,
                 help="Engine voice: espeak vi, vi-VN-x-central, vi-VN-x-south; gtts vi; edge vi-VN-HoaiMyNeural "
                      "or vi-VN-NamMinhNeural; piper a .onnx file or the name of one in the voices folder. "
                      "[default: the engine's first]"),
    click.option("--concurrency", type=click.IntRange(1, 16), default=4, show_default=True,
                 help="Requests in flight at once for online engines (gtts, edge)."),
    click.option("--fallback", default=None, callback=_split_engines, metavar="ENGINE[,ENGINE…]",
                 help="When the engine fails (e.g. offline), speak the remaining sentences with these engines, "
                      "tried in order (e.g. gtts,espeak); recorded per segment in manifest.json."),
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
    click.option("--loudness", default="ebu", show_default=True, callback=_check_loudness,
                 help="Loudness target (ITU-R BS.1770): ebu (−23 LUFS, ≤ −1 dBTP), atsc (−24 LUFS, ≤ −2 dBTP), "
                      "web (−16 LUFS, ≤ −1 dBTP), off, or a number of LUFS. One gain for bulletin and clips."),
    click.option("--sample-rate", type=click.Choice(["22050", "24000", "44100", "48000"]), default=None,
                 callback=lambda ctx, param, value: int(value) if value else None,
                 help="Output sample rate in Hz.  [default: 48000 for WAV; for MP3 the voice's own rate, "
                      "22050 for eSpeak, 24000 for gTTS]"),
    click.option("--bit-depth", type=click.Choice(["16", "24"]), default="24", show_default=True,
                 callback=lambda ctx, param, value: int(value), help="WAV bits per sample (16 is dithered)."),
)

def _split_formats(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    from broadcast.subtitles import writers

    names = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    unknown = [n for n in names if n not in writers.WRITERS]
    if unknown or not names:
        raise click.BadParameter(f"{', '.join(unknown) or value!r}: choose from {', '.join(sorted(writers.WRITERS))}")
    return names


def _check_timecode(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from broadcast.subtitles.rules import parse_timecode

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
    click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors (no progress bars)."),
    click.option("-v", "--verbose", is_flag=True, help="Also print the gain applied and every file written."),
    click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
                 help="Transcripts produced in parallel, each in its own worker process."),
)


def _load_config(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    """Station defaults from TOML: keys are option names (as in Settings: rate, audio_format, loudness…)."""
    from broadcast.config import ConfigError, load

    try:
        station = load(value, produce)
    except ConfigError as exc:
        _fail(str(exc))
    own = {p.name for p in ctx.command.params}
    ctx.default_map = {**(ctx.default_map or {}), **{k: v for k, v in station.items() if k in own}}


config_option = click.option(
    "--config", type=click.Path(path_type=Path, dir_okay=False), default=None, is_eager=True, expose_value=False,
    callback=_load_config, help="Station defaults (TOML); without it ./broadcast.toml is read if present. "
    "Options given here win.")


def settings_from(options: dict[str, Any]):
    """The pipeline settings named by command-line options (options that are not settings are ignored)."""
    import dataclasses

    from broadcast.pipeline import Settings

    names = {f.name for f in dataclasses.fields(Settings)}
    return Settings(**{k: v for k, v in options.items() if k in names})


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="broadcast")
def cli() -> None:
    """Turn a TTV evening-news transcript into spoken Vietnamese audio and subtitles that match it.

    The default voice is eSpeak NG, which works offline; --engine edge and gtts are online voices, --engine
    piper a neural voice offline from a voice file (`broadcast voices` lists them all).
    """


@cli.command()
@click.argument("transcripts", nargs=-1, required=True, type=click.Path(path_type=Path))
@config_option
@output_options
@voice_options
@text_options
@audio_options
@subtitle_options
def produce(transcripts: tuple[Path, ...], output_dir: Path, quiet: bool, verbose: bool, jobs: int,
            **options: Any) -> None:
    """Speak TRANSCRIPT(s) and write audio, clips, SRT, WebVTT, manifest.json and preview.html.

    For foo.txt this writes DIR/foo/foo.mp3, foo.srt, foo.vtt, clips/001.mp3 …, manifest.json,
    preview.html and waveform.png. Subtitle times are measured on the synthesized audio. A folder
    stands for its *.txt transcripts; a failing transcript does not stop the others.
    """
    import time

    from broadcast import batch, console

    settings = settings_from(options)
    try:
        paths = batch.expand(transcripts)
    except BroadcastError as exc:
        _fail(str(exc))
    started = time.perf_counter()
    parallel = jobs > 1 and len(paths) > 1
    show = console.show_progress(quiet)
    bars = console.ProgressBars() if show and not parallel else None
    overall = click.progressbar(length=len(paths), label="transcripts", file=sys.stderr) if show and parallel else None

    def on_done(outcome: batch.Outcome) -> None:
        if bars:
            bars.close()
        if overall:
            overall.update(1)
            click.echo(err=True)
        if not outcome.ok:
            click.echo(f"broadcast: error: {outcome.error}", err=True)
            if verbose and outcome.detail:
                click.echo(outcome.detail, err=True)
        elif not quiet:
            for line in console.summary(outcome, verbose):
                click.echo(line)

    try:
        outcomes = batch.run(paths, output_dir, settings, jobs, bars, on_done)
    except KeyboardInterrupt as exc:
        if bars:
            bars.close()
        _interrupted(exc)
    finally:
        if bars:
            bars.close()
    if len(paths) > 1 and not quiet:
        click.echo()
        for line in console.table(outcomes, time.perf_counter() - started, jobs if parallel else 1):
            click.echo(line)
    if any(not o.ok for o in outcomes):
        sys.exit(1)


@cli.command()
@click.argument("transcript", type=click.Path(path_type=Path))
@click.option("--srt", "srt_path", type=click.Path(path_type=Path), default=None,
              help="Also write the estimated subtitles to this SRT file.")
@config_option
@text_options
def plan(transcript: Path, srt_path: Path | None, **options: Any) -> None:
    """Show segments and cues with estimated times, without synthesizing.

    Times come from syllable counts at --rate; use them to time a live read. Produced subtitles never
    use these estimates.
    """
    from broadcast.pipeline import plan as make_plan
    from broadcast.subtitles.writers import clock, get

    settings = settings_from(options)
    try:
        segments = make_plan(transcript, settings)
    except BroadcastError as exc:
        _fail(str(exc))
    from broadcast.audio import timeline

    timed = timeline.estimate(segments, settings.rate, settings.sentence_pause, settings.paragraph_pause)
    for seg in timed:
        click.echo(f"[{seg.segment.index:03d}] {clock(seg.start)} – {clock(seg.end)}  "
                   f"({seg.segment.kind}) {seg.segment.text}")
        for cue in seg.cues:
            click.echo(f"      {clock(cue.start)} – {clock(cue.end)}  " + " / ".join(cue.lines))
    total = timed[-1].end if timed else 0.0
    n_cues = sum(len(s.cues) for s in timed)
    click.echo(f"{len(timed)} segments, {n_cues} cues, about {total:.1f} s at {settings.rate} syllables/s (estimated)")
    if srt_path is not None:
        from broadcast.delivery.folder import write_text_atomic

        try:
            write_text_atomic(srt_path, get("srt").render([c for s in timed for c in s.cues]))
        except BroadcastError as exc:
            _fail(str(exc))


@cli.command("speech")
@click.argument("transcript", type=click.Path(path_type=Path))
@click.option("--all", "show_all", is_flag=True, help="Also list segments whose speech equals the written text.")
@text_options
def speech_command(transcript: Path, show_all: bool, **options: Any) -> None:
    """Show what the voice is given: per segment, written → spoken; then every reading no rule could decide;
    then a coverage report.

    Fallbacks are tokens read the least wrong way when no rule decided: acronyms spelled letter by letter,
    digits read one by one, slash or dot forms that could be a date or a fraction. Check them; put the right
    reading in a --lexicon file. Coverage lists every token of the speech text that is not a Vietnamese syllable
    (digits, leftover acronyms, symbols) and not an allow-listed loanword (assets/loanwords.txt), with counts: a
    syllable can still be the wrong word, so coverage is not correctness.
    """
    from broadcast.pipeline import plan as make_plan
    from broadcast.speech import coverage, fallbacks, speak_segments

    settings = settings_from(options)
    try:
        segments = make_plan(transcript, settings)
    except BroadcastError as exc:
        _fail(str(exc))
    found: list[tuple[int, fallbacks.Fallback]] = []
    for seg in segments:
        if show_all or seg.speech != seg.text:
            click.echo(f"[{seg.index:03d}] {seg.text}\n   → {seg.speech}")
        with fallbacks.collect() as notes:
            speak_segments([seg], lexicon=settings.lexicon)
        found += [(seg.index, n) for n in notes]
    if found:
        click.echo(f"fallbacks: {len(found)} readings no rule could decide; check them (a --lexicon file fixes them):")
        for index, n in found:
            click.echo(f"  [{index:03d}] {n.kind:25}  {n.written} → {n.spoken}")
    else:
        click.echo("fallbacks: none (every number, date and abbreviation was read by a rule)")
    report = coverage.measure(c.speech for s in segments for c in s.cues)
    click.echo(f"coverage: {report.summary()} (syllables the voice can say, not proof they are the right words)")
    for token, count in report.unspoken.most_common():
        click.echo(f"  {count:4d}  {token}")


@cli.command("voices")
@click.option("--engine", "only", type=EngineName(), default=None, help="List only this engine's voices.")
def voices_command(only: str | None) -> None:
    """List every engine with its Vietnamese voices and what each needs.

    Piper voices are the .onnx files (with their .json) in the voices folder: $BROADCAST_VOICES_DIR, else the
    user data folder; `--voice NAME` finds them by name. Nothing here uses the network.
    """
    from broadcast.voice import catalogue

    for line in catalogue.lines(only):
        click.echo(line)


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
    from broadcast.subtitles.lint import lint as run
    from broadcast.subtitles.rules import CueRules

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
    from broadcast import interrupt

    interrupt.install()  # SIGTERM stops a run like Ctrl-C: output folders are cleaned up, exit 143
    cli()


if __name__ == "__main__":  # pragma: no cover
    main()
