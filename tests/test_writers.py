import subprocess
import unicodedata
from datetime import timedelta

import pysubs2
import pytest
import srt
from browser import require_chromium
from hypothesis import given, settings
from hypothesis import strategies as st

from broadcast.audio import sound
from broadcast.audio.timeline import TimedCue
from broadcast.subtitles import writers

CUES = [
    TimedCue(0.03, 2.921, "Thứ trưởng Bộ Công an Trần Quốc Tỏ thăm và làm việc",
             ("Thứ trưởng Bộ Công an Trần Quốc Tỏ thăm", "và làm việc")),
    TimedCue(3.5, 7.25, "Chủ tịch Hội đồng Nhân dân (HĐND) <tỉnh> & TP.", ("Chủ tịch Hội đồng Nhân dân (HĐND) <tỉnh> & TP.",)),
    TimedCue(3725.001, 3728.999, "Một giờ sau.", ("Một giờ sau.",)),
]


def test_srt_parses_back_with_srt():
    text = writers.get("srt").render(CUES)
    assert not text.startswith("\ufeff")
    subs = list(srt.parse(text))
    assert [s.index for s in subs] == [1, 2, 3]
    assert subs[0].start == timedelta(milliseconds=30) and subs[0].end == timedelta(milliseconds=2921)
    assert subs[2].start == timedelta(hours=1, minutes=2, seconds=5, milliseconds=1)
    assert [s.content for s in subs] == ["\n".join(c.lines) for c in CUES]
    assert "01:02:05,001 --> 01:02:08,999" in text


def test_srt_and_vtt_load_in_pysubs2():
    for name in ("srt", "vtt"):
        subs = pysubs2.SSAFile.from_string(writers.get(name).render(CUES))
        assert len(subs) == 3
        assert subs[0].start == 30 and subs[0].end == 2921
        assert subs[0].plaintext == "\n".join(CUES[0].lines)


def test_vtt_has_header_and_escapes():
    text = writers.get("vtt").render(CUES)
    assert text.startswith("WEBVTT\n\n")
    assert "00:00:03.500 --> 00:00:07.250" in text
    assert "&lt;tỉnh&gt; &amp; TP." in text
    for block in text.strip().split("\n\n")[1:]:
        assert all(line.strip() for line in block.split("\n"))  # no blank line inside a cue


@pytest.mark.parametrize("name", ["srt", "vtt"])
def test_ffmpeg_reads_our_subtitles(tmp_path, name):
    path = tmp_path / f"x.{name}"
    path.write_text(writers.get(name).render(CUES), encoding="utf-8")
    out = subprocess.run([sound.ffmpeg_exe(), "-hide_banner", "-i", str(path), "-f", "srt", "-"],
                         capture_output=True, check=True)
    again = list(srt.parse(out.stdout.decode("utf-8")))
    assert len(again) == 3 and again[1].content.startswith("Chủ tịch")


def test_unknown_writer():
    with pytest.raises(ValueError, match="unknown subtitle format"):
        writers.get("stl")


line = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\r\n"),
               min_size=1, max_size=42).map(str.strip).filter(bool)


def _cues_from(items):
    cues, t = [], 0
    for gap, length, lines in items:
        t += gap % 5000
        cues.append(TimedCue(t / 1000, (t + length) / 1000, " ".join(lines), tuple(lines)))
        t += length
    return cues


CUE_LISTS = st.lists(st.tuples(st.integers(0, 10_000_000), st.integers(1, 7000), st.lists(line, min_size=1, max_size=2)),
                     min_size=1, max_size=20)


@settings(max_examples=150, deadline=None)
@given(CUE_LISTS)
def test_srt_round_trip(items):
    cues = _cues_from(items)
    parsed = list(srt.parse(writers.get("srt").render(cues)))
    assert len(parsed) == len(cues)
    for cue, sub in zip(cues, parsed):
        assert sub.start.total_seconds() == pytest.approx(cue.start, abs=5e-4)
        assert sub.end.total_seconds() == pytest.approx(cue.end, abs=5e-4)


# ---------------------------------------------------------------- options, TTML, round trips, browser

from xml.etree import ElementTree as ET  # noqa: E402

from broadcast.subtitles.lint import parse_vtt  # noqa: E402
from broadcast.subtitles.writers import WriterOptions  # noqa: E402
from broadcast.subtitles.writers.ttml_writer import NS as TTML_NS  # noqa: E402

TT = "{http://www.w3.org/ns/ttml}"


def test_srt_bom_eol_and_start_offset():
    options = WriterOptions(bom=True, eol="crlf", start_offset=3600.0)
    text = writers.get("srt").render(CUES, options)
    assert text.startswith("\ufeff1\r\n01:00:00,030 --> 01:00:02,921\r\n")
    assert "\n" not in text.replace("\r\n", "")
    subs = list(srt.parse(text.lstrip("\ufeff")))
    assert subs[0].start == timedelta(hours=1, milliseconds=30) and len(subs) == 3
    assert not writers.get("srt").render(CUES).startswith("\ufeff")


def test_vtt_and_ttml_take_eol_and_offset_but_never_a_bom():
    options = WriterOptions(bom=True, eol="crlf", start_offset=10.0)
    vtt = writers.get("vtt").render(CUES, options)
    assert vtt.startswith("WEBVTT\r\n\r\n") and "00:00:13.500 --> 00:00:17.250" in vtt
    ttml = writers.get("ttml").render(CUES, options)
    assert ttml.startswith("<?xml") and 'begin="00:00:13.500"' in ttml and "\r\n" in ttml


