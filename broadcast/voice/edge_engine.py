"""Microsoft Edge's read-aloud voices (neural, online) through edge-tts.

Each sentence goes out whole, so it is read with natural intonation, and the service is asked for word
boundaries (edge-tts asks for sentence boundaries unless told otherwise); each cue starts at the first word at
or after its place in the text, snapped to that word's sound. Sentences go out `concurrency` at a time on one
asyncio loop; each request has a connect and a per-message receive timeout, and is retried with capped,
jittered backoff on the failures the service is known for: 403 (its Sec-MS-GEC token: edge-tts corrects clock
skew from the Date header once by itself), 429 and 5xx, no audio, timeouts and dropped connections (a reply
whose audio or word boundaries stop before the text does counts as dropped). Audio that is empty or not MP3 is
refused. The service is unofficial and may change or refuse at any time: use a fallback.
"""

from __future__ import annotations

import asyncio
import math
import queue
import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

from broadcast.audio import sound
from broadcast.errors import BroadcastError
from broadcast.voice.base import EngineError, SpeechAudio, VoiceInfo, join_parts
from broadcast.voice.online import RetryPolicy, TransportStats, first_line, host, retry_after

SAMPLE_RATE = 24000  # the service's "audio-24khz-48kbitrate-mono-mp3"
TICKS_PER_SECOND = 10_000_000  # word offsets are in 100 ns ticks
TRUNCATION_SLACK = 0.1  # seconds the audio may end before the last word boundary does (MP3 framing, rounding)
DEFAULT_CONCURRENCY = 4
DEFAULT_POLICY = RetryPolicy(connect_timeout=10.0, read_timeout=20.0, retries=4, backoff=0.5, max_wait=30.0)

VOICES = (
    VoiceInfo("vi-VN-HoaiMyNeural", "Vietnamese, female, northern (Microsoft neural)", "internet"),
    VoiceInfo("vi-VN-NamMinhNeural", "Vietnamese, male, northern (Microsoft neural)", "internet"),
)

# --rate is syllables per second (pauses at commas included); the service takes a percentage of each voice's
# own pace. NATURAL_RATE is that pace at "+0%". These are ASSUMED values, not measured: this code was written
# where the service cannot be reached. Measure them with `python bench/edge_rate.py` online (it reads the
# bundled sample at +0% through the real pipeline and prints the values to put here); the mapping is linear
# (SSML prosody rate is a multiplier of the voice's pace), which the same script checks at other rates.
NATURAL_RATE = {"vi-VN-HoaiMyNeural": 4.5, "vi-VN-NamMinhNeural": 4.5}
RATE_CALIBRATED = False
MIN_PERCENT, MAX_PERCENT = -50, 100  # the SSML prosody rates the service honours: half to double pace


def service_rate(voice: str, rate: float) -> int:
    """The service's rate (percent) that makes `voice` speak `rate` syllables per second."""
    natural = NATURAL_RATE[voice]
    percent = round((rate / natural - 1) * 100)
    if not MIN_PERCENT <= percent <= MAX_PERCENT:
        low = natural * (1 + MIN_PERCENT / 100)
        high = natural * (1 + MAX_PERCENT / 100)
        raise EngineError(f"--rate {rate:g}: {voice} speaks between {low:.2f} and {high:.2f} syllables/s")
    return percent


@dataclass(frozen=True)
class Boundary:
    """A WordBoundary event: where the service says a word is spoken, in seconds from the audio's start."""

    offset: float
    duration: float
    word: str


@dataclass(frozen=True)
class WordEvent:
    text_position: int  # where the word is in the text sent
    sample: int  # where the service says it starts in the decoded audio


class _Retry(Exception):
    """A failure worth another attempt; `cause` is what the user is told if none succeeds."""

    def __init__(self, cause: str, retry_after: float | None = None) -> None:
        super().__init__(cause)
        self.cause = cause
        self.retry_after = retry_after


