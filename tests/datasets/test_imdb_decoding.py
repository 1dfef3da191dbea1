"""Word-index decoding with the seed's offset recipe, through the real IMDB loader.

The helper (keras_dataset_suite.decoding) reserves 0 PAD, 1 START, 2 UNK, 3 UNUSED and maps rank r
to r + index_from. Texts are encoded to ranks, written as imdb.npz, loaded by Keras and decoded.
"""

from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from keras_dataset_suite import differential
from keras_dataset_suite.content import TextSplits
from keras_dataset_suite.decoding import START, UNK, decode, encode
from keras_dataset_suite.ragged import Ragged
from keras_dataset_suite.synthetic import pseudo_words

WORDS = pseudo_words(60)
WORD_INDEX = {word: rank for rank, word in enumerate(WORDS, start=1)}
TEXTS = st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12), min_size=2, max_size=6)


def load_texts(suite, texts, **kwargs):
    encoded = Ragged.from_sequences([encode(text, WORD_INDEX) for text in texts])
    labels = np.zeros(len(texts), dtype=np.int64)
    content = TextSplits(encoded, labels, encoded, labels, WORD_INDEX)
    (x_train, _), _ = differential.load(suite, "imdb", differential.placed(suite, "imdb", content), kwargs).unwrap()
    return x_train


@pytest.mark.synthetic
@given(texts=TEXTS, index_from=st.integers(2, 6))
def test_round_trip_keeps_every_word(suite, texts, index_from):
    """text -> ranks -> Keras indices -> text, when num_words is above every index and skip_top is 0."""
    x_train = load_texts(suite, texts, index_from=index_from, num_words=len(WORDS) + index_from + 1)
    decoded = Counter(decode(row, WORD_INDEX, index_from=index_from) for row in x_train)
    assert decoded == Counter(" ".join([START, *text]) for text in texts)


@pytest.mark.synthetic
@given(texts=TEXTS, num_words=st.integers(4, 70), skip_top=st.integers(0, 12))
def test_cut_words_decode_as_unk(suite, texts, num_words, skip_top):
    """A token survives iff skip_top <= index < num_words (the start mark included); the rest is UNK."""
    x_train = load_texts(suite, texts, num_words=num_words, skip_top=skip_top)

    def kept(index, token):
        return token if skip_top <= index < num_words else UNK

    expected = Counter(" ".join([kept(1, START), *(kept(WORD_INDEX[w] + 3, w) for w in text)]) for text in texts)
    assert Counter(decode(row, WORD_INDEX) for row in x_train) == expected
