"""Piper (neural, offline) through the piper-tts runtime, with a voice file the user downloaded.

`--voice` is a `.onnx` file (its `.onnx.json` config beside it) or the name of one in the voices folder
($BROADCAST_VOICES_DIR, else the user data folder, e.g. ~/.local/share/broadcast/voices). Nothing is ever
downloaded here.

Each sentence is one model run, so it is read with the voice's own intonation; its cues are located from the
runtime's alignments (audio samples per phoneme id, which Piper exposes by marking the model's rounded-up
duration tensor as an output). Each cue's text is phonemized on its own and the phonemes joined, so where each
cue begins among the phonemes is known exactly rather than guessed from word counts. A model that cannot report
alignments speaks each cue on its own instead.

--rate (syllables per second) becomes Piper's length_scale from the voice's own pace, measured once per voice
file on a fixed text at two length scales (see `Pace`) and kept beside the segment cache. Piper adds random variation (noise_scale, noise_w);
onnxruntime's generator is seeded when the voice is loaded, so one run of the same text and settings in a fresh
process gives the same audio.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from broadcast.voice.base import EngineError, SpeechAudio, VoiceInfo
from broadcast.voice.online import first_line

ENV_VAR = "BROADCAST_VOICES_DIR"
SEED = 20240601  # onnxruntime's random generator, for repeatable noise
PART_GAP = 0.15  # seconds between cues spoken on their own (models without alignments)
# The fixed text the voice's pace is measured on: plain Vietnamese words, one syllable each, no digits.
CALIBRATION_TEXT = ("Sáng nay, Ủy ban nhân dân tỉnh Thanh Hóa tổ chức hội nghị tổng kết công tác năm qua và "
                    "triển khai nhiệm vụ trong thời gian tới, với sự tham dự của lãnh đạo các sở, ban, ngành "
                    "và các địa phương trong tỉnh.")
CALIBRATION_VERSION = 2
INSTALL_HINT = "pip install 'broadcast[piper]'"


def voices_folder() -> Path:
    """$BROADCAST_VOICES_DIR, else the user data folder's voices/ (e.g. ~/.local/share/broadcast/voices)."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    import platformdirs

    return platformdirs.user_data_path("broadcast") / "voices"


def config_path(model: Path) -> Path | None:
    """The voice's JSON config: NAME.onnx.json (Piper's naming), else NAME.json."""
    for candidate in (model.with_name(model.name + ".json"), model.with_suffix(".json")):
        if candidate.is_file():
            return candidate
    return None


@dataclass(frozen=True)
class VoiceFile:
    model: Path
    config: Path
    settings: dict[str, Any]

    @property
    def name(self) -> str:
        return self.model.stem

    @property
    def sample_rate(self) -> int:
        return int(self.settings["audio"]["sample_rate"])

    def describe(self) -> str:
        language = self.settings.get("language", {})
        bits = [language.get("name_english") or language.get("code") or self.settings["espeak"]["voice"]]
        quality = self.settings.get("audio", {}).get("quality")
        if quality:
            bits.append(str(quality))
        if self.settings.get("dataset"):
            bits.append(f"dataset {self.settings['dataset']}")
        bits.append(f"{self.sample_rate} Hz")
        return ", ".join(bits)


