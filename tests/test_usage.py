"""Every option of every command, given bad values: one line `broadcast: error: …` naming the option, the
value and what is allowed; exit 2; before any work and before anything is written.

`python tests/test_usage.py` prints the table of what each bad value gets (for the README and reviews).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from conftest import SAMPLE  # noqa: E402

from broadcast.cli import cli  # noqa: E402

# (command, option, bad values, text every message must hold besides the option and the value)
BAD = [
    ("produce", "--rate", ["nan", "inf", "-inf", "fast", "0", "99", ""], "a number from 1.5 to 8"),
    ("produce", "--sentence-pause", ["nan", "-1", "11", "x"], "a number from 0 to 10"),
    ("produce", "--paragraph-pause", ["nan", "inf", "-0.5"], "a number from 0 to 10"),
    ("produce", "--max-hours", ["nan", "0", "1e9", "many"], "a number from 0.01 to 100"),
    ("produce", "--lexicon", ["/nonexistent.tsv", "/dev/zero", "/tmp"], "--lexicon: '"),
    ("produce", "--engine", ["espeek", "piper2", ""], "is not one of: espeak, gtts, edge, piper"),
    ("produce", "--voice", ["en", "vi-VN", ""], "is not a Vietnamese voice of espeak (choose from: vi,"),
    ("produce", "--concurrency", ["0", "17", "2.5", "nan"], "a whole number from 1 to 16"),
    ("produce", "--fallback", ["gtts,nope", "none"], "is not one of: espeak, gtts, edge, piper"),
    ("produce", "--cache-dir", ["README.md"], "is a file, not a folder"),
    ("produce", "--format", ["ogg", "MP4", ""], "is not one of: mp3, wav"),
    ("produce", "--bitrate", ["999", "abc", "128kbps", "-128k", "0"], "is not an MP3 bitrate (kb/s: 8, 16"),
    ("produce", "--loudness", ["-5", "nan", "inf", "-100", "loud", "-14.5x"],
     "is not ebu, atsc, web, off or a number of LUFS from -40 to -14"),
    ("produce", "--sample-rate", ["16000", "48k", "nan"], "is not one of: 22050, 24000, 44100, 48000"),
    ("produce", "--bit-depth", ["8", "32", "24.0"], "is not one of: 16, 24"),
    ("produce", "--subtitles", ["srt,docx", "", ",", "vtx"], "is not a list of formats from: srt, ttml, vtt"),
    ("produce", "--max-chars", ["9", "201", "nan", "42.5"], "a whole number from 10 to 200"),
    ("produce", "--max-lines", ["0", "5", "two"], "a whole number from 1 to 4"),
    ("produce", "--target-cps", ["nan", "4", "61"], "a number from 5 to 60"),
    ("produce", "--max-cps", ["nan", "inf", "100"], "a number from 5 to 60"),
    ("produce", "--eol", ["cr", "CR LF"], "is not one of: lf, crlf"),
    ("produce", "--output-dir", ["README.md"], "is a file, not a folder"),
    ("produce", "--jobs", ["0", "65", "nan", "two"], "a whole number from 1 to 64"),
    ("produce", "--config", ["/nonexistent.toml", "/dev/zero"], ""),
    ("plan", "--rate", ["nan", "inf"], "a number from 1.5 to 8"),
    ("plan", "--sentence-pause", ["nan"], "a number from 0 to 10"),
    ("plan", "--max-hours", ["nan"], "a number from 0.01 to 100"),
    ("plan", "--srt", ["{transcript}"], "is the transcript itself"),
    ("speech", "--rate", ["nan"], "a number from 1.5 to 8"),
    ("speech", "--paragraph-pause", ["inf"], "a number from 0 to 10"),
    ("lint", "--max-cps", ["nan", "inf"], "a number from 5 to 60"),
    ("lint", "--target-cps", ["nan"], "a number from 5 to 60"),
    ("lint", "--max-chars", ["nan", "1e3"], "a whole number from 10 to 200"),
    ("lint", "--min-duration", ["nan", "-1", "61"], "a number from 0 to 60"),
    ("lint", "--max-duration", ["nan", "0", "601"], "a number from 0.1 to 600"),
    ("lint", "--min-gap-frames", ["nan", "-1", "101"], "a whole number from 0 to 100"),
    ("lint", "--chain-frames", ["x", "101"], "a whole number from 0 to 100"),
    ("produce", "--fps", ["0", "121"], "fps is out of range: give a number from 1 to 120"),
    ("produce", "--fps", ["24.5x", "nan", ""], "is not a frame rate: give a number from 1 to 120"),
    ("produce", "--start-offset", ["abc", "1", "01:00:00"], "is not a timecode HH:MM:SS:FF"),
    ("produce", "--start-offset", ["99:99:99:99", "00:00:00:25"], "is out of range at 25 fps"),
    ("produce", "--start-offset", ["01:00:00;00"], "drop-frame timecode (;), which exists only at 29.97"),
    ("plan", "--paragraph-pause", ["-1"], "a number from 0 to 10"),
    ("plan", "--lexicon", ["/nonexistent.tsv"], "no such file"),
    ("plan", "--config", ["/dev/zero"], ""),
    ("plan", "--fps", ["nan"], "is not a frame rate"),
    ("plan", "--max-chars", ["5"], "a whole number from 10 to 200"),
    ("plan", "--max-lines", ["9"], "a whole number from 1 to 4"),
    ("plan", "--target-cps", ["nan"], "a number from 5 to 60"),
    ("plan", "--max-cps", ["0"], "a number from 5 to 60"),
    ("speech", "--sentence-pause", ["x"], "a number from 0 to 10"),
    ("speech", "--lexicon", ["/dev/zero"], "not a regular file"),
    ("speech", "--max-hours", ["0"], "a number from 0.01 to 100"),
    ("speech", "--config", ["/nonexistent.toml"], ""),
    ("lint", "--fps", ["0", "x"], "a number from 1 to 120"),
    ("lint", "--max-lines", ["9"], "a whole number from 1 to 4"),
    ("voices", "--engine", ["nope", ""], "is not one of: espeak, gtts, edge, piper"),
    ("align", "--voice", ["en", ""], "is not a Vietnamese voice of espeak (choose from: vi,"),
    ("align", "--loudness", ["-3", "nan"], "is not ebu, atsc, web, off or a number of LUFS from -40 to -14"),
    ("align", "--format", ["ogg"], "is not one of: mp3, wav"),
    ("align", "--bitrate", ["999"], "is not an MP3 bitrate"),
    ("align", "--sample-rate", ["1"], "is not one of: 22050, 24000, 44100, 48000"),
    ("align", "--bit-depth", ["8"], "is not one of: 16, 24"),
    ("align", "--subtitles", ["x"], "is not a list of formats from: srt, ttml, vtt"),
    ("align", "--fps", ["0"], "fps is out of range"),
    ("align", "--start-offset", ["1"], "is not a timecode"),
    ("align", "--max-chars", ["5"], "a whole number from 10 to 200"),
    ("align", "--max-lines", ["0"], "a whole number from 1 to 4"),
    ("align", "--target-cps", ["nan"], "a number from 5 to 60"),
    ("align", "--max-cps", ["inf"], "a number from 5 to 60"),
    ("align", "--eol", ["cr"], "is not one of: lf, crlf"),
    ("align", "--output-dir", ["README.md"], "is a file, not a folder"),
    ("align", "--cache-dir", ["README.md"], "is a file, not a folder"),
    ("align", "--lexicon", ["/tmp"], "a folder, not a file"),
    ("align", "--config", ["/dev/zero"], ""),
]
# combinations: each value fine on its own
COMBINED = [
    ("produce", ["--bitrate", "320k"], "--bitrate 320k: MP3 at 22050 Hz offers 8k to 160k"),
    ("produce", ["--bitrate", "8k", "--sample-rate", "48000"], "--bitrate 8k: MP3 at 48000 Hz offers 32k to 320k"),
    ("produce", ["--target-cps", "25", "--max-cps", "20"], "--target-cps 25 is faster than --max-cps 20"),
    ("lint", ["--min-duration", "8", "--max-duration", "7"], "--min-duration 8 is longer than --max-duration 7"),
    ("produce", ["--fomat", "wav"], "no such option --fomat (did you mean --format?)"),
    ("plan", ["--jobs", "2"], "no such option --jobs"),
    ("lint", ["--start-offset", "01:00:00:00"], "no such option --start-offset"),
    ("produce", ["--overwrite=yes"], "--overwrite does not take a value; see 'broadcast produce --help'"),
    ("lint", ["--strict=1"], "--strict does not take a value; see 'broadcast lint --help'"),
    ("align", ["--clip-subtitles=no"], "--clip-subtitles does not take a value; see 'broadcast align --help'"),
    ("produce", ["--rate"], "--rate requires an argument; see 'broadcast produce --help'"),
]


def silent_recording(folder: Path) -> Path:
    """A real WAV (one second of silence), so a bad option, not the recording, is what gets refused."""
    import wave

    path = folder / "reading.wav"
    if not path.exists():
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(16000)
            out.writeframes(b"\0\0" * 16000)
    return path


def invoke(command: str, args: list[str], tmp_path: Path):
    """Run the command as a user would (bad options first), with a real input and an output folder that
    must stay untouched."""
    out = tmp_path / "out"
    output = [] if "--output-dir" in args else ["-o", str(out)]
    target = {"produce": [str(SAMPLE), *output], "plan": [str(SAMPLE)], "speech": [str(SAMPLE)],
              "lint": [str(tmp_path / "never-read.srt")], "voices": [],
              "align": [str(SAMPLE), str(silent_recording(tmp_path)), *output]}[command]
    if args[-1:] == ["--rate"]:  # an option missing its value must come last
        args, target = target, args
    return CliRunner(mix_stderr=False).invoke(cli, [command, *args, *target]), out


def check(result, out: Path, *parts: str) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.stdout)
    assert len(lines) == 1 and lines[0].startswith("broadcast: error: "), result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    for part in parts:
        assert part in lines[0], (part, lines[0])
    assert not out.exists()  # nothing written, not even the folder
    return lines[0]


@pytest.mark.parametrize("command, option, value, allowed",
                         [(c, o, v, a) for c, o, values, a in BAD for v in values],
                         ids=[f"{c} {o} {v!r}" for c, o, values, _ in BAD for v in values])
def test_a_bad_value_is_one_line_naming_option_value_and_what_is_allowed(tmp_path, command, option, value, allowed):
    value = value.format(transcript=SAMPLE)
    result, out = invoke(command, [option, value], tmp_path)
    shown = value if option not in ("--voice",) else repr(value)
    check(result, out, option if option not in ("--config",) else value, shown, allowed)


@pytest.mark.parametrize("command, args, message", COMBINED, ids=[" ".join(a) for _, a, _ in COMBINED])
def test_a_bad_combination_is_one_line(tmp_path, command, args, message):
    result, out = invoke(command, args, tmp_path)
    check(result, out, message)


@pytest.mark.parametrize("args, message", [
    ([], "missing command"),
    (["prodce"], "no command 'prodce' (did you mean produce?); the commands are align, lint, plan, produce, speech"),
    (["produce"], "missing argument TRANSCRIPTS...; see 'broadcast produce --help'"),
    (["plan", "a.txt", "b.txt"], "unexpected extra argument (b.txt)"),
    (["--colour"], "no such option --colour"),
])
def test_usage_errors_of_click_itself_are_one_line_exit_2(args, message):
    result = CliRunner(mix_stderr=False).invoke(cli, args)
    if not args:  # a bare `broadcast` shows the help, as click does
        assert result.exit_code == 0 and "Commands:" in result.stdout
        return
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("broadcast: error: ") and message in result.stderr, result.stderr


def test_help_is_whole_and_lint_help_names_only_its_own_options():
    out = CliRunner().invoke(cli, ["--help"]).output
    commands = out.split("Commands:")[1].strip().splitlines()
    assert len(commands) == 6 and not any(line.rstrip().endswith("...") for line in commands), commands
    lint_help = CliRunner().invoke(cli, ["lint", "--help"]).output
    assert "--start-offset" not in lint_help and ".ttml" in lint_help


def test_the_voice_is_checked_before_any_work_as_a_usage_error(tmp_path):
    result, out = invoke("produce", ["--engine", "gtts", "--voice", "en"], tmp_path)
    check(result, out, "--voice 'en' is not a Vietnamese voice of gtts (choose from: vi)")


# --- inputs that are not what they seem -------------------------------------------------------------------

def run(*args):
    return CliRunner(mix_stderr=False).invoke(cli, [str(a) for a in args])


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
@pytest.mark.parametrize("command", ["produce", "plan", "speech", "lint"])
def test_devices_as_input_are_refused_at_once(tmp_path, device, command):
    result = run(command, device, *(["-o", tmp_path / "out"] if command == "produce" else []))
    assert result.exit_code == 1 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"broadcast: error: {device}: ") and "binary" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["plan", "lint"])
def test_an_endless_text_stream_stops_at_the_size_limit(tmp_path, command):
    """A FIFO fed like `yes` would be read until memory runs out; it stops at the limit (64 MB)."""
    fifo = tmp_path / "endless"
    os.mkfifo(fifo)

    def feed() -> None:
        try:
            with open(fifo, "wb") as sink:
                while True:
                    sink.write("1\n00:00:01,000 --> 00:00:02,000\nmai ngày mai ngày\n\n".encode() * 4096)
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    result = run(command, fifo)
    writer.join(timeout=60)
    assert result.exit_code == 1 and result.stderr == f"broadcast: error: {fifo}: more than 64 MB, too large for " + (
        "a transcript\n" if command == "plan" else "a subtitle file\n")


def test_a_20_mb_transcript_is_refused_up_front_with_the_estimate_and_the_limit(tmp_path):
    title, *body = SAMPLE.read_text(encoding="utf-8").strip().split("\n\n")
    big = tmp_path / "big.txt"
    text = "\n\n".join([title, *body[:-1] * 8400]).encode("utf-8")[:20_000_000]
    big.write_bytes(text[: text.rfind(b" ")])
    for command in ("produce", "plan", "speech"):
        result = run(command, big, *(["-o", tmp_path / "out"] if command == "produce" else []))
        assert result.exit_code == 1, result.stderr
        assert result.stderr.startswith(f"broadcast: error: {big}: about 28") and result.stderr.count("\n") == 1
        assert "hours of speech" in result.stderr and "over --max-hours 3;" in result.stderr
    assert not (tmp_path / "out").exists()
    small = tmp_path / "small.txt"
    small.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    result = run("plan", small, "--max-hours", "0.01")  # the sample speaks for more than 36 s
    assert result.exit_code == 1 and "over --max-hours 0.01" in result.stderr


def test_a_transcript_inside_the_folder_a_rerun_replaces_is_never_deleted(tmp_path):
    sel = tmp_path / "sel"
    first = tmp_path / "a.txt"
    first.write_text("Tin ngắn\n\nMột câu ngắn thôi.\n", encoding="utf-8")
    assert run("produce", first, "-o", sel, "--format", "wav", "-q").exit_code == 0
    inside = sel / "a" / "a.txt"
    inside.write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    before = sorted(p.name for p in (sel / "a").iterdir())
    result = run("produce", inside, "-o", sel, "--format", "wav")
    assert result.exit_code == 2 and result.stderr == (
        f"broadcast: error: {inside}: the transcript is inside {(sel / 'a').resolve()}, the folder this run "
        "replaces; move it out or choose another --output-dir\n")
    assert inside.read_text(encoding="utf-8").startswith("Tin ngắn") and sorted(p.name for p in (sel / "a").iterdir()) == before
    lexicon = sel / "a" / "mine.tsv"
    lexicon.write_text("UBND\tủy ban\n", encoding="utf-8")
    result = run("produce", first, "-o", sel, "--lexicon", lexicon)
    assert result.exit_code == 2 and "the --lexicon file is inside" in result.stderr and lexicon.exists()


def test_the_bitrate_written_is_the_one_asked_for(tmp_path):
    import imageio_ffmpeg

    result = run("produce", SAMPLE, "-o", tmp_path, "--bitrate", "64", "-q")
    assert result.exit_code == 0, result.stderr
    import json

    manifest = json.loads((tmp_path / SAMPLE.stem / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["bitrate"] == "64k"
    probe = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i",
                            str(tmp_path / SAMPLE.stem / manifest["audio"])], capture_output=True, text=True)
    assert "64 kb/s" in probe.stderr, probe.stderr


def table() -> list[str]:  # pragma: no cover - a report, run by hand
    import tempfile

    rows = ["| command | option | bad value | message (exit 2) |", "|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for command, option, values, _ in BAD:
            for value in values:
                value = value.format(transcript=SAMPLE)
                result, _ = invoke(command, [option, value], Path(tmp))
                message = result.stderr.strip().removeprefix("broadcast: error: ").replace("|", "\\|")
                rows.append(f"| {command} | `{option}` | `{value!r}` | {message} (exit {result.exit_code}) |")
        for command, args, _ in COMBINED:
            result, _ = invoke(command, args, Path(tmp))
            message = result.stderr.strip().removeprefix("broadcast: error: ").replace("|", "\\|")
            rows.append(f"| {command} | `{' '.join(args)}` | (combination) | {message} (exit {result.exit_code}) |")
    return rows


if __name__ == "__main__":  # pragma: no cover
    print("\n".join(table()))


def test_a_folder_that_may_not_be_replaced_is_refused_before_any_synthesis(tmp_path):
    foreign = tmp_path / "out" / SAMPLE.stem
    foreign.mkdir(parents=True)
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    cache = tmp_path / "cache"
    result = run("produce", SAMPLE, "-o", tmp_path / "out", "--cache-dir", cache)
    assert result.exit_code == 1 and "folder exists and was not written by broadcast" in result.stderr
    assert not list(cache.rglob("*.seg"))  # nothing was synthesized first
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_python_dash_m_broadcast_is_the_command():
    result = subprocess.run([sys.executable, "-m", "broadcast", "plan", str(SAMPLE), "--rate", "x"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == "broadcast: error: --rate: 'x' is not a number from 1.5 to 8\n"
