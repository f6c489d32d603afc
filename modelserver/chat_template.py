"""Chat messages -> the prompt text an instruct model was trained on, from its own template.

A GGUF file carries its chat template (`tokenizer.chat_template`, Jinja); rendering it is what
the model's authors' tooling does, so Qwen gets its ChatML turns and any other instruct model
its own. A model without a template (a base model) is refused for chat: it would only continue
the text, which is not what a chat completion promises.
"""

from __future__ import annotations

import re
from typing import Any

from modelserver.errors import bad_request

# Control tokens of chat templates (`<|im_start|>`, `<|endoftext|>`, ...): text that spells one
# inside a message must not become one (it would open a turn the caller did not write).
_CONTROL = re.compile(r"<\|[A-Za-z0-9_]{1,40}\|>")


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


class ChatTemplate:
    """Renders messages with a model's Jinja chat template, ending at the assistant's turn."""

    def __init__(self, template: str, *, bos_token: str, eos_token: str) -> None:
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        self._format = Jinja2ChatFormatter(template=template, bos_token=bos_token,
                                           eos_token=eos_token, add_generation_prompt=True)

    def render(self, messages: list[dict[str, Any]]) -> str:
        """The prompt for `messages` ("developer" is read as "system"; text parts only)."""
        plain = [{"role": "system" if m.get("role") == "developer" else m["role"],
                  "content": _CONTROL.sub("", message_text(m))} for m in messages]
        return self._format(messages=plain).prompt
