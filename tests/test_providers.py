"""The LLM providers against real HTTP servers on 127.0.0.1 speaking each API's wire format."""

import asyncio
import email.utils
import json
import logging
import time

import pytest

from paletteflow.errors import InputError, PaletteGenerationError, ProviderConfigError
from paletteflow.models import ROLES
from paletteflow.palettes import GeneratorSettings, get_generator

KEY = "sk-test-0123456789abcdef-secret"

GOOD = [
    {"name": "Signal Blue", "description": "Clear and bright.",
     "roles": {"primary": "#1A73E8", "secondary": "34a853", "accent": "#fbbc05",
               "background": "#fff", "highlight": "#EA4335"}},
    {"name": "Pine Study", "description": "Forest greens.",
     "roles": {"primary": "#0b3d2e", "secondary": "#3e7c59", "accent": "#e0a100",
               "background": "#f6f1e7", "highlight": "#b5d6c3"}},
    {"name": "Neon Orchid", "description": "Electric night.",
     "roles": {"primary": "#3a0ca3", "secondary": "#7209b7", "accent": "#f72585",
               "background": "#f8f9fa", "highlight": "#4cc9f0"}},
]  # fmt: skip
LOW_CONTRAST = {
    "name": "Fog", "description": "Grey on grey.",
    "roles": {"primary": "#777777", "secondary": "#3355aa", "accent": "#cc5500",
              "background": "#888888", "highlight": "#eeeeff"},
}  # fmt: skip


def chat(palettes=None, refusal=None, content=None):
    message = {"role": "assistant", "content": content, "refusal": refusal}
    if palettes is not None:
        message["content"] = json.dumps({"palettes": palettes})
    return {"id": "chatcmpl-1", "object": "chat.completion", "model": "test-model",
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}]}  # fmt: skip


def error_body(message, kind="invalid_request_error", code=None):
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def settings(api, **overrides):
    values = dict(base_url=api.url, model="test-model", max_retries=2, retry_base_delay_s=0.001,
                  retry_max_delay_s=0.01, connect_timeout_s=1.0, read_timeout_s=2.0, image_palettes=0)  # fmt: skip
    return GeneratorSettings(**{**values, **overrides})


def generate(name, api, n=3, theme="forest", **overrides):
    generator = get_generator(name, settings(api, **overrides), api_key=KEY)
    return asyncio.run(generator.generate(theme, "a leaf", n))


def test_openai_success_sends_the_wire_format_and_repairs_spelling(scripted_api):
    scripted_api.script((200, chat(GOOD)))
    palettes = generate("openai", scripted_api)
    assert [p.name for p in palettes] == ["Signal Blue", "Pine Study", "Neon Orchid"]
    assert palettes[0].roles == {"primary": "#1a73e8", "secondary": "#34a853", "accent": "#fbbc05",
                                 "background": "#ffffff", "highlight": "#ea4335"}  # fmt: skip
    assert all(p.source == "openai" and set(p.checks) >= {"contrast", "distinct"} for p in palettes)
    (request,) = scripted_api.requests
    assert request["path"] == "/chat/completions"
    assert request["headers"]["Authorization"] == f"Bearer {KEY}"
    body = request["body"]
    assert body["model"] == "test-model" and body["temperature"] == 0.7
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["strict"] is True
    schema = body["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["palettes"]["items"]["properties"]["roles"]["required"] == list(
        ROLES
    )


def test_openai_low_contrast_palette_is_repaired_and_says_so(scripted_api):
    scripted_api.script((200, chat([LOW_CONTRAST])))
    (palette,) = generate("openai", scripted_api, n=1)
    assert all(palette.checks.values())
    assert "primary" in palette.repairs or "background" in palette.repairs
    assert palette.roles["accent"] == "#cc5500"


def test_openai_refusal_falls_back_to_offline_and_marks_source(scripted_api):
    scripted_api.script((200, chat(refusal="I can't help with that.")))
    palettes = generate("openai", scripted_api, n=3)
    assert len(scripted_api.requests) == 2  # asked once more
    assert [p.source for p in palettes] == ["offline-fallback"] * 3
    assert all(all(p.checks.values()) for p in palettes)


def test_openai_refusal_without_fallback_is_an_error(scripted_api):
    scripted_api.script((200, chat(refusal="I can't help with that.")))
    with pytest.raises(PaletteGenerationError, match="refused: I can't help with that"):
        generate("openai", scripted_api, fallback=False)


