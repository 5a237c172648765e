"""OpenAI-compatible chat completions (OpenAI, Ollama, vLLM, LM Studio, Interfaze, ...).

Asks for structured output with a strict json_schema; a server that answers
400 about response_format gets JSON mode next, then plain text from which the
JSON is extracted, and the working mode is kept for later asks. Temperature is
always sent, since some servers default it to 1.0.
"""

from __future__ import annotations

import os
from typing import Any

import httpx

from paletteflow.models import GeneratorSettings
from paletteflow.palettes.providers.answers import UnusableAnswer, palette_items
from paletteflow.palettes.providers.base import ProviderGenerator
from paletteflow.palettes.providers.http import ProviderRejection
from paletteflow.palettes.providers.prompt import PALETTES_SCHEMA, SYSTEM_TEXT, PaletteRequest

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_MODEL = "gpt-4o-mini"
_MODES = ("json_schema", "json_object", "text")


class OpenAICompatibleGenerator(ProviderGenerator):
    name = "openai"
    url_variable = "OPENAI_BASE_URL"
    default_url = DEFAULT_BASE_URL
    key_variables = ("PALETTEFLOW_OPENAI_API_KEY", "OPENAI_API_KEY")

    def __init__(self, settings: GeneratorSettings, api_key: str | None = None) -> None:
        super().__init__(settings, api_key)
        self.model = settings.model or os.environ.get("PALETTEFLOW_OPENAI_MODEL") or DEFAULT_MODEL
        self.mode = _MODES[0]

    def auth_headers(self, key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"}

    async def ask(self, client: httpx.AsyncClient, request: PaletteRequest) -> list[Any]:
        while True:
            try:
                answer = await self.http.post(
                    client, f"{self.base_url}/chat/completions", self._body(request)
                )
            except ProviderRejection as rejection:
                if not self._format_unsupported(rejection):
                    raise
                self.mode = _MODES[_MODES.index(self.mode) + 1]
                continue
            return palette_items(self._content(answer))

    def _body(self, request: PaletteRequest) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "temperature": self.settings.temperature,
            "messages": [
                {"role": "system", "content": SYSTEM_TEXT},
                {"role": "user", "content": request.user_text()},
            ],
        }
        if self.mode == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "palettes", "strict": True, "schema": PALETTES_SCHEMA},
            }
        elif self.mode == "json_object":
            body["response_format"] = {"type": "json_object"}
        return body

    def _format_unsupported(self, rejection: ProviderRejection) -> bool:
        text = rejection.message.lower()
        return (
            rejection.status == 400
            and self.mode != _MODES[-1]
            and ("response_format" in text or "json_schema" in text or "json_object" in text)
        )

    def _content(self, answer: Any) -> str:
        try:
            message = answer["choices"][0]["message"]
        except (KeyError, IndexError, TypeError):
            raise UnusableAnswer(f"{self.name}: the answer has no choices[0].message") from None
        if message.get("refusal"):
            raise UnusableAnswer(f"{self.name} refused: {str(message['refusal'])[:200]}")
        content = message.get("content")
        if not isinstance(content, str) or not content.strip():
            raise UnusableAnswer(f"{self.name}: the answer's message has no content")
        return content
