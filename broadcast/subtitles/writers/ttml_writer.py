"""EBU-TT-D (EBU Tech 3380), the TTML profile broadcasters take: media time base, one region at the bottom,
a paragraph style (alignment, font, and ebutts:linePadding, which IMSC renderers honour only there) and a span
style (colours), a <p> per cue with its lines as <span>s separated by <br/>. Times are hh:mm:ss.sss."""

from __future__ import annotations

from typing import Sequence
from xml.etree import ElementTree as ET

from broadcast.audio.timeline import TimedCue
from broadcast.subtitles.writers import WriterOptions, clock, register

TT = "http://www.w3.org/ns/ttml"
NS = {
    "": TT,
    "ttp": "http://www.w3.org/ns/ttml#parameter",
    "tts": "http://www.w3.org/ns/ttml#styling",
    "ttm": "http://www.w3.org/ns/ttml#metadata",
    "ebuttm": "urn:ebu:tt:metadata",
    "ebutts": "urn:ebu:tt:style",
}
XML_NS = "http://www.w3.org/XML/1998/namespace"
CONFORMS_TO = "urn:ebu:tt:distribution:2018-04"  # EBU-TT-D 1.0.1



def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


class TtmlWriter:
    name = "ttml"
    extension = ".ttml"

    def render(self, cues: Sequence[TimedCue], options: WriterOptions = WriterOptions()) -> str:
        for prefix, uri in NS.items():
            ET.register_namespace(prefix, uri)
        tt = ET.Element(_q("", "tt"), {
            _q("ttp", "timeBase"): "media",
            _q("ttp", "cellResolution"): "50 30",
            f"{{{XML_NS}}}lang": "vi",
        })
        head = ET.SubElement(tt, _q("", "head"))
        doc = ET.SubElement(ET.SubElement(head, _q("", "metadata")), _q("ebuttm", "documentMetadata"))
        ET.SubElement(doc, _q("ebuttm", "conformsToStandard")).text = CONFORMS_TO
        styling = ET.SubElement(head, _q("", "styling"))
        ET.SubElement(styling, _q("", "style"), {
            f"{{{XML_NS}}}id": "paragraph", _q("tts", "textAlign"): "center",
            _q("ebutts", "multiRowAlign"): "center", _q("tts", "fontFamily"): "proportionalSansSerif",
            _q("tts", "fontSize"): "100%", _q("tts", "lineHeight"): "125%", _q("ebutts", "linePadding"): "0.5c",
        })
        ET.SubElement(styling, _q("", "style"), {
            f"{{{XML_NS}}}id": "text", _q("tts", "color"): "#FFFFFF", _q("tts", "backgroundColor"): "#000000C2",
        })
        layout = ET.SubElement(head, _q("", "layout"))
        ET.SubElement(layout, _q("", "region"), {
            f"{{{XML_NS}}}id": "bottom", _q("tts", "origin"): "10% 10%", _q("tts", "extent"): "80% 80%",
            _q("tts", "displayAlign"): "after", _q("tts", "overflow"): "visible",
        })
        div = ET.SubElement(ET.SubElement(tt, _q("", "body")), _q("", "div"))
        offset = options.start_offset
        for i, cue in enumerate(cues, start=1):
            p = ET.SubElement(div, _q("", "p"), {
                f"{{{XML_NS}}}id": f"sub{i}", "region": "bottom", "style": "paragraph",
                "begin": clock(cue.start + offset), "end": clock(cue.end + offset),
            })
            lines = [line for line in cue.lines if line.strip()] or [""]
            for k, line in enumerate(lines):
                if k:
                    ET.SubElement(p, _q("", "br"))
                ET.SubElement(p, _q("", "span"), {"style": "text"}).text = line
        ET.indent(tt, space=" ")
        for p in div:  # no indentation inside a paragraph: it would be presented as spaces
            p.text = None
            for child in p:
                child.tail = None
        body = ET.tostring(tt, encoding="unicode")
        return options.finish('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n")


register(TtmlWriter())
