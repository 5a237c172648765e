"""What both LLM providers are asked: the brief, the rules, and the answer's shape."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from paletteflow.models import ROLES

RULES = (
    "Each palette has exactly five colours as #rrggbb hex codes, one per role: primary, secondary, "
    "accent, background, highlight. Primary text on the background must reach WCAG contrast 4.5:1. "
    "Every two colours must be clearly different, and primary, accent and background must stay "
    "distinguishable for colour-blind readers (vary lightness, not only hue). Across the set include "
    "at least one monochromatic, one complementary, one high-contrast and one white-background "
    "palette, then analogous, triadic and split-complementary ones; no two palettes alike. Give each "
    "palette an evocative name a designer would use (like 'Harbor Dusk') and one sentence on how it "
    "relates to the theme."
)

ROLE_HINTS = {
    "primary": "hex colour #rrggbb for the main brand colour, readable on the background",
    "secondary": "hex colour #rrggbb that supports the primary",
    "accent": "hex colour #rrggbb for calls to action, distinct from primary and background",
    "background": "hex colour #rrggbb for the page behind everything",
    "highlight": "hex colour #rrggbb for emphasis and hover states",
}


@dataclass(frozen=True)
class PaletteRequest:
    """One ask: how many palettes, for what, keeping which colours, avoiding which names."""

    theme: str
    logo: str
    count: int
    locked: Mapping[str, str]
    taken_names: Sequence[str] = ()

    @property
    def locks_text(self) -> str:
        return ", ".join(f"{role} {color}" for role, color in self.locked.items()) or "none"

    @property
    def taken_text(self) -> str:
        return ", ".join(self.taken_names) or "none"

    def user_text(self) -> str:
        return (
            f"Design {self.count} colour palettes for a brand.\n"
            f"Theme: {self.theme or '(none given: make a neutral brand set)'}\n"
            f"Logo: {self.logo or '(not described)'}\n"
            f"Locked colours every palette must keep exactly in their roles: {self.locks_text}\n"
            f"Names already used (do not reuse): {self.taken_text}\n"
            "Answer with JSON only: an object whose 'palettes' array holds the palettes."
        )


SYSTEM_TEXT = "You are a brand colour designer. " + RULES

_HEX = {"type": "string", "description": "hex colour #rrggbb"}
PALETTES_SCHEMA = {
    "type": "object",
    "properties": {
        "palettes": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "description": {"type": "string"},
                    "roles": {
                        "type": "object",
                        "properties": {role: _HEX for role in ROLES},
                        "required": list(ROLES),
                        "additionalProperties": False,
                    },
                },
                "required": ["name", "description", "roles"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["palettes"],
    "additionalProperties": False,
}

# JigsawStack describes the answer by example: values say what each field holds.
RETURN_PROMPT = [
    {
        "name": "evocative palette name a designer would give, like Harbor Dusk",
        "description": "one sentence on how the palette relates to the theme",
        **ROLE_HINTS,
    }
]

JIGSAW_PROMPT = (
    "You are a brand colour designer. Design {count} colour palettes for a brand. "
    "Theme: {theme}. Logo: {logo}. Locked colours every palette must keep exactly in their roles: "
    "{locks}. Names already used (do not reuse): {taken}. " + RULES
)
