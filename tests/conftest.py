from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seeds" / "000_afbced9621bfd328.txt"
SAMPLE = ROOT / "assets" / "sample.txt"
# the seed sits beside the checkout on developer machines; the bundled sample is always there
BULLETINS = [p for p in (SEED, SAMPLE) if p.exists()]


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED.exists():
        pytest.skip(f"seed transcript not found at {SEED}")
    return SEED


@pytest.fixture(scope="session", params=BULLETINS, ids=[p.stem for p in BULLETINS])
def bulletin(request) -> Path:
    return request.param


@pytest.fixture(scope="session", autouse=True)
def private_cache_dir(tmp_path_factory):
    """Every test's segment cache lives in a temporary folder, never the user's real cache."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BROADCAST_CACHE_DIR", str(tmp_path_factory.mktemp("segment-cache")))
        yield
