"""OpenAI `chat.completion` bodies, including `logprobs.content` for the generated tokens."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

from modelserver.engine import TokenLogprob


@dataclass
class Completion:
    """What a chat path produced, before it becomes an OpenAI body."""

    content: str
    tokens: list[TokenLogprob] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str = "stop"
    path: str = "plain"  # grounded | grammar | plain (logged and sent as a header)


def _entry(text: str, logprob: float) -> dict:
    return {"token": text, "logprob": logprob, "bytes": list(text.encode("utf-8"))}


def logprobs_content(tokens: list[TokenLogprob], top: int) -> list[dict]:
    """`choices[0].logprobs.content`: each token with its `top` alternatives."""
    return [{**_entry(text, logprob),
             "top_logprobs": [_entry(alt, alt_lp) for alt, alt_lp in alternatives[:top]]}
            for text, logprob, alternatives in tokens]


def completion_body(result: Completion, model: str, *, logprobs: bool, top: int) -> dict:
    """The full response body."""
    choice = {"index": 0, "finish_reason": result.finish_reason,
              "message": {"role": "assistant", "content": result.content, "refusal": None},
              "logprobs": ({"content": logprobs_content(result.tokens, top), "refusal": None}
                           if logprobs else None)}
    return {"id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion",
            "created": int(time.time()), "model": model,
            "system_fingerprint": f"local-{result.path}", "choices": [choice],
            "usage": {"prompt_tokens": result.prompt_tokens,
                      "completion_tokens": result.completion_tokens,
                      "total_tokens": result.prompt_tokens + result.completion_tokens}}
