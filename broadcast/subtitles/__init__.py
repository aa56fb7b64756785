"""The subtitle stage: cue rules, timing on the frame grid, writers per format, lint."""
