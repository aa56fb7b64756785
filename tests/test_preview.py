"""preview.html in headless Chromium, and waveform.svg read back, on bulletins produced by the real
pipeline."""

import json
import re
from xml.etree import ElementTree as ET

import pytest
from browser import dump_dom
from click.testing import CliRunner

from broadcast.cli import cli
from broadcast.delivery import waveform

# Appended to a copy of the page beside it: waits for the track and the audio, clicks the last
# segment's time and reports what the page did.
PROBE = """<script>
(function () {
  var out = {};
  function done() {
    var pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  }
  var player = document.getElementById('player'), track = document.getElementById('subtitles');
  function go() {
    out.cues = track.track.cues ? track.track.cues.length : -1;
    out.cueTexts = track.track.cues ? Array.prototype.map.call(track.track.cues, function (c) { return c.text; }) : [];
    out.duration = player.duration;
    var buttons = document.querySelectorAll('#segments tr td > button.seek');
    var target = buttons[buttons.length - 1];
    out.wanted = parseFloat(target.getAttribute('data-start'));
    // 'seeking' fires while the player is at the new position and before playback can move it on (at
    // 'seeked' a loaded machine may already have played some of it): no timing tolerance needed
    player.addEventListener('seeking', function () { out.currentTime = player.currentTime; done(); }, {once: true});
    target.click();
  }
  var ready = 0;
  function one() { if (++ready === 2) go(); }
  if (track.readyState === 2) one(); else {
    track.addEventListener('load', one);
    track.addEventListener('error', function () { out.trackError = true; one(); });
  }
  if (player.readyState >= 1) one(); else {
    player.addEventListener('loadedmetadata', one);
    player.addEventListener('error', function () { out.audioError = true; one(); });
  }
})();
</script>"""


