"""preview.html in headless Chromium, and waveform.png decoded back, on bulletins produced by the real
pipeline."""

import json
import re
import struct
import zlib

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
    player.addEventListener('seeked', function () { out.currentTime = player.currentTime; done(); }, {once: true});
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
    assert result["currentTime"] == pytest.approx(result["wanted"], abs=0.01)


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


def read_png(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        assert struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])[0] == zlib.crc32(kind + body)
        chunks[kind] = chunks.get(kind, b"") + body
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour) == (8, 3)
    raw = zlib.decompress(chunks[b"IDAT"])
    rows = [raw[y * (width + 1) + 1 : (y + 1) * (width + 1)] for y in range(height)]
    assert all(raw[y * (width + 1)] == 0 for y in range(height))
    return width, height, rows


def test_waveform_marks_every_segment_and_cue(produced):
    width, height, rows = read_png(produced / waveform.FILENAME)
    assert (width, height) == (waveform.WIDTH, waveform.HEIGHT)
    m = json.loads((produced / "manifest.json").read_text(encoding="utf-8"))
    top = rows[0]  # boundary lines reach the top row; the waveform does not at −23 LUFS
    segment_columns = {x for x in range(width) if top[x] == waveform.SEGMENT}
    expected = {min(width - 1, int(s["start"] / m["duration"] * width)) for s in m["segments"]}
    assert segment_columns == expected
    cue_columns = {x for x in range(width) if any(rows[y][x] == waveform.CUE for y in range(0, height, 3))}
    n_inner_cues = sum(len(s["cues"]) - 1 for s in m["segments"])
    assert n_inner_cues > 0 and len(cue_columns) >= 0.8 * n_inner_cues  # a few may share a pixel column
    mid = rows[height // 2]
    assert sum(v == waveform.WAVE for v in mid) > width // 2  # speech most of the time
