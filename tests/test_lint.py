"""`broadcast lint` on hand-made files: each rule caught with cue number, time and rule name; files not
made by us (BOM, CRLF, markup, cue settings, NOTE blocks, decomposed Unicode) read correctly."""

import unicodedata

import pytest
from click.testing import CliRunner

from broadcast.cli import cli
from broadcast.subtitles.lint import lint, parse_srt, parse_vtt
from broadcast.subtitles.rules import CueRules

GOOD = """1
00:00:01,000 --> 00:00:03,000
Một dòng phụ đề đọc được.

2
00:00:03,080 --> 00:00:07,000
Dòng thứ nhất của phụ đề,
và dòng thứ hai dài hơn một chút.
"""


def run(*args):
    return CliRunner().invoke(cli, ["lint", *map(str, args)])


def rules_of(path, **kw):
    return {v.rule for v in lint(path, CueRules(**kw)).violations}


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_a_good_file_passes(tmp_path):
    path = write(tmp_path, "ok.srt", GOOD)
    result = run(path)
    assert result.exit_code == 0, result.output
    assert "2 cues, 0 violations" in result.output and "100% of cues at ≤ 17" in result.output


# (rule, SRT cues as (start, end, text)) — each breaks exactly one rule
CASES = [
    ("lines", [("00:00:01,000", "00:00:06,000", "Dòng một của phụ đề\nvà dòng hai của phụ đề\nvà ba")]),
    ("line-length", [("00:00:01,000", "00:00:06,000", "x" * 43 + "\nngắn")]),
    ("one-line", [("00:00:01,000", "00:00:04,000", "Hai dòng ngắn\ncó thể là một")]),
    ("reading-speed", [("00:00:01,000", "00:00:03,000", "Bốn mươi mốt ký tự trong hai giây là nhanh")]),
    ("min-duration", [("00:00:01,000", "00:00:01,800", "Ngắn")]),
    ("max-duration", [("00:00:01,000", "00:00:08,100", "Dài quá")]),
    ("gap", [("00:00:01,000", "00:00:02,000", "Một"), ("00:00:02,040", "00:00:03,000", "Hai")]),
    ("gap", [("00:00:01,000", "00:00:02,500", "Một"), ("00:00:02,000", "00:00:03,000", "Hai")]),
    ("chaining", [("00:00:01,000", "00:00:02,000", "Một"), ("00:00:02,200", "00:00:03,200", "Hai")]),
    ("order", [("00:00:05,000", "00:00:06,000", "Một"), ("00:00:01,000", "00:00:02,000", "Hai")]),
    ("timing", [("00:00:05,000", "00:00:05,000", "Một")]),
]


def srt_of(cues):
    return "\n".join(f"{i}\n{a} --> {b}\n{t}\n" for i, (a, b, t) in enumerate(cues, start=1))


@pytest.mark.parametrize("rule, cues", CASES, ids=[f"{r}-{i}" for i, (r, _) in enumerate(CASES)])
def test_each_rule(tmp_path, rule, cues):
    path = write(tmp_path, "x.srt", srt_of(cues))
    assert rules_of(path) == {rule}
    result = run(path)
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith(f"{path}:") and f": {rule}: " in first
    assert "1 violations" in result.output.splitlines()[-1]


def test_violation_names_cue_and_time(tmp_path):
    path = write(tmp_path, "x.srt", GOOD + "\n3\n00:00:07,580 --> 00:00:07,900\nNgắn\n")
    line = run(path).output.splitlines()[0]
    assert line == f"{path}:3: 00:00:07,580: min-duration: 0.320 s, at least 0.833 s"


def test_exactly_two_frames_and_thirteen_frames_pass(tmp_path):
    cues = [("00:00:01,000", "00:00:02,000", "Một"), ("00:00:02,080", "00:00:03,000", "Hai"),
            ("00:00:03,520", "00:00:04,500", "Ba")]
    assert rules_of(write(tmp_path, "x.srt", srt_of(cues))) == set()
    # at 30 fps two frames are 66.7 ms: 67 ms written with millisecond rounding passes, 80 ms is a chaining gap
    cues30 = [("00:00:01,000", "00:00:02,000", "Một"), ("00:00:02,067", "00:00:03,000", "Hai")]
    assert rules_of(write(tmp_path, "y.srt", srt_of(cues30)), fps=30) == set()
    assert rules_of(write(tmp_path, "x.srt", srt_of(cues)), fps=30) == {"chaining"}


