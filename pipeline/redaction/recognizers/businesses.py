"""BusinessNameRecognizer: the name of a bar, shop, farm, workplace or organisation after
the word for it ('bar La Estrella', 'la finca El Porvenir')."""

from __future__ import annotations

import re

from pipeline.redaction.recognizers.base import Rule, RuleRecognizer
from pipeline.redaction.recognizers.patterns import CAP
from pipeline.redaction.recognizers.wordsets import blocked_after_title, name_tokens

BUSINESS_WORDS = (r"bar|restaurante|restaurant|discoteca|disco|night\s*club|nightclub|club|hotel|hostal|"
                  r"motel|residencial|karaoke|cantina|prost[ií]bulo|whisker[ií]a|boliche|local|"
                  r"tienda|shop|store|f[aá]brica|factory|taller|workshop|empresa|company|agencia|"
                  r"agency|mina|mine|poller[ií]a|cevicher[ií]a|sal[oó]n|spa|maquila|maquiladora|"
                  r"plantaci[oó]n|plantation|finca|hacienda|farm|rancho|ranch|fundo|granja|"
                  r"asociaci[oó]n|association|fundaci[oó]n|foundation|colectivo|colectiva|casa\s+de\s+acogida|"
                  r"casa\s+hogar|albergue|refugio|shelter|hogar|brigada|organizaci[oó]n|"
                  r"organization|organisation|cooperativa|mercado|market|panader[ií]a|bakery|"
                  r"lavander[ií]a|casa\s+de\s+citas|brothel|burdel|cabaret|peluquer[ií]a|"
                  r"salon|ladrillera|brickyard|aserradero|barco|boat|pesquera|bananera|florícola|"
                  r"flor[ií]cola|camaronera|minera|constructora|textil|call\s+center")

_NAME = (rf"(?:(?:El|La|Los|Las|The)\s+)?{CAP}(?:\s+(?:(?:de|del|la|las|los|el|y|of|the|and)\s+)?"
         rf"(?:{CAP}|\d{{1,3}}\b)){{0,3}}")
BUSINESS = re.compile(rf"(?i:\b(?:{BUSINESS_WORDS}))\s+(?:(?i:llamad[oa]|called|named)\s+)?"
                      rf"[\"“'‘«]?({_NAME})")


class BusinessNameRecognizer(RuleRecognizer):
    """A name after a word in `BUSINESS_WORDS`, unless it is only blocked words (ORGANIZATION)."""

    def __init__(self, language: str):
        self.blocked = blocked_after_title()
        super().__init__("BusinessNameRecognizer", "ORGANIZATION",
                         [Rule("business", BUSINESS, 0.75, group=1, validator=self.check)],
                         language)

    def check(self, match: re.Match, text: str) -> float | None:
        tokens = [t for t in name_tokens(match.group(1)) if t not in {"el", "la", "los", "las", "the"}]
        if not tokens or all(t in self.blocked for t in tokens):
            return None
        return 0.75


def business_recognizer(language: str) -> RuleRecognizer:
    return BusinessNameRecognizer(language)
