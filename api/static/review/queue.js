"use strict";
/* The queue: calls awaiting approval (oldest deadline first), then recent calls page by page
   (the listing's `continuation`); the search form's filters (status, customer, city, product,
   flagged, call dates) live in the route (`#/?city=Boise`), so a reload keeps them. Refreshed
   in place while it is shown. */
(function (R) {
  const { el, fmt, api } = R;
  const $ = (id) => document.getElementById(id);
  const PAGE_SIZE = 25;
  const AWAITING_PAGE_SIZE = 100;
  const MAX_AWAITING_PAGES = 10;  // 1000 calls waiting is a backlog no page should render
  const MAX_EMPTY_PAGES = 20;  // a page may hold no call while more follow (filtered instances)
  const AWAITING = "AwaitingApproval";
  // The listing's query parameters the form sets; each has its input `#<name>-filter`.
  const FILTERS = ["status", "customer", "city", "product", "flagged", "from", "to"];
  const CHANGE_APPLIES = ["status", "flagged"];  // the others on Enter or Search

  // `notice`: a message for the next route; `shown`: the one kept over this route's refreshes;
  // `files`: the file name of each call the tables have listed (for the batch's summary).
  const state = { filters: {}, route: "#/", pages: 1, continuation: null, rendering: 0,
    notice: null, shown: null, files: new Map() };

  const input = (name) => $(`${name}-filter`);

  /** The filters of a route's query; unknown parameters are ignored. */
  function filtersOf(params) {
    const filters = {};
    for (const name of FILTERS) {
      const value = (params.get(name) || "").trim();
      if (value) filters[name] = value;
    }
    return filters;
  }

  function routeOf(filters) {
    const text = new URLSearchParams(filters).toString();
    return text ? `#/?${text}` : "#/";
  }

  function readForm() {
    return filtersOf({ get: (name) => input(name).type === "checkbox" ?
      (input(name).checked ? "true" : "") : input(name).value });
  }

  function writeForm(filters) {
    for (const name of FILTERS) {
      if (input(name).type === "checkbox") input(name).checked = filters[name] === "true";
      else input(name).value = filters[name] || "";
    }
  }

  /** Search with what the form holds: a new route (the same one: list again). */
  function apply() {
    const route = routeOf(readForm());
    if ((location.hash || "#/") === route) render();
    else location.hash = route;
  }

  function listed(answer) {
    if (answer.status === 200) return answer.body;
    throw Object.assign(new Error((answer.body && answer.body.error) || `HTTP ${answer.status}`),
      { status: answer.status });
  }

  function say(text, kind) {
    $("queue-message").textContent = text;
    $("queue-message").className = `message ${kind}`;
  }

  function flaggedCount(call) {
    if (call.flagged) return Object.keys(call.flagged).length;
    const review = call.record && call.record.review;
    return review && Array.isArray(review.flagged) ? review.flagged.length : null;
  }

  function stageCell(call) {
    const cell = el("td", { class: "stage", "data-label": "Stage" });
    const outcome = call.record && call.record.review && call.record.review.outcome;
    cell.append(outcome ? `${call.stage || "done"} · ${outcome.replace(/_/g, " ")}` :
      (call.stage || "–").replace(/_/g, " "));
    const progress = call.progress;
    if (progress && progress.chunks_total) {
      cell.append(el("progress", { max: progress.chunks_total, value: progress.chunks_done,
        "aria-label": `chunks transcribed of ${progress.chunks_total}` }),
        el("span", { class: "muted",
          text: `${progress.chunks_done} of ${progress.chunks_total} chunks` }));
    }
    return cell;
  }

  function deadlineCell(call) {
    const cell = el("td", { "data-label": "Deadline" });
    if (!call.deadline) { cell.textContent = "–"; return cell; }
    const passed = new Date(call.deadline).getTime() <= Date.now();
    cell.append(el("time", { datetime: call.deadline, text: fmt.dateTime(call.deadline) }),
      el("br"), el("span", { class: passed ? "overdue" : "muted",
        text: fmt.relative(call.deadline) }));
    return cell;
  }

  function row(call) {
    const count = flaggedCount(call);
    return el("tr", { "data-call-id": call.call_id },
      el("td", { class: "file", "data-label": "File" },
        el("a", { href: `#/calls/${call.call_id}`, "data-call-id": call.call_id,
          text: call.file || "(file name unknown)" }),
        el("span", { class: "call-id", text: call.call_id.slice(0, 12) })),
      el("td", { "data-label": "Call date", text: call.call_date || "–" }),
      el("td", { "data-label": "Status" },
        el("span", { class: `badge ${call.status}`, text: call.status })),
      stageCell(call),
      el("td", { "data-label": "Flagged", text: count === null ? "–" : String(count) }),
      deadlineCell(call));
  }

  /** Replace a table's rows, keeping the keyboard focus on the same call's link. */
  function fill(tableId, emptyId, calls) {
    for (const call of calls) if (call.file) state.files.set(call.call_id, call.file);
    const focused = document.activeElement && document.activeElement.dataset &&
      document.activeElement.dataset.callId;
    $(tableId).tBodies[0].replaceChildren(...calls.map(row));
    $(tableId).hidden = calls.length === 0;
    $(emptyId).hidden = calls.length > 0;
    if (focused) {
      const again = $(tableId).querySelector(`a[data-call-id="${focused}"]`);
      if (again) again.focus();
    }
  }

  async function awaitingCalls() {
    const calls = [];
    let continuation = null;
    for (let page = 0; page < MAX_AWAITING_PAGES; page++) {
      const body = listed(await api.list({ ...state.filters, status: AWAITING },
        AWAITING_PAGE_SIZE, continuation));
      calls.push(...body.calls);
      continuation = body.continuation;
      if (!continuation) break;
    }
    calls.sort((a, b) => String(a.deadline || "9").localeCompare(String(b.deadline || "9")));
    return { calls, more: Boolean(continuation) };
  }

  /** `pages` pages of the listing (skipping pages a filter left empty). */
  async function listedCalls(filters, pages) {
    const calls = [];
    let continuation = null, loaded = 0, empty = 0;
    while (loaded < pages) {
      const body = listed(await api.list(filters, PAGE_SIZE, continuation));
      const page = body.calls.filter((c) => filters.status || c.status !== AWAITING);
      calls.push(...page);
      continuation = body.continuation;
      if (!continuation) break;
      if (page.length || ++empty >= MAX_EMPTY_PAGES) { loaded += 1; empty = 0; }
    }
    return { calls, continuation };
  }

  /** Fetch, then fill the tables, unless a newer render started meanwhile (its data wins). */
  async function render() {
    const mine = ++state.rendering;
    const current = () => mine === state.rendering;
    const status = state.filters.status || "";
    const searching = Object.keys(state.filters).some((name) => name !== "status");
    const showAwaiting = status === "" || status === AWAITING;
    const showRecent = status !== AWAITING;
    $("awaiting-section").hidden = !showAwaiting;
    $("recent-section").hidden = !showRecent;
    $("recent-title").textContent = status ? `Calls: ${status}` :
      searching ? "Other matching calls" : "Recent calls";
    try {
      const awaiting = showAwaiting ? await awaitingCalls() : null;
      const recent = showRecent && current() ? await listedCalls(state.filters, state.pages) :
        null;
      if (!current()) return;
      if (awaiting) {
        fill("awaiting-table", "awaiting-empty", awaiting.calls);
        $("awaiting-count").textContent = `(${awaiting.calls.length}${awaiting.more ? "+" : ""})`;
      }
      if (recent) {
        fill("recent-table", "recent-empty", recent.calls);
        state.continuation = recent.continuation;
        $("recent-more").hidden = !recent.continuation;
      }
      say(state.shown ? state.shown.text : "", state.shown ? state.shown.kind : "");
    } catch (error) {
      if (error instanceof R.Refused || !current()) return;
      if (error.status === 400) {  // a filter the listing refuses: no stale rows under it
        fill("awaiting-table", "awaiting-empty", []);
        fill("recent-table", "recent-empty", []);
        $("awaiting-count").textContent = "";
        $("recent-more").hidden = true;
        say(`The search was refused: ${error.message}`, "error");
      } else {
        say(`The calls could not be listed: ${error.message}`, "error");
      }
    }
  }

  function setUp() {
    for (const name of R.config.search_texts) input(name).maxLength = R.config.search_max;
    const select = $("status-filter");
    for (const status of R.config.statuses) {
      select.append(el("option", { value: status, text: status }));
    }
    $("queue-filter").addEventListener("submit", (event) => { event.preventDefault(); apply(); });
    for (const name of CHANGE_APPLIES) input(name).addEventListener("change", apply);
    $("queue-clear").addEventListener("click", () => {
      writeForm({});
      apply();
      input("customer").focus();
    });
    $("queue-refresh").addEventListener("click", () => render());
    $("recent-more").addEventListener("click", async () => {
      state.pages += 1;
      await render();
      const rows = $("recent-table").tBodies[0].rows;
      const link = rows.length && rows[rows.length - 1].querySelector("a");
      if (link) link.focus();
    });
  }

  R.queue = {
    setUp,
    /** Show the queue for a route's query (none: everything, awaiting approval first). */
    async show(params) {
      const filters = filtersOf(params);
      const route = routeOf(filters);
      if (route !== state.route) Object.assign(state, { filters, route, pages: 1 });
      state.shown = state.notice;  // a notice shows until the next route
      state.notice = null;
      writeForm(filters);
      await render();
    },
    refresh: () => render(),
    /** A message for the queue's next showing ("Call … deleted"). */
    notify(text) { state.notice = { text, kind: "ok" }; },
    /** A message shown now and kept until the route changes (empty text: none). */
    tell(text, kind) {
      state.shown = text ? { text, kind } : null;
      say(text, text ? kind : "");
    },
    /** The queue's last route with its search (`#/?city=Boise`): where a call view goes back. */
    route: () => state.route,
    /** The filters the queue shows (the route's), a copy. */
    filters: () => ({ ...state.filters }),
    /** The file name of a call the queue has listed, else null. */
    fileOf: (callId) => state.files.get(callId) || null,
  };
})(window.CallReview);
