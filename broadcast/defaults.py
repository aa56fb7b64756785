"""Defaults the command line shows before any stage is imported (kept here so `broadcast --help` starts fast)."""

# Syllables per second, pauses at commas included. Vietnamese radio news runs at 3.9, but eSpeak at 3.9 gives
# subtitles of 17–18 characters/s (the limit to aim at is 17); at 3.3 (inside a cue it articulates ≈ 3.6) at
# least 96% of cues of five bulletins are at ≤ 17 characters/s. See README "Reading speed".
RATE = 3.3
SENTENCE_PAUSE = 0.45  # seconds of silence between sentences
PARAGRAPH_PAUSE = 1.0  # and between paragraphs
MAX_HOURS = 3.0  # hours of speech a transcript may be estimated at before produce, plan and speech refuse it
