"""The review page: the reviewer's whole job in a browser, served by the app itself.

- `GET /api/review`: the page's shell. It holds no customer data and none of the page's code:
  only the markup, the schema facts the form needs (field names, currencies, periods, the
  confidence threshold, from `callinsights.schema`/settings, so nothing is defined twice), and
  a small loader. With function keys it asks for the key once (or takes it from the URL's
  fragment, which `make review` prints and no server ever sees), keeps it in `sessionStorage`
  and loads the page's code with it. The Functions host checks keys before a function runs and
  answers 401 itself, so a keyed shell could never ask for the key: this one route is
  anonymous in key mode. With Easy Auth the shell is behind the data guard like the rest.
- `GET /api/review/assets/{name}`: the page's scripts and styles (`api/static/review/`), behind
  `api.auth.DATA`; so are all the data routes the page calls (`api.calls`, `api.call_media`,
  `api.call_fields`, and the lifecycle routes `api.call_reextract`, `api.call_reprocess`,
  `api.call_delete`, `api.reextract_batch`). A wrong key therefore loads nothing.
The page is plain HTML, CSS and JavaScript: no CDN, no build step. Docs: docs/review-page.md.
"""

from __future__ import annotations

import html
import json
import secrets
from pathlib import Path

import azure.durable_functions as df
import azure.functions as func

from api.auth import DATA
from api.reextract_batch import BATCH_STATUSES
from callinsights.schema import (
    AGENT_FIELDS,
    CURRENCIES,
    FIELD_NAMES,
    LEAD_FIELDS,
    PERIODS,
    REVIEWED_FIELDS,
    UNGROUNDED_FIELDS,
    CallStatus,
)
from callinsights.search import MAX_TERM, TEXT_PARAMETERS
from callinsights.settings import Settings

bp = df.Blueprint()

STATIC = Path(__file__).resolve().parent / "static" / "review"
SHELL = "index.html"
# The page's code in load order, and what each is served as; nothing else is served.
ASSETS = {"review.css": "text/css", "format.js": "text/javascript",
          "api.js": "text/javascript", "dialog.js": "text/javascript",
          "queue.js": "text/javascript", "batch.js": "text/javascript",
          "transcript.js": "text/javascript", "decide.js": "text/javascript",
          "actions.js": "text/javascript", "call.js": "text/javascript",
          "main.js": "text/javascript"}
LIST_FIELDS = ("products_of_interest",)
BUDGET_FIELDS = ("budget",)
EASY_AUTH_LOGIN = "/.auth/login/aad"
BATCH_PAGE = 10  # records per request of the queue's batch re-extraction: progress, Stop


def static_text(name: str) -> str:
    """A file of the page, read on each request (a few KB; an edit shows on the next load)."""
    return (STATIC / name).read_text(encoding="utf-8")


def page_config(settings: Settings, easy_auth: bool) -> dict:
    """What the page must know of the schema and the deployment (from their one definition)."""
    return {"auth": "easyauth" if easy_auth else "functionkey",
            "assets": list(ASSETS), "fields": FIELD_NAMES,
            "statuses": [status.value for status in CallStatus],
            "batch_statuses": [status.value for status in BATCH_STATUSES],
            "batch_page": BATCH_PAGE,
            "descriptions": {name: text for name, (_, text) in LEAD_FIELDS.items()},
            "reviewed": list(REVIEWED_FIELDS), "agent": sorted(AGENT_FIELDS),
            "ungrounded": sorted(UNGROUNDED_FIELDS), "list_fields": list(LIST_FIELDS),
            "budget_fields": list(BUDGET_FIELDS), "currencies": list(CURRENCIES),
            "periods": list(PERIODS), "threshold": settings.confidence_threshold,
            "search_texts": list(TEXT_PARAMETERS), "search_max": MAX_TERM,
            "login_url": EASY_AUTH_LOGIN}


def script_json(value: object) -> str:
    """JSON safe inside a `<script>` element (no `</script>` or `<!--` can end it early)."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace(
        "&", "\\u0026")


def content_security_policy(nonce: str) -> str:
    """Only this origin, the loader's nonce and the blob: URLs it makes of the fetched code."""
    return ("default-src 'none'; "
            f"script-src 'nonce-{nonce}' blob:; style-src 'self' blob: 'nonce-{nonce}'; "
            "connect-src 'self'; media-src 'self'; img-src 'self' data:; "
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def shell(settings: Settings, easy_auth: bool, nonce: str) -> str:
    return (static_text(SHELL).replace("{{nonce}}", nonce)
            .replace("{{config}}", script_json(page_config(settings, easy_auth))))


def _html(body: str, code: int, headers: dict | None = None) -> func.HttpResponse:
    return func.HttpResponse(body, status_code=code, mimetype="text/html", charset="utf-8",
                             headers={"Cache-Control": "no-store",
                                      "X-Content-Type-Options": "nosniff",
                                      "Referrer-Policy": "no-referrer", **(headers or {})})


def sign_in_page(refused: func.HttpResponse) -> func.HttpResponse:
    """Easy Auth without a session (or the role): say so, with the sign-in link."""
    target = html.escape(f"{EASY_AUTH_LOGIN}?post_login_redirect_uri=/api/review")
    reason = html.escape(json.loads(refused.get_body() or b"{}").get("error") or "sign in")
    return _html(f"<!doctype html><html lang=en><meta charset=utf-8><title>Sign in</title>"
                 f"<p>{reason}.</p><p><a href=\"{target}\">Sign in with Microsoft Entra ID"
                 "</a></p></html>", refused.status_code)


@bp.route(route="review", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def review_page(req: func.HttpRequest) -> func.HttpResponse:
    if (refused := DATA.refusal(req)) is not None:  # Easy Auth only; key mode asks for the key
        return sign_in_page(refused)
    nonce = secrets.token_urlsafe(18)
    return _html(shell(Settings.from_env(), DATA.easy_auth, nonce), 200,
                 {"Content-Security-Policy": content_security_policy(nonce)})


@bp.route(route="review/assets/{name}", methods=["GET"], auth_level=DATA.auth_level)
def review_asset(req: func.HttpRequest) -> func.HttpResponse:
    if (refused := DATA.refusal(req)) is not None:
        return refused
    name = req.route_params.get("name") or ""
    if name not in ASSETS:
        return func.HttpResponse(f"no asset {name!r}", status_code=404, mimetype="text/plain")
    return func.HttpResponse(static_text(name), status_code=200, mimetype=ASSETS[name],
                             charset="utf-8", headers={"Cache-Control": "private, no-cache",
                                                       "X-Content-Type-Options": "nosniff"})