def test_options_change_the_limits(tmp_path):
    path = write(tmp_path, "x.srt", srt_of([("00:00:01,000", "00:00:03,000", "Ba mươi lăm ký tự trong hai giây!!")]))
    assert run(path).exit_code == 0
    assert run(path, "--max-cps", "15").exit_code == 1
    assert run(path, "--max-chars", "30").exit_code == 1
    assert run(path, "--max-duration", "1.5").exit_code == 1


def test_characters_are_counted_on_nfc_text_without_markup(tmp_path):
    text = "Thượng tướng Trần Quốc Tỏ thăm Thanh Hóa"  # 40 characters in NFC, 53 decomposed
    decomposed = unicodedata.normalize("NFD", text)
    assert len(decomposed) > 42 >= len(text)
    cue = [("00:00:01,000", "00:00:05,000", "<i>" + decomposed + "</i>")]
    [parsed] = parse_srt(srt_of(cue))
    assert parsed.lines == (text,)
    assert rules_of(write(tmp_path, "x.srt", srt_of(cue))) == set()


def test_bom_crlf_srt(tmp_path):
    path = write(tmp_path, "x.srt", "\ufeff" + GOOD.replace("\n", "\r\n"))
    report = lint(path, CueRules())
    assert len(report.cues) == 2 and report.violations == []
    assert report.cues[1].lines == ("Dòng thứ nhất của phụ đề,", "và dòng thứ hai dài hơn một chút.")


VTT = """WEBVTT - bản tin

NOTE made by hand

STYLE
::cue { color: yellow }

intro
00:01.000 --> 00:03.000 line:90% align:center
<v Người dẫn>Một dòng &amp; phụ đề.</v>

00:00:03.080 --> 00:00:07.000
Dòng thứ nhất của phụ đề,
và dòng thứ hai dài hơn một chút.
"""


def test_vtt_read_like_a_browser(tmp_path):
    parsed = parse_vtt(VTT)
    assert [(c.start, c.end) for c in parsed.cues] == [(1.0, 3.0), (3.08, 7.0)]
    assert parsed.cues[0].lines == ("Một dòng & phụ đề.",)
    assert run(write(tmp_path, "x.vtt", VTT)).exit_code == 0


def test_vtt_blank_line_inside_a_cue_is_caught(tmp_path):
    broken = VTT.replace("Dòng thứ nhất của phụ đề,\n", "Dòng thứ nhất của phụ đề,\n\n")
    result = run(write(tmp_path, "x.vtt", broken))
    assert result.exit_code == 1 and "vtt-blank-line" in result.output


@pytest.mark.parametrize("content, message", [
    (b"\xff\xfe\x00garbage", "a binary file, not SRT, WebVTT or TTML"),
    ("\u00e9t\u00e9".encode("latin-1"), "not UTF-8"),
    ("1\n00:00:01,000 --> x\nhỏng\n".encode(), "not a valid SRT"),
    ("Không phải WEBVTT\n".encode(), "not a WebVTT file"),
    ("WEBVTT\n\n00:01 --> 00:02.000\nx\n".encode(), "not a valid WebVTT timing line"),
])
def test_unreadable_files_are_one_line_errors(tmp_path, content, message):
    path = tmp_path / ("x.vtt" if b"WEBVTT" in content.upper() else "x.srt")
    path.write_bytes(content)
    result = run(path)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"broadcast: error: {path}: {message}" in result.output


def test_missing_file(tmp_path):
    result = run(tmp_path / "nope.srt")
    assert result.exit_code == 1 and "no such file" in result.output


# ---------------------------------------------------------------- breaks inside words, strict, empty files


def test_a_break_inside_a_word_is_a_warning_and_strict_makes_it_an_error(tmp_path):
    path = write(tmp_path, "w.srt", srt_of([
        ("00:00:01,000", "00:00:04,000", "Công tác xây\ndựng Đảng được triển khai rất nhanh và"),  # in "xây dựng"
        ("00:00:04,080", "00:00:07,000", "đồng bộ, xây dựng lực"),
        ("00:00:07,080", "00:00:10,000", "lượng vững mạnh."),  # cue break in "lực lượng"
    ]))
    result = run(path)
    assert result.exit_code == 0, result.output
    out = result.output.splitlines()
    assert out[0] == f"{path}:1: 00:00:01,000: warning: word-break: line break inside a word: tác xây | dựng Đảng"
    assert out[1].startswith(f"{path}:2: 00:00:04,080: warning: word-break: cue 3 goes on inside a word: ")
    assert "0 violations, 2 warnings (word-break 2)" in out[-1]
    strict = run("--strict", path)
    assert strict.exit_code == 1 and "2 violations (word-break 2)" in strict.output
    assert ": warning:" not in strict.output


