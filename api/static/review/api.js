"use strict";
/* The app's routes as the page calls them: every one carries the key (or the Easy Auth
   session cookie); a refused key sends the reviewer back to the key form. */
(function (R) {
  const KEY_HEADER = "x-functions-key";

  class Refused extends Error {}

  function headers(extra) {
    const key = R.key();
    return Object.assign(key ? { [KEY_HEADER]: key } : {}, extra || {});
  }

  /** {status, body} for any answer but 401/403, which sign out (and throw `Refused`). */
  async function request(method, path, body) {
    const init = { method, headers: headers(body === undefined ? {} :
      { "content-type": "application/json" }), cache: "no-store" };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await fetch(`${R.base}${path}`, init);
    const text = await response.text();
    let parsed = null;
    try { parsed = text ? JSON.parse(text) : null; } catch (_) { parsed = { error: text }; }
    if (response.status === 401 || response.status === 403) {
      R.signOut(response.status === 403 ? (parsed && parsed.error) || "Access denied." :
        "The app refused the key (or the sign-in has ended). Enter it again.");
      throw new Refused(`HTTP ${response.status}`);
    }
    return { status: response.status, body: parsed };
  }

  function query(params) {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
    const text = search.toString();
    return text ? `?${text}` : "";
  }

  /** The answer, or {status: 0} with the reason when the request did not reach the app;
      `Refused` (signed out) still throws. */
  async function settle(request) {
    try {
      return await request();
    } catch (error) {
      if (error instanceof Refused) throw error;
      return { status: 0, body: { error: `the request did not reach the app (${error.message})` } };
    }
  }

  const path = (id, tail = "") => `/calls/${encodeURIComponent(id)}${tail}`;

  R.Refused = Refused;
  R.api = {
    settle,
    /** A page of the listing; `filters` are its query parameters (status, customer, ...). */
    list: (filters, limit, continuation) =>
      request("GET", `/calls${query({ ...filters, limit: String(limit), continuation })}`),
    call: (id) => request("GET", path(id)),
    fields: (id) => request("GET", path(id, "/fields")),
    transcript: (id) => request("GET", path(id, "/transcript")),
    decide: (id, decision) => request("POST", path(id, "/approval"), decision),
    reextract: (id) => request("POST", path(id, "/reextract")),
    reprocess: (id) => request("POST", path(id, "/reprocess")),
    /** A page of the batch re-extraction: the range first, then `{continuation}`. */
    reextractAll: (body) => request("POST", "/reextractions", body),
    remove: (id, force) => request("DELETE", path(id, query({ force: force ? "true" : "" }))),
    /** The recording's URL for an audio element, which cannot send headers: `?code=`. */
    audioUrl(id) {
      const key = R.key();
      return `${R.base}${path(id, "/audio")}${key ? `?code=${encodeURIComponent(key)}` : ""}`;
    },
  };
})(window.CallReview);
