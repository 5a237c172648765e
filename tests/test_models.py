import pytest
from pydantic import ValidationError

from paletteflow.models import Palette, Variation, VariationRequest, VariationTimings


def test_palette_normalises_colors_and_checks_roles():
    palette = Palette(
        name=" Harbor Dusk ",
        colors=["#ABC", "112233", "#445566"],
        roles={"primary": "#aabbcc", "background": "#112233"},
    )
    assert palette.name == "Harbor Dusk"
    assert palette.colors == ["#aabbcc", "#112233", "#445566"]
    assert palette.role_color("background") == "#112233"


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "x", "colors": ["#000000", "#ffffff"]},
        {"name": "x", "colors": ["#000000"] * 9},
        {"name": "x", "colors": ["#000000", "#ffffff", "blue"]},
        {"name": "", "colors": ["#000000", "#ffffff", "#ff0000"]},
        {"name": "x", "colors": ["#000000", "#ffffff", "#ff0000"], "roles": {"hero": "#000000"}},
        {"name": "x", "colors": ["#000000", "#ffffff", "#ff0000"], "roles": {"primary": "#00ff00"}},
    ],
)
def test_palette_rejects_bad_shapes(fields):
    with pytest.raises(ValidationError):
        Palette(**fields)


def test_variation_dumps_old_service_keys_plus_extras():
    variation = Variation(
        name="Harbor Dusk",
        colors=["#112233", "#445566", "#778899"],
        description="d",
        image_path="u/c/variations/harbor-dusk.png",
        image_url="file:///tmp/u/c/variations/harbor-dusk.png",
        timings=VariationTimings(recolor_s=0.1, encode_s=0.1, store_s=0.0),
        reused=False,
    )
    dumped = variation.model_dump()
    assert {"name", "colors", "description", "image_path", "image_url"} <= set(dumped)
    assert dumped["reused"] is False


@pytest.mark.parametrize(
    "bad_id", ["../../etc", "/abs", "a/../../b", "a/b", "..", "", "x" * 65, "é"]
)
def test_request_refuses_ids_that_could_leave_their_folder(bad_id):
    with pytest.raises(ValidationError, match="user_id"):
        VariationRequest(image="x.png", user_id=bad_id)


@pytest.mark.parametrize(
    ("field", "value"), [("n", 0), ("n", 21), ("strength", 1.5), ("strength", -0.1)]
)
def test_request_bounds(field, value):
    with pytest.raises(ValidationError, match=field):
        VariationRequest(image="x.png", **{field: value})


@pytest.mark.parametrize(
    "fields",
    [
        {"storage_options": {"key": "AKIA-pf-test", "secret": "pf-models-secret"}},
        {"storage_options": {"client_kwargs": {"aws_secret_access_key": "pf-models-secret"}}},
        {"storage_options": {"token": "pf-models-secret"}},
        {"storage": "s3://pf:pf-models-secret@bucket/prefix"},
        {"image": "https://pf:pf-models-secret@example.test/logo.png"},
    ],
)
def test_credentials_are_refused_as_flow_parameters_without_being_echoed(fields):
    """Prefect stores flow parameters, so a credential there would be kept and shown."""
    with pytest.raises(ValidationError) as raised:
        VariationRequest(**{"image": "x.png", **fields})
    assert "pf-models-secret" not in str(raised.value)


@pytest.mark.parametrize("bad_id", ["abc\n", "a\x00b", "%2e%2e", "s3://other-bucket/x", "\uff41"])
def test_ids_are_matched_in_full(bad_id):
    with pytest.raises(ValidationError, match="concept_id"):
        VariationRequest(image="x.png", concept_id=bad_id)


def test_format_is_auto_png_webp_or_svg_in_any_case():
    assert VariationRequest(image="x.png").format == "auto"
    assert VariationRequest(image="x.png", format="WebP").format == "webp"
    assert VariationRequest(image="x.svg", format="SVG").format == "svg"
    with pytest.raises(ValidationError, match="unknown image format 'tiff'; use png, webp or svg"):
        VariationRequest(image="x.png", format="tiff")


def test_min_variations_cannot_exceed_n():
    with pytest.raises(ValidationError, match=r"min_variations \(3\) is more than n \(2\)"):
        VariationRequest(image="x.png", n=2, min_variations=3)
