"""Code a corpus's segments with the rule coder: one LanguageCoder per language."""

from __future__ import annotations

import pandas as pd
from spacy.tokens import Doc

from pipeline.coding.aggregate import CODING_COLUMNS, dedupe_codings, is_answer
from pipeline.coding.codebook import Codebook
from pipeline.coding.language import LanguageCoder
from pipeline.coding.match import TurnDoc, mask_tags
from pipeline.errors import ConfigError
from pipeline.logs import progress
from pipeline.params import CodingParams


def skip_factory_entry_points() -> None:
    """Build spaCy pipelines without importing every package that registers a pipeline
    factory. presidio-analyzer registers its Hugging Face token pipe there, so each coding
    process imported Presidio and transformers (about 6 s) for a component no model here
    uses; the coder's models need only spaCy's own factories."""
    from spacy import util
    util.registry._entry_point_factories.entry_points = False


def load_models(params: CodingParams, languages: list[str]) -> dict:
    import spacy
    skip_factory_entry_points()
    models = {}
    for lang in languages:
        name = params.models.get(lang)
        if not name:
            raise ConfigError(f"coding.models has no spaCy model for language '{lang}'")
        try:
            models[lang] = spacy.load(name, exclude=["ner"])
        except OSError:
            raise ConfigError(f"spaCy model '{name}' for '{lang}' is not installed; run "
                              "`make setup`") from None
    return models


class Coder:
    """Code segments (the redact stage's segments.parquet) with a codebook."""

    def __init__(self, codebook: Codebook, params: CodingParams, models: dict | None = None):
        self.codebook = codebook
        self.params = params
        self._models = dict(models or {})
        self._coders: dict[str, LanguageCoder] = {}

    def coder_for(self, lang: str) -> LanguageCoder:
        """The language's coder, its spaCy model loaded and its rules compiled on first use:
        a run that codes only Spanish text (a few new transcripts) never loads English."""
        if lang not in self.codebook.languages:
            raise ConfigError(f"segments in language '{lang}' but the codebook has rules "
                              f"only for {', '.join(self.codebook.languages)}")
        if lang not in self._coders:
            if lang not in self._models:
                self._models.update(load_models(self.params, [lang]))
            self._coders[lang] = LanguageCoder(self.codebook, lang, self._models[lang],
                                               self.params)
        return self._coders[lang]

    def code_segments(self, segments: pd.DataFrame) -> pd.DataFrame:
        """Codings, one row per piece of evidence (columns CODING_COLUMNS), sorted."""
        rows: list[dict] = []
        segs = segments.sort_values(["participant_id", "turn_index"], kind="stable")
        for lang, group in segs.groupby("language", sort=True):
            coder = self.coder_for(lang)
            turns = self._turn_docs(coder, group)
            for turn in progress(turns, desc=f"coding ({lang})"):
                rows.extend(coder.code_turn(turn))
        frame = pd.DataFrame(rows, columns=CODING_COLUMNS)
        answer = is_answer(frame)
        evidenced = set(zip(frame.loc[~answer, "participant_id"], frame.loc[~answer, "code"],
                            strict=True))
        keep = ~answer | pd.Series([k in evidenced for k in zip(
            frame["participant_id"], frame["code"], strict=True)], index=frame.index, dtype=bool)
        return dedupe_codings(frame[keep])

    def _turn_docs(self, coder: LanguageCoder, group: pd.DataFrame) -> list[TurnDoc]:
        records = group.to_dict("records")
        texts = [mask_tags(str(r["text"])) for r in records]
        docs = [coder.prepare(d) for d in
                coder.nlp.pipe(texts, batch_size=self.params.batch_size)]
        coder.build(docs)
        turns: list[TurnDoc] = []
        previous: dict[str, tuple[dict, Doc]] = {}
        for record, doc in zip(records, docs, strict=True):
            pid = record["participant_id"]
            if record["speaker"] != "participant":
                previous[pid] = (record, doc)
                continue
            ctx = previous.pop(pid, None)
            turn = TurnDoc(segment_id=record["segment_id"], participant_id=pid, language=
                           record["language"], offset=int(record["start"]),
                           text=str(record["text"]), doc=doc,
                           context=ctx[1] if ctx else None)
            turn.matches = coder.find(doc)
            if turn.context is not None:
                turn.context_matches = coder.find(turn.context)
            turns.append(turn)
        return turns

