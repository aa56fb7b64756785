"""preview.html: one self-contained page to check a bulletin before it goes out.

The bulletin's audio plays with its subtitles (a WebVTT `<track>`; the cue being spoken is shown under the
player, since browsers draw no captions for audio), every segment is listed with its times (click to seek),
and the engine and settings are listed. No network, no external files but the outputs beside it, which are
referenced by relative paths. The subtitles are embedded in the track as a data: URL because browsers refuse
to load a track from a file:// URL; the .vtt file is linked as well. All text is HTML-escaped.
"""

from __future__ import annotations

import base64
from html import escape
from typing import Any
from urllib.parse import quote

from broadcast.subtitles.rules import DEFAULT_FPS, fps_label
from broadcast.subtitles.writers import clock

FILENAME = "preview.html"

_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:1.5rem auto;max-width:70rem;padding:0 1rem;color:#222}
h1{font-size:1.3rem;margin:.2rem 0}.meta{color:#555;margin:.2rem 0 1rem}
audio{width:100%}#now{min-height:3.2em;font-size:1.1rem;background:#111;color:#fff;padding:.4rem .8rem;
white-space:pre-line;border-radius:4px;margin:.4rem 0 1rem}
#waveform{cursor:crosshair;border:1px solid #ddd;line-height:0}#waveform svg{width:100%;height:auto}
.speech{color:#555;font-size:.9em;margin:.15rem 0 0}.speech .voice{color:#777}
table{border-collapse:collapse;width:100%}td,th{padding:.25rem .5rem;border-bottom:1px solid #eee;
vertical-align:top;text-align:left}th{background:#f4f4f2}
.seek{font-family:ui-monospace,monospace;white-space:nowrap;cursor:pointer;color:#1a56a0;text-decoration:underline;
background:none;border:0;padding:0;font-size:inherit}tr.playing{background:#fff4d6}.kind{color:#777}
.cues{color:#555;font-size:.9em;margin:.2rem 0 0;padding-left:1.2rem}
.cue{display:inline-block;vertical-align:top;text-align:center;background:#111;color:#fff;padding:.1rem .5rem;
margin:.1rem 0;border-radius:3px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem}dt{color:#555}dd{margin:0}
"""

_SCRIPT = """
(function () {
  var player = document.getElementById('player');
  var track = document.getElementById('subtitles').track;
  var now = document.getElementById('now');
  track.mode = 'hidden';  // cues fire cuechange; the page shows the text itself
  track.addEventListener('cuechange', function () {
    var active = track.activeCues;
    now.textContent = active && active.length ? active[0].text : '';
  });
  function seek(seconds) {
    player.currentTime = seconds;
    var playing = player.play();
    if (playing && playing.catch) { playing.catch(function () {}); }
  }
  document.querySelectorAll('[data-start]').forEach(function (el) {
    el.addEventListener('click', function (event) {
      event.preventDefault();
      seek(parseFloat(el.getAttribute('data-start')));
    });
  });
  var rows = document.querySelectorAll('tr[data-end]');
  player.addEventListener('timeupdate', function () {
    var t = player.currentTime;
    rows.forEach(function (row) {
      var start = parseFloat(row.getAttribute('data-begin')), end = parseFloat(row.getAttribute('data-end'));
      row.classList.toggle('playing', t >= start && t < end);
    });
  });
  var wave = document.getElementById('waveform');
  wave.addEventListener('click', function (event) {
    var box = wave.getBoundingClientRect();
    seek((event.clientX - box.left) / box.width * parseFloat(wave.getAttribute('data-duration')));
  });
})();
"""



def _href(name: str) -> str:
    return escape(quote(name), quote=True)


def _settings_rows(manifest: dict[str, Any], settings: dict[str, Any]) -> list[tuple[str, str]]:
    level = manifest.get("loudness") or {}
    rows = [
        ("engine", f"{manifest['engine']} {manifest.get('engine_version', '')}".strip()),
        ("voice", manifest["voice"]),
    ]
    subtitles = ("subtitles", f"{fps_label(settings.get('fps') or DEFAULT_FPS)} fps, start offset "
                              f"{settings.get('start_offset')} (times on this page are from 0:00), ≤ "
                              f"{settings.get('max_lines')} lines × {settings.get('max_chars')} characters, reading "
                              f"speed {settings.get('target_cps'):g} characters/s aimed at, "
                              f"{settings.get('max_cps'):g} at most")
    if "alignment" in manifest:  # a recording: its pace and pauses are the reader's
        found = len(manifest["segments"])
        missing = manifest["alignment"]["missing"]
        rows.append(("alignment", f"{found} of {found + len(missing)} sentences found; "
                                  f"{len(manifest['alignment']['low_confidence'])} doubtful"))
        rows.append(subtitles)
    else:
        rows += [
            ("rate", f"{settings.get('rate')} syllables/s"),
            subtitles,
            ("pauses", f"{settings.get('sentence_pause')} s between sentences, "
                       f"{settings.get('paragraph_pause')} s between paragraphs"),
        ]
    rows += [
        ("audio", f"{settings.get('audio_format')}, {manifest.get('sample_rate')} Hz, "
                  + (f"{manifest['bit_depth']}-bit" if manifest.get("bit_depth") else f"{manifest.get('bitrate')}")),
    ]
    if level:
        target = level.get("target") or "off"
        rows.append(("loudness", f"target {target}; measured {level['integrated_lufs']} LUFS, "
                                 f"{level['true_peak_dbtp']} dBTP (gain {level['gain_db']} dB"
                                 + (f", limiter at {level['limiter_ceiling_dbfs']} dBFS" if level.get("limiter_ceiling_dbfs")
                                    is not None else "") + ")"))
    rows.append(("captions, credit", f"{'on' if settings.get('captions') else 'off'}, "
                                     f"{'on' if settings.get('credit') else 'off'}"))
    rows.append(("broadcast", str(manifest.get("broadcast_version", ""))))
    return rows


def _speech(seg: dict[str, Any]) -> str:
    """What the voice was given, where it differs from the text (numbers, abbreviations read out)."""
    speech = seg.get("speech")
    if not speech or speech == seg["text"]:
        return ""
    return f'<p class="speech"><span class="voice">voice:</span> {escape(speech)}</p>'


def render(manifest: dict[str, Any], *, vtt_text: str, settings: dict[str, Any], files: list[str],
           waveform_svg: str | None = None) -> str:
    """The page for one produced bulletin, from its manifest (the same data the files hold)."""
    segments = manifest["segments"]
    n_cues = sum(len(s["cues"]) for s in segments)
    vtt_data = "data:text/vtt;charset=utf-8;base64," + base64.b64encode(vtt_text.encode("utf-8")).decode("ascii")
    title = f"{manifest['source']} — preview"
    out = [
        "<!DOCTYPE html>",
        '<html lang="vi">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self' data:; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">",
        f"<title>{escape(title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(manifest['source'])}</h1>",
        f'<p class="meta">{clock(manifest["duration"])} · {len(segments)} segments · {n_cues} cues</p>',
        f'<audio id="player" controls preload="auto" src="{_href(manifest["audio"])}">',
        f'<track id="subtitles" kind="subtitles" srclang="vi" label="Tiếng Việt" default src="{vtt_data}">',
        "</audio>",
        '<div id="now" aria-live="polite"></div>',
    ]
    if waveform_svg:  # our own SVG (its text escaped when drawn); inline, so hovering a sentence shows it
        out.append(f'<div id="waveform" data-duration="{manifest["duration"]}" title="click to play from there">'
                   f'{waveform_svg.strip()}</div>')
    out += [
        "<h2>Segments</h2>",
        '<table id="segments"><thead><tr><th>#</th><th>start</th><th>end</th><th>text</th><th>clip</th></tr>'
        "</thead><tbody>",
    ]
    for seg in segments:
        cues = "".join(  # each cue as it will appear: its lines, broken where the subtitle breaks them
            f'<li><button class="seek" data-start="{c["start"]}">{clock(c["start"])}</button> '
            f'<span class="cue">{"<br>".join(escape(line) for line in c["lines"])}</span></li>'
            for c in seg["cues"]
        )
        out.append(
            f'<tr data-begin="{seg["start"]}" data-end="{seg["end"]}"><td>{seg["index"]}</td>'
            f'<td><button class="seek" data-start="{seg["start"]}">{clock(seg["start"])}</button></td>'
            f'<td>{clock(seg["end"])}</td>'
            f'<td><span class="kind">{escape(seg["kind"])}</span> {escape(seg["text"])}{_speech(seg)}'
            f'<ol class="cues">{cues}</ol></td>'
            f'<td><a href="{_href(seg["clip"])}">{escape(seg["clip"])}</a></td></tr>'
        )
    out += ["</tbody></table>", "<h2>Settings</h2>", '<dl id="settings">']
    out += [f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in _settings_rows(manifest, settings)]
    out += ["</dl>", "<h2>Files</h2>", "<ul>"]
    for name in files:
        out.append(f'<li><a href="{_href(name)}">{escape(name)}</a></li>')
    out += ["</ul>", f"<script>{_SCRIPT}</script>", "</body>", "</html>", ""]
    return "\n".join(out)
