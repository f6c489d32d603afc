"""Validate a chat completions body into a typed request (400 in OpenAI's words otherwise)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from modelserver.errors import bad_request

ROLES = {"system", "developer", "user", "assistant", "tool", "function"}
MAX_TOP_LOGPROBS = 20


@dataclass
class ChatRequest:
    messages: list[dict[str, Any]]
    raw: dict[str, Any]
    max_tokens: int | None = None
    temperature: float = 1.0
    seed: int | None = None
    logprobs: bool = False
    top_logprobs: int = 0
    stop: list[str] = field(default_factory=list)
    schema: dict[str, Any] | None = None
    json_mode: bool = False


def _number(body: dict, name: str, low: float, high: float, default: float) -> float:
    value = body.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise bad_request(f"Invalid '{name}': expected a number from {low} to {high}.", param=name)
    return float(value)


def _whole(body: dict, name: str, low: int) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise bad_request(f"Invalid '{name}': expected an integer >= {low}.", param=name)
    return value


def _messages(body: dict) -> list[dict[str, Any]]:
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise bad_request("'messages' must be a non-empty array.", param="messages")
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ROLES:
            raise bad_request(f"Invalid 'messages[{index}]': needs a role among "
                              f"{sorted(ROLES)}.", param=f"messages[{index}]")
    return messages


def _response_format(body: dict, request: ChatRequest) -> None:
    fmt = body.get("response_format")
    if fmt is None:
        return
    kind = fmt.get("type") if isinstance(fmt, dict) else None
    if kind == "json_schema":
        spec = fmt.get("json_schema")
        if not isinstance(spec, dict) or not isinstance(spec.get("schema", {}), dict) \
                or not spec.get("name"):
            raise bad_request("Invalid 'response_format.json_schema': needs 'name' and an "
                              "object 'schema'.", param="response_format")
        request.schema = spec.get("schema") or {"type": "object"}
    elif kind == "json_object":
        request.json_mode = True
    elif kind != "text":
        raise bad_request("Invalid 'response_format.type': expected 'text', 'json_object' or "
                          "'json_schema'.", param="response_format")


def parse_chat_request(body: dict[str, Any]) -> ChatRequest:
    """The validated request; unsupported features (streaming, n > 1, tools) are refused."""
    if body.get("stream"):
        raise bad_request("stream=true is not supported by this server.", param="stream")
    if body.get("n", 1) != 1:
        raise bad_request("Only n=1 is supported by this server.", param="n")
    request = ChatRequest(messages=_messages(body), raw=body)
    request.max_tokens = _whole(body, "max_completion_tokens", 1) or _whole(body, "max_tokens", 1)
    request.temperature = _number(body, "temperature", 0, 2, 1.0)
    request.seed = _whole(body, "seed", -(2**63))
    request.logprobs = bool(body.get("logprobs"))
    top = _whole(body, "top_logprobs", 0) or 0
    if top > MAX_TOP_LOGPROBS:
        raise bad_request(f"Invalid 'top_logprobs': at most {MAX_TOP_LOGPROBS}.",
                          param="top_logprobs")
    if top and not request.logprobs:
        raise bad_request("'top_logprobs' requires 'logprobs' to be true.", param="top_logprobs")
    request.top_logprobs = top
    stop = body.get("stop")
    stops = [stop] if isinstance(stop, str) else stop or []
    if not isinstance(stops, list) or not all(isinstance(s, str) for s in stops):
        raise bad_request("Invalid 'stop': a string or an array of strings.", param="stop")
    request.stop = stops
    _response_format(body, request)
    return request
