"""Chat completions on the shared llama.cpp engine.

Requests with a JSON schema go first to the grounded extraction engine
(`modelserver.grounded.complete`, when present and `MODELSERVER_CHAT_MODE=grounded`); when it
declines, or for other requests, the model writes the answer itself, grammar-constrained for
JSON output.
"""

from __future__ import annotations

import importlib
import json
import logging
import threading
from typing import Any

from modelserver.chat_request import ChatRequest
from modelserver.chat_response import Completion
from modelserver.cores import CoreBudget
from modelserver.engine import LlamaEngine
from modelserver.errors import bad_request
from modelserver.gguf import gguf_path
from modelserver.grammar import json_object_gbnf
from modelserver.prompt import STOP, build_prompt
from modelserver.settings import ServerSettings
from modelserver.validate import first_error

log = logging.getLogger("modelserver.chat")
DEFAULT_MAX_TOKENS = 1024


def dedupe_lists(value: Any) -> Any:
    """JSON with repeated array items dropped (a base model likes to repeat list entries)."""
    if isinstance(value, dict):
        return {key: dedupe_lists(item) for key, item in value.items()}
    if isinstance(value, list):
        seen: list[str] = []
        kept = []
        for item in map(dedupe_lists, value):
            key = json.dumps(item, sort_keys=True)
            if key not in seen:
                seen.append(key)
                kept.append(item)
        return kept
    return value


def _tidy_json(text: str) -> str:
    """The generated JSON without trailing space and with duplicate list items removed."""
    text = text.strip()
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        return text  # cut short by max_tokens: returned as is, finish_reason says "length"
    cleaned = dedupe_lists(parsed)
    return text if cleaned == parsed else json.dumps(cleaned, ensure_ascii=False)


def _schema_problem(content: str, schema: dict[str, Any]) -> str | None:
    """Why `content` is not a JSON document valid under `schema`, or None."""
    try:
        value = json.loads(content)
    except (TypeError, json.JSONDecodeError) as exc:
        return f"not JSON: {exc}"
    return first_error(value, schema, schema)


class ChatService:
    """Owns the lazily loaded engine and turns a validated request into a `Completion`."""

    def __init__(self, settings: ServerSettings, budget: CoreBudget) -> None:
        self.settings = settings
        self.budget = budget
        self._engine: LlamaEngine | None = None
        self._load_lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._engine is not None

    def engine(self) -> LlamaEngine:
        """The shared engine, loaded on first use."""
        with self._load_lock:
            if self._engine is None:
                path = gguf_path(self.settings.gguf_path, self.settings.model_cache_dir)
                log.info("loading %s", path)
                threads = min(self.settings.chat_threads, self.settings.threads)
                self._engine = LlamaEngine(str(path), n_ctx=self.settings.chat_context,
                                           threads=threads, budget=self.budget)
            return self._engine

    def complete(self, request: ChatRequest) -> Completion:
        """Answer one request (blocking: run it in a worker thread)."""
        engine = self.engine()
        with engine.session():
            grounded = self._grounded(engine, request)
            return grounded if grounded is not None else self._generate(engine, request)

    def _grounded(self, engine: LlamaEngine, request: ChatRequest) -> Completion | None:
        """The grounded engine's answer, or None when it is absent, off, or declines."""
        if request.schema is None or self.settings.chat_mode != "grounded":
            return None
        try:
            module = importlib.import_module("modelserver.grounded")
        except ModuleNotFoundError as exc:
            if exc.name != "modelserver.grounded":
                raise
            return None
        if not callable(getattr(module, "complete", None)):
            return None  # the package is still being written
        try:
            result = module.complete(engine, request.raw)
        except Exception:  # a failing extractor must not take chat down: fall back, loudly
            log.exception("modelserver.grounded.complete failed; using plain grammar decoding")
            return None
        if result is None:
            return None
        problem = _schema_problem(result.content, request.schema)
        if problem is not None:
            log.warning("grounded answer does not match the schema (%s); using grammar "
                        "decoding", problem)
            return None
        return Completion(content=result.content, tokens=list(result.tokens),
                          prompt_tokens=result.prompt_tokens,
                          completion_tokens=result.completion_tokens,
                          finish_reason=getattr(result, "finish_reason", "stop"), path="grounded")

    def _generate(self, engine: LlamaEngine, request: ChatRequest) -> Completion:
        """Plain decoding: the base-model prompt, grammar-constrained when JSON is asked for."""
        structured = request.schema is not None or request.json_mode
        prompt = build_prompt(request.messages, json_schema=request.schema,
                              json_mode=request.json_mode)
        prompt_ids = engine.prompt_ids(prompt)
        room = self.settings.chat_context - len(prompt_ids) - 1
        if room < 1:
            raise bad_request(f"This model's maximum context length is "
                              f"{self.settings.chat_context} tokens; your messages resulted in "
                              f"{len(prompt_ids)} tokens.", param="messages",
                              code="context_length_exceeded")
        if request.schema is not None:
            grammar = engine.grammar_for_schema(request.schema)
        else:
            grammar = json_object_gbnf() if request.json_mode else None
        result = engine.generate_full(
            prompt_ids, grammar=grammar, max_tokens=min(request.max_tokens or DEFAULT_MAX_TOKENS,
                                                        room),
            temperature=request.temperature, seed=request.seed,
            top_logprobs=request.top_logprobs if request.logprobs else 0,
            stop=() if structured else (*STOP, *request.stop))
        content = _tidy_json(result.text) if structured else result.text.strip()
        return Completion(content=content, tokens=result.tokens,
                          prompt_tokens=result.prompt_tokens,
                          completion_tokens=len(result.token_ids),
                          finish_reason=result.finish_reason,
                          path="grammar" if structured else "plain")
