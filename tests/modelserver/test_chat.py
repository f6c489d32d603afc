"""Chat completions over HTTP with the real SDK: schema-valid JSON with logprobs, plain text."""

from __future__ import annotations

import json
import math

import pytest
from openai import AzureOpenAI, OpenAI
from pydantic import BaseModel, ConfigDict

from tests.modelserver.conftest import CHAT

pytestmark = pytest.mark.models

TRANSCRIPT = ("[0.0-2.1] Thanks for calling Summit Roofing, this is Tyler.\n"
              "[2.3-6.0] Hi Tyler, my name is Angela Brooks and I live in Nashville, Tennessee.\n"
              "[6.2-9.0] We want a metal roof and new gutters, budget about eight thousand "
              "dollars.")


class Evidence(BaseModel):
    model_config = ConfigDict(extra="forbid")
    quote: str
    start: float


class Lead(BaseModel):
    model_config = ConfigDict(extra="forbid")
    customer_name: str | None
    city: str | None
    budget_usd: float | None
    products: list[str]
    evidence: Evidence | None


MESSAGES = [{"role": "system", "content": "Extract the sales lead from the call transcript."},
            {"role": "user", "content": TRANSCRIPT}]


def test_json_schema_output_validates_with_logprobs(client: OpenAI) -> None:
    completion = client.chat.completions.parse(
        model=CHAT, messages=MESSAGES, response_format=Lead, logprobs=True, top_logprobs=2,
        temperature=0, max_tokens=400, seed=7)
    choice = completion.choices[0]
    assert choice.finish_reason == "stop"
    lead = choice.message.parsed
    assert isinstance(lead, Lead)
    assert Lead.model_validate_json(choice.message.content) == lead
    tokens = choice.logprobs.content
    assert tokens and all(t.logprob <= 1e-6 and math.isfinite(t.logprob) for t in tokens)
    assert all(len(t.top_logprobs) <= 2 for t in tokens)
    assert "".join(t.token for t in tokens).strip().startswith("{")
    assert completion.model == CHAT  # the real model's name
    assert any(t.top_logprobs for t in tokens)  # alternatives where the model had a choice
    usage = completion.usage
    assert usage.prompt_tokens > 50 and usage.completion_tokens == len(tokens)
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


def test_json_schema_on_azure_path_with_nullable_nested_schema(azure: AzureOpenAI) -> None:
    schema = {"type": "object", "additionalProperties": False,
              "required": ["name", "contact", "tags"],
              "properties": {
                  "name": {"type": ["string", "null"]},
                  "contact": {"anyOf": [{"type": "null"}, {
                      "type": "object", "additionalProperties": False, "required": ["city"],
                      "properties": {"city": {"type": ["string", "null"]}}}]},
                  "tags": {"type": "array", "items": {"enum": ["roof", "gutter", "other"]}}}}
    completion = azure.chat.completions.create(
        model=CHAT, messages=MESSAGES, temperature=0, max_tokens=200,
        response_format={"type": "json_schema",
                         "json_schema": {"name": "lead", "schema": schema, "strict": True}})
    data = json.loads(completion.choices[0].message.content)
    assert set(data) == {"name", "contact", "tags"}
    assert data["name"] is None or isinstance(data["name"], str)
    assert data["contact"] is None or set(data["contact"]) == {"city"}
    assert all(tag in {"roof", "gutter", "other"} for tag in data["tags"])
    assert len(data["tags"]) <= 10  # arrays without maxItems are bounded (a small model repeats)


def test_json_object_mode_parses(client: OpenAI) -> None:
    completion = client.chat.completions.create(
        model=CHAT, messages=MESSAGES, response_format={"type": "json_object"},
        temperature=0, max_tokens=120)
    if completion.choices[0].finish_reason == "stop":
        assert isinstance(json.loads(completion.choices[0].message.content), dict)


def test_plain_chat_returns_text_and_usage(client: OpenAI) -> None:
    completion = client.chat.completions.create(
        model=CHAT, temperature=0.7, seed=3, max_tokens=16, logprobs=True,
        messages=[{"role": "user", "content": "What is the capital of France?"}])
    choice = completion.choices[0]
    assert choice.message.role == "assistant" and choice.message.content
    assert choice.finish_reason in {"stop", "length"}
    assert 0 < completion.usage.completion_tokens <= 16
    assert len(choice.logprobs.content) == completion.usage.completion_tokens
