"""The audio stage: PCM and ffmpeg helpers, the programme timeline, loudness and mastering."""
