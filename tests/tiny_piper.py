"""A tiny Piper voice built with the `onnx` package: the inputs, output and config of a real Piper voice, so
the real piper-tts runtime (its eSpeak phonemizer, phoneme ids, onnxruntime session and alignment patch) runs
it unchanged, in milliseconds and without downloading anything.

What the graph computes, per phoneme id: a duration in frames (a table lookup, times length_scale, with a little
seeded-by-the-runtime noise scaled by noise_w as a real voice's duration predictor has) rounded up by a `Ceil`
node — the tensor Piper's alignment patch exposes, like `w_ceil` in a VITS voice — then `hop_length` samples per
frame of a tone for sounding phonemes and silence for the pad, spaces and punctuation. Within a word phonemes
are parted by the pad (1 frame of silence, 2 past length_scale 1.7); words by pad + space + pad (at least 5
frames, 58 ms, from length_scale 0.67 on), so where each word's sound starts can be read off the audio itself,
independently of the alignments.
"""

from __future__ import annotations

import json
from pathlib import Path

SAMPLE_RATE = 22050
HOP = 256
NUM_SYMBOLS = 256
SILENT = {"_", "^", "$", " ", ",", ".", ";", ":", "!", "?"}
# durations in frames (hop samples), before length_scale and rounding up: about a real voice's pace (~4
# syllables/s); sounding phonemes vary (like real ones) so rounding up averages out rather than adding steps
FRAMES = {"_": 0.6, "^": 2.0, "$": 6.0, " ": 3.0, ",": 12.0, ".": 16.0, ";": 12.0, ":": 12.0, "!": 16.0,
          "?": 16.0}


def sound_frames(phoneme_id: int) -> float:
    return 0.8 + 0.25 * (phoneme_id % 7)

NOISE = 0.05  # how much noise_w moves a duration (a real voice: much more)


