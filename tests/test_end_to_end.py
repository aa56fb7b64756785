"""The whole pipeline on the seed with the real offline voice and the real ffmpeg."""

import json
import math
import re
import subprocess
from xml.etree import ElementTree as ET

import pysubs2
import pytest
import srt
from browser import require_chromium
from click.testing import CliRunner

from broadcast.audio import sound
from broadcast.cli import cli
from broadcast.subtitles.lint import lint
from broadcast.subtitles.rules import CueRules
from broadcast.text import transcript


@pytest.fixture(scope="module")
def produced(bulletin, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(cli, ["produce", str(bulletin), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out / bulletin.stem


def decoded_seconds(path, rate=22050) -> float:
    return len(sound.decode_mp3(path.read_bytes(), rate)) / 2 / rate


def test_every_file_is_written(produced, bulletin):
    stem = bulletin.stem
    for name in (f"{stem}.mp3", f"{stem}.srt", f"{stem}.vtt", "manifest.json"):
        assert (produced / name).stat().st_size > 0
    manifest = json.loads((produced / "manifest.json").read_text(encoding="utf-8"))
    clips = sorted(p.name for p in (produced / "clips").iterdir())
    assert clips == [f"{i:03d}.mp3" for i in range(1, len(manifest["segments"]) + 1)]
    assert not [p for p in produced.parent.iterdir() if ".partial-" in p.name or ".old-" in p.name]  # no staging left


def test_manifest_shape(produced, bulletin):
    m = json.loads((produced / "manifest.json").read_text(encoding="utf-8"))
    assert {"source", "engine", "voice", "audio", "duration", "segments"} <= set(m)
    assert m["source"] == bulletin.name and m["engine"] == "espeak" and m["voice"] == "vi"
    for seg in m["segments"]:
        assert {"index", "kind", "text", "speech", "start", "end", "clip", "cues"} <= set(seg)
        assert seg["start"] < seg["end"]
        # measured speech lies inside the segment; shown times start on the frame the speech starts in
        # (one 25 fps frame = 0.04 s, plus the manifest's millisecond rounding)
        assert seg["cues"][0]["speech_start"] >= seg["start"] and seg["cues"][-1]["speech_end"] <= seg["end"] + 1e-3
        for previous, cue in zip([None, *seg["cues"]], seg["cues"]):
            assert cue["speech_start"] - 0.0405 <= cue["start"] and cue["speech_start"] < cue["speech_end"]
            # in on the speech's frame, or 2 frames after a cue that needed the time to be read
            assert cue["start"] <= cue["speech_start"] or abs(cue["start"] - previous["end"] - 0.08) < 1e-3
        assert " ".join(c["text"] for c in seg["cues"]) == seg["text"]


def test_placeholders_and_credit_are_neither_spoken_nor_subtitled(produced, bulletin):
    m = json.loads((produced / "manifest.json").read_text(encoding="utf-8"))
    srt_text = (produced / f"{bulletin.stem}.srt").read_text(encoding="utf-8")
    for seg in m["segments"]:
        assert not re.search(r"- Ảnh \d+\.$", seg["text"]) and not seg["speech"].startswith("Nguồn")
        assert seg["kind"] in ("title", "paragraph")
    assert "Ảnh 1" not in srt_text and "Nguồn" not in srt_text and "TTV" not in srt_text
    captions = [b.text for b in transcript.read(bulletin).blocks if b.kind == "caption"]
    assert captions and not any(c in srt_text for c in captions)  # captions are off by default


def test_subtitles_match_the_audio(produced, bulletin):
    m = json.loads((produced / "manifest.json").read_text(encoding="utf-8"))
    subs = list(srt.parse((produced / f"{bulletin.stem}.srt").read_text(encoding="utf-8")))
    assert [s.index for s in subs] == list(range(1, len(subs) + 1))
    audio_seconds = decoded_seconds(produced / m["audio"])
    assert audio_seconds == pytest.approx(m["duration"], abs=0.06)  # MP3 framing
    assert -0.05 <= subs[-1].end.total_seconds() - m["duration"] <= 0.5  # at most 0.5 s past the last speech
    assert len(subs) == sum(len(s["cues"]) for s in m["segments"])
    for a, b in zip(subs, subs[1:]):
        assert a.start < a.end <= b.start


def test_each_clip_lasts_its_segment_span(produced):
    m = json.loads((produced / "manifest.json").read_text(encoding="utf-8"))
    for seg in m["segments"]:
        assert decoded_seconds(produced / seg["clip"]) == pytest.approx(seg["end"] - seg["start"], abs=0.05)


def test_srt_opens_in_pysubs2_and_ffmpeg(produced, bulletin):
    path = produced / f"{bulletin.stem}.srt"
    n = len(list(srt.parse(path.read_text(encoding="utf-8"))))
    assert len(pysubs2.load(str(path))) == n
    out = subprocess.run([sound.ffmpeg_exe(), "-hide_banner", "-i", str(path), "-f", "webvtt", "-"],
                         capture_output=True, check=True).stdout.decode("utf-8")
    assert out.count(" --> ") == n


def test_wav_and_captions(bulletin, tmp_path):
    result = CliRunner().invoke(cli, ["produce", str(bulletin), "-o", str(tmp_path), "--format", "wav",
                                      "--captions", "--credit"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / bulletin.stem
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    kinds = [s["kind"] for s in m["segments"]]
    n_captions = sum(b.kind == "caption" for b in transcript.read(bulletin).blocks)
    assert kinds.count("caption") == n_captions > 0 and kinds[-1] == "source"
    frames, rate, width = sound.wav_info(folder / m["audio"])
    assert (rate, width, m["sample_rate"], m["bit_depth"]) == (48000, 3, 48000, 24)
    assert frames / rate == pytest.approx(m["duration"], abs=1e-3)
    bulletin_pcm, _ = sound.read_wav(folder / m["audio"])
    for seg in m["segments"]:
        first, last = seg["samples"]
        assert first / rate == pytest.approx(seg["start"], abs=1e-3) and last / rate == pytest.approx(seg["end"], abs=1e-3)
        clip, _ = sound.read_wav(folder / seg["clip"])
        assert clip == bulletin_pcm[first * width : last * width]  # sample-exact cut of the bulletin


def test_produced_subtitles_pass_lint(produced, bulletin):
    """0 violations at the hard limits and at least 95% of cues at ≤ 17 characters/s, in SRT and WebVTT."""
    rules = CueRules()
    for ext in (".srt", ".vtt"):
        report = lint(produced / f"{bulletin.stem}{ext}", rules)
        assert report.violations == [], report.lines()
        assert report.within_target >= 0.95 * len(report.cues), report.lines()[-1]
    result = CliRunner().invoke(cli, ["lint", str(produced / f"{bulletin.stem}.srt")])
    assert result.exit_code == 0 and " 0 violations" in result.output


def test_produced_line_breaks(produced):
    m = json.loads((produced / "manifest.json").read_text(encoding="utf-8"))
    for seg in m["segments"]:
        for cue in seg["cues"]:
            lines = cue["lines"]
            assert " ".join(lines) == cue["text"] and len(lines) <= 2 and all(len(x) <= 42 for x in lines)
            if len(lines) == 1:
                continue
            assert len(cue["text"]) > 42  # one line when it fits
            for top, bottom in [lines]:
                # never between a title and the name, inside a name, after TP., or after a number
                assert not (bottom[:1].isupper() and top.split()[-1] in ("tướng", "chí", "TP.", "PGS.TS.", "ông", "bà"))
                assert not top[-1].isdigit()  # a number with no punctuation after it keeps its unit


def test_produced_vtt_loads_in_a_browser_with_every_cue(produced, bulletin, tmp_path):
    from test_writers import browser_cues

    require_chromium()
    vtt = (produced / f"{bulletin.stem}.vtt").read_text(encoding="utf-8")
    out = browser_cues(tmp_path, vtt)
    subs = list(srt.parse((produced / f"{bulletin.stem}.srt").read_text(encoding="utf-8")))
    assert out["status"] == "loaded" and len(out["cues"]) == len(subs)
    assert [text for _, _, text in out["cues"]] == [s.content for s in subs]


def test_editor_options(bulletin, tmp_path):
    result = CliRunner().invoke(cli, [
        "produce", str(bulletin), "-o", str(tmp_path), "--subtitles", "srt,vtt,ttml", "--srt-bom", "--eol", "crlf",
        "--start-offset", "01:00:00:00", "--clip-subtitles", "--fps", "30"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / bulletin.stem
    raw = (folder / f"{bulletin.stem}.srt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf1\r\n01:00:") and b"\n" not in raw.replace(b"\r\n", b"")
    assert not (folder / f"{bulletin.stem}.vtt").read_bytes().startswith(b"\xef\xbb\xbf")
    ET.fromstring((folder / f"{bulletin.stem}.ttml").read_bytes())
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for seg in m["segments"]:
        clip_srt = folder / seg["clip"].replace(".mp3", ".srt")
        assert (folder / seg["clip"].replace(".mp3", ".vtt")).exists()
        assert (folder / seg["clip"].replace(".mp3", ".ttml")).exists()
        subs = list(srt.parse(clip_srt.read_text(encoding="utf-8-sig")))
        assert len(subs) == len(seg["cues"])
        # timed from the clip's start on the 30 fps grid: in on the frame the clip's first speech starts in
        first = math.floor((seg["cues"][0]["speech_start"] - seg["start"]) * 30 + 1e-3) / 30
        assert subs[0].start.total_seconds() == pytest.approx(3600 + first, abs=2e-3)
    # frames at 30 fps: every shown time sits on the 30 fps grid
    for seg in m["segments"]:
        for cue in seg["cues"]:
            assert abs(cue["start"] * 30 - round(cue["start"] * 30)) < 0.02


@pytest.mark.parametrize("args, message", [
    (["--start-offset", "1:00:00"], "--start-offset"),
    (["--start-offset", "00:00:00:29"], "out of range at 25 fps"),
    (["--subtitles", "srt,stl"], "stl"),
])
def test_bad_subtitle_options(bulletin, tmp_path, args, message):
    result = CliRunner().invoke(cli, ["produce", str(bulletin), "-o", str(tmp_path), *args])
    assert result.exit_code != 0 and message in result.output and "Traceback" not in result.output
    assert not (tmp_path / bulletin.stem).exists()
