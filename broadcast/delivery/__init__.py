"""Delivery: the output folder, manifest, preview page and waveform."""
