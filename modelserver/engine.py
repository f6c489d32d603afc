"""The shared llama.cpp engine: one `Llama`, one KV cache, used by one request at a time.

It is also the interface the grounded extraction engine (`modelserver.grounded`) codes against:
`llm`, `session()`, `tokenize()`, `detokenize()`, `continuation_logprob()`,
`continuation_logprobs()`, `score_continuations()`, `generate()` and `grammar_for_schema()`
(see docs/modelserver.md). Logprobs are computed for generated or scored tokens only.
"""

from __future__ import annotations

import ctypes
import functools
import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from modelserver.chat_template import ChatTemplate
from modelserver.cores import CoreBudget
from modelserver.logprobs import log_softmax, token_logprob, top_alternatives
from modelserver.sampling import GrammarMask, choose

# (token text, logprob, [(alternative text, logprob), ...]) per generated token
TokenLogprob = tuple[str, float, list[tuple[str, float]]]
SCORE_CHUNK = 32  # tokens per decode when logits of every position are needed (memory bound)


@contextmanager
def _without_extra_buffers() -> Iterator[None]:
    """Load weights without llama.cpp's extra (repacking) buffer types.

    On this machine's Xeon with AMX, ggml's AMX matmul for these weights segfaults in the first
    decode; the plain CPU path is fine. `Llama()` offers no switch, so patch its defaults briefly.
    """
    import llama_cpp.llama as llama_module

    original = llama_module.llama_cpp.llama_model_default_params

    def defaults():
        params = original()
        params.use_extra_bufts = False
        return params

    with _LOAD_LOCK:
        llama_module.llama_cpp.llama_model_default_params = defaults
        try:
            yield
        finally:
            llama_module.llama_cpp.llama_model_default_params = original


_LOAD_LOCK = threading.Lock()


@dataclass
class Generation:
    """Everything one `generate_full` call produced."""

    text: str
    tokens: list[TokenLogprob] = field(default_factory=list)
    token_ids: list[int] = field(default_factory=list)
    prompt_tokens: int = 0
    finish_reason: str = "stop"  # stop | length


