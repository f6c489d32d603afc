"""One field of the model's answer -> `{value, confidence, evidence}`, scored by evidence.

Each value is validated, its quote grounded in the transcript, the value looked for in or beside
the quote, and the signals combined by `confidence.py`; the model's word alone is never trusted.
"""

from __future__ import annotations

import math
from typing import Any

from callinsights import confidence as conf
from callinsights.json_offsets import Spans
from callinsights.list_items import dedupe_items
from callinsights.quotes import Grounding, evidence, ground_quote
from callinsights.schema import UNGROUNDED_FIELDS, validate_value
from callinsights.timed_words import TimedWords
from callinsights.token_logprobs import TokenLogprobs


def _near(doc: TimedWords, g: Grounding) -> tuple[int, int]:
    """The quote's words widened by `NEAR_WORDS` each side: where the value may also be said."""
    return max(0, g.start - conf.NEAR_WORDS), min(len(doc.norm), g.end + conf.NEAR_WORDS)


def value_support(name: str, value: Any, doc: TimedWords, g: Grounding) -> tuple[float, int, int]:
    """How much of the value is in or beside the quote, and the word range that says it."""
    lo, hi = _near(doc, g)
    if name == "budget":
        for amount, s, e in conf.spoken_numbers(doc.text(lo, hi)):
            if math.isclose(amount, float(value["amount"]), rel_tol=0.01):
                return 1.0, lo + s, lo + e
        return 0.0, g.start, g.end
    value_words = conf.words(str(value))
    score = conf.support(value_words, doc.norm[lo:hi])
    hits = [i for i in range(lo, hi)
            if any(conf.word_similarity(v, doc.norm[i]) >= conf.WORD_MATCH_MIN
                   for v in value_words)]
    return (score, min(hits), max(hits) + 1) if hits else (score, g.start, g.end)


def score_value(name: str, value: Any, quote: str | None, p_model: float | None,
                doc: TimedWords) -> tuple[float, dict | None]:
    """Confidence of one non-null value and its evidence {quote, start, end} (None if unfound)."""
    g = ground_quote(quote, doc)
    found = value_support(name, value, doc, g) if g else None
    if name == "products_of_interest" and (found is None or found[0] < conf.SUPPORT_MIN):
        g = ground_quote(str(value), doc)  # one quote for several items: each item on its own
        found = value_support(name, value, doc, g) if g else None
    if g is None or found is None:
        return conf.value_confidence(conf.Signals(p_model, 0.0, 0.0, None)), None
    support, s, e = found
    signals = conf.Signals(p_model, g.ratio, support, doc.asr_probability(s, e))
    return conf.value_confidence(signals), evidence(doc, g)


def score_field(name: str, answer: Any, spans: Spans, tokens: TokenLogprobs,
                doc: TimedWords) -> dict:
    """One field of the model's answer -> {value, confidence, evidence}."""
    raw = answer.get("value") if isinstance(answer, dict) else None
    quote = answer.get("quote") if isinstance(answer, dict) else None
    p_value = tokens.probability(spans.get((name, "value")))
    try:
        value = validate_value(name, raw)
    except ValueError:
        return {"value": None, "confidence": 0.0, "evidence": None}
    if value is None or value == []:
        return {"value": value, "confidence": conf.null_confidence(p_value), "evidence": None}
    if name in UNGROUNDED_FIELDS:
        span = spans.get((name, "value"))
        lps = tokens.span_logprobs(*span) if span else []
        g = ground_quote(quote, doc)
        found = evidence(doc, g) if g and g.ratio >= conf.GROUNDED_MIN else None
        return {"value": value, "confidence": conf.synthesis_confidence(lps), "evidence": found}
    if name == "products_of_interest":
        return _score_list(name, value, quote, spans, tokens, doc)
    confidence, found = score_value(name, value, quote, p_value, doc)
    return {"value": value, "confidence": confidence, "evidence": found}


def _score_list(name: str, items: list[str], quote: str | None, spans: Spans,
                tokens: TokenLogprobs, doc: TimedWords) -> dict:
    """Each item scored on its own (own logprobs, own grounding); the list is its weakest item."""
    scored = []
    for index, item in enumerate(items):
        p_item = tokens.probability(spans.get((name, "value", index)))
        scored.append((item, *score_value(name, item, quote, p_item, doc)))
    kept = dedupe_items(scored)
    first = next((ev for _, _, ev in kept if ev), None)
    return {"value": [item for item, _, _ in kept],
            "confidence": conf.list_confidence([c for _, c, _ in kept], None),
            "evidence": first}
