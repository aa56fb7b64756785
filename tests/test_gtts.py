"""gTTS against a faked HTTP layer (`responses`): the only fake in the suite, at the network boundary."""

import base64
import json
import re
import subprocess

import pytest
import requests
import responses

from broadcast import audio
from broadcast.engines.base import EngineError
from broadcast.engines.gtts_engine import SAMPLE_RATE, GttsEngine

URL = re.compile(r"https://translate\.google\.com/_/TranslateWebserverUi/data/batchexecute.*")


@pytest.fixture(scope="module")
def mp3_bytes() -> bytes:
    """A real MP3 (0.5 s of tone) made by the bundled ffmpeg, as Google would send."""
    return subprocess.run(
        [audio.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
         f"sine=frequency=300:duration=0.5:sample_rate={SAMPLE_RATE}", "-ac", "1", "-c:a", "libmp3lame",
         "-b:a", "32k", "-f", "mp3", "pipe:1"],
        capture_output=True, check=True,
    ).stdout


def google_reply(mp3: bytes) -> str:
    payload = json.dumps([base64.b64encode(mp3).decode()], separators=(",", ":"))
    return ")]}'\n\n" + json.dumps([["wrb.fr", "jQ1olc", payload, None, None, None, "generic"]],
                                     separators=(",", ":"))


@responses.activate
def test_each_part_is_fetched_and_timed_from_its_own_audio(mp3_bytes):
    responses.add(responses.POST, URL, body=google_reply(mp3_bytes))
    speech = GttsEngine().synthesize(["Sáng ngày mười hai tháng ba,", "đoàn công tác đến thăm."])
    assert len(responses.calls) == 2
    assert "vi" in requests.utils.unquote(responses.calls[0].request.body)
    (a0, a1), (b0, b1) = speech.part_spans
    assert 0.4 < (a1 - a0) / SAMPLE_RATE < 0.6 and 0.4 < (b1 - b0) / SAMPLE_RATE < 0.6
    assert b0 > a1


@responses.activate
def test_offline_fails_with_one_line():
    responses.add(responses.POST, URL, body=requests.exceptions.ConnectionError("Name or service not known"))
    with pytest.raises(EngineError) as info:
        GttsEngine().synthesize(["Xin chào."])
    message = str(info.value)
    assert "\n" not in message and "Xin chào." in message and "ConnectionError" in message


@responses.activate
def test_server_error_fails_with_one_line():
    responses.add(responses.POST, URL, status=500, body="oops")
    with pytest.raises(EngineError, match="gTTS request failed"):
        GttsEngine().synthesize(["Xin chào."])


@responses.activate
def test_reply_without_audio_is_an_error():
    responses.add(responses.POST, URL, body=")]}'\n\n[]")
    with pytest.raises(EngineError):
        GttsEngine().synthesize(["Xin chào."])


def test_unknown_language():
    with pytest.raises(EngineError, match="no language"):
        GttsEngine(voice="xx-nope")
