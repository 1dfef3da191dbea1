"""Word-index decoding: the seed article's recipe, as the one helper the suite and the report use.

Keras stores 1-based frequency ranks ("the" = 1) and adds `index_from` (3) when loading, reserving
0 for padding, `start_char` (1) for the start mark and `oov_char` (2) for cut words; with the
defaults, index 3 is never produced.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

PAD, START, UNK, UNUSED = "<PAD>", "<START>", "<UNK>", "<UNUSED>"


def index_table(
    word_index: Mapping[str, int], index_from: int = 3, start_char: int | None = 1, oov_char: int | None = 2
) -> dict[int, str]:
    """Loaded index -> word, with the reserved indices named as in the seed's recipe."""
    table = {index: UNUSED for index in range(1, index_from + 1)}
    table[0] = PAD
    if start_char is not None:
        table[start_char] = START
    if oov_char is not None:
        table[oov_char] = UNK
    table.update({rank + index_from: word for word, rank in word_index.items()})
    return table


def decode(
    sequence: Iterable[int],
    word_index: Mapping[str, int],
    index_from: int = 3,
    start_char: int | None = 1,
    oov_char: int | None = 2,
) -> str:
    """The text of one loaded sequence; an index with no word decodes as <UNK>."""
    table = index_table(word_index, index_from, start_char, oov_char)
    return " ".join(table.get(int(index), UNK) for index in sequence)


def encode(words: Iterable[str], word_index: Mapping[str, int]) -> list[int]:
    """Raw ranks of `words`, as the stored files hold them (before the loader's index_from shift)."""
    return [word_index[word] for word in words]
