"""Google Translate's voice, online. gTTS builds each request body; we send them ourselves.

gTTS on its own has no timeout, turns TLS certificate checks off, sends one chunk after another and cuts at
every comma. Here a part (one cue's speech text) is cut into ≤100-character chunks only where the text
already pauses (clauses, then words), the chunks of a whole bulletin go out in parallel through one
`requests` session with certificate checks, timeouts and bounded retries, and every chunk's MP3 is decoded
with its encoder padding trimmed, so each cue is timed from its own audio without drift.
"""

from __future__ import annotations

import base64
import binascii
import re
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Callable, Iterator, Sequence

from broadcast.audio import sound
from broadcast.errors import BroadcastError
from broadcast.text import segmenter
from broadcast.voice.base import EngineError, SpeechAudio, VoiceInfo
from broadcast.voice.online import RetryPolicy, TransportStats, first_line, host
from broadcast.voice.online import retry_after as parse_retry_after

SAMPLE_RATE = 24000
MAX_CHARS = 100  # what the endpoint accepts per request
PART_GAP = 0.12  # Google ends each reply abruptly; a short gap keeps joined parts from running together
ENDPOINT = "https://translate.google.{tld}/_/TranslateWebserverUi/data/batchexecute"
DEFAULT_CONCURRENCY = 4

DEFAULT_POLICY = RetryPolicy()


def split_for_google(text: str, limit: int = MAX_CHARS) -> list[str]:
    """Chunks of at most `limit` characters, cut where our cues are cut (segmenter's break costs: after a
    sentence mark, ; or :, a comma, before a conjunction; never after a number or inside a name) and
    never inside a word. Each cut is an audible pause, so the cheapest set of cuts wins.

    A single word longer than `limit` (a URL, say) is sent whole rather than cut.
    """
    words = text.split()
    if len(" ".join(words)) <= limit:
        return [" ".join(words)] if words else []
    n = len(words)
    inf = float("inf")
    # best[i]: (cost, start of the last chunk) for words[:i]
    best: list[tuple[float, int]] = [(0.0, 0)] + [(inf, 0)] * n
    for i in range(1, n + 1):
        cut_cost = _cut_cost(words, i) if i < n else 0.0
        length = -1
        for j in range(i - 1, -1, -1):
            length += len(words[j]) + 1
            if length > limit and j < i - 1:
                break
            cost = best[j][0] + segmenter.CUE_COST + cut_cost
            if cost < best[i][0]:
                best[i] = (cost, j)
    chunks: list[str] = []
    i = n
    while i > 0:
        j = best[i][1]
        chunks.append(" ".join(words[j:i]))
        i = j
    return chunks[::-1]


def _cut_cost(words: list[str], k: int) -> float:
    """The segmenter's cost of a break before words[k], except that a conjunction or preposition is a fair
    place to pause even after a number ("năm 2024 | và"): a request boundary must fall somewhere."""
    cost = segmenter._gap_cost(words, k)
    if words[k].lower() in segmenter.CONJUNCTIONS_AND_PREPOSITIONS:
        cost = min(cost, segmenter.BREAK_BEFORE_WORD)
    return cost


