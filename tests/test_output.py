"""The output folder appears whole or not at all, one run at a time."""

import errno
import os

import pytest

from broadcast.delivery.folder import OutputError, StagedFolder


def test_success_swaps_in_and_replaces_earlier_output(tmp_path):
    target = tmp_path / "bulletin"
    with StagedFolder(target) as stage:
        (stage / "manifest.json").write_text("{}", encoding="utf-8")
        (stage / "old-only.txt").write_text("stale", encoding="utf-8")
    with StagedFolder(target) as stage:
        (stage / "manifest.json").write_text('{"run": 2}', encoding="utf-8")
    assert sorted(p.name for p in target.iterdir()) == ["manifest.json"]  # stale files from run 1 are gone
    assert [p.name for p in tmp_path.iterdir() if ".partial-" in p.name or ".old-" in p.name] == []


def test_failure_leaves_the_earlier_output_untouched(tmp_path):
    target = tmp_path / "bulletin"
    with StagedFolder(target) as stage:
        (stage / "manifest.json").write_text("first", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with StagedFolder(target) as stage:
            (stage / "manifest.json").write_text("second, half", encoding="utf-8")
            raise RuntimeError("synthesis failed")
    assert (target / "manifest.json").read_text(encoding="utf-8") == "first"
    assert [p.name for p in tmp_path.iterdir() if ".partial-" in p.name] == []


def test_full_disk_is_one_clear_error_and_leaves_nothing(tmp_path):
    target = tmp_path / "bulletin"
    with pytest.raises(OutputError, match="No space left on device") as info:
        with StagedFolder(target) as stage:
            (stage / "part.mp3").write_bytes(b"x" * 10)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # what a write on a full disk raises
    assert str(target) in str(info.value)
    assert not target.exists() and [p.name for p in tmp_path.iterdir() if ".partial-" in p.name] == []


def test_second_writer_fails_clearly(tmp_path):
    target = tmp_path / "bulletin"
    with StagedFolder(target):
        with pytest.raises(OutputError, match="another broadcast run is writing"):
            with StagedFolder(target):
                pass
    with StagedFolder(target) as stage:  # the lock is released afterwards
        (stage / "manifest.json").write_text("{}", encoding="utf-8")


def test_leftovers_of_a_killed_run_are_cleaned(tmp_path):
    target = tmp_path / "bulletin"
    (tmp_path / ".bulletin.partial-abc").mkdir()
    (tmp_path / ".bulletin.partial-abc" / "half.mp3").write_bytes(b"x")
    killed_mid_swap = tmp_path / ".bulletin.old-def" / "previous"
    killed_mid_swap.mkdir(parents=True)
    (killed_mid_swap / "manifest.json").write_text("earlier", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with StagedFolder(target):
            raise RuntimeError("stop")
    assert (target / "manifest.json").read_text(encoding="utf-8") == "earlier"  # restored, not lost
    assert [p.name for p in tmp_path.iterdir() if ".partial-" in p.name or ".old-" in p.name] == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_parent(tmp_path):
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="cannot write output"):
            with StagedFolder(parent / "bulletin"):
                pass
    finally:
        parent.chmod(0o700)


def test_output_dir_under_a_file(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot write output"):
        with StagedFolder(blocker / "out" / "bulletin"):
            pass


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux /proc")
def test_unwritable_output_dir_even_for_root():
    with pytest.raises(OutputError, match="cannot write output"):
        with StagedFolder(__import__("pathlib").Path("/proc/broadcast-test/bulletin")):
            pass


def test_output_folder_gets_the_usual_permissions_not_mkdtemps(tmp_path):
    """Editors on a shared drive must be able to open the folder: it is made like any folder (umask), not 0700."""
    old = os.umask(0o022)
    try:
        with StagedFolder(tmp_path / "bulletin") as stage:
            (stage / "manifest.json").write_text("{}", encoding="utf-8")
    finally:
        os.umask(old)
    assert (tmp_path / "bulletin").stat().st_mode & 0o777 == 0o755
