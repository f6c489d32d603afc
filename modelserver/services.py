"""The long-lived objects one server process shares across requests."""

from __future__ import annotations

from dataclasses import dataclass, field

from modelserver.cores import CoreBudget
from modelserver.ratelimit import RateLimiter
from modelserver.registry import Registry
from modelserver.settings import ServerSettings
from modelserver.transcription import WhisperService


@dataclass
class Services:
    """Settings, name registry, rate limiter, core budget and the (lazily loaded) models."""

    settings: ServerSettings
    registry: Registry = field(init=False)
    limiter: RateLimiter = field(init=False)
    budget: CoreBudget = field(init=False)
    whisper: WhisperService = field(init=False)
    chat: object = field(init=False)  # modelserver.chat.ChatService, imported lazily

    def __post_init__(self) -> None:
        self.registry = Registry(self.settings)
        limits: dict[str, int] = {}
        for name, per_minute in self.settings.rate_limits.items():
            canonical = self.registry.canonical(name)
            if canonical is None:
                raise ValueError(f"MODELSERVER_RATE_LIMITS names unknown model {name!r}")
            limits[canonical] = per_minute
        self.limiter = RateLimiter(limits, window=self.settings.rate_window_seconds)
        self.budget = CoreBudget(self.settings.threads)
        self.whisper = WhisperService(self.settings, self.budget)
        from modelserver.chat import ChatService

        self.chat = ChatService(self.settings, self.budget)
