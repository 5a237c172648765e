"""Reading theme text: which colour regions, tones and avoided colours it asks for.

Two data files drive it: a curated lexicon of theme words and phrases mapped to
colour anchors (regions of OkLCh), and the XKCD colour-survey names for direct
colour words. The longest phrase wins ("cherry blossom" over "cherry", "dusty
rose" over "rose"); at equal length the curated lexicon wins over a survey name.
Negation words ("not", "no", "without", ...) turn what follows, up to a comma or
"but", into colours to avoid. A word the tables lack is tried in its base forms
("plummy" -> plum, `word_forms`) and then by its nearness to the words they hold
(`nearness`); the reading records what each such word was taken as.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np

from paletteflow.color import hex_to_oklch
from paletteflow.palettes.nearness import WordVectors
from paletteflow.palettes.word_forms import base_forms

MAX_PHRASE_WORDS = 5
# Longer text is cut here (and the reading says so): the designer reads a theme, not a book.
MAX_TEXT_CHARS = 500
COLORFUL_CHROMA = 0.05

_NEGATIONS = {"not", "no", "without", "avoid", "avoiding", "except", "never", "minus", "non", "nor"}
_SCOPE_BREAKS = {",", ".", ";", "!", "?", "but", "yet", "instead", "rather", "with", "plus"}
_STOPWORD_TEXT = """a an the and or of for with in on at to by from into over under my our your their its
    it is are be been being very really quite lots lot some any much more less bit little kind sort
    like that this these those which who as feel feeling feels vibe vibes style styled theme themed
    brand branding logo logos company business colour colours color colors palette palettes look
    looks looking inspired based mood tone shades shade hint touch plus also just than too all
    something inspiration aesthetic type showing shows shown has have having"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
# Survey names that are only modifiers ("dark", "pale"): alone they say little about a colour.
_MODIFIER_ONLY = {"dark", "pale", "light", "bland", "bright", "deep", "dull", "faded", "soft"}
_SYNONYMS = {"gray": "grey", "greys": "grey", "grays": "grey", "colour": "color"}


@dataclass(frozen=True)
class Anchor:
    """A region of OkLCh a theme word points at; palettes draw their colours from inside it."""

    name: str
    hue: tuple[float, float]
    lightness: tuple[float, float]
    chroma: tuple[float, float]

    def hue_at(self, fraction: float) -> float:
        """A hue inside the range, `fraction` of the way across; ranges may wrap past 360."""
        start, end = self.hue
        span = (end - start) % 360 if end != start else 0.0
        return (start + span * fraction) % 360

    def covers_hue(self, hue: float | np.ndarray, margin: float) -> bool | np.ndarray:
        """Whether hues (one or an array) fall inside the range widened by `margin` each side."""
        start, end = self.hue
        span = (end - start) % 360
        return (hue - start + margin) % 360 <= span + 2 * margin


@dataclass(frozen=True)
class Tone:
    """How a mood word shifts every colour: chroma scale, lightness shift, dark grounds or not."""

    chroma: float = 1.0
    lightness: float = 0.0
    dark_ground: bool = False

    def combine(self, other: Tone) -> Tone:
        return Tone(
            chroma=self.chroma * other.chroma,
            lightness=max(-0.2, min(0.2, self.lightness + other.lightness)),
            dark_ground=self.dark_ground or other.dark_ground,
        )


@dataclass(frozen=True)
class ThemeReading:
    """What the offline designer understood from the theme and logo text."""

    anchors: tuple[Anchor, ...] = ()
    avoided: tuple[Anchor, ...] = ()
    tone: Tone = field(default_factory=Tone)
    understood: tuple[str, ...] = ()
    negated: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    empty: bool = True
    read_as: tuple[tuple[str, str], ...] = ()  # (word in the text, lexicon phrase it was taken as)
    truncated: bool = False


@dataclass(frozen=True)
class _Entry:
    phrase: str
    anchors: tuple[Anchor, ...]
    tone: Tone | None

    @property
    def colorful(self) -> bool:
        """Whether its anchors have a hue worth avoiding (greys, black and white do not)."""
        return any(anchor.chroma[1] > COLORFUL_CHROMA for anchor in self.anchors)


