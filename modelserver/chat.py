"""Chat completions on the shared llama.cpp engine: the model writes every answer.

The messages are rendered with the model's own chat template; `response_format` json_schema
(or json_object) constrains decoding with a grammar, so the answer always parses and validates.
Temperature, seed, stop strings, max tokens, logprobs and top_logprobs behave as in OpenAI's API.
"""

from __future__ import annotations

import logging
import threading

from modelserver.chat_request import ChatRequest
from modelserver.chat_response import Completion
from modelserver.cores import CoreBudget
from modelserver.engine import LlamaEngine
from modelserver.errors import bad_request
from modelserver.gguf import gguf_path
from modelserver.grammar import json_object_gbnf
from modelserver.settings import ServerSettings

log = logging.getLogger("modelserver.chat")
DEFAULT_MAX_TOKENS = 1024


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
                                           threads=threads, budget=self.budget,
                                           n_batch=self.settings.chat_batch)
            return self._engine

    def complete(self, request: ChatRequest) -> Completion:
        """Answer one request (blocking: run it in a worker thread)."""
        engine = self.engine()
        with engine.session():
            return self._generate(engine, request)

    def _generate(self, engine: LlamaEngine, request: ChatRequest) -> Completion:
        """Decode the model's answer, grammar-constrained when JSON is asked for."""
        structured = request.schema is not None or request.json_mode
        try:
            template = engine.chat_template()
        except ValueError as exc:
            raise bad_request(str(exc), param="model") from exc
        prompt_ids = engine.tokenize(template.render(request.messages))
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
            stop=() if structured else tuple(request.stop))
        content = result.text.strip()
        return Completion(content=content, tokens=result.tokens,
                          prompt_tokens=result.prompt_tokens,
                          completion_tokens=len(result.token_ids),
                          finish_reason=result.finish_reason,
                          path="grammar" if structured else "plain")
