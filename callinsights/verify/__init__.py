"""Verifiers: deterministic checks of every model's answer (GPT-4o on Azure and the local model).

Each field's value is checked against the call itself: it must be said (evidence), by the
customer where the roles tell; a name must not be the agent's or a company's; places must be
places; a budget an amount the customer can spend; a timeline the customer's; products wanted,
once each. A check that fails either drops the value (it cannot be right) or doubts it (the
calibration lowers its confidence); either way its reason is stored beside the field.
"""

from __future__ import annotations

from callinsights.call_context import CallContext
from callinsights.model_answer import RawField
from callinsights.verify.budget import verify_budget
from callinsights.verify.common import Verdict, verify_said
from callinsights.verify.items import verify_items
from callinsights.verify.names import verify_agent_name, verify_company, verify_name
from callinsights.verify.places import verify_city, verify_country, verify_region
from callinsights.verify.timeline import verify_timeline

VERIFIERS = {
    "customer_name": verify_name, "company": verify_company, "city": verify_city,
    "region": verify_region, "country": verify_country, "products_of_interest": verify_items,
    "budget": verify_budget, "timeline": verify_timeline, "next_steps": verify_said,
    "agent_name": verify_agent_name,
}


def verify_field(raw: RawField, ctx: CallContext, answer: dict[str, RawField]) -> Verdict:
    """The field after its checks (the summary is free text: only its line is looked up)."""
    verifier = VERIFIERS.get(raw.name)
    if verifier is None:
        return Verdict(raw.value)
    return verifier(raw, ctx, answer)


__all__ = ["Verdict", "verify_field"]