def build(folder: Path, name: str = "vi_VN-tiny-x_low", ceil: bool = True, language: str = "vi",
          noise: bool = True) -> Path:
    """Write NAME.onnx and NAME.onnx.json into `folder`; returns the .onnx path. `ceil=False` builds the same
    voice without the Ceil node (a model that cannot report alignments)."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from piper.phoneme_ids import DEFAULT_PHONEME_ID_MAP

    durations = np.array([sound_frames(i) for i in range(NUM_SYMBOLS)], dtype=np.float32)
    amplitude = np.full(NUM_SYMBOLS, 0.5, dtype=np.float32)
    frequency = np.array([150 + 7 * (i % 23) for i in range(NUM_SYMBOLS)], dtype=np.float32)
    for phoneme, ids in DEFAULT_PHONEME_ID_MAP.items():
        for i in ids:
            if phoneme in FRAMES:
                durations[i] = FRAMES[phoneme]
            if phoneme in SILENT:
                amplitude[i] = 0.0

    def const(name: str, value) -> onnx.NodeProto:
        return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(np.asarray(value), name))

    nodes = [
        const("axes0", np.array([0], dtype=np.int64)),
        const("dur_table", durations),
        const("amp_table", amplitude),
        const("freq_table", frequency),
        const("idx_length", np.array(1, dtype=np.int64)),
        const("idx_noise", np.array(2, dtype=np.int64)),
        const("noise_gain", np.array(NOISE if noise else 0.0, dtype=np.float32)),
        const("one", np.array(1.0, dtype=np.float32)),
        const("zero_f", np.array(0.0, dtype=np.float32)),
        const("hop", np.array(float(HOP), dtype=np.float32)),
        const("two_pi_over_sr", np.array(2 * np.pi / SAMPLE_RATE, dtype=np.float32)),
        const("shape_out", np.array([1, 1, -1], dtype=np.int64)),
        const("shape_col", np.array([-1, 1], dtype=np.int64)),
        const("shape_w", np.array([1, 1, -1], dtype=np.int64)),
        helper.make_node("Squeeze", ["input", "axes0"], ["ids"]),
        # durations: table × length_scale × (1 + noise·noise_w·NOISE), rounded up to whole frames
        helper.make_node("Gather", ["dur_table", "ids"], ["base"]),
        helper.make_node("RandomNormalLike", ["base"], ["noise"], dtype=TensorProto.FLOAT),
        helper.make_node("Gather", ["scales", "idx_length"], ["length_scale"]),
        helper.make_node("Gather", ["scales", "idx_noise"], ["noise_w"]),
        helper.make_node("Mul", ["noise", "noise_w"], ["noise_a"]),
        helper.make_node("Mul", ["noise_a", "noise_gain"], ["noise_b"]),
        helper.make_node("Add", ["noise_b", "one"], ["factor"]),
        helper.make_node("Mul", ["base", "factor"], ["w0"]),
        helper.make_node("Mul", ["w0", "length_scale"], ["w1"]),
        helper.make_node("Max", ["w1", "one"], ["w"]),  # at least a fraction of a frame: ceil ≥ 1
        helper.make_node("Ceil" if ceil else "Round", ["w"], ["w_flat"]),
        helper.make_node("Reshape", ["w_flat", "shape_w"], ["w_ceil"]),  # [1, 1, N] as in VITS
        # frame t belongs to phoneme k when ends[k-1] <= t < ends[k]
        helper.make_node("CumSum", ["w_flat", "axes0"], ["ends"]),
        helper.make_node("ReduceSum", ["w_flat"], ["n_frames"], keepdims=0),
        helper.make_node("Range", ["zero_f", "n_frames", "one"], ["t"]),
        helper.make_node("Reshape", ["t", "shape_col"], ["t_col"]),
        helper.make_node("GreaterOrEqual", ["t_col", "ends"], ["past"]),
        helper.make_node("Cast", ["past"], ["past_i"], to=TensorProto.INT64),
        helper.make_node("ReduceSum", ["past_i", "one_axis"], ["phoneme_of_frame"], keepdims=0),
        helper.make_node("Gather", ["amp_table", "ids"], ["amp_p"]),
        helper.make_node("Gather", ["freq_table", "ids"], ["freq_p"]),
        helper.make_node("Gather", ["amp_p", "phoneme_of_frame"], ["amp_f"]),
        helper.make_node("Gather", ["freq_p", "phoneme_of_frame"], ["freq_f"]),
        # hop samples per frame: amplitude · sin(2π f n / sr)
        helper.make_node("Mul", ["n_frames", "hop"], ["n_samples"]),
        helper.make_node("Range", ["zero_f", "n_samples", "one"], ["n"]),
        helper.make_node("Div", ["n", "hop"], ["frame_f"]),
        helper.make_node("Floor", ["frame_f"], ["frame_floor"]),
        helper.make_node("Cast", ["frame_floor"], ["frame"], to=TensorProto.INT64),
        helper.make_node("Gather", ["amp_f", "frame"], ["amp_s"]),
        helper.make_node("Gather", ["freq_f", "frame"], ["freq_s"]),
        helper.make_node("Mul", ["n", "two_pi_over_sr"], ["phase0"]),
        helper.make_node("Mul", ["phase0", "freq_s"], ["phase"]),
        helper.make_node("Sin", ["phase"], ["wave"]),
        helper.make_node("Mul", ["wave", "amp_s"], ["audio"]),
        helper.make_node("Reshape", ["audio", "shape_out"], ["output"]),
    ]
    nodes.insert(0, const("one_axis", np.array([1], dtype=np.int64)))
    graph = helper.make_graph(
        nodes, "tiny_piper_voice",
        inputs=[helper.make_tensor_value_info("input", TensorProto.INT64, [1, "phonemes"]),
                helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1]),
                helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3])],
        outputs=[helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, "time"])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="broadcast-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.onnx"
    onnx.save(model, str(path))
    config = {
        "audio": {"sample_rate": SAMPLE_RATE, "quality": "x_low"},
        "espeak": {"voice": language},
        "language": {"code": "vi_VN" if language == "vi" else language, "family": language[:2],
                     "name_english": "Vietnamese" if language == "vi" else language},
        "dataset": "tiny-test",
        "inference": {"noise_scale": 0.667, "length_scale": 1.0, "noise_w": 0.8},
        "phoneme_type": "espeak",
        "phoneme_id_map": DEFAULT_PHONEME_ID_MAP,
        "num_symbols": NUM_SYMBOLS,
        "num_speakers": 1,
        "speaker_id_map": {},
        "hop_length": HOP,
        "piper_version": "1.0.0",
    }
    (folder / f"{name}.onnx.json").write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    return path


def word_onsets(pcm: bytes, sample_rate: int = SAMPLE_RATE, gap: float = 0.04) -> list[int]:
    """Samples where a word's sound starts: the first sounding sample after at least `gap` s of silence."""
    import numpy as np

    loud = np.flatnonzero(np.abs(np.frombuffer(pcm, dtype="<i2").astype(np.int32)) > 300)
    if loud.size == 0:
        return []
    starts = loud[1:][np.diff(loud) > gap * sample_rate]
    return [int(loud[0])] + [int(i) for i in starts]  # the audio's start counts as silence


def part_onsets(parts: list[str], pcm: bytes, phonemize, sample_rate: int = SAMPLE_RATE) -> list[float]:
    """Where each part's first word starts sounding (seconds into the sentence's audio), read off the audio;
    words are counted as the voice's phonemizer (`PiperVoice.phonemize`) groups them, so the truth does not
    use the alignments."""
    onsets = word_onsets(pcm, sample_rate)
    starts, k = [], 0
    for part in parts:
        starts.append(onsets[k] / sample_rate)
        k += len(" ".join("".join(sentence) for sentence in phonemize(part)).split())
    if k != len(onsets):
        raise AssertionError(f"{len(onsets)} word onsets heard, {k} words phonemized")
    return starts