def test_openai_server_without_structured_output_gets_json_mode_then_text(scripted_api):
    fenced = "Sure!\n```json\n" + json.dumps({"palettes": GOOD[:2]}) + "\n```"
    scripted_api.script(
        (
            400,
            error_body(
                "Invalid parameter: 'response_format' of type 'json_schema' is not supported"
            ),
        ),
        (400, error_body("response_format json_object is not supported by this model")),
        (200, chat(content=fenced)),
    )
    palettes = generate("openai", scripted_api, n=2)
    assert [p.name for p in palettes] == ["Signal Blue", "Pine Study"]
    formats = [r["body"].get("response_format", {}).get("type") for r in scripted_api.requests]
    assert formats == ["json_schema", "json_object", None]
    assert all(r["body"]["temperature"] == 0.7 for r in scripted_api.requests)


def test_openai_malformed_json_is_asked_again_then_filled(scripted_api):
    scripted_api.script((200, chat(content='{"palettes": [{"name": "Half')))
    palettes = generate("openai", scripted_api, n=2)
    assert len(scripted_api.requests) == 2
    assert [p.source for p in palettes] == ["offline-fallback"] * 2


def test_openai_too_few_palettes_asks_once_more_for_the_rest(scripted_api):
    broken = {"name": "Broken", "description": "x", "roles": {"primary": "blue"}}
    scripted_api.script((200, chat([GOOD[0], broken])), (200, chat(GOOD[1:])))
    palettes = generate("openai", scripted_api, n=3)
    assert [p.source for p in palettes] == ["openai"] * 3
    second = scripted_api.requests[1]["body"]["messages"][1]["content"]
    assert "Design 2 colour palettes" in second and "Signal Blue" in second


def test_openai_too_few_twice_fills_the_gap_from_offline(scripted_api):
    scripted_api.script((200, chat(GOOD[:1])), (200, chat([])))
    palettes = generate("openai", scripted_api, n=3)
    assert [p.source for p in palettes] == ["openai", "offline-fallback", "offline-fallback"]


@pytest.mark.parametrize(
    "header",
    [{"Retry-After": "0.3"}, {"retry-after-ms": "300"}],
    ids=["retry-after-seconds", "retry-after-ms"],
)
def test_openai_429_waits_as_the_server_asks_then_succeeds(scripted_api, header):
    scripted_api.script((429, error_body("Rate limit reached", "requests", "rate_limit_exceeded"), header),
                        (200, chat(GOOD)))  # fmt: skip
    started = time.perf_counter()
    palettes = generate("openai", scripted_api, retry_max_delay_s=2.0)
    assert time.perf_counter() - started >= 0.3
    assert len(palettes) == 3 and len(scripted_api.requests) == 2


def test_openai_429_with_an_http_date_in_the_past_retries_at_once(scripted_api):
    past = email.utils.formatdate(time.time() - 60, usegmt=True)
    scripted_api.script((429, error_body("slow down"), {"Retry-After": past}), (200, chat(GOOD)))
    assert len(generate("openai", scripted_api, retry_max_delay_s=5.0)) == 3


def test_openai_500_then_success(scripted_api):
    scripted_api.script(
        (500, error_body("The server had an error", "server_error")), (200, chat(GOOD))
    )
    assert len(generate("openai", scripted_api)) == 3
    assert len(scripted_api.requests) == 2


def test_openai_500_every_time_fails_after_the_retries(scripted_api):
    scripted_api.script((503, "<html><body>Service Unavailable</body></html>"))
    with pytest.raises(PaletteGenerationError, match="failed 3 times; last: HTTP 503") as caught:
        generate("openai", scripted_api, max_retries=2)
    assert not isinstance(caught.value, InputError)
    assert len(scripted_api.requests) == 3


def test_openai_401_is_one_clear_error_without_retry_or_key(scripted_api, caplog):
    caplog.set_level(logging.DEBUG)
    echoed = f"Incorrect API key provided: {KEY}. You can find your API key at the dashboard."
    scripted_api.script((401, error_body(echoed, code="invalid_api_key")))
    with pytest.raises(ProviderConfigError) as caught:
        generate("openai", scripted_api)
    message = str(caught.value)
    assert message.startswith("openai answered HTTP 401: Incorrect API key provided")
    assert "API key is missing or wrong" in message
    assert len(scripted_api.requests) == 1
    assert KEY not in message and KEY not in caplog.text


def test_api_key_never_reaches_logs_or_errors_on_retries(scripted_api, caplog):
    caplog.set_level(logging.DEBUG)
    scripted_api.script((429, {"error": {"message": f"key {KEY} is over quota"}}, {"Retry-After": "0"}),
                        (500, f"<html>gateway saw {KEY}</html>"))  # fmt: skip
    with pytest.raises(PaletteGenerationError) as caught:
        generate("openai", scripted_api, max_retries=2)
    assert "[api key]" in caplog.text
    assert KEY not in caplog.text and KEY not in str(caught.value) and KEY not in repr(caught.value)


