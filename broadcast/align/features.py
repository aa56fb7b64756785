"""Acoustic features of a signal at 10 ms hops: MFCC (13 + deltas) to compare two voices, frame energy to find
pauses. Plain numpy: the real FFT, a mel filter bank and a DCT-II matrix are all it takes (python_speech_features
would add scipy, ~100 MB, for the same thirty lines).

Signals are mono float32 at ANALYSIS_RATE. Frame i covers samples [i·HOP, i·HOP + WINDOW) and stands for the
time i·HOP / ANALYSIS_RATE (FRAME seconds per frame).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

ANALYSIS_RATE = 16000
HOP = 160  # 10 ms
WINDOW = 400  # 25 ms
FRAME = HOP / ANALYSIS_RATE
N_FFT = 512
N_MELS = 26
N_CEPS = 13
PRE_EMPHASIS = 0.97
DELTA_SPAN = 2  # frames each side in the delta regression
SILENCE_DB = -100.0  # energy of digital silence (the floor of the dB scale)


def n_frames(n_samples: int) -> int:
    """Frames whose window starts inside the signal (the last ones are zero-padded)."""
    return 0 if n_samples <= 0 else (n_samples + HOP - 1) // HOP


def frames(samples: np.ndarray) -> np.ndarray:
    """(n_frames, WINDOW) view-backed copy of overlapping windows, zero-padded at the end."""
    n = n_frames(len(samples))
    padded = np.zeros(n * HOP + WINDOW, dtype=np.float32)
    padded[: len(samples)] = samples
    return np.lib.stride_tricks.sliding_window_view(padded, WINDOW)[::HOP][:n]


def energy_db(samples: np.ndarray) -> np.ndarray:
    """RMS level of each 10 ms hop (not the 25 ms window: pause edges need the finer grain), dBFS."""
    n = n_frames(len(samples))
    padded = np.zeros(n * HOP, dtype=np.float32)
    padded[: len(samples)] = samples
    power = np.mean(np.square(padded.reshape(n, HOP), dtype=np.float64), axis=1)
    return np.maximum(10 * np.log10(np.maximum(power, 1e-30)), SILENCE_DB).astype(np.float32)


@lru_cache(maxsize=1)
def _mel_bank() -> np.ndarray:
    """(N_FFT//2 + 1, N_MELS) triangular filters, equally spaced on the mel scale from 0 to Nyquist."""

    def mel(hz: np.ndarray) -> np.ndarray:
        return 2595.0 * np.log10(1.0 + hz / 700.0)

    def hz(m: np.ndarray) -> np.ndarray:
        return 700.0 * (10 ** (m / 2595.0) - 1.0)

    edges = hz(np.linspace(0.0, mel(np.array(ANALYSIS_RATE / 2)), N_MELS + 2))
    bins = np.fft.rfftfreq(N_FFT, 1.0 / ANALYSIS_RATE)
    bank = np.zeros((len(bins), N_MELS), dtype=np.float32)
    for m in range(N_MELS):
        lo, mid, hi = edges[m : m + 3]
        rising = (bins - lo) / (mid - lo)
        falling = (hi - bins) / (hi - mid)
        bank[:, m] = np.maximum(0.0, np.minimum(rising, falling))
    return bank


@lru_cache(maxsize=1)
def _dct() -> np.ndarray:
    """(N_MELS, N_CEPS) orthonormal DCT-II."""
    n = np.arange(N_MELS)
    k = np.arange(N_CEPS)
    basis = np.cos(np.pi / N_MELS * (n[:, None] + 0.5) * k[None, :]) * np.sqrt(2.0 / N_MELS)
    basis[:, 0] /= np.sqrt(2.0)
    return basis.astype(np.float32)


@lru_cache(maxsize=1)
def _hamming() -> np.ndarray:
    return np.hamming(WINDOW).astype(np.float32)


def mfcc(samples: np.ndarray, block: int = 4096) -> np.ndarray:
    """(n_frames, N_CEPS) cepstra, c0 included (it carries loudness: speech against pause)."""
    emphasized = np.empty_like(samples, dtype=np.float32)
    if len(samples):
        emphasized[0] = samples[0]
        emphasized[1:] = samples[1:] - PRE_EMPHASIS * samples[:-1]
    windows = frames(emphasized)
    out = np.empty((len(windows), N_CEPS), dtype=np.float32)
    bank, dct, hamming = _mel_bank(), _dct(), _hamming()
    for a in range(0, len(windows), block):  # in blocks: the spectra of an hour would take gigabytes
        spectrum = np.abs(np.fft.rfft(windows[a : a + block] * hamming, N_FFT)) ** 2
        out[a : a + block] = np.log(spectrum.astype(np.float32) @ bank + 1e-6) @ dct
    return out


def deltas(ceps: np.ndarray) -> np.ndarray:
    """The standard regression over ±DELTA_SPAN frames (edges repeated)."""
    span = DELTA_SPAN
    padded = np.pad(ceps, ((span, span), (0, 0)), mode="edge")
    n = len(ceps)
    total = sum(k * (padded[span + k : span + k + n] - padded[span - k : span - k + n]) for k in range(1, span + 1))
    return (total / (2 * sum(k * k for k in range(1, span + 1)))).astype(np.float32)


def normalise(features: np.ndarray) -> np.ndarray:
    """Mean 0 and variance 1 per dimension (cepstral mean and variance normalisation): takes out the channel
    and the speaker's level, so a human voice and eSpeak's can be compared."""
    if len(features) == 0:
        return features
    mean = features.mean(axis=0)
    std = features.std(axis=0)
    return ((features - mean) / np.maximum(std, 1e-3)).astype(np.float32)


def describe(samples: np.ndarray) -> np.ndarray:
    """What DTW compares: 13 MFCC and their deltas per 10 ms frame, not yet normalised."""
    ceps = mfcc(samples)
    return np.hstack([ceps, deltas(ceps)])
