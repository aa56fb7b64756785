"""Headless Chromium for tests: load a local page, let its scripts run, return the DOM they left.

Tests that need it call `require_chromium()`, which skips (not fails) where no Chromium is installed;
`.ci/run` installs Debian's chromium so CI runs them.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--allow-file-access-from-files", "--autoplay-policy=no-user-gesture-required",
]


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def require_chromium() -> str:
    path = chromium()
    if path is None:
        pytest.skip("no Chromium installed (apt-get install chromium)")
    return path


def dump_dom(page: Path, budget_ms: int = 5000, file_access: bool = True) -> str:
    """The page's DOM after its scripts ran for `budget_ms` of virtual time.

    `file_access=False` opens the page as a double-clicked file is opened: other file:// URLs are
    cross-origin to it (no fetch, no <track> from a file)."""
    exe = require_chromium()
    flags = FLAGS if file_access else [f for f in FLAGS if f != "--allow-file-access-from-files"]
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run(
            [exe, *flags, f"--user-data-dir={profile}", f"--virtual-time-budget={budget_ms}", "--dump-dom",
             page.resolve().as_uri()],
            capture_output=True, timeout=120, check=False,
        )
    return proc.stdout.decode("utf-8", "replace")
