"""Fill a JSON schema from a transcript: each property's kind, candidates, choice, rendering."""

from __future__ import annotations

from modelserver.grounded import fields
from modelserver.grounded.choose import Choice, Option, choose_items, choose_one
from modelserver.grounded.render import TokenLogprob, Writer, dump, write_items, write_scalar
from modelserver.grounded.text import Doc

UNKNOWN = Option(None, None, 0.5)
SUMMARY_PROBABILITY = 0.7


def _is_wrapper(spec: dict) -> bool:
    """`{value, quote}` objects: the value plus the transcript words that state it."""
    props = spec.get("properties") or {}
    return spec.get("type") == "object" and "value" in props and "quote" in props


def _is_list(spec: dict) -> bool:
    return spec.get("type") == "array" or "array" in (spec.get("type") or [])


def _summary(chosen: dict[str, Option], kinds: dict[str, str]) -> str | None:
    """A one-sentence synthesis of what was found (the only value not taken from a span)."""
    said = {kinds[n]: o.value for n, o in chosen.items() if o.value not in (None, [])}
    if not said:
        return None
    who = said.get("person", "The caller")
    where = ", ".join(str(said[k]) for k in ("city", "region") if k in said)
    items = said.get("items")
    text = who + (f" from {where}" if where else "")
    text += f" is interested in {', '.join(o.value for o in items)}" if items else " called"
    if "money" in said:
        text += f", budget {said['money']['amount']:,} {said['money']['currency']}"
    if "timeline" in said:
        text += f", timeline {said['timeline']}"
    return text + "."


def answer_schema(schema: dict, doc: Doc, top: int) -> list[TokenLogprob]:
    """The filled schema as tokens (see render.py)."""
    props: dict[str, dict] = schema["properties"]
    kinds, choices, chosen = {}, {}, {}
    for name, spec in props.items():
        inner = spec["properties"]["value"] if _is_wrapper(spec) else spec
        kind = fields.kind_of(name, spec) or fields.kind_of(name, inner)
        kinds[name] = kind
        candidates = fields.GENERATORS[kind](doc) if kind in fields.GENERATORS else []
        if _is_list(inner):
            items, p_empty = choose_items(candidates, fields.MISS_ODDS)
            choices[name] = (items, p_empty)
            chosen[name] = Option(items, items[0].quote if items else None, 1.0)
        elif kind in fields.GENERATORS:
            null_odds = fields.NULL_ODDS.get(kind, fields.DEFAULT_NULL_ODDS)
            choices[name] = choose_one(candidates, null_odds, fields.MISS_ODDS)
            chosen[name] = choices[name].chosen
        else:
            choices[name] = Choice(UNKNOWN)
            chosen[name] = UNKNOWN
    summary = _summary(chosen, kinds)
    w = Writer()
    w.forced("{")
    for i, (name, spec) in enumerate(props.items()):
        w.forced((", " if i else "") + dump(name) + ": ")
        wrapped = _is_wrapper(spec)
        if wrapped:
            w.forced('{"value": ')
        choice = choices[name]
        if isinstance(choice, tuple):
            write_items(w, *choice, top)
        elif kinds[name] == "summary" and summary:
            write_scalar(w, Option(summary, None, SUMMARY_PROBABILITY), [], top)
        else:
            write_scalar(w, choice.chosen, choice.rivals, top)
        if wrapped:
            quote = chosen[name].quote if kinds[name] != "summary" else None
            w.forced(', "quote": ' + dump(quote) + "}")
    w.forced("}")
    return w.tokens
