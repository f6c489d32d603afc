"""What the extract step asks: the rules, one worked example, the transcript lines, the schema.

Written for an instruct model reading a phone call whose speakers may be unlabelled. The example
teaches the traps a small model falls into (the agent's own name, a balance or a quoted price
taken as a budget, a declined product, the agent's promise taken as the customer's timeline); its
values occur in no test call (`tests/test_extraction_prompt.py` checks). The transcript lines
come from `transcript_lines.render`: `L7 CUSTOMER: ...`, or `L7: ...` when roles are unknown.
"""

from __future__ import annotations

import json

from callinsights.schema import extraction_json_schema

PROMPT_VERSION = "3"

SYSTEM_PROMPT = """\
You read the transcript of a recorded sales phone call and fill in a lead record as JSON.
The transcript has numbered lines, one sentence each: "L7 CUSTOMER: ...". The speaker is AGENT \
(works for the company) or CUSTOMER; when a line has no speaker, work it out: the agent usually \
speaks first, says the company name and introduces themself.

For every field give "value" and "line": the number of the line that states the value (null \
when the value is null). Rules:
- agent_name, agent_company: first find the agent: the name they introduce themself with \
("this is Dana", "Dana speaking") and the company they answer for.
- Then the customer is the other person. Only what the customer says or confirms. Not said: \
null (products: []). Never guess.
- customer_name: the customer's own name, in full if given, as spelled if spelled out. Never the \
agent_name, never a company's name. No name given: null.
- company: the customer's own business, not the company they are talking to.
- city, region, country: where the customer is or where the work is; region and country only if \
said. A company or bank name is not a place. After a correction, the corrected value.
- products_of_interest: each product or service the customer wants, short, once. Not what they \
already have, not what they turn down.
- budget: what the customer says they can or want to spend. amount is a number, currency an ISO \
code (USD for dollars unless they are another country's), period is total, month, year or week. \
For a range give min and max, and amount = max. An account balance, a transfer, a bill or a \
price the agent quotes is not a budget.
- timeline: when the customer wants to buy or have it done: their words for the time only, \
short ("by March", "next spring"). What the agent promises to do is next_steps, not timeline.
- next_steps: what the agent or the customer will do next.
- summary: one short sentence."""

# A worked example: (speaker, text) turns and the answer a careful reader gives.
EXAMPLE_TURNS = [
    ("agent", "Good morning, Brightwater Kitchens, Olwen speaking."),
    ("customer", "Hi Olwen. My name is Tobias Brannagh, I run a cafe called Fennel and Rye."),
    ("agent", "Nice to meet you, Tobias. Where is the cafe?"),
    ("customer", "In Dunedin, on the Otago coast."),
    ("agent", "What can we do for you?"),
    ("customer", "We need a pizza oven. We already have a combi oven."),
    ("agent", "Do you have a budget?"),
    ("customer", "The business account holds about forty one thousand, but I can spend up to "
                 "nine thousand three hundred on this."),
    ("agent", "The oven with the stone turntable is ten thousand seven hundred."),
    ("customer", "Then no turntable, just the oven."),
    ("agent", "When would you need it?"),
    ("customer", "Before the ski crowds arrive."),
    ("agent", "I will send you a written quote the day after tomorrow."),
]
EXAMPLE_ANSWER = {
    "agent_name": {"value": "Olwen", "line": 1},
    "agent_company": {"value": "Brightwater Kitchens", "line": 1},
    "customer_name": {"value": "Tobias Brannagh", "line": 2},
    "company": {"value": "Fennel and Rye", "line": 2},
    "city": {"value": "Dunedin", "line": 4},
    "region": {"value": "Otago", "line": 4},
    "country": {"value": None, "line": None},
    "products_of_interest": {"value": ["pizza oven"], "line": 6},
    "budget": {"value": {"amount": 9300, "currency": "NZD", "period": "total", "min": None,
                         "max": None}, "line": 8},
    "timeline": {"value": "before the ski crowds arrive", "line": 12},
    "next_steps": {"value": "The agent sends a written quote the day after tomorrow.", "line": 13},
    "summary": {"value": "A Dunedin cafe owner wants a pizza oven for up to 9,300."},
}


def example_lines(labelled: bool) -> str:
    """The example transcript, labelled or not, as the real one will be."""
    out = []
    for number, (speaker, text) in enumerate(EXAMPLE_TURNS, start=1):
        label = f" {speaker.upper()}" if labelled else ""
        out.append(f"L{number}{label}: {text}")
    return "\n".join(out)


def build_messages(lines: str, *, labelled: bool) -> list[dict[str, str]]:
    """System rules, the worked example as a user/assistant exchange, then the call."""
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": "Transcript:\n" + example_lines(labelled)},
        {"role": "assistant", "content": json.dumps(EXAMPLE_ANSWER, separators=(",", ":"))},
        {"role": "user", "content": "Transcript:\n" + lines},
    ]


def response_format() -> dict:
    """Strict JSON schema, so every answer parses and every field has `{value, line}`."""
    return {"type": "json_schema",
            "json_schema": {"name": "lead", "strict": True, "schema": extraction_json_schema()}}
