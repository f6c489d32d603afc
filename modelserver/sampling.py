"""Token choice for generation: temperature or greedy, with a llama.cpp grammar checked lazily.

Applying a grammar to all 262k vocabulary entries costs far more than the model's forward pass
for this small model. As llama.cpp's own samplers do, we first pick from the raw distribution
and ask the grammar about that one token; only when it is refused do we mask the whole
vocabulary and pick again.
"""

from __future__ import annotations

import ctypes

import numpy as np

RECORD = np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)], align=True)


class GrammarMask:
    """A llama.cpp grammar sampler used as a filter: `allows`, `mask`, `accept`, `close`."""

    def __init__(self, lib, vocab, grammar, n_vocab: int) -> None:
        self._lib = lib
        self._sampler = lib.llama_sampler_init_grammar(
            vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8"))
        if not self._sampler:
            raise ValueError("llama.cpp could not parse the grammar")
        self._one = (lib.llama_token_data * 1)()
        self._all = (lib.llama_token_data * n_vocab)()
        self._all_view = np.frombuffer(self._all, dtype=RECORD)
        self._ids = np.arange(n_vocab, dtype=np.intc)

    def _apply(self, data, size: int) -> None:
        array = self._lib.llama_token_data_array(
            data=ctypes.cast(data, self._lib.llama_token_data_p), size=size, selected=-1,
            sorted=False)
        self._lib.llama_sampler_apply(self._sampler, ctypes.byref(array))

    def allows(self, token: int) -> bool:
        """Whether the grammar accepts `token` next (cheap: one candidate)."""
        self._one[0].id, self._one[0].logit, self._one[0].p = token, 0.0, 0.0
        self._apply(self._one, 1)
        return bool(np.isfinite(self._one[0].logit))

    def mask(self, logits: np.ndarray) -> np.ndarray:
        """`logits` with every token the grammar refuses set to -inf (the full, slow check)."""
        self._all_view["id"] = self._ids
        self._all_view["logit"] = logits
        self._apply(self._all, len(logits))
        return self._all_view["logit"].copy()

    def accept(self, token: int) -> None:
        self._lib.llama_sampler_accept(self._sampler, token)

    def forced_text(self, probes: dict[str, int], limit: int = 256) -> str:
        """The characters the grammar allows as the only continuation (probed on a copy).

        `probes` maps each printable ASCII character to a token spelling it. When exactly one of
        them is allowed (in a JSON grammar without optional space: keys, colons, commas,
        braces, the rest of an enum value), that character is forced; the run stops where the
        model has a choice again (a value's first character, a string's content). The grammar
        itself does not advance: the caller accepts the tokens it actually feeds.
        """
        probe = self._lib.llama_sampler_clone(self._sampler)
        forced: list[str] = []
        chars = list(probes)
        candidates = (self._lib.llama_token_data * len(chars))()
        try:
            while len(forced) < limit:
                for slot, char in enumerate(chars):
                    candidates[slot].id, candidates[slot].logit = probes[char], 0.0
                    candidates[slot].p = 0.0
                array = self._lib.llama_token_data_array(
                    data=ctypes.cast(candidates, self._lib.llama_token_data_p), size=len(chars),
                    selected=-1, sorted=False)
                self._lib.llama_sampler_apply(probe, ctypes.byref(array))
                allowed = [chars[slot] for slot in range(len(chars))
                           if np.isfinite(candidates[slot].logit)]
                if len(allowed) != 1:
                    break
                forced.append(allowed[0])
                self._lib.llama_sampler_accept(probe, probes[allowed[0]])
        finally:
            self._lib.llama_sampler_free(probe)
        return "".join(forced)

    def close(self) -> None:
        if self._sampler:
            self._lib.llama_sampler_free(self._sampler)
            self._sampler = None


def pick(logits: np.ndarray, temperature: float, rng: np.random.Generator) -> int:
    """Greedy at temperature 0, else a draw from softmax(logits / temperature)."""
    if temperature <= 0:
        return int(np.argmax(logits))
    scaled = logits.astype(np.float64) / temperature
    scaled -= np.max(scaled)
    weights = np.exp(scaled)
    return int(rng.choice(len(weights), p=weights / weights.sum()))


def choose(logits: np.ndarray, temperature: float, rng: np.random.Generator,
           grammar: GrammarMask | None) -> int:
    """The next token: from the raw distribution when the grammar allows it, else re-picked
    among the tokens the grammar allows."""
    token = pick(logits, temperature, rng)
    if grammar is None or grammar.allows(token):
        return token
    return pick(grammar.mask(logits), temperature, rng)