class LlamaEngine:
    """A GGUF model in llama.cpp with KV-cache reuse across calls sharing a prompt prefix.

    Every public method takes the engine's session itself; wrap several calls in
    `with engine.session():` to keep other requests from evicting your cached prompt between them.
    """

    def __init__(self, model_path: str, *, n_ctx: int, threads: int, budget: CoreBudget,
                 n_batch: int = 512) -> None:
        import llama_cpp

        self._lib = llama_cpp
        self.threads = max(1, threads)
        self.budget = budget
        with _without_extra_buffers():
            self.llm = llama_cpp.Llama(
                model_path=model_path, n_ctx=n_ctx, n_batch=n_batch, n_threads=self.threads,
                n_threads_batch=self.threads, logits_all=False, swa_full=True, verbose=False)
        self.n_vocab = self.llm.n_vocab()
        self.model_path = model_path
        self._lock = threading.RLock()
        self._depth = 0
        self._pieces: dict[int, bytes] = {}

    # -- serialisation ---------------------------------------------------------------------

    @contextmanager
    def session(self) -> Iterator[LlamaEngine]:
        """Exclusive use of the model (re-entrant), holding its cores from the shared budget."""
        with self._lock:
            self._depth += 1
            try:
                if self._depth == 1:
                    with self.budget.use(self.threads):
                        yield self
                else:
                    yield self
            finally:
                self._depth -= 1

    # -- tokens ----------------------------------------------------------------------------

    def tokenize(self, text: str, *, add_bos: bool = False) -> list[int]:
        """Token ids of `text` (no BOS unless asked; prompts get theirs from `prompt_ids`)."""
        return self.llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=True)

    def prompt_ids(self, prompt: str | Sequence[int]) -> list[int]:
        """A prompt as ids: text gets BOS and is tokenized; a list of ids is used as it is."""
        return self.tokenize(prompt, add_bos=True) if isinstance(prompt, str) else list(prompt)

    def piece(self, token: int) -> bytes:
        """The bytes one token stands for (cached; special tokens render as their text)."""
        if token not in self._pieces:
            buffer = ctypes.create_string_buffer(256)
            vocab = self.llm._model.vocab
            size = self._lib.llama_token_to_piece(vocab, token, buffer, 256, 0, True)
            self._pieces[token] = buffer.raw[:max(0, size)]
        return self._pieces[token]

    def detokenize(self, tokens: Sequence[int]) -> str:
        return b"".join(self.piece(t) for t in tokens).decode("utf-8", errors="replace")

    @functools.cached_property
    def _chat_template(self) -> ChatTemplate | None:
        template = self.llm.metadata.get("tokenizer.chat_template")
        if not template:
            return None
        return ChatTemplate(template, bos_token=self._token_text(self.llm.token_bos()),
                            eos_token=self._token_text(self.llm.token_eos()))

    def chat_template(self) -> ChatTemplate:
        """The model's own chat template; ValueError for a model without one (a base model)."""
        if self._chat_template is None:
            raise ValueError(f"{Path(self.model_path).name} has no chat template "
                             "(tokenizer.chat_template): it is not a chat model")
        return self._chat_template

    def _token_text(self, token: int) -> str:
        return self.piece(token).decode("utf-8", errors="replace") if token >= 0 else ""

    def is_end(self, token: int) -> bool:
        """End of generation (EOS, <end_of_turn>, ...)."""
        return bool(self._lib.llama_vocab_is_eog(self.llm._model.vocab, token))

    # -- evaluation --------------------------------------------------------------------------

    def _logits(self, index: int = -1) -> np.ndarray:
        """A copy of the logits row `index` of the last decode."""
        pointer = self._lib.llama_get_logits_ith(self.llm.ctx, index)
        return np.ctypeslib.as_array(pointer, shape=(self.n_vocab,)).copy()

    def _keep_prefix(self, tokens: Sequence[int]) -> int:
        """Keep the longest cached prefix of `tokens` (at most all but the last); its length."""
        cached = self.llm.input_ids[: self.llm.n_tokens]
        limit = min(len(cached), len(tokens) - 1)
        same = 0
        while same < limit and cached[same] == tokens[same]:
            same += 1
        self.llm.n_tokens = same  # `eval` drops the KV cache from here on
        return same

    def _feed(self, tokens: Sequence[int]) -> np.ndarray:
        """Evaluate `tokens` reusing the KV cache; the next-token logits after the last one."""
        if not tokens:
            raise ValueError("empty prompt")
        if len(tokens) >= self.llm.n_ctx():
            raise ValueError(f"prompt of {len(tokens)} tokens exceeds the context of "
                             f"{self.llm.n_ctx()} tokens")
        same = self._keep_prefix(tokens)
        self.llm.eval(list(tokens[same:]))
        return self._logits()

    def _feed_all_logits(self, tokens: Sequence[int]) -> list[np.ndarray]:
        """Append `tokens` to the cache and return the logits after each of them."""
        llm, rows = self.llm, []
        for start in range(0, len(tokens), SCORE_CHUNK):
            chunk = list(tokens[start:start + SCORE_CHUNK])
            n_past = llm.n_tokens
            llm._ctx.kv_cache_seq_rm(-1, n_past, -1)
            llm._batch.set_batch(batch=chunk, n_past=n_past, logits_all=True)
            llm._ctx.decode(llm._batch)
            llm.input_ids[n_past:n_past + len(chunk)] = chunk
            llm.n_tokens += len(chunk)
            rows += [self._logits(i) for i in range(len(chunk))]
        return rows

    # -- scoring -----------------------------------------------------------------------------

    def continuation_logprobs(self, prompt: str | Sequence[int],
                              continuation: str | Sequence[int]) -> list[float]:
        """log p of each continuation token given the prompt and the tokens before it.

        The continuation is tokenized on its own (no BOS), so start it with the space it needs.
        Repeated calls with the same prompt reuse its KV cache: only the continuation is decoded.
        """
        prompt_ids = self.prompt_ids(prompt)
        cont = self.tokenize(continuation) if isinstance(continuation, str) else list(continuation)
        if not cont:
            return []
        with self.session():
            first = self._feed(prompt_ids)
            rows = [first, *self._feed_all_logits(cont[:-1])] if len(cont) > 1 else [first]
        return [token_logprob(row, token) for row, token in zip(rows, cont, strict=True)]

    def continuation_logprob(self, prompt: str | Sequence[int],
                             continuation: str | Sequence[int]) -> float:
        """Sum of the continuation's token logprobs given the prompt (see continuation_logprobs)."""
        return float(sum(self.continuation_logprobs(prompt, continuation)))

    def score_continuations(self, prompt: str | Sequence[int],
                            continuations: Sequence[str]) -> list[float]:
        """`continuation_logprob` of each candidate, under one session (prompt decoded once)."""
        with self.session():
            return [self.continuation_logprob(prompt, c) for c in continuations]

    # -- generation --------------------------------------------------------------------------

    @functools.lru_cache(maxsize=64)  # noqa: B019 - one engine per process; grammars are reused
    def _grammar_from_text(self, gbnf: str):
        return self._lib.LlamaGrammar.from_string(gbnf, verbose=False)

    def grammar_for_schema(self, schema: dict | str):
        """A `LlamaGrammar` accepting exactly the JSON documents of a JSON schema."""
        from modelserver.grammar import schema_to_gbnf

        text = schema if isinstance(schema, str) else json.dumps(schema)
        return self._grammar_from_text(schema_to_gbnf(text))

    def _as_grammar(self, grammar):
        """None, a `LlamaGrammar`, or GBNF text."""
        return self._grammar_from_text(grammar) if isinstance(grammar, str) else grammar

    def generate_full(self, prompt: str | Sequence[int], *, grammar=None, max_tokens: int = 256,
                      temperature: float = 0.0, seed: int | None = None, top_logprobs: int = 0,
                      stop: Sequence[str] = ()) -> Generation:
        """Sample up to max_tokens, constrained by `grammar`, with each token's logprob.

        Logprobs are the model's own (log-softmax of its logits, before temperature and before
        the grammar), so a value the grammar forces against the model's wish scores low. Text
        the grammar forces (JSON keys and punctuation) is fed in one batch, not token by token
        (jump-forward); its tokens are reported with the model's logprobs like any other.
        """
        prompt_ids = self.prompt_ids(prompt)
        rng = np.random.default_rng(seed)
        grammar = self._as_grammar(grammar)
        mask = (GrammarMask(self._lib, self.llm._model.vocab, grammar, self.n_vocab)
                if grammar is not None else None)
        out = Generation(text="", prompt_tokens=len(prompt_ids), finish_reason="length")
        try:
            with self.session():
                logits = self._jump(out, mask, self._feed(prompt_ids), top_logprobs)
                while len(out.token_ids) < max_tokens:
                    token = choose(logits, temperature, rng, mask)
                    if self.is_end(token):
                        out.finish_reason = "stop"
                        break
                    if mask is not None:
                        mask.accept(token)
                    self._record(out, token, logits, top_logprobs)
                    if stop and self._cut_at_stop(out, stop):
                        out.finish_reason = "stop"
                        break
                    self.llm.eval([token])
                    logits = self._jump(out, mask, self._logits(), top_logprobs)
        finally:
            if mask is not None:
                mask.close()
        out.text = out.text or self.detokenize(out.token_ids)
        return out

    @functools.cached_property
    def _char_probes(self) -> dict[str, int]:
        """A one-token spelling of each printable ASCII character (for `forced_text`)."""
        probes = {}
        for code in range(32, 127):
            ids = self.tokenize(chr(code))
            if len(ids) == 1:
                probes[chr(code)] = ids[0]
        return probes

    def _jump(self, out: Generation, mask: GrammarMask | None, logits: np.ndarray,
              top: int) -> np.ndarray:
        """Feed the text the grammar forces next in one batch; the logits after it.

        The forced text's last token is held back: the model writes those characters itself,
        so it can merge them with its next choice as its tokenizer would (`":"` rather than
        `":` then `"`); cutting there keeps its probabilities undistorted.
        """
        if mask is None:
            return logits
        forced = mask.forced_text(self._char_probes)
        ids = self.tokenize(forced)[:-1] if forced else []
        if not ids:
            return logits
        rows = self._feed_all_logits(ids)
        for token, before in zip(ids, [logits, *rows[:-1]], strict=True):
            mask.accept(token)
            self._record(out, token, before, top)
        return rows[-1]

    def _record(self, out: Generation, token: int, logits: np.ndarray, top: int) -> None:
        logprobs = log_softmax(logits)
        alternatives = [(self.detokenize([i]), lp) for i, lp in top_alternatives(logprobs, top)]
        out.token_ids.append(token)
        out.tokens.append((self.detokenize([token]), float(logprobs[token]), alternatives))

    def _cut_at_stop(self, out: Generation, stop: Sequence[str]) -> bool:
        """When the text so far contains a stop string: keep what precedes it, and say so."""
        text = self.detokenize(out.token_ids)
        hits = [text.find(s) for s in stop if s and s in text]
        if not hits:
            return False
        out.text = text[: min(hits)]
        keep, size, limit = 0, 0, len(out.text.encode("utf-8"))
        while keep < len(out.token_ids) and size < limit:  # drop the stop string's tokens
            size += len(self.piece(out.token_ids[keep]))
            keep += 1
        del out.token_ids[keep:], out.tokens[keep:]
        return True

    def generate(self, prompt: str | Sequence[int], grammar=None, max_tokens: int = 256,
                 temperature: float = 0.0, seed: int | None = None,
                 top_logprobs: int = 0) -> tuple[str, list[TokenLogprob]]:
        """(text, [(token, logprob, top alternatives)]) — see `generate_full`."""
        result = self.generate_full(prompt, grammar=grammar, max_tokens=max_tokens,
                                    temperature=temperature, seed=seed, top_logprobs=top_logprobs)
        return result.text, result.tokens
