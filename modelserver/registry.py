"""Which model names and Azure deployment names the server answers to.

The app's defaults (`whisper`, `gpt-4o`) are aliases of the bundled models, so the production
code path runs unchanged against this server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from modelserver.errors import APIError, not_found
from modelserver.settings import ServerSettings

Kind = Literal["transcription", "chat"]
CREATED = 1_735_689_600  # a fixed `created` time for /v1/models (2025-01-01)


@dataclass(frozen=True)
class ServedModel:
    name: str
    kind: Kind
    aliases: tuple[str, ...]

    def card(self) -> dict:
        """The `/v1/models` entry."""
        return {"id": self.name, "object": "model", "created": CREATED, "owned_by": "local",
                "kind": self.kind, "aliases": list(self.aliases)}


class Registry:
    """Resolves a request's model (OpenAI path) or deployment (Azure path) to a served model."""

    def __init__(self, settings: ServerSettings) -> None:
        self.models = (
            ServedModel(settings.whisper_served_name, "transcription", settings.whisper_aliases),
            ServedModel(settings.chat_model_name, "chat", settings.chat_aliases),
        )
        self._by_name = {name: model for model in self.models
                         for name in (model.name, *model.aliases)}

    def canonical(self, name: str) -> str | None:
        """The served name behind a name or alias, None when unknown."""
        model = self._by_name.get(name)
        return model.name if model else None

    def resolve(self, name: str | None, kind: Kind, *, deployment: bool) -> ServedModel:
        """The model a request means, or the 404/400 the real services answer."""
        if not name:
            raise APIError(400, "you must provide a model parameter", param="model")
        model = self._by_name.get(name)
        if model is not None and model.kind == kind:
            return model
        if deployment:
            raise not_found("The API deployment for this resource does not exist. If you created "
                            "the deployment within the last 5 minutes, please wait a moment and "
                            "try again.")
        raise not_found(f"The model `{name}` does not exist or you do not have access to it.",
                        code="model_not_found")