@dataclass(frozen=True)
class Lexicon:
    """Phrases (as word tuples) to entries, from the curated lexicon and the colour survey."""

    themes: dict[tuple[str, ...], _Entry]
    colors: dict[tuple[str, ...], _Entry]
    categories: dict[str, int]
    survey_names: dict[str, str]

    @property
    def phrases(self) -> dict[str, _Entry]:
        """Every phrase as written to its entry; a curated phrase wins over a survey name."""
        return {
            entry.phrase: entry for table in (self.colors, self.themes) for entry in table.values()
        }


def tokenize(text: str) -> list[str]:
    """Words and scope-breaking punctuation, lower case, apostrophes dropped, synonyms folded."""
    tokens = re.findall(r"[^\W_]+|[,.;!?]", text.lower().replace("'", "").replace("\u2019", ""))
    return [_SYNONYMS.get(token, token) for token in tokens]


def singulars(word: str) -> list[str]:
    """Crude English singulars to try in turn, enough for look-ups: leaves, berries, peaches, cakes."""
    return [
        word[: -len(suffix)] + replacement
        for suffix, replacement in (("ies", "y"), ("ves", "f"), ("es", ""), ("s", ""))
        if word.endswith(suffix) and len(word) > len(suffix) + 2
    ]


def read_data(name: str) -> str:
    """A file shipped in paletteflow/palettes/data, read through importlib so zipped installs work."""
    return resources.files("paletteflow.palettes").joinpath("data", name).read_text("utf-8")


@cache
def load_lexicon() -> Lexicon:
    lexicon = json.loads(read_data("lexicon.json"))
    anchors = {
        name: Anchor(name, tuple(hue), tuple(lightness), tuple(chroma))
        for name, (hue, lightness, chroma) in lexicon["anchors"].items()
    }
    tones = {
        name: Tone(spec["chroma"], spec["lightness"], spec.get("ground") == "dark")
        for name, spec in lexicon["tones"].items()
    }
    themes: dict[tuple[str, ...], _Entry] = {}
    categories: dict[str, int] = {}
    for category, entries in lexicon["themes"].items():
        categories[category] = len(entries)
        for phrase, value in entries.items():
            words = value.split()
            tone = None
            for word in (w for w in words if w.startswith("tone:")):
                tone = (tone or Tone()).combine(tones[word.removeprefix("tone:")])
            chosen = tuple(anchors[w] for w in words if not w.startswith("tone:"))
            themes[tuple(tokenize(phrase))] = _Entry(phrase, chosen, tone)
    survey = json.loads(read_data("xkcd_colours.json"))["colours"]
    colors: dict[tuple[str, ...], _Entry] = {}
    lch = hex_to_oklch(list(survey.values()))
    for (name, _), (lightness, chroma, hue) in zip(survey.items(), lch, strict=True):
        words = tuple(tokenize(name))
        if words and not (len(words) == 1 and words[0] in _MODIFIER_ONLY):
            anchor = Anchor(
                name,
                ((hue - 4) % 360, (hue + 4) % 360),
                (max(0.0, lightness - 0.03), min(1.0, lightness + 0.03)),
                (chroma * 0.9, chroma * 1.05),
            )
            colors.setdefault(words, _Entry(name, (anchor,), None))
    return Lexicon(themes, colors, categories, survey)


def _match_at(tokens: list[str], start: int, lexicon: Lexicon) -> tuple[int, _Entry] | None:
    """The longest phrase starting at `start`, trying a singular last word too."""
    for length in range(min(MAX_PHRASE_WORDS, len(tokens) - start), 0, -1):
        words = tokens[start : start + length]
        if any(not word.isalnum() for word in words):
            continue
        keys = [tuple(words)] + [(*words[:-1], form) for form in singulars(words[-1])]
        for key in keys:
            for table in (lexicon.themes, lexicon.colors):
                if key in table:
                    return length, table[key]
    return None


