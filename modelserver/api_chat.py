"""Placeholder until the chat engine lands."""

from starlette.requests import Request

from modelserver.errors import APIError


async def chat_completions(request: Request):
    raise APIError(501, "chat is not implemented yet", type="server_error")
