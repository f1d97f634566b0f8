"""Read a corpus folder: metadata.csv and transcripts (.txt .docx .vtt .srt) into speaker turns.

The reader is strict: every problem is collected with the file and line it comes from and
what to do about it, and no message ever quotes transcript text. Participants whose consent
is withdrawn are dropped before their transcript is even opened.

This package re-exports every name the single `pipeline/corpus.py` module used to define, so
`from pipeline.corpus import ...` keeps working. Its modules, one job each:

- model: Participant, Turn, Transcript and Corpus
- decoding: bytes to text (byte-order marks, UTF-8, legacy encodings), line breaks
- files: finding transcripts; refusing folders, pipes, sockets and dangling links
- metadata: metadata.csv, read and validated
- turns: numbered lines split into speaker turns at their labels
- docx_format, captions: .docx paragraphs and .vtt/.srt cues as numbered lines
- transcript: one transcript file, whatever its format, into a Transcript
- card: the optional corpus card (corpus.yaml)
- scan: a whole corpus folder (load_corpus, validate_corpus)
- render: turns written back as transcript text, with offsets
"""

from pipeline.corpus.captions import _CUE_LINE_BREAK as _CUE_LINE_BREAK
from pipeline.corpus.captions import _MAX_CUE_PROBLEMS as _MAX_CUE_PROBLEMS
from pipeline.corpus.captions import _SRT_TIMESTAMP as _SRT_TIMESTAMP
from pipeline.corpus.captions import _SRT_TIMING as _SRT_TIMING
from pipeline.corpus.captions import _TIMING_LIKE as _TIMING_LIKE
from pipeline.corpus.captions import _VTT_TIMESTAMP as _VTT_TIMESTAMP
from pipeline.corpus.captions import _VTT_TIMING as _VTT_TIMING
from pipeline.corpus.captions import _caption_lines as _caption_lines
from pipeline.corpus.captions import _cue_blocks as _cue_blocks
from pipeline.corpus.captions import _is_vtt_metadata_block as _is_vtt_metadata_block
from pipeline.corpus.captions import _timing_like as _timing_like
from pipeline.corpus.captions import _timing_ok as _timing_ok
from pipeline.corpus.card import CARD_KEYS, CORPUS_CARD, read_corpus_card
from pipeline.corpus.decoding import _BOMS as _BOMS
from pipeline.corpus.decoding import _BYTE_LINE_BREAK as _BYTE_LINE_BREAK
from pipeline.corpus.decoding import _LINE_BREAK as _LINE_BREAK
from pipeline.corpus.decoding import _PLAUSIBLE_LEGACY as _PLAUSIBLE_LEGACY
from pipeline.corpus.decoding import _SPACES as _SPACES
from pipeline.corpus.decoding import _ZERO_WIDTH as _ZERO_WIDTH
from pipeline.corpus.decoding import _bom_encoding as _bom_encoding
from pipeline.corpus.decoding import _line_at as _line_at
from pipeline.corpus.decoding import _looks_binary as _looks_binary
from pipeline.corpus.decoding import _utf16_without_bom as _utf16_without_bom
from pipeline.corpus.decoding import decode_bytes, normalise_text, split_lines
from pipeline.corpus.docx_format import _docx_lines as _docx_lines
from pipeline.corpus.files import TRANSCRIPT_SUFFIXES, find_transcripts
from pipeline.corpus.files import _file_problem as _file_problem
from pipeline.corpus.files import _find_transcripts as _find_transcripts
from pipeline.corpus.files import _read_file as _read_file
from pipeline.corpus.files import _unreadable as _unreadable
from pipeline.corpus.metadata import _COUNTRY_PATTERN as _COUNTRY_PATTERN
from pipeline.corpus.metadata import _ID_PATTERN as _ID_PATTERN
from pipeline.corpus.metadata import _PARAMS_KEY as _PARAMS_KEY
from pipeline.corpus.metadata import (
    CONSENT_VALUES,
    ID_MAX_LENGTH,
    REQUIRED_COLUMNS,
    read_metadata,
)
from pipeline.corpus.metadata import _csv_problem as _csv_problem
from pipeline.corpus.metadata import _quote_trouble as _quote_trouble
from pipeline.corpus.metadata import _read_metadata as _read_metadata
from pipeline.corpus.metadata import _separator_hint as _separator_hint
from pipeline.corpus.model import Corpus, Participant, Transcript, Turn
from pipeline.corpus.render import render_transcript
from pipeline.corpus.scan import _scan as _scan
from pipeline.corpus.scan import load_corpus, log, validate_corpus
from pipeline.corpus.transcript import read_transcript
from pipeline.corpus.turns import _UNKNOWN_LABEL as _UNKNOWN_LABEL
from pipeline.corpus.turns import _label_pattern as _label_pattern
from pipeline.corpus.turns import parse_turns

__all__ = [
    "CARD_KEYS",
    "CONSENT_VALUES",
    "CORPUS_CARD",
    "Corpus",
    "ID_MAX_LENGTH",
    "Participant",
    "REQUIRED_COLUMNS",
    "TRANSCRIPT_SUFFIXES",
    "Transcript",
    "Turn",
    "decode_bytes",
    "find_transcripts",
    "load_corpus",
    "log",
    "normalise_text",
    "parse_turns",
    "read_corpus_card",
    "read_metadata",
    "read_transcript",
    "render_transcript",
    "split_lines",
    "validate_corpus",
]
