"""Rule-based coder: codebook rules -> spaCy Matcher patterns -> auditable codings.

Every phrase of a rule is compiled to two spaCy token patterns: one over the accent-folded
lower-case form (NORM) and one over the accent-folded lemma (LEMMA), so "explicar" matches
"explicó" and "nobody explained" matches "Nobody explained". Only participant turns produce
codings; the interviewer's question is used only as context for `within: exchange` rules.

This module keeps `from pipeline.coding.matcher import ...` working; the code lives in
modules with one job each:

- keys: the typed keys matches are filed under (Cue, Role, RuleKey)
- compile: codebook rules and cues of one language -> spaCy Matcher/PhraseMatcher patterns
- match: prepared docs -> matches by key (TurnDoc, mask_tags)
- negation: negation scope of a piece of evidence
- valence: valence of care evidence from the cues around it
- language: one language's turns -> coding rows (LanguageCoder)
- coder: a corpus's segments -> codings (Coder, load_models)
- aggregate: answer rows, merging overlapping codings, participant-level codes and valence
"""

from pipeline.coding.aggregate import ANSWER_RULE as ANSWER_RULE
from pipeline.coding.aggregate import CODING_COLUMNS as CODING_COLUMNS
from pipeline.coding.aggregate import aggregate_valence as aggregate_valence
from pipeline.coding.aggregate import dedupe_codings as dedupe_codings
from pipeline.coding.aggregate import is_answer as is_answer
from pipeline.coding.aggregate import participant_codes as participant_codes
from pipeline.coding.coder import Coder as Coder
from pipeline.coding.coder import load_models as load_models
from pipeline.coding.compile import MAX_EXPANSIONS as MAX_EXPANSIONS
from pipeline.coding.compile import CompiledRule as CompiledRule
from pipeline.coding.compile import CompiledRules as CompiledRules
from pipeline.coding.compile import _expand as _expand
from pipeline.coding.keys import Cue as Cue
from pipeline.coding.keys import Role as Role
from pipeline.coding.keys import RuleKey as RuleKey
from pipeline.coding.language import NEAR_SENTENCES as NEAR_SENTENCES
from pipeline.coding.language import LanguageCoder as LanguageCoder
from pipeline.coding.language import _near as _near
from pipeline.coding.language import _sentence_index as _sentence_index
from pipeline.coding.match import TAG as TAG
from pipeline.coding.match import TurnDoc as TurnDoc
from pipeline.coding.match import mask_tags as mask_tags
from pipeline.coding.negation import CLAUSE_PUNCT as CLAUSE_PUNCT