def test_breaks_between_words_and_sentences_are_not_warned(tmp_path):
    path = write(tmp_path, "ok.srt", srt_of([
        ("00:00:01,000", "00:00:04,000", "Công tác xây dựng Đảng,\nxây dựng lực lượng vững mạnh"),
        ("00:00:04,080", "00:00:07,000", "được triển khai đồng bộ"),
        ("00:00:07,080", "00:00:10,000", "Thanh Hóa có nhiều mô hình."),
    ]))
    assert rules_of(path) == set()


def test_an_empty_file_is_an_error_not_100_percent(tmp_path):
    for name, text in (("e.srt", ""), ("e.vtt", "WEBVTT\n")):
        result = run(write(tmp_path, name, text))
        assert result.exit_code == 1
        assert "0 cues, 1 violations (no-cues 1)" in result.output and "%" not in result.output


def test_the_bottom_line_preference_is_measured(tmp_path):
    path = write(tmp_path, "b.srt", GOOD + "\n3\n00:00:07,080 --> 00:00:10,000\nDòng trên dài hơn dòng dưới,\nngắn.\n")
    assert "bottom line the longer in 1 of 2 two-line cues" in run(path).output


def test_lint_reads_the_ttml_it_writes_as_it_reads_the_srt(tmp_path):
    from broadcast.audio.timeline import TimedCue
    from broadcast.subtitles import writers

    cues = [TimedCue(1.0, 3.0, "Một dòng phụ đề.", ("Một dòng phụ đề.",)),
            TimedCue(3.08, 7.0, "Dòng thứ nhất, và dòng thứ hai <b>&</b>.", ("Dòng thứ nhất,", "và dòng thứ hai <b>&</b>.")),
            TimedCue(7.5, 7.6, "Quá ngắn.", ("Quá ngắn.",))]
    options = writers.WriterOptions(start_offset=3600.0)
    reports = {}
    for name in ("srt", "ttml"):
        writer = writers.get(name)
        path = write(tmp_path, "x" + writer.extension, writer.render(cues, options))
        reports[name] = lint(path, CueRules())
    srt, ttml = reports["srt"], reports["ttml"]
    assert [(c.start, c.end, c.lines) for c in ttml.cues] == [(c.start, c.end, c.lines) for c in srt.cues]
    assert [c.lines for c in ttml.cues][1] == ("Dòng thứ nhất,", "và dòng thứ hai &.")  # markup stripped as in SRT
    assert [(v.cue, v.rule) for v in ttml.violations] == [(v.cue, v.rule) for v in srt.violations] != []


@pytest.mark.parametrize("name, content, message", [
    ("notes.txt", "Thanh Hóa nâng cao chất lượng y tế cơ sở\n\n" * 200, "not an SRT, WebVTT or TTML file"),
    ("page.html", "<!DOCTYPE html><html><body>" + "x" * 7000 + "</body></html>", "not an SRT, WebVTT or TTML file"),
    ("x.ttml", "<tt xmlns='http://www.w3.org/ns/ttml'><body><p begin='1s' end='soon'>x</p></body></tt>",
     "not a valid TTML time: 'soon'"),
    ("x.ttml", "<tt><p>" * 50, "not a valid TTML file: "),
    ("x.xml", "<?xml version='1.0'?><root/>", "not a TTML file: the root element is not <tt>"),
    ("bad.srt", "1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\n00:00:0x,000 --> 00:00:04,000\n" + "bad\n" * 3000,
     "not a valid SRT file: no cue can be read at line 5"),
])
def test_a_file_lint_cannot_read_is_one_short_line(tmp_path, name, content, message):
    path = write(tmp_path, name, content)
    result = CliRunner(mix_stderr=False).invoke(cli, ["lint", str(path)])
    assert result.exit_code == 1 and result.stderr.startswith(f"broadcast: error: {path}: {message}"), result.stderr
    assert result.stderr.count("\n") == 1 and len(result.stderr) < 300, result.stderr
