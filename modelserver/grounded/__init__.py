"""Grounded extraction for the local model server: values picked from the transcript, not invented.

`complete(engine, request)` answers a chat request whose `response_format` is a JSON schema and
whose user message holds a `[start-end] text` transcript. Each property of the schema is read by
kind (a person's name, a place, money, a time, wishes; see `fields.py`); deterministic signals
propose spans of the transcript, `choose.py` turns their agreement into probabilities, and the
answer is rendered with those probabilities as token logprobs. Requests it cannot serve get
`None` and the server decodes with a plain grammar.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from modelserver.grounded.answer import answer_schema
from modelserver.grounded.render import TokenLogprob
from modelserver.grounded.text import Doc


@dataclass
class GroundedCompletion:
    content: str
    tokens: list[TokenLogprob]
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str = "stop"


def _schema(request: dict) -> dict | None:
    fmt = request.get("response_format") or {}
    if not isinstance(fmt, dict) or fmt.get("type") != "json_schema":
        return None
    schema = (fmt.get("json_schema") or {}).get("schema")
    if not isinstance(schema, dict) or schema.get("type") != "object":
        return None
    return schema if isinstance(schema.get("properties"), dict) else None


def _text(message: dict) -> str:
    content = message.get("content")
    if isinstance(content, list):  # content parts
        return "\n".join(p.get("text", "") for p in content if isinstance(p, dict))
    return content if isinstance(content, str) else ""


def _prompt_tokens(engine: Any, messages: list[dict]) -> int:
    text = "\n".join(_text(m) for m in messages)
    tokenize = getattr(engine, "tokenize", None)
    return len(tokenize(text)) if tokenize else len(text) // 4


def complete(engine: Any, request: dict) -> GroundedCompletion | None:
    """The grounded answer to a chat request, or None when the request is not an extraction."""
    schema = _schema(request)
    messages = [m for m in request.get("messages") or [] if isinstance(m, dict)]
    users = [_text(m) for m in messages if m.get("role") == "user"]
    if schema is None or not users:
        return None
    doc = Doc.from_message(users[-1])
    if not doc.has_timed_lines:
        return None
    top = int(request.get("top_logprobs") or 0)
    tokens = answer_schema(schema, doc, top)
    return GroundedCompletion(content="".join(t for t, _, _ in tokens), tokens=tokens,
                              prompt_tokens=_prompt_tokens(engine, messages),
                              completion_tokens=len(tokens))
