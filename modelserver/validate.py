"""A small JSON-schema check for the subset structured outputs use.

The grammar guarantees what the model writes itself; this guards answers from other paths
(the grounded engine) before they are returned as schema-valid.
"""

from __future__ import annotations

from typing import Any

TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def _type_ok(value: Any, name: str) -> bool:
    if name in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return name == "number" or float(value).is_integer()
    return isinstance(value, TYPES.get(name, object))


def _resolve(node: dict, root: dict) -> dict:
    ref = node.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return node
    target: Any = root
    for part in ref[2:].split("/"):
        target = target[part]
    return _resolve(target, root)


def _object_error(value: dict, node: dict, root: dict, path: str) -> str | None:
    props = node.get("properties", {})
    for name in node.get("required", []):
        if name not in value:
            return f"{path}: missing {name!r}"
    extra = node.get("additionalProperties", True)
    for key, item in value.items():
        if key in props:
            child = props[key]
        elif extra is False:
            return f"{path}: unexpected {key!r}"
        elif isinstance(extra, dict):
            child = extra
        else:
            continue
        if (error := first_error(item, child, root, f"{path}.{key}")) is not None:
            return error
    return None


def _array_error(value: list, node: dict, root: dict, path: str) -> str | None:
    if len(value) < node.get("minItems", 0) or len(value) > node.get("maxItems", len(value)):
        return f"{path}: {len(value)} items is out of bounds"
    items = node.get("items")
    for index, item in enumerate(value if isinstance(items, dict) else ()):
        if (error := first_error(item, items, root, f"{path}[{index}]")) is not None:
            return error
    return None


def first_error(value: Any, node: Any, root: dict, path: str = "$") -> str | None:
    """The first way `value` breaks the schema `node`, or None when it validates."""
    if not isinstance(node, dict):
        return None if node is not False else f"{path}: not allowed"
    node = _resolve(node, root)
    for key in ("anyOf", "oneOf"):
        if key in node and all(first_error(value, sub, root, path) for sub in node[key]):
            return f"{path}: matches none of {key}"
    for sub in node.get("allOf", []):
        if (error := first_error(value, sub, root, path)) is not None:
            return error
    if "enum" in node and value not in node["enum"]:
        return f"{path}: {value!r} not in enum"
    if "const" in node and value != node["const"]:
        return f"{path}: {value!r} is not {node['const']!r}"
    types = node.get("type")
    if types is not None:
        names = types if isinstance(types, list) else [types]
        if not any(_type_ok(value, name) for name in names):
            return f"{path}: {type(value).__name__} is not {types}"
    if isinstance(value, dict):
        return _object_error(value, node, root, path)
    if isinstance(value, list):
        return _array_error(value, node, root, path)
    return None