def test_openai_slow_answer_past_the_read_timeout_is_retried_then_reported(scripted_api):
    # Each answer would come after 1 s: "timed out" twice means the 0.2 s read timeout cut both.
    scripted_api.script((200, chat(GOOD), {}, 1.0))
    with pytest.raises(PaletteGenerationError, match="failed 2 times; last: timed out"):
        generate("openai", scripted_api, read_timeout_s=0.2, max_retries=1)
    # The client gives up before the server's thread may have read the second request: wait for it.
    deadline = time.monotonic() + 10
    while len(scripted_api.requests) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(scripted_api.requests) == 2


def test_openai_unreachable_server_is_retried_then_reported():
    class Closed:
        url = "http://127.0.0.1:9"  # discard port: nothing listens on loopback

    with pytest.raises(PaletteGenerationError, match="could not connect"):
        generate("openai", Closed, max_retries=1)


JIGSAW_ITEMS = [{"name": p["name"], "description": p["description"], **p["roles"]} for p in GOOD]


def test_jigsawstack_success_sends_the_prompt_engine_body(scripted_api):
    scripted_api.script((200, {"success": True, "result": JIGSAW_ITEMS}))
    palettes = generate("jigsawstack", scripted_api)
    assert [p.source for p in palettes] == ["jigsawstack"] * 3
    (request,) = scripted_api.requests
    assert request["path"] == "/v1/prompt_engine/run"
    assert request["headers"]["x-api-key"] == KEY
    body = request["body"]
    keys = {item["key"] for item in body["inputs"]}
    assert keys == set(body["input_values"]) and all(f"{{{key}}}" in body["prompt"] for key in keys)
    assert all({"key", "optional", "initial_value"} <= set(item) for item in body["inputs"])
    assert body["input_values"]["count"] == "3" and body["input_values"]["theme"] == "forest"
    assert isinstance(body["return_prompt"], list) and set(ROLES) <= set(body["return_prompt"][0])


def test_jigsawstack_html_gateway_page_is_an_error_not_a_crash(scripted_api):
    scripted_api.script((200, "<html><head><title>502 Bad Gateway</title></head></html>"))
    with pytest.raises(PaletteGenerationError, match="non-JSON body"):
        generate("jigsawstack", scripted_api)


def test_jigsawstack_error_message_is_reported(scripted_api):
    scripted_api.script((400, {"success": False, "message": "Invalid return_prompt"}))
    with pytest.raises(
        ProviderConfigError, match="jigsawstack answered HTTP 400: Invalid return_prompt"
    ):
        generate("jigsawstack", scripted_api)


def test_jigsawstack_unsuccessful_answer_then_fallback(scripted_api):
    scripted_api.script((200, {"success": False, "error": "model overloaded"}))
    palettes = generate("jigsawstack", scripted_api, n=2)
    assert [p.source for p in palettes] == ["offline-fallback"] * 2
    assert len(scripted_api.requests) == 2


def test_jigsawstack_rate_limit_headers_are_logged_and_retry_after_honoured(scripted_api, caplog):
    limits = {
        "x-jigsaw-rate-limit-remaining": "0",
        "x-jigsaw-rate-limit-reset": "1",
        "Retry-After": "0",
    }
    scripted_api.script((429, {"success": False, "message": "Too many requests"}, limits),
                        (200, {"success": True, "result": {"palettes": JIGSAW_ITEMS}}))  # fmt: skip
    with caplog.at_level(logging.WARNING):
        palettes = generate("jigsawstack", scripted_api)
    assert len(palettes) == 3
    assert "x-jigsaw-rate-limit-remaining=0" in caplog.text


def test_jigsawstack_without_a_key_is_a_configuration_error(monkeypatch, scripted_api):
    for name in ("JIGSAWSTACK_API_KEY", "PALETTEFLOW_JIGSAWSTACK_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    generator = get_generator("jigsawstack", settings(scripted_api))
    with pytest.raises(ProviderConfigError, match="needs an API key"):
        asyncio.run(generator.generate("forest", "", 2))
    assert scripted_api.requests == []


def test_locked_colors_reach_the_prompt_and_every_palette(scripted_api):
    scripted_api.script((200, chat(GOOD)))
    palettes = generate("openai", scripted_api, locks=("primary=#0b5394",))
    assert all(p.roles["primary"] == "#0b5394" and all(p.checks.values()) for p in palettes)
    assert "primary #0b5394" in scripted_api.requests[0]["body"]["messages"][1]["content"]