class GoogleTranslateClient:
    """Sends one chunk of text and returns its MP3, with timeouts, certificate checks and retries."""

    def __init__(
        self,
        lang: str,
        endpoint: str,
        policy: RetryPolicy = DEFAULT_POLICY,
        pool_size: int = DEFAULT_CONCURRENCY,
        wait_hook: Callable[[float], None] | None = None,
    ) -> None:
        import requests
        from requests.adapters import HTTPAdapter

        self.lang = lang
        self.endpoint = endpoint
        self.policy = policy
        self.stats = TransportStats()
        self.session = requests.Session()
        self.session.verify = True
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max(1, pool_size), max_retries=0)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self._wait_hook = wait_hook

    def body(self, text: str) -> str:
        from gtts import gTTS

        # no pre-processors (they are English-only) and no tokenizer: the chunk is already ≤100 characters
        bodies = gTTS(text, lang=self.lang, lang_check=False, pre_processor_funcs=[]).get_bodies()
        if len(bodies) != 1:  # pragma: no cover - gTTS only splits text over 100 characters
            raise EngineError(f"gTTS split a {len(text)}-character chunk into {len(bodies)} requests")
        return bodies[0]

    def fetch(self, text: str, stop: threading.Event | None = None) -> bytes:
        import requests
        from gtts import gTTS

        stop = stop or threading.Event()
        body = self.body(text)
        attempts = self.policy.retries + 1
        cause = "no attempt made"
        for attempt in range(attempts):
            if stop.is_set():
                raise EngineError(f"cancelled {text[:40]!r}")
            retry_after: float | None = None
            self.stats.sent(text)
            try:
                reply = self.session.post(
                    self.endpoint, data=body, headers=gTTS.GOOGLE_TTS_HEADERS, verify=True,
                    timeout=(self.policy.connect_timeout, self.policy.read_timeout),
                )
            except requests.exceptions.SSLError as exc:  # retrying cannot fix a certificate
                raise EngineError(f"gTTS request failed for {text[:40]!r}: TLS certificate check failed "
                                  f"({first_line(exc)})") from None
            except requests.exceptions.Timeout:
                cause = (f"no answer within {self.policy.read_timeout:g} s (timeout)")
            except requests.exceptions.ConnectionError as exc:
                cause = f"cannot connect to {host(self.endpoint)} (offline? {_connection_reason(exc)})"
            except requests.exceptions.RequestException as exc:
                cause = f"{type(exc).__name__}: {first_line(exc)}"
            else:
                if reply.status_code == 200:
                    return _audio_from_reply(reply.text, text)
                cause = f"HTTP {reply.status_code} {reply.reason or ''}".strip()
                if reply.status_code != 429 and reply.status_code < 500:
                    raise EngineError(f"gTTS request failed for {text[:40]!r}: {cause}")
                retry_after = parse_retry_after(reply.headers.get("Retry-After"))
            if attempt + 1 < attempts:
                delay = self.policy.wait_before(attempt, retry_after)
                self.stats.waiting(delay)
                if self._wait_hook is not None:
                    self._wait_hook(delay)
                elif stop.wait(delay):
                    raise EngineError(f"cancelled {text[:40]!r}")
        raise EngineError(f"gTTS request failed for {text[:40]!r}: {cause}, after {attempts} attempts")

    def close(self) -> None:
        self.session.close()


