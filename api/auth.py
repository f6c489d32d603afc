"""Who may see customer data: the one access check every data route (and later a review page) uses.

Two modes, fixed when the app is imported (`AUTH_MODE`), so a route's auth level and its check
always agree:
- `functionkey` (default): data routes have auth level FUNCTION. The Functions host checks the
  key before the function runs, so there is nothing left to check here.
- `easyauth`: App Service Authentication (Entra ID) signs users in in front of the app. Data
  routes are ANONYMOUS to the host (a browser has no function key), and the function requires
  the `X-MS-CLIENT-PRINCIPAL` header Easy Auth injects, and `AUTH_REQUIRED_ROLE` among its
  roles when set. The platform strips that header from incoming requests when authentication
  is on; settings refuse `easyauth` unless `WEBSITE_AUTH_ENABLED` says it is.
An anonymous route cannot tell whether a caller sent a valid key (the host checks keys, not
the function), which is why data and the public status are separate routes.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

import azure.functions as func

from callinsights.settings import Settings

PRINCIPAL_HEADER = "x-ms-client-principal"
PRINCIPAL_NAME_HEADER = "x-ms-client-principal-name"
NAME_CLAIM_TYPES = ("preferred_username", "name", "upn",
                    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name")
# Entra ID app roles arrive as claims of this type unless the principal names another.
ROLE_CLAIM_TYPES = ("roles", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role")


def client_principal(req: func.HttpRequest) -> dict | None:
    """The Easy Auth principal (base64 JSON with `claims`), or None when absent or malformed."""
    raw = req.headers.get(PRINCIPAL_HEADER)
    if not raw:
        return None
    try:
        principal = json.loads(base64.b64decode(raw, validate=True))
    except (binascii.Error, ValueError):
        return None
    if not isinstance(principal, dict) or not isinstance(principal.get("claims"), list):
        return None
    return principal


def roles_of(principal: dict) -> set[str]:
    role_types = {principal.get("role_typ"), *ROLE_CLAIM_TYPES} - {None}
    return {str(claim.get("val")) for claim in principal["claims"]
            if isinstance(claim, dict) and claim.get("typ") in role_types}


def _refuse(code: int, message: str) -> func.HttpResponse:
    return func.HttpResponse(json.dumps({"error": message}), status_code=code,
                             mimetype="application/json")


@dataclass(frozen=True)
class Guard:
    """The access rule for routes that return or change customer data."""

    easy_auth: bool = False
    required_role: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> Guard:
        return cls(settings.uses_easy_auth, settings.auth_required_role)

    @property
    def auth_level(self) -> func.AuthLevel:
        """What the route decorator declares: the host's key check, or none (Easy Auth's)."""
        return func.AuthLevel.ANONYMOUS if self.easy_auth else func.AuthLevel.FUNCTION

    def actor(self, req: func.HttpRequest) -> str:
        """Who is calling, for audit entries: the Easy Auth user, else "function key" (the host
        checks the key and does not tell the function which one)."""
        principal = client_principal(req) if self.easy_auth else None
        if principal is None:
            return "function key"
        named = req.headers.get(PRINCIPAL_NAME_HEADER)
        claims = {c.get("typ"): c.get("val") for c in principal["claims"] if isinstance(c, dict)}
        return str(named or next((claims[t] for t in NAME_CLAIM_TYPES if claims.get(t)),
                                 "signed-in user"))

    def refusal(self, req: func.HttpRequest) -> func.HttpResponse | None:
        """None when the caller may proceed; else the 401/403 answer to send."""
        if not self.easy_auth:
            return None  # the host already checked the function key
        principal = client_principal(req)
        if principal is None:
            return _refuse(401, "sign in first: this route needs an App Service "
                                "Authentication (Entra ID) session")
        if self.required_role and self.required_role not in roles_of(principal):
            return _refuse(403, f"your account lacks the {self.required_role!r} role")
        return None


DATA = Guard.from_settings(Settings.from_env())
