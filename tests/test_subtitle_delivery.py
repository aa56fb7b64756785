"""Issue 11 at the command line and in the written files: --fps and --start-offset checked at the rate given,
plan --srt timed by the cue rules, clip subtitles on the frame grid, EBU-TT-D line padding, SRT text that
ffmpeg reads whole."""

import os
import subprocess
from fractions import Fraction
from xml.etree import ElementTree as ET

import pytest
import srt
from click.testing import CliRunner

from broadcast.audio import sound
from broadcast.audio.timeline import TimedCue
from broadcast.cli import cli
from broadcast.subtitles import writers
from broadcast.subtitles.lint import lint
from broadcast.subtitles.rules import CueRules

TT = "{http://www.w3.org/ns/ttml}"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def on_grid(seconds: float, fps: Fraction, offset: Fraction = Fraction(0)) -> bool:
    """Is a time written to the millisecond the time of a frame (at most half a millisecond off)?"""
    frames = (Fraction(seconds).limit_denominator(1000) - offset) * fps
    return abs(frames - round(frames)) / fps <= Fraction(1, 2000) + Fraction(1, 10**9)


@pytest.mark.parametrize("command", ["produce", "plan", "lint"])
@pytest.mark.parametrize("fps", ["nan", "inf", "0", "-25", "abc", "121"])
def test_a_bad_frame_rate_is_a_usage_error_naming_fps(tmp_path, command, fps):
    target = tmp_path / "x.srt" if command == "lint" else tmp_path / "x.txt"
    target.write_text("1\n00:00:01,000 --> 00:00:02,000\nMột\n" if command == "lint" else "Tiêu đề\n",
                      encoding="utf-8")
    result = run(command, target, "--fps", fps, *(["-o", tmp_path / "out"] if command == "produce" else []))
    assert result.exit_code == 2
    error = result.output.strip().splitlines()[-1]
    assert "--fps" in error and fps in error and "start-offset" not in error, error
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("fps, offset, message", [
    ("25", "99:99:99:99", "out of range at 25 fps"),
    ("30", "00:00:00:30", "out of range at 30 fps"),
    ("25", "01:00:00;00", "drop-frame"),
    ("29.97", "00:01:00;00", "does not exist in drop-frame"),
    ("25", "1:00", "not a timecode"),
])
def test_a_bad_start_offset_is_judged_at_the_fps_given(tmp_path, fps, offset, message):
    path = tmp_path / "x.txt"
    path.write_text("Tiêu đề\n", encoding="utf-8")
    for order in (("--fps", fps, "--start-offset", offset), ("--start-offset", offset, "--fps", fps)):
        result = run("produce", path, "-o", tmp_path / "out", *order)
        assert result.exit_code == 2
        error = result.output.strip().splitlines()[-1]
        assert "--start-offset" in error and message in error, error
    assert not (tmp_path / "out").exists()


def test_plan_srt_is_timed_by_the_rules_passes_lint_and_is_0644(tmp_path):
    path = tmp_path / "b.txt"
    path.write_text("Bản tin tối\n\nPhát triển nông thôn (NN&PTNT), tỉnh đã gieo cấy hơn 120 nghìn ha lúa. "
                    "Ngành nông nghiệp khuyến cáo bà con nông dân khẩn trương thu hoạch lúa để tránh mưa bão.\n",
                    encoding="utf-8")
    for fps in ("25", "29.97"):
        out = tmp_path / f"plan-{fps}.srt"
        old = os.umask(0o022)
        try:
            result = run("plan", path, "--srt", out, "--fps", fps)
        finally:
            os.umask(old)
        assert result.exit_code == 0, result.output
        assert out.stat().st_mode & 0o777 == 0o644
        report = lint(out, CueRules(fps=fps), strict=True)
        assert report.violations == [], report.lines()
        for cue in srt.parse(out.read_text(encoding="utf-8")):
            assert on_grid(cue.start.total_seconds(), CueRules(fps=fps).fps)
            assert on_grid(cue.end.total_seconds(), CueRules(fps=fps).fps)


