"""Settings a palette generator takes, shared by the CLI, the flow's request and the providers.

Nothing secret belongs here: these settings travel in flow parameters and
manifests. API keys come from the environment or, in Prefect, a Secret block
whose *name* is the only thing stored (`api_key_secret`).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from paletteflow.palettes.locks import Lock, parse_lock


class GeneratorSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    locks: tuple[str, ...] = Field(
        default=(),
        description='Colours every palette keeps exactly: "#1a73e8" or "primary=#1a73e8".',
    )
    image_palettes: int = Field(
        default=1, ge=0, le=3, description="Palettes seeded from the base image's own colours."
    )
    base_url: str | None = Field(default=None, description="Provider API base URL.")
    model: str | None = Field(default=None, description="Model name for OpenAI-compatible APIs.")
    api_key_secret: str | None = Field(
        default=None, description="Name of a Prefect Secret block holding the API key."
    )
    temperature: float = Field(default=0.7, ge=0.0, le=2.0)
    connect_timeout_s: float = Field(default=5.0, gt=0)
    read_timeout_s: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=3, ge=0, le=10)
    retry_base_delay_s: float = Field(default=1.0, ge=0)
    retry_max_delay_s: float = Field(default=30.0, ge=0)
    fallback: bool = Field(
        default=True, description="Fill up from the offline designer when a provider gives too few."
    )

    @field_validator("locks")
    @classmethod
    def _locks_parse(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for text in value:
            parse_lock(text)
        return value

    def parsed_locks(self) -> list[Lock]:
        return [parse_lock(text) for text in self.locks]
