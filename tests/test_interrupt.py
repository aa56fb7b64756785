"""Ctrl-C, SIGTERM and two runs at once, on the real CLI in real processes.

Each test starts `python -m broadcast.cli produce` as a subprocess with its own segment cache
(BROADCAST_CACHE_DIR) on a long transcript made of the bundled sample's paragraphs, each repetition
made distinct so that every segment is its own cache entry. A signal is sent at a phase the test sees
from outside: during synthesis once the cache holds its first entry, during encoding once the
`.<stem>.partial-*` staging folder exists. The run is a few seconds long because the mastering and
encoding that follow synthesis take most of it (eSpeak speaks a segment in about 10 ms).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE

from broadcast.text.segmenter import split_sentences

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals and process groups")

STEM = "bulletin"
LEFTOVER = re.compile(r"\.(partial|old)-")


def transcript(folder: Path, repeats: int, paragraphs: int | None = None) -> Path:
    """The sample's title, then its body `repeats` times, every sentence of repetition k opening with
    "Lần k," so that no two sentences (segments, cache entries) are the same."""
    title, *body, credit = SAMPLE.read_text(encoding="utf-8").strip().split("\n\n")
    body = body[:paragraphs] if paragraphs else body
    blocks = [title]
    for k in range(1, repeats + 1):
        blocks += [p if "- Ảnh" in p else " ".join(f"Lần {k}, {s}" for s in split_sentences(p)) for p in body]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{STEM}.txt"
    path.write_text("\n\n".join([*blocks, credit]) + "\n", encoding="utf-8")
    return path


def start(args: list[str], cache: Path) -> subprocess.Popen:
    env = {**os.environ, "BROADCAST_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "broadcast.cli", "produce", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def produce(args: list[str], cache: Path) -> subprocess.CompletedProcess:
    proc = start(args, cache)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def wait_for(proc: subprocess.Popen, ready, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            pytest.fail(f"the run ended (exit {proc.returncode}) before {what}: {proc.stderr.read()}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"no {what} after {timeout} s")
        time.sleep(0.002)


def cache_entries(cache: Path) -> list[Path]:
    return list(cache.glob("*/*.seg")) if cache.exists() else []


def staging(out: Path) -> list[Path]:
    return list(out.glob(f".{STEM}.partial-*")) if out.exists() else []


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def children(pid: int) -> set[int]:
    """Every live descendant of a process (Linux /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        kids = {p for p, pp in parents.items() if pp == parent}
        found |= kids
        todo += kids
    return found


def alive(pids: set[int]) -> set[int]:
    out = set()
    for pid in pids:
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                out.add(pid)
        except OSError:
            pass
    return out


def gone(pids: set[int], grace: float = 30.0) -> bool:
    """Have these processes all ended? (A helper such as multiprocessing's resource tracker may still be
    on its way out for a moment after the run's own exit.)"""
    deadline = time.monotonic() + grace
    while alive(pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def assert_stopped_cleanly(proc: subprocess.Popen, signum: int) -> str:
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum, (proc.returncode, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"broadcast: interrupted ({signal.Signals(signum).name})"), err
    assert "Traceback" not in err + out and "Exception ignored" not in err
    return out


def from_cache(stdout: str) -> tuple[int, int]:
    match = re.search(r"\((\d+) of (\d+) from cache[,;)]", stdout)
    assert match, stdout
    return int(match[1]), int(match[2])


@pytest.fixture
def earlier(tmp_path):
    """An output folder from an earlier, shorter run of a transcript with the same name."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    short = transcript(tmp_path / "short", 1, paragraphs=1)
    produce([str(short), "-o", str(out), "--format", "wav", "-q"], cache)
    return out, snapshot(out / STEM), (out / STEM / "manifest.json").read_bytes()


def test_ctrl_c_during_synthesis_keeps_the_earlier_output_and_the_rerun_resumes(tmp_path, earlier):
    out, before, manifest = earlier
    cache = tmp_path / "cache"
    first_entries = len(cache_entries(cache))
    long = transcript(tmp_path / "long", 4)
    args = [str(long), "-o", str(out), "--format", "wav"]
    proc = start(args, cache)
    wait_for(proc, lambda: len(cache_entries(cache)) > first_entries, "a new cache entry")
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: to the whole process group
    assert_stopped_cleanly(proc, signal.SIGINT)

    assert (out / STEM / "manifest.json").read_bytes() == manifest and snapshot(out / STEM) == before
    assert sorted(p.name for p in out.iterdir()) == [STEM]  # no .partial- or .old- folders
    kept = len(cache_entries(cache)) - first_entries

    rerun = produce(args, cache)
    cached, total = from_cache(rerun.stdout)
    assert 0 < kept < total, "the signal did not land during synthesis"
    assert cached == kept + first_entries  # the short run's sentences are the long one's first ones
    assert sorted(p.name for p in out.iterdir()) == [STEM]
    assert (out / STEM / "manifest.json").read_bytes() != manifest


def test_sigterm_during_encoding_keeps_the_earlier_output_and_the_rerun_uses_the_cache(tmp_path, earlier):
    out, before, manifest = earlier
    cache = tmp_path / "cache"
    # 3 repeats and 48 kHz MP3 keep encoding busy for seconds, so the signal lands inside it even on a loaded CI box
    long = transcript(tmp_path / "long", 3)
    args = [str(long), "-o", str(out), "--format", "mp3", "--sample-rate", "48000"]
    proc = start(args, cache)
    wait_for(proc, lambda: bool(staging(out)), "staging folder")
    helpers = children(proc.pid)
    os.kill(proc.pid, signal.SIGTERM)  # as `kill PID`: only the main process hears it
    assert_stopped_cleanly(proc, signal.SIGTERM)

    assert (out / STEM / "manifest.json").read_bytes() == manifest and snapshot(out / STEM) == before
    assert sorted(p.name for p in out.iterdir()) == [STEM]
    assert gone(helpers), "ffmpeg processes outlived the run"

    rerun = produce(args, cache)
    cached, total = from_cache(rerun.stdout)
    assert cached == total  # synthesis was complete before encoding began


@pytest.mark.parametrize("signum, group", [(signal.SIGTERM, False), (signal.SIGINT, True)], ids=["kill", "ctrl-c"])
def test_interrupted_batch_with_worker_processes_leaves_nothing_behind(tmp_path, signum, group):
    cache, out = tmp_path / "cache", tmp_path / "out"
    folder = tmp_path / "many"
    folder.mkdir()
    for name in ("a", "b"):
        transcript(tmp_path / name, 3).rename(folder / f"{name}.txt")
    proc = start([str(folder), "-o", str(out), "--format", "mp3", "--jobs", "2"], cache)
    wait_for(proc, lambda: out.exists() and any(LEFTOVER.search(p.name) for p in out.iterdir()),
             "a staging folder")
    helpers = children(proc.pid)
    assert len(helpers) >= 2  # the two spawned workers, at least
    (os.killpg if group else os.kill)(proc.pid, signum)
    assert_stopped_cleanly(proc, signum)

    # both workers stopped mid-way (they did not finish their transcripts first): no staging folder, and
    # nothing swapped in. (No wall-clock bound: on a loaded machine cleanup may take any time.)
    assert list(out.iterdir()) == []
    assert gone(helpers), alive(helpers)


def test_two_runs_on_one_folder_the_second_fails_clearly_and_the_first_completes(tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    long = transcript(tmp_path / "long", 1)
    short = transcript(tmp_path / "short", 1, paragraphs=1)
    first = start([str(long), "-o", str(out), "--format", "wav"], cache)
    wait_for(first, lambda: bool(staging(out)), "staging folder")
    os.killpg(first.pid, signal.SIGSTOP)  # hold the first run (and its ffmpeg) while it writes the folder
    try:
        second = start([str(short), "-o", str(out), "--format", "wav"], cache)
        _, err = second.communicate(timeout=60)
    finally:
        os.killpg(first.pid, signal.SIGCONT)
    assert second.returncode == 1
    assert err.strip().splitlines() == [f"broadcast: error: {out / STEM}: another broadcast run is writing this "
                                        "folder; wait for it to finish"]

    stdout, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert sorted(p.name for p in out.iterdir()) == [STEM]
    written = json.loads((out / STEM / "manifest.json").read_text(encoding="utf-8"))
    assert written["source"] == long.name and len(written["segments"]) == int(re.search(r"(\d+) segments", stdout)[1])
    assert all((out / STEM / name).is_file() for name in [written["audio"], *(s["clip"] for s in written["segments"])])
    produce([str(short), "-o", str(out), "--format", "wav", "-q"], cache)  # the lock was released
    assert json.loads((out / STEM / "manifest.json").read_text(encoding="utf-8"))["source"] == short.name


def start_command(args: list[str], cache: Path) -> subprocess.Popen:
    env = {**os.environ, "BROADCAST_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "broadcast.cli", *args], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def wait_for_reader(proc: subprocess.Popen, fifo: Path) -> int:
    """Block until the run has opened the FIFO for reading (it then waits for text that never comes): the
    moment is seen, not guessed. Returns the writing end, kept open so the reader keeps waiting."""
    deadline = time.monotonic() + 60
    while True:
        try:
            return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)  # fails with ENXIO until a reader has it open
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"the run ended (exit {proc.returncode}) before reading: {proc.stderr.read()}")
            if time.monotonic() > deadline:
                proc.kill()
                pytest.fail("the run never opened its input")
            time.sleep(0.005)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
@pytest.mark.parametrize("command", [
    ["produce", "{fifo}", "-o", "{out}"],
    ["produce", "{text}", "-o", "{out}", "--config", "{fifo}"],  # while the options are still being read
    ["plan", "{fifo}"],
    ["speech", "{fifo}"],
    ["lint", "{fifo}"],
])
def test_a_signal_early_in_any_command_is_the_documented_one_line(tmp_path, command, signum):
    fifo = tmp_path / "input.fifo"
    os.mkfifo(fifo)
    text = tmp_path / "tin.txt"
    text.write_text("Tin ngắn\n\nMột câu.\n", encoding="utf-8")
    args = [a.format(fifo=fifo, out=tmp_path / "out", text=text) for a in command]
    proc = start_command(args, tmp_path / "cache")
    writer = wait_for_reader(proc, fifo)
    try:
        (os.killpg if signum == signal.SIGINT else os.kill)(proc.pid, signum)
        out = assert_stopped_cleanly(proc, signum)
    finally:
        os.close(writer)
    assert "Aborted" not in out and not (tmp_path / "out").exists()


READ_A_FIFO = """
import os, signal, sys, threading, time
from pathlib import Path
from broadcast import files, interrupt

interrupt.install()
# The signal must land while the read is not in the kernel to be woken (the instant before it blocks): made
# certain here by having another thread take it, as the kernel may when a process has threads.
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})

def take_the_signal():
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    time.sleep(float(sys.argv[2]))
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(60)

threading.Thread(target=take_the_signal, daemon=True).start()
try:
    files.read_limited(Path(sys.argv[1]), 1 << 20, "a transcript")
except interrupt.Interrupted as exc:
    print("interrupted", exc)
    sys.exit(exc.exit_code)
"""


def test_a_signal_that_does_not_wake_a_waiting_read_is_still_acted_on(tmp_path):
    """A read of a FIFO that waits for text: a Ctrl-C whose signal does not interrupt the read itself (it
    landed just before the read blocked, or on another thread) still stops the run, within a fraction of a
    second, instead of leaving it deaf to every later Ctrl-C."""
    fifo = tmp_path / "input.fifo"
    os.mkfifo(fifo)
    proc = subprocess.Popen([sys.executable, "-c", READ_A_FIFO, str(fifo), "0.3"], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    writer = wait_for_reader(proc, fifo)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail("the read went on waiting after the signal")
    finally:
        os.close(writer)
    assert proc.returncode == 130 and out == "interrupted SIGINT\n", (proc.returncode, out, err)
