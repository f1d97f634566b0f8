"""Each topic's top words: from a fitted model, as plain c-TF-IDF, and per language."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pipeline.topics.fit import OUTLIER
from pipeline.topics.text import TOKEN_PATTERN


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


def words_by_language(units: pd.DataFrame, topics: np.ndarray, stops: list[str], n: int,
                      min_participants: int = 1) -> dict[str, dict[int, list[str]]]:
    """Per language, each topic's c-TF-IDF words over that language's units only: a topic
    shared by both languages gets English words from English talk and Spanish from Spanish.

    A word is a candidate for a topic only if at least `min_participants` participants use it
    in that topic's units. A word one interviewee used several times is that person's, not the
    topic's: it ranks high in c-TF-IDF (frequent in one topic, rare elsewhere), says little
    about what the topic's speakers share, and in a published table it points at one person.
    """
    from bertopic.vectorizers import ClassTfidfTransformer
    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import CountVectorizer

    out: dict[str, dict[int, list[str]]] = {}
    languages = units["language"].astype(str).to_numpy()
    texts = units["clean"].to_numpy()
    people = units["participant_id"].astype(str).to_numpy()
    for lang in sorted(set(languages)):
        mask = languages == lang
        labels = sorted(set(topics[mask].tolist()) - {OUTLIER})
        if not labels:
            continue
        rows = np.flatnonzero(mask & np.isin(topics, labels))
        vec = CountVectorizer(lowercase=True, token_pattern=TOKEN_PATTERN, stop_words=stops,
                              min_df=1)
        try:
            per_unit = csr_matrix(vec.fit_transform(texts[rows]))
        except ValueError:  # only stop words
            continue
        # units -> topics (word counts) and units -> (topic, participant) pairs (word used)
        row_topic = np.searchsorted(labels, topics[rows])
        to_topic = csr_matrix((np.ones(len(rows)), (row_topic, np.arange(len(rows)))),
                              shape=(len(labels), len(rows)))
        counts = to_topic @ per_unit
        row_people = list(zip(row_topic.tolist(), people[rows].tolist(), strict=True))
        pairs = sorted(set(row_people))
        pair_index = {pair: i for i, pair in enumerate(pairs)}
        row_pair = [pair_index[pair] for pair in row_people]
        to_pair = csr_matrix((np.ones(len(rows)), (row_pair, np.arange(len(rows)))),
                             shape=(len(pairs), len(rows)))
        used = (to_pair @ per_unit > 0).astype(np.int64)
        pair_topic = csr_matrix((np.ones(len(pairs)), ([t for t, _ in pairs], range(len(pairs)))),
                                shape=(len(labels), len(pairs)))
        speakers = (pair_topic @ used).toarray()
        weights = ClassTfidfTransformer(reduce_frequent_words=True).fit_transform(
            csr_matrix(counts)).toarray()
        weights = np.where(speakers >= min_participants, weights, 0.0)
        vocab = np.array(vec.get_feature_names_out())
        out[lang] = {}
        for row, topic in enumerate(labels):
            order = np.lexsort((vocab, -np.round(weights[row], 9)))[:n]
            out[lang][topic] = [str(vocab[i]) for i in order if weights[row, i] > 0]
    return out


def model_words(model: Any, n: int) -> dict[int, list[str]]:
    return {t: [w for w, _ in (reps or [])][:n] for t, reps in model.topic_representations_.items()
            if reps}
