"""Google Translate's voice through gTTS (online). Each part is requested on its own and decoded, so
every cue's times come from its own audio."""

from __future__ import annotations

import io

from broadcast import audio
from broadcast.engines.base import EngineError, SpeechAudio

SAMPLE_RATE = 24000
TIMEOUT = (5.0, 20.0)  # connect, read: gTTS's own default is none, which can block forever
PART_GAP = 0.12  # Google ends each reply abruptly; a short gap keeps joined parts from running together


class GttsEngine:
    name = "gtts"
    default_voice = "vi"

    def __init__(self, voice: str | None = None, rate: float = 3.3) -> None:
        import gtts

        self.voice = voice or self.default_voice
        self.rate = rate  # Google has one pace (and "slow"); the rate only feeds estimates
        self.version = f"gtts {gtts.__version__}"
        if self.voice not in gtts.lang.tts_langs():
            raise EngineError(f"gTTS has no language {self.voice!r}")

    def fetch_mp3(self, text: str) -> bytes:
        from gtts import gTTS, gTTSError

        buffer = io.BytesIO()
        try:
            gTTS(text, lang=self.voice, lang_check=False, timeout=TIMEOUT).write_to_fp(buffer)
        except gTTSError as exc:
            cause = exc.__context__ or exc
            raise EngineError(f"gTTS request failed for {text[:40]!r}: {_one_line(cause)}") from None
        except Exception as exc:  # requests raises many kinds; the user needs one line
            raise EngineError(f"gTTS request failed for {text[:40]!r}: {_one_line(exc)}") from None
        data = buffer.getvalue()
        if not data:
            raise EngineError(f"gTTS returned no audio for {text[:40]!r}")
        return data

    def synthesize(self, parts: list[str]) -> SpeechAudio:
        pcms = [audio.decode_mp3(self.fetch_mp3(part), SAMPLE_RATE) for part in parts]
        return SpeechAudio.from_parts(pcms, SAMPLE_RATE, int(PART_GAP * SAMPLE_RATE))


def _one_line(exc: BaseException) -> str:
    """A short cause a user can act on, instead of urllib3's nested repr."""
    import requests

    if isinstance(exc, requests.exceptions.Timeout):
        return f"no answer from Google within {TIMEOUT[1]:.0f} s (timeout)"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "cannot connect to translate.google.com (offline? ConnectionError); --engine espeak works offline"
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:200]
