"""The shapes that cross boundaries: palettes, variations, flow parameters, manifests.

A variation dumps to exactly the old service's keys (name, colors, description,
image_path, image_url) plus extra fields, so existing consumers keep working.
"""

from __future__ import annotations

import os
import re
from typing import Annotated, Any, Literal, NamedTuple, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from paletteflow.color import normalize_hex
from paletteflow.errors import InputError
from paletteflow.images.io import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PIXELS,
    PILLOW_MAX_PIXELS,
    RequestedFormat,
    check_image_format,
)
from paletteflow.neutrals import DEFAULT_KEEP, Keep, parse_keep
from paletteflow.secrets import credential_option_names, url_secrets
from paletteflow.storage import PRESIGN_EXPIRY_S, StorageSettings

ROLES = ("primary", "secondary", "accent", "background", "highlight")
MAX_PALETTES = 20
DEFAULT_STORAGE = "paletteflow-output"

# The palette generators `paletteflow.palettes.GENERATORS` holds, as a closed choice the UI form
# offers as a list; that registry is checked against it.
GeneratorName = Literal["offline", "openai", "jigsawstack"]
GENERATOR_NAMES: tuple[GeneratorName, ...] = get_args(GeneratorName)

_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def _check_safe_id(value: str) -> str:
    """Ids become folder names in storage, so they must not be able to leave their folder.

    Refused rather than hashed: a folder the user can read back by name is worth
    more than accepting any string, and a refusal says what went wrong.
    """
    if not _SAFE_ID.fullmatch(value) or ".." in value:
        raise ValueError(
            f"{value[:80]!r} is not a safe id; use 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit and without '..'"
        )
    return value


def _check_format(value: Any) -> Any:
    """Any case is taken ("WebP"); a name that is no output format fails with the choices."""
    if isinstance(value, str) and value.strip().lower() == "auto":
        return "auto"
    return check_image_format(value) if isinstance(value, str) else value


def _check_keep(value: Any) -> Any:
    """A comma-separated string or a list; any order and case, in canonical order after."""
    if isinstance(value, str | list | tuple):
        try:
            return list(parse_keep(value))
        except InputError as error:
            raise ValueError(str(error)) from None
    return value


def _check_generator(value: Any) -> Any:
    """An unknown name fails with the list of known ones, as `get_generator` words it."""
    if isinstance(value, str) and value not in GENERATOR_NAMES:
        known = ", ".join(sorted(GENERATOR_NAMES))
        raise ValueError(f"unknown palette generator {value!r}; known generators: {known}")
    return value


SafeId = Annotated[str, AfterValidator(_check_safe_id)]
HexColor = Annotated[str, AfterValidator(normalize_hex)]


