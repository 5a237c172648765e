"""How close palettes come to the ones people made for the same words (the PAT set).

The Palette-and-Text set (Bahng et al., "Coloring with Words", ECCV 2018) lives in
../shared/data/text-palettes/ for measuring only: nothing read here is shipped or
written back into the project. Distance between two palettes: each colour of one
to its nearest in the other, CIEDE2000, averaged both ways; for a text with
several human palettes, the nearest of them. "First" scores a generator's first
palette, "best of 5" the nearest of its first five.

Two baselines sit beside the generator: chance (human palettes of random train
texts) and retrieval (the palettes of the train texts sharing most words with
the text), both computed from the train split here, at measuring time.
"""

from __future__ import annotations

import ast
import csv
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from paletteflow.color import ciede2000, linear_to_cielab, srgb_to_linear

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "text-palettes"
BEST_OF = 5
# Words too common to say anything about colour; the retrieval baseline ignores them.
_FILLER = frozenset(
    ["a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "for", "with", "by", "is", "my"]
)

Lab = np.ndarray  # (colours, 3) CIELAB


@dataclass(frozen=True)
class TextPalettes:
    text: str
    words: tuple[str, ...]
    palettes: list[Lab]  # every human palette made for this text


def srgb_rows_to_lab(rgb: Sequence[Sequence[int]]) -> Lab:
    return linear_to_cielab(srgb_to_linear(np.asarray(rgb, dtype=float) / 255.0))


def load_split(name: str, data: Path = DATA) -> list[TextPalettes]:
    """One entry per distinct text, in first-seen order, with all of its palettes."""
    grouped: dict[str, TextPalettes] = {}
    with (data / f"pat_{name}.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            words = tuple(ast.literal_eval(row["text_input"]))
            text = " ".join(words)
            entry = grouped.setdefault(text, TextPalettes(text, words, []))
            entry.palettes.append(srgb_rows_to_lab(ast.literal_eval(row["palette"])))
    return list(grouped.values())


def palette_distance(first: Lab, second: Lab) -> float:
    """Each colour to its nearest in the other palette, CIEDE2000, averaged both ways."""
    pairs = ciede2000(first[:, None, :], second[None, :, :])
    return float((pairs.min(axis=1).mean() + pairs.min(axis=0).mean()) / 2)


def to_humans(palette: Lab, humans: list[Lab]) -> float:
    return min(palette_distance(palette, human) for human in humans)


def first_and_best(candidates: list[Lab], humans: list[Lab]) -> tuple[float, float]:
    distances = [to_humans(candidate, humans) for candidate in candidates[:BEST_OF]]
    return distances[0], min(distances)


@dataclass(frozen=True)
class Score:
    first: float
    best: float
    texts: int


def score(suggest: Callable[[TextPalettes], list[Lab]], texts: list[TextPalettes]) -> Score:
    """Mean first-palette and best-of-5 distance of a suggester over the texts."""
    pairs = np.array([first_and_best(suggest(entry), entry.palettes) for entry in texts])
    return Score(float(pairs[:, 0].mean()), float(pairs[:, 1].mean()), len(texts))


def chance(train: list[TextPalettes], seed: int = 0) -> Callable[[TextPalettes], list[Lab]]:
    """Human palettes of random train texts, the same draw for the same seed."""
    pool = [palette for entry in train for palette in entry.palettes]
    draw = random.Random(seed)

    def suggest(_entry: TextPalettes) -> list[Lab]:
        return draw.sample(pool, BEST_OF)

    return suggest


def retrieval(train: list[TextPalettes]) -> Callable[[TextPalettes], list[Lab]]:
    """The palettes of the train texts sharing most words (then the larger share), in train order."""
    word_sets = [set(entry.words) - _FILLER for entry in train]
    holding: dict[str, list[int]] = {}
    for index, words in enumerate(word_sets):
        for word in words:
            holding.setdefault(word, []).append(index)

    def suggest(entry: TextPalettes) -> list[Lab]:
        wanted = set(entry.words) - _FILLER
        shared = Counter(index for word in wanted for index in holding.get(word, ()))
        ranked = sorted(
            shared,
            key=lambda i: (-shared[i], -shared[i] / len(wanted | word_sets[i]), i),
        )
        ranked += [i for i in range(BEST_OF) if i not in shared]
        found = [palette for i in ranked[:BEST_OF] for palette in train[i].palettes]
        return found[:BEST_OF]

    return suggest
