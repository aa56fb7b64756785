"""A stand-in for Google Translate's speech endpoint, for tests and the benchmark: the network boundary is
the only thing faked. Replies carry real MP3 made by the bundled ffmpeg."""

from __future__ import annotations

import base64
import json
import subprocess
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from broadcast.audio import sound

PATH = "/_/TranslateWebserverUi/data/batchexecute"


def tone_mp3(seconds: float, tagged: bool = True, sample_rate: int = 24000, frequency: int = 300) -> bytes:
    """A tone as MP3. `tagged`: with the LAME gapless header (written to a file, as encoders that can seek
    do); untagged: streamed to a pipe, so only the standard delay is known."""
    args = [sound.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
            f"sine=frequency={frequency}:duration={seconds}:sample_rate={sample_rate}", "-ac", "1",
            "-c:a", "libmp3lame", "-b:a", "32k"]
    if not tagged:
        return subprocess.run(args + ["-f", "mp3", "pipe:1"], capture_output=True, check=True).stdout
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tone.mp3"
        subprocess.run(args + [str(path)], capture_output=True, check=True)
        return path.read_bytes()


def google_reply(mp3: bytes) -> str:
    """Google's batchexecute reply around an MP3 (compact JSON, or gTTS's pattern misses it)."""
    payload = json.dumps([base64.b64encode(mp3).decode()], separators=(",", ":"))
    return ")]}'\n\n" + json.dumps([["wrb.fr", "jQ1olc", payload, None, None, None, "generic"]],
                                     separators=(",", ":"))


def sent_text(body: str | bytes) -> str:
    """The text a gTTS request body asks to have spoken."""
    if isinstance(body, bytes):
        body = body.decode()
    rpc = json.loads(urllib.parse.parse_qs(body)["f.req"][0])
    return json.loads(rpc[0][0][1])[0]


class FakeGoogle:
    """A local HTTP server answering every POST with `mp3` after `delay` seconds (or never, if `stall`).

    `with FakeGoogle(mp3) as google:` then send to `google.url`; `google.texts` lists what was asked for and
    `google.max_in_flight` how many requests were ever being answered at once.
    """

    def __init__(self, mp3: bytes, delay: float = 0.0, stall: bool = False) -> None:
        self.reply = google_reply(mp3).encode()
        self.delay = delay
        self.stall = stall
        self.texts: list[str] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with fake._lock:
                    fake.texts.append(sent_text(body))
                    fake.in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                try:
                    if fake.stall:
                        fake._release.wait(30)
                        return
                    time.sleep(fake.delay)
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(fake.reply)))
                    self.end_headers()
                    self.wfile.write(fake.reply)
                finally:
                    with fake._lock:
                        fake.in_flight -= 1

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{PATH}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeGoogle":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()
