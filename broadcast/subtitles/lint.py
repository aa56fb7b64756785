"""`broadcast lint`: check any SRT or WebVTT file against the cue rules, ours or hand-made.

Every violation names the cue (its position in the file, from 1), its in-time and the rule; a summary
follows. Characters are counted on NFC text with markup (<i>, {\\an8}) removed and entities decoded.
Hard limits are errors; a break inside a word (the segmenter's word knowledge, broadcast.text.words) is a
warning, an error with `--strict`. The summary also measures the layout preference the segmenter follows:
in two-line cues the bottom line the longer.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import srt

from broadcast.errors import BroadcastError
from broadcast.subtitles.rules import CueRules, reading_chars
from broadcast.subtitles.writers import clock

_TOLERANCE = 0.0015  # seconds: times in files are rounded to the millisecond on both ends of a gap


@dataclass(frozen=True)
class FileCue:
    number: int  # position in the file, from 1
    start: float
    end: float
    lines: tuple[str, ...]

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def chars(self) -> int:
        return reading_chars(self.lines)

    @property
    def cps(self) -> float:
        return self.chars / self.duration if self.duration > 0 else float("inf")


WARNINGS = frozenset({"word-break"})  # rules that are warnings unless --strict


@dataclass(frozen=True)
class Violation:
    cue: int
    time: float
    rule: str
    message: str

    @property
    def warning(self) -> bool:
        return self.rule in WARNINGS


# ---------------------------------------------------------------- reading

_TAG = re.compile(r"<[^>]*>")
_SRT_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")  # players also honour ASS overrides ({\an8}) in SRT, not in WebVTT


def clean_lines(text: str, entities: bool) -> tuple[str, ...]:
    """What the viewer reads: markup removed, NFC, blank lines dropped. `entities`: WebVTT (escaped text)."""
    if entities:
        text = html.unescape(_TAG.sub("", text))
    else:
        text = _SRT_TAG.sub("", text)
    lines = (unicodedata.normalize("NFC", line).strip() for line in text.split("\n"))
    return tuple(line for line in lines if line)


def parse_srt(text: str) -> list[FileCue]:
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    try:
        subs = list(srt.parse(text))
    except srt.SRTParseError as exc:  # its message quotes everything it could not read: the line number is enough
        line = text.count("\n", 0, exc.expected_start) + 1
        raise BroadcastError(f"not a valid SRT file: no cue can be read at line {line}") from None
    except ValueError as exc:  # srt.TimestampParseError
        raise BroadcastError(f"not a valid SRT file: {str(exc)[:80]}") from None
    return [FileCue(k, s.start.total_seconds(), s.end.total_seconds(), clean_lines(s.content, entities=False))
            for k, s in enumerate(subs, start=1)]


_VTT_TIME = re.compile(r"^(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})$")
_VTT_TIMING = re.compile(r"^(\S+)[ \t]+-->[ \t]+(\S+)")


def _vtt_seconds(stamp: str) -> float:
    match = _VTT_TIME.match(stamp)
    if not match:
        raise ValueError(stamp)
    h, m, s, ms = match.groups()
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


@dataclass(frozen=True)
class VttFile:
    cues: list[FileCue]
    stray_blocks: list[tuple[int, str]]  # (the cue it follows, first line) of text blocks with no timing


def parse_vtt(text: str) -> VttFile:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not re.match(r"WEBVTT(?:[ \t\n]|$)", text):
        raise BroadcastError("not a WebVTT file: the first line must be WEBVTT")
    blocks = re.split(r"\n[ \t]*\n", text)
    cues: list[FileCue] = []
    stray: list[tuple[int, str]] = []
    for block in blocks[1:]:
        lines = block.strip("\n").split("\n")
        if not lines or not lines[0].strip() or lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        at = 0 if "-->" in lines[0] else 1 if len(lines) > 1 and "-->" in lines[1] else None
        if at is None:
            stray.append((len(cues), lines[0]))
            continue
        match = _VTT_TIMING.match(lines[at])
        try:
            if not match:
                raise ValueError(lines[at])
            start, end = _vtt_seconds(match.group(1)), _vtt_seconds(match.group(2))
        except ValueError:
            raise BroadcastError(f"not a valid WebVTT timing line: {lines[at]!r}") from None
        cues.append(FileCue(len(cues) + 1, start, end, clean_lines("\n".join(lines[at + 1:]), entities=True)))
    return VttFile(cues, stray)


# TTML times: clock time (hh:mm:ss, a fraction or :frames) or offset time (12.5s, 500ms, 2m, 1h, 25f, 100t)
_TTML_CLOCK = re.compile(r"^(\d+):(\d{2}):(\d{2})(?:(\.\d+)|:(\d+(?:\.\d+)?))?$")
_TTML_OFFSET = re.compile(r"^(\d+(?:\.\d+)?)(h|ms|m|s|f|t)$")
MAX_BYTES = 64_000_000  # a subtitle file of many hours is a few megabytes


def _ttml_seconds(stamp: str, frame_rate: float, tick_rate: float) -> float:
    stamp = stamp.strip()
    clock_match = _TTML_CLOCK.match(stamp)
    if clock_match:
        h, m, s, fraction, frames = clock_match.groups()
        seconds = int(h) * 3600 + int(m) * 60 + int(s)
        return seconds + (float(fraction) if fraction else 0.0) + (float(frames) / frame_rate if frames else 0.0)
    offset = _TTML_OFFSET.match(stamp)
    if offset:
        value, unit = float(offset.group(1)), offset.group(2)
        seconds_per_unit = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001, "f": 1 / frame_rate, "t": 1 / tick_rate}
        return value * seconds_per_unit[unit]
    raise ValueError(stamp)


def parse_ttml(text: str) -> list[FileCue]:
    """The <p> elements of a TTML document (EBU-TT-D as we write it, or another profile): times on the <p>
    (offsets from an enclosing <div>/<body> begin are added), lines split at <br/>."""
    from xml.etree import ElementTree as ET

    try:
        root = ET.fromstring(text.lstrip("\ufeff"))
    except ET.ParseError as exc:
        raise BroadcastError(f"not a valid TTML file: {exc}") from None
    tt = "{http://www.w3.org/ns/ttml}"
    if root.tag != f"{tt}tt":
        raise BroadcastError("not a TTML file: the root element is not <tt>")
    parameter = "{http://www.w3.org/ns/ttml#parameter}"
    frame_rate = float(root.get(f"{parameter}frameRate") or 30) * _multiplier(root.get(f"{parameter}frameRateMultiplier"))
    tick_rate = float(root.get(f"{parameter}tickRate") or 1)
    cues: list[FileCue] = []

    def walk(element, offset: float) -> None:
        begin = element.get("begin")
        try:
            start = offset + (_ttml_seconds(begin, frame_rate, tick_rate) if begin else 0.0)
            if element.tag == f"{tt}p":
                end_text, dur = element.get("end"), element.get("dur")
                end = (offset + _ttml_seconds(end_text, frame_rate, tick_rate) if end_text
                       else start + _ttml_seconds(dur, frame_rate, tick_rate) if dur else start)
                cues.append(FileCue(len(cues) + 1, start, end, clean_lines(_ttml_text(element, tt), entities=False)))
                return
        except ValueError as exc:
            raise BroadcastError(f"not a valid TTML time: {str(exc)!r}") from None
        for child in element:
            walk(child, start)

    walk(root, 0.0)
    return cues


def _multiplier(text: str | None) -> float:
    if not text:
        return 1.0
    numerator, denominator = text.split()
    return float(numerator) / float(denominator)


def _ttml_text(element, tt: str) -> str:
    parts = [element.text or ""]
    for child in element:
        parts.append("\n" if child.tag == f"{tt}br" else _ttml_text(child, tt))
        parts.append(child.tail or "")
    return "".join(parts)


def _refuse_binary(start: bytes, path: Path) -> None:
    if b"\0" in start:
        raise BroadcastError(f"{path}: a binary file, not SRT, WebVTT or TTML")


def read(path: Path) -> tuple[list[FileCue], list[Violation]]:
    """The cues of an SRT, WebVTT or TTML file, and the structural problems found while reading it."""
    from broadcast.files import read_limited

    raw = read_limited(path, MAX_BYTES, "a subtitle file", lambda start: _refuse_binary(start, path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BroadcastError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    start = text.lstrip("\ufeff \t\r\n")
    try:
        if path.suffix.lower() == ".vtt" or start.startswith("WEBVTT"):
            parsed = parse_vtt(text)
            problems = [Violation(after + 1, parsed.cues[after - 1].end if after else 0.0, "vtt-blank-line",
                                  f"text {first[:30]!r} has no timing line: a blank line inside cue {after}?")
                        for after, first in parsed.stray_blocks]
            return parsed.cues, problems
        if path.suffix.lower() in (".ttml", ".xml", ".dfxp") or start.startswith(("<?xml", "<tt")):
            return parse_ttml(text), []
        if not _SRT_START.match(start) and start:
            raise BroadcastError("not an SRT, WebVTT or TTML file (an SRT file starts with a cue number and a "
                                 "timing line)")
        return parse_srt(text), []
    except BroadcastError as exc:
        raise BroadcastError(f"{path}: {exc}") from None


_SRT_START = re.compile(r"^\d+[ \t]*\r?\n[^\n]*-->")


# ---------------------------------------------------------------- rules


def check(cues: Sequence[FileCue], rules: CueRules) -> list[Violation]:
    """Every hard-limit violation, in cue order."""
    out: list[Violation] = []

    def add(cue: FileCue, rule: str, message: str) -> None:
        out.append(Violation(cue.number, cue.start, rule, message))

    if not cues:
        out.append(Violation(0, 0.0, "no-cues", "the file holds no cues"))
    for k, cue in enumerate(cues):
        if not cue.lines:
            add(cue, "empty", "no text")
        if len(cue.lines) > rules.max_lines:
            add(cue, "lines", f"{len(cue.lines)} lines, at most {rules.max_lines}")
        for n, line in enumerate(cue.lines, start=1):
            if len(line) > rules.max_chars:
                add(cue, "line-length", f"line {n} has {len(line)} characters, at most {rules.max_chars}")
        if len(cue.lines) > 1 and len(" ".join(cue.lines)) <= rules.max_chars:
            add(cue, "one-line", f"{len(cue.lines)} lines where one of {len(' '.join(cue.lines))} characters fits")
        if cue.duration <= 0:
            add(cue, "timing", "ends before it starts")
            continue
        if cue.duration < rules.min_duration - _TOLERANCE / 3:
            add(cue, "min-duration", f"{cue.duration:.3f} s, at least {rules.min_duration:.3f} s")
        if cue.duration > rules.max_duration + _TOLERANCE / 3:
            add(cue, "max-duration", f"{cue.duration:.3f} s, at most {rules.max_duration:g} s")
        if cue.cps > rules.max_cps + 1e-9:
            add(cue, "reading-speed", f"{cue.cps:.1f} characters/s, at most {rules.max_cps:g}")
        if k + 1 < len(cues):
            following = cues[k + 1]
            gap = following.start - cue.end
            frames = gap * rules.fps
            if following.start < cue.start:
                add(following, "order", f"starts before cue {cue.number}")
            elif gap < 0:
                add(cue, "gap", f"runs {-gap:.3f} s into cue {following.number}")
            elif gap < rules.min_gap - _TOLERANCE:
                add(cue, "gap", f"ends {frames:.1f} frames before cue {following.number}, "
                    f"at least {rules.min_gap_frames} frames")
            elif gap <= rules.chain_gap + _TOLERANCE and abs(gap - rules.min_gap) > _TOLERANCE:
                add(cue, "chaining", f"gap of {frames:.1f} frames to cue {following.number}: close gaps of "
                    f"{rules.chain_frames} frames or fewer to {rules.min_gap_frames}")
    return out


_WINDOW = 4  # tokens either side of a break: enough for the longest word looked up


def word_breaks(cues: Sequence[FileCue]) -> list[Violation]:
    """Line breaks inside a cue, and breaks between one cue and the next, that fall inside a word."""
    from broadcast.text import words

    out: list[Violation] = []
    for k, cue in enumerate(cues):
        lines = [line.split() for line in cue.lines]
        tokens = [t for line in lines for t in line]
        joined = words.joined_gaps(tokens)
        at = 0
        for line in lines[:-1]:
            at += len(line)
            if at in joined:
                out.append(Violation(cue.number, cue.start, "word-break",
                                     f"line break inside a word: {_around(tokens, at)}"))
        if k + 1 < len(cues) and tokens:
            following = [t for line in cues[k + 1].lines for t in line.split()]
            window = tokens[-_WINDOW:] + following[:_WINDOW]
            gap = min(len(tokens), _WINDOW)
            # a capital after a cue break usually starts a sentence: only the dictionary judges, and only
            # when the next cue opens in lower case
            starts_anew = following and following[0][:1].isupper()
            if following and not starts_anew and gap in words.joined_gaps(window, names=False):
                out.append(Violation(cue.number, cue.start, "word-break",
                                     f"cue {cues[k + 1].number} goes on inside a word: {_around(window, gap)}"))
    return out


def _around(tokens: Sequence[str], k: int) -> str:
    return f"{' '.join(tokens[max(0, k - 2):k])} | {' '.join(tokens[k:k + 2])}"


# ---------------------------------------------------------------- report



@dataclass(frozen=True)
class Report:
    path: Path
    cues: list[FileCue]
    violations: list[Violation]
    rules: CueRules

    strict: bool = False

    @property
    def within_target(self) -> int:
        return sum(c.cps <= self.rules.target_cps + 1e-9 for c in self.cues if c.duration > 0)

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if self.strict or not v.warning]

    @property
    def warnings(self) -> list[Violation]:
        return [v for v in self.violations if v.warning and not self.strict]

    @property
    def bottom_longer(self) -> tuple[int, int]:
        """(two-line cues whose bottom line is at least as long as the top, two-line cues)."""
        pairs = [c.lines for c in self.cues if len(c.lines) == 2]
        return sum(len(bottom) >= len(top) for top, bottom in pairs), len(pairs)

    def lines(self) -> list[str]:
        out = [f"{self.path}:{v.cue}: {clock(v.time, ',')}: "
               f"{'warning: ' if v in self.warnings else ''}{v.rule}: {v.message}" for v in self.violations]
        n = len(self.cues)
        summary = f"{self.path}: {n} cues, {_counted(self.errors, 'violations')}"
        if self.warnings:
            summary += f", {_counted(self.warnings, 'warnings')}"
        if n:
            top = max(c.cps for c in self.cues)
            summary += (f"; {100 * self.within_target / n:.0f}% of cues at ≤ {self.rules.target_cps:g} "
                        f"characters/s (fastest {top:.1f})")
            longer, pairs = self.bottom_longer
            if pairs:
                summary += f"; bottom line the longer in {longer} of {pairs} two-line cues"
        out.append(summary)
        return out


def _counted(violations: Sequence[Violation], noun: str) -> str:
    counts = Counter(v.rule for v in violations)
    detail = f" ({', '.join(f'{rule} {k}' for rule, k in sorted(counts.items()))})" if counts else ""
    return f"{len(violations)} {noun}{detail}"


def lint(path: Path, rules: CueRules, strict: bool = False) -> Report:
    cues, problems = read(path)
    found = problems + check(cues, rules) + word_breaks(cues)
    return Report(path, cues, sorted(found, key=lambda v: (v.cue, v.rule)), rules, strict)
