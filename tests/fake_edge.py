"""A stand-in for Microsoft Edge's read-aloud service, for tests and benchmarks: a local WebSocket server
speaking the protocol edge-tts speaks (speech.config and SSML in; turn.start, audio frames, audio.metadata
word boundaries, turn.end out), so the real edge-tts client, aiohttp and our engine run unchanged. Only the
network boundary is faked.

The "voice" reads each word of the SSML text as a tone burst, so where each word's sound starts is known
exactly (`FakeEdge.onsets`); its pace follows the SSML prosody rate from a natural rate the fake is given, so a
rate calibration can be exercised. The audio is real MP3 from ffmpeg (24 kHz, 48 kb/s CBR, streamed without a
gapless tag, as the service sends it), and word offsets are in 100 ns ticks from the start of the audio.

Faults from `FakeEdge(faults=...)`: a callable (connection number from 0, text) → fault or None, asked at the
handshake with text None (for the refusals) and again once the SSML has arrived:
  "403"        handshake refused with 403 (and the Date header every reply has): the Sec-MS-GEC refusal
  "429", "503" handshake refused with that status
  "no-audio"   turn.start then turn.end, nothing in between
  "silent"     the SSML is read and nothing is ever answered
  "stall"      a slow reply: the first word and audio frame arrive, then nothing more
  "drop"       the connection is cut (no close frame) right after the SSML arrives
  "drop-mid"   half the audio and word boundaries are sent, then the connection is cut
  "not-mp3"    audio frames that hold no MP3
  "sentences"  sentence boundaries only, whatever the client asked for
The server's clock can be set off (`clock_skew`): a Sec-MS-GEC token made with another time is refused with 403
and the server's Date, as the real service does, so edge-tts's own clock-skew correction is exercised.
"""

from __future__ import annotations

import array
import asyncio
import email.utils
import html
import json
import math
import re
import struct
import subprocess
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from broadcast.audio import sound

SAMPLE_RATE = 24000
TICKS = 10_000_000
PATH = "/consumer/speech/synthesize/readaloud/edge/v1"
LEAD = 0.12  # silence before the first word
TAIL = 0.30  # after the last
COMMA_PAUSE = 0.22  # extra silence after , ; :
SOUND_SHARE = 0.78  # of each syllable's time, the rest is the gap to the next word


@dataclass
class Request:
    text: str
    voice: str
    rate: str
    word_boundary: bool
    sec_ms_gec: str


@dataclass
class Rendered:
    mp3: bytes
    words: list[tuple[str, float, float]]  # (word, onset s, duration s)


