"""Which candidate generator serves which schema property, read from its name and description.

The engine knows kinds of values (a person's name, a place, money, a time, wishes), not the
app's field list: any schema whose properties describe such values is served the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from modelserver.grounded import money, names, notes, places, products, timeline
from modelserver.grounded.candidate import Candidate
from modelserver.grounded.text import Doc

Generator = Callable[[Doc], list[Candidate]]

# (kind, words any of which in the property name/description selects it), checked in order.
KINDS: list[tuple[str, tuple[str, ...]]] = [
    ("summary", ("summar",)),
    ("next_steps", ("next step", "agreed to do", "next_step")),
    ("money", ("budget", "amount", "price")),
    ("company", ("company", "organisation", "organization", "business")),
    ("person", ("name",)),
    ("region", ("state", "province", "region")),
    ("city", ("city", "town")),
    ("country", ("country",)),
    ("timeline", ("when", "timeline", "date", "time")),
    ("items", ("product", "service", "interest")),
]
GENERATORS: dict[str, Generator] = {
    "person": names.customer_name, "company": notes.company, "city": places.city,
    "region": places.region, "country": places.country, "money": money.budget,
    "timeline": timeline.timeline, "items": products.products, "next_steps": notes.next_steps,
}
# Odds that the call does not say it / says it in a way no rule catches, per kind.
NULL_ODDS = {"person": 0.25, "company": 0.6, "country": 0.6, "money": 0.3, "timeline": 0.3}
DEFAULT_NULL_ODDS = 0.3
MISS_ODDS = 0.08


def kind_of(name: str, spec: dict) -> str:
    """The kind of value a property holds, from its name and description ("" if unknown)."""
    text = f"{name.replace('_', ' ')} {spec.get('description', '')}".lower()
    for kind, words in KINDS:
        if any(w in text for w in words):
            return kind
    return ""