def _infer(token: str, lexicon: Lexicon) -> _Entry | None:
    """The entry for a word the tables lack: a base form's, else the nearest known phrase's."""
    for form in base_forms(token):
        for table in (lexicon.themes, lexicon.colors):
            if (form,) in table:
                return table[(form,)]
    if not token.isalpha():
        return None
    neighbour = known_word_vectors().nearest([token])[0]
    return lexicon.phrases[neighbour.phrase] if neighbour is not None else None


@cache
def nice_palettes() -> list[list[str]]:
    """Palettes many people liked (top COLOURlovers, via nice-color-palettes, MIT), most central first."""
    return json.loads(read_data("nice_palettes.json"))["palettes"]


@cache
def known_word_vectors() -> WordVectors:
    """Vectors of every lexicon and survey phrase, loaded once per process."""
    return WordVectors(tuple(load_lexicon().phrases))


def read_theme(*texts: str) -> ThemeReading:
    """Understand the theme and logo text; the first text's colours lead. Same text, same reading."""
    lexicon = load_lexicon()
    wanted_by_text: list[list[tuple[Anchor, ...]]] = []
    avoided: list[Anchor] = []
    understood: list[str] = []
    negated: list[str] = []
    unknown: list[str] = []
    read_as: list[tuple[str, str]] = []
    tone = Tone()
    for text in texts:
        tokens = tokenize(_capped(text))
        wanted: list[tuple[Anchor, ...]] = []
        negating = False
        position = 0
        while position < len(tokens):
            token = tokens[position]
            match = _match_at(tokens, position, lexicon)
            if match is None and _readable(token):
                entry = _infer(token, lexicon)
                match = (1, entry) if entry is not None else None
                if entry is not None:
                    read_as.append((token, entry.phrase))
            if match is None:
                position += 1
                if token in _SCOPE_BREAKS:
                    negating = False
                elif token in _NEGATIONS:
                    negating = True
                elif _readable(token):
                    unknown.append(token)
                continue
            length, entry = match
            position += length
            if negating and entry.colorful:
                avoided.extend(entry.anchors)
                negated.append(entry.phrase)
            elif negating:
                unknown.append(entry.phrase)  # "no grey": no hue to steer clear of
            else:
                wanted.append(entry.anchors)
                if entry.tone and entry.phrase not in understood:  # "retro, retro" is one mood
                    tone = tone.combine(entry.tone)
                understood.append(entry.phrase)
        wanted_by_text.append(wanted)
    avoided_names = {anchor.name for anchor in avoided}
    ordered = dict.fromkeys(anchor for wanted in wanted_by_text for anchor in _interleave(wanted))
    kept = [anchor for anchor in ordered if anchor.name not in avoided_names]
    return ThemeReading(
        anchors=tuple(kept),
        avoided=tuple(dict.fromkeys(avoided)),
        tone=tone,
        understood=tuple(dict.fromkeys(understood)),
        negated=tuple(dict.fromkeys(negated)),
        unknown=tuple(dict.fromkeys(unknown)),
        empty=not any(text.strip() for text in texts),
        read_as=tuple(dict.fromkeys(read_as)),
        truncated=any(len(text) > MAX_TEXT_CHARS for text in texts),
    )


def _capped(text: str) -> str:
    """The text up to the cap, without the word the cap would cut in two."""
    if len(text) <= MAX_TEXT_CHARS:
        return text
    head = text[:MAX_TEXT_CHARS]
    before_last_space = re.match(r"(?s)(.*)\s", head)
    if text[MAX_TEXT_CHARS].isspace() or before_last_space is None:
        return head
    return before_last_space.group(1)


def _readable(token: str) -> bool:
    """A word that may carry colour: not punctuation, a number, a filler or a negation."""
    return (
        token.isalnum()
        and not token.isdigit()
        and token not in _STOPWORDS
        and token not in _NEGATIONS
        and token not in _SCOPE_BREAKS
    )


def _interleave(groups: list[tuple[Anchor, ...]]) -> list[Anchor]:
    """Each phrase's first anchor, then each one's second, ...: palettes cycle through all phrases."""
    ordered = [
        group[rank]
        for rank in range(max(map(len, groups), default=0))
        for group in groups
        if rank < len(group)
    ]
    return list(dict.fromkeys(ordered))
