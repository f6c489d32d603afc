"""Calibrated confidence: the signals of one field -> the probability that its value is right.

The signals are measured, never the model's say-so: the model's probability of the value (token
logprobs), whether the call says it (and on the line the model named), the recogniser's word
probability, the verifiers' findings, and whether the second reading agrees. A logistic model
maps them to a probability; its weights are fitted on our calibration calls
(`bench/calibrate.py`, never on the sets we report) and shipped in `calibration.json`, so "0.9"
means about nine in ten such fields are right. `fit` and the reliability measures live here too
so the bench and the tests use the same code.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from callinsights.schema import REVIEWED_FIELDS

WEIGHTS = Path(__file__).resolve().parent / "calibration.json"
CALIBRATED_FIELDS = REVIEWED_FIELDS
LOGIT_CAP = 8.0


@dataclass(frozen=True)
class Signals:
    """What was measured about one field's value (or its absence)."""

    field: str
    is_null: bool
    p_model: float | None  # the model's probability of what it wrote (None: no logprobs)
    grounded: bool = False  # the call says the value
    in_line: bool = False  # ... on the line the model named (or beside it)
    p_asr: float | None = None  # the recogniser's probability of those words
    doubts: int = 0  # verifier checks that doubted it
    dropped: bool = False  # a verifier dropped what the model wrote (value now null)
    corrected: bool = False  # a verifier corrected part of it (currency, period, duplicates)
    agreement: int = 0  # +1 the second reading agrees, -1 disagrees, 0 no opinion
    from_reader: bool = False  # the value is the second reading's (the model's was dropped)
    findings: tuple[str, ...] = ()  # the verifiers' checks that doubted or dropped it

    def as_dict(self) -> dict:
        return {"p_model": None if self.p_model is None else round(self.p_model, 4),
                "grounded": self.grounded, "in_line": self.in_line,
                "p_asr": None if self.p_asr is None else round(self.p_asr, 4),
                "doubts": self.doubts, "dropped": self.dropped, "corrected": self.corrected,
                "agreement": self.agreement, "from_reader": self.from_reader,
                "findings": list(self.findings)}


def _logit(p: float) -> float:
    p = min(1 - 1e-6, max(1e-6, p))
    return max(-LOGIT_CAP, min(LOGIT_CAP, math.log(p / (1 - p))))


def features(s: Signals, *, use_agreement: bool = True) -> dict[str, float]:
    """The named inputs of the logistic model (absent names are 0)."""
    lp = 0.0 if s.p_model is None else _logit(s.p_model)
    x = {"bias": 1.0, f"field={s.field}": 1.0, "no_logprobs": float(s.p_model is None)}
    if s.is_null:
        x |= {"null": 1.0, "null*logit_p": lp, "null*dropped": float(s.dropped)}
    else:
        x |= {"value*logit_p": lp, "grounded": float(s.grounded), "in_line": float(s.in_line),
              "log_p_asr": math.log(max(1e-3, s.p_asr)) if s.p_asr is not None else 0.0,
              "doubts": float(s.doubts), "corrected": float(s.corrected),
              "from_reader": float(s.from_reader)}
        if s.p_asr is not None:  # a misheard name hurts more than a misheard amount
            x[f"log_p_asr*{s.field}"] = math.log(max(1e-3, s.p_asr))
    for finding in s.findings:  # which check found something says more than how many did
        x[f"finding={finding}"] = x.get(f"finding={finding}", 0.0) + 1.0
    if use_agreement:
        x |= {"agree": float(s.agreement > 0), "disagree": float(s.agreement < 0)}
    return x


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


@dataclass(frozen=True)
class Calibrator:
    """Fitted weights per feature name; `probability` applies them."""

    weights: dict[str, float]
    use_agreement: bool = True

    def probability(self, s: Signals) -> float:
        x = features(s, use_agreement=self.use_agreement)
        return round(_sigmoid(sum(self.weights.get(k, 0.0) * v for k, v in x.items())), 4)

    def to_json(self, **about: object) -> str:
        return json.dumps({"weights": self.weights, "use_agreement": self.use_agreement,
                           **about}, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Calibrator:
        data = json.loads(text)
        return cls(dict(data["weights"]), bool(data.get("use_agreement", True)))


@lru_cache(maxsize=1)
def shipped() -> Calibrator:
    """The calibration fitted on our calibration calls (`bench/calibrate.py`)."""
    return Calibrator.from_json(WEIGHTS.read_text())


def fit(samples: Sequence[tuple[Signals, bool]], *, use_agreement: bool = True,
        l2: float = 1.0, iterations: int = 50) -> Calibrator:
    """Logistic regression (Newton's method, L2 on everything but the bias) on (signals, right)."""
    import numpy as np

    rows = [features(s, use_agreement=use_agreement) for s, _ in samples]
    names = sorted({k for row in rows for k in row})
    x = np.array([[row.get(k, 0.0) for k in names] for row in rows])
    y = np.array([float(right) for _, right in samples])
    w = np.zeros(len(names))
    penalty = np.full(len(names), l2)
    penalty[names.index("bias")] = 1e-6
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) + penalty * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return Calibrator({k: round(float(v), 5) for k, v in zip(names, w, strict=True)},
                      use_agreement)


def reliability(pairs: Sequence[tuple[float, bool]], bins: int = 10
                ) -> tuple[float, list[dict]]:
    """Expected calibration error and the reliability table (confidence bins of equal width)."""
    table, error = [], 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(c, r) for c, r in pairs if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        if not inside:
            continue
        confidence = sum(c for c, _ in inside) / len(inside)
        accuracy = sum(r for _, r in inside) / len(inside)
        error += len(inside) / len(pairs) * abs(confidence - accuracy)
        table.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": len(inside),
                      "confidence": round(confidence, 3), "accuracy": round(accuracy, 3)})
    return round(error, 4), table
