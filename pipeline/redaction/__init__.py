"""Redaction: Presidio (en + es) + project recognizers, consistent pseudonyms, leakage gate."""

from pipeline.imports import optional_packages_hidden

# Presidio imports transformers (3 s) for Hugging Face recognizers this pipeline never uses,
# and torch (1 s, through spaCy's thinc and its own GPU detection) for nothing it runs here
with optional_packages_hidden(("transformers", "torch")):
    import presidio_analyzer  # noqa: F401

from pipeline.redaction.core import redact_corpus  # noqa: E402
from pipeline.redaction.result import RedactionResult  # noqa: E402

__all__ = ["RedactionResult", "redact_corpus"]
