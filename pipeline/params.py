"""params.yaml: one validated model, with messages a non-programmer can act on."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.coding.params import CodingParams
from pipeline.compare_params import CompareParams, FigureParams, ReportParams
from pipeline.errors import ConfigError
from pipeline.redaction.params import RedactionParams
from pipeline.topics_params import TopicParams

PROFILES = ["adult_woman", "adolescent_girl", "boy", "transgender_woman", "adult_man"]


class LabelMap(BaseModel):
    """Speaker labels (matched case-insensitively, before a colon at the start of a line)."""

    model_config = ConfigDict(extra="forbid")

    interviewer: list[str] = Field(
        default_factory=lambda: ["INTERVIEWER", "ENTREVISTADORA", "ENTREVISTADOR", "I", "E"])
    participant: list[str] = Field(default_factory=lambda: ["PARTICIPANT", "PARTICIPANTE", "P"])


class CorpusParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = "corpora/demo"
    languages: list[str] = Field(default_factory=lambda: ["en", "es"])
    profiles: list[str] = Field(default_factory=lambda: list(PROFILES))
    exploitation: list[str] = Field(default_factory=lambda: ["sexual", "labour", "mixed"])
    labels: LabelMap = Field(default_factory=LabelMap)


class EvaluateParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    gold_dir: str | None = None  # default: <corpus>/gold


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")

    corpus: CorpusParams = Field(default_factory=CorpusParams)
    redaction: RedactionParams = Field(default_factory=RedactionParams)
    coding: CodingParams = Field(default_factory=CodingParams)
    topics: TopicParams = Field(default_factory=TopicParams)
    compare: CompareParams = Field(default_factory=CompareParams)
    figures: FigureParams = Field(default_factory=FigureParams)
    report: ReportParams = Field(default_factory=ReportParams)
    evaluate: EvaluateParams = Field(default_factory=EvaluateParams)


def _describe(error: dict) -> str:
    where = ".".join(str(p) for p in error["loc"]) or "(top level)"
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"'{where}' is not a known setting: check its spelling or remove it"
    if kind == "missing":
        return f"'{where}' is required"
    return f"'{where}': {error['msg']} (got {error.get('input')!r})"


def parse_params(data: dict | None, source: str = "params.yaml") -> Params:
    try:
        return Params.model_validate(data or {})
    except ValidationError as exc:
        problems = "\n  ".join(_describe(e) for e in exc.errors())
        raise ConfigError(f"{source} is not valid:\n  {problems}") from None


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key written twice in the same mapping: otherwise the
    second silently replaces the first (a second `redaction:` section would drop the
    known-identifiers file)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen: dict[object, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"'{key}' appears twice (lines {seen[key]} and {line}); keep one "
                "and merge their settings", key_node.start_mark)
        seen[key] = line
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                                 _construct_mapping)


def read_yaml(path: Path | str, missing_hint: str) -> object:
    """Parse a YAML file; a missing file, a duplicate key or a syntax error is a ConfigError
    naming the line."""
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: file not found; {missing_hint}")
    if not path.is_file():
        raise ConfigError(f"{path}: is a folder, not a file; {missing_hint}")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(f"{where}: not valid YAML ({getattr(exc, 'problem', 'syntax error')}); "
                          "check indentation, colons and quotes") from None


def load_params(path: Path | str | None) -> Params:
    if path is None:
        return Params()
    path = Path(path)
    data = read_yaml(path, "pass --params with the path of params.yaml")
    if data is not None and not isinstance(data, dict):
        raise ConfigError(f"{path}: must be a mapping of sections (corpus:, redaction:, ...)")
    return parse_params(data, str(path))
