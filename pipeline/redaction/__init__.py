"""Redaction: Presidio (en + es) + project recognizers, consistent pseudonyms, leakage gate."""

from pipeline.redaction.core import redact_corpus
from pipeline.redaction.result import RedactionResult

__all__ = ["RedactionResult", "redact_corpus"]
