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
from broadcast.errors import BroadcastError, UsageError
from broadcast.options import Bitrate, Choice, FrameRate, Number, close_match, suggestion

F = TypeVar("F", bound=Callable[..., object])


def _fail(message: str, exit_code: int = 1) -> NoReturn:
    """The one shape of every error: one line on stderr, exit 1 for a failed run, 2 for a usage problem."""
    click.echo(f"broadcast: error: {message}", err=True)
    sys.exit(exit_code)


def _fail_with(exc: BroadcastError) -> NoReturn:
    _fail(str(exc), exc.exit_code)


def _interrupted(exc: BaseException) -> NoReturn:
    """Ctrl-C or SIGTERM: one line, and the shell's exit code for the signal (130, 143)."""
    from broadcast.interrupt import Interrupted

    if sys.stderr.isatty():
        click.echo(err=True)  # end a progress bar's line, or the ^C the terminal echoed
    name = str(exc) if isinstance(exc, Interrupted) else "SIGINT"
    click.echo(f"broadcast: interrupted ({name}); earlier output left as it was, nothing half-written; "
               "a rerun reuses the sentences already synthesized", err=True)
    sys.exit(exc.exit_code if isinstance(exc, Interrupted) else 130)


def _usage_message(exc: click.UsageError) -> str:
    """click's usage errors (3-4 lines: usage, hint, message) as one line naming the option and the value."""
    names, ctx = [], exc.ctx
    while ctx is not None and ctx.parent is not None:  # "broadcast produce", whatever the program was called
        names.insert(0, ctx.info_name or "")
        ctx = ctx.parent
    see = f"; see '{' '.join(['broadcast', *names])} --help'"
    if isinstance(exc, click.MissingParameter) and exc.param is not None:
        kind = "option" if isinstance(exc.param, click.Option) else "argument"
        return f"missing {kind} {exc.param.get_error_hint(exc.ctx).strip(chr(39))}{see}"  # type: ignore[arg-type]
    if isinstance(exc, click.BadParameter) and exc.param is not None:
        param = exc.param
        name = (max(param.opts, key=len) if isinstance(param, click.Option) and param.opts
                else (param.human_readable_name or "").upper())
        return f"{name}: {exc.message}"
    if isinstance(exc, click.NoSuchOption):
        hint = f" (did you mean {exc.possibilities[0]}?)" if exc.possibilities else ""
        return f"no such option {exc.option_name}{hint}{see}"
    if isinstance(exc, click.BadOptionUsage) and exc.message.startswith("Option '"):
        return f"{exc.option_name} {exc.message.split(chr(39), 2)[2].strip().rstrip('.')}{see}"
    if exc.message.startswith("no command"):
        return exc.message
    return f"{exc.format_message().rstrip('.')}{see}"


class BroadcastGroup(click.Group):
    """Every command's errors in one shape (see `_fail`), a signal at any moment as `_interrupted`, and a
    near miss of a command name suggested."""

    def make_context(self, info_name, args, parent=None, **extra):  # type: ignore[no-untyped-def]
        try:
            return super().make_context(info_name, args, parent, **extra)
        except KeyboardInterrupt as exc:
            _interrupted(exc)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:  # also while a command's options are parsed or its stages imported
            _interrupted(exc)
        except click.UsageError as exc:
            if exc.ctx is None:  # click's parser leaves some errors (--overwrite=yes) without the command's context
                name = ctx.invoked_subcommand
                command = self.get_command(ctx, name) if name else None
                if command is not None:
                    exc.ctx = click.Context(command, info_name=name, parent=ctx)
            raise

    def resolve_command(self, ctx: click.Context, args: list[str]):  # type: ignore[no-untyped-def]
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            raise click.UsageError(f"no command {name!r}{suggestion(name, self.list_commands(ctx))}; "
                                   f"the commands are {', '.join(self.list_commands(ctx))}", ctx)
        return super().resolve_command(ctx, args)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):  # type: ignore[no-untyped-def]
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            _fail(_usage_message(exc), 2)
        except click.ClickException as exc:
            _fail(exc.format_message(), exc.exit_code)
        except click.Abort as exc:  # click's own conversion of a KeyboardInterrupt we did not see first
            _interrupted(exc.__context__ or exc)
        sys.exit(code if isinstance(code, int) else 0)


