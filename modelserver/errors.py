"""Errors in the OpenAI/Azure OpenAI JSON shape, so the SDK raises its usual exception types."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse


class APIError(Exception):
    """An error answer: HTTP status plus the `{"error": {message, type, param, code}}` body."""

    def __init__(self, status: int, message: str, *, type: str = "invalid_request_error",
                 param: str | None = None, code: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = headers or {}

    def body(self) -> dict:
        return {"error": {"message": self.message, "type": self.type, "param": self.param,
                          "code": self.code}}


def bad_request(message: str, param: str | None = None, code: str | None = None) -> APIError:
    """400: the body is malformed or a value is not allowed."""
    return APIError(400, message, param=param, code=code)


def not_found(message: str, code: str = "DeploymentNotFound") -> APIError:
    """404: unknown deployment or model (Azure's code for a missing deployment)."""
    return APIError(404, message, code=code)


def too_large(limit: int, size: int) -> APIError:
    """413 with the message and type OpenAI and Azure OpenAI answer for uploads over 25 MB."""
    return APIError(413, f"Maximum content size limit ({limit}) exceeded ({size} bytes read)",
                    type="server_error")


def rate_limited(deployment: str, retry_after: int) -> APIError:
    """429 with `Retry-After`, worded like Azure OpenAI's quota answer."""
    message = (f"Requests to the {deployment} deployment have exceeded the rate limit of your "
               f"current pricing tier. Please retry after {retry_after} seconds.")
    return APIError(429, message, type="requests", code="429",
                    headers={"Retry-After": str(retry_after),
                             "retry-after-ms": str(retry_after * 1000)})


async def api_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    """Starlette exception handler for `APIError`."""
    assert isinstance(exc, APIError)
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


async def unexpected_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    """Anything unforeseen becomes a 500 in the same shape (the SDK then retries it)."""
    error = APIError(500, f"The server had an error while processing your request: {exc}",
                     type="server_error")
    return JSONResponse(error.body(), status_code=500)
