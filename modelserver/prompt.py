"""Chat messages -> a text prompt for a *base* (not instruction-tuned) model.

A base model continues documents, so the conversation is written as a plain labelled
transcript ending where the assistant's turn begins; it has no chat template to lean on.
"""

from __future__ import annotations

import json
from typing import Any

from modelserver.errors import bad_request

ROLE_LABELS = {"user": "User", "assistant": "Assistant"}
STOP = ("\nUser:", "\nAssistant:", "\nSystem:")


def message_text(message: dict[str, Any]) -> str:
    """A message's text: a string, or the text parts of a content list."""
    content = message.get("content")
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(part.get("text", "") for part in content
                         if isinstance(part, dict) and part.get("type") == "text")
    raise bad_request("message content must be a string or a list of content parts",
                      param="messages")


def schema_instruction(schema: dict[str, Any] | None) -> str:
    """One line telling the model what JSON to write (the grammar enforces it anyway)."""
    if schema is None:
        return "Answer with one JSON object."
    return "Answer with one JSON object that follows this JSON schema: " + json.dumps(schema)


def build_prompt(messages: list[dict[str, Any]], *, json_schema: dict[str, Any] | None = None,
                 json_mode: bool = False) -> str:
    """System text first, then `User:`/`Assistant:` turns, then the open assistant turn.

    With JSON output the open turn ends in a newline, so the answer starts with `{` as in a
    document; otherwise with `Assistant:` and the model supplies the space.
    """
    preamble = [message_text(m) for m in messages if m.get("role") in ("system", "developer")]
    if json_mode or json_schema is not None:
        preamble.append(schema_instruction(json_schema))
    turns = [f"{ROLE_LABELS[m['role']]}: {message_text(m).strip()}"
             for m in messages if m.get("role") in ROLE_LABELS]
    head = "\n".join(p.strip() for p in preamble if p.strip())
    body = "\n".join(turns)
    opening = "Assistant:\n" if json_mode or json_schema is not None else "Assistant:"
    return "\n\n".join(part for part in (head, body) if part) + "\n" + opening