def _apply(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    def wrap(func: F) -> F:
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return wrap


def _check_loudness(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from broadcast.audio.loudness import LUFS_RANGE, LoudnessError, target

    try:
        target(value)
    except LoudnessError:
        raise click.BadParameter(f"{value!r} is not ebu, atsc, web, off or a number of LUFS from "
                                 f"{LUFS_RANGE[0]:g} to {LUFS_RANGE[1]:g} (louder cannot be met under the "
                                 "true-peak ceiling)") from None
    return value


def _folder(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    if value is not None and value.exists() and not value.is_dir():
        raise click.BadParameter(f"{str(value)!r} is a file, not a folder")
    return value


def _existing_file(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """A file to read must be a regular file: not a folder, not /dev/zero, not missing."""
    if value is not None and not value.is_file():
        problem = ("no such file" if not value.exists() else "a folder, not a file" if value.is_dir()
                   else "not a regular file")
        raise click.BadParameter(f"{str(value)!r}: {problem}")
    return value


_captions_option = click.option("--captions/--no-captions", default=False, show_default=True,
                               help="Speak and subtitle photo captions (photo placeholders are never spoken).")
_credit_option = click.option("--credit/--no-credit", default=False, show_default=True,
                              help='Speak and subtitle the closing "Nguồn: …" credit.')
_lexicon_option = click.option(
    "--lexicon", type=click.Path(path_type=Path), default=None, callback=_existing_file,
    help="Extra abbreviations, one 'written<TAB>spoken' per line; they win over the built-in ones.")

text_options = _apply(
    _captions_option,
    _credit_option,
    click.option("--rate", type=Number(1.5, 8.0), default=defaults.RATE, show_default=True,
                 help="Speaking rate in syllables per second (radio news: 3.9; 3.3 keeps subtitles readable)."),
    click.option("--sentence-pause", type=Number(0, 10), default=defaults.SENTENCE_PAUSE,
                 show_default=True, help="Seconds of silence between sentences."),
    click.option("--paragraph-pause", type=Number(0, 10), default=defaults.PARAGRAPH_PAUSE,
                 show_default=True, help="Seconds of silence between paragraphs."),
    _lexicon_option,
    click.option("--max-hours", type=Number(0.01, 100), default=defaults.MAX_HOURS, show_default=True,
                 help="Refuse a transcript estimated to speak longer than this (checked before any work)."),
)

class EngineName(click.ParamType):
    """An engine of the registry (built in, or a plugin's from the `broadcast.engines` entry points). The
    registry is read when a value other than a built-in name is checked (`engines.is_engine`), never for
    --help, so start-up stays fast."""

    name = "engine"

    def get_metavar(self, param: click.Parameter, *args: Any) -> str:
        return "[espeak|gtts|edge|piper|PLUGIN]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from broadcast.voice import engines

        if not engines.is_engine(value):
            self.fail(_not_an_engine(str(value)), param, ctx)
        return value


def _not_an_engine(name: str, within: str = "") -> str:
    from broadcast.voice import engines

    known = engines.names()
    return f"{name!r}{within} is not one of: {', '.join(known)}{suggestion(name, known)}"


def _split_engines(ctx: click.Context, param: click.Parameter, value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    """--fallback gtts,espeak → ("gtts", "espeak"), each an engine of the registry."""
    if not value:
        return ()
    items = value if isinstance(value, tuple) else tuple(v.strip() for v in value.split(","))
    names = tuple(n for n in items if n)
    from broadcast.voice import engines

    for n in names:
        if not engines.is_engine(n):
            raise click.BadParameter(_not_an_engine(n, f" (in {value!r})" if len(names) > 1 else ""))
    if len(set(names)) != len(names):
        raise click.BadParameter(f"{value!r} names an engine twice")
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
    click.option("--concurrency", type=Number(1, 16, integer=True), default=4, show_default=True,
                 help="Requests in flight at once for online engines (gtts, edge)."),
    click.option("--fallback", default=None, callback=_split_engines, metavar="ENGINE[,ENGINE…]",
                 help="When the engine fails (e.g. offline), speak the remaining sentences with these engines, "
                      "tried in order (e.g. gtts,espeak); recorded per segment in manifest.json."),
    click.option("--cache-dir", type=click.Path(path_type=Path), default=None, callback=_folder,
                 help="Folder of synthesized sentences reused by reruns "
                      "[default: $BROADCAST_CACHE_DIR or the user cache folder]."),
    click.option("--cache/--no-cache", default=True, show_default=True,
                 help="Reuse and keep synthesized sentences (--no-cache synthesizes everything afresh)."),
)

audio_options = _apply(
    click.option("--format", "audio_format", type=Choice(["mp3", "wav"]), default="mp3", show_default=True,
                 help="Audio format of the bulletin and its clips."),
    click.option("--bitrate", type=Bitrate(), default="128k", show_default=True,
                 help="MP3 bitrate in kb/s (8k-160k at 22050 and 24000 Hz, 32k-320k at 44100 and 48000 Hz)."),
    click.option("--loudness", default="ebu", show_default=True, callback=_check_loudness,
                 help="Loudness target (ITU-R BS.1770): ebu (−23 LUFS, ≤ −1 dBTP), atsc (−24 LUFS, ≤ −2 dBTP), "
                      "web (−16 LUFS, ≤ −1 dBTP), off, or a number of LUFS from −40 to −14. One gain for bulletin "
                      "and clips."),
    click.option("--sample-rate", type=Choice(["22050", "24000", "44100", "48000"]), default=None,
                 callback=lambda ctx, param, value: int(value) if value else None,
                 help="Output sample rate in Hz.  [default: 48000 for WAV; for MP3 the voice's own rate, "
                      "22050 for eSpeak, 24000 for gTTS]"),
    click.option("--bit-depth", type=Choice(["16", "24"]), default="24", show_default=True,
                 callback=lambda ctx, param, value: int(value), help="WAV bits per sample (16 is dithered)."),
)

def _split_formats(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    from broadcast.subtitles import writers

    names = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    unknown = [n for n in names if n not in writers.WRITERS]
    if unknown or not names:
        close = close_match(unknown[0], sorted(writers.WRITERS)) if unknown else None
        which = (f" ({', '.join(unknown)} is not one" + (f"; did you mean {close}?" if close else "") + ")") if unknown else ""
        raise click.BadParameter(f"{value!r} is not a list of formats from: {', '.join(sorted(writers.WRITERS))}{which}")
    return names


def _check_timecode(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from broadcast.subtitles.rules import DEFAULT_FPS, parse_timecode

    try:  # --fps is eager, so it is known here (a station file's start offset is checked when it is used)
        parse_timecode(value, ctx.params.get("fps") or DEFAULT_FPS)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


rule_options = _apply(
    click.option("--fps", type=FrameRate(), default="25", show_default=True, is_eager=True,
                 help="Frame rate (1–120): cue times sit on its frames and gaps count in them; 29.97, 23.976 "
                      "and 59.94 are the NTSC rates 30000/1001, 24000/1001, 60000/1001."),
    click.option("--max-chars", type=Number(10, 200, integer=True), default=42, show_default=True,
                 help="Characters per subtitle line (NFC)."),
    click.option("--max-lines", type=Number(1, 4, integer=True), default=2, show_default=True, help="Lines per cue."),
    click.option("--target-cps", type=Number(5, 60), default=17.0, show_default=True,
                 help="Reading speed to aim at, characters per second (spaces and punctuation count)."),
    click.option("--max-cps", type=Number(5, 60), default=20.0, show_default=True,
                 help="Reading speed never to exceed."),
)

subtitle_options = _apply(
    click.option("--subtitles", type=str, default="srt,vtt", show_default=True, callback=_split_formats,
                 help="Subtitle formats, comma-separated: srt, vtt, ttml (EBU-TT-D)."),
    rule_options,
    click.option("--srt-bom/--no-srt-bom", default=False, show_default=True,
                 help="Start the SRT with a UTF-8 byte order mark (for players that assume a legacy code page)."),
    click.option("--eol", type=Choice(["lf", "crlf"]), default="lf", show_default=True,
                 help="Line endings of subtitle files."),
    click.option("--start-offset", default="00:00:00:00", show_default=True, callback=_check_timecode,
                 help="HH:MM:SS:FF at --fps added to every subtitle time, clips' too (DaVinci Resolve timelines "
                      "start at 01:00:00:00); HH:MM:SS;FF is drop-frame (29.97 and 59.94 fps)."),
    click.option("--clip-subtitles/--no-clip-subtitles", default=False, show_default=True,
                 help="Also write a subtitle file beside each clip, timed from the clip's start."),
)

output_options = _apply(
    click.option("-o", "--output-dir", type=click.Path(path_type=Path), default=Path("output"), callback=_folder,
                 show_default=True,
                 help="Folder to write into; each transcript foo.txt gets DIR/foo/."),
    click.option("--overwrite", is_flag=True, help="Replace an output folder that broadcast did not write."),
    click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors (no progress bars)."),
    click.option("-v", "--verbose", is_flag=True, help="Also print the gain applied and every file written."),
    click.option("-j", "--jobs", type=Number(1, 64, integer=True), default=1, show_default=True,
                 help="Transcripts produced in parallel, each in its own worker process (helps with several "
                      "transcripts on more than 2 cores; see README)."),
)


def _load_config(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    """Station defaults from TOML: keys are option names (as in Settings: rate, audio_format, loudness…)."""
    from broadcast.config import ConfigError, load

    try:
        station = load(value, produce)
    except ConfigError as exc:
        _fail_with(exc)
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


@click.group(cls=BroadcastGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="broadcast")
def cli() -> None:
    """Turn a TTV evening-news transcript into spoken Vietnamese audio and subtitles that match it.

    The default voice is eSpeak NG, which works offline; --engine edge and gtts are online voices, --engine
    piper a neural voice offline from a voice file (`broadcast voices` lists them all).
    """


@cli.command(short_help="Speak transcripts: audio, clips, subtitles, preview.")
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
    preview.html and waveform.svg. Subtitle times are measured on the synthesized audio. A folder
    stands for its *.txt transcripts; a failing transcript does not stop the others.
    """
    import time

    from broadcast import batch, console

    from broadcast.pipeline import check_inputs, check_settings

    settings = settings_from(options)
    try:
        check_settings(settings)
        paths = batch.expand(transcripts)
        for path in paths:
            check_inputs(path, output_dir / path.stem, settings)
    except BroadcastError as exc:
        _fail_with(exc)
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
    finally:  # also on Ctrl-C, which the group reports
        if bars:
            bars.close()
    if len(paths) > 1 and not quiet:
        click.echo()
        for line in console.table(outcomes, time.perf_counter() - started, jobs if parallel else 1):
            click.echo(line)
    if any(not o.ok for o in outcomes):
        sys.exit(1)


@cli.command(short_help="Estimated segments and cues, no audio.")
@click.argument("transcript", type=click.Path(path_type=Path))
@click.option("--srt", "srt_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Also write the estimated subtitles to this SRT file, timed by the cue rules as produce does.")
@config_option
@text_options
@rule_options
def plan(transcript: Path, srt_path: Path | None, **options: Any) -> None:
    """Show segments and cues with estimated times, without synthesizing.

    Times come from syllable counts at --rate; use them to time a live read. Produced subtitles never
    use these estimates.
    """
    from broadcast.pipeline import plan as make_plan
    from broadcast.subtitles.writers import clock, get

    settings = settings_from(options)
    if srt_path is not None and srt_path.exists() and transcript.exists() and srt_path.samefile(transcript):
        _fail(f"--srt {srt_path}: is the transcript itself; name another file", 2)
    try:
        segments = make_plan(transcript, settings)
    except BroadcastError as exc:
        _fail_with(exc)
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
        from broadcast.subtitles import timing

        # the estimate ends at the last syllable; the pause a bulletin ends with leaves room to read it
        cues = timing.shown([c for s in timed for c in s.cues], settings.cue_rules(),
                            total + settings.sentence_pause)
        try:
            write_text_atomic(srt_path, get("srt").render(cues))
        except BroadcastError as exc:
            _fail_with(exc)


@cli.command("speech", short_help="What the voice is given: fallbacks to check, coverage.")
@click.argument("transcript", type=click.Path(path_type=Path))
@click.option("--all", "show_all", is_flag=True, help="Also list segments whose speech equals the written text.")
@config_option
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
        _fail_with(exc)
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


@cli.command(short_help="Check SRT, WebVTT or TTML files against the cue rules.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@rule_options
@click.option("--min-duration", type=Number(0, 60), default=5 / 6, show_default="0.833",
              help="Shortest cue, seconds.")
@click.option("--max-duration", type=Number(0.1, 600), default=7.0, show_default=True,
              help="Longest cue, seconds.")
@click.option("--min-gap-frames", type=Number(0, 100, integer=True), default=2, show_default=True,
              help="Fewest frames between cues.")
@click.option("--chain-frames", type=Number(0, 100, integer=True), default=12, show_default=True,
              help="Gaps of this many frames or fewer must be closed to --min-gap-frames.")
@click.option("--strict", is_flag=True, help="Count warnings (a break inside a word) as violations.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary of each file.")
def lint(files: tuple[Path, ...], strict: bool, quiet: bool, **options: Any) -> None:
    """Check subtitle FILES (.srt, .vtt or .ttml, ours or anyone's) against broadcast cue rules.

    Prints every violation as FILE:CUE: TIME: RULE: detail (warnings: a break inside a word), then a
    summary per file; exits 1 when there is any violation (with --strict, any warning), when a file holds
    no cues, or when a file cannot be read.
    """
    from broadcast.subtitles.lint import lint as run
    from broadcast.subtitles.rules import CueRules

    if options["min_duration"] > options["max_duration"]:
        _fail(f"--min-duration {options['min_duration']:g} is longer than --max-duration {options['max_duration']:g}", 2)
    rules = CueRules(**options)
    bad = False
    for path in files:
        try:
            report = run(path, rules, strict)
        except BroadcastError as exc:
            click.echo(f"broadcast: error: {exc}", err=True)
            bad = True
            continue
        lines = report.lines()
        for line in lines[-1:] if quiet else lines:
            click.echo(line)
        bad = bad or bool(report.errors)
    if bad:
        sys.exit(1)


@cli.command("align", short_help="Time a transcript on a reading of it: clips, subtitles.")
@click.argument("transcript", type=click.Path(path_type=Path))
@click.argument("recording", type=click.Path(path_type=Path))
@config_option
@click.option("-o", "--output-dir", type=click.Path(path_type=Path), default=Path("output"), callback=_folder,
              show_default=True, help="Folder to write into; transcript foo.txt gets DIR/foo/.")
@click.option("--overwrite", is_flag=True, help="Replace an output folder that broadcast did not write.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors and doubtful sentences.")
@click.option("-v", "--verbose", is_flag=True, help="Also print every sentence's times and confidence.")
@click.option("--strict", is_flag=True,
              help="Fail (exit 1, nothing written) when any sentence is missing from the recording or doubtful.")
@click.option("--voice", default=None,
              help="eSpeak voice the recording is compared with (the reader's accent): vi, vi-VN-x-central or "
                   "vi-VN-x-south.  [default: vi]")
@click.option("--cache-dir", type=click.Path(path_type=Path), default=None, callback=_folder,
              help="Folder of synthesized sentences reused by reruns.")
@click.option("--cache/--no-cache", default=True, show_default=True, help="Reuse and keep synthesized sentences.")
@_captions_option
@_credit_option
@_lexicon_option
@audio_options
@subtitle_options
def align_command(transcript: Path, recording: Path, output_dir: Path, quiet: bool, verbose: bool, strict: bool,
                  **options: Any) -> None:
    """Time TRANSCRIPT on RECORDING, a newsreader's reading of it, and write what `produce` writes.

    RECORDING is any file ffmpeg reads (WAV, MP3, M4A, or the audio of MP4, MOV, MXF). The bulletin audio
    is the recording (at --loudness, or untouched with --loudness off; mono, at its own sample rate unless
    --sample-rate is given); clips/NNN are its sentences; subtitles follow the cue rules on the times the
    reader speaks. Sentences the recording lacks, sound
    with no text, and doubtful sentences are listed; with --strict they stop the run.
    """
    from broadcast import console
    from broadcast.pipeline import align

    settings = settings_from(options)
    bars = console.ProgressBars() if console.show_progress(quiet) else None
    try:
        result = align(transcript, recording, output_dir, settings, bars, strict)
    except BroadcastError as exc:
        if bars:
            bars.close()
        _fail_with(exc)
    except KeyboardInterrupt as exc:
        if bars:
            bars.close()
        _interrupted(exc)
    if bars:
        bars.close()
    for line in console.align_summary(result, quiet, verbose):
        click.echo(line)


def main() -> None:  # pragma: no cover
    from broadcast import interrupt

    interrupt.install()  # SIGTERM stops a run like Ctrl-C: output folders are cleaned up, exit 143
    cli()


if __name__ == "__main__":  # pragma: no cover
    main()