@pytest.fixture(scope="module")
def produced(tmp_path_factory):
    from conftest import SAMPLE

    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(cli, ["produce", str(SAMPLE), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return out / SAMPLE.stem


def probe(folder, file_access):
    page = folder / "preview.html"
    copy = folder / "_probe.html"
    copy.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    try:
        dom = dump_dom(copy, budget_ms=10000, file_access=file_access)
    finally:
        copy.unlink()
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert found, f"the page's scripts did not finish: {dom[-400:]}"
    import html

    return json.loads(html.unescape(found.group(1)))


@pytest.mark.parametrize("file_access", [True, False], ids=["file-access", "double-clicked"])
def test_preview_plays_with_every_cue_and_seeks(produced, file_access):
    m = json.loads((produced / "manifest.json").read_text(encoding="utf-8"))
    result = probe(produced, file_access)
    assert not result.get("trackError") and not result.get("audioError"), result
    cues = [c for s in m["segments"] for c in s["cues"]]
    assert result["cues"] == len(cues)
    assert result["cueTexts"] == ["\n".join(c["lines"]) for c in cues]
    assert result["duration"] == pytest.approx(m["duration"], abs=0.06)
    assert result["wanted"] == m["segments"][-1]["start"]
    assert result["currentTime"] == pytest.approx(result["wanted"], abs=1e-6)


def test_preview_is_self_contained_and_relative(produced):
    page = (produced / "preview.html").read_text(encoding="utf-8")
    refs = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert refs
    for ref in refs:
        if ref.startswith("data:"):
            continue
        assert not re.match(r"[a-z]+:|/", ref), ref  # no URL scheme, no absolute path
        assert (produced / ref).is_file(), ref
    m = json.loads((produced / "manifest.json").read_text(encoding="utf-8"))
    assert "espeak" in page and str(m["loudness"]["integrated_lufs"]) in page


def test_transcript_text_is_escaped(tmp_path):
    text = 'Tin <b>nóng</b> & "lạ" <script>alert(1)</script>.'
    path = tmp_path / "markup.txt"
    path.write_text(f"{text}\n\nĐoạn thứ hai có chữ <i>nghiêng</i>.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["produce", str(path), "-o", str(tmp_path / "out"), "-q", "--format", "wav"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "markup" / "preview.html").read_text(encoding="utf-8")
    assert "<b>" not in page and "<i>" not in page and "alert(1)</script>" not in page
    assert "Tin &lt;b&gt;nóng&lt;/b&gt; &amp; &quot;lạ&quot;" in page
    dom = dump_dom(tmp_path / "out" / "markup" / "preview.html")
    assert dom and "<b>nóng" not in dom and "&lt;script&gt;alert(1)" in dom


SVG = "{http://www.w3.org/2000/svg}"


def test_waveform_is_a_readable_picture_numbered_sentences_and_a_time_axis(produced):
    root = ET.parse(produced / waveform.FILENAME).getroot()
    m = json.loads((produced / "manifest.json").read_text(encoding="utf-8"))
    width = float(root.get("viewBox").split()[2])
    assert root.tag == f"{SVG}svg" and width == waveform.WIDTH

    def x_of(seconds):
        return min(width, seconds / m["duration"] * width)

    starts = [float(e.get("x1")) for e in root.iter(f"{SVG}line") if e.get("class") == "sentence-start"]
    assert starts == pytest.approx([x_of(s["start"]) for s in m["segments"]], abs=0.06)
    groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "sentence"]
    assert [int(g.get("data-index")) for g in groups] == [s["index"] for s in m["segments"]]
    for g, s in zip(groups, m["segments"]):
        assert g.find(f"{SVG}title").text.startswith(f"{s['index']}. ") and s["text"][:40] in g.find(f"{SVG}title").text
    numbers = {int(t.text): float(t.get("x")) for t in root.iter(f"{SVG}text") if t.get("class") == "number"}
    assert set(numbers) == {s["index"] for s in m["segments"]}  # a short bulletin has room for every number
    for s in m["segments"]:
        assert x_of(s["start"]) < numbers[s["index"]] < x_of(s["end"])
    times = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "time"]
    assert times[0] == "0:00" and len(times) >= 5 and times[-1] == waveform.clock_label(
        (int(m["duration"]) // waveform.tick_step(m["duration"])) * waveform.tick_step(m["duration"]))
    cues = [e for e in root.iter(f"{SVG}line") if e.get("class") == "cue"]
    assert len(cues) == sum(len(s["cues"]) - 1 for s in m["segments"])
    points = next(e for e in root.iter(f"{SVG}polygon") if e.get("class") == "wave").get("points").split()
    assert len(points) == 2 * waveform.WIDTH


def test_preview_embeds_the_waveform_and_shows_speech_fps_and_offset(tmp_path):
    from conftest import SAMPLE

    result = CliRunner().invoke(cli, ["produce", str(SAMPLE), "-o", str(tmp_path), "-q", "--format", "wav",
                                      "--fps", "30", "--start-offset", "01:00:00:00"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / SAMPLE.stem
    page = (folder / "preview.html").read_text(encoding="utf-8")
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert (folder / waveform.FILENAME).read_text(encoding="utf-8").strip() in page
    spoken = [s for s in m["segments"] if s["speech"] != s["text"]]
    assert spoken and all(f'<p class="speech"><span class="voice">voice:</span> {s["speech"]}</p>' in page for s in spoken)
    assert "30 fps, start offset 01:00:00:00" in page


def test_waveform_labels_do_not_overlap_on_a_long_bulletin():
    """An hour in 400 sentences: numbers only where they fit, never two on top of each other; ticks every 5 min."""
    from broadcast.audio.timeline import Programme, TimedSegment
    from broadcast.text.segmenter import Segment

    segments = tuple(TimedSegment(Segment(i + 1, "paragraph", 1, f"câu {i + 1}"), 9.0 * i, 9.0 * i + 8.5, (), 0, 0)
                     for i in range(400))
    svg = waveform.render([500] * waveform.WIDTH, Programme(b"", 22050, segments), 3600.0)
    root = ET.fromstring(svg)
    spans = sorted((float(t.get("x")) - len(t.text) * waveform.LABEL_PX / 2, float(t.get("x")) + len(t.text) * waveform.LABEL_PX / 2)
                   for t in root.iter(f"{SVG}text") if t.get("class") == "number")
    assert 20 < len(spans) < 400 and spans[0][0] >= 0  # sentence 1 is always numbered, inside the picture
    assert all(right + waveform.LABEL_GAP < next_left for (_, right), (next_left, _) in zip(spans, spans[1:]))
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "time"][:3] == ["0:00", "5:00", "10:00"]