def read_voice(model: Path) -> VoiceFile:
    """The voice file and its config, checked enough to refuse a wrong or damaged pair in one line."""
    if not model.is_file():
        raise EngineError(f"--voice {model}: no such file")
    config = config_path(model)
    if config is None:
        raise EngineError(f"{model}: its config {model.name}.json is missing; download both files of the voice")
    try:
        settings = json.loads(config.read_text(encoding="utf-8"))
        espeak_voice = str(settings["espeak"]["voice"])
        int(settings["audio"]["sample_rate"])
        settings["phoneme_id_map"]["_"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        what = "not valid JSON" if isinstance(exc, ValueError) else f"no {exc}" if isinstance(exc, KeyError) else exc
        raise EngineError(f"{config}: not a Piper voice config ({what}); download it again") from None
    if settings.get("phoneme_type", "espeak") != "espeak" or not espeak_voice.startswith("vi"):
        language = settings.get("language", {}).get("code") or espeak_voice
        raise EngineError(f"{model}: a Piper voice for {language}, not Vietnamese")
    if model.stat().st_size < 1024:
        raise EngineError(f"{model}: {model.stat().st_size} bytes, not a voice model (an incomplete download?)")
    return VoiceFile(model, config, settings)


def installed() -> list[VoiceFile]:
    """The Vietnamese voices in the voices folder (any depth), by name; files that are not one are skipped."""
    folder = voices_folder()
    found: list[VoiceFile] = []
    if folder.is_dir():
        for model in sorted(folder.rglob("*.onnx")):
            try:
                found.append(read_voice(model))
            except (EngineError, OSError):
                continue
    return found


class PiperEngine:
    name = "piper"
    summary = "Piper neural voices, offline, from a voice file you download (see README 'Piper voices')"
    needs = f"{INSTALL_HINT} and a Vietnamese voice file (.onnx + .onnx.json)"

    @classmethod
    def voices(cls) -> list[VoiceInfo]:
        return [VoiceInfo(v.name, v.describe(), "", str(v.model)) for v in installed()]

    @classmethod
    def resolve_voice(cls, voice: str | None) -> str:
        """The .onnx path for `voice`: a file, or a name in the voices folder; None when exactly one is there."""
        folder = voices_folder()
        if voice is None:
            found = installed()
            if len(found) == 1:
                return str(found[0].model)
            if not found:
                raise EngineError(f"--engine piper needs a voice: --voice FILE.onnx, or put one (.onnx and "
                                  f".onnx.json) in {folder} (or ${ENV_VAR}); see README 'Piper voices'")
            raise EngineError(f"--engine piper: {len(found)} voices in {folder}; choose one with --voice "
                              f"({', '.join(v.name for v in found)})")
        path = Path(voice).expanduser()
        if path.suffix.lower() == ".onnx" or path.is_file() or os.sep in voice or "/" in voice:
            return str(read_voice(path.resolve()).model)
        for candidate in installed():
            if candidate.name == voice:
                return str(candidate.model)
        names = ", ".join(v.name for v in installed()) or "none installed"
        raise EngineError(f"--voice {voice!r} is not a Piper voice file nor a voice in {folder} ({names})")

    def __init__(self, voice: str | None = None, rate: float = 3.3) -> None:
        self.file = read_voice(Path(self.resolve_voice(voice)))
        self.voice = self.file.name
        self.rate = rate
        self._lock = threading.Lock()  # one model run at a time (onnxruntime already uses every core)
        runtime = _runtime_version()
        digest = _digest(self.file)
        self.version = f"piper-tts {runtime}, voice sha256:{digest[:16]}, pace v{CALIBRATION_VERSION}"
        self._voice = _load(self.file)
        self.sample_rate = self.file.sample_rate
        self.base_length_scale = float(self.file.settings.get("inference", {}).get("length_scale", 1.0))
        self.pace = _pace(self.file, digest)
        self.natural_rate = self.pace.rate(self.base_length_scale)  # syllables/s at the voice's own scale
        scale = self.pace.length_scale(rate)
        if scale is None or not 0.25 <= scale / self.base_length_scale <= 4:
            fastest = self.pace.rate(0.25 * self.base_length_scale)
            slowest = self.pace.rate(4 * self.base_length_scale)
            raise EngineError(f"--rate {rate:g}: the Piper voice {self.voice} speaks between {slowest:.2f} and "
                              f"{fastest:.2f} syllables/s")
        self.length_scale = scale

    def synthesize(self, parts: list[str]) -> SpeechAudio:
        with self._lock:
            return speak(self._voice, parts, self.length_scale, self.sample_rate)


def speak(voice: Any, parts: list[str], length_scale: float, sample_rate: int) -> SpeechAudio:
    """One sentence from a loaded PiperVoice: one model run, cues located by the alignments."""
    from piper import SynthesisConfig

    config = SynthesisConfig(length_scale=length_scale)
    phonemes: list[str] = []
    starts: list[int] = []  # where each part's phonemes begin
    for part in parts:
        if phonemes and phonemes[-1] != " ":
            phonemes.append(" ")
        starts.append(len(phonemes))
        for i, sentence in enumerate(voice.phonemize(part)):
            if i and phonemes and phonemes[-1] != " ":
                phonemes.append(" ")
            phonemes.extend(sentence)
    if not phonemes:
        return SpeechAudio(b"", sample_rate, tuple((0, 0) for _ in parts))
    ids = voice.phonemes_to_ids(phonemes)
    try:
        result = voice.phoneme_ids_to_audio(ids, config, include_alignments=True)
    except Exception as exc:  # onnxruntime raises its own types; the model is at fault, say so in one line
        raise EngineError(f"the Piper voice failed to speak ({type(exc).__name__}: {first_line(exc)})") from None
    audio, samples_per_id = result if isinstance(result, tuple) else (result, None)
    pcm = _pcm(audio)
    if samples_per_id is None or len(samples_per_id) != len(ids):
        return _parts_alone(voice, parts, config, sample_rate)
    offsets = [0]
    for n in samples_per_id:
        offsets.append(offsets[-1] + int(n))
    # ids are [^, _] + (phoneme ids, _) per phoneme + [$]: the first id of phoneme k is at 2 + its prefix's ids
    part_ids = [len(voice.phonemes_to_ids(phonemes[:start])) - 1 for start in starts]
    return SpeechAudio.from_part_starts(pcm, sample_rate, [offsets[min(i, len(offsets) - 1)] for i in part_ids])


def _parts_alone(voice: Any, parts: list[str], config: Any, sample_rate: int) -> SpeechAudio:
    pcms = []
    for part in parts:
        chunks = list(voice.synthesize(part, config)) if part.strip() else []
        pcms.append(b"".join(_pcm(c.audio_float_array) for c in chunks))
    return SpeechAudio.from_parts(pcms, sample_rate, int(PART_GAP * sample_rate))


def _pcm(audio: Any) -> bytes:
    """Float audio → 16-bit PCM, peak-normalised as Piper's own synthesize does."""
    import numpy as np

    audio = np.asarray(audio, dtype=np.float32).reshape(-1)
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak > 1e-8:
        audio = audio / peak
    return (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2").tobytes()


def _runtime_version() -> str:
    try:
        import piper  # noqa: F401
    except ImportError:
        raise EngineError(f"--engine piper needs the piper-tts runtime: {INSTALL_HINT}") from None
    from importlib.metadata import version

    return version("piper-tts")


def _load(file: VoiceFile) -> Any:
    """The voice loaded with alignments patched in (needs the onnx package) and the generator seeded."""
    import onnxruntime
    from piper import PiperVoice

    onnxruntime.set_seed(SEED)  # random ops take their seed when the session is made
    try:
        voice = PiperVoice.load(file.model, config_path=file.config, include_alignments=True)
    except Exception as exc:  # onnx, protobuf and onnxruntime each raise their own types for a bad file
        raise EngineError(f"{file.model}: cannot load the voice model ({type(exc).__name__}: {first_line(exc)}); "
                          "the file may be damaged or incomplete: download it again") from None
    inputs = {i.name for i in voice.session.get_inputs()}
    if not {"input", "input_lengths", "scales"} <= inputs:
        raise EngineError(f"{file.model}: not a Piper voice model (its inputs are {', '.join(sorted(inputs))})")
    return voice


def _digest(file: VoiceFile) -> str:
    """SHA-256 of the model and its config: the voice's identity in the cache key."""
    h = hashlib.sha256()
    with open(file.model, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    h.update(file.config.read_bytes())
    return h.hexdigest()


@dataclass(frozen=True)
class Pace:
    """How long the voice takes per syllable at a length_scale: seconds = offset + slope × length_scale.

    Durations are rounded up to whole frames per phoneme, which adds about half a frame to every phoneme
    whatever the scale: hence an offset, not a plain proportion."""

    offset: float
    slope: float

    def rate(self, length_scale: float) -> float:
        return 1 / (self.offset + self.slope * length_scale)

    def length_scale(self, rate: float) -> float | None:
        """The length_scale that speaks `rate` syllables per second (None when the voice cannot)."""
        scale = (1 / rate - self.offset) / self.slope
        return scale if scale > 0 else None


PACE_SCALES = (0.75, 1.5)  # × the voice's own length_scale, around the rates used on air


def measure_pace(voice: Any, file: VoiceFile) -> Pace:
    """The voice's pace, pauses at commas included, on CALIBRATION_TEXT at two length scales."""
    base = float(file.settings.get("inference", {}).get("length_scale", 1.0))
    syllables = len(CALIBRATION_TEXT.split())
    points = []
    for factor in PACE_SCALES:
        speech = speak(voice, [CALIBRATION_TEXT], base * factor, file.sample_rate)
        start, end = speech.part_spans[0]
        if end <= start:
            raise EngineError(f"{file.model}: the voice gave no sound for a test sentence")
        points.append((base * factor, (end - start) / file.sample_rate / syllables))
    (x1, y1), (x2, y2) = points
    slope = (y2 - y1) / (x2 - x1)
    if slope <= 0:
        raise EngineError(f"{file.model}: the voice does not slow down with length_scale; not a usable voice")
    return Pace(y1 - slope * x1, slope)


def _pace(file: VoiceFile, digest: str) -> Pace:
    """The voice's pace, measured with a voice loaded just for it (so the run's own noise does not depend on
    whether it was measured before) and kept beside the segment cache for next time."""
    from broadcast.voice.cache import default_folder

    store = default_folder() / "piper-pace" / f"{digest[:32]}.json"
    try:
        kept = json.loads(store.read_text(encoding="utf-8"))
        if kept.get("version") == CALIBRATION_VERSION and kept.get("slope", 0) > 0:
            return Pace(float(kept["offset"]), float(kept["slope"]))
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        pass
    pace = measure_pace(_load(file), file)
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        store.write_text(json.dumps({"version": CALIBRATION_VERSION, "offset": pace.offset, "slope": pace.slope,
                                     "voice": file.name}), encoding="utf-8")
    except OSError:  # a cache that cannot be written only costs time
        pass
    return pace
