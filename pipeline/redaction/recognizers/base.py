"""The shared base of the project recognizers: a regex `Rule` and the `RuleRecognizer` that
runs a list of rules and reports Presidio results with their metadata."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult

from pipeline.redaction.recognizers.context_table import context_words


@dataclass(frozen=True)
class Rule:
    name: str
    regex: re.Pattern
    score: float
    group: int | str = 0
    # validator(match, text) -> score, or None to reject the match
    validator: Callable[[re.Match, str], float | None] | None = None


class RuleRecognizer(EntityRecognizer):
    """A recognizer made of regex rules whose results carry Presidio's metadata.

    Without `context`, its context words are those of `name` in `lexicon/context_words.yaml`.
    """

    def __init__(self, name: str, entity: str, rules: list[Rule], language: str,
                 context: list[str] | None = None,
                 precheck: Callable[[str], bool] | None = None):
        self.rules = rules
        # a cheap test that skips the rules on a text they cannot match (speed only)
        self.precheck = precheck
        if context is None:
            context = context_words(name, language)
        super().__init__(supported_entities=[entity], name=name, supported_language=language,
                         context=context or [])

    def load(self) -> None:  # noqa: D102 - nothing to load
        pass

    def analyze(self, text, entities, nlp_artifacts=None):  # noqa: D102
        results: list[RecognizerResult] = []
        if self.precheck is not None and not self.precheck(text):
            return results
        entity = self.supported_entities[0]
        for rule in self.rules:
            for match in rule.regex.finditer(text):
                start, end = match.span(rule.group)
                if start < 0 or end <= start:
                    continue
                score = rule.score
                if rule.validator is not None:
                    checked = rule.validator(match, text)
                    if checked is None:
                        continue
                    score = checked
                explanation = AnalysisExplanation(recognizer=self.name, original_score=score,
                                                  pattern_name=rule.name)
                results.append(RecognizerResult(
                    entity_type=entity, start=start, end=end, score=score,
                    analysis_explanation=explanation,
                    recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                          RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id}))
        return results
