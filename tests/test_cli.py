import json

import pytest
from click.testing import CliRunner

from broadcast import __version__
from broadcast.cli import cli

from conftest import SAMPLE


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_help_and_version():
    assert __version__ in run("--version").output
    out = run("--help").output
    assert "produce" in out and "plan" in out
    produce_help = run("produce", "--help").output
    for option in ("--output-dir", "--engine", "--voice", "--rate", "--format", "--captions", "--credit",
                   "--sentence-pause", "--paragraph-pause", "--subtitles", "--fps", "--srt-bom", "--eol",
                   "--start-offset", "--clip-subtitles", "--max-cps", "--max-chars"):
        assert option in produce_help
    assert "lint" in out
    lint_help = run("lint", "--help").output
    for option in ("--fps", "--max-cps", "--target-cps", "--min-duration", "--max-duration", "--chain-frames"):
        assert option in lint_help


def test_plan_prints_estimates_and_writes_srt(sample, tmp_path):
    srt_path = tmp_path / "plan.srt"
    result = run("plan", sample, "--srt", srt_path)
    assert result.exit_code == 0, result.output
    assert "(estimated)" in result.output and "[001]" in result.output
    assert srt_path.read_text(encoding="utf-8").startswith("1\n00:00:00,000 --> ")


def test_plan_rate_changes_the_estimate(sample):
    slow = run("plan", sample, "--rate", "3").output.splitlines()[-1]
    fast = run("plan", sample, "--rate", "6").output.splitlines()[-1]
    assert float(slow.split("about ")[1].split(" s")[0]) > 1.8 * float(fast.split("about ")[1].split(" s")[0])


@pytest.mark.parametrize("make, message", [
    (lambda p: None, "no such file"),
    (lambda p: p.write_text("", encoding="utf-8"), "empty transcript"),
    (lambda p: p.write_bytes(b"\xff\xfe\x00\xd8garbage\x00"), "binary"),
])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, make, message):
    path = tmp_path / "bad.txt"
    make(path)
    out = tmp_path / "out"
    result = run("produce", path, "-o", out)
    assert result.exit_code == 1
    assert message in result.output and str(path) in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert not out.exists() or not any(out.iterdir())


def test_only_placeholders_is_an_error(tmp_path):
    title = "Tiêu đề bản tin"
    path = tmp_path / "photos.txt"
    path.write_text(f"{title}\n\n{title}- Ảnh 1.\n\nChú thích ảnh.\n", encoding="utf-8")
    result = run("produce", path, "-o", tmp_path / "out")
    assert result.exit_code == 0  # the title alone is still spoken
    manifest = json.loads((tmp_path / "out" / "photos" / "manifest.json").read_text(encoding="utf-8"))
    assert [s["kind"] for s in manifest["segments"]] == ["title"]


def test_rerun_replaces_our_folder_but_not_a_foreign_one(sample, tmp_path):
    out = tmp_path / "out"
    assert run("produce", sample, "-o", out).exit_code == 0
    assert run("produce", sample, "-o", out).exit_code == 0  # our own earlier output: replaced
    foreign = tmp_path / "out2" / sample.stem
    foreign.mkdir(parents=True)
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    result = run("produce", sample, "-o", tmp_path / "out2")
    assert result.exit_code == 1 and "not written by broadcast" in result.output
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_several_transcripts_one_failing(sample, tmp_path):
    result = run("produce", tmp_path / "missing.txt", sample, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert (tmp_path / "out" / sample.stem / "manifest.json").exists()


@pytest.fixture
def sample():
    return SAMPLE
