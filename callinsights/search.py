"""Searching calls: the `search` keys a record carries, and the filter `GET /api/calls` takes.

A record's `search` object holds what the list filters on, folded once when the record is built
(`search_keys`): the customer's name, the city, the products (each whole and word by word) and
whether the review flagged a field. Both stores then match with plain comparisons that their
indexes serve (Cosmos `=`, `ARRAY_CONTAINS`, `CONTAINS` on the folded name; SQLite the same
through JSON1), with no case folding at query time. A live call is matched on the same keys
made from what it shows (`RecordSearch.matches`): the flagged values of a call awaiting approval.

| parameter | matches |
|---|---|
| `customer` | a part of the customer's name, any case ("dana" finds "Dana Whitfield") |
| `city` | the whole city name, any case ("plano"; not "plan") |
| `product` | a whole product or one word of it ("solar" finds "solar panels") |
| `flagged=true` | calls whose review flagged a field (awaiting approval, or decided after it) |
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MAX_TERM = 100  # characters of one search parameter
TEXT_PARAMETERS = ("customer", "city", "product")
TRUE, FALSE = ("true", "1", "yes"), ("false", "0", "no", "")
_NOT_WORD = re.compile(r"[^\w]+")
PRODUCT_STOPWORDS = frozenset({"a", "an", "and", "the", "of", "for", "with", "to", "in", "on",
                               "new", "some"})


def fold(text: object) -> str | None:
    """Lower case, punctuation to spaces, single spaces: "  O'Neil,  Dana " -> "o neil dana"."""
    if not isinstance(text, str):
        return None
    folded = " ".join(_NOT_WORD.sub(" ", text.casefold()).split())
    return folded or None


def product_terms(products: object) -> list[str]:
    """Each product folded whole, then each of its words that says something, once each."""
    terms: list[str] = []
    for product in products if isinstance(products, list) else []:
        whole = fold(product)
        if not whole:
            continue
        for term in (whole, *whole.split()):
            if term not in terms and term not in PRODUCT_STOPWORDS:
                terms.append(term)
    return terms


def _value(fields: Mapping[str, dict] | None, name: str) -> object:
    field = (fields or {}).get(name)
    return field.get("value") if isinstance(field, Mapping) else None


def search_keys(fields: Mapping[str, dict] | None, flagged: Iterable[str] | None) -> dict:
    """The record's `search` object from its final fields and the names the review flagged."""
    return {"customer": fold(_value(fields, "customer_name")),
            "city": fold(_value(fields, "city")),
            "products": product_terms(_value(fields, "products_of_interest")),
            "flagged": bool(list(flagged or []))}


def record_search_keys(record: Mapping) -> dict:
    """The `search` keys a stored record should carry (what `build_record` writes)."""
    return search_keys(record.get("extraction"), (record.get("review") or {}).get("flagged"))


@dataclass(frozen=True)
class RecordSearch:
    """What a list request searches for, folded as the keys are; every part optional."""

    customer: str | None = None
    city: str | None = None
    product: str | None = None
    flagged: bool = False

    @property
    def empty(self) -> bool:
        return not (self.customer or self.city or self.product or self.flagged)

    @property
    def by_content(self) -> bool:
        """It names a value, which only a call with extracted fields can have."""
        return bool(self.customer or self.city or self.product)

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> RecordSearch:
        """From the query string; ValueError (a 400) naming the parameter that is wrong."""
        texts = {}
        for name in TEXT_PARAMETERS:
            raw = params.get(name) or ""
            if len(raw) > MAX_TERM:
                raise ValueError(f"{name} must be at most {MAX_TERM} characters")
            if raw.strip() and not fold(raw):
                raise ValueError(f"{name} must hold a letter or a digit")
            texts[name] = fold(raw)
        flagged = (params.get("flagged") or "").strip().lower()
        if flagged not in TRUE + FALSE:
            raise ValueError("flagged must be true or false")
        return cls(**texts, flagged=flagged in TRUE)

    def matches(self, keys: Mapping[str, object] | None) -> bool:
        """The same test the stores run, on a `search_keys` object (for live calls)."""
        keys = keys or {}
        customer, city = keys.get("customer") or "", keys.get("city")
        return ((not self.customer or self.customer in customer)
                and (not self.city or self.city == city)
                and (not self.product or self.product in (keys.get("products") or []))
                and (not self.flagged or bool(keys.get("flagged"))))