class Palette(BaseModel):
    """A named set of 3 to 8 colours, optionally with the role each one plays."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str = Field(min_length=1, max_length=80)
    colors: list[HexColor] = Field(min_length=3, max_length=8)
    description: str = Field(default="", max_length=500)
    roles: dict[str, HexColor] | None = None
    source: str | None = Field(default=None, description="Which generator made it, e.g. offline.")
    checks: dict[str, bool] | None = Field(
        default=None,
        description="Rules the palette passed: contrast, distinct, colour-blind views.",
    )
    repairs: list[str] | None = Field(
        default=None, description="Roles whose colours were moved to meet the rules."
    )

    @field_validator("name", "description", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _roles_name_palette_colors(self) -> Palette:
        if self.roles:
            unknown = sorted(set(self.roles) - set(ROLES))
            if unknown:
                raise ValueError(f"unknown roles {unknown}; roles are {', '.join(ROLES)}")
            missing = sorted(c for c in self.roles.values() if c not in self.colors)
            if missing:
                raise ValueError(f"role colours {missing} are not among the palette's colours")
        return self

    def role_color(self, role: str) -> str | None:
        return (self.roles or {}).get(role)


class Lock(NamedTuple):
    """A colour every palette keeps exactly, in a given role or wherever it fits (role None)."""

    color: str
    role: str | None = None


def parse_lock(text: str) -> Lock:
    """ "#1a73e8", "1a73e8" or "primary=#1a73e8" (":" works too) to a Lock; ValueError if neither."""
    separator = "=" if "=" in text else ":"
    role, _, color = text.strip().rpartition(separator)
    role = role.strip().lower() or None
    if role is not None and role not in ROLES:
        raise ValueError(f"lock {text!r} names unknown role {role!r}; roles are {', '.join(ROLES)}")
    try:
        return Lock(normalize_hex(color), role)
    except ValueError as error:
        raise ValueError(f"lock {text!r}: {error}") from None


def _check_lock(text: str) -> str:
    parse_lock(text)
    return text


class GeneratorSettings(BaseModel):
    """How palettes are made, beyond the generator's name; shared by CLI, flow request and providers.

    Nothing secret belongs here: these settings travel in flow parameters and
    manifests. API keys come from the environment or, in Prefect, a Secret
    block whose *name* is the only thing stored (`api_key_secret`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    locks: tuple[Annotated[str, AfterValidator(_check_lock)], ...] = Field(
        default=(),
        description='Colours every palette keeps exactly: "#1a73e8" or "primary=#1a73e8".',
    )
    image_palettes: int = Field(
        default=1, ge=0, le=3, description="Palettes seeded from the base image's own colours."
    )
    base_url: str | None = Field(default=None, description="Provider API base URL.")
    model: str | None = Field(default=None, description="Model name for OpenAI-compatible APIs.")
    api_key_secret: str | None = Field(
        default=None, description="Name of a Prefect Secret block holding the provider's API key."
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

    def parsed_locks(self) -> list[Lock]:
        return [parse_lock(text) for text in self.locks]


class VariationTimings(BaseModel):
    recolor_s: float
    encode_s: float
    store_s: float


class Variation(Palette):
    """A palette applied to the base image, with where the result lives."""

    model_config = ConfigDict(frozen=True, extra="allow")

    image_path: str
    image_url: str
    timings: VariationTimings
    reused: bool = False
    # An SVG's colourway is two files: the one asked for is image_path, the other is here.
    svg_path: str | None = None
    svg_url: str | None = None
    png_path: str | None = None
    png_url: str | None = None


class BaseImage(BaseModel):
    """The stored base image: tasks pass this reference around instead of the pixels."""

    model_config = ConfigDict(frozen=True)

    path: str
    url: str
    concept_dir: str
    sha256: str
    width: int
    height: int
    format: str
    frames: int = 1


class VariationRequest(BaseModel):
    """Everything one palette-variations run needs; the Prefect UI renders it as the run form."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    image: str = Field(
        min_length=1,
        description="The base image: a local path, an fsspec URL (s3://, memory://) or an http(s) URL.",
    )
    theme: str = Field(default="", max_length=500, description="Theme or mood of the brand.")
    logo_description: str = Field(
        default="", max_length=500, description="What the logo shows, in a sentence."
    )
    n: int = Field(default=7, ge=1, le=MAX_PALETTES, description="How many palettes to make.")
    storage: str = Field(
        default=os.environ.get("PALETTEFLOW_STORAGE", DEFAULT_STORAGE),
        min_length=1,
        description="Where results go: a local folder or any fsspec URL (s3://bucket/prefix).",
    )
    storage_options: dict[str, Any] = Field(
        default_factory=dict,
        description="fsspec options such as endpoint_url; credentials are refused here.",
    )
    credentials_block: str | None = Field(
        default=None,
        description="Prefect block with the storage credentials: a Secret's name (a JSON object of "
        "fsspec options), or aws-credentials/NAME or s3-bucket/NAME (prefect-aws).",
    )
    public_base_url: str | None = Field(
        default=None,
        description="Public URL of the storage base; image URLs become this plus the object's key.",
    )
    url_expiry_s: int = Field(
        default=PRESIGN_EXPIRY_S,
        ge=1,
        le=PRESIGN_EXPIRY_S,
        description="Lifetime of presigned URLs in seconds (S3 allows up to 7 days).",
    )
    min_variations: int = Field(
        default=1,
        ge=1,
        le=MAX_PALETTES,
        description="The run fails when fewer variations than this were stored.",
    )
    max_image_bytes: int = Field(default=DEFAULT_MAX_BYTES, ge=1, description="Input size cap.")
    max_image_pixels: int = Field(
        default=DEFAULT_MAX_PIXELS, ge=1, le=PILLOW_MAX_PIXELS, description="Input pixel cap."
    )
    user_id: SafeId = Field(default="anonymous", description="Owner folder under the storage base.")
    concept_id: SafeId | None = Field(
        default=None, description="Concept folder; derived from the image and text when empty."
    )
    strength: float = Field(
        default=1.0, ge=0.0, le=1.0, description="0 keeps the original, 1 is the full recolour."
    )
    keep: Annotated[list[Keep], BeforeValidator(_check_keep)] = Field(
        default_factory=lambda: list(DEFAULT_KEEP),
        description="Neutrals left as they are when recolouring: black, white, grey, or auto "
        "(black, unless the palette has a dark colour to draw it); empty: recolour them too.",
    )
    format: Annotated[RequestedFormat, BeforeValidator(_check_format)] = Field(
        default="auto",
        description="File format of the recoloured images: png, webp (lossless, about a third "
        "the size of a logo's PNG), svg (for an SVG image), or auto: svg for an SVG image, else "
        "png. An SVG's variations come as SVG and a PNG render, the one asked for in image_path. "
        "The contact sheet is always PNG.",
    )
    generator: Annotated[GeneratorName, BeforeValidator(_check_generator)] = Field(
        default="offline", description="Palette generator: offline, openai or jigsawstack."
    )
    generator_settings: GeneratorSettings = Field(
        default_factory=GeneratorSettings,
        description="Locks, image palettes and provider settings (never the API key itself).",
    )

    @field_validator("image", "storage")
    @classmethod
    def _no_credentials_in_urls(cls, location: str) -> str:
        if url_secrets(location):
            raise ValueError(
                "the URL holds a user name or password; Prefect stores flow parameters, so put "
                "credentials in the environment or in a Prefect Secret block"
            )
        return location

    @field_validator("storage_options")
    @classmethod
    def _no_credentials_in_parameters(cls, options: dict[str, Any]) -> dict[str, Any]:
        """Prefect stores and shows flow parameters, so secrets must come from elsewhere."""
        names = credential_option_names(options)
        if names:
            raise ValueError(
                f"storage_options must not hold credentials ({', '.join(names)}); put them in "
                "the environment or in a Prefect Secret block named by credentials_block"
            )
        return options

    @model_validator(mode="after")
    def _minimum_within_n(self) -> VariationRequest:
        if self.min_variations > self.n:
            raise ValueError(
                f"min_variations ({self.min_variations}) is more than n ({self.n}); lower it"
            )
        return self

    def storage_settings(self) -> StorageSettings:
        return StorageSettings(
            base_url=self.storage,
            options=self.storage_options,
            credentials_block=self.credentials_block,
            public_base_url=self.public_base_url,
            url_expiry_s=self.url_expiry_s,
        )


class Failure(BaseModel):
    palette: str
    error: str


class RunTimings(BaseModel):
    palettes_s: float
    upload_s: float
    variations_s: float
    total_s: float


class StoredFile(BaseModel):
    """A file the run stored beside its manifest: its key and a stable location without credentials."""

    path: str
    url: str


class Manifest(BaseModel):
    """What a run produced, written beside the images so storage explains itself.

    `contact_sheet` and `gallery` are None when they could not be made; a line
    in `notes` then says why, and the variations are kept all the same.
    """

    paletteflow_version: str
    request: dict[str, Any]
    base_image: BaseImage
    palettes: list[Palette]
    variations: list[Variation]
    failures: list[Failure]
    notes: list[str] = Field(default_factory=list)
    timings: RunTimings
    contact_sheet: StoredFile | None = None
    gallery: StoredFile | None = None

    def title(self) -> str:
        """What a sheet or page calls the run: its theme, else the logo's description, else its folder."""
        request = self.request
        return (
            request.get("theme")
            or request.get("logo_description")
            or self.base_image.concept_dir.rsplit("/", 1)[-1]
        )

    def count_line(self) -> str:
        """How many colourways were made, of what: "6 of 7 colourways of a lighthouse"."""
        made = len(self.variations)
        subject = self.request.get("logo_description") or "the logo"
        return f"{made} of {made + len(self.failures)} colourways of {subject}"
