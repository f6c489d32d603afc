"""`POST /v1/chat/completions` and the Azure deployment path."""

from __future__ import annotations

import logging
import time

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from modelserver.api_common import admit, json_body, services
from modelserver.chat_request import parse_chat_request
from modelserver.chat_response import completion_body

MAX_CHAT_BODY = 8 * 1024 * 1024
log = logging.getLogger("modelserver.chat")


async def chat_completions(request: Request) -> JSONResponse:
    """One chat completion (no streaming)."""
    svc = services(request)
    body = await json_body(request, MAX_CHAT_BODY)
    model = admit(request, body.get("model") if isinstance(body.get("model"), str) else None,
                  "chat")
    chat = parse_chat_request(body)
    started = time.perf_counter()
    result = await run_in_threadpool(svc.chat.complete, chat)
    seconds = time.perf_counter() - started
    log.info("chat path=%s prompt=%d completion=%d %.2fs (%.1f tok/s)", result.path,
             result.prompt_tokens, result.completion_tokens, seconds,
             result.completion_tokens / seconds if seconds else 0.0)
    return JSONResponse(
        completion_body(result, model.name, logprobs=chat.logprobs, top=chat.top_logprobs),
        headers={"x-modelserver-path": result.path, "x-compute-seconds": f"{seconds:.3f}"})
