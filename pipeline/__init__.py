"""Testimony analysis pipeline: redact, code, model topics, compare countries."""

__version__ = "0.1.0"
