"""The Starlette application: routes for the OpenAI paths and the Azure OpenAI deployment paths."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from modelserver.api_audio import transcriptions
from modelserver.api_chat import chat_completions
from modelserver.api_common import check_key, services
from modelserver.errors import APIError, api_error_handler, unexpected_error_handler
from modelserver.services import Services
from modelserver.settings import ServerSettings

AZURE = "/openai/deployments/{deployment}"


async def health(request: Request) -> JSONResponse:
    """Liveness plus which models are loaded (they load on first use)."""
    svc = services(request)
    return JSONResponse({"status": "ok",
                         "models": {svc.settings.whisper_served_name: svc.whisper.loaded,
                                    svc.settings.chat_model_name: svc.chat.loaded}})


async def list_models(request: Request) -> JSONResponse:
    check_key(request)
    return JSONResponse({"object": "list",
                         "data": [m.card() for m in services(request).registry.models]})


async def http_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    """Starlette's own errors (unknown route, wrong method, bad multipart) in the OpenAI shape."""
    assert isinstance(exc, HTTPException)
    error = APIError(exc.status_code, str(exc.detail),
                     code="404" if exc.status_code == 404 else None)
    return await api_error_handler(_request, error)


def create_app(settings: ServerSettings | None = None) -> Starlette:
    """The ASGI app; models load lazily on their first request."""
    routes = [
        Route("/health", health), Route("/healthz", health),
        Route("/v1/models", list_models),
        Route("/v1/audio/transcriptions", transcriptions, methods=["POST"]),
        Route(f"{AZURE}/audio/transcriptions", transcriptions, methods=["POST"]),
        Route("/v1/chat/completions", chat_completions, methods=["POST"]),
        Route(f"{AZURE}/chat/completions", chat_completions, methods=["POST"]),
    ]
    app = Starlette(routes=routes, exception_handlers={
        APIError: api_error_handler, HTTPException: http_error_handler,
        Exception: unexpected_error_handler})
    app.state.services = Services(settings or ServerSettings.from_env())
    return app