@dataclass
class FakeEdge:
    natural_rate: float = 4.8  # syllables per second at +0%, pauses at commas included
    delay: float = 0.0  # seconds before each reply starts
    faults: Callable[[int, str | None], str | None] = lambda n, text: None
    clock_skew: float = 0.0  # the server's clock minus ours, seconds
    early: float = 0.0  # report word offsets this many seconds before the sound (never below 0)
    requests: list[Request] = field(default_factory=list)
    handshakes: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    onsets: dict[str, list[tuple[str, float]]] = field(default_factory=dict)  # text → (word, onset s)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._rendered: dict[tuple[str, str], Rendered] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stop: asyncio.Event | None = None
        self.url = ""

    # --- lifecycle ------------------------------------------------------------------------------------------

    def __enter__(self) -> "FakeEdge":
        ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(ready,), daemon=True, name="fake-edge")
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake edge server did not start")
        return self

    def __exit__(self, *exc) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(10)

    def _serve(self, ready: threading.Event) -> None:
        from aiohttp import web

        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            app = web.Application()
            app.router.add_get(PATH, self._handle)
            app.router.add_get("/stats", self._stats)
            runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            self.url = f"ws://127.0.0.1:{port}{PATH}?TrustedClientToken=fake"
            ready.set()
            await self._stop.wait()
            await runner.cleanup()

        asyncio.run(main())

    async def _stats(self, request):
        from aiohttp import web

        with self._lock:
            return web.json_response({"requests": len(self.requests), "handshakes": self.handshakes,
                                      "max_in_flight": self.max_in_flight})

    # --- the protocol ---------------------------------------------------------------------------------------

    async def _handle(self, request):
        from aiohttp import web
        from edge_tts.drm import generate_sec_ms_gec_v2

        with self._lock:
            number = self.handshakes
            self.handshakes += 1
        token = request.query.get("Sec-MS-GEC", "")
        server_now = time.time() + self.clock_skew
        date = email.utils.formatdate(server_now, usegmt=True)
        # the token changes every 5 minutes; a client whose clock is off by more is refused
        valid = {generate_sec_ms_gec_v2(server_now), generate_sec_ms_gec_v2(server_now - 300)}
        if token not in valid:
            raise web.HTTPForbidden(headers={"Date": date})
        ws = web.WebSocketResponse(compress=False)
        refusal = self.faults(number, None)  # at the handshake the text is not known yet
        if refusal in ("403", "429", "503"):
            headers = {"Date": date}
            if refusal == "429":
                headers["Retry-After"] = "0"
            raise _status_error(int(refusal[:3]), headers)
        await ws.prepare(request)
        config = await ws.receive()
        ssml_message = await ws.receive()
        if config.type.name != "TEXT" or ssml_message.type.name != "TEXT":
            await ws.close()
            return ws
        word_boundary = '"wordBoundaryEnabled":"true"' in config.data
        text, voice, rate = _parse_ssml(ssml_message.data)
        request_id = re.search(r"X-RequestId:(\w+)", ssml_message.data)
        rid = request_id.group(1) if request_id else "0"
        with self._lock:
            self.requests.append(Request(text, voice, rate, word_boundary, token))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            fault = self.faults(number, text)
            await self._reply(ws, request, rid, text, rate, word_boundary, fault)
        except ConnectionError:  # the client hung up (its timeout, or it was cancelled)
            pass
        finally:
            with self._lock:
                self.in_flight -= 1
        return ws

    async def _reply(self, ws, request, rid: str, text: str, rate: str, word_boundary: bool,
                     fault: str | None) -> None:
        if fault == "silent":
            await asyncio.sleep(3600)
        if fault == "drop":
            request.transport.close()
            return
        if self.delay:
            await asyncio.sleep(self.delay)
        await ws.send_str(_text_message(rid, "turn.start", {"context": {"serviceTag": "fake"}}))
        if fault == "no-audio":
            await ws.send_str(_text_message(rid, "turn.end", {}))
            await ws.close()
            return
        rendered = await asyncio.get_running_loop().run_in_executor(None, self.render, text, rate)
        mp3 = b"ID3-but-not-really" * 40 if fault == "not-mp3" else rendered.mp3
        # audio in ~1/4 s frames; each word's boundary goes out before the frame its sound starts in
        frame_bytes = 48000 // 8 // 4
        events = []
        for word, onset, duration in rendered.words:
            offset = max(0.0, onset - self.early)
            events.append((offset, {"Type": "WordBoundary", "Data": {
                "Offset": int(round(offset * TICKS)), "Duration": int(round(duration * TICKS)),
                "text": {"Text": word, "Length": len(word), "BoundaryType": "WordBoundary"}}}))
        if fault == "sentences" or not word_boundary:
            total = rendered.words[-1][1] + rendered.words[-1][2] if rendered.words else 0.0
            events = [(0.0, {"Type": "SentenceBoundary", "Data": {
                "Offset": int(LEAD * TICKS), "Duration": int(total * TICKS),
                "text": {"Text": text, "Length": len(text), "BoundaryType": "SentenceBoundary"}}})]
        cut = len(mp3) // 2 if fault == "drop-mid" else len(mp3)
        sent_events = 0
        for start in range(0, cut, frame_bytes):
            frame_end_s = (start + frame_bytes) * 8 / 48000
            while sent_events < len(events) and events[sent_events][0] < frame_end_s:
                await ws.send_str(_text_message(rid, "audio.metadata", {"Metadata": [events[sent_events][1]]}))
                sent_events += 1
            await ws.send_bytes(_audio_message(rid, mp3[start : min(cut, start + frame_bytes)]))
            if fault == "stall":
                await asyncio.sleep(3600)
        if fault == "drop-mid":
            request.transport.close()
            return
        for _, event in events[sent_events:]:
            await ws.send_str(_text_message(rid, "audio.metadata", {"Metadata": [event]}))
        await ws.send_bytes(_audio_message(rid, b"", content_type=None))
        await ws.send_str(_text_message(rid, "turn.end", {}))
        await ws.close()

    # --- the "voice" ----------------------------------------------------------------------------------------

    def render(self, text: str, rate: str = "+0%") -> Rendered:
        """The text read as tone bursts at the prosody rate: MP3 and each word's onset and length."""
        key = (text, rate)
        with self._lock:
            if key in self._rendered:
                return self._rendered[key]
        speed = 1 + int(rate.rstrip("%")) / 100
        words = text.split()
        # one syllable per written word; the natural rate includes the comma pauses
        pauses = sum(1 for w in words if w[-1] in ",;:")
        syllable = max(0.05, (len(words) / self.natural_rate - pauses * COMMA_PAUSE) / max(1, len(words)))
        t = LEAD
        placed: list[tuple[str, float, float]] = []
        pcm = bytearray()
        for i, word in enumerate(words):
            length = syllable * SOUND_SHARE / speed
            pcm += sound.silence(round(t * SAMPLE_RATE) - len(pcm) // 2)
            pcm += _burst(length, 170 + 37 * (i % 6))
            placed.append((" ".join(spoken_words(word)), t, length))
            t += syllable / speed + (COMMA_PAUSE / speed if word[-1] in ",;:" else 0.0)
        pcm += sound.silence(round((t + TAIL) * SAMPLE_RATE) - len(pcm) // 2)
        mp3 = _mp3(bytes(pcm))
        rendered = Rendered(mp3, [w for w in placed if w[0]])
        with self._lock:
            self._rendered[key] = rendered
            self.onsets[text] = [(w, onset) for w, onset, _ in rendered.words]
        return rendered


def _status_error(status: int, headers: dict[str, str]):
    from aiohttp import web

    error = {403: web.HTTPForbidden, 429: web.HTTPTooManyRequests, 503: web.HTTPServiceUnavailable}[status]
    return error(headers=headers)


def _parse_ssml(message: str) -> tuple[str, str, str]:
    body = message.split("\r\n\r\n", 1)[1]
    voice = re.search(r"<voice name='([^']*)'>", body)
    rate = re.search(r"rate='([^']*)'", body)
    inner = re.search(r"<prosody[^>]*>(.*)</prosody>", body, re.S)
    return (html.unescape(inner.group(1)) if inner else "", voice.group(1) if voice else "",
            rate.group(1) if rate else "+0%")


def _text_message(request_id: str, path: str, body: dict) -> str:
    return (f"X-RequestId:{request_id}\r\nContent-Type:application/json; charset=utf-8\r\nPath:{path}\r\n\r\n"
            + json.dumps(body))


def _audio_message(request_id: str, data: bytes, content_type: str | None = "audio/mpeg") -> bytes:
    header = f"X-RequestId:{request_id}\r\n"
    if content_type:
        header += f"Content-Type:{content_type}\r\n"
    header += "Path:audio\r\n"
    encoded = header.encode()
    return struct.pack(">H", len(encoded)) + encoded + data


_TONES: dict[float, array.array] = {}


def _burst(seconds: float, frequency: float) -> bytes:
    """A tone of `seconds` with 4 ms fades; the tone is computed once per frequency and sliced."""
    n = max(1, round(seconds * SAMPLE_RATE))
    tone = _TONES.get(frequency)
    if tone is None or len(tone) < n:
        length = max(n, 3 * SAMPLE_RATE)
        tone = array.array("h", (int(12000 * math.sin(2 * math.pi * frequency * i / SAMPLE_RATE))
                                 for i in range(length)))
        _TONES[frequency] = tone
    burst = tone[:n]
    fade = min(n // 2, round(0.004 * SAMPLE_RATE))
    for i in range(fade):
        burst[i] = int(burst[i] * (i + 1) / fade)
        burst[n - 1 - i] = int(burst[n - 1 - i] * (i + 1) / fade)
    return burst.tobytes()


def _mp3(pcm: bytes) -> bytes:
    """24 kHz mono 48 kb/s CBR MP3 written to a pipe: no gapless tag, as the service streams it."""
    proc = subprocess.run(
        [sound.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "s16le", "-ar", str(SAMPLE_RATE),
         "-ac", "1", "-i", "pipe:0", "-c:a", "libmp3lame", "-b:a", "48k", "-f", "mp3", "pipe:1"],
        input=pcm, capture_output=True, check=True,
    )
    return proc.stdout



def spoken_words(text: str) -> list[str]:
    """The words the fake voice reads (and announces) in `text`, in order."""
    return [w for w in (t.strip(".,;:!?…\"'()") for t in text.split()) if w]


def part_onsets(fake: FakeEdge, parts: list[str]) -> list[float]:
    """Where the fake voice started each part's first word, in seconds into the sentence's audio."""
    onsets = fake.onsets[" ".join(parts)]
    starts, k = [], 0
    for part in parts:
        starts.append(onsets[k][1])
        k += len(spoken_words(part))
    return starts


def main() -> None:
    """Serve in a process of its own (for benchmarks, so the client does not share an interpreter with it):
    prints the URL, serves until standard input closes; GET /stats on the same port gives the counts."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    with FakeEdge(delay=args.delay) as fake:
        print(fake.url, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
