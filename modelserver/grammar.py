"""JSON schema -> GBNF grammar for llama.cpp, so constrained output always parses and validates.

llama-cpp-python's converter does the work; this module first rewrites the schema into the subset
it handles well (nullable unions, closed objects, bounded arrays), tightens its string rule and
drops its optional whitespace (compact output: every structural character is forced).
"""

from __future__ import annotations

import functools
import json
from typing import Any

from llama_cpp.llama_grammar import JSON_GBNF, json_schema_to_gbnf

DEFAULT_MAX_ITEMS = 10  # arrays without maxItems: a small model may repeat items until the end
LOOSE_CHAR = 'char ::= [^"\\\\] |'
STRICT_CHAR = 'char ::= [^"\\\\\\x7F\\x00-\\x1F] |'  # JSON forbids raw control characters
# Compact JSON: no optional whitespace, so the text between values is forced and can be fed to
# the model in one batch (jump-forward decoding, `sampling.GrammarMask.forced_text`).
LOOSE_SPACE = 'space ::= " "?'
COMPACT_SPACE = 'space ::= ""'


def _split_nullable(node: dict[str, Any]) -> dict[str, Any]:
    """`{"type": ["object", "null"], ...}` -> `anyOf` of each type (the converter drops keywords
    of multi-type nodes otherwise)."""
    types = node.get("type")
    if not isinstance(types, list) or len(types) < 2:
        return node
    rest = {k: v for k, v in node.items() if k != "type"}
    return {"anyOf": [{**rest, "type": t} if t != "null" else {"type": "null"} for t in types]}


def normalize(node: Any) -> Any:
    """The schema with nullable unions split, objects closed and arrays bounded (recursively)."""
    if isinstance(node, list):
        return [normalize(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = _split_nullable(node)
    out = {key: (value if key in ("enum", "const", "default", "examples") else normalize(value))
           for key, value in node.items()}
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if out.get("type") == "array" and "maxItems" not in out:
        out["maxItems"] = DEFAULT_MAX_ITEMS
    return out


def property_order(node: Any, order: list[str] | None = None) -> list[str]:
    """Every property name in the order the schema first lists it (output keeps that order)."""
    order = [] if order is None else order
    if isinstance(node, dict):
        for name in node.get("properties", {}) if isinstance(node.get("properties"), dict) else ():
            if name not in order:
                order.append(name)
        for value in node.values():
            property_order(value, order)
    elif isinstance(node, list):
        for item in node:
            property_order(item, order)
    return order


@functools.lru_cache(maxsize=64)
def schema_to_gbnf(schema_json: str) -> str:
    """GBNF text for a JSON schema given as JSON text (cached: schemas repeat across requests)."""
    schema = normalize(json.loads(schema_json))
    gbnf = json_schema_to_gbnf(json.dumps(schema), prop_order=property_order(schema))
    return gbnf.replace(LOOSE_CHAR, STRICT_CHAR).replace(LOOSE_SPACE, COMPACT_SPACE)


def json_object_gbnf() -> str:
    """Any JSON object (`response_format: {"type": "json_object"}`); its strings are strict."""
    return JSON_GBNF
