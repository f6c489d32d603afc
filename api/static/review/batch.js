"use strict";
/* "Extract matching calls again…": the batch re-extraction (`POST /api/reextractions`) over the
   queue's call dates and its status (when it is one the route takes), after an in-page
   confirmation. Page after page, with the progress in a live region, a Stop that ends the
   batch after the current page, then what was skipped and why. One batch at a time in the
   tab: the button is disabled while one runs. */
(function (R) {
  const { el, api } = R;
  const $ = (id) => document.getElementById(id);
  const PAGE_SIZE = R.config.batch_page;  // records per request: the progress and Stop move
  const RANGE = ["from", "to"];  // the queue's filters the route takes, with the status
  const IGNORED = { customer: "customer", city: "city", product: "product",
    flagged: "“Flagged only”" };  // the queue's filters it does not take

  const state = { running: false, stopping: false, batch: null, skipped: [], dialog: null };

  /** What the route is asked for: the call dates, and the status if the route takes it. */
  function batchOf(filters) {
    const batch = {};
    for (const name of RANGE) if (filters[name]) batch[name] = filters[name];
    if (R.config.batch_statuses.includes(filters.status)) batch.status = filters.status;
    return batch;
  }

  /** "every stored call from 2026-12-01 to 2026-12-03" (open ends read as such). */
  function rangeText(batch) {
    const what = `every stored ${batch.status ? `${batch.status} ` : ""}call`;
    if (batch.from && batch.to) return `${what} from ${batch.from} to ${batch.to}`;
    if (batch.from) return `${what} from ${batch.from} on`;
    if (batch.to) return `${what} up to ${batch.to}`;
    return what;
  }

  function listed(names) {
    return names.length < 2 ? names.join("") :
      `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
  }

  function askToRun() {
    if (state.running) return;
    const filters = R.queue.filters();
    state.batch = batchOf(filters);
    $("batch-range").textContent = `This extracts ${rangeText(state.batch)} again.`;
    $("batch-status-note").textContent = filters.status && !state.batch.status ?
      `The status filter (${filters.status}) does not apply: only ` +
      `${listed(R.config.batch_statuses)} calls are extracted again, and this takes both.` : "";
    const ignored = Object.keys(IGNORED).filter((name) => filters[name]);
    $("batch-ignored").textContent = ignored.length ? `The ${listed(ignored.map((name) =>
      IGNORED[name]))} filter${ignored.length > 1 ? "s do" : " does"} not narrow it: the ` +
      "batch takes only the call dates and the status." : "";
    state.dialog.open();
  }

  function counts(progress) {
    return `${progress.seen} of ${progress.total} calls seen: ${progress.started} started, ` +
      `${progress.skipped} skipped`;
  }

  function say(text) { $("batch-progress").textContent = text; }

  function enable() {
    $("batch-button").disabled = state.running;
    $("batch-stop").hidden = !state.running;
    $("batch-stop").disabled = state.stopping;
    $("batch-stop").textContent = state.stopping ? "Stopping after this page…" :
      "Stop after this page";
  }

  function showSkipped() {
    $("batch-skipped").replaceChildren(...state.skipped.map(({ call_id: id, reason }) =>
      el("li", {}, el("a", { href: `#/calls/${id}`, text: R.queue.fileOf(id) || id }),
        `: ${reason}`)));
    $("batch-summary").hidden = state.skipped.length === 0;
  }

  /** The last words: how it ended and how far it got. */
  function summary(ended, progress) {
    if (!progress) { say(ended === "failed" ? "The batch started nothing." : ""); return; }
    if (ended === "done" && progress.total === 0) { say("Done: no stored call matches."); return; }
    const how = { done: "Done", stopped: "Stopped", failed: "Stopped by an error" }[ended];
    say(`${how}: ${counts(progress)}.${progress.started ?
      " The calls started are listed live in the queue." : ""}`);
    showSkipped();
  }

  /** A page the route did not answer with 200, in its own words, in the queue's message. */
  function refused(answer, progress) {
    const reason = (answer.body && answer.body.error) || `HTTP ${answer.status}`;
    R.queue.tell(`The batch re-extraction ${progress ? "stopped" : "was not started"} (${
      answer.status ? `HTTP ${answer.status}` : "no answer"}): ${reason}`, "error");
  }

  async function run() {
    if (state.running) return;
    state.dialog.sent();
    Object.assign(state, { running: true, stopping: false, skipped: [] });
    $("batch-summary").hidden = true;
    R.queue.tell("", "");
    enable();
    $("batch-stop").focus();  // the one control left for the batch
    say("Starting the batch…");
    let body = { ...state.batch, limit: PAGE_SIZE };
    let progress = null, ended = "done";
    try {
      for (;;) {
        const answer = await api.settle(() => api.reextractAll(body));
        if (answer.status !== 200) { refused(answer, progress); ended = "failed"; break; }
        const page = answer.body;
        progress = page.progress;
        state.skipped.push(...page.skipped);
        say(`${counts(progress)}.`);
        if (!page.continuation) break;
        if (state.stopping) { ended = "stopped"; break; }
        body = { continuation: page.continuation, limit: PAGE_SIZE };
      }
    } catch (error) {
      if (!(error instanceof R.Refused)) throw error;
      ended = "failed";  // signed out: the key form says why
    } finally {
      // the Stop button had the focus (a disabled button drops it to the body)
      const focused = [$("batch-stop"), document.body, null].includes(document.activeElement);
      state.running = false;
      state.stopping = false;
      enable();
      if (focused) $("batch-button").focus();
      summary(ended, progress);
      if (!$("queue-view").hidden && progress) R.queue.refresh();  // the started calls, live
    }
  }

  function stop() {
    state.stopping = true;
    enable();
  }

  function setUp() {
    $("batch-button").addEventListener("click", askToRun);
    $("batch-stop").addEventListener("click", stop);
    state.dialog = R.dialog.confirmation({ dialog: "batch-dialog", cancel: "batch-cancel",
      confirm: "batch-confirm", opener: "batch-button" }, run);
    enable();
  }

  R.batch = {
    setUp,
    /** No dialog left open over the key form. */
    dismiss: () => state.dialog.dismiss(),
  };
})(window.CallReview);
