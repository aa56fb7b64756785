"""The voice stage: engines behind one small interface (engines.py), synthesis with cache and fallback."""
