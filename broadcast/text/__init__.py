"""The text stage: the transcript read into blocks, then sentences and subtitle cues."""
