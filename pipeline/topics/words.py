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
