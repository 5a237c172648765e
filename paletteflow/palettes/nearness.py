"""Words the lexicon lacks, read by their nearness to words it has, with static word vectors.

The vectors are WordLlama's (MIT; the token embedding of a large language
model distilled to 256 dimensions), shipped inside its wheel: loading them reads
two files from the installed package and never touches the network. A word's
vector is the mean of its tokens' vectors. A word the tokenizer keeps whole has
a vector that carries meaning, so its nearest known phrase is believed when
near enough, unless a short one merely begins the other ("mar" and "marsh":
the shared token, not the sense). A word split into pieces ("mer|ma|id") has a
vector that mostly carries spelling, so only a near neighbour sharing its stem
is believed ("grieving" -> grief, "oceanic" -> ocean, not "anime" -> lime).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Cosine similarity a neighbour needs, for a word kept whole and for one split into pieces.
WHOLE_WORD_NEARNESS = 0.45
PIECES_NEARNESS = 0.6
STEM_LETTERS = 4
_LOOK_AT = 5  # neighbours tried, nearest first


@dataclass(frozen=True)
class Neighbour:
    phrase: str
    nearness: float


class WordVectors:
    """Vectors for words and a fixed list of known phrases, and the nearest phrase to a word."""

    def __init__(self, known: Sequence[str]) -> None:
        import wordllama

        # WordLlama 0.4 looks for its tokenizer under a misspelt folder of the package; as a cache
        # folder, the package's own folder holds both files, and no download is ever tried.
        self._model = wordllama.WordLlama.load(
            cache_dir=Path(wordllama.__file__).parent, disable_download=True
        )
        self.known = tuple(known)
        self._known_vectors = self._model.embed(list(self.known), norm=True)

    def pieces(self, word: str) -> int:
        return len(self._model.tokenize([word])[0].ids)

    def nearest(self, words: Sequence[str]) -> list[Neighbour | None]:
        """For each word, the nearest known phrase if it is near enough to trust."""
        if not words:
            return []
        nearness = self._model.embed(list(words), norm=True) @ self._known_vectors.T
        found: list[Neighbour | None] = []
        for word, row in zip(words, nearness, strict=True):
            whole = self.pieces(word) == 1
            needed, believable = (
                (WHOLE_WORD_NEARNESS, _not_a_prefix) if whole else (PIECES_NEARNESS, _same_stem)
            )
            found.append(
                next(
                    (
                        Neighbour(self.known[i], float(row[i]))
                        for i in np.argsort(-row, kind="stable")[:_LOOK_AT]
                        if row[i] >= needed and believable(word, self.known[i])
                    ),
                    None,
                )
            )
        return found


def _not_a_prefix(word: str, phrase: str) -> bool:
    """False for "mar" and "marsh": a short shared start is spelling ("cheer", "cheerful" is not)."""
    shorter = min(len(word), len(phrase))
    return shorter >= STEM_LETTERS or not (word.startswith(phrase) or phrase.startswith(word))


def _same_stem(word: str, phrase: str) -> bool:
    return len(word) >= STEM_LETTERS and word[:STEM_LETTERS] == phrase[:STEM_LETTERS]
