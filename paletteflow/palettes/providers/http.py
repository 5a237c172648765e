"""One POST to a provider, with the retry rules both providers share.

Connection errors, timeouts, 429 and 5xx are retried with capped exponential
backoff and jitter (a server's retry-after-ms or Retry-After, in seconds or as
an HTTP date, wins when given, still capped); 4xx other than 429 is the
caller's mistake and raised at once as ProviderConfigError naming provider,
status and fix. The API key is scrubbed from every message, since some servers
echo it back in their error bodies.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import os
import random
import time
from typing import Any

import httpx

from paletteflow.errors import PaletteGenerationError, ProviderConfigError
from paletteflow.models import GeneratorSettings

logger = logging.getLogger(__name__)

_FIXES = {
    400: "the server rejected the request body; check the model name and settings",
    401: "the API key is missing or wrong; set it in the environment or a Prefect Secret block",
    403: "the API key may not use this model or endpoint; check the account's permissions",
    404: "no such endpoint or model; check base_url and model",
}


class ProviderRejection(ProviderConfigError):
    """A 4xx (not 429) answer; `message` is the server's own explanation, key scrubbed."""

    def __init__(self, provider: str, status: int, message: str) -> None:
        self.provider, self.status, self.message = provider, status, message
        fix = _FIXES.get(status, "check the provider settings")
        super().__init__(f"{provider} answered HTTP {status}: {message} ({fix})")


class ProviderHTTP:
    """POSTs JSON for one provider; secrets live only in `headers` and are never shown."""

    def __init__(
        self,
        provider: str,
        settings: GeneratorSettings,
        headers: dict[str, str],
        secret: str | None,
    ) -> None:
        self.provider = provider
        self.settings = settings
        self.headers = headers
        self.secret = secret

    def scrub(self, text: str) -> str:
        return text.replace(self.secret, "[api key]") if self.secret else text

    async def post(self, client: httpx.AsyncClient, url: str, body: dict[str, Any]) -> Any:
        """The JSON answer of a successful POST, after retrying what may pass by itself."""
        attempts = self.settings.max_retries + 1
        for attempt in range(1, attempts + 1):
            try:
                response = await client.post(url, json=body, headers=self.headers)
            except httpx.TimeoutException:
                problem, wait = "timed out", self._backoff(attempt)
            except httpx.TransportError as error:
                problem, wait = (
                    f"could not connect ({type(error).__name__})",
                    self._backoff(attempt),
                )
            else:
                if response.is_success:
                    return self._json(response)
                if response.status_code != 429 and response.status_code < 500:
                    raise ProviderRejection(
                        self.provider, response.status_code, self._error_message(response)
                    )
                problem = f"HTTP {response.status_code}: {self._error_message(response)}"
                problem += self._rate_limit_note(response)
                wait = self._server_delay(response) or self._backoff(attempt)
            if attempt == attempts:
                raise PaletteGenerationError(
                    f"{self.provider} at {url} failed {attempts} times; last: {problem}"
                )
            logger.warning(
                "%s: %s; retry %d of %d in %.2f s",
                self.provider, problem, attempt, attempts - 1, wait,
            )  # fmt: skip
            await asyncio.sleep(wait)
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int) -> float:
        capped = min(
            self.settings.retry_max_delay_s, self.settings.retry_base_delay_s * 2 ** (attempt - 1)
        )
        return capped * random.uniform(0.5, 1.0)

    def _server_delay(self, response: httpx.Response) -> float | None:
        """retry-after-ms, else Retry-After as seconds or an HTTP date; capped like backoff."""
        headers = response.headers
        seconds = None
        if "retry-after-ms" in headers:
            seconds = _number(headers["retry-after-ms"], 1000.0)
        elif "retry-after" in headers:
            value = headers["retry-after"]
            seconds = _number(value, 1.0)
            if seconds is None:
                try:
                    seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
                except (TypeError, ValueError):
                    seconds = None
        return None if seconds is None else min(max(seconds, 0.0), self.settings.retry_max_delay_s)

    def _error_message(self, response: httpx.Response) -> str:
        """The server's own words: OpenAI's error.message, JigsawStack's message/error, else the text."""
        try:
            body = response.json()
        except ValueError:
            text = " ".join(response.text.split())[:200] or "(empty body)"
            return self.scrub(f"non-JSON body: {text}")
        return self.scrub(str(_message_of(body))[:300])

    @staticmethod
    def _rate_limit_note(response: httpx.Response) -> str:
        limits = {
            k: v for k, v in response.headers.items() if k.lower().startswith("x-jigsaw-rate-limit")
        }
        return f" ({', '.join(f'{k}={v}' for k, v in sorted(limits.items()))})" if limits else ""

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except (ValueError, json.JSONDecodeError):
            text = " ".join(response.text.split())[:120]
            raise PaletteGenerationError(
                f"{self.provider} answered HTTP {response.status_code} with a non-JSON body "
                f"(a gateway page?): {self.scrub(text)!r}"
            ) from None


def _message_of(body: Any) -> Any:
    if not isinstance(body, dict):
        return body
    error = body.get("error")
    if isinstance(error, dict):
        return error.get("message") or error
    return body.get("message") or error or body


def _number(text: str, per_second: float) -> float | None:
    try:
        return float(text) / per_second
    except ValueError:
        return None


def resolve_key(given: str | None, variables: tuple[str, ...]) -> str | None:
    """The key passed in (from a Prefect Secret block), else the first environment variable set."""
    return given or next((os.environ[name] for name in variables if os.environ.get(name)), None)


def timeouts(settings: GeneratorSettings) -> httpx.Timeout:
    return httpx.Timeout(settings.read_timeout_s, connect=settings.connect_timeout_s)