class GttsEngine:
    name = "gtts"
    default_voice = "vi"
    summary = "Google Translate's voice through gTTS, online"
    needs = "internet"

    @classmethod
    def voices(cls) -> list[VoiceInfo]:
        from gtts.lang import tts_langs  # gTTS's own list, known without the network

        return [VoiceInfo("vi", f"{tts_langs().get('vi', 'Vietnamese')}, Google Translate's voice (northern, female)",
                          "internet")]

    @classmethod
    def resolve_voice(cls, voice: str | None) -> str:
        if voice is None:
            return cls.default_voice
        if voice not in {v.name for v in cls.voices()}:
            from broadcast.voice.engines import voice_error

            raise voice_error(cls.name, voice, cls.voices())
        return voice

    def __init__(
        self,
        voice: str | None = None,
        rate: float = 3.3,
        concurrency: int = DEFAULT_CONCURRENCY,
        tld: str = "com",
        endpoint: str | None = None,
        policy: RetryPolicy | None = None,
        wait_hook: Callable[[float], None] | None = None,
    ) -> None:
        import gtts

        self.voice = self.resolve_voice(voice)
        self.rate = rate  # Google has one pace (and "slow"); the rate only feeds estimates
        self.version = f"gtts {gtts.__version__}"
        self.concurrency = max(1, concurrency)
        self.client = GoogleTranslateClient(
            self.voice, endpoint or ENDPOINT.format(tld=tld), policy or DEFAULT_POLICY, self.concurrency, wait_hook
        )

    @property
    def stats(self) -> TransportStats:
        return self.client.stats

    def chunk_pcm(self, text: str, stop: threading.Event | None = None) -> bytes:
        mp3 = self.client.fetch(text, stop)
        try:
            return sound.decode_mp3_gapless(mp3, SAMPLE_RATE)
        except BroadcastError as exc:
            raise EngineError(f"gTTS sent audio that cannot be decoded for {text[:40]!r}: {exc}") from None

    def synthesize(self, parts: list[str]) -> SpeechAudio:
        return next(self.synthesize_all([parts]))[1]

    def synthesize_all(self, sentences: Sequence[Sequence[str]]) -> Iterator[tuple[int, SpeechAudio]]:
        """(position, speech) for each sentence as soon as all its chunks are in, up to `concurrency`
        requests at a time; sentences go out in order, so early ones finish first.

        A failure stops every later sentence (queued chunks are dropped, waits between retries end) and is
        raised as an EngineError whose `position` is the failing sentence; earlier sentences still in flight are
        finished first, so the sentence named is the first that fails, whatever order the replies came in.
        """
        plan = [[split_for_google(part) or [part] for part in parts] for parts in sentences]
        pcm: list[list[list[bytes | None]]] = [[[None] * len(c) for c in parts] for parts in plan]
        remaining = [sum(len(c) for c in parts) for parts in plan]
        stop = threading.Event()
        pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="gtts")
        pending: dict[Future[bytes], tuple[int, int, int]] = {}
        failure: EngineError | None = None
        try:
            for s, parts in enumerate(plan):
                for p, chunks in enumerate(parts):
                    for c, text in enumerate(chunks):
                        pending[pool.submit(self.chunk_pcm, text, stop)] = (s, p, c)
            for s in (s for s, n in enumerate(remaining) if n == 0):  # a sentence with no text
                yield s, SpeechAudio(b"", SAMPLE_RATE, tuple((0, 0) for _ in plan[s]))
            while pending:
                if failure is not None and all(s >= failure.position for s, _, _ in pending.values()):
                    break  # what is left comes after the failure: stopped in `finally`
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in sorted(done, key=lambda f: pending[f]):
                    s, p, c = pending.pop(future)
                    if failure is not None and s >= failure.position:
                        continue
                    try:
                        pcm[s][p][c] = future.result()
                    except EngineError as exc:
                        failure = EngineError(str(exc), position=s)
                        for later in [f for f, (t, _, _) in pending.items() if t >= s and f.cancel()]:
                            del pending[later]
                        continue
                    remaining[s] -= 1
                    if remaining[s] == 0:
                        parts_pcm = [b"".join(chunk or b"" for chunk in chunks) for chunks in pcm[s]]
                        pcm[s] = []  # free the chunks; the joined speech is handed on
                        yield s, SpeechAudio.from_parts(parts_pcm, SAMPLE_RATE, int(PART_GAP * SAMPLE_RATE))
            if failure is not None:
                raise failure
        finally:
            stop.set()
            pool.shutdown(wait=True, cancel_futures=True)


def _audio_from_reply(reply: str, text: str) -> bytes:
    """The MP3 inside Google's batchexecute reply (the same pattern gTTS looks for)."""
    for line in reply.splitlines():
        if "jQ1olc" in line:
            found = re.search(r'jQ1olc","\[\\"(.*)\\"]', line)
            if found:
                try:
                    data = base64.b64decode(found.group(1), validate=True)
                except (binascii.Error, ValueError):
                    break
                if data:
                    return data
            break
    raise EngineError(f"gTTS request failed for {text[:40]!r}: the reply holds no audio "
                      f"(starts {reply[:30]!r}); the service may have changed or a proxy answered")


def _connection_reason(exc: BaseException) -> str:
    """The innermost reason (refused, name not known) instead of urllib3's nested repr."""
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "Temporary failure in name resolution",
                   "Network is unreachable", "No route to host", "Connection reset"):
        if marker in text:
            return f"ConnectionError: {marker}"
    return "ConnectionError"
