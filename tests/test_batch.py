"""Batch runs, the config file and what `produce` prints."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcast import console
from broadcast.cli import cli

SHORT = "Tin {n}: Thanh Hóa đón mưa lớn.\n\nNgười dân ở huyện {n} đã chủ động phòng chống.\n"


def run(*args):
    return CliRunner(mix_stderr=False).invoke(cli, [str(a) for a in args])


@pytest.fixture
def folder(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a", "b", "c"):
        (src / f"{name}.txt").write_text(SHORT.format(n=name), encoding="utf-8")
    (src / "empty.txt").write_text("", encoding="utf-8")
    (src / "notes.md").write_text("not a transcript", encoding="utf-8")
    return src


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_folder_with_one_empty_transcript(folder, tmp_path, jobs):
    out = tmp_path / "out"
    result = run("produce", folder, "-o", out, "--jobs", jobs, "--format", "wav")
    assert result.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == ["a", "b", "c"]
    for name in "abc":
        m = json.loads((out / name / "manifest.json").read_text(encoding="utf-8"))
        assert m["source"] == f"{name}.txt" and (out / name / "preview.html").is_file()
    assert result.stderr.strip().splitlines() == [f"broadcast: error: {folder / 'empty.txt'}: empty transcript, "
                                                  "nothing to read"]
    table = result.stdout[result.stdout.index("transcript "):].splitlines()
    rows = {line.split()[0]: line.split()[1] for line in table[2:-1]}
    assert rows == {"a.txt": "ok", "b.txt": "ok", "c.txt": "ok", "empty.txt": "FAILED"}
    assert table[-1].startswith("3 of 4 produced, 1 failed") and table[-1].endswith(f"{jobs} job" + ("s" if jobs == "2" else ""))


def test_same_name_twice_fails_the_second(folder, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.txt").write_text(SHORT.format(n="x"), encoding="utf-8")
    result = run("produce", folder / "a.txt", other / "a.txt", "-o", tmp_path / "out", "-q", "--format", "wav")
    assert result.exit_code == 1 and "same output folder" in result.stderr
    assert json.loads((tmp_path / "out" / "a" / "manifest.json").read_text(encoding="utf-8"))["source"] == "a.txt"


def test_a_transcript_in_a_batch_gives_the_files_it_gives_alone(folder, tmp_path):
    """In a batch c.txt is spoken after a.txt and b.txt in the same process; alone, after whatever this process
    said before: the same bytes either way."""
    a, b, c = (folder / f"{n}.txt" for n in "abc")
    assert run("produce", a, b, c, "-o", tmp_path / "batch", "--no-cache", "--format", "wav", "-q").exit_code == 0
    assert run("produce", c, "-o", tmp_path / "alone", "--no-cache", "--format", "wav", "-q").exit_code == 0

    def files(folder: Path) -> dict[str, bytes]:
        return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    assert files(tmp_path / "batch" / "c") == files(tmp_path / "alone" / "c") != {}


def test_folder_without_transcripts(tmp_path):
    result = run("produce", tmp_path, "-o", tmp_path / "out")
    assert result.exit_code == 1 and "no .txt transcripts" in result.stderr


def test_summary_quiet_and_verbose(folder, tmp_path):
    normal = run("produce", folder / "a.txt", "-o", tmp_path / "o1", "--format", "wav")
    assert normal.exit_code == 0
    line = normal.stdout.strip()
    assert "s of audio, 2 segments" in line and "cues" in line and "LUFS" in line and "files written" in line
    quiet = run("produce", folder / "a.txt", "-o", tmp_path / "o2", "--format", "wav", "-q")
    assert quiet.exit_code == 0 and quiet.stdout == "" and quiet.stderr == ""
    verbose = run("produce", folder / "a.txt", "-o", tmp_path / "o3", "--format", "wav", "-v")
    assert "gain" in verbose.stdout and "preview.html" in verbose.stdout and "waveform.svg" in verbose.stdout


def test_progress_bars_draw_each_stage(capsys):
    bars = console.ProgressBars()
    for stage, total in (("synthesis", 3), ("encoding", 4)):
        for done in range(1, total + 1):
            bars(stage, done, total)
    bars.close()
    err = capsys.readouterr().err
    assert "synthesizing" in err and "encoding" in err


# --- broadcast.toml ---------------------------------------------------------------------------------

def plan_seconds(output: str) -> float:
    return float(output.strip().splitlines()[-1].split("about ")[1].split(" s")[0])


def test_config_file_in_working_folder_and_command_line_wins(tmp_path, monkeypatch):
    from conftest import SAMPLE

    monkeypatch.chdir(tmp_path)
    base = plan_seconds(run("plan", SAMPLE, "--rate", "3.9").stdout)
    Path("broadcast.toml").write_text("[text]\nrate = 6.0\n", encoding="utf-8")
    from_config = plan_seconds(run("plan", SAMPLE).stdout)
    assert from_config < 0.75 * base
    assert plan_seconds(run("plan", SAMPLE, "--rate", "3.9").stdout) == base


def test_config_sets_station_defaults_for_produce(folder, tmp_path):
    config = tmp_path / "station.toml"
    config.write_text('format = "wav"\nbit-depth = 16\n[audio]\nloudness = "atsc"\nsample_rate = 44100\n'
                      '[text]\nsentence_pause = 0.8\n', encoding="utf-8")
    result = run("produce", folder / "a.txt", "-o", tmp_path / "out", "--config", config, "--sample-rate", "48000")
    assert result.exit_code == 0, result.stderr
    m = json.loads((tmp_path / "out" / "a" / "manifest.json").read_text(encoding="utf-8"))
    assert m["audio"] == "a.wav" and m["bit_depth"] == 16 and m["loudness"]["target"] == "atsc"
    assert m["sample_rate"] == 48000  # the command line wins
    gap = m["segments"][1]["start"] - m["segments"][0]["end"]
    assert gap == pytest.approx(1.0, abs=0.01)  # two paragraphs: the paragraph pause, not the sentence one


@pytest.mark.parametrize("text, message", [
    ("speed = 3\n", "unknown setting 'speed' (known: bit-depth, bitrate, cache, cache-dir, captions,"),
    ("fromat = 'wav'\n", "unknown setting 'fromat' (did you mean format?) (known: "),
    ("rate = 99\n", "rate: 99 is not a number from 1.5 to 8"),
    ('rate = "fast"\n', "rate: 'fast' is not a number from 1.5 to 8"),
    ("rate = nan\n", "rate: nan is not a number from 1.5 to 8"),
    ("sentence_pause = inf\n", "sentence_pause: inf is not a number from 0 to 10"),
    ('loudness = "loud"\n', "loudness: 'loud' is not ebu, atsc, web, off or a number of LUFS from -40 to -14"),
    ('format = "ogg"\n', "format: 'ogg' is not one of: mp3, wav"),
    ('bitrate = "999k"\n', "bitrate: '999k' is not an MP3 bitrate"),
    ("rate = [1, 2]\n", "expected a single value"),
    ('captions = "maybe"\n', "captions: 'maybe' is not true or false"),
    ("overwrite = 1\n", "overwrite: 1 is not true or false"),
    ("[station]\nrate = 4\n", "unknown table [station]"),
    ("rate = \n", "not valid TOML"),
    ("rate = " + "[" * 100_000 + "]" * 100_000 + "\n", "not valid TOML (nested too deeply)"),
])
def test_bad_config_is_one_line_naming_the_file(tmp_path, text, message):
    config = tmp_path / "station.toml"
    config.write_text(text, encoding="utf-8")
    result = run("produce", tmp_path / "missing.txt", "-o", tmp_path / "out", "--config", config)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"broadcast: error: {config}: ") and message in lines[0], lines
    assert not (tmp_path / "out").exists()


def test_format_is_listed_as_a_key_under_the_name_the_readme_uses(tmp_path):
    config = tmp_path / "station.toml"
    config.write_text("speed = 3\n", encoding="utf-8")
    known = run("plan", "x.txt", "--config", config).stderr.split("(known: ")[1]
    assert "format" in known.split(", ") and "sample-rate" in known and "audio_format" not in known


@pytest.mark.parametrize("path, message", [
    ("nope.toml", "no such file"), ("/dev/zero", "more than 1 MB, too large for a broadcast.toml"),
])
def test_missing_or_endless_config_file(tmp_path, path, message):
    config = tmp_path / path if not path.startswith("/") else Path(path)
    result = run("produce", tmp_path / "x.txt", "--config", config)
    assert result.exit_code == 2 and result.stderr == f"broadcast: error: {config}: {message}\n"


def test_counts_are_singular_for_one():
    from broadcast.batch import Outcome

    one = Outcome(Path("a.txt"), folder=Path("out/a"), duration=2.0, segments=1, cues=1, files=[Path("out/a/a.mp3")],
                  warnings=["w"])
    line = console.summary(one, verbose=False)[0]
    assert "1 segment, 1 cue," in line and "1 file written" in line
    table = console.table([one], 1.0, 1)
    assert table[2].endswith("1 warning") and table[-1].endswith("with 1 job")
