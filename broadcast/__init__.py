"""broadcast: a TTV evening-news transcript → spoken Vietnamese audio and matching subtitles."""

__version__ = "0.1.0"
