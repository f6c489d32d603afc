"""Where each value sits in a JSON text, so logprob tokens can be matched to the value they spell.

`json.loads` gives values but not their positions; the model's probability of a value is only
readable from the tokens that overlap its characters (or bytes, the unit tokens come in).
"""

from __future__ import annotations

import re
from json.decoder import scanstring

_NUMBER_OR_LITERAL = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null")
_WS = re.compile(r"\s*")

Path = tuple[str | int, ...]
Spans = dict[Path, tuple[int, int]]


def value_spans(text: str) -> Spans:
    """Character span [start, end) of every JSON value in `text`, keyed by its path.

    The path of `{"budget": {"value": {"amount": 1}}}`'s amount is ("budget", "value", "amount");
    list items get their index. Lets logprob tokens be matched to the value they spell.
    """
    spans: Spans = {}
    _parse(text, _WS.match(text, 0).end(), (), spans)
    return spans


def _parse(text: str, i: int, path: Path, spans: Spans) -> int:
    """Record the span of the value starting at `i` (and of its members); return its end."""
    start = i
    ch = text[i]
    if ch == "{":
        i = _WS.match(text, i + 1).end()
        while text[i] != "}":
            key, i = scanstring(text, i + 1)
            i = _WS.match(text, i).end() + 1  # past ':'
            i = _parse(text, _WS.match(text, i).end(), (*path, key), spans)
            i = _WS.match(text, i).end()
            if text[i] == ",":
                i = _WS.match(text, i + 1).end()
        i += 1
    elif ch == "[":
        i = _WS.match(text, i + 1).end()
        index = 0
        while text[i] != "]":
            i = _WS.match(text, _parse(text, i, (*path, index), spans)).end()
            index += 1
            if text[i] == ",":
                i = _WS.match(text, i + 1).end()
        i += 1
    elif ch == '"':
        _, i = scanstring(text, i + 1)
    else:
        m = _NUMBER_OR_LITERAL.match(text, i)
        if not m:
            raise ValueError(f"unexpected JSON at offset {i}")
        i = m.end()
    spans[path] = (start, i)
    return i


def byte_spans(content: str, spans: Spans) -> Spans:
    """Character spans of `value_spans` as UTF-8 byte spans, the unit tokens are measured in."""
    if content.isascii():
        return spans
    offsets = [0]
    for ch in content:
        offsets.append(offsets[-1] + len(ch.encode("utf-8")))
    return {path: (offsets[a], offsets[b]) for path, (a, b) in spans.items()}