def test_srt_text_with_an_arrow_is_read_whole_by_ffmpeg(tmp_path):
    cues = [TimedCue(1.0, 2.0, "Năm", ("2024",)), TimedCue(2.0, 3.0, "x", ("2024", "1:00:00.0 --> 2:00:00.0")),
            TimedCue(3.0, 4.0, "Hết.", ("Hết --->",))]
    path = tmp_path / "a.srt"
    path.write_text(writers.get("srt").render(cues), encoding="utf-8")
    out = subprocess.run([sound.ffmpeg_exe(), "-hide_banner", "-i", str(path), "-f", "srt", "-"],
                         capture_output=True, check=True)
    again = list(srt.parse(out.stdout.decode("utf-8")))
    assert len(again) == 3 and again[1].content == "2024\n1:00:00.0 -> 2:00:00.0"
    assert "-->" not in path.read_text(encoding="utf-8").replace(" --> ", "")


def test_ttml_line_padding_is_on_the_paragraph_style():
    root = ET.fromstring(writers.get("ttml").render([TimedCue(0.0, 1.0, "Một", ("Một",))]).encode("utf-8"))
    styles = {s.get("{http://www.w3.org/XML/1998/namespace}id"): s for s in root.iter(f"{TT}style")}
    padding = "{urn:ebu:tt:style}linePadding"
    p = next(root.iter(f"{TT}p"))
    assert styles[p.get("style")].get(padding) == "0.5c"
    for span in p.iter(f"{TT}span"):
        assert styles[span.get("style")].get(padding) is None


@pytest.fixture(scope="module")
def produced_ntsc(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ntsc")
    path = folder / "tin.txt"
    path.write_text("Tin vắn\n\nSáng nay, tỉnh Thanh Hóa tổ chức lễ ra quân bảo đảm an toàn giao thông --> dịp Tết. "
                    "Lực lượng chức năng tăng cường tuần tra, kiểm soát.\n\n***\n", encoding="utf-8")
    result = run("produce", path, "-o", folder / "out", "--fps", "29.97", "--start-offset", "01:00:00;00",
                 "--clip-subtitles", "--subtitles", "srt,vtt,ttml", "--no-cache")
    assert result.exit_code == 0, result.output
    return folder / "out" / "tin"


def test_produced_times_sit_on_the_ntsc_grid_after_a_drop_frame_offset(produced_ntsc):
    fps = Fraction(30000, 1001)
    offset = 107892 / fps  # 01:00:00;00
    subs = list(srt.parse((produced_ntsc / "tin.srt").read_text(encoding="utf-8")))
    assert subs and all("-->" not in s.content for s in subs)
    for s in subs:
        assert on_grid(s.start.total_seconds(), fps, offset) and on_grid(s.end.total_seconds(), fps, offset)
    assert len(list((produced_ntsc / "clips").glob("*.mp3"))) == 3  # "***" is not a sentence


def test_clip_subtitles_sit_on_the_grid_carry_the_offset_and_end_with_the_clip(produced_ntsc):
    import json

    fps = Fraction(30000, 1001)
    offset = 107892 / fps
    manifest = json.loads((produced_ntsc / "manifest.json").read_text(encoding="utf-8"))
    for seg in manifest["segments"]:
        clip = produced_ntsc / seg["clip"]
        subs = list(srt.parse(clip.with_suffix(".srt").read_text(encoding="utf-8")))
        assert subs
        for s in subs:
            assert on_grid(s.start.total_seconds(), fps, offset) and on_grid(s.end.total_seconds(), fps, offset)
        assert subs[-1].end.total_seconds() - float(offset) <= seg["end"] - seg["start"] + 0.0005
        assert clip.with_suffix(".vtt").exists() and clip.with_suffix(".ttml").exists()


def test_the_last_cue_ends_with_the_audio(produced_ntsc):
    import json

    manifest = json.loads((produced_ntsc / "manifest.json").read_text(encoding="utf-8"))
    last = manifest["segments"][-1]["cues"][-1]
    assert last["end"] <= manifest["duration"]


def test_the_preview_shows_each_cue_with_its_line_breaks(produced_ntsc):
    import json
    import re
    from html import escape

    page = (produced_ntsc / "preview.html").read_text(encoding="utf-8")
    manifest = json.loads((produced_ntsc / "manifest.json").read_text(encoding="utf-8"))
    shown = re.findall(r'<span class="cue">(.*?)</span>', page)
    expected = ["<br>".join(escape(line) for line in c["lines"]) for s in manifest["segments"] for c in s["cues"]]
    assert shown == expected and any("<br>" in cue for cue in shown)