class EdgeEngine:
    name = "edge"
    default_voice = VOICES[0].name
    summary = "Microsoft Edge read-aloud voices (neural) through edge-tts; an unofficial online service"
    needs = "internet"

    @classmethod
    def voices(cls) -> list[VoiceInfo]:
        return list(VOICES)

    @classmethod
    def resolve_voice(cls, voice: str | None) -> str:
        if voice is None:
            return cls.default_voice
        for known in VOICES:  # the service's names are case-sensitive; accept any case, send its own
            if voice.lower() == known.name.lower():
                return known.name
        from broadcast.voice.engines import voice_error

        raise voice_error(cls.name, voice, cls.voices())

    def __init__(
        self,
        voice: str | None = None,
        rate: float = 3.3,
        concurrency: int = DEFAULT_CONCURRENCY,
        policy: RetryPolicy | None = None,
        wait_hook: Callable[[float], None] | None = None,
    ) -> None:
        try:
            import edge_tts
        except ImportError:  # pragma: no cover - a declared dependency
            raise EngineError("edge-tts is not installed (pip install edge-tts)") from None
        self.voice = self.resolve_voice(voice)
        self.rate = rate
        self.percent = service_rate(self.voice, rate)
        # the version goes into the cache key: a new edge-tts or another rate mapping speaks anew
        self.version = f"edge-tts {edge_tts.__version__}, rate {self.percent:+d}%"
        self.concurrency = max(1, concurrency)
        self.policy = policy or DEFAULT_POLICY
        self.stats = TransportStats()
        self._wait_hook = wait_hook

    # --- the Engine interface -------------------------------------------------------------------------------

    def synthesize(self, parts: list[str]) -> SpeechAudio:
        return next(self.synthesize_all([parts]))[1]

    def synthesize_all(self, sentences: Sequence[Sequence[str]]) -> Iterator[tuple[int, SpeechAudio]]:
        """(position, speech) for each sentence as it is done, up to `concurrency` requests at a time (the longest
        sentences first when more than one). The first failure cancels the rest and is raised as an EngineError naming the sentence's
        position; closing the iterator early cancels what is in flight."""
        if not sentences:
            return
        results: queue.SimpleQueue[Any] = queue.SimpleQueue()
        control: dict[str, Any] = {}
        started = threading.Event()

        def run() -> None:
            try:
                asyncio.run(self._run_all(sentences, results, control, started))
            except asyncio.CancelledError:  # stopped by the consumer
                pass

        thread = threading.Thread(target=run, name="edge-tts", daemon=True)
        thread.start()
        started.wait()
        try:
            for _ in range(len(sentences)):
                item = results.get()
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            try:
                control["loop"].call_soon_threadsafe(control["task"].cancel)
            except RuntimeError:  # the loop has already finished
                pass
            thread.join()

    # --- on the event loop ----------------------------------------------------------------------------------

    async def _run_all(self, sentences: Sequence[Sequence[str]], results: queue.SimpleQueue, control: dict,
                       started: threading.Event) -> None:
        control["loop"] = asyncio.get_running_loop()
        control["task"] = asyncio.current_task()
        started.set()
        # waiters are served in the order they came. Several at a time, the longest sentences go out first, so
        # the service's time (about the audio's length) and the decoding of long ones overlap the short ones
        # instead of ending the run; one at a time, in the bulletin's order
        gate = asyncio.Semaphore(self.concurrency)

        async def one(position: int, parts: Sequence[str]) -> EngineError | None:
            """Speak one sentence into `results`; a failure is returned, never raised, so no task is left
            holding an exception for asyncio to log when the loop shuts down."""
            try:
                speech = await self._sentence(list(parts), gate)
            except EngineError as exc:
                return EngineError(str(exc), position=position)
            except (asyncio.CancelledError, KeyboardInterrupt):
                raise
            except Exception as exc:  # an edge-tts or aiohttp failure not foreseen: still one line
                return EngineError(f"edge-tts failed: {type(exc).__name__}: {first_line(exc)}", position=position)
            results.put((position, speech))
            return None

        order = list(range(len(sentences)))
        if self.concurrency > 1:
            order.sort(key=lambda i: -sum(len(p) for p in sentences[i]))
        tasks = [asyncio.create_task(one(i, sentences[i])) for i in order]
        try:
            for finished in asyncio.as_completed(tasks):
                failure = await finished
                if failure is not None:
                    results.put(failure)
                    break
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _sentence(self, parts: list[str], gate: asyncio.Semaphore) -> SpeechAudio:
        """One sentence, retried as needed. Only the request holds a place in `gate` (--concurrency is requests
        in flight): decoding and the waits between attempts leave it to the next sentence."""
        text, part_starts = join_parts(parts)
        if not re.search(r"\w", text):
            return SpeechAudio(b"", SAMPLE_RATE, tuple((0, 0) for _ in parts))
        attempts = self.policy.retries + 1
        cause = "no attempt made"
        for attempt in range(attempts):
            self.stats.sent(text)
            try:
                async with gate:
                    mp3, boundaries = await self._request(text)
                pcm = await asyncio.to_thread(_decode, mp3, text)
                events = _locate(text, boundaries, len(pcm) // 2)
                return SpeechAudio.from_word_events(pcm, SAMPLE_RATE, part_starts, events)
            except _Retry as retry:
                cause, retry_after = retry.cause, retry.retry_after
            if attempt + 1 < attempts:
                delay = self.policy.wait_before(attempt, retry_after)
                self.stats.waiting(delay)
                if self._wait_hook is not None:
                    self._wait_hook(delay)
                else:
                    await asyncio.sleep(delay)
        raise EngineError(f"edge-tts failed for {text[:40]!r}: {cause}, after {attempts} attempts")

    async def _request(self, text: str) -> tuple[bytes, list[Boundary]]:
        """One attempt: the MP3 and the word boundaries, or _Retry/EngineError."""
        import aiohttp
        import edge_tts
        from edge_tts import exceptions

        communicate = edge_tts.Communicate(
            text, self.voice, rate=f"{self.percent:+d}%", boundary="WordBoundary",
            connect_timeout=max(1, math.ceil(self.policy.connect_timeout)),
            receive_timeout=max(1, math.ceil(self.policy.read_timeout)),
        )
        stream = communicate.stream()
        audio = bytearray()
        boundaries: list[Boundary] = []
        # edge-tts's own timeouts are whole seconds and do not cover every wait; bound each message here
        limit = self.policy.connect_timeout + self.policy.read_timeout
        try:
            while True:
                try:
                    chunk = await asyncio.wait_for(stream.__anext__(), limit)
                except StopAsyncIteration:
                    break
                limit = self.policy.read_timeout
                if chunk["type"] == "audio":
                    audio += chunk["data"]
                elif chunk["type"] == "WordBoundary":
                    boundaries.append(Boundary(chunk["offset"] / TICKS_PER_SECOND,
                                               chunk["duration"] / TICKS_PER_SECOND, chunk["text"]))
        except asyncio.TimeoutError:
            raise _Retry(f"no answer within {limit:g} s (timeout)") from None
        except aiohttp.ClientResponseError as exc:  # the handshake refused (WSServerHandshakeError)
            raise _status(exc.status, exc.headers) from None
        except exceptions.SkewAdjustmentError:
            raise _status(403, None) from None
        except exceptions.NoAudioReceived:
            raise _Retry("no audio received") from None
        except exceptions.WebSocketError as exc:
            raise _Retry(f"connection error ({first_line(exc)})") from None
        except (exceptions.UnexpectedResponse, exceptions.UnknownResponse) as exc:
            raise EngineError(f"edge-tts failed for {text[:40]!r}: unexpected reply ({first_line(exc)}); "
                              "the service may have changed: pip install -U edge-tts") from None
        except aiohttp.ClientConnectorError as exc:
            raise _Retry(f"cannot connect to {host(str(exc.host))} (offline? {first_line(exc.os_error)})") from None
        except (aiohttp.ClientError, OSError) as exc:
            raise _Retry(f"connection dropped ({type(exc).__name__}: {first_line(exc)})") from None
        finally:
            await stream.aclose()
        return bytes(audio), boundaries


def _status(status: int, headers: Any) -> BaseException:
    """A refused handshake: 403, 429 and 5xx are worth retrying, anything else is not."""
    if status == 403:
        return _Retry("HTTP 403: the service refused the request token (Sec-MS-GEC); check that this computer's "
                      "clock is right, else edge-tts needs an upgrade (pip install -U edge-tts)")
    if status == 429 or status >= 500:
        wait = retry_after(headers.get("Retry-After")) if headers is not None else None
        return _Retry(f"HTTP {status}" + (" (too many requests: lower --concurrency)" if status == 429 else ""),
                      wait)
    return EngineError(f"edge-tts failed: HTTP {status}")


def _decode(mp3: bytes, text: str) -> bytes:
    if not mp3:
        raise _Retry("no audio received")
    if sound.mp3_stream(mp3) is None:
        raise EngineError(f"edge-tts sent audio that is not MP3 for {text[:40]!r} (starts {mp3[:12]!r}); "
                          "the service may have changed or a proxy answered")
    try:
        pcm = sound.decode_mp3_gapless(mp3, SAMPLE_RATE)
    except BroadcastError as exc:
        raise EngineError(f"edge-tts sent audio that cannot be decoded for {text[:40]!r}: {exc}") from None
    if not pcm:
        raise _Retry("empty audio")
    return pcm


def _locate(text: str, boundaries: list[Boundary], n_samples: int) -> list[WordEvent]:
    """Each word boundary placed in the text (words are found in order, whatever their case or Unicode form; one
    the service spelled differently is skipped). A reply that stops before the text does (its audio ends before
    the last word it announced does, or the text goes on past the last word announced) is a dropped connection."""
    if not boundaries:
        raise EngineError(f"edge-tts gave no word boundaries for {text[:40]!r}, so cues cannot be timed; "
                          "the service may have changed: pip install -U edge-tts")
    events: list[WordEvent] = []
    cursor = 0
    last_found = False
    for boundary in boundaries:
        word = unicodedata.normalize("NFC", boundary.word.strip())
        found = re.compile(re.escape(word), re.IGNORECASE).search(text, cursor) if word else None
        last_found = found is not None
        if found is None:
            continue
        events.append(WordEvent(found.start(), round(boundary.offset * SAMPLE_RATE)))
        cursor = found.end()
    if not events:
        raise EngineError(f"edge-tts's word boundaries do not match the text sent ({boundaries[0].word!r} … for "
                          f"{text[:40]!r}), so cues cannot be timed; the service may have changed")
    last = boundaries[-1]
    audio_short = (last.offset + last.duration - TRUNCATION_SLACK) * SAMPLE_RATE > n_samples
    if audio_short or (last_found and re.search(r"\w", text[cursor:])):
        said = len(text[:cursor].split())
        raise _Retry(f"connection dropped mid-sentence (audio up to word {said} of {len(text.split())})")
    return events
