"""One of each list item: the model (and overlapping windows) name the same product twice."""

from __future__ import annotations

from collections.abc import Sequence

from callinsights import confidence as conf

# (item, confidence, evidence): the first two are all de-duplication looks at.
ScoredItem = tuple[str, float, dict | None]


def same_item(a: str, b: str) -> bool:
    """Two list items name the same thing (case, punctuation, plural 's')."""
    wa = [w.rstrip("s") for w in conf.words(a)]
    wb = [w.rstrip("s") for w in conf.words(b)]
    return wa == wb or conf.word_similarity(" ".join(wa), " ".join(wb)) >= 0.9


def dedupe_items(scored: Sequence[ScoredItem]) -> list[ScoredItem]:
    """Keep one of each item (the most confident), in first-seen order."""
    kept: list[ScoredItem] = []
    for entry in scored:
        twin = next((i for i, k in enumerate(kept) if same_item(k[0], entry[0])), None)
        if twin is None:
            kept.append(entry)
        elif entry[1] > kept[twin][1]:
            kept[twin] = entry
    return kept