def ttml_cues(text: str):
    root = ET.fromstring(text.encode("utf-8"))
    out = []
    for p in root.iter(f"{TT}p"):
        lines = tuple(span.text or "" for span in p.findall(f"{TT}span"))
        out.append((p.get("begin"), p.get("end"), lines))
    return root, out


def test_ttml_has_the_ebu_tt_d_structure():
    root, cues = ttml_cues(writers.get("ttml").render(CUES))
    assert root.tag == f"{TT}tt"
    assert root.get(f"{{{TTML_NS['ttp']}}}timeBase") == "media"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "vi"
    conforms = root.find(f"{TT}head/{TT}metadata/{{urn:ebu:tt:metadata}}documentMetadata/"
                         "{urn:ebu:tt:metadata}conformsToStandard")
    assert conforms is not None and conforms.text.startswith("urn:ebu:tt:distribution:")
    styles = {s.get("{http://www.w3.org/XML/1998/namespace}id") for s in root.iter(f"{TT}style")}
    regions = {r.get("{http://www.w3.org/XML/1998/namespace}id") for r in root.iter(f"{TT}region")}
    body = root.find(f"{TT}body")
    assert body is not None and body.find(f"{TT}div") is not None
    for p in body.iter(f"{TT}p"):
        assert p.get("region") in regions and p.get("style") in styles
        assert all(span.get("style") in styles for span in p.findall(f"{TT}span"))
        assert len(p.findall(f"{TT}br")) == len(p.findall(f"{TT}span")) - 1
        assert p.text is None  # no indentation whitespace inside a paragraph
    assert cues[0] == ("00:00:00.030", "00:00:02.921", CUES[0].lines)
    assert cues[1][2] == ("Chủ tịch Hội đồng Nhân dân (HĐND) <tỉnh> & TP.",)  # escaped and back
    assert cues[2][:2] == ("01:02:05.001", "01:02:08.999")


def _clock(stamp: str) -> float:
    h, m, s = stamp.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


@settings(max_examples=150, deadline=None)
@given(CUE_LISTS, st.sampled_from(["lf", "crlf"]), st.integers(0, 36000))
def test_vtt_round_trip(items, eol, offset):
    cues = _cues_from(items)
    text = writers.get("vtt").render(cues, WriterOptions(eol=eol, start_offset=offset))
    parsed = parse_vtt(text)
    assert parsed.stray_blocks == [] and len(parsed.cues) == len(cues)
    for cue, back in zip(cues, parsed.cues):
        assert back.start == pytest.approx(cue.start + offset, abs=5e-4)
        assert back.end == pytest.approx(cue.end + offset, abs=5e-4)
        assert back.lines == tuple(unicodedata.normalize("NFC", x.strip()) for x in cue.lines)
    assert len(pysubs2.SSAFile.from_string(text, format_="vtt")) == len(cues)


@settings(max_examples=150, deadline=None)
@given(CUE_LISTS)
def test_ttml_round_trip(items):
    cues = _cues_from(items)
    _, parsed = ttml_cues(writers.get("ttml").render(cues))
    assert len(parsed) == len(cues)
    for cue, (begin, end, lines) in zip(cues, parsed):
        assert _clock(begin) == pytest.approx(cue.start, abs=5e-4)
        assert _clock(end) == pytest.approx(cue.end, abs=5e-4)
        assert lines == cue.lines


@settings(max_examples=100, deadline=None)
@given(CUE_LISTS, st.booleans(), st.sampled_from(["lf", "crlf"]))
def test_srt_round_trip_with_options(items, bom, eol):
    cues = _cues_from(items)
    text = writers.get("srt").render(cues, WriterOptions(bom=bom, eol=eol))
    parsed = list(srt.parse(text.lstrip("\ufeff")))
    assert [s.content.replace("\r\n", "\n") for s in parsed] == ["\n".join(c.lines) for c in cues]


TRACK_PAGE = """<!doctype html><meta charset="utf-8"><body>
<video preload="auto"><track id="t" kind="subtitles" srclang="vi" src="subs.vtt" default></video>
<pre id="out">pending</pre>
<script>
const track = document.getElementById("t");
function dump(status) {
  const cues = Array.from(track.track.cues || []);
  document.getElementById("out").textContent =
    JSON.stringify({status, cues: cues.map(c => [c.startTime, c.endTime, c.getCueAsHTML().textContent])});
}
track.track.mode = "hidden";
track.addEventListener("load", () => dump("loaded"));
track.addEventListener("error", () => dump("error"));
</script>
"""


def browser_cues(folder, vtt_text):
    import html as html_module
    import json as json_module
    import re as re_module

    from browser import dump_dom

    (folder / "subs.vtt").write_text(vtt_text, encoding="utf-8")
    (folder / "page.html").write_text(TRACK_PAGE, encoding="utf-8")
    dom = dump_dom(folder / "page.html")
    match = re_module.search(r'<pre id="out">(.*?)</pre>', dom, re_module.S)
    assert match, dom[:500]
    return json_module.loads(html_module.unescape(match.group(1)))


def test_vtt_loads_in_a_browser_track_with_every_cue(tmp_path):
    require_chromium()
    out = browser_cues(tmp_path, writers.get("vtt").render(CUES, WriterOptions(eol="crlf")))
    assert out["status"] == "loaded"
    assert [(round(a, 3), round(b, 3)) for a, b, _ in out["cues"]] == [(c.start, c.end) for c in CUES]
    assert [text for _, _, text in out["cues"]] == ["\n".join(c.lines) for c in CUES]
