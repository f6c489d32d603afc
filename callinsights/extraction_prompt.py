"""What the extract step asks: the rules, the transcript lines and the strict answer schema.

Kept apart from the call itself so the local model server's tests can build the very request the
app sends (`tests/grounded`), and so the wording can change without touching the scoring.
"""

from __future__ import annotations

from callinsights.schema import extraction_json_schema

SYSTEM_PROMPT = (
    "You read transcripts of recorded sales calls between an agent (who works for the company "
    "being called) and a customer, and fill a lead record.\n"
    "Rules:\n"
    "- For every field give `value` and `quote`. `quote` is the shortest exact passage of the "
    "transcript (a few words, copied verbatim, without the [start-end] times) that states the "
    "value.\n"
    "- When the call does not state a field, its value and quote are null (an empty list for "
    "products). Never guess, never use outside knowledge, never fill a field from an example.\n"
    "- The agent greets with the company name and their own first name; the customer is the "
    "other person. customer_name is never the agent's name.\n"
    "- budget: only an amount the customer says they want to spend, as a number "
    "(\"twelve hundred euros\" -> 1200 with currency \"EUR\"; \"USD\" for dollars).\n"
    "- region is the state or province; products_of_interest lists each product or service "
    "the customer wants as a short noun phrase."
)


def build_messages(lines: str) -> list[dict[str, str]]:
    """System instructions and the timestamped transcript, one `[start-end] text` line each."""
    user = ("Extract the lead from this call transcript.\n\nTranscript:\n" + lines)
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def response_format() -> dict:
    """Strict JSON schema, so every answer parses and every field has `{value, quote}`."""
    return {"type": "json_schema",
            "json_schema": {"name": "lead", "strict": True, "schema": extraction_json_schema()}}
