"""English word forms back to the word a lexicon holds: "sunsets" -> sunset, "plummy" -> plum.

Suffix stripping in the spirit of Porter's stemmer (Porter 1980, "An algorithm
for suffix stripping"), but producing candidate dictionary words rather than
stems: each rule gives a form to look up, longest suffix first, and a doubled
final consonant is undone ("plummy" -> "plumm" -> "plum"). The caller keeps the
first candidate its lexicon knows, so over-eager rules cost nothing.
"""

from __future__ import annotations

# (suffix, replacements): "berries" -> "berry", "leaves" -> "leaf", "wintry" -> "winter".
_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("iness", ("y",)),
    ("ness", ("",)),
    ("ishly", ("", "e")),
    ("ish", ("", "e")),
    ("ily", ("y",)),
    ("ies", ("y",)),
    ("ied", ("y",)),
    ("ier", ("y",)),
    ("iest", ("y",)),
    ("ves", ("f", "fe")),
    ("ful", ("",)),
    ("less", ("",)),
    ("ing", ("", "e")),
    ("ed", ("", "e")),
    ("er", ("", "e")),
    ("est", ("", "e")),
    ("es", ("", "e")),
    ("ly", ("",)),
    ("ry", ("er",)),
    ("y", ("", "e")),
    ("s", ("",)),
)
_MIN_STEM = 3
_VOWELS = frozenset("aeiou")


def base_forms(word: str) -> list[str]:
    """Candidate dictionary forms of `word`, most likely first, without `word` itself."""
    forms: list[str] = []
    for suffix, replacements in _RULES:
        if not word.endswith(suffix) or len(word) - len(suffix) < _MIN_STEM:
            continue
        stem = word[: -len(suffix)]
        for replacement in replacements:
            forms.append(stem + replacement)
        if _doubled(stem):
            forms.append(stem[:-1])
    return [form for form in dict.fromkeys(forms) if form != word]


def _doubled(stem: str) -> bool:
    """A doubled final consonant, as in "plumm" (plummy) or "redd" (reddish)."""
    return len(stem) > _MIN_STEM and stem[-1] == stem[-2] and stem[-1] not in _VOWELS
