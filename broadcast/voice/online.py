"""What the online engines (gtts, edge) share: the retry policy with capped, jittered backoff, the record of
what went over the wire, and the one-line wording of network failures."""

from __future__ import annotations

import email.utils
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class RetryPolicy:
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    retries: int = 4  # after the first attempt
    backoff: float = 0.5  # the wait before retry n is random in [0, backoff·2ⁿ] ("full jitter")
    max_wait: float = 30.0  # no single wait is longer, whatever Retry-After says

    def wait_before(self, retry: int, retry_after: float | None, rng: Callable[[], float] = random.random) -> float:
        jittered = rng() * min(self.max_wait, self.backoff * 2**retry)
        return min(self.max_wait, max(jittered, retry_after or 0.0))


@dataclass
class TransportStats:
    """What went over the wire; read by the summary, the tests and the benchmarks."""

    requests: int = 0
    retries: int = 0
    waited: float = 0.0
    texts: list[str] = field(default_factory=list)  # the texts sent, in sending order
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def sent(self, text: str) -> None:
        with self.lock:
            self.requests += 1
            self.texts.append(text)

    def waiting(self, delay: float) -> None:
        with self.lock:
            self.retries += 1
            self.waited += delay


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:160]


def host(url: str) -> str:
    return url.split("//", 1)[-1].split("/", 1)[0].split("?", 1)[0]
