import json
import sys

import pytest
import srt
from click.testing import CliRunner
from conftest import SAMPLE
from legacy_encodings import to_cp1258, to_tcvn3, to_vni

from broadcast import __version__
from broadcast.cli import cli


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
    (lambda p: p.write_bytes(bytes(range(1, 256)) * 4), "binary"),
    (lambda p: p.write_bytes(" \r\n\t\u00a0\u200b\n".encode("utf-8")), "empty transcript"),
    (lambda p: p.write_bytes("Titre\n\nCafé crème, déjà vu, naïve, très élevé.\n".encode("cp1252")),
     "not Vietnamese in Windows-1258, TCVN3 or VNI"),
    (lambda p: p.write_bytes(SAMPLE.read_bytes()[:100] + b"\xc3" + SAMPLE.read_bytes()[100:]), "damaged UTF-8"),
    (lambda p: p.write_text("Tin- Ảnh 1.\n\nTin- Ảnh 2.\n", encoding="utf-8"), "only photo placeholders"),
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


def test_title_and_placeholders_speaks_only_the_title(tmp_path):
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


def test_speech_command_shows_written_spoken_and_coverage(sample):
    result = run("speech", sample)
    assert result.exit_code == 0, result.output
    assert "12/3" in result.output and "→ Sáng ngày mười hai tháng ba" in result.output
    assert result.output.splitlines()[-1].startswith("coverage: ") and "(100.0%)" in result.output


def test_lexicon_option_reaches_plan_speech_and_produce(tmp_path):
    lexicon = tmp_path / "mine.tsv"
    lexicon.write_text("UBND\tchính quyền tỉnh\n", encoding="utf-8")
    path = tmp_path / "tin.txt"
    path.write_text("Tin ngắn\n\nUBND tỉnh họp ngày 12/3.\n", encoding="utf-8")
    spoken = run("speech", path, "--lexicon", lexicon).output
    assert "→ Chính quyền tỉnh tỉnh họp ngày mười hai tháng ba." in spoken
    assert run("plan", path, "--lexicon", lexicon).exit_code == 0
    result = run("produce", path, "-o", tmp_path / "out", "--format", "wav", "--lexicon", lexicon)
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "out" / "tin" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["segments"][1]["text"] == "UBND tỉnh họp ngày 12/3."
    assert manifest["segments"][1]["speech"] == "Chính quyền tỉnh tỉnh họp ngày mười hai tháng ba."


@pytest.mark.parametrize("command", ["speech", "plan", "produce"])
def test_bad_lexicon_is_one_line(tmp_path, command):
    lexicon = tmp_path / "bad.tsv"
    lexicon.write_text("UBND only\n", encoding="utf-8")
    result = run(command, SAMPLE, "--lexicon", lexicon, *(["-o", tmp_path / "out"] if command == "produce" else []))
    assert result.exit_code == 1
    assert str(lexicon) in result.output and "line 1" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("encode, guess", [(to_tcvn3, "TCVN3 (ABC)"), (to_vni, "VNI")], ids=["tcvn3", "vni"])
def test_legacy_encoding_without_viparse_is_refused_by_name(tmp_path, monkeypatch, encode, guess):
    """Python 3.10 has no viparse: simulated by making its import fail."""
    monkeypatch.setitem(sys.modules, "viparse", None)
    path = tmp_path / "old.txt"
    path.write_bytes(encode(SAMPLE.read_text(encoding="utf-8").replace("Ả", "ả").replace("Ủ", "ủ")))
    out = tmp_path / "out"
    result = run("produce", path, "-o", out)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.strip() == (
        f"broadcast: error: {path}: not UTF-8 text; it looks like {guess} (reading it needs Python 3.11 or later); "
        "save it as UTF-8"
    )
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("encode", [to_cp1258, pytest.param(to_vni, marks=pytest.mark.skipif(
    sys.version_info < (3, 11), reason="VNI needs viparse (Python ≥ 3.11)"))], ids=["windows-1258", "vni"])
def test_legacy_transcript_produces_the_same_subtitles(tmp_path, encode):
    """The real voice and writers: the subtitle texts match the UTF-8 run's (times may differ by a few ms)."""
    legacy = tmp_path / "legacy" / "sample.txt"
    legacy.parent.mkdir()
    legacy.write_bytes(encode(SAMPLE.read_text(encoding="utf-8")))
    texts = {}
    for name, path in (("utf8", SAMPLE), ("legacy", legacy)):
        result = run("produce", path, "-o", tmp_path / name, "--format", "wav")
        assert result.exit_code == 0, result.output
        subtitles = srt.parse((tmp_path / name / "sample" / "sample.srt").read_text(encoding="utf-8"))
        texts[name] = [s.content for s in subtitles]
    assert texts["legacy"] == texts["utf8"] and len(texts["utf8"]) > 10


def test_a_voice_the_engine_has_not_is_refused_before_any_work(tmp_path):
    result = CliRunner().invoke(cli, ["produce", str(SAMPLE), "-o", str(tmp_path / "out"), "--voice", "en"])
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        "broadcast: error: --voice 'en' is not a Vietnamese voice of espeak (choose from: vi, vi-VN-x-central, vi-VN-x-south)"]
    assert not (tmp_path / "out").exists()
