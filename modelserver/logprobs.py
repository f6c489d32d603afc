"""Log-probabilities from one row of logits: what the sampled token scored and its rivals.

Computed only for the tokens we generate or score (never `logits_all`, which costs the whole
prompt times a 262k vocabulary).
"""

from __future__ import annotations

import numpy as np

TopList = list[tuple[int, float]]


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """Normalised log-probabilities; -inf entries (masked by a grammar) stay -inf."""
    top = np.max(logits)
    shifted = logits - top
    return shifted - np.log(np.sum(np.exp(shifted)))


def token_logprob(logits: np.ndarray, token: int) -> float:
    """log p(token) under the distribution `logits` describes."""
    top = float(np.max(logits))
    return float(logits[token] - top - np.log(np.sum(np.exp(logits - top))))


def top_alternatives(logprobs: np.ndarray, k: int) -> TopList:
    """The k most likely token ids with their logprobs, best first (finite ones only)."""
    if k <= 0:
        return []
    k = min(k, logprobs.size)
    ids = np.argpartition(-logprobs, k - 1)[:k]
    ids = ids[np.argsort(-logprobs[ids])]
    return [(int(i), float(logprobs[i])) for i in ids if np.isfinite(logprobs[i])]
