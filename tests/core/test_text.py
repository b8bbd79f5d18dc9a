"""Text folding and the trigram similarity behind the typo-tolerant search."""

import pytest

from core.text import fold, similarity, trigrams


def test_trigrams_are_padded_per_word_as_pg_trgm_pads_them():
    assert trigrams("ab") == {"  a", " ab", "ab "}
    assert trigrams("ab cd") == {"  a", " ab", "ab ", "  c", " cd", "cd "}


@pytest.mark.parametrize(
    ("query", "text", "at_least"),
    [
        ("witenberg", "lutherstadt wittenberg", 0.6),  # one letter missing, in the second word
        ("dessua", "dessau-rosslau", 0.3),  # two letters swapped, in a hyphenated name
        ("wittenberg", "wittenberg", 1.0),
    ],
)
def test_a_misspelt_name_is_close_to_the_name(query, text, at_least):
    assert similarity(fold(query), fold(text)) >= at_least


def test_unrelated_words_are_not_close():
    assert similarity("xqzjvw", "lutherstadt wittenberg") == 0.0
    assert similarity("", "wittenberg") == 0.0
    assert similarity("berlin", "bernau") < 0.3
