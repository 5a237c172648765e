"""JigsawStack's prompt engine, called the way the old service did: one direct run per ask.

The prompt carries {placeholders} filled from `input_values`; `return_prompt`
describes the answer by example. A successful answer is {"success": true,
"result": ...}; anything else is reported with the server's message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from paletteflow.errors import ProviderConfigError
from paletteflow.models import Palette
from paletteflow.palettes.providers.answers import UnusableAnswer, palette_items
from paletteflow.palettes.providers.base import ProviderGenerator
from paletteflow.palettes.providers.prompt import JIGSAW_PROMPT, RETURN_PROMPT, PaletteRequest

DEFAULT_API_URL = "https://api.jigsawstack.com"
_INPUTS = [
    {"key": "count", "optional": False, "initial_value": "5"},
    {"key": "theme", "optional": True, "initial_value": "a neutral brand"},
    {"key": "logo", "optional": True, "initial_value": "not described"},
    {"key": "locks", "optional": True, "initial_value": "none"},
    {"key": "taken", "optional": True, "initial_value": "none"},
]


class JigsawStackGenerator(ProviderGenerator):
    name = "jigsawstack"
    url_variable = "JIGSAWSTACK_API_URL"
    default_url = DEFAULT_API_URL
    key_variables = ("PALETTEFLOW_JIGSAWSTACK_API_KEY", "JIGSAWSTACK_API_KEY")

    def auth_headers(self, key: str) -> dict[str, str]:
        return {"x-api-key": key}

    async def generate(
        self, theme: str, logo: str, n: int, *, image_colors: Sequence[str] = ()
    ) -> list[Palette]:
        if not self.has_key:
            raise ProviderConfigError(
                "jigsawstack needs an API key: set JIGSAWSTACK_API_KEY (or "
                "PALETTEFLOW_JIGSAWSTACK_API_KEY), or name a Prefect Secret block in api_key_secret"
            )
        return await super().generate(theme, logo, n, image_colors=image_colors)

    async def ask(self, client: httpx.AsyncClient, request: PaletteRequest) -> list[Any]:
        body = {
            "prompt": JIGSAW_PROMPT,
            "inputs": _INPUTS,
            "input_values": {
                "count": str(request.count),
                "theme": request.theme or "a neutral brand",
                "logo": request.logo or "not described",
                "locks": request.locks_text,
                "taken": request.taken_text,
            },
            "return_prompt": RETURN_PROMPT,
        }
        answer = await self.http.post(client, f"{self.base_url}/v1/prompt_engine/run", body)
        if not isinstance(answer, dict) or answer.get("success") is not True:
            message = (
                answer.get("message") or answer.get("error") if isinstance(answer, dict) else answer
            )
            raise UnusableAnswer(f"{self.name} answered without success: {str(message)[:200]}")
        return palette_items(answer.get("result"))
